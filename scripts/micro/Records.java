package poolkit.micro;

import dev.poolkit.Fields;
import dev.poolkit.JsonLines;
import dev.poolkit.Result;
import dev.poolkit.cli.internal.RunStats;
import dev.poolkit.cli.internal.Stopper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What a run's bookkeeping adds to each record, on top of writing it (issue 12: the progress line
 * and the summary must not slow the 200k bench by more than 2 %): Job's sink counts every record
 * in {@link RunStats} (counters, the latency histogram) and writes it under the {@link Stopper}'s
 * read lock. The progress line itself is drawn on a thread of its own and adds nothing here. The
 * same work on one thread and on two sharing one RunStats and one Stopper (the run's records come
 * from many threads: shared counters are where contention would show), next to writing the record
 * as a JSON line, to put it in proportion. A record like the async template's for a 2 KB page.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Records {
    static final Result RESULT = Result.success("http://127.0.0.1:8080/page/123456", 200, 3,
            Fields.of("status", 200, "bytes", 2048, "title", "Bench page", "finalUrl", "http://127.0.0.1:8080/page/123456", "attempts", 1));

    RunStats stats;
    Stopper stopper;
    JsonLines.Writer toNowhere;

    @Setup(Level.Iteration)
    public void setUp() {
        stats = new RunStats();
        stopper = new Stopper(Duration.ofSeconds(10), () -> { }, line -> { }, () -> { }, code -> { });
        toNowhere = JsonLines.writer(OutputStream.nullOutputStream());
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        toNowhere.close();
    }

    /** RunStats.add: the summary's counters and latency histogram. */
    @Benchmark
    public RunStats statsAdd() {
        stats.add(RESULT);
        return stats;
    }

    /** Stopper's read lock around a record's write: what lets a stop seal the output between records. */
    @Benchmark
    public long stopLock() {
        long stamp = stopper.enterWrite();
        stopper.exitWrite(stamp);
        return stamp;
    }

    /** Both, as Job's sink does them for each record: the whole per-record cost of the progress and summary work. */
    @Benchmark
    public RunStats bookkeeping() {
        long stamp = stopper.enterWrite();
        try {
            stats.add(RESULT);
        } finally {
            stopper.exitWrite(stamp);
        }
        return stats;
    }

    /** {@link #bookkeeping} from two threads at once, on the same RunStats and Stopper. */
    @Benchmark
    @Threads(2)
    public RunStats bookkeepingTwoThreads() {
        return bookkeeping();
    }

    /** For proportion: the record written as a JSON line to a discarding stream (no I/O). */
    @Benchmark
    public Result jsonLine() {
        return toNowhere.write(RESULT);
    }
}
