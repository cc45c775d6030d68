package dev.poolkit.http;

import dev.poolkit.internal.Text;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The server answered, with a status of 400 or more. Kind {@link Kind#HTTP}. */
public class HttpStatusException extends FetchException {
    private final int status;
    private final Map<String, List<String>> headers;

    public HttpStatusException(String url, int status) {
        this(url, status, Map.of());
    }

    /** @param headers the response headers, names in lower case */
    public HttpStatusException(String url, int status, Map<String, List<String>> headers) {
        this(url, status, headers, "HTTP " + status, 1);
    }

    /** With a message that says more than {@code "HTTP " + status}. */
    public HttpStatusException(String url, int status, Map<String, List<String>> headers, String message) {
        this(url, status, headers, message, 1);
    }

    private HttpStatusException(String url, int status, Map<String, List<String>> headers, String message, int attempts) {
        super(url, Kind.HTTP, message, null, attempts);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    /** The first value of a response header, by case-insensitive name (e.g. {@code Retry-After}). */
    public Optional<String> header(String name) {
        return Text.firstHeader(headers, name);
    }

    /** The response headers, names in lower case. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** {@code status} and {@code attempts}, for the failed item's record. */
    @Override
    public Map<String, ?> fields() {
        var fields = new LinkedHashMap<String, Object>();
        fields.put("status", status);
        fields.put("attempts", attempts());
        return fields;
    }

    @Override
    HttpStatusException withAttempts(int attempts) {
        var copy = new HttpStatusException(url(), status, headers, getMessage(), attempts);
        copy.setStackTrace(getStackTrace());
        return copy;
    }
}
