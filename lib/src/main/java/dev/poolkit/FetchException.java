package dev.poolkit;

import java.io.IOException;

/**
 * A fetch that did not give a usable answer: a bad URL, a refused or reset connection, a timeout,
 * or (as {@link HttpStatusException}) an HTTP error status. The message is one line, fit for a
 * result's {@code error}.
 */
public class FetchException extends IOException {
    private final String url;

    public FetchException(String url, String message, Throwable cause) {
        super(message, cause);
        this.url = url;
    }

    /** The URL that was being fetched, as given. */
    public String url() {
        return url;
    }
}
