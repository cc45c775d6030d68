package dev.poolkit;

import java.util.List;
import java.util.Map;

/**
 * The worker program {@link ProcessPoolLimitsTest} starts: it fetches each item (a URL) with a
 * fetcher limited to {@code perHost} requests in flight per host and no retries. An item
 * {@code kill:URL} fetches URL with {@code ?pid=} and the worker's pid added, so that the server
 * can kill the worker while the request is in flight. Arguments: perHost, threads.
 */
public final class LimitWorker {
    private LimitWorker() {}

    private static volatile Fetcher fetcher;

    public static void main(String[] args) throws Exception {
        int perHost = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        fetcher = Fetcher.builder().perHost(perHost).retries(0).build();
        ProcessPool pool = pool(1, threads, perHost);
        if (ProcessPool.isWorker()) pool.serve();
        else System.err.println("LimitWorker runs only as a ProcessPool worker");
    }

    /** The pool as both sides build it. */
    static ProcessPool pool(int processes, int threads, int perHost) {
        return ProcessPool.builder()
                .processes(processes)
                .threadsPerProcess(threads)
                .handler(LimitWorker::handle)
                .worker(LimitWorker.class, List.of(String.valueOf(perHost), String.valueOf(threads)))
                .build();
    }

    static Map<String, Object> handle(String item) throws Exception {
        long pid = ProcessHandle.current().pid();
        String url = item.startsWith("kill:") ? item.substring("kill:".length()) + "?pid=" + pid : item;
        Page page = fetcher.get(url);
        return Fields.of("status", page.status(), "pid", pid);
    }
}
