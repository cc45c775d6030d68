package dev.poolkit.crawl;

import crawlercommons.sitemaps.AbstractSiteMap;
import crawlercommons.sitemaps.SiteMap;
import crawlercommons.sitemaps.SiteMapIndex;
import crawlercommons.sitemaps.SiteMapParser;
import crawlercommons.sitemaps.SiteMapURL;
import crawlercommons.sitemaps.UnknownFormatException;
import dev.poolkit.internal.Text;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The page URLs a sitemap lists, parsed by crawler-commons' {@code SiteMapParser} (XML
 * sitemaps, sitemap index files, plain text lists, RSS and Atom feeds, gzipped or not), in
 * lenient mode: a sitemap may list URLs outside its own folder, as many real ones do.
 *
 * <pre>{@code
 * Iterator<String> pages = Sitemaps.of(url -> fetchSomehow(url)).urls("https://example.com/sitemap.xml", System.err::println);
 * }</pre>
 *
 * <h2>Fetching</h2>
 * Like {@link Robots}, it knows nothing of HTTP: it is given a function from a sitemap's URL to
 * what fetching it gave ({@link Robots.Answer}), so the caller's fetcher and its limits fetch it.
 *
 * <h2>Index files, streamed</h2>
 * The sitemap given to {@link #urls} is fetched and parsed at once, so that a wrong URL is
 * known before anything runs ({@link SitemapException}). The sitemaps an index lists are
 * fetched one at a time as the iterator reaches them (a sitemap holds up to 50,000 URLs, an
 * index up to 50,000 sitemaps: they are never all in memory); one that cannot be fetched or read
 * is reported to {@code problems} in one line and skipped: the pages it would have listed are
 * not known, so no item is lost. Indexes may nest up to {@value #MAX_NESTING} deep; a sitemap
 * seen before in the same walk is not read again.
 *
 * <h2>Thread-safety</h2>
 * A {@code Sitemaps} may be shared; each iterator is for one thread.
 */
public final class Sitemaps {
    /** Index files inside index files, at most. */
    public static final int MAX_NESTING = 3;

    private final Function<String, Robots.Answer> fetch;

    private Sitemaps(Function<String, Robots.Answer> fetch) {
        this.fetch = Objects.requireNonNull(fetch, "fetch");
    }

    /** Sitemaps fetched through {@code fetch}, given a sitemap's URL. */
    public static Sitemaps of(Function<String, Robots.Answer> fetch) {
        return new Sitemaps(fetch);
    }

    /**
     * The page URLs {@code sitemapUrl} lists, and, for an index, those of the sitemaps it lists.
     *
     * @param problems told, in one line each, of a listed sitemap that was skipped
     * @throws SitemapException if {@code sitemapUrl} itself cannot be fetched or read
     */
    public Iterator<String> urls(String sitemapUrl, Consumer<String> problems) throws SitemapException {
        Objects.requireNonNull(problems, "problems");
        var walk = new Walk(problems);
        walk.seen.add(sitemapUrl);
        walk.open(read(sitemapUrl), 0);
        return walk;
    }

    private final SiteMapParser parser = new SiteMapParser(false);

    /** Fetches and parses one sitemap or index. */
    private AbstractSiteMap read(String url) throws SitemapException {
        URL parsed;
        try {
            parsed = URI.create(url.strip()).toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new SitemapException(url, "sitemap " + url + ": not a URL (" + Text.oneLine(e.getMessage()) + ")", e);
        }
        Robots.Answer answer = fetch.apply(url);
        if (answer == null) answer = Robots.Answer.failed();
        if (answer.status() < 200 || answer.status() >= 300) {
            String why = answer.error() != null ? answer.error()
                    : answer.status() < 0 ? "no answer" : "HTTP " + answer.status();
            throw new SitemapException(url, "sitemap " + url + ": " + why, null);
        }
        try {
            synchronized (parser) { // SiteMapParser keeps state while it parses
                return answer.contentType() == null
                        ? parser.parseSiteMap(answer.body(), parsed)
                        : parser.parseSiteMap(answer.contentType(), answer.body(), parsed);
            }
        } catch (UnknownFormatException | IOException | RuntimeException e) {
            throw new SitemapException(url, "sitemap " + url + ": cannot be read as a sitemap ("
                    + Text.oneLine(String.valueOf(e.getMessage())) + ")", e);
        }
    }

    /** Depth-first through the indexes, one sitemap's URLs at a time. */
    private final class Walk implements Iterator<String> {
        private final Consumer<String> problems;
        private final Set<String> seen = new HashSet<>();
        // The sitemaps still to read, with their nesting; and the current sitemap's URLs.
        private final Deque<Pending> pending = new ArrayDeque<>();
        private Iterator<SiteMapURL> current = java.util.Collections.emptyIterator();

        private record Pending(String url, int nesting) {}

        Walk(Consumer<String> problems) {
            this.problems = problems;
        }

        void open(AbstractSiteMap map, int nesting) {
            if (map instanceof SiteMapIndex index) {
                if (nesting >= MAX_NESTING) {
                    problems.accept("sitemap " + index.getUrl() + ": an index nested more than " + MAX_NESTING + " deep, skipped");
                    return;
                }
                var children = new java.util.ArrayList<Pending>();
                for (AbstractSiteMap child : index.getSitemaps()) {
                    String url = child.getUrl().toString();
                    if (seen.add(url)) children.add(new Pending(url, nesting + 1));
                }
                // Depth-first, in the index's order.
                for (int i = children.size() - 1; i >= 0; i--) pending.push(children.get(i));
            } else {
                current = ((SiteMap) map).getSiteMapUrls().iterator();
            }
        }

        @Override
        public boolean hasNext() {
            while (!current.hasNext()) {
                Pending next = pending.poll();
                if (next == null) return false;
                current = java.util.Collections.emptyIterator();
                try {
                    open(read(next.url()), next.nesting());
                } catch (SitemapException e) {
                    problems.accept(e.getMessage() + "; skipped");
                }
            }
            return true;
        }

        @Override
        public String next() {
            if (!hasNext()) throw new NoSuchElementException();
            return current.next().getUrl().toString();
        }
    }
}
