package dev.poolkit.crawl;

import java.io.IOException;

/** A sitemap that could not be fetched or read; the message is one line and names its URL. */
public final class SitemapException extends IOException {
    private final String url;

    public SitemapException(String url, String message, Throwable cause) {
        super(message, cause);
        this.url = url;
    }

    /** The sitemap's URL. */
    public String url() {
        return url;
    }
}
