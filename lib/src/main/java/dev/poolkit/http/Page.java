package dev.poolkit.http;

import dev.poolkit.internal.Text;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fetched page: status, headers and body, with the page's text, title, parsed document and
 * links on demand.
 *
 * <h2>Cost</h2>
 * {@link #title()} finds the title in the bytes and never parses the page. {@link #document()}
 * parses the whole body with jsoup the first time it is asked for, once per page; {@link #select}
 * and {@link #links()} use that document.
 *
 * <h2>Thread-safety</h2>
 * The accessors and {@link #title()} may be called from any thread. The document is parsed once
 * even if several threads ask at once, but a jsoup {@code Document} is mutable and not
 * thread-safe: threads that share a page should only read it.
 *
 * <p>A class rather than a record only so that it can keep the parsed document: its accessors,
 * {@code equals} (over the six values, the body by reference, as a record's) and {@code toString}
 * are what the record had.
 */
public final class Page {
    private static final Pattern CHARSET = Pattern.compile("(?i)charset\\s*=\\s*[\"']?\\s*([\\w.:-]+)");
    // <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">
    private static final Pattern META_CHARSET = Pattern.compile("(?i)<meta\\s[^>]*?charset\\s*=\\s*[\"']?\\s*([\\w.:-]+)");
    private static final Pattern TITLE = Pattern.compile("(?is)<title(?=[\\s/>])[^>]*>(.*?)</title>");
    private static final byte[] TITLE_OPEN = "<title".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TITLE_CLOSE = "</title>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHARSET_WORD = "charset".getBytes(StandardCharsets.US_ASCII);
    /** How far into the body a {@code <meta>} charset is looked for, as browsers do. */
    private static final int PRESCAN_BYTES = 1024;

    private final String url;
    private final int status;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final String finalUrl;
    private final int attempts;
    private volatile Document document;

    /**
     * @param url      the URL that was asked for
     * @param status   the HTTP status
     * @param headers  the response headers, names in lower case
     * @param body     the body's bytes, decoded from gzip or deflate if the server compressed them
     * @param finalUrl the URL that answered, after redirects ({@code url} when there were none)
     * @param attempts how many attempts it took; 1 without retries
     */
    public Page(String url, int status, Map<String, List<String>> headers, byte[] body, String finalUrl, int attempts) {
        this.url = url;
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.finalUrl = finalUrl;
        this.attempts = attempts;
    }

    /** The URL that was asked for. */
    public String url() {
        return url;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The response headers, names in lower case. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The body's bytes, decoded from gzip or deflate if the server compressed them. Not copied: do not change them. */
    public byte[] body() {
        return body;
    }

    /** The URL that answered, after redirects ({@link #url()} when there were none): the base of relative links. */
    public String finalUrl() {
        return finalUrl;
    }

    /** How many attempts it took; 1 without retries. */
    public int attempts() {
        return attempts;
    }

    /** The body's size in bytes, after decoding gzip or deflate. */
    public int bytes() {
        return body.length;
    }

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        return Text.firstHeader(headers, name);
    }

    /**
     * The body as text, in the charset found first among: a byte order mark, Content-Type's
     * {@code charset}, a {@code <meta>} charset in the first 1024 bytes; else UTF-8.
     */
    public String text() {
        return new String(body, charset());
    }

    /** The text of the page's {@code <title>}, whitespace collapsed; {@code null} if it has none. */
    public String title() {
        Charset charset = charset();
        String raw;
        if (asciiCompatible(charset)) {
            // Found in the bytes, and only the title decoded: decoding the whole page and running
            // a regex over it was most of this method's cost.
            int open = titleTag();
            int start = open < 0 ? -1 : indexOf((byte) '>', open + TITLE_OPEN.length) + 1;
            int end = start <= 0 ? -1 : indexOfIgnoreCase(TITLE_CLOSE, start, body.length);
            if (end < 0) return null;
            raw = new String(body, start, end - start, charset);
        } else {
            Matcher m = TITLE.matcher(text());
            if (!m.find()) return null;
            raw = m.group(1);
        }
        return unescape(collapseWhitespace(raw).strip());
    }

    /**
     * The body parsed as HTML by jsoup, in the charset {@link #text()} uses, with {@link #finalUrl()}
     * as its base URI so that {@code absUrl("href")} and {@code abs:href} resolve relative links
     * (a {@code <base href>} in the page wins, as in a browser). Parsed the first time it is asked
     * for and kept.
     */
    public Document document() {
        Document d = document;
        if (d == null) {
            synchronized (this) {
                d = document;
                if (d == null) document = d = Jsoup.parse(text(), finalUrl);
            }
        }
        return d;
    }

    /** The elements of {@link #document()} that match a CSS selector, in document order. */
    public Elements select(String cssQuery) {
        return document().select(cssQuery);
    }

    /**
     * The page's links ({@code <a href>} and {@code <area href>}): absolute, http and https only,
     * the fragment removed, each once, in document order. Empty, without parsing, when the
     * Content-Type says the body is neither HTML nor XHTML.
     */
    public List<String> links() {
        Optional<String> type = header("content-type");
        if (type.isPresent() && !type.get().toLowerCase(Locale.ROOT).contains("html")) return List.of();
        Set<String> links = new LinkedHashSet<>();
        for (Element a : select("a[href], area[href]")) {
            String abs = a.absUrl("href");
            if (!(startsWithIgnoreCase(abs, "http://") || startsWithIgnoreCase(abs, "https://"))) continue;
            int hash = abs.indexOf('#');
            links.add(hash < 0 ? abs : abs.substring(0, hash));
        }
        return new ArrayList<>(links);
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** This page, saying it took {@code attempts} attempts. */
    Page withAttempts(int attempts) {
        return new Page(url, status, headers, body, finalUrl, attempts);
    }

    private Charset charset() {
        if (startsWith(0xEF, 0xBB, 0xBF)) return StandardCharsets.UTF_8;
        if (startsWith(0xFE, 0xFF)) return StandardCharsets.UTF_16BE;
        if (startsWith(0xFF, 0xFE)) return StandardCharsets.UTF_16LE;
        Optional<Charset> declared = header("content-type").flatMap(Page::charsetIn);
        if (declared.isPresent()) return declared.get();
        int prescan = Math.min(body.length, PRESCAN_BYTES);
        // The regex costs ~10 µs on a 1 KB head; most pages without a charset header have no
        // charset in their markup either, and a look at the bytes settles those.
        if (indexOfIgnoreCase(CHARSET_WORD, 0, prescan) < 0) return StandardCharsets.UTF_8;
        // ASCII-compatible, so the markup reads the same whatever the real charset is.
        Matcher m = META_CHARSET.matcher(new String(body, 0, prescan, StandardCharsets.ISO_8859_1));
        return m.find() ? forName(m.group(1)).orElse(StandardCharsets.UTF_8) : StandardCharsets.UTF_8;
    }

    private static Optional<Charset> charsetIn(String contentType) {
        Matcher m = CHARSET.matcher(contentType);
        return m.find() ? forName(m.group(1)) : Optional.empty();
    }

    private static Optional<Charset> forName(String name) {
        try {
            return Optional.of(Charset.forName(name));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }

    private boolean startsWith(int... prefix) {
        if (body.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if ((body[i] & 0xFF) != prefix[i]) return false;
        return true;
    }

    /** True if every ASCII character is the same single byte in {@code charset}, so markup can be found in the bytes. */
    private static boolean asciiCompatible(Charset charset) {
        if (charset == StandardCharsets.UTF_8 || charset == StandardCharsets.ISO_8859_1 || charset == StandardCharsets.US_ASCII) {
            return true;
        }
        String name = charset.name();
        return name.startsWith("ISO-8859-") || name.startsWith("windows-");
    }

    // What the regex \s matches: space, tab, line feed, vertical tab, form feed, carriage return.
    private static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** Where the first {@code <title} tag starts (not {@code <titles}), or -1. */
    private int titleTag() {
        for (int at = 0; (at = indexOfIgnoreCase(TITLE_OPEN, at, body.length)) >= 0; at++) {
            int next = at + TITLE_OPEN.length;
            if (next == body.length) return -1;
            byte b = body[next];
            if (b == '>' || b == '/' || isSpace(b)) return at;
        }
        return -1;
    }

    private int indexOf(byte b, int from) {
        for (int i = from; i < body.length; i++) if (body[i] == b) return i;
        return -1;
    }

    /** Where {@code lower} (ASCII, letters in lower case) starts in body[from, to), in any case; or -1. */
    private int indexOfIgnoreCase(byte[] lower, int from, int to) {
        outer:
        for (int i = from, last = to - lower.length; i <= last; i++) {
            for (int j = 0; j < lower.length; j++) {
                int b = body[i + j], l = lower[j];
                if (b != l && !(l >= 'a' && l <= 'z' && (b | 0x20) == l)) continue outer;
            }
            return i;
        }
        return -1;
    }

    /** Each run of whitespace (regex {@code \s}: space, tab, LF, VT, FF, CR) as one space. */
    private static String collapseWhitespace(String s) {
        var out = new StringBuilder(s.length());
        boolean inSpace = false, changed = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean space = isSpace(c);
            if (!space) out.append(c);
            else if (!inSpace) {
                out.append(' ');
                changed |= c != ' ';
            } else changed = true;
            inSpace = space;
        }
        return changed ? out.toString() : s;
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&apos;", "'").replace("&amp;", "&");
    }

    /** Equal when the six values are: the body by reference, as a record's {@code equals}. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Page p && status == p.status && attempts == p.attempts && body == p.body
                && Objects.equals(url, p.url) && Objects.equals(headers, p.headers) && Objects.equals(finalUrl, p.finalUrl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, status, headers, System.identityHashCode(body), finalUrl, attempts);
    }

    @Override
    public String toString() {
        return "Page[url=" + url + ", status=" + status + ", headers=" + headers + ", body=" + body
                + ", finalUrl=" + finalUrl + ", attempts=" + attempts + "]";
    }
}
