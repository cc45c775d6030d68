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

/** Page's title and text, without a server: the bytes as a server would send them. */
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
}
