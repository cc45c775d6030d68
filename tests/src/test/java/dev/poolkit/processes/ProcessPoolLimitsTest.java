package dev.poolkit.processes;

import dev.poolkit.Result;
import dev.poolkit.fixtures.LimitWorker;
import dev.poolkit.fixtures.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.poolkit.fixtures.TestSupport.awaitUntil;
import static dev.poolkit.fixtures.TestSupport.byItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-host limits hold across the worker processes of a pool: the parent keeps them. */
@Timeout(60)
@ResourceLock(Workers.LOCK) // checks that no worker process outlives a test
@Order(Integer.MAX_VALUE - 5) // long: a runner thread takes classes from the last (junit-platform.properties)
class ProcessPoolLimitsTest {
    private TestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stopServerAndWorkers() {
        server.close();
        awaitUntil(() -> Workers.alive().findAny().isEmpty(), Duration.ofSeconds(10));
    }

    @Test
    void perHostLimitHoldsAcrossWorkerProcesses() throws Exception {
        server.route("/slow", (n, ex) -> TestServer.Reply.held(100));
        List<String> urls = IntStream.range(0, 12).mapToObj(i -> server.url("/slow") + "?i=" + i).toList();
        List<Result> results;
        try (var pool = LimitWorker.pool(3, 2, 1)) {
            results = pool.map(urls);
        }
        assertTrue(results.stream().allMatch(Result::ok), results.toString());
        Set<Object> pids = results.stream().map(r -> r.fields().get("pid")).collect(Collectors.toSet());
        assertTrue(pids.size() > 1, "several workers fetched: " + pids);
        assertEquals(12, server.arrivals("/slow").size());
        assertEquals(1, server.maxInFlight(), "one request in flight at a time, across 3 workers of 2 threads");
    }

    @Test
    void permitsOfAWorkerThatDiesAreReleased() throws Exception {
        // The server kills the worker whose request it is serving: the worker dies holding the host's only permit.
        server.route("/kill", (n, ex) -> {
            long pid = Long.parseLong(ex.getRequestURI().getQuery().substring("pid=".length()));
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            return TestServer.Reply.ok();
        });
        server.route("/ok", (n, ex) -> TestServer.Reply.ok());
        var items = new ArrayList<String>();
        items.add("kill:" + server.url("/kill"));
        for (int i = 0; i < 6; i++) items.add(server.url("/ok") + "?i=" + i);
        var results = new ArrayList<Result>();
        try (var pool = LimitWorker.pool(2, 1, 1)) {
            pool.run(items.iterator(), results::add);
        }
        Map<String, Result> byItem = byItem(results);
        assertEquals(Set.copyOf(items), byItem.keySet());
        Result killed = byItem.get(items.getFirst());
        assertFalse(killed.ok());
        assertTrue(killed.error().startsWith("worker process died"), killed.error());
        for (String ok : items.subList(1, items.size())) {
            assertTrue(byItem.get(ok).ok(), "after the dead worker's permit came back: " + byItem.get(ok));
        }
        assertEquals(6, server.arrivals("/ok").size());
    }
}
