package dev.poolkit.cli.internal;

import dev.poolkit.Fields;
import dev.poolkit.Result;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderedTest {
    final List<String> written = Collections.synchronizedList(new ArrayList<>());
    final List<String> warnings = new ArrayList<>();

    Ordered ordered(int bound) {
        return new Ordered(r -> {
            written.add(r.item());
            return r;
        }, bound, warnings::add);
    }

    static Result ok(String item) {
        return Result.success(item, 200, 1, Fields.of());
    }

    @Test
    void recordsGoOutInInputOrderWhateverOrderTheyComeIn() {
        Ordered o = ordered(100);
        List<String> items = IntStream.range(0, 10).mapToObj(i -> "i" + i).toList();
        items.forEach(o::expect);

        for (int i = 9; i >= 1; i--) o.write(ok("i" + i));
        assertEquals(List.of(), written);
        o.write(ok("i0"));

        assertEquals(items, written);
        assertEquals(List.of(), warnings);
    }

    @Test
    void aRepeatedItemTakesTheFirstNumberStillOpen() {
        Ordered o = ordered(100);
        List.of("x", "y", "x").forEach(o::expect);

        o.write(ok("x"));
        o.write(ok("x"));
        o.write(ok("y"));

        assertEquals(List.of("x", "y", "x"), written);
    }

    @Test
    void theBufferNeverHoldsMoreThanItsBoundAndTheSlowItemIsWrittenLate() {
        int bound = 5;
        Ordered o = ordered(bound);
        List<String> items = IntStream.range(0, 20).mapToObj(i -> "i" + i).toList();
        items.forEach(o::expect);

        for (int i = 1; i < 20; i++) o.write(ok("i" + i)); // i0 is slow

        assertEquals(bound, o.mostWaiting());
        assertEquals(items.subList(1, 20), written); // all but the slow one, in order
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("item #1"), warnings::toString);
        o.write(ok("i0"));
        assertEquals("i0", written.get(19));
        assertEquals(1, o.late());
    }

    @Test
    void closePassesOnTheRecordsStillWaitingInOrder() {
        Ordered o = ordered(100);
        List.of("a", "b", "c").forEach(o::expect);
        o.write(ok("c"));
        o.write(ok("b"));

        o.close();

        assertEquals(List.of("b", "c"), written);
    }

    @Test
    void manyWritersNeverBlockEvenWhenTheFirstItemNeverFinishes() throws Exception {
        int bound = 50, n = 5_000;
        Ordered o = ordered(bound);
        for (int i = 0; i < n; i++) o.expect("i" + i);
        var done = new CountDownLatch(n - 1);
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int i = 1; i < n; i++) {
                String item = "i" + i;
                pool.execute(() -> {
                    o.write(ok(item));
                    done.countDown();
                });
            }
            assertTrue(done.await(30, java.util.concurrent.TimeUnit.SECONDS), "writers blocked");
        }
        assertTrue(o.mostWaiting() <= bound, "waited at once: " + o.mostWaiting());
        o.close();
        assertEquals(n - 1, written.size());
    }

    @Test
    void boundMustBePositive() {
        var e = assertThrows(IllegalArgumentException.class, () -> ordered(0));
        assertEquals("bound must be >= 1, got 0", e.getMessage());
    }
}
