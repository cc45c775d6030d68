package dev.poolkit.limits.internal;

import dev.poolkit.limits.Gate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The parent's side of the gate, talking to fake workers: what each would read on its stdin. */
@Timeout(10)
class GateServerTest {
    private static final Gate.Limits ONE_PER_HOST = new Gate.Limits(1, 0, 0);
    private final GateServer server = new GateServer();

    private static String next(BlockingQueue<String> toWorker) throws InterruptedException {
        return toWorker.poll(5, TimeUnit.SECONDS);
    }

    /** Nothing arrives for a while: used only where the answer must not come. */
    private static String nothing(BlockingQueue<String> toWorker) throws InterruptedException {
        return toWorker.poll(200, TimeUnit.MILLISECONDS);
    }

    @Test
    void aPermitHeldByOneWorkerMakesAnotherWaitUntilReleased() throws Exception {
        var toA = new LinkedBlockingQueue<String>();
        var toB = new LinkedBlockingQueue<String>();
        var a = server.open("a", toA::add, System.err::println);
        var b = server.open("b", toB::add, System.err::println);

        a.fromWorker(GateWire.acquire(1, "h:80", ONE_PER_HOST));
        assertEquals(GateWire.granted(1), next(toA));
        b.fromWorker(GateWire.acquire(1, "h:80", ONE_PER_HOST));
        assertNull(nothing(toB), "the host's one permit is A's");
        b.fromWorker(GateWire.acquire(2, "other:80", ONE_PER_HOST));
        assertEquals(GateWire.granted(2), next(toB), "another host is not held up");

        a.fromWorker(GateWire.release(1));
        assertEquals(GateWire.granted(1), next(toB));
    }

    @Test
    void aWorkerThatDiesGivesBackItsPermitsAndStopsWaiting() throws Exception {
        var toA = new LinkedBlockingQueue<String>();
        var toB = new LinkedBlockingQueue<String>();
        var a = server.open("a", toA::add, System.err::println);
        var b = server.open("b", toB::add, System.err::println);

        a.fromWorker(GateWire.acquire(1, "h:80", ONE_PER_HOST));
        assertEquals(GateWire.granted(1), next(toA));
        a.fromWorker(GateWire.acquire(2, "h:80", ONE_PER_HOST)); // waits behind its own first
        b.fromWorker(GateWire.acquire(1, "h:80", ONE_PER_HOST));
        assertNull(nothing(toB));

        a.close();
        assertEquals(GateWire.granted(1), next(toB), "A's permit came back");
        assertNull(nothing(toA), "A's waiting request was dropped, not granted to a dead worker");
        b.fromWorker(GateWire.release(1));
        var toC = new LinkedBlockingQueue<String>();
        server.open("c", toC::add, System.err::println).fromWorker(GateWire.acquire(1, "h:80", ONE_PER_HOST));
        assertEquals(GateWire.granted(1), next(toC), "and A's dropped request holds nothing either");
    }

    @Test
    void aPauseIsPassedOnToEveryOtherWorker() throws Exception {
        var toA = new LinkedBlockingQueue<String>();
        var toB = new LinkedBlockingQueue<String>();
        var toC = new LinkedBlockingQueue<String>();
        var a = server.open("a", toA::add, System.err::println);
        server.open("b", toB::add, System.err::println);
        server.open("c", toC::add, System.err::println).close(); // gone: told nothing

        a.fromWorker(GateWire.pause("h:80", 1500));
        assertEquals(GateWire.pause("h:80", 1500), next(toB));
        assertNull(nothing(toA));
        assertNull(nothing(toC));
    }

    @Test
    void messagesReadBackAsWritten() {
        var m = GateWire.read(GateWire.acquire(7, "example.com:443", new Gate.Limits(2, 1.5, 0.25)));
        assertEquals(new GateWire.Message("acquire", 7, "example.com:443", new Gate.Limits(2, 1.5, 0.25), 0), m);
        assertEquals("{\"gate\":\"release\",\"ticket\":7}", GateWire.release(7));
        assertEquals("{\"gate\":\"pause\",\"host\":\"h:80\",\"millis\":1000}", GateWire.pause("h:80", 1000));
    }
}
