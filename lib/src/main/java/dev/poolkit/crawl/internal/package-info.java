/**
 * Not API: the frontier's parts (a 64-bit hash, a set of fingerprints over {@code long[]}s, the
 * append-only journal). May change in any release; nothing here imports {@code dev.poolkit.crawl}.
 */
package dev.poolkit.crawl.internal;
