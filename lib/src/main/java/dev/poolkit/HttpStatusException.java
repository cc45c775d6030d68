package dev.poolkit;

/** The server answered, with a status of 400 or more. */
public class HttpStatusException extends FetchException {
    private final int status;

    public HttpStatusException(String url, int status) {
        super(url, "HTTP " + status, null);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
