package dev.poolkit.limits;

import dev.poolkit.limits.Gate.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adaptive window of {@link HostGate} (--auto-throttle), driven from one thread with a clock
 * the test moves: no request waits, so no thread is needed.
 */
@Isolated("times an unheld host to within 100 ms")
class AdaptiveGateTest {
    private static final String HOST = "h:80";
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final HostGate gate = new HostGate(new Gate.Limits(16, 0, 0, true), now::get);

    /** Sends as many requests as the window allows, each answered after {@code millis} with {@code outcome}. */
    private void round(Outcome outcome, long millis) throws InterruptedException {
        int n = (int) gate.window(HOST);
        List<Gate.Permit> permits = new ArrayList<>();
        for (int i = 0; i < n; i++) permits.add(gate.acquire(HOST));
        now.addAndGet(millis * 1_000_000);
        for (Gate.Permit p : permits) p.close(outcome);
    }

    @Test
    void theWindowStartsAtOneAndGrowsByOneForEachHealthyAnswerWhileInUseUpToPerHost() throws Exception {
        assertEquals(1, gate.window(HOST));
        round(Outcome.OK, 10);
        assertEquals(2, gate.window(HOST));
        round(Outcome.OK, 10);
        assertEquals(4, gate.window(HOST));
        round(Outcome.OK, 10);
        assertEquals(7, gate.window(HOST), "the 1st of 4 in flight was sent with less than half the window in use");
        round(Outcome.OK, 10);
        round(Outcome.OK, 10);
        assertEquals(16, gate.window(HOST), "--per-host caps it");
        round(Outcome.OK, 10);
        assertEquals(16, gate.window(HOST));
    }

    @Test
    void anOverloadHalvesTheWindowOnceForABurstAndItGrowsBackOnlyToJustBelowTheLoadThatOverloaded() throws Exception {
        round(Outcome.OK, 10);
        round(Outcome.OK, 10);
        round(Outcome.OK, 10); // window 7
        List<Gate.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 7; i++) permits.add(gate.acquire(HOST));
        now.addAndGet(10_000_000);
        // The 6th and 7th in flight were too many: two 429s from one burst.
        permits.get(5).close(Outcome.BUSY);
        permits.get(6).close(Outcome.BUSY);
        for (int i = 0; i < 5; i++) permits.get(i).close(Outcome.OK);
        assertEquals(3.5, gate.window(HOST), "halved once, not once per 429, and not grown by answers sent before");

        for (int i = 0; i < 10; i++) round(Outcome.OK, 10);
        assertEquals(5, gate.window(HOST), "back to one below the 6 in flight that overloaded the host, and no further");

        now.addAndGet(Duration.ofSeconds(HostGate.PROBE_AFTER_SECONDS).toNanos());
        for (int i = 0; i < 3; i++) round(Outcome.OK, 10);
        assertTrue(gate.window(HOST) > 5, "after a quiet while it probes past it again: " + gate.window(HOST));
    }

    @Test
    void risingLatencyShrinksTheWindowAndTimeoutsToo() throws Exception {
        round(Outcome.OK, 10);
        round(Outcome.OK, 10);
        round(Outcome.OK, 10);
        assertEquals(7, gate.window(HOST));
        for (int i = 0; i < 3; i++) round(Outcome.OK, 400); // 10 ms became 400 ms
        assertTrue(gate.window(HOST) <= 2, "window " + gate.window(HOST) + " after the latency rose 40-fold");

        var fresh = new HostGate(new Gate.Limits(0, 0, 0, true), now::get);
        fresh.acquire(HOST).close(Outcome.OK);
        fresh.acquire(HOST).close(Outcome.OK);
        assertEquals(3, fresh.window(HOST), "with no --per-host it grows with what is asked of it");
        var a = fresh.acquire(HOST);
        fresh.acquire(HOST).close(Outcome.BUSY); // a timeout, with 2 in flight
        a.close(Outcome.NEUTRAL);
        assertEquals(1, fresh.window(HOST), "halved to 1.5, and held below the 2 in flight that were too many");
    }

    @Test
    void aNeutralOutcomeAndAWindowNotFullLeaveTheWindowAlone() throws Exception {
        round(Outcome.OK, 10);
        round(Outcome.OK, 10); // window 4
        gate.acquire(HOST).close(Outcome.OK); // 1 in flight of 4: the window is not what limits
        gate.acquire(HOST).close(Outcome.NEUTRAL);
        assertEquals(4, gate.window(HOST));
    }

    @Test
    void aMinimumGapSpacesTheStartsOfRequestsToItsHostOnly() throws Exception {
        var real = new HostGate(Gate.Limits.NONE);
        real.minGap("slow:80", Duration.ofMillis(100));
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) real.acquire(java.net.URI.create("http://slow/")).close();
        long spaced = (System.nanoTime() - start) / 1_000_000;
        long fastStart = System.nanoTime();
        for (int i = 0; i < 3; i++) real.acquire(java.net.URI.create("http://fast/")).close();
        long fast = (System.nanoTime() - fastStart) / 1_000_000;
        assertTrue(spaced >= 200, "3 starts 100 ms apart took " + spaced + " ms");
        assertTrue(fast < 100, "another host is not held: " + fast + " ms");
    }
}
