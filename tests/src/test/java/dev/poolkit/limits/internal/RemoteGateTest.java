package dev.poolkit.limits.internal;

import dev.poolkit.limits.Gate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

import java.net.URI;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's side of the gate, with the wire faked: lines in as an iterator, lines out to a queue. */
@Timeout(10)
@Isolated("times an unpaused host to within 200 ms")
class RemoteGateTest {
    private final LinkedBlockingQueue<String> toParent = new LinkedBlockingQueue<>();
    private final RemoteGates gates = new RemoteGates();

    @Test
    void gateLinesFromTheParentAreTakenOutOfTheTasks() {
        String task = "{\"id\":1,\"item\":\"x\"}";
        Iterator<String> tasks = gates.connect(List.of(GateWire.granted(99), task, GateWire.pause("h:80", 1)).iterator(), toParent::add);
        assertEquals(task, tasks.next());
        assertFalse(tasks.hasNext());
        assertEquals(GateWire.release(99), toParent.poll(), "a grant nobody waits for is given back");
    }

    @Test
    void aLimitedRequestWaitsForTheParentsGrantAndReleasesAfter() throws Exception {
        gates.connect(List.<String>of().iterator(), toParent::add);
        Gate gate = gates.open(new Gate.Limits(1, 0, 0));
        var permit = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.acquire(URI.create("http://example.test/page"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        String asked = toParent.poll(5, TimeUnit.SECONDS);
        GateWire.Message m = GateWire.read(asked);
        assertEquals("acquire", m.type());
        assertEquals("example.test:80", m.host());
        assertEquals(new Gate.Limits(1, 0, 0), m.limits());
        assertFalse(permit.isDone(), "no request before the parent says so");

        gates.connect(List.of(GateWire.granted(m.ticket())).iterator(), toParent::add).hasNext();
        permit.get(5, TimeUnit.SECONDS).close();
        assertEquals(GateWire.release(m.ticket()), toParent.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aPauseFromTheParentHoldsRequestsToThatHost() throws Exception {
        gates.connect(List.of(GateWire.pause("paused.test:80", 300)).iterator(), toParent::add).hasNext();
        long start = System.nanoTime();
        gates.open(Gate.Limits.NONE).acquire(URI.create("http://paused.test/")).close();
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waited >= 200, "waited " + waited + " ms of a 300 ms pause");
        long other = System.nanoTime();
        gates.open(Gate.Limits.NONE).acquire(URI.create("http://free.test/")).close();
        assertTrue((System.nanoTime() - other) / 1_000_000 < 200, "another host is not paused");
    }

    @Test
    void aPauseHereIsToldToTheParent() {
        gates.connect(List.<String>of().iterator(), toParent::add);
        gates.open(Gate.Limits.NONE).pause(URI.create("https://busy.test/x"), java.time.Duration.ofMillis(1));
        assertEquals(GateWire.pause("busy.test:443", 1), toParent.poll());
    }

    @Test
    void aCrawlDelayIsToldToTheParentAndThenEvenAnUnlimitedFetcherAsksItForThatHost() throws Exception {
        gates.connect(List.<String>of().iterator(), toParent::add);
        Gate gate = gates.open(Gate.Limits.NONE);
        gate.acquire(URI.create("http://delayed.test/")).close();
        assertEquals(null, toParent.poll(), "no limits, no delay: nothing asked");

        gate.minGap("delayed.test:80", java.time.Duration.ofMillis(2000));
        GateWire.Message gap = GateWire.read(toParent.poll(5, TimeUnit.SECONDS));
        assertEquals(new GateWire.Message("gap", 0, "delayed.test:80", null, 2000), gap);

        var permit = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.acquire(URI.create("http://delayed.test/page"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        GateWire.Message asked = GateWire.read(toParent.poll(5, TimeUnit.SECONDS));
        assertEquals("acquire", asked.type());
        gates.connect(List.of(GateWire.granted(asked.ticket())).iterator(), toParent::add).hasNext();
        permit.get(5, TimeUnit.SECONDS).close(Gate.Outcome.BUSY);
        assertEquals(GateWire.release(asked.ticket()), toParent.poll(5, TimeUnit.SECONDS), "a gate that does not adapt sends no outcome");
    }

    @Test
    void anAdaptiveGatesLimitsAndOutcomesCrossTheWire() {
        var limits = new Gate.Limits(4, 0, 0, true);
        assertEquals(limits, GateWire.read(GateWire.acquire(3, "h:80", limits)).limits());
        assertEquals(Gate.Outcome.BUSY, GateWire.read(GateWire.release(3, Gate.Outcome.BUSY)).outcome());
        assertEquals(null, GateWire.read(GateWire.release(3)).outcome());
    }
}
