/**
 * Not API: the limits kept across worker processes: {@code RemoteGates}
 * (a worker's side) and {@code GateServer} (the parent's side) keep them across worker processes,
 * speaking {@code GateWire}'s lines on the process pool's wire. Knows nothing of pools.
 */
package dev.poolkit.limits.internal;
