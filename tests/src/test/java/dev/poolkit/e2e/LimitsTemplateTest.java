package dev.poolkit.e2e;

import dev.poolkit.JsonLines;
import dev.poolkit.fixtures.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limit options as a user gives them to a template, run through {@code ./jbang}. */
@Order(Integer.MAX_VALUE - 4) // long: a runner thread takes classes from the last (junit-platform.properties)
class LimitsTemplateTest {
    private TestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void processesTemplateKeepsThePerHostLimitAcrossItsWorkers() throws Exception {
        server.route("/slow", (n, ex) -> TestServer.Reply.held(100));
        String urls = IntStream.range(0, 9).mapToObj(i -> server.url("/slow") + "?i=" + i).collect(Collectors.joining("\n"));

        Command run = Command.jbang(Command.ROOT, urls, Command.template("processes"), "-q", "-p", "3", "--per-host", "1", "-i", "-");

        assertEquals(0, run.exitCode(), run::toString);
        List<Map<String, Object>> records = run.stdout().lines().map(l -> JsonLines.parse(l, "stdout")).toList();
        assertEquals(9, records.size(), run::toString);
        assertEquals(9, server.arrivals("/slow").size());
        assertEquals(1, server.maxInFlight(), "one request to the host in flight at a time, across 3 worker processes");
    }

    @Test
    void asyncTemplateRetriesA503AndHonoursRetryAfter() throws Exception {
        server.route("/flaps", (n, ex) -> n == 1 ? TestServer.Reply.retryAfter(503, "1") : TestServer.Reply.ok());

        Command run = Command.jbang(Command.ROOT, null, Command.template("async"), "-q", "--retries", "1", server.url("/flaps"));

        assertEquals(0, run.exitCode(), run::toString);
        List<Long> times = server.arrivals("/flaps");
        assertEquals(2, times.size());
        assertTrue(times.get(1) - times.get(0) >= 1_000_000_000L, "re-sent after " + (times.get(1) - times.get(0)) / 1_000_000 + " ms");
    }

    @Test
    void badLimitIsOneLineOnStderrAndExitTwo() throws Exception {
        Command run = Command.jbang(Command.ROOT, null, Command.template("threads"), "--per-host", "-1", "http://127.0.0.1:1/");

        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(List.of("threads: --per-host must be >= 0 (0 for no limit), got -1"), run.errorLines());
        assertEquals(0, server.arrivals("/").size());
    }
}
