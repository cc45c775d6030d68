package dev.poolkit.crawl;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRules.RobotRulesMode;
import crawlercommons.robots.SimpleRobotRulesParser;
import dev.poolkit.internal.Check;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * robots.txt rules, fetched once per site and kept: may this URL be fetched, and how long should
 * requests to its site be apart. Parsed by crawler-commons' {@code SimpleRobotRulesParser}
 * (what Nutch and StormCrawler use): RFC 9309, the longest matching rule wins, {@code Allow}
 * over {@code Disallow} on a tie, {@code *} and {@code $} in paths.
 *
 * <pre>{@code
 * Robots robots = Robots.builder(robotsUrl -> fetchSomehow(robotsUrl)).agent("poolkit").build();
 * if (robots.allowed(url)) ... else record with errorKind "robots"
 * }</pre>
 *
 * <h2>Fetching</h2>
 * Robots knows nothing of HTTP: it is given a function from a robots.txt URL
 * ({@code http://host:port/robots.txt}; a site is a scheme, host and port) to what fetching it
 * gave, an {@link Answer}, so that the job's fetcher, with its limits, retries and redirects,
 * can fetch it. The function is called once per site, by the first thread that asks about the
 * site; other threads asking about that site wait for it, threads asking about other sites do not.
 *
 * <h2>What an answer means (as Google does)</h2>
 * <ul>
 *   <li>2xx: the rules in the body, for the first group that names the agent, else {@code *}.</li>
 *   <li>4xx but 429 (404, 403, 401, 410, ...) and 3xx left unfollowed: there are no rules, all
 *   allowed.</li>
 *   <li>429, 5xx, or no answer ({@link Answer#failed()}): everything disallowed, for now: the
 *   site said it is unwell, so it is not crawled. Google does the same for 12 hours and then
 *   retries; a refetch after a while is not built here yet, the rules are kept for the job.</li>
 * </ul>
 *
 * <h2>Cache</h2>
 * The rules of up to {@code maxSites} sites (default 10,000), least recently used dropped first:
 * a dropped site's robots.txt is fetched again if asked about.
 *
 * <h2>Thread-safety</h2>
 * All methods may be called from any thread.
 */
public final class Robots {
    /**
     * What fetching a robots.txt (or a sitemap, {@link Sitemaps}) gave.
     *
     * @param status      the HTTP status after redirects; -1 when there was no answer (a timeout,
     *                    a refused connection)
     * @param body        the body; empty unless 2xx
     * @param contentType the Content-Type, or {@code null}
     * @param error       why there was no usable answer, in a line, or {@code null}
     */
    public record Answer(int status, byte[] body, String contentType, String error) {
        public Answer {
            body = body == null ? new byte[0] : body;
        }

        public Answer(int status, byte[] body, String contentType) {
            this(status, body, contentType, null);
        }

        /** A 200 with this body. */
        public static Answer ok(byte[] body, String contentType) {
            return new Answer(200, body, contentType);
        }

        /** An answer with this status and no body. */
        public static Answer status(int status) {
            return new Answer(status, null, null);
        }

        /** No answer at all. */
        public static Answer failed() {
            return new Answer(-1, null, null);
        }

        /** No answer at all, for this reason. */
        public static Answer failed(String error) {
            return new Answer(-1, null, null, error);
        }
    }

    private final Function<String, Answer> fetch;
    private final List<String> agents;
    private final SimpleRobotRulesParser parser = new SimpleRobotRulesParser();
    private final Map<String, Site> sites;

    private Robots(Builder b) {
        this.fetch = b.fetch;
        this.agents = List.of(b.agent.toLowerCase(java.util.Locale.ROOT));
        int maxSites = b.maxSites;
        this.sites = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Site> eldest) {
                return size() > maxSites;
            }
        };
    }

    /** Robots that fetch a robots.txt through {@code fetch}, given its URL. */
    public static Builder builder(Function<String, Answer> fetch) {
        return new Builder(fetch);
    }

    /**
     * Whether the rules of {@code url}'s site let this agent fetch it. Anything that is not an
     * http or https URL is allowed: items need not be URLs. Fetches the site's robots.txt the
     * first time the site is asked about.
     */
    public boolean allowed(String url) {
        String canonical = Urls.canonical(url);
        String site = siteOf(canonical);
        if (site == null) return true;
        if (canonical.equals(site + "/robots.txt")) return true;
        return rules(site).isAllowed(canonical);
    }

    /**
     * The {@code Crawl-delay} the rules of {@code url}'s site ask of this agent, if they name one.
     * A delay over 5 minutes makes crawler-commons disallow the whole site instead.
     */
    public Optional<Duration> crawlDelay(String url) {
        String site = siteOf(Urls.canonical(url));
        if (site == null) return Optional.empty();
        long ms = rules(site).getCrawlDelay();
        return ms == BaseRobotRules.UNSET_CRAWL_DELAY || ms < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
    }

    private BaseRobotRules rules(String site) {
        Site s;
        synchronized (sites) {
            s = sites.computeIfAbsent(site, Site::new);
        }
        return s.rules();
    }

    /** scheme://host[:port] of a canonical http(s) URL, or null. */
    private static String siteOf(String canonical) {
        if (!(canonical.startsWith("http://") || canonical.startsWith("https://"))) return null;
        int pathStart = canonical.indexOf('/', canonical.indexOf("://") + 3);
        int queryStart = canonical.indexOf('?');
        int end = pathStart < 0 ? canonical.length() : pathStart;
        if (queryStart >= 0 && queryStart < end) end = queryStart;
        return canonical.substring(0, end);
    }

    private BaseRobotRules parse(String robotsUrl, Answer answer) {
        int status = answer.status();
        if (status >= 200 && status < 300) return parser.parseContent(robotsUrl, answer.body(), answer.contentType(), agents);
        if (status == 429 || status >= 500 || status < 0) return new SimpleRobotRules(RobotRulesMode.ALLOW_NONE);
        return new SimpleRobotRules(RobotRulesMode.ALLOW_ALL);
    }

    /** One site's rules, fetched by the first thread that asks; the others wait on this site only. */
    private final class Site {
        private final String site;
        private BaseRobotRules rules;

        Site(String site) {
            this.site = site;
        }

        synchronized BaseRobotRules rules() {
            if (rules == null) {
                String robotsUrl = site + "/robots.txt";
                Answer answer = fetch.apply(robotsUrl);
                rules = parse(robotsUrl, answer == null ? Answer.failed() : answer);
            }
            return rules;
        }
    }

    public static final class Builder {
        private final Function<String, Answer> fetch;
        private String agent = "poolkit";
        private int maxSites = 10_000;

        private Builder(Function<String, Answer> fetch) {
            this.fetch = Objects.requireNonNull(fetch, "fetch");
        }

        /** The name robots.txt groups are matched against (default {@code poolkit}, as the fetcher's User-Agent begins). */
        public Builder agent(String agent) {
            if (Objects.requireNonNull(agent, "agent").isBlank()) throw new IllegalArgumentException("agent must not be blank");
            this.agent = agent.strip();
            return this;
        }

        /** How many sites' rules to keep (default 10,000); must be >= 1. */
        public Builder maxSites(int maxSites) {
            this.maxSites = Check.atLeast(1, maxSites, "maxSites");
            return this;
        }

        public Robots build() {
            return new Robots(this);
        }
    }
}
