package poolkit.bench;

import dev.poolkit.cli.Job;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.util.Timeout;
import org.eclipse.jetty.client.ContentResponse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;

/** An HTTP engine as the loop uses it: one shared client, a blocking GET that reads the whole body. */
interface Engine extends AutoCloseable {
    /** Fetches {@code url} and reads its body: {status, bytes}. */
    int[] get(String url) throws Exception;

    /**
     * Each engine set up as one would for many requests to one host: one client for the whole
     * run, connections kept alive and pooled, at least {@code concurrency} of them per host,
     * HTTP/1.1, a 10 s connect timeout.
     */
    static Engine of(String name, int concurrency) throws Exception {
        return switch (name) {
            case "jdk", "jdk-default" -> {
                var builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
                // The default executor is a cached pool of platform threads that runs every response's
                // completion: what one gets without configuring it.
                if (name.equals("jdk")) builder.executor(Executors.newVirtualThreadPerTaskExecutor());
                HttpClient client = builder.build();
                yield new Engine() {
                    public int[] get(String url) throws Exception {
                        var r = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
                        return new int[]{r.statusCode(), r.body().length};
                    }

                    public void close() {
                        client.close();
                    }
                };
            }
            case "apache" -> {
                CloseableHttpClient client = HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                .setMaxConnTotal(concurrency).setMaxConnPerRoute(concurrency)
                                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(10)).build())
                                .build())
                        .build();
                yield new Engine() {
                    public int[] get(String url) throws Exception {
                        // The response handler consumes the body, which gives the connection back to the pool.
                        return client.execute(new HttpGet(url), r -> new int[]{r.getCode(), EntityUtils.toByteArray(r.getEntity()).length});
                    }

                    public void close() throws IOException {
                        client.close();
                    }
                };
            }
            case "apache-async" -> {
                CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                        .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                                .setMaxConnTotal(concurrency).setMaxConnPerRoute(concurrency)
                                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(10)).build())
                                .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                                .build())
                        .build();
                client.start();
                yield new Engine() {
                    public int[] get(String url) throws Exception {
                        SimpleHttpResponse r = client.execute(SimpleRequestBuilder.get(url).build(), null).get();
                        return new int[]{r.getCode(), r.getBodyBytes() == null ? 0 : r.getBodyBytes().length};
                    }

                    public void close() throws IOException {
                        client.close();
                    }
                };
            }
            case "jetty" -> {
                var client = new org.eclipse.jetty.client.HttpClient();
                client.setMaxConnectionsPerDestination(concurrency);
                client.setMaxRequestsQueuedPerDestination(Math.max(1024, concurrency));
                client.setConnectTimeout(10_000);
                client.start();
                yield new Engine() {
                    public int[] get(String url) throws Exception {
                        ContentResponse r = client.GET(url);
                        return new int[]{r.getStatus(), r.getContent().length};
                    }

                    public void close() throws Exception {
                        client.stop();
                    }
                };
            }
            default -> throw new Job.UsageError("unknown engine: " + name + " (choose from "
                    + String.join(", ", Target.names(Target.ENGINES)) + ")");
        };
    }
}
