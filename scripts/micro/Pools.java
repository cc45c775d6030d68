package poolkit.micro;

import dev.poolkit.AsyncPool;
import dev.poolkit.Fields;
import dev.poolkit.Handler;
import dev.poolkit.JsonLines;
import dev.poolkit.ThreadPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** Per task: a run of TASKS trivial tasks, each ending as one result given to a counting sink. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Pools {
    static final int TASKS = 20_000;
    static final int IN_FLIGHT = 64; // the bench's concurrency for async
    static final int THREADS = 16;   // the threads template's default

    /** The fields of a typical fetch, with no fetch. */
    static final Handler TRIVIAL = item -> Fields.of("status", 200, "bytes", 2048, "title", "Bench page");

    List<String> items;

    @Setup
    public void setUp() {
        items = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) items.add("http://127.0.0.1:8080/page/" + i);
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long asyncPool() throws Exception {
        var sink = new LongAdder();
        try (var pool = AsyncPool.of(IN_FLIGHT, TRIVIAL)) {
            return pool.run(items.iterator(), r -> sink.increment()).total() + sink.sum();
        }
    }

    /** As {@link #asyncPool}, each result written by JsonLines to a discarding stream, as a template does. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long asyncPoolToJsonLines() throws Exception {
        try (var pool = AsyncPool.of(IN_FLIGHT, TRIVIAL); var out = JsonLines.writer(OutputStream.nullOutputStream())) {
            return pool.run(items.iterator(), out).total();
        }
    }

    /** As {@link #asyncPool}, with item deadlines on (never reached): the watchdog's cost. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long asyncPoolWithItemTimeout() throws Exception {
        var sink = new LongAdder();
        try (var pool = AsyncPool.of(IN_FLIGHT, TRIVIAL).withItemTimeout(Duration.ofSeconds(60))) {
            return pool.run(items.iterator(), r -> sink.increment()).total() + sink.sum();
        }
    }

    /**
     * {@link #rawVirtual} with the other way to give each task a deadline: a timer task per
     * task that would interrupt it, cancelled when it ends. Against rawVirtual, what that costs.
     */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long rawVirtualScheduledTimeout() throws Exception {
        var sink = new LongAdder();
        var slots = new Semaphore(IN_FLIGHT);
        var timer = new ScheduledThreadPoolExecutor(1);
        timer.setRemoveOnCancelPolicy(true);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String item : items) {
                slots.acquire();
                executor.execute(() -> {
                    Thread self = Thread.currentThread();
                    var deadline = timer.schedule(self::interrupt, 60, TimeUnit.SECONDS);
                    try {
                        Map<String, ?> fields = TRIVIAL.handle(item);
                        if (fields != null) sink.increment();
                    } catch (Exception e) {
                        sink.increment();
                    } finally {
                        deadline.cancel(false);
                        slots.release();
                    }
                });
            }
        } finally {
            timer.shutdownNow();
        }
        return sink.sum();
    }

    /** What AsyncPool does, by hand: a virtual thread per task, a semaphore for the bound. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long rawVirtual() throws Exception {
        var sink = new LongAdder();
        var slots = new Semaphore(IN_FLIGHT);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String item : items) {
                slots.acquire();
                executor.execute(() -> {
                    try {
                        Map<String, ?> fields = TRIVIAL.handle(item);
                        if (fields != null) sink.increment();
                    } catch (Exception e) {
                        sink.increment();
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        return sink.sum();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long threadPool() throws Exception {
        var sink = new LongAdder();
        try (var pool = ThreadPool.of(THREADS, TRIVIAL)) {
            return pool.run(items.iterator(), r -> sink.increment()).total() + sink.sum();
        }
    }

    /** As {@link #threadPool}, with item deadlines on (never reached). */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long threadPoolWithItemTimeout() throws Exception {
        var sink = new LongAdder();
        try (var pool = ThreadPool.of(THREADS, TRIVIAL).withItemTimeout(Duration.ofSeconds(60))) {
            return pool.run(items.iterator(), r -> sink.increment()).total() + sink.sum();
        }
    }

    /** What ThreadPool does, by hand: a fixed pool on an ArrayBlockingQueue of 2 × threads. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long rawFixed() throws Exception {
        var sink = new LongAdder();
        // The queue is bounded: the caller waits for room instead of having a task rejected.
        var executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(THREADS * 2),
                (task, pool) -> {
                    try {
                        pool.getQueue().put(task);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.util.concurrent.RejectedExecutionException(e);
                    }
                });
        try {
            for (String item : items) {
                executor.execute(() -> {
                    try {
                        Map<String, ?> fields = TRIVIAL.handle(item);
                        if (fields != null) sink.increment();
                    } catch (Exception e) {
                        sink.increment();
                    }
                });
            }
        } finally {
            executor.shutdown();
            executor.awaitTermination(1, TimeUnit.MINUTES);
        }
        return sink.sum();
    }
}
