package dev.poolkit;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
 * @param body     the body's bytes, as received
 * @param attempts how many times the request was sent (>= 1; more when it was retried)
 */
public record Page(String url, int status, Map<String, List<String>> headers, byte[] body, int attempts) {
    private static final Pattern CHARSET = Pattern.compile("(?i)charset=\"?([\\w.:-]+)");
    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");

    /** A page fetched at the first attempt. */
    public Page(String url, int status, Map<String, List<String>> headers, byte[] body) {
        this(url, status, headers, body, 1);
    }

    /** A copy that says it took {@code attempts} attempts. */
    Page withAttempts(int attempts) {
        return new Page(url, status, headers, body, attempts);
    }

    /** The body's size in bytes. */
    public int bytes() {
        return body.length;
    }

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The body as text, in the charset Content-Type names, else UTF-8. */
    public String text() {
        return new String(body, charset());
    }

    /** The text of the page's {@code <title>}, whitespace collapsed; {@code null} if it has none. */
    public String title() {
        Matcher m = TITLE.matcher(text());
        if (!m.find()) return null;
        return unescape(m.group(1).replaceAll("\\s+", " ").strip());
    }

    private Charset charset() {
        return header("content-type").map(CHARSET::matcher).filter(Matcher::find).map(m -> {
            try {
                return Charset.forName(m.group(1));
            } catch (IllegalArgumentException unknown) {
                return StandardCharsets.UTF_8;
            }
        }).orElse(StandardCharsets.UTF_8);
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&apos;", "'").replace("&amp;", "&");
    }
}
