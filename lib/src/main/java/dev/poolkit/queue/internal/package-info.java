/**
 * Not API: the Redis side of the queue (the job's keys, the Lua scripts that make each step atomic,
 * the connection with its reconnect and backoff). May change in any release; nothing here imports
 * {@code dev.poolkit.queue}.
 */
package dev.poolkit.queue.internal;
