/**
 * Not API: the process pool's parent side. {@code WorkerSlot} runs one worker JVM and its
 * threads, {@code Triage} decides what a crash means for the tasks it held, {@code Wire} is the
 * JSON Lines protocol, {@code WireOut} (the worker's group-commit writer) and {@code LineReader}
 * (the parent's reader) carry its lines with as few writes and wake-ups as they can, {@code Claims}
 * is the worker's side of a task asked back, {@code JvmOptions} the worker's command line. Never
 * imports a pool class.
 */
package dev.poolkit.internal.process;
