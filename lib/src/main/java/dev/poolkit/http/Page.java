package dev.poolkit.http;

import dev.poolkit.internal.Text;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fetched page: status, headers and body, with the page's text and title decoded on demand.
 *
 * @param url      the URL that was asked for
 * @param status   the HTTP status
 * @param headers  the response headers, names in lower case
 * @param body     the body's bytes, decoded from gzip or deflate if the server compressed them
 * @param finalUrl the URL that answered, after redirects ({@code url} when there were none)
 * @param attempts how many attempts it took; 1 without retries
 */
public record Page(String url, int status, Map<String, List<String>> headers, byte[] body,
                   String finalUrl, int attempts) {
    private static final Pattern CHARSET = Pattern.compile("(?i)charset\\s*=\\s*[\"']?\\s*([\\w.:-]+)");
    // <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">
    private static final Pattern META_CHARSET = Pattern.compile("(?i)<meta\\s[^>]*?charset\\s*=\\s*[\"']?\\s*([\\w.:-]+)");
    private static final Pattern TITLE = Pattern.compile("(?is)<title(?=[\\s/>])[^>]*>(.*?)</title>");
    private static final byte[] TITLE_OPEN = "<title".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TITLE_CLOSE = "</title>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHARSET_WORD = "charset".getBytes(StandardCharsets.US_ASCII);
    /** How far into the body a {@code <meta>} charset is looked for, as browsers do. */
    private static final int PRESCAN_BYTES = 1024;

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
}
