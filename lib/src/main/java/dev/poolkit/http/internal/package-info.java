/**
 * Not API: the fetcher's parts (body caps and decoding, deadlines and the watchdog that enforces
 * them, redirect rules, host names in ASCII). May change in any release; nothing here imports
 * {@code dev.poolkit.http}.
 */
package dev.poolkit.http.internal;
