/**
 * One job shared by many workers on many machines, on Redis Streams (Redis 6.2+):
 * {@link dev.poolkit.queue.RedisFrontier} (the {@link dev.poolkit.crawl.Frontier} a worker runs
 * on: claims, acknowledgement with the record in one script, poison, release),
 * {@link dev.poolkit.queue.Queue} (what the {@code queue} script does to a job: push, status,
 * export, dead letters), {@link dev.poolkit.queue.QueueUrl} (where the job is; its password is
 * never shown) and {@link dev.poolkit.queue.RedisGates} (the job's per-host limits, for all its
 * workers). Knows the crawl room's frontier contract and the limits room's gates, and nothing of
 * pools, fetching or the command line.
 */
package dev.poolkit.queue;
