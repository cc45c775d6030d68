package dev.poolkit;

import java.io.IOException;

/**
 * A fetch that did not give a usable answer: a bad URL, a refused or reset connection, a timeout,
 * or (as {@link HttpStatusException}) an HTTP error status. The message is one line, fit for a
 * result's {@code error}.
 */
public class FetchException extends IOException {
    private final String url;
    private final int attempts;

    public FetchException(String url, String message, Throwable cause) {
        this(url, message, cause, 1);
    }

    FetchException(String url, String message, Throwable cause, int attempts) {
        super(message, cause);
        this.url = url;
        this.attempts = attempts;
    }

    /** The URL that was being fetched, as given. */
    public String url() {
        return url;
    }

    /** How many times the request was sent before giving up (>= 1; more when it was retried). */
    public int attempts() {
        return attempts;
    }

    /** A copy that says it took {@code attempts} attempts. */
    FetchException withAttempts(int attempts) {
        var copy = new FetchException(url, getMessage(), getCause(), attempts);
        copy.setStackTrace(getStackTrace());
        return copy;
    }
}
