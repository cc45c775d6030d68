package dev.poolkit.http;

import com.sun.net.httpserver.Headers;
import dev.poolkit.fixtures.TestServer;
import dev.poolkit.fixtures.TestServer.Reply;
import dev.poolkit.fixtures.TestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
@Isolated("times a deadline to within 1.5 s")
class FetcherTest {
    private static final String OK_BODY =
            "<!doctype html><html><head><title>\n  Hello &amp;\n  welcome </title></head><body>hi</body></html>";

    private static TestServer server;
    private static String base;
    private static Fetcher fetcher;

    @BeforeAll
    static void startServer() throws IOException {
        server = TestServer.start()
                .route("/ok", Reply.page(200, "text/html; charset=utf-8", OK_BODY))
                .route("/latin", Reply.page(200, "text/html; charset=ISO-8859-1",
                        "<html><title>Caf\u00e9 cr\u00e8me</title></html>".getBytes(StandardCharsets.ISO_8859_1)))
                .route("/untitled", Reply.page(200, "text/plain", "no title here"))
                .route("/missing", Reply.page(404, "text/plain", "nope"))
                .route("/broken", Reply.page(500, "text/plain", "oops"))
                .route("/moved", Reply.redirect(302, "/ok"))
                .route("/agent", Reply.ok())
                .route("/headers", Reply.ok())
                .route("/to-file", Reply.redirect(302, "file:///etc/passwd"))
                .route("/http-equiv", Reply.page(200, "text/html",
                        ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">"
                                + "<title>Na\u00efve \u20ac</title></head></html>").getBytes(java.nio.charset.Charset.forName("windows-1252"))))
                .route("/header-beats-meta", Reply.page(200, "text/html; charset=utf-8",
                        "<html><head><meta charset=\"iso-8859-1\"><title>\u00e9t\u00e9</title></head></html>"))
                // Headers that promise 100 MiB, six bytes, then nothing until the server closes.
                .route("/declares-huge", Reply.ok().body("<html>").declaring(100L * 1024 * 1024).thenStall())
                .route("/stall-body", Reply.ok().body("<html><title>never ends").chunked().thenStall())
                .route("/slow", Reply.heldUntilClosed());
        base = server.url("");
        fetcher = Fetcher.builder().retries(0).build(); // one attempt each: retries are FetcherLimitsTest's
    }

    @AfterAll
    static void stopServer() {
        fetcher.close();
        server.close();
    }

    /** The User-Agent of the last request to /agent. */
    private static String userAgent() {
        return server.lastRequest("/agent").headers().getFirst("User-Agent");
    }

    /** The headers of the last request to /headers. */
    private static Headers received() {
        return server.lastRequest("/headers").headers();
    }

    @Test
    void okPageGivesStatusBytesAndTitle() throws Exception {
        Page page = fetcher.get(base + "/ok");

        assertEquals(200, page.status());
        assertEquals(base + "/ok", page.url());
        assertEquals(base + "/ok", page.finalUrl(), "no redirect: the URL asked for");
        assertEquals(1, page.attempts());
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
        assertEquals(FetchException.Kind.HTTP, e.kind());
        assertEquals("text/plain", e.header("Content-Type").orElseThrow(), "the response headers are kept");
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
        assertEquals(base + "/moved", page.url());
        assertEquals(base + "/ok", page.finalUrl());
    }

    @Test
    void refusedConnectionNamesHostAndPort() throws Exception {
        int port = TestSupport.refusedPort();
        var e = assertThrows(FetchException.class, () -> fetcher.get("http://127.0.0.1:" + port + "/"));
        assertSame(FetchException.class, e.getClass());
        assertEquals("connection refused: 127.0.0.1:" + port, e.getMessage());
        assertEquals("connect", e.kind().label());
    }

    @Test
    void slowAnswerTimesOut() throws Exception {
        try (var impatient = Fetcher.builder().timeout(Duration.ofMillis(200)).retries(0).build()) {
            var e = assertThrows(FetchException.class, () -> impatient.get(base + "/slow"));
            assertEquals("timed out after 200 ms: 127.0.0.1:" + server.port(), e.getMessage());
            assertEquals("timeout", e.kind().label());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a url", "file:///etc/passwd", "ftp://x/", "http:///no-host", "//127.0.0.1/", "mailto:a@b.c"})
    void badUrlIsRejected(String url) {
        var e = assertThrows(FetchException.class, () -> fetcher.get(url));
        assertTrue(e.getMessage().startsWith("bad URL: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertEquals(url, e.url());
        assertEquals(url.contains(":") && !url.startsWith("http") ? "refused-scheme" : "bad-url", e.kind().label(), url);
    }

    @Test
    void onlyHttpAndHttpsAreFetched() {
        var e = assertThrows(FetchException.class, () -> fetcher.get("file:///etc/passwd"));
        assertEquals("bad URL: file:///etc/passwd (only http:// and https:// URLs can be fetched)", e.getMessage());
        assertEquals(FetchException.Kind.REFUSED_SCHEME, e.kind());
        assertEquals("refused-scheme", e.kind().label());
    }

    @Test
    void localFilesAreNeverRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var secret = dir.resolve("secret.html");
        java.nio.file.Files.writeString(secret, "<title>top secret</title>");
        var jar = dir.resolve("a.jar");
        try (var out = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.zip.ZipEntry("secret.html"));
            out.write("<title>top secret</title>".getBytes(StandardCharsets.UTF_8));
        }
        for (String url : List.of(secret.toUri().toString(), "jar:" + jar.toUri() + "!/secret.html", "FILE://" + secret)) {
            var e = assertThrows(FetchException.class, () -> fetcher.get(url), url);
            assertEquals(FetchException.Kind.REFUSED_SCHEME, e.kind(), url);
            assertFalse(e.getMessage().contains("top secret"), e.getMessage());
            assertNull(e.getCause(), "nothing was opened");
        }
    }

    @Test
    void redirectToAnotherSchemeIsRefused() {
        var e = assertThrows(FetchException.class, () -> fetcher.get(base + "/to-file"));
        assertEquals(FetchException.Kind.REFUSED_SCHEME, e.kind());
        assertEquals("refused redirect to file:///etc/passwd (only http:// and https:// URLs can be fetched)", e.getMessage());
    }

    @Test
    void stalledBodyFailsAtTheDeadline() throws Exception {
        try (var impatient = Fetcher.builder().timeout(Duration.ofMillis(300)).retries(0).build()) {
            long start = System.nanoTime();
            var e = assertThrows(FetchException.class, () -> impatient.get(base + "/stall-body"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(FetchException.Kind.TIMEOUT, e.kind());
            assertEquals("timed out after 300 ms: 127.0.0.1:" + server.port(), e.getMessage());
            assertTrue(millis >= 300 && millis < 300 + 1500, "failed after " + millis + " ms");
        }
    }

    @Test
    void declaredLengthOverMaxBytesIsRefusedBeforeTheBody() throws Exception {
        try (var small = Fetcher.builder().maxBytes(1024 * 1024).timeout(Duration.ofSeconds(8)).build()) {
            var e = assertThrows(FetchException.class, () -> small.get(base + "/declares-huge"));
            assertEquals(FetchException.Kind.TOO_LARGE, e.kind(), "refused at once, not left to time out: " + e.getMessage());
            assertEquals("body too large: over 1048576 bytes (maxBytes) from 127.0.0.1:" + server.port(), e.getMessage());
        }
    }

    @Test
    void metaHttpEquivCharsetDecodesTheTitle() throws Exception {
        assertEquals("Na\u00efve \u20ac", fetcher.get(base + "/http-equiv").title());
    }

    @Test
    void contentTypeCharsetBeatsMeta() throws Exception {
        assertEquals("\u00e9t\u00e9", fetcher.get(base + "/header-beats-meta").title());
    }

    @Test
    void headersAreSentWithEveryRequest() throws Exception {
        try (var custom = Fetcher.builder().header("X-Api-Key", "k1").header("Accept-Language", "fr").build()) {
            custom.get(base + "/headers");
        }
        var headers = received();
        assertEquals("k1", headers.getFirst("X-Api-Key"));
        assertEquals("fr", headers.getFirst("Accept-Language"));
        assertEquals("gzip, deflate", headers.getFirst("Accept-Encoding"), "compression is asked for");
        assertTrue(headers.getFirst("User-Agent").startsWith("poolkit/"), headers.getFirst("User-Agent"));
    }

    @Test
    void aHeaderReplacesTheDefaultOfTheSameName() throws Exception {
        try (var custom = Fetcher.builder().header("user-agent", "bot/1").header("Accept-Encoding", "identity").build()) {
            custom.get(base + "/headers");
        }
        assertEquals(List.of("bot/1"), received().get("User-Agent"));
        assertEquals(List.of("identity"), received().get("Accept-Encoding"));
    }

    @Test
    void builderRefusesBadSettings() {
        assertEquals("maxBytes must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> Fetcher.builder().maxBytes(0)).getMessage());
        assertEquals("maxRedirects must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> Fetcher.builder().maxRedirects(-1)).getMessage());
        var e = assertThrows(IllegalArgumentException.class, () -> Fetcher.builder().header("Host", "example.com"));
        assertTrue(e.getMessage().startsWith("header Host cannot be set: "), e.getMessage());
    }

    @Test
    void setSharedReplacesTheSharedFetcher() throws Exception {
        Fetcher before = Fetcher.shared();
        try (var mine = Fetcher.builder().userAgent("shared-test/1").build()) {
            Fetcher.setShared(mine);
            try {
                assertSame(mine, Fetcher.shared());
                mine.close();
                Fetcher.shared().get(base + "/agent");
                assertEquals("shared-test/1", userAgent(), "the shared fetcher is not closed");
            } finally {
                Fetcher.setShared(before);
            }
        }
    }

    @Test
    void userAgentNamesPoolkitAndItsVersion() throws Exception {
        fetcher.get(base + "/agent");
        String agent = userAgent();
        assertTrue(agent.startsWith("poolkit/"), agent);
        assertTrue(agent.matches("poolkit/\\d+\\.\\d+.*"), "a version, not a placeholder: " + agent);
    }

    @Test
    void userAgentCanBeSet() throws Exception {
        try (var custom = Fetcher.builder().userAgent("my-scraper/2").build()) {
            custom.get(base + "/agent");
        }
        assertEquals("my-scraper/2", userAgent());
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

    @Test
    @Timeout(60) // keytool (a JVM) if no test made the certificate before, and this JVM's first TLS handshake: seconds of CPU under load
    void untrustedCertificateFailsAsTls() throws Exception {
        try (var https = TestServer.startHttps().route("/", Reply.page(200, "text/html", OK_BODY))) {
            String url = https.url("/");
            var e = assertThrows(FetchException.class, () -> fetcher.get(url));
            assertEquals(FetchException.Kind.TLS, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith("TLS failed with 127.0.0.1:" + https.port() + ": "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }
}
