package dev.poolkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The worker program {@link ProcessPoolTest} starts: it builds the same pool as the test and,
 * started as a worker, serves it. Its handler does what the item says:
 * <ul>
 *   <li>{@code crash-once:PATH}: the first time (no file at PATH) creates the file and dies with exit code 3;</li>
 *   <li>{@code crash:CODE}: says "dying now" on stderr and dies with that exit code;</li>
 *   <li>{@code hang}: never returns;</li>
 *   <li>{@code print:TEXT}: prints TEXT on stdout, which must not reach the wire;</li>
 *   <li>{@code raw:TEXT}: writes TEXT without a newline straight to file descriptor 1, the wire, as native code could;</li>
 *   <li>{@code unwritable}: returns a field that cannot be written as JSON;</li>
 *   <li>anything else: answers its own text and the worker's pid.</li>
 * </ul>
 * The one argument is the worker's thread count.
 */
public final class TestWorker {
    private TestWorker() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        ProcessPool pool = pool(1, threads);
        if (ProcessPool.isWorker()) pool.serve();
        else System.err.println("TestWorker runs only as a ProcessPool worker");
    }

    /** The pool as both sides build it. */
    static ProcessPool pool(int processes, int threads) {
        return ProcessPool.builder()
                .processes(processes)
                .threadsPerProcess(threads)
                .handler(TestWorker::handle)
                .worker(TestWorker.class, List.of(String.valueOf(threads)))
                .build();
    }

    static Map<String, Object> handle(String item) throws Exception {
        long pid = ProcessHandle.current().pid();
        if (item.startsWith("crash-once:")) {
            Path marker = Path.of(item.substring("crash-once:".length()));
            if (!Files.exists(marker)) {
                Files.createFile(marker);
                Runtime.getRuntime().halt(3);
            }
        } else if (item.startsWith("crash:")) {
            System.err.println("dying now");
            System.err.flush();
            Runtime.getRuntime().halt(Integer.parseInt(item.substring("crash:".length())));
        } else if (item.equals("hang")) {
            new java.util.concurrent.CountDownLatch(1).await(); // until the worker is killed
        } else if (item.equals("unwritable")) {
            return Fields.of("thing", new Object());
        } else if (item.startsWith("raw:")) {
            var fd1 = new java.io.FileOutputStream(java.io.FileDescriptor.out); // never closed: that would close the wire
            fd1.write(item.substring("raw:".length()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            fd1.flush();
        } else if (item.startsWith("print:")) {
            System.out.println(item.substring("print:".length()));
            System.out.flush();
        }
        return Fields.of("echo", item, "pid", pid);
    }
}
