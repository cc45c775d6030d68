package dev.poolkit.http.internal;

import java.net.IDN;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Where a redirect leads, and whether it may be followed. */
public final class Redirects {
    private Redirects() {}

    /** Statuses whose Location is followed: 301, 302, 303, 307, 308. */
    public static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /**
     * {@code location} resolved against {@code from}, without a fragment. Servers often send
     * spaces and non-ASCII characters unescaped, so those are escaped first.
     *
     * @throws URISyntaxException if it still does not parse
     */
    public static URI target(URI from, String location) throws URISyntaxException {
        URI relative = new URI(escape(asciiHost(location.strip())));
        // URI.resolve drops the slash between an empty path and a relative reference.
        if (from.getRawPath() == null || from.getRawPath().isEmpty()) from = from.resolve("/");
        URI to = from.resolve(relative);
        if (to.getRawFragment() == null) return to;
        String s = to.toString();
        return new URI(s.substring(0, s.indexOf('#')));
    }

    /** The one scheme check: whether {@code uri} is http or https, the only schemes fetched. */
    public static boolean fetchableScheme(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https");
    }

    /** Why a redirect from {@code from} to {@code to} must not be followed, or {@code null} if it may. */
    public static String refusal(URI from, URI to) {
        if (!fetchableScheme(to)) {
            return "refused redirect to " + to + " (only http:// and https:// URLs can be fetched)";
        }
        if ("http".equalsIgnoreCase(to.getScheme()) && "https".equalsIgnoreCase(from.getScheme())) {
            return "refused redirect from https to http: " + to;
        }
        if (to.getHost() == null || to.getHost().isEmpty()) return "refused redirect to " + to + " (no host)";
        return null;
    }

    /**
     * {@code location} with an internationalised host name in its ASCII form: escaping it
     * instead ({@code b%C3%BCcher.example}) would leave java.net.URI no host at all.
     * A name IDNA cannot convert is left as it is, to be refused as having no host.
     */
    private static String asciiHost(String location) {
        int scheme = location.indexOf("://");
        int start;
        if (location.startsWith("//")) start = 2;
        else if (scheme > 0 && location.substring(0, scheme).matches("[A-Za-z][A-Za-z0-9+.-]*")) start = scheme + 3;
        else return location;
        int end = start;
        while (end < location.length() && "/?#".indexOf(location.charAt(end)) < 0) end++;
        String authority = location.substring(start, end);
        if (authority.chars().allMatch(c -> c < 0x80)) return location;
        int hostStart = authority.lastIndexOf('@') + 1;
        int colon = authority.lastIndexOf(':');
        int hostEnd = colon < hostStart ? authority.length() : colon;
        try {
            String host = IDN.toASCII(authority.substring(hostStart, hostEnd), IDN.ALLOW_UNASSIGNED);
            return location.substring(0, start + hostStart) + host + location.substring(start + hostEnd);
        } catch (IllegalArgumentException e) {
            return location;
        }
    }

    private static String escape(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c <= ' ' || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^'
                    || c == '`' || c == '{' || c == '|' || c == '}';
            if (bad && out == null) out = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (bad) {
                int cp = s.codePointAt(i);
                for (byte b : new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
                if (Character.charCount(cp) == 2) i++;
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
