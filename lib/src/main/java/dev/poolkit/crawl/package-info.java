/**
 * Crawling's building blocks: {@link dev.poolkit.crawl.Urls} (the canonical form of a URL, which
 * dedupe compares). Knows nothing of pools, fetching or the command line.
 */
package dev.poolkit.crawl;
