package dev.poolkit.internal.process;

import dev.poolkit.internal.process.WireOutTest.Writes;
import dev.poolkit.internal.process.WorkerSlot.Task;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker's claims: each task asked back gets exactly one of started and cancelled, and a
 * result is never left unflushed without a claim or a cancel to come that carries it.
 */
class ClaimsTest {
    static final String RESULT_1 = "{\"id\":1,\"result\":{\"ok\":true}}";
    static final String RESULT_2 = "{\"id\":2,\"result\":{\"ok\":true}}";

    final Writes out = new Writes();
    final Claims claims = new Claims(new WireOut(out));
    final ArrayDeque<String> fromParent = new ArrayDeque<>();
    // Reads the parent's lines as the worker's main thread does: cancels are answered on the way.
    final Iterator<String> tasks = claims.tasks(new Iterator<>() {
        @Override
        public boolean hasNext() {
            return !fromParent.isEmpty();
        }

        @Override
        public String next() {
            return fromParent.poll();
        }
    });

    void send(String line) {
        fromParent.add(line);
        while (tasks.hasNext()) tasks.next(); // the worker's queue, here dropped: the test claims by id
    }

    @Test
    void aResultWaitsForTheNextStartedWhileATaskIsUnclaimed() {
        send(Wire.writeTask(new Task(1, "a")));
        send(Wire.writeTask(new Task(2, "b")));

        assertTrue(claims.claim(1));
        claims.answer(RESULT_1);
        assertEquals(List.of(Wire.writeStarted(1) + "\n"), out.writes, "task 2 waits: its started will carry the result");
        assertTrue(claims.claim(2));
        claims.answer(RESULT_2);

        assertEquals(List.of(Wire.writeStarted(1) + "\n", RESULT_1 + "\n" + Wire.writeStarted(2) + "\n", RESULT_2 + "\n"),
                out.writes, "nothing left unclaimed: the last result goes at once");
    }

    @Test
    void aCancelCarriesAResultLeftUnflushed() {
        send(Wire.writeTask(new Task(1, "a")));
        send(Wire.writeTask(new Task(2, "b")));
        assertTrue(claims.claim(1));
        claims.answer(RESULT_1);

        send(Wire.writeCancel(2));

        assertEquals(List.of(Wire.writeStarted(1) + "\n", RESULT_1 + "\n" + Wire.writeCancelled(2) + "\n"), out.writes);
        assertFalse(claims.claim(2), "given back: it runs in another worker");
    }

    @Test
    void aTaskAskedBackAfterItStartedGetsNoCancelled() {
        send(Wire.writeTask(new Task(1, "a")));
        assertTrue(claims.claim(1));

        send(Wire.writeCancel(1));

        assertEquals(List.of(Wire.writeStarted(1) + "\n"), out.writes, "its started answers the cancel");
    }
}
