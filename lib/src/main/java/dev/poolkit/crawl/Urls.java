package dev.poolkit.crawl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * URLs as dedupe compares them.
 *
 * <p>{@link #canonical} is written by hand rather than on {@link java.net.URI}, which throws on
 * what real links carry (spaces, pipes, unescaped brackets): a URL it cannot parse would
 * otherwise escape dedupe.
 */
public final class Urls {
    private Urls() {}

    /**
     * The canonical form of an absolute http or https URL: scheme and host in lower case, the
     * default port (80, 443) dropped, the fragment dropped, {@code .} and {@code ..} path segments
     * resolved, an empty path as {@code /}; the query is kept as it is, and so is the case of the
     * path, the query and any user info. {@code HTTP://Host:80/a/./b/../c#x} becomes
     * {@code http://host/a/c}.
     *
     * <p>Anything that is not an absolute http or https URL comes back as it is (trimmed): items
     * need not be URLs.
     */
    public static String canonical(String url) {
        String s = url.strip();
        int colon = s.indexOf("://");
        if (colon <= 0) return s;
        String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) return s;
        int authorityStart = colon + 3;
        int hash = s.indexOf('#', authorityStart);
        if (hash >= 0) s = s.substring(0, hash);
        int authorityEnd = indexOfAny(s, "/?", authorityStart);
        String authority = s.substring(authorityStart, authorityEnd);
        int query = s.indexOf('?', authorityEnd);
        String path = s.substring(authorityEnd, query < 0 ? s.length() : query);
        String rest = query < 0 ? "" : s.substring(query);

        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
        String hostPort = authority.substring(at + 1);
        // The port's colon is the last one, unless it is inside an IPv6 literal's brackets.
        int portColon = hostPort.lastIndexOf(':');
        if (portColon < hostPort.lastIndexOf(']')) portColon = -1;
        String host = (portColon < 0 ? hostPort : hostPort.substring(0, portColon)).toLowerCase(Locale.ROOT);
        String port = portColon < 0 ? "" : hostPort.substring(portColon + 1);
        if (isDefaultPort(scheme, port)) port = "";

        var out = new StringBuilder(s.length());
        out.append(scheme).append("://").append(userInfo).append(host);
        if (!port.isEmpty()) out.append(':').append(port);
        out.append(path.isEmpty() ? "/" : removeDotSegments(path)).append(rest);
        return out.toString();
    }

    /**
     * The host of an absolute http or https URL, in lower case, without user info or port; or
     * {@code null} for anything else.
     */
    public static String host(String url) {
        String c = canonical(url);
        if (!(c.startsWith("http://") || c.startsWith("https://"))) return null;
        int start = c.indexOf("://") + 3;
        String authority = c.substring(start, indexOfAny(c, "/?", start));
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        int portColon = hostPort.lastIndexOf(':');
        if (portColon < hostPort.lastIndexOf(']')) portColon = -1;
        return portColon < 0 ? hostPort : hostPort.substring(0, portColon);
    }

    private static boolean isDefaultPort(String scheme, String port) {
        if (port.isEmpty()) return true;
        for (int i = 0; i < port.length(); i++) if (port.charAt(i) < '0' || port.charAt(i) > '9') return false;
        if (port.length() > 5) return false;
        int n = Integer.parseInt(port);
        return scheme.equals("http") ? n == 80 : n == 443;
    }

    /** RFC 3986 section 5.2.4, on an absolute path. */
    private static String removeDotSegments(String path) {
        if (!path.contains(".")) return path;
        String[] segments = path.substring(1).split("/", -1);
        List<String> out = new ArrayList<>(segments.length);
        for (int i = 0; i < segments.length; i++) {
            String seg = segments[i];
            boolean last = i == segments.length - 1;
            if (seg.equals(".") || seg.equals("..")) {
                if (seg.equals("..") && !out.isEmpty()) out.remove(out.size() - 1);
                // "/a/." and "/a/b/.." name a directory: keep the trailing slash.
                if (last) out.add("");
            } else {
                out.add(seg);
            }
        }
        return "/" + String.join("/", out);
    }

    private static int indexOfAny(String s, String chars, int from) {
        for (int i = from; i < s.length(); i++) if (chars.indexOf(s.charAt(i)) >= 0) return i;
        return s.length();
    }
}
