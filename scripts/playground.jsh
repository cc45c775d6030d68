//DEPS dev.poolkit:poolkit:0.2.0
// crawler-commons (robots.txt, sitemaps) logs through SLF4J: no logging here, and no warning that there is none.
//DEPS org.slf4j:slf4j-nop:2.0.17
// poolkit's JShell playground: ./jbang -i scripts/playground.jsh (or ./jbang -i playground@.)
// The lib is loaded, a demo site is running, and these names are ready:
//   site     the demo site (site.url(), site.pageUrls())
//   fetcher  the shared HTTP fetcher
//   title    a handler: URL -> its status and title
import dev.poolkit.*;
import dev.poolkit.demo.*;
import dev.poolkit.http.*;
import java.util.*;

var site = DemoSite.start(20, 20);
var fetcher = Fetcher.shared();
Handler title = url -> { var page = fetcher.get(url); return Fields.of("status", page.status(), "title", page.title()); };

System.out.println("""

    poolkit playground: the lib is loaded and a demo site runs at %s
    Ready: site, fetcher, title (a handler). Try:
      fetcher.get(site.url() + "/page/1").title()
      var pool = AsyncPool.of(8, title)
      pool.map(site.pageUrls()).forEach(System.out::println)
      ThreadPool.of(4, title).map(List.of(site.url() + "/nope", "not a url"))
    /exit to leave.
    """.formatted(site.url()));
