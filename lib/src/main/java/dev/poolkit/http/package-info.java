/**
 * Fetching over HTTP on {@code java.net.http}: {@link dev.poolkit.http.Fetcher} (one shared
 * client, deadlines, a body cap, careful redirects, per-host limits, retries, robots.txt and
 * Crawl-delay, an adaptive per-host window),
 * {@link dev.poolkit.http.Page} (what came back: text, title, and a jsoup document, CSS selection
 * and links on demand) and the failures
 * ({@link dev.poolkit.http.FetchException}, {@link dev.poolkit.http.HttpStatusException}), which
 * name their own {@code errorKind}. Of other rooms it uses only {@code Failure} and the crawl
 * room's {@code Robots}; it knows nothing of pools or processes: where its per-host
 * limits are kept is handed to it ({@code Fetcher.Builder.gates}).
 */
package dev.poolkit.http;
