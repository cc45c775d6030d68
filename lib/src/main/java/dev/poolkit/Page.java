package dev.poolkit;

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
    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    /** How far into the body a {@code <meta>} charset is looked for, as browsers do. */
    private static final int PRESCAN_BYTES = 1024;

    /** The body's size in bytes, after decoding gzip or deflate. */
    public int bytes() {
        return body.length;
    }

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
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
        Matcher m = TITLE.matcher(text());
        if (!m.find()) return null;
        return unescape(m.group(1).replaceAll("\\s+", " ").strip());
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
        // ASCII-compatible, so the markup reads the same whatever the real charset is.
        String head = new String(body, 0, Math.min(body.length, PRESCAN_BYTES), StandardCharsets.ISO_8859_1);
        // The regex costs ~10 µs on a 1 KB head; most pages without a charset header have no
        // charset in their markup either, and the cheap look settles those.
        if (!head.toLowerCase(Locale.ROOT).contains("charset")) return StandardCharsets.UTF_8;
        Matcher m = META_CHARSET.matcher(head);
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

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&apos;", "'").replace("&amp;", "&");
    }
}
