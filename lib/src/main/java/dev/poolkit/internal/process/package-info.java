/**
 * Not API: the process pool's parent side. {@code WorkerSlot} runs one worker JVM and its
 * threads, {@code Triage} decides what a crash means for the tasks it held, {@code Wire} is the
 * JSON Lines protocol, {@code JvmOptions} the worker's command line. Never imports a pool class.
 */
package dev.poolkit.internal.process;
