/**
 * Per-host limits: a {@link dev.poolkit.limits.Gate} asks leave before each request to a host
 * (requests in flight, request rate, Retry-After pauses, a robots.txt Crawl-delay, and an adaptive
 * per-host window for {@code --auto-throttle}), and {@link dev.poolkit.limits.Gates}
 * says where the limits are kept: in this JVM ({@code Gates.local()}), or by a process pool's
 * parent for all its workers ({@code ProcessPool.gates()}), or in a shared job's Redis for all its
 * workers on every machine ({@code dev.poolkit.queue.RedisGates}).
 */
package dev.poolkit.limits;
