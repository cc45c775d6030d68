package dev.poolkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class FetcherTest {
    private static final String OK_BODY =
            "<!doctype html><html><head><title>\n  Hello &amp;\n  welcome </title></head><body>hi</body></html>";

    private static HttpServer server;
    private static String base;
    private static Fetcher fetcher;
    private static final AtomicReference<String> userAgent = new AtomicReference<>();
    private static final CountDownLatch releaseSlow = new CountDownLatch(1);

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/ok", ex -> send(ex, 200, "text/html; charset=utf-8", OK_BODY.getBytes(StandardCharsets.UTF_8)));
        server.createContext("/latin", ex -> send(ex, 200, "text/html; charset=ISO-8859-1",
                "<html><title>Caf\u00e9 cr\u00e8me</title></html>".getBytes(StandardCharsets.ISO_8859_1)));
        server.createContext("/untitled", ex -> send(ex, 200, "text/plain", "no title here".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/missing", ex -> send(ex, 404, "text/plain", "nope".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/broken", ex -> send(ex, 500, "text/plain", "oops".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/moved", ex -> {
            ex.getResponseHeaders().set("Location", "/ok");
            send(ex, 302, "text/plain", new byte[0]);
        });
        server.createContext("/agent", ex -> {
            userAgent.set(ex.getRequestHeaders().getFirst("User-Agent"));
            send(ex, 200, "text/plain", new byte[0]);
        });
        server.createContext("/slow", ex -> {
            try {
                releaseSlow.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(ex, 200, "text/plain", new byte[0]);
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        fetcher = Fetcher.builder().build();
    }

    @AfterAll
    static void stopServer() {
        releaseSlow.countDown();
        fetcher.close();
        server.stop(0);
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) ex.getResponseBody().write(body);
        }
    }

    @Test
    void okPageGivesStatusBytesAndTitle() throws Exception {
        Page page = fetcher.get(base + "/ok");

        assertEquals(200, page.status());
        assertEquals(base + "/ok", page.url());
        assertEquals(OK_BODY.getBytes(StandardCharsets.UTF_8).length, page.bytes());
        assertEquals("Hello & welcome", page.title());
        assertEquals(OK_BODY, page.text());
        assertEquals("text/html; charset=utf-8", page.header("CONTENT-TYPE").orElseThrow());
        assertTrue(page.header("x-not-sent").isEmpty());
    }

    @Test
    void pageWithoutTitleHasNullTitle() throws Exception {
        assertNull(fetcher.get(base + "/untitled").title());
    }

    @Test
    void charsetFromContentTypeDecodesTheTitle() throws Exception {
        Page page = fetcher.get(base + "/latin");
        assertEquals("Caf\u00e9 cr\u00e8me", page.title());
        assertEquals("<html><title>Caf\u00e9 cr\u00e8me</title></html>".length(), page.bytes(), "one byte per character in ISO-8859-1");
    }

    @Test
    void notFoundThrowsHttpStatusException() {
        var e = assertThrows(HttpStatusException.class, () -> fetcher.get(base + "/missing"));
        assertEquals(404, e.status());
        assertEquals("HTTP 404", e.getMessage());
        assertEquals(base + "/missing", e.url());
    }

    @Test
    void serverErrorThrowsHttpStatusException() {
        var e = assertThrows(HttpStatusException.class, () -> fetcher.get(base + "/broken"));
        assertEquals(500, e.status());
        assertEquals("HTTP 500", e.getMessage());
    }

    @Test
    void redirectsAreFollowed() throws Exception {
        Page page = fetcher.get(base + "/moved");
        assertEquals(200, page.status());
        assertEquals("Hello & welcome", page.title());
    }

    @Test
    void refusedConnectionNamesHostAndPort() throws Exception {
        int port = TestSupport.refusedPort();
        var e = assertThrows(FetchException.class, () -> fetcher.get("http://127.0.0.1:" + port + "/"));
        assertSame(FetchException.class, e.getClass());
        assertEquals("connection refused: 127.0.0.1:" + port, e.getMessage());
    }

    @Test
    void slowAnswerTimesOut() throws Exception {
        try (var impatient = Fetcher.builder().timeout(Duration.ofMillis(200)).build()) {
            var e = assertThrows(FetchException.class, () -> impatient.get(base + "/slow"));
            assertEquals("timed out after 200 ms: 127.0.0.1:" + server.getAddress().getPort(), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a url", "file:///etc/passwd", "ftp://x/", "http:///no-host", "//127.0.0.1/", "mailto:a@b.c"})
    void badUrlIsRejected(String url) {
        var e = assertThrows(FetchException.class, () -> fetcher.get(url));
        assertTrue(e.getMessage().startsWith("bad URL: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertEquals(url, e.url());
    }

    @Test
    void onlyHttpAndHttpsAreFetched() {
        var e = assertThrows(FetchException.class, () -> fetcher.get("file:///etc/passwd"));
        assertEquals("bad URL: file:///etc/passwd (only http:// and https:// URLs can be fetched)", e.getMessage());
    }

    @Test
    void userAgentNamesPoolkitAndItsVersion() throws Exception {
        fetcher.get(base + "/agent");
        String agent = userAgent.get();
        assertTrue(agent.startsWith("poolkit/"), agent);
        assertTrue(agent.matches("poolkit/\\d+\\.\\d+.*"), "a version, not a placeholder: " + agent);
    }

    @Test
    void userAgentCanBeSet() throws Exception {
        try (var custom = Fetcher.builder().userAgent("my-scraper/2").build()) {
            custom.get(base + "/agent");
        }
        assertEquals("my-scraper/2", userAgent.get());
    }

    @Test
    void timeoutBelowOneMillisecondIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Fetcher.builder().timeout(Duration.ZERO));
        assertEquals("timeout millis must be >= 1, got 0", e.getMessage());
    }

    @Test
    void sharedFetcherIsOneAndSurvivesClose() throws Exception {
        Fetcher shared = Fetcher.shared();
        assertSame(shared, Fetcher.shared());
        shared.close();
        assertEquals(200, Fetcher.shared().get(base + "/ok").status());
    }
}
