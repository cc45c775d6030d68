package dev.poolkit.http.internal;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;

/** The host and port of a URL as a request needs them: an ASCII host name and a port from 1 to 65535. */
public final class Hosts {
    private Hosts() {}

    /**
     * {@code uri} with an internationalised host name ({@code bücher.example}) in its ASCII form
     * ({@code xn--bcher-kva.example}), as DNS knows it. java.net.URI does not convert: it reads
     * such a host, like a port too long for an int, as no host at all.
     *
     * @throws IllegalArgumentException saying what is wrong, fit for "bad URL: URL (REASON)": no
     *                                  host, a port out of range, or a name IDNA cannot convert
     */
    public static URI ascii(URI uri) {
        if (uri.getHost() != null && !uri.getHost().isEmpty()) {
            checkPort(uri.getPort() == -1 ? null : String.valueOf(uri.getPort()));
            return uri;
        }
        String authority = uri.getRawAuthority();
        if (authority == null) throw new IllegalArgumentException("no host");
        int at = authority.lastIndexOf('@');
        String hostPort = authority.substring(at + 1);
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 || hostPort.endsWith("]") ? hostPort : hostPort.substring(0, colon);
        String port = colon < 0 || hostPort.endsWith("]") ? null : hostPort.substring(colon + 1);
        checkPort(port);
        if (host.isEmpty() || host.chars().allMatch(c -> c < 0x80)) throw new IllegalArgumentException("no host");
        String ascii;
        try {
            ascii = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("host " + host + " is not a valid name: " + e.getMessage(), e);
        }
        URI converted;
        try {
            converted = new URI(uri.getScheme() + "://" + (at < 0 ? "" : authority.substring(0, at + 1)) + ascii
                    + (port == null ? "" : ":" + port) + (uri.getRawPath() == null ? "" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("no host", e);
        }
        // Still none: the name has characters no host name may have, in any script ("a_b.example").
        if (converted.getHost() == null) throw new IllegalArgumentException("no host");
        return converted;
    }

    /** {@code host} for a message: an ASCII name that IDNA encoded also in the form the user wrote. */
    public static String display(String host) {
        String unicode = IDN.toUnicode(host, IDN.ALLOW_UNASSIGNED);
        return unicode.equals(host) ? host : unicode + " (" + host + ")";
    }

    private static void checkPort(String port) {
        if (port == null || port.isEmpty()) return; // "http://host:/" has the scheme's port
        if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) throw new IllegalArgumentException("port " + port + " is not a number");
        if (port.length() > 5 || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
        }
    }
}
