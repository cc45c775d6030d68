//DEPS dev.poolkit:poolkit:0.2.0
// crawler-commons (robots.txt, sitemaps) logs through SLF4J: no logging here, and no warning that there is none.
//DEPS org.slf4j:slf4j-nop:2.0.17
// poolkit's JShell playground: ./jbang -i scripts/playground.jsh (or ./jbang -i playground@.)
// The lib is loaded, a demo site is running, and these names are ready:
//   site     the demo site (site.url(), site.pageUrls(), site.frontPage(): a tree of pages to crawl)
//   fetcher  the shared HTTP fetcher
//   title    a handler: URL -> its status and title
import dev.poolkit.*;
import dev.poolkit.demo.*;
import dev.poolkit.http.*;
import dev.poolkit.crawl.*;
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
    A crawl in three snippets: a page's links; a frontier crawled by hand, 2 links deep; a handler
    offering its links, which a pool that follows (what --depth turns on) hands back with the result:
      fetcher.get(site.frontPage()).links()
      var found = new ArrayList<String>();
      try (var f = LocalFrontier.builder().seeds(List.of(site.frontPage())).scope(Scope.builder().maxDepth(2).sameHost(true).deny("private|missing").build()).open()) {
          for (Frontier.Item it; (it = f.next()) != null; f.done(it, "")) { found.add(it.depth() + " " + it.value()); f.add(it, fetcher.get(it.value()).links()); } }
      Handler crawler = url -> { var page = fetcher.get(url); return Fields.of("title", page.title(), "follow", Fields.follow(page::links)); };
      AsyncPool.of(8, crawler).withFollow(true).map(List.of(site.frontPage())).get(0).fields().get("follow")
    /exit to leave.
    """.formatted(site.url()));
