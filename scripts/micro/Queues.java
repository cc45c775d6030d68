package poolkit.micro;

import dev.poolkit.WorkQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One item from a producer (the benchmark thread) to a consumer thread through a bounded
 * queue of 32 (the thread pool's 2 × 16), per item; and put+take on one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Queues {
    static final int ITEMS = 10_000;
    static final int CAPACITY = 32;
    static final Object ITEM = "http://127.0.0.1:8080/page/1";

    /** The queue's two operations, so that one consumer loop serves every kind of queue. */
    interface Q {
        void put(Object o) throws InterruptedException;
        Object take() throws InterruptedException;
    }

    final AtomicLong consumed = new AtomicLong();
    Thread consumer;
    Q workQueue, arrayQueue, linkedQueue;
    Q current;

    static Q of(WorkQueue<Object> q) {
        return new Q() {
            public void put(Object o) throws InterruptedException { q.put(o); }
            public Object take() throws InterruptedException { return q.take(); }
        };
    }

    static Q of(BlockingQueue<Object> q) {
        return new Q() {
            public void put(Object o) throws InterruptedException { q.put(o); }
            public Object take() throws InterruptedException { return q.take(); }
        };
    }

    @Setup(Level.Iteration)
    public void setUp() {
        workQueue = of(WorkQueue.<Object>ofCapacity(CAPACITY));
        arrayQueue = of(new ArrayBlockingQueue<>(CAPACITY));
        linkedQueue = of(new LinkedBlockingQueue<>(CAPACITY));
        consumed.set(0);
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws InterruptedException {
        if (consumer != null) {
            consumer.interrupt();
            consumer.join();
            consumer = null;
        }
    }

    long handOff(Q q) throws InterruptedException {
        if (current != q) {
            tearDown();
            current = q;
            consumer = Thread.ofPlatform().name("micro-consumer").start(() -> {
                try {
                    while (true) {
                        q.take();
                        consumed.incrementAndGet();
                    }
                } catch (InterruptedException end) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        long target = consumed.get() + ITEMS;
        for (int i = 0; i < ITEMS; i++) q.put(ITEM);
        while (consumed.get() < target) Thread.onSpinWait();
        return target;
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long handOffWorkQueue() throws InterruptedException {
        return handOff(workQueue);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long handOffArrayBlockingQueue() throws InterruptedException {
        return handOff(arrayQueue);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long handOffLinkedBlockingQueue() throws InterruptedException {
        return handOff(linkedQueue);
    }

    @Benchmark
    public Object putTakeWorkQueue() throws InterruptedException {
        workQueue.put(ITEM);
        return workQueue.take();
    }

    @Benchmark
    public Object putTakeArrayBlockingQueue() throws InterruptedException {
        arrayQueue.put(ITEM);
        return arrayQueue.take();
    }

    @Benchmark
    public Object putTakeLinkedBlockingQueue() throws InterruptedException {
        linkedQueue.put(ITEM);
        return linkedQueue.take();
    }
}
