package dev.poolkit.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.poolkit.internal.Check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A small website on 127.0.0.1 to aim a scraper at without the internet: N linked HTML pages,
 * each answered after an optional delay, and fault routes that misbehave the way real servers do.
 *
 * <h2>Routes</h2>
 * <ul>
 *   <li>{@code /} an index linking every page;</li>
 *   <li>{@code /page/1 .. /page/N} pages titled {@code Demo page K}, each linking the next;</li>
 *   <li>{@code /status/CODE} an empty answer with that status (e.g. {@code /status/503});</li>
 *   <li>anything else: 404.</li>
 * </ul>
 *
 * <h2>A site to crawl</h2>
 * <ul>
 *   <li>{@code /site/} the front page ({@link #frontPage()}) of a tree of pages
 *   {@value #BRANCHES} wide and {@value #LEVELS} levels deep: {@code /site/1}, {@code /site/1/2},
 *   ... {@code /site/3/3/3/3} (120 pages below it), each titled {@code Section 1.2} and
 *   linking its children, its parent, its next sibling and the front page, so that a page is
 *   as many links from the front page as its level. The front page also links
 *   {@code /site/private/} (which links {@code /site/private/1} and {@code /2}), a page that
 *   does not exist ({@code /site/missing}, 404), and the front page under the name
 *   {@code localhost} (another host to a crawl's scope, the same server);</li>
 *   <li>{@code /robots.txt} disallows {@code /site/private/} for every agent and names the sitemap;</li>
 *   <li>{@code /sitemap.xml} a sitemap index listing {@code /sitemaps/pages.xml} (the
 *   {@code /page/K} pages) and {@code /sitemaps/site.xml} (the front page and the tree, not the
 *   private part).</li>
 * </ul>
 *
 * <h2>Fault routes</h2>
 * Answered without the site's delay.
 * <ul>
 *   <li>{@code /fault/retry-after/SECONDS} 429 with {@code Retry-After: SECONDS}, every time;
 *       {@code /fault/retry-after/SECONDS/KEY} the same until SECONDS have passed since the first
 *       request with that KEY, then 200 (a client that retries too early gets 429 again);</li>
 *   <li>{@code /fault/flaky/KEY/K} 503 for the first K requests with that KEY, then 200;</li>
 *   <li>{@code /fault/reset} a connection reset: redirects (307) to a second port whose server
 *       reads the request and resets the connection without answering;</li>
 *   <li>{@code /fault/stall} status and headers at once, the start of a page, then nothing more
 *       until the site closes;</li>
 *   <li>{@code /fault/drip/MS} a page sent in 10 pieces, one every MS ms;</li>
 *   <li>{@code /fault/huge/MB} a body of MB MiB with no Content-Length, streamed (never held in
 *       memory) until done or the client goes away;</li>
 *   <li>{@code /fault/gzip-bomb/MB} a small gzip body that inflates to MB MiB of zeros;</li>
 *   <li>{@code /fault/redirect/N} a chain of N redirects (absolute and relative) ending at a page
 *       titled {@code End of the redirects};</li>
 *   <li>{@code /fault/redirect-loop} redirects to {@code /fault/redirect-loop/back}, which
 *       redirects back;</li>
 *   <li>{@code /fault/gzip}, {@code /fault/deflate} a page compressed that way, whatever the
 *       client asked for, titled {@code Compressed café};</li>
 *   <li>{@code /fault/latin1} a page in ISO-8859-1 titled {@code Café crème brûlée}, whose
 *       charset is only in a {@code <meta charset>}, not in Content-Type;</li>
 *   <li>{@code /fault/busy/K/ANYTHING} a server with room for K requests at once: each answer is
 *       held {@value #BUSY_HOLD_MILLIS} ms, and while K requests to {@code /fault/busy/K/...}
 *       are being served, another gets 429 at once, without Retry-After (for
 *       {@code --auto-throttle}).</li>
 * </ul>
 *
 * <p>Each request runs on its own virtual thread, so delays do not limit how many are served at
 * once. The ports are chosen by the system, unless the site's is given. {@link #close()} stops the site at once, stalled and
 * dripping answers included.
 */
public final class DemoSite implements AutoCloseable {
    private static final Pattern RETRY_AFTER = Pattern.compile("/fault/retry-after/(\\d{1,6})(?:/([^/]+))?");
    private static final Pattern FLAKY = Pattern.compile("/fault/flaky/([^/]+)/(\\d{1,6})");
    private static final Pattern DRIP = Pattern.compile("/fault/drip/(\\d{1,6})");
    private static final Pattern HUGE = Pattern.compile("/fault/(huge|gzip-bomb)/(\\d{1,5})");
    private static final Pattern REDIRECT = Pattern.compile("/fault/redirect/(\\d{1,3})");
    private static final Pattern BUSY = Pattern.compile("/fault/busy/(\\d{1,4})/.*");
    private static final Pattern SITE_PAGE = Pattern.compile("/site/([1-9]\\d{0,3}(?:/[1-9]\\d{0,3}){0,7})");
    private static final long STALL_MAX_MILLIS = 10 * 60_000;
    /** The crawl tree's children per page. */
    public static final int BRANCHES = 3;
    /** The crawl tree's levels below its front page. */
    public static final int LEVELS = 4;
    /** How long {@code /fault/busy/K/...} holds each answer it serves. */
    public static final long BUSY_HOLD_MILLIS = 50;

    private final HttpServer server;
    private final ServerSocket resetter;
    private final ExecutorService executor;
    private final int pages;
    private final long delayMillis;
    private final CountDownLatch closing = new CountDownLatch(1);
    private static final String COUNT_OUT = "poolkit.countOut";
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> flaky = new ConcurrentHashMap<>();
    private final Map<String, Long> retryAfterSince = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> busy = new ConcurrentHashMap<>();

    private DemoSite(HttpServer server, ServerSocket resetter, ExecutorService executor, int pages, long delayMillis) {
        this.server = server;
        this.resetter = resetter;
        this.executor = executor;
        this.pages = pages;
        this.delayMillis = delayMillis;
    }

    /**
     * Starts a site of {@code pages} (>= 1) pages, each answered after {@code delayMillis} (>= 0).
     */
    public static DemoSite start(int pages, long delayMillis) throws IOException {
        return start(pages, delayMillis, 0);
    }

    /**
     * Starts a site of {@code pages} (>= 1) pages, each answered after {@code delayMillis} (>= 0),
     * on {@code port} of 127.0.0.1 (0: one the system chooses), so that its URLs can be the same
     * from one run to the next; {@link java.net.BindException} if the port is taken.
     */
    public static DemoSite start(int pages, long delayMillis, int port) throws IOException {
        Check.atLeast(1, pages, "pages");
        Check.atLeast(0, (int) Math.min(Integer.MAX_VALUE, delayMillis), "delayMillis");
        Check.atLeast(0, port, "port");
        Check.atMost(65_535, port, "port");
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        var resetter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("demo-site-", 0).factory());
        var site = new DemoSite(server, resetter, executor, pages, delayMillis);
        server.setExecutor(executor);
        server.createContext("/", site::serve);
        server.start();
        executor.execute(site::resetConnections);
        return site;
    }

    /** The site's root, like {@code http://127.0.0.1:41234}, without a trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The URL of every page, in order. */
    public List<String> pageUrls() {
        return IntStream.rangeClosed(1, pages).mapToObj(i -> url() + "/page/" + i).toList();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The crawl tree's front page, {@code http://127.0.0.1:PORT/site/}: where a crawl of the site starts. */
    public String frontPage() {
        return url() + "/site/";
    }

    /**
     * The pages of the crawl tree at most {@code depth} links from the front page, the front page
     * first, level by level: what a crawl from {@link #frontPage()} that obeys robots.txt and
     * stays on the host fetches with success. Such a crawl also records {@code /site/private/}
     * (disallowed by robots.txt) and {@code /site/missing} (404) once {@code depth} >= 1.
     */
    public List<String> crawlPages(int depth) {
        var pages = new java.util.ArrayList<String>();
        pages.add(frontPage());
        List<String> level = List.of("");
        for (int d = 1; d <= Math.min(depth, LEVELS); d++) {
            var next = new java.util.ArrayList<String>();
            for (String parent : level) {
                for (int b = 1; b <= BRANCHES; b++) next.add(parent + "/" + b);
            }
            next.forEach(p -> pages.add(url() + "/site" + p));
            level = next;
        }
        return pages;
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            resetter.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        server.stop(0);
        executor.close();
    }

    /** The most requests the site had in flight at once since it started: a per-host limit ({@code --per-host}) shows here. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    private void serve(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        var out = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable countOut = () -> {
            if (out.compareAndSet(false, true)) inFlight.decrementAndGet();
        };
        exchange.setAttribute(COUNT_OUT, countOut);
        try {
            answer(exchange);
        } finally {
            countOut.run();
        }
    }

    /**
     * Counts a request out before its answer leaves (for the pages; the faults, when they end),
     * so that a client's next request never finds it still counted.
     */
    private static void countOut(HttpExchange exchange) {
        if (exchange.getAttribute(COUNT_OUT) instanceof Runnable r) r.run();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/fault/")) {
                fault(exchange, path);
                return;
            }
            if (delayMillis > 0) Thread.sleep(delayMillis);
            if (path.equals("/robots.txt")) {
                sendRaw(exchange, 200, "text/plain; charset=utf-8", "# poolkit demo site: /site/private/ is for people only\n"
                        + "User-agent: *\nDisallow: /site/private/\n\nSitemap: " + url() + "/sitemap.xml\n");
            } else if (path.equals("/sitemap.xml")) {
                sendRaw(exchange, 200, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
                        + "  <sitemap><loc>" + url() + "/sitemaps/pages.xml</loc></sitemap>\n"
                        + "  <sitemap><loc>" + url() + "/sitemaps/site.xml</loc></sitemap>\n"
                        + "</sitemapindex>\n");
            } else if (path.equals("/sitemaps/pages.xml")) {
                sendRaw(exchange, 200, "application/xml", urlset(pageUrls()));
            } else if (path.equals("/sitemaps/site.xml")) {
                sendRaw(exchange, 200, "application/xml", urlset(crawlPages(LEVELS)));
            } else if (path.equals("/site/") || path.equals("/site")) {
                String links = IntStream.rangeClosed(1, BRANCHES)
                        .mapToObj(b -> "<li><a href=\"/site/" + b + "\">Section " + b + "</a></li>\n").collect(java.util.stream.Collectors.joining());
                send(exchange, 200, html("Demo site front page", "<ul>\n" + links
                        + "<li><a href=\"/site/private/\">Private (robots.txt says no)</a></li>\n"
                        + "<li><a href=\"/site/missing\">A broken link</a></li>\n"
                        + "<li><a href=\"http://localhost:" + port() + "/site/\">This page on another host name</a></li>\n</ul>"));
            } else if (path.equals("/site/private/") || path.matches("/site/private/[12]")) {
                String body = path.endsWith("/")
                        ? "<a href=\"/site/private/1\">one</a> <a href=\"/site/private/2\">two</a>"
                        : "<p>Nothing to see.</p>";
                send(exchange, 200, html("Private " + path.substring("/site/private/".length()), body));
            } else if (SITE_PAGE.matcher(path).matches() && sitePage(path) != null) {
                send(exchange, 200, sitePage(path));
            } else if (path.equals("/")) {
                var links = new StringBuilder();
                for (int i = 1; i <= pages; i++) links.append("<li><a href=\"/page/").append(i).append("\">Demo page ").append(i).append("</a></li>\n");
                send(exchange, 200, html("poolkit demo site", "<ul>\n" + links + "</ul>"));
            } else if (path.startsWith("/page/") && pageNumber(path) > 0) {
                int n = pageNumber(path);
                String next = n < pages ? "<a href=\"/page/" + (n + 1) + "\">next</a>" : "the last page";
                send(exchange, 200, html("Demo page " + n, "<p>This is demo page " + n + " of " + pages + ": " + next + ".</p>"));
            } else if (path.matches("/status/[1-5]\\d\\d")) {
                send(exchange, Integer.parseInt(path.substring("/status/".length())), "");
            } else {
                notFound(exchange, path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fault(HttpExchange exchange, String path) throws IOException, InterruptedException {
        Matcher m;
        if ((m = RETRY_AFTER.matcher(path)).matches()) {
            long seconds = Long.parseLong(m.group(1));
            String key = m.group(2);
            long now = System.nanoTime();
            long since = key == null ? now : retryAfterSince.computeIfAbsent(key, k -> now);
            if (key != null && now - since >= TimeUnit.SECONDS.toNanos(seconds)) {
                send(exchange, 200, html("Served after waiting", "<p>Thank you for waiting " + seconds + " s.</p>"));
            } else {
                exchange.getResponseHeaders().set("Retry-After", String.valueOf(seconds));
                send(exchange, 429, html("Too many requests", "<p>Come back in " + seconds + " s.</p>"));
            }
        } else if ((m = FLAKY.matcher(path)).matches()) {
            int failures = Integer.parseInt(m.group(2));
            int n = flaky.computeIfAbsent(m.group(1), k -> new AtomicInteger()).incrementAndGet();
            if (n <= failures) send(exchange, 503, html("Unavailable", "<p>Failure " + n + " of " + failures + ".</p>"));
            else send(exchange, 200, html("Flaky page", "<p>Answered on request " + n + ".</p>"));
        } else if (path.equals("/fault/reset")) {
            exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + resetter.getLocalPort() + "/fault/reset");
            send(exchange, 307, "");
        } else if (path.equals("/fault/stall")) {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("<!doctype html>\n<html><head><title>Stalled</title></head>\n<body>".getBytes(StandardCharsets.UTF_8));
            out.flush();
            closing.await(STALL_MAX_MILLIS, TimeUnit.MILLISECONDS);
        } else if ((m = DRIP.matcher(path)).matches()) {
            drip(exchange, Long.parseLong(m.group(1)));
        } else if ((m = HUGE.matcher(path)).matches()) {
            huge(exchange, Integer.parseInt(m.group(2)), m.group(1).equals("gzip-bomb"));
        } else if ((m = REDIRECT.matcher(path)).matches()) {
            int n = Integer.parseInt(m.group(1));
            if (n == 0) {
                send(exchange, 200, html("End of the redirects", "<p>You followed them all.</p>"));
                return;
            }
            // Alternate absolute and relative Locations, as real sites mix both.
            exchange.getResponseHeaders().set("Location", n % 2 == 0 ? url() + "/fault/redirect/" + (n - 1) : String.valueOf(n - 1));
            send(exchange, 302, "");
        } else if (path.equals("/fault/redirect-loop") || path.equals("/fault/redirect-loop/back")) {
            exchange.getResponseHeaders().set("Location", path.endsWith("/back") ? "/fault/redirect-loop" : "/fault/redirect-loop/back");
            send(exchange, 302, "");
        } else if (path.equals("/fault/gzip") || path.equals("/fault/deflate")) {
            String coding = path.substring("/fault/".length());
            var compressed = new ByteArrayOutputStream();
            try (OutputStream z = coding.equals("gzip") ? new GZIPOutputStream(compressed) : new DeflaterOutputStream(compressed)) {
                z.write(html("Compressed caf\u00e9", "<p>" + "This page was sent with Content-Encoding: " + coding + ". ".repeat(20) + "</p>")
                        .getBytes(StandardCharsets.UTF_8));
            }
            exchange.getResponseHeaders().set("Content-Encoding", coding);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, compressed.size());
            exchange.getResponseBody().write(compressed.toByteArray());
        } else if ((m = BUSY.matcher(path)).matches()) {
            busy(exchange, Integer.parseInt(m.group(1)));
        } else if (path.equals("/fault/latin1")) {
            byte[] body = ("<!doctype html>\n<html><head><meta charset=\"iso-8859-1\"><title>Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e</title></head>\n"
                    + "<body><p>Encoded in ISO-8859-1; only the meta tag says so.</p></body></html>\n").getBytes(StandardCharsets.ISO_8859_1);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } else {
            notFound(exchange, path);
        }
    }

    /** A page of the crawl tree, or null if {@code path} is not one. */
    private String sitePage(String path) {
        String[] parts = path.substring("/site/".length()).split("/");
        if (parts.length > LEVELS) return null;
        for (String p : parts) if (Integer.parseInt(p) > BRANCHES) return null;
        String name = String.join(".", parts);
        var links = new StringBuilder("<ul>\n");
        if (parts.length < LEVELS) {
            for (int b = 1; b <= BRANCHES; b++) {
                links.append("<li><a href=\"").append(path).append('/').append(b).append("\">Section ").append(name).append('.').append(b).append("</a></li>\n");
            }
        }
        String parent = parts.length == 1 ? "/site/" : path.substring(0, path.lastIndexOf('/'));
        links.append("<li><a href=\"").append(parent).append("\">up</a></li>\n");
        int last = Integer.parseInt(parts[parts.length - 1]);
        if (last < BRANCHES) {
            // Relative, as real sites link their neighbours.
            links.append("<li><a href=\"").append(last + 1).append("\">next</a></li>\n");
        }
        links.append("<li><a href=\"/site/#top\">front page</a></li>\n</ul>");
        return html("Section " + name, links.toString());
    }

    private static String urlset(List<String> urls) {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (String u : urls) xml.append("  <url><loc>").append(u).append("</loc></url>\n");
        return xml.append("</urlset>\n").toString();
    }

    /** Holds each answer BUSY_HOLD_MILLIS; with K already being served, 429 at once. */
    private void busy(HttpExchange exchange, int room) throws IOException, InterruptedException {
        AtomicInteger serving = busy.computeIfAbsent(room, k -> new AtomicInteger());
        if (serving.incrementAndGet() > room) {
            serving.decrementAndGet();
            send(exchange, 429, html("Too many requests", "<p>Only " + room + " at a time, please.</p>"));
            return;
        }
        try {
            closing.await(BUSY_HOLD_MILLIS, TimeUnit.MILLISECONDS);
        } finally {
            // Before the answer leaves: a client's next request must not find this one still counted.
            serving.decrementAndGet();
        }
        send(exchange, 200, html("Served", "<p>One of at most " + room + " at a time.</p>"));
    }

    private void drip(HttpExchange exchange, long everyMillis) throws IOException, InterruptedException {
        byte[] body = html("Drip", "<p>" + "drip ".repeat(40) + "</p>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        OutputStream out = exchange.getResponseBody();
        int pieces = 10;
        for (int i = 0; i < pieces; i++) {
            if (i > 0 && closing.await(everyMillis, TimeUnit.MILLISECONDS)) return;
            out.write(body, body.length * i / pieces, body.length * (i + 1) / pieces - body.length * i / pieces);
            out.flush();
        }
    }

    private static void huge(HttpExchange exchange, int mebibytes, boolean bomb) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", bomb ? "application/octet-stream" : "text/html; charset=utf-8");
        if (bomb) exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = new byte[64 * 1024];
        if (!bomb) Arrays.fill(chunk, (byte) 'x');
        OutputStream out = bomb ? new GZIPOutputStream(exchange.getResponseBody(), 64 * 1024) : exchange.getResponseBody();
        try (out) {
            if (!bomb) out.write("<!doctype html>\n<html><head><title>Huge</title></head>\n<body>".getBytes(StandardCharsets.UTF_8));
            for (long left = (long) mebibytes * 1024 * 1024; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        } catch (IOException clientWentAway) {
            // the client stopped reading: that is what this route is for
        }
    }

    /** The second port's server: reads each request and resets the connection without answering. */
    private void resetConnections() {
        while (!resetter.isClosed()) {
            Socket socket;
            try {
                socket = resetter.accept();
            } catch (IOException closed) {
                return;
            }
            executor.execute(() -> {
                try (socket) {
                    InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
                    // Read up to the blank line ending the request head, so the reset comes after it.
                    int last4 = 0;
                    for (int b; last4 != 0x0D0A0D0A && (b = in.read()) != -1; ) last4 = (last4 << 8) | b;
                    socket.setSoLinger(true, 0); // closing now sends RST instead of FIN
                } catch (IOException ignored) {
                    // the client went first
                }
            });
        }
    }

    private int pageNumber(String path) {
        try {
            int n = Integer.parseInt(path.substring("/page/".length()));
            return n >= 1 && n <= pages ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void notFound(HttpExchange exchange, String path) throws IOException {
        send(exchange, 404, html("Not found", "<p>No page at " + path + "</p>"));
    }

    private static String html(String title, String body) {
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n<body><h1>"
                + title + "</h1>\n" + body + "\n</body></html>\n";
    }

    private static void sendRaw(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        countOut(exchange);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        countOut(exchange);
        if (status == 204 || status == 304 || status < 200) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) exchange.getResponseBody().write(bytes);
    }
}
