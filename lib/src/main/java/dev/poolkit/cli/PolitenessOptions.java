package dev.poolkit.cli;

import dev.poolkit.crawl.Robots;
import dev.poolkit.crawl.SitemapException;
import dev.poolkit.crawl.Sitemaps;
import dev.poolkit.http.FetchException;
import dev.poolkit.http.Fetcher;
import dev.poolkit.http.HttpStatusException;
import dev.poolkit.http.Page;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a site publishes for crawlers, on the command line, as a picocli mixin (mixed into
 * {@link Job}): {@code --robots obey|ignore} and {@code --sitemap URL}.
 *
 * <p>robots.txt is obeyed by default when the job follows links or is seeded from a sitemap,
 * and ignored for a plain list of items: a list is the user's own explicit choice of URLs, as
 * with {@code curl} or {@code wget -i}, while a crawl fetches URLs the user never saw, which is
 * what robots.txt is for.
 */
public final class PolitenessOptions {
    @Option(names = "--robots", paramLabel = "obey|ignore",
            description = "Obey robots.txt (fetched once per host: disallowed URLs fail as robots and are never requested; "
                    + "Crawl-delay spaces the host's requests) or ignore it (default: obey when following links or with "
                    + "--sitemap, ignore for a plain list of items).")
    String robots;

    @Option(names = "--sitemap", paramLabel = "URL",
            description = "Also process the pages this sitemap lists (repeatable); an index's sitemaps too. One that "
                    + "cannot be fetched or read stops the run before it starts (exit 2); a sitemap an index lists that "
                    + "cannot is skipped with a line on stderr.")
    List<String> sitemaps = new ArrayList<>();

    /**
     * Whether robots.txt is obeyed: as {@code --robots} says, else when {@code following} links
     * or seeding from a sitemap.
     *
     * @throws Job.UsageError if {@code --robots} is neither obey nor ignore
     */
    public boolean obeyRobots(boolean following) {
        if (robots == null) return following || !sitemaps.isEmpty();
        return switch (robots) {
            case "obey" -> true;
            case "ignore" -> false;
            default -> throw new Job.UsageError("--robots must be obey or ignore, got " + robots);
        };
    }

    /** Sets robots.txt obedience on {@code b} ({@link #obeyRobots}). */
    public void applyTo(Fetcher.Builder b, boolean following) {
        b.robots(obeyRobots(following));
    }

    /** Whether any {@code --sitemap} was given: the job's total is then not known in advance. */
    public boolean seeds() {
        return !sitemaps.isEmpty();
    }

    /**
     * The pages the {@code --sitemap}s list, in their order, fetched with {@code fetcher}. Each
     * given sitemap is fetched and read now; the sitemaps an index lists as the items are read.
     *
     * @param skipped told, in one line, of a sitemap an index lists that could not be read
     * @throws Job.UsageError if a given sitemap cannot be fetched or read
     */
    public List<Iterator<String>> sitemapItems(Fetcher fetcher, Consumer<String> skipped) {
        if (sitemaps.isEmpty()) return List.of(); // without loading crawler-commons' parser
        var seeds = Sitemaps.of(url -> answer(fetcher, url));
        var all = new ArrayList<Iterator<String>>();
        for (String sitemap : sitemaps) {
            try {
                all.add(seeds.urls(sitemap, skipped));
            } catch (SitemapException e) {
                throw new Job.UsageError("--sitemap " + e.getMessage().substring("sitemap ".length())
                        + " (check the URL, or leave out --sitemap)");
            }
        }
        return all;
    }

    private static Robots.Answer answer(Fetcher fetcher, String url) {
        try {
            Page page = fetcher.get(url);
            return new Robots.Answer(page.status(), page.body(), page.header("content-type").orElse(null));
        } catch (HttpStatusException e) {
            return new Robots.Answer(e.status(), null, null, e.getMessage());
        } catch (FetchException e) {
            return Robots.Answer.failed(e.getMessage() + " (" + e.errorKind() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Robots.Answer.failed("interrupted");
        }
    }
}
