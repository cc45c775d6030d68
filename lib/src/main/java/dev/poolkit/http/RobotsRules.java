package dev.poolkit.http;

import dev.poolkit.crawl.Robots;
import dev.poolkit.http.FetchException.Kind;
import dev.poolkit.limits.Gate;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fetcher's obedience to robots.txt ({@link Fetcher.Builder#robots}): each site's robots.txt
 * is fetched once, by the fetcher itself (its limits, retries and redirects), parsed by
 * {@link Robots}, and kept for the fetcher's life; a URL it disallows fails with kind
 * {@link Kind#ROBOTS} before any request; its {@code Crawl-delay} becomes the host's minimum gap
 * in the fetcher's {@link Gate}. Thread-safe.
 */
final class RobotsRules {
    /** What fetching one robots.txt asks of the fetcher: its GET, without the robots check. */
    interface Fetch {
        Page get(String url) throws FetchException, InterruptedException;
    }

    /** Carries an interrupt out of the function Robots calls, so that the site is asked again later. */
    private static final class Interrupted extends RuntimeException {
        Interrupted() {
            super(null, null, false, false);
        }
    }

    private final Robots robots;
    private final Gate gate;
    // Why a site's robots.txt left it off limits (429, 5xx, no answer), by its robots.txt URL.
    private final Map<String, FetchException> unavailable = new ConcurrentHashMap<>();

    RobotsRules(Fetch fetch, String agent, Gate gate) {
        this.gate = gate;
        this.robots = Robots.builder(robotsUrl -> answer(fetch, robotsUrl)).agent(agent).build();
    }

    /**
     * The robots.txt product token for a User-Agent: its first word, before any {@code /}
     * ({@code poolkit/0.2.0 (java/21)} is {@code poolkit}, {@code MyBot/1.0 (+https://...)} is
     * {@code MyBot}), as robots.txt groups name crawlers.
     */
    static String agentOf(String userAgent) {
        String token = userAgent.strip().split("[\\s/]", 2)[0];
        return token.isEmpty() ? "poolkit" : token;
    }

    /**
     * Fails if the site's rules keep {@code url} ({@code uri} as it will be requested) from being
     * fetched; else makes the gate keep the site's Crawl-delay, if any.
     *
     * @param redirectedFrom the URL whose redirect led here, or {@code null}
     */
    void check(String url, URI uri, String redirectedFrom) throws FetchException, InterruptedException {
        String target = uri.toString();
        boolean allowed;
        try {
            allowed = robots.allowed(target);
        } catch (Interrupted e) {
            Thread.interrupted(); // set to cross Robots; thrown now instead
            throw new InterruptedException("interrupted while fetching robots.txt for " + target);
        }
        if (!allowed) {
            String robotsUrl = robotsUrl(uri);
            FetchException why = unavailable.get(robotsUrl);
            if (why != null && why.kind() != Kind.HTTP) {
                // No answer at all: the URL's own fetch would have failed the same way.
                throw new FetchException(url, why.kind(), "robots.txt not fetched: " + why.getMessage(), null);
            }
            String what = redirectedFrom == null ? "disallowed by " : "redirect to " + target + " disallowed by ";
            throw new FetchException(url, Kind.ROBOTS, why != null
                    ? robotsUrl + " answered HTTP " + ((HttpStatusException) why).status() + ": the site is off limits for this fetcher"
                    : what + robotsUrl, null);
        }
        // Every time, not once per host: cheap, and no request of the host slips in before it.
        robots.crawlDelay(target).ifPresent(delay -> gate.minGap(Gate.hostKey(uri), delay));
    }

    private Robots.Answer answer(Fetch fetch, String robotsUrl) {
        try {
            Page page = fetch.get(robotsUrl);
            return new Robots.Answer(page.status(), page.body(), page.header("content-type").orElse(null));
        } catch (HttpStatusException e) {
            if (e.status() == 429 || e.status() >= 500) unavailable.put(robotsUrl, e);
            return Robots.Answer.status(e.status());
        } catch (FetchException e) {
            unavailable.put(robotsUrl, e);
            return Robots.Answer.failed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interrupted();
        }
    }

    /** {@code scheme://host[:port]/robots.txt} for {@code uri}, as {@link Robots} asks for it. */
    private static String robotsUrl(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port) + "/robots.txt";
    }
}
