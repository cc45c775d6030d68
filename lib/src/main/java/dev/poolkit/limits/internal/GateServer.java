package dev.poolkit.limits.internal;

import dev.poolkit.limits.Gate;
import dev.poolkit.limits.Gates;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The parent's side of the workers' {@link RemoteGates}s: one local {@link Gate} per set of limits,
 * shared by all the workers of a pool, so that a per-host limit, a rate and a pause hold across
 * them. Each worker process talks to it through a {@link Session}; closing the session (the
 * worker died, or ended) releases every permit the worker still held and drops its requests
 * still waiting, so a dead worker never keeps a host's permits. Thread-safe.
 */
public final class GateServer {
    private final ConcurrentHashMap<Gate.Limits, Gate> gates = new ConcurrentHashMap<>();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    // Every Crawl-delay a worker told of, by host: a gate opened later gets them too.
    private final ConcurrentHashMap<String, Long> gaps = new ConcurrentHashMap<>();

    private Gate gate(Gate.Limits limits) {
        return gates.computeIfAbsent(limits, l -> {
            Gate g = Gates.local().open(l);
            gaps.forEach((host, millis) -> g.minGap(host, Duration.ofMillis(millis)));
            return g;
        });
    }

    /**
     * A session for one worker process; {@code toWorker} writes a line to its stdin, {@code log}
     * shows a line as the worker's (a garbled message is shown like any stray output).
     */
    public Session open(String name, Consumer<String> toWorker, Consumer<String> log) {
        var session = new Session(name, toWorker, log);
        sessions.add(session);
        return session;
    }

    /** One worker process's permits and waiting requests. */
    public final class Session implements AutoCloseable {
        private final String name;
        private final Consumer<String> toWorker;
        private final Consumer<String> log;
        // Guarded by this.
        private final Map<Long, Gate.Permit> granted = new HashMap<>();
        private final Map<Long, Thread> asking = new HashMap<>();
        private boolean closed;

        private Session(String name, Consumer<String> toWorker, Consumer<String> log) {
            this.name = name;
            this.toWorker = toWorker;
            this.log = log;
        }

        /** Handles one gate line from the worker; never blocks. */
        public void fromWorker(String line) {
            GateWire.Message m;
            try {
                m = GateWire.read(line);
            } catch (IllegalArgumentException garbled) {
                log.accept(line);
                return;
            }
            switch (m.type()) {
                case "acquire" -> {
                    // Waiting for a permit must not hold up the worker's answers: wait on a thread of its own.
                    Thread t = Thread.ofVirtual().name("gate-" + name + "-" + m.ticket()).unstarted(() -> grant(m));
                    synchronized (this) {
                        if (closed) return;
                        asking.put(m.ticket(), t);
                    }
                    t.start();
                }
                case "release" -> {
                    Gate.Permit p;
                    synchronized (this) {
                        p = granted.remove(m.ticket());
                    }
                    if (p != null) p.close(m.outcome() == null ? Gate.Outcome.NEUTRAL : m.outcome());
                }
                case "gap" -> {
                    gaps.merge(m.host(), m.millis(), Math::max);
                    for (Gate gate : gates.values()) gate.minGap(m.host(), Duration.ofMillis(m.millis()));
                }
                case "pause" -> {
                    for (Gate gate : gates.values()) gate.pause(m.host(), Duration.ofMillis(m.millis()));
                    String pause = GateWire.pause(m.host(), m.millis());
                    for (Session other : sessions) if (other != this) other.toWorker.accept(pause);
                }
                default -> log.accept(line);
            }
        }

        private void grant(GateWire.Message m) {
            Gate.Permit permit;
            try {
                permit = gate(m.limits()).acquire(m.host());
            } catch (InterruptedException sessionClosed) {
                return;
            }
            boolean keep;
            synchronized (this) {
                asking.remove(m.ticket());
                keep = !closed;
                if (keep) granted.put(m.ticket(), permit); // before the worker can hear of it and release it
            }
            if (keep) toWorker.accept(GateWire.granted(m.ticket()));
            else permit.close();
        }

        /** The worker is gone: gives back what it held, and stops waiting on its behalf. */
        @Override
        public void close() {
            List<Gate.Permit> held;
            synchronized (this) {
                if (closed) return;
                closed = true;
                held = new ArrayList<>(granted.values());
                granted.clear();
                asking.values().forEach(Thread::interrupt);
                asking.clear();
            }
            sessions.remove(this);
            held.forEach(Gate.Permit::close);
        }
    }
}
