package dev.poolkit.cli.internal;

import dev.poolkit.cli.internal.Stopper.State;
import dev.poolkit.internal.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.poolkit.fixtures.TestSupport.awaitBlocked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stopper's transitions, driven by calls, not by real signals (StopTemplateTest sends those):
 * the JVM's exit is a fake.
 */
@Timeout(10)
class StopperTest {
    static final Duration WAIT = Duration.ofSeconds(5);

    final AtomicInteger stopTaking = new AtomicInteger();
    final ConcurrentLinkedQueue<String> said = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

    Stopper stopper(Duration grace) {
        return new Stopper(grace, stopTaking::incrementAndGet, said::add, () -> events.add("beforeExit"),
                code -> events.add("exit " + code));
    }

    @Test
    void theFirstSignalStopsTakingItemsOnceSaysSoAndTheRunEndsByItself() {
        Stopper stopper = stopper(Duration.ofSeconds(30));

        stopper.signal(Signals.INT);
        stopper.runEnded();

        assertEquals(1, stopTaking.get());
        assertTrue(stopper.stopping());
        assertEquals(State.ENDED, stopper.state());
        assertFalse(stopper.cutOff());
        assertEquals(130, stopper.exitCode());
        assertEquals("SIGINT", stopper.signalName());
        assertEquals(List.of("stopping (SIGINT): no new items; the items in flight finish, for at most 30 s (--grace); "
                + "Ctrl-C again stops at once"), List.copyOf(said));
        assertTrue(events.isEmpty(), "nothing exits: the runner reports the run");
        assertFalse(Thread.interrupted(), "the runner was interrupted");
        assertNotEquals(0, stopper.enterWrite(), "records are still written");
    }

    @Test
    void pastTheGraceTheRecordsAreSealedAndTheRunnerIsInterrupted() throws Exception {
        var stopper = new AtomicReference<Stopper>();
        var made = new CountDownLatch(1);
        var interrupted = new AtomicBoolean();
        Thread runner = Thread.ofPlatform().start(() -> {
            stopper.set(stopper(Duration.ofMillis(50)));
            made.countDown();
            try {
                new CountDownLatch(1).await(); // a pool's run, abandoned only by an interrupt
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            stopper.get().runEnded();
        });
        made.await();

        stopper.get().signal(Signals.TERM);

        assertTrue(runner.join(WAIT), "the runner was not interrupted");
        assertTrue(interrupted.get());
        assertTrue(stopper.get().cutOff());
        assertEquals(0, stopper.get().enterWrite(), "a record written after the grace");
        assertEquals(State.ENDED, stopper.get().state());
        assertEquals(143, stopper.get().exitCode());
        assertTrue(events.isEmpty(), "the runner reports the run: " + events);
    }

    @Test
    void aSecondSignalWaitsForTheRecordBeingWrittenThenExitsAtOnce() throws Exception {
        Stopper stopper = stopper(Duration.ofSeconds(30));
        stopper.signal(Signals.INT);
        long writing = stopper.enterWrite();

        Thread second = Thread.ofPlatform().start(() -> stopper.signal(Signals.INT));
        awaitBlocked(second, WAIT);
        assertTrue(events.isEmpty(), "exited while a record was being written");
        stopper.exitWrite(writing);

        assertTrue(second.join(WAIT));
        assertEquals(List.of("beforeExit", "exit 130"), List.copyOf(events));
        assertEquals(0, stopper.enterWrite(), "a record written after the second signal");
        assertEquals(State.HALTED, stopper.state());
        stopper.signal(Signals.INT);
        assertEquals(2, events.size(), "a third signal does nothing more");
    }

    @Test
    void aSignalAfterTheRunEndedStopsAtOnce() {
        Stopper stopper = stopper(Duration.ofSeconds(30));
        stopper.runEnded();

        stopper.signal(Signals.TERM);

        assertEquals(0, stopTaking.get());
        assertEquals(List.of("beforeExit", "exit 143"), List.copyOf(events));
    }

    @Test
    void theHintSaysHowManyItemsAreLeftOrThatTheCountIsUnknown() {
        String how = "rerun the same command with --resume to finish";
        assertEquals("stopped: 120 items not started; " + how, Stopper.hint(200, 80, false, Duration.ofSeconds(10), how));
        assertEquals("stopped: the rest not started; " + how, Stopper.hint(-1, 80, false, Duration.ofSeconds(10), how));
        assertEquals("stopped: 120 items not done (the items still running after --grace 2.5 s were abandoned); " + how,
                Stopper.hint(200, 80, true, Duration.ofMillis(2500), how));
        assertEquals("stopped: every item has its record", Stopper.hint(200, 200, false, Duration.ofSeconds(10), how));
    }
}
