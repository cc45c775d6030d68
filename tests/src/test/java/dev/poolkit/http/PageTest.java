package dev.poolkit.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Page's title, text, document and links, without a server: the bytes as a server would send them. */
class PageTest {

    private static Page page(byte[] body, String contentType) {
        Map<String, List<String>> headers = contentType == null ? Map.of() : Map.of("content-type", List.of(contentType));
        return new Page("http://example.test/", 200, headers, body, "http://example.test/", 1);
    }

    private static Page utf8(String html) {
        return page(html.getBytes(StandardCharsets.UTF_8), "text/html");
    }

    @ParameterizedTest(name = "{0} -> [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "<title>Plain</title>                                 | Plain",
            "<TITLE>Upper case tags</TiTlE>                       | Upper case tags",
            "<title lang=\"en\" id=t>With attributes</title>      | With attributes",
            "`<title>\n\t Spread \r\n over\tlines  </title>`      | Spread over lines",
            "<title>Tom &amp; Jerry &lt;3 &quot;x&quot;</title>  | Tom & Jerry <3 \"x\"",
            "<head><titles>not this</titles><title>This</title>   | This",
            "`<title\n>Newline in the tag</title>`                 | Newline in the tag",
            "<title></title>                                      | ``",
            "<title>Caf\u00e9 \u20ac \u65e5\u672c</title>        | Caf\u00e9 \u20ac \u65e5\u672c",
            "<title>First</title><title>Second</title>            | First",
    })
    void titleIsFoundInAnyCaseWithWhitespaceCollapsedAndEntitiesDecoded(String html, String title) {
        assertEquals(title, utf8(html).title());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "no title here",
            "<title>never closed",
            "<title never closed either",
            "</title><title",
    })
    void pageWithoutACompleteTitleHasNone(String html) {
        assertNull(utf8(html).title());
    }

    @Test
    void controlCharactersAreNotTakenForTheMarkupTheyDifferFromByOneBit() {
        // 0x1C, 0x0F and 0x1E are '<', '/' and '>' with bit 5 cleared: folding case must touch letters only.
        assertNull(utf8("\u001Ctitle>x\u001C\u000Ftitle\u001E").title());
    }

    @Test
    void titleIsDecodedInTheCharsetTheHeaderNames() {
        byte[] latin1 = "<title>Caf\u00e9 cr\u00e8me</title>".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("Caf\u00e9 cr\u00e8me", page(latin1, "text/html; charset=ISO-8859-1").title());
    }

    @Test
    void titleIsDecodedInTheCharsetTheMetaTagNames() {
        byte[] body = "<html><head><meta charset=\"windows-1252\"><title>Na\u00efve \u20ac</title>"
                .getBytes(Charset.forName("windows-1252"));
        assertEquals("Na\u00efve \u20ac", page(body, "text/html").title());
    }

    @Test
    void titleOfAUtf16PageIsFoundThoughItsMarkupIsNotAscii() {
        byte[] body = "<html><title>Wide \u00e9</title></html>".getBytes(StandardCharsets.UTF_16);
        assertEquals("Wide \u00e9", page(body, null).title(), "UTF_16 writes a byte order mark");
        byte[] le = "<html><title>Little</title></html>".getBytes(StandardCharsets.UTF_16LE);
        assertEquals("Little", page(le, "text/html; charset=utf-16le").title());
    }

    @Test
    void textIsTheWholeBodyInItsCharset() {
        byte[] latin1 = "a\u00e9b".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("a\u00e9b", page(latin1, "text/plain; charset=iso-8859-1").text());
        assertEquals("a\u00e9b", utf8("a\u00e9b").text());
    }

    private static Page redirected(String html, String contentType) {
        // Asked for /start, answered by /docs/guide/index.html: links are relative to the latter.
        return new Page("http://example.test/start", 200, Map.of("content-type", List.of(contentType)),
                html.getBytes(StandardCharsets.UTF_8), "http://example.test/docs/guide/index.html", 1);
    }

    @Test
    void relativeLinksResolveAgainstTheFinalUrlAfterARedirect() {
        Page page = redirected("""
                <a href="intro.html">1</a> <a href="../api/">2</a> <a href="/top">3</a>
                <a href="?page=2">4</a> <a href="//other.test/x">5</a> <a href="https://sec.test/y">6</a>
                <map><area href="area.html"></map>""", "text/html");
        assertEquals(List.of("http://example.test/docs/guide/intro.html", "http://example.test/docs/api/",
                "http://example.test/top", "http://example.test/docs/guide/index.html?page=2", "http://other.test/x",
                "https://sec.test/y", "http://example.test/docs/guide/area.html"), page.links());
    }

    @Test
    void linksLoseTheirFragmentAndComeOnceInDocumentOrder() {
        Page page = redirected("""
                <a href="b.html#top">b</a> <a href="a.html">a</a> <a href="b.html">b again</a>
                <a href="a.html#x">a with a fragment</a> <a href="#section">this page</a>""", "text/html");
        assertEquals(List.of("http://example.test/docs/guide/b.html", "http://example.test/docs/guide/a.html",
                "http://example.test/docs/guide/index.html"), page.links());
    }

    @Test
    void linksThatAreNotHttpAreDropped() {
        Page page = redirected("""
                <a href="mailto:x@example.test">m</a> <a href="javascript:void(0)">j</a> <a href="tel:+1">t</a>
                <a href="ftp://example.test/f">f</a> <a href="data:text/html,hi">d</a> <a>no href</a>
                <a href="HTTPS://Upper.test/ok">ok</a>""", "text/html");
        assertEquals(List.of("https://Upper.test/ok"), page.links(), "the host's case is the crawl's to settle");
    }

    @Test
    void aBaseTagInThePageWinsOverTheFinalUrl() {
        Page page = redirected("<head><base href=\"http://cdn.test/root/\"></head><a href=\"x\">x</a>", "text/html");
        assertEquals(List.of("http://cdn.test/root/x"), page.links());
    }

    @Test
    void aBodyThatIsNotHtmlHasNoLinks() {
        assertEquals(List.of(), redirected("{\"a\": \"<a href='x'>x</a>\"}", "application/json").links());
        assertEquals(List.of("http://example.test/docs/guide/x"),
                redirected("<a href=x>x</a>", "application/xhtml+xml; charset=utf-8").links());
    }

    @Test
    void selectFindsElementsByCssAndTheDocumentIsParsedOnce() {
        Page page = redirected("<h1 class=t>Hello <b>there</b></h1><p>one</p><p>two</p>", "text/html");
        assertEquals("Hello there", page.select("h1.t").text());
        assertEquals(List.of("one", "two"), page.select("p").eachText());
        assertSame(page.document(), page.document());
        assertEquals("http://example.test/docs/guide/index.html", page.document().location());
    }

    @Test
    void theDocumentIsParsedOnceWhenManyThreadsAskAtOnce() throws Exception {
        Page page = redirected("<p>x</p>".repeat(10_000), "text/html");
        var start = new java.util.concurrent.CountDownLatch(1);
        var seen = java.util.concurrent.ConcurrentHashMap.<org.jsoup.nodes.Document>newKeySet();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().name("parse-", i).start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                seen.add(page.document());
            }));
        }
        start.countDown();
        for (Thread t : threads) t.join();
        assertEquals(1, seen.size());
    }

    @Test
    void theDocumentIsDecodedInThePagesCharset() {
        byte[] latin1 = "<p>Caf\u00e9</p>".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("Caf\u00e9", page(latin1, "text/html; charset=ISO-8859-1").select("p").text());
    }
}
