package dev.poolkit.limits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

import static dev.poolkit.fixtures.TestSupport.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class HostGateTest {
    private static void awaitWaiters(HostGate gate, String host, int n) {
        awaitUntil(() -> gate.waiters(host) >= n, Duration.ofSeconds(20), () -> "only " + gate.waiters(host) + " of " + n + " waiting");
    }

    @Test
    void aReleaseWakesOneWaiterNotEveryWaiterOfTheHost() throws Exception {
        var gate = new HostGate(new Gate.Limits(1, 0, 0));
        int n = 1000;
        var first = gate.acquire("h:80");
        var handed = new LinkedBlockingQueue<Gate.Permit>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().name("waiter-" + i).start(() -> {
                try {
                    handed.put(gate.acquire("h:80")); // held until the test closes it, like a request in flight
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        awaitWaiters(gate, "h:80", n);
        long before = gate.wakeups("h:80");
        first.close();
        for (int i = 0; i < n; i++) handed.take().close();
        for (Thread t : threads) t.join();
        long wakeups = gate.wakeups("h:80") - before;
        // Waking every waiter at each release costs about n * n / 2.
        assertTrue(wakeups <= 3L * n, n + " waiters served one by one took " + wakeups + " wake-ups");
    }

    @Test
    void anInterruptedWaiterPassesOnTheSlotItWasWokenFor() throws Exception {
        var gate = new HostGate(new Gate.Limits(1, 0, 0));
        var first = gate.acquire("h:80");
        Thread[] waiters = new Thread[3];
        var got = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < waiters.length; i++) {
            waiters[i] = Thread.ofVirtual().name("waiter-" + i).start(() -> {
                try {
                    gate.acquire("h:80").close();
                    got.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            awaitWaiters(gate, "h:80", i + 1);
        }
        waiters[0].interrupt();
        first.close();
        for (Thread t : waiters) t.join();
        assertTrue(got.get() >= 2, "the waiters left behind got " + got.get());
        assertEquals(0, gate.waiters("h:80"));
    }

    @Test
    void unlimitedGateCostsNoLookupWhileNothingIsPaused() throws Exception {
        var unlimited = new HostGate(Gate.Limits.NONE);
        assertSame(Gate.NONE, unlimited.acquire(java.net.URI.create("http://example.test/")));
    }
}
