package dev.poolkit.http;

import dev.poolkit.Failure;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * A fetch that did not give a usable answer: a bad URL, a refused or reset connection, a timeout,
 * a body over the size limit, a redirect loop, or (as {@link HttpStatusException}) an HTTP error
 * status. The message is one line, fit for a result's {@code error}; {@link #kind()} says which of
 * these it was, and its label is the result's {@code errorKind} ({@link Failure}).
 */
public class FetchException extends IOException implements Failure {
    /** What went wrong, by cause; {@link #label()} is the name a result's {@code errorKind} carries. */
    public enum Kind {
        /** The URL could not be parsed, has no host, or has a port out of range 1-65535. */
        BAD_URL,
        /** The URL (or a redirect) is not http or https, or goes from https to http. Nothing was read. */
        REFUSED_SCHEME,
        /** The host name did not resolve. Not retried: it stays unknown for the length of a run. */
        UNKNOWN_HOST,
        /** No connection: refused, unreachable, or the connect timeout passed. */
        CONNECT,
        /** The per-attempt deadline passed, before or while the body was read. */
        TIMEOUT,
        /** The server closed or reset the connection before the answer was complete. */
        RESET,
        /** Any other I/O failure, including a body that could not be decoded. */
        IO,
        /** The server answered with a status of 400 or more ({@link HttpStatusException}). */
        HTTP,
        /** The body (declared, received or decoded) is larger than the fetcher's maxBytes. */
        TOO_LARGE,
        REDIRECT_LOOP,
        TOO_MANY_REDIRECTS,
        /** The TLS handshake failed, e.g. an untrusted or mismatched certificate. */
        TLS,
        /**
         * The site's robots.txt disallows the URL (or a redirect to it), or answered 429 or 5xx,
         * which keeps the whole site off limits; nothing was requested
         * ({@code Fetcher.Builder.robots}).
         */
        ROBOTS;

        private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

        /** The kind's name in records: {@code "bad-url"}, {@code "timeout"}, {@code "too-large"}, ... */
        public String label() {
            return label;
        }
    }

    private final String url;
    private final Kind kind;
    private final int attempts;

    /** A failure of kind {@link Kind#IO}. */
    public FetchException(String url, String message, Throwable cause) {
        this(url, Kind.IO, message, cause);
    }

    public FetchException(String url, Kind kind, String message, Throwable cause) {
        this(url, kind, message, cause, 1);
    }

    FetchException(String url, Kind kind, String message, Throwable cause, int attempts) {
        super(message, cause);
        this.url = url;
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
        this.attempts = attempts;
    }

    /** The URL that was being fetched, as given. */
    public String url() {
        return url;
    }

    public Kind kind() {
        return kind;
    }

    /** How many attempts were made before giving up; 1 without retries. */
    public int attempts() {
        return attempts;
    }

    /** {@link #kind()}'s label: {@code "timeout"}, {@code "too-large"}, ... */
    @Override
    public String errorKind() {
        return kind.label();
    }

    /** {@code attempts}, for the failed item's record. */
    @Override
    public Map<String, ?> fields() {
        return Map.of("attempts", attempts);
    }

    /** This failure, saying it took {@code attempts} attempts. */
    FetchException withAttempts(int attempts) {
        var copy = new FetchException(url, kind, getMessage(), getCause(), attempts);
        copy.setStackTrace(getStackTrace());
        return copy;
    }
}
