package dev.poolkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.poolkit.internal.Check;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * A small website on 127.0.0.1 to aim a scraper at without the internet: N linked HTML pages,
 * each answered after an optional delay.
 *
 * <h2>Routes</h2>
 * <ul>
 *   <li>{@code /} an index linking every page;</li>
 *   <li>{@code /page/1 .. /page/N} pages titled {@code Demo page K}, each linking the next;</li>
 *   <li>{@code /status/CODE} an empty answer with that status (e.g. {@code /status/503});</li>
 *   <li>anything else: 404.</li>
 * </ul>
 *
 * <p>Each request runs on its own virtual thread, so delays do not limit how many are served at
 * once. The port is chosen by the system. {@link #close()} stops the server at once.
 */
public final class DemoSite implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final int pages;
    private final long delayMillis;

    private DemoSite(HttpServer server, ExecutorService executor, int pages, long delayMillis) {
        this.server = server;
        this.executor = executor;
        this.pages = pages;
        this.delayMillis = delayMillis;
    }

    /**
     * Starts a site of {@code pages} (>= 1) pages, each answered after {@code delayMillis} (>= 0).
     */
    public static DemoSite start(int pages, long delayMillis) throws IOException {
        Check.atLeast(1, pages, "pages");
        Check.atLeast(0, (int) Math.min(Integer.MAX_VALUE, delayMillis), "delayMillis");
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("demo-site-", 0).factory());
        var site = new DemoSite(server, executor, pages, delayMillis);
        server.setExecutor(executor);
        server.createContext("/", site::serve);
        server.start();
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

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (delayMillis > 0) Thread.sleep(delayMillis);
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/")) {
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
                send(exchange, 404, html("Not found", "<p>No page at " + path + "</p>"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    private static String html(String title, String body) {
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n<body><h1>"
                + title + "</h1>\n" + body + "\n</body></html>\n";
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        if (status == 204 || status == 304 || status < 200) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) exchange.getResponseBody().write(bytes);
    }
}
