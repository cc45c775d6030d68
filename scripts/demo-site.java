///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS dev.poolkit:poolkit:0.2.0
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Serves poolkit's demo site on 127.0.0.1 until stopped, to aim a scraper at.

import dev.poolkit.cli.Job;
import dev.poolkit.demo.DemoSite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "demo-site", mixinStandardHelpOptions = true,
        description = "Serves poolkit's demo site on 127.0.0.1 until stopped (Ctrl-C), and prints its routes.")
class DemoSiteServer implements Callable<Integer> {
    @Option(names = "--pages", defaultValue = "100", description = "Pages to serve (default: ${DEFAULT-VALUE}).")
    int pages;

    @Option(names = "--delay", paramLabel = "MS", defaultValue = "50", description = "Delay before each answer, in ms (default: ${DEFAULT-VALUE}).")
    long delay;

    @Override
    public Integer call() throws Exception {
        try (var site = DemoSite.start(pages, delay)) {
            System.out.printf("""
                    demo site at %1$s (%2$d pages, %3$d ms delay); Ctrl-C to stop
                      %1$s/                 index of all pages
                      %1$s/page/1 .. /page/%2$d  pages titled "Demo page N"
                      %1$s/status/CODE      an empty answer with that status, e.g. /status/503
                    a site to crawl:
                      %1$s/site/            front page of a tree of 120 pages, 3 wide and 4 deep (/site/1, /site/1/2, ...)
                      %1$s/site/private/    linked from the front page, disallowed by robots.txt
                      %1$s/robots.txt       disallows /site/private/, names the sitemap
                      %1$s/sitemap.xml      a sitemap index: /sitemaps/pages.xml and /sitemaps/site.xml
                    fault routes (no delay):
                      %1$s/fault/retry-after/SECONDS[/KEY]  429 with Retry-After (with KEY: 200 once SECONDS have passed)
                      %1$s/fault/flaky/KEY/K     503 for the first K requests with that KEY, then 200
                      %1$s/fault/reset           redirects to a port that resets the connection
                      %1$s/fault/stall           headers, then a body that never finishes
                      %1$s/fault/drip/MS         a page in 10 pieces, one every MS ms
                      %1$s/fault/huge/MB         MB MiB of body, streamed, no Content-Length
                      %1$s/fault/gzip-bomb/MB    a small gzip body that inflates to MB MiB
                      %1$s/fault/redirect/N      a chain of N redirects
                      %1$s/fault/redirect-loop   two pages redirecting to each other
                      %1$s/fault/gzip, /fault/deflate  a compressed page
                      %1$s/fault/latin1          an ISO-8859-1 page whose charset is only in <meta>
                      %1$s/fault/busy/K/ANY      room for K at once (50 ms each); more get 429 at once
                    """, site.url(), pages, delay);
            new CountDownLatch(1).await();
        }
        return 0;
    }

    public static void main(String[] args) {
        System.exit(Job.commandLine(new DemoSiteServer()).execute(args));
    }
}
