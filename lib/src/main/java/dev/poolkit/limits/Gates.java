package dev.poolkit.limits;

/**
 * Where fetchers keep their per-host limits: opens a {@link Gate} for a set of {@link Gate.Limits}.
 *
 * <p>{@link #local()} keeps them in this JVM. A process pool's workers get their parent's
 * ({@code ProcessPool.gates()}), which keeps them for all the workers at once; a shared job's
 * workers keep them in its Redis ({@code dev.poolkit.queue.RedisGates}); a fetcher is told
 * which by {@code Fetcher.Builder.gates}, never by looking around itself.
 */
@FunctionalInterface
public interface Gates {
    /** A gate that enforces {@code limits}. */
    Gate open(Gate.Limits limits);

    /** Limits kept in this JVM, per gate: two fetchers with limits do not share them. */
    static Gates local() {
        return HostGate::new;
    }
}
