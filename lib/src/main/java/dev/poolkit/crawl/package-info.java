/**
 * Crawling's building blocks: {@link dev.poolkit.crawl.Urls} (the canonical form of a URL, which
 * dedupe compares), {@link dev.poolkit.crawl.Scope} (which found items a crawl takes), and
 * {@link dev.poolkit.crawl.Frontier} (hands out items, takes the items handlers find, dedupes,
 * knows each item's depth and parent, is told when an item has its record) with its in-process
 * backend {@link dev.poolkit.crawl.LocalFrontier} (fingerprints in memory, pending items and a
 * resumable journal on disk); {@link dev.poolkit.crawl.Robots} (robots.txt rules per site, on
 * crawler-commons) and {@link dev.poolkit.crawl.Sitemaps} (the pages a sitemap or sitemap index
 * lists, streamed, on crawler-commons). Knows nothing of pools, fetching or the command line:
 * robots.txt and sitemaps are fetched through a function it is given.
 */
package dev.poolkit.crawl;
