package dev.poolkit.internal.engine;

import dev.poolkit.Result;
import dev.poolkit.Sink;
import dev.poolkit.Summary;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One run's bookkeeping: counts results as the sink kept them (a {@link Sink} says which result
 * it kept: a record that could not be written as JSON is counted as the failure written in its
 * place), and keeps the first failure of the sink itself (a full disk, a closed pipe), which must
 * stop the run instead of losing results.
 */
public final class Tally implements Consumer<Result> {
    private final Consumer<Result> sink;
    private final long startNanos = System.nanoTime();
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<RuntimeException> sinkFailure = new AtomicReference<>();

    public Tally(Consumer<Result> sink) {
        this.sink = sink;
    }

    @Override
    public void accept(Result result) {
        Result kept = result;
        try {
            if (sink instanceof Sink s) kept = s.write(result);
            else sink.accept(result);
        } catch (RuntimeException e) {
            sinkFailure.compareAndSet(null, e);
            throw e;
        }
        (kept.ok() ? ok : failed).increment();
    }

    /** True once the sink has thrown: producers should stop feeding. */
    public boolean broken() {
        return sinkFailure.get() != null;
    }

    /** The run's summary, or the sink's exception if it failed. */
    public Summary finish() {
        RuntimeException e = sinkFailure.get();
        if (e != null) throw e;
        return new Summary(ok.sum(), failed.sum(), (System.nanoTime() - startNanos) / 1_000_000);
    }
}
