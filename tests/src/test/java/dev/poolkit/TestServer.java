package dev.poolkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server on 127.0.0.1 for the limit and retry tests: each route answers as its {@link Route}
 * says for the n-th request to it, and the server records when each request arrived and how many
 * were in flight at once. Unknown paths answer 404.
 */
public final class TestServer implements AutoCloseable {
    /** What to answer: a status, headers, and how long to hold the request first. */
    public record Reply(int status, Map<String, String> headers, long holdMillis) {
        public static Reply ok() {
            return new Reply(200, Map.of(), 0);
        }

        public static Reply status(int status) {
            return new Reply(status, Map.of(), 0);
        }

        public static Reply held(long millis) {
            return new Reply(200, Map.of(), millis);
        }

        public static Reply retryAfter(int status, String value) {
            return new Reply(status, Map.of("Retry-After", value), 0);
        }
    }

    /** The answer to the {@code n}-th request (1 for the first) to a route; may act on the exchange first. */
    public interface Route {
        Reply reply(int n, HttpExchange exchange) throws Exception;
    }

    private final HttpServer server;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private TestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static TestServer start() throws IOException {
        return new TestServer();
    }

    public TestServer route(String path, Route route) {
        routes.put(path, route);
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** When each request to {@code path} arrived, in System.nanoTime(), in order. */
    public List<Long> arrivals(String path) {
        return new ArrayList<>(arrivals.getOrDefault(path, List.of()));
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        long now = System.nanoTime();
        int n = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(n, Math::max);
        try (ex) {
            String path = ex.getRequestURI().getPath();
            List<Long> times = arrivals.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>());
            int count;
            synchronized (times) {
                times.add(now);
                count = times.size();
            }
            Route route = routes.get(path);
            Reply reply;
            try {
                reply = route == null ? Reply.status(404) : route.reply(count, ex);
                if (reply.holdMillis() > 0) Thread.sleep(reply.holdMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                reply = Reply.status(500);
            }
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            // Counted out before the answer leaves, so that a client's next request never finds it still counted.
            inFlight.decrementAndGet();
            n = -1;
            ex.sendResponseHeaders(reply.status(), -1);
        } finally {
            if (n != -1) inFlight.decrementAndGet();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
