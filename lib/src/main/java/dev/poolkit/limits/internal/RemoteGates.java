package dev.poolkit.limits.internal;

import dev.poolkit.internal.ControlLines;
import dev.poolkit.limits.Gate;
import dev.poolkit.limits.Gates;

import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The gates of the fetchers in a process pool's worker: leave to send comes from the parent
 * over the wire ({@link GateWire}), so that a limit holds across all the workers. Pauses are
 * also kept here, and the parent passes each on to the other workers, so that a pause costs no
 * round trip while there are no limits. One per worker process, made by the pool and shared by
 * every fetcher in it.
 *
 * <p>Until {@link #connect} connects the wire (or if it never does), the limits are kept locally.
 */
public final class RemoteGates implements Gates {
    private final Gate pauses = Gates.local().open(Gate.Limits.NONE);
    private final ConcurrentHashMap<Long, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong tickets = new AtomicLong();
    // Hosts with a Crawl-delay: their requests ask the parent even when the fetcher has no limits.
    private final java.util.Set<String> gapped = ConcurrentHashMap.newKeySet();
    private volatile Consumer<String> toParent;

    @Override
    public Gate open(Gate.Limits limits) {
        return new Remote(limits);
    }

    /**
     * Connects the wire: gate messages go out through {@code out}, and the parent's come in on
     * {@code lines}, which are returned without them (the tasks alone).
     *
     * <p>The parent's replies are read only when the caller asks for its next task. That is
     * prompt enough because the parent never sends more tasks than the worker can queue, so the
     * caller never stops reading for long.
     */
    public Iterator<String> connect(Iterator<String> lines, Consumer<String> out) {
        toParent = out;
        return ControlLines.without(lines, line -> {
            if (!GateWire.isGate(line)) return false;
            fromParent(line);
            return true;
        });
    }

    private void fromParent(String line) {
        GateWire.Message m = GateWire.read(line);
        switch (m.type()) {
            case "granted" -> {
                CompletableFuture<Void> f = waiting.remove(m.ticket());
                if (f != null) f.complete(null);
                else toParent.accept(GateWire.release(m.ticket())); // its asker gave up: give it back
            }
            case "pause" -> pauses.pause(m.host(), Duration.ofMillis(m.millis()));
            default -> System.err.println("unexpected gate message from the parent: " + line);
        }
    }

    /** One fetcher's gate: its limits, asked of the parent. */
    private final class Remote implements Gate {
        private final Limits limits;
        private final Gate unconnected;

        Remote(Limits limits) {
            this.limits = limits;
            this.unconnected = Gates.local().open(limits);
        }

        @Override
        public Permit acquire(URI uri) throws InterruptedException {
            pauses.acquire(uri).close(); // waits out a pause, if any (cheap while there is none)
            if (limits.none() && gapped.isEmpty()) return NONE;
            return acquire(Gate.hostKey(uri));
        }

        @Override
        public Permit acquire(String host) throws InterruptedException {
            pauses.acquire(host).close();
            if (limits.none() && !gapped.contains(host)) return NONE;
            Consumer<String> out = toParent;
            if (out == null) return unconnected.acquire(host);
            long ticket = tickets.incrementAndGet();
            var granted = new CompletableFuture<Void>();
            waiting.put(ticket, granted);
            out.accept(GateWire.acquire(ticket, host, limits));
            try {
                granted.get();
            } catch (InterruptedException e) {
                if (waiting.remove(ticket) == null) out.accept(GateWire.release(ticket)); // granted meanwhile
                throw e;
            } catch (ExecutionException impossible) {
                throw new IllegalStateException(impossible);
            }
            return new Permit() {
                private boolean closed;

                @Override
                public void close() {
                    close(null);
                }

                @Override
                public synchronized void close(Outcome outcome) {
                    if (closed) return;
                    closed = true;
                    // The outcome only matters to an adaptive gate: the others' lines stay short.
                    out.accept(GateWire.release(ticket, limits.adaptive() ? outcome : null));
                }
            };
        }

        @Override
        public void minGap(String host, Duration gap) {
            if (gap.isNegative() || gap.isZero()) return;
            Consumer<String> out = toParent;
            if (out != null) out.accept(GateWire.gap(host, gap.toMillis()));
            else unconnected.minGap(host, gap);
            gapped.add(host); // after the parent was told: the next request asks it
        }

        @Override
        public void pause(String host, Duration pause) {
            pauses.pause(host, pause);
            Consumer<String> out = toParent;
            if (out != null) out.accept(GateWire.pause(host, pause.toMillis()));
            else unconnected.pause(host, pause);
        }
    }
}
