package dev.poolkit.queue;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Where a shared job lives: {@code redis://[[USER]:PASSWORD@]HOST[:PORT]/JOB}, or {@code rediss://}
 * for TLS. The port defaults to 6379; the job name ({@code [A-Za-z0-9._-]}, 1 to 100 characters)
 * names the job's keys. The password is used to connect and never shown: {@link #toString()}
 * gives the URL with {@code ***} in its place, and so does every message that names the URL,
 * including the ones for a URL that cannot be parsed.
 */
public final class QueueUrl {
    private static final Pattern JOB = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final boolean tls;
    private final String user;
    private final String password;
    private final String host;
    private final int port;
    private final String job;

    private QueueUrl(boolean tls, String user, String password, String host, int port, String job) {
        this.tls = tls;
        this.user = user;
        this.password = password;
        this.host = host;
        this.port = port;
        this.job = job;
    }

    /**
     * Parses a queue URL.
     *
     * @throws IllegalArgumentException saying what is wrong, with the password masked
     */
    public static QueueUrl parse(String url) {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("queue URL is empty (give redis://HOST:6379/JOB)");
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("queue URL is not a URL: " + mask(url) + " (give redis://HOST:6379/JOB)");
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("queue URL must start with redis:// or rediss:// (TLS), got " + mask(url));
        }
        if (uri.getHost() == null) throw new IllegalArgumentException("queue URL has no host: " + mask(url) + " (give redis://HOST:6379/JOB)");
        String path = uri.getPath() == null ? "" : uri.getPath();
        String job = path.startsWith("/") ? path.substring(1) : path;
        if (!JOB.matcher(job).matches()) {
            throw new IllegalArgumentException("queue URL must end with a job name of letters, digits, '.', '_' or '-': "
                    + mask(url) + " (for example redis://HOST:6379/myjob)");
        }
        String user = null, password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            String u = colon < 0 ? info : info.substring(0, colon);
            user = u.isEmpty() ? null : decode(u);
            // redis://PASSWORD@host is how redis-cli and most clients read a lone user part.
            if (colon < 0) {
                password = user;
                user = null;
            } else {
                password = decode(info.substring(colon + 1));
            }
        }
        return new QueueUrl("rediss".equals(scheme), user, password, uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), job);
    }

    /** {@code url} with anything between {@code //} and {@code @} but the user replaced by {@code ***}. */
    static String mask(String url) {
        if (url == null) return "";
        int start = url.indexOf("//");
        int at = url.lastIndexOf('@');
        if (start < 0 || at < start) return url;
        String info = url.substring(start + 2, at);
        int colon = info.indexOf(':');
        String shown = colon < 0 ? "***" : info.substring(0, colon) + ":***";
        return url.substring(0, start + 2) + shown + url.substring(at);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public boolean tls() {
        return tls;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String job() {
        return job;
    }

    /** The user, or null (the default user). */
    public String user() {
        return user;
    }

    /** Whether the URL has a password; the password itself is only handed to the connection. */
    public boolean hasPassword() {
        return password != null;
    }

    String password() {
        return password;
    }

    /** The server without the job and without the password: {@code redis://HOST:PORT}. */
    public String server() {
        return (tls ? "rediss" : "redis") + "://" + host + ":" + port;
    }

    /** The URL with the password masked: {@code redis://:***@HOST:PORT/JOB}. */
    @Override
    public String toString() {
        String auth = password == null ? (user == null ? "" : user + "@") : (user == null ? "" : user) + ":***@";
        return (tls ? "rediss" : "redis") + "://" + auth + host + ":" + port + "/" + job;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueueUrl q && q.tls == tls && q.port == port && q.host.equals(host) && q.job.equals(job)
                && java.util.Objects.equals(q.user, user) && java.util.Objects.equals(q.password, password);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(tls, host, port, job, user);
    }
}
