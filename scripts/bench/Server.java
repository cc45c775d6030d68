package poolkit.bench;

import dev.poolkit.demo.DemoSite;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** nginx on 127.0.0.1 with a config of our own, or the demo site when nginx is not installed. */
final class Server implements AutoCloseable {
    private final Process nginx;
    private final Path dir;
    private final DemoSite site;
    private final String url;
    private final boolean delays;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Server(Process nginx, Path dir, DemoSite site, String url, boolean delays) {
        this.nginx = nginx;
        this.dir = dir;
        this.site = site;
        this.url = url;
        this.delays = delays;
    }

    static Server start() throws Exception {
        Path nginxBin = Path.of("/usr/sbin/nginx");
        if (!Files.isExecutable(nginxBin)) {
            System.err.println("bench: warning: nginx is not installed (apt-get install nginx libnginx-mod-http-echo):"
                    + " using the demo site, which is much slower than nginx and shares the JVM's cores");
            DemoSite site = DemoSite.start(1, 0);
            return new Server(null, null, site, site.url(), false);
        }
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("poolkit-bench-nginx");
        Path echo = Path.of("/usr/lib/nginx/modules/ngx_http_echo_module.so");
        boolean delays = Files.exists(echo);
        String body = "<!doctype html><html><head><title>Bench page</title></head><body><p>" + "poolkit ".repeat(240) + "</p></body></html>";
        // stub_status counts the connections each target opens: a client that does not reuse them shows.
        String conf = (delays ? "load_module " + echo + ";\n" : "") + """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 8192; }
                http {
                  access_log off;
                  keepalive_requests 10000000;
                  client_body_temp_path %1$s/tmp; proxy_temp_path %1$s/tmp; fastcgi_temp_path %1$s/tmp;
                  uwsgi_temp_path %1$s/tmp; scgi_temp_path %1$s/tmp;
                  server {
                    listen 127.0.0.1:%2$d backlog=4096;
                    location /page/ { default_type text/html; return 200 '%3$s'; }
                    location = /nginx-status { stub_status; }
                    location /tree/ { root %1$s; default_type text/html; }
                    %4$s
                  }
                }
                """.formatted(dir, port, body, delays ? "location /slow/ { default_type text/html; echo_sleep 0.05; echo '" + body + "'; }" : "");
        Files.writeString(dir.resolve("nginx.conf"), conf);
        Files.createDirectories(dir.resolve("tmp"));
        Process p = new ProcessBuilder(nginxBin.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(), "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        String url = "http://127.0.0.1:" + port;
        var server = new Server(p, dir, null, url, delays);
        for (int i = 0; ; i++) {
            try {
                server.client.send(HttpRequest.newBuilder(URI.create(url + "/page/1")).build(), HttpResponse.BodyHandlers.discarding());
                break;
            } catch (IOException notYet) {
                if (i > 50 || !p.isAlive()) throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("nginx.out")));
                Thread.sleep(100);
            }
        }
        return server;
    }

    String url() {
        return url;
    }

    boolean delays() {
        return delays;
    }

    /**
     * Where nginx serves {@code /tree/NAME} from ({@code tree()/NAME}), for the crawl workload's
     * static pages; null without nginx.
     */
    Path tree() throws IOException {
        if (nginx == null) return null;
        // nginx started as root serves files as nobody: the temporary directory must be readable.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return Files.createDirectories(dir.resolve("tree"));
    }

    /**
     * Connections nginx has accepted so far, this request's own included (so a difference of two
     * readings counts one too many), or -1 without nginx.
     */
    long accepts() throws IOException {
        if (nginx == null) return -1;
        // A connection of its own, closed after: a kept-alive one could time out during a long run.
        String status;
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), URI.create(url).getPort())) {
            socket.getOutputStream().write("GET /nginx-status HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            status = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
        // "Active connections: 1 \nserver accepts handled requests\n 5 5 12 \n..."
        Matcher m = Pattern.compile("accepts handled requests\\s+(\\d+)").matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    String describe() throws IOException, InterruptedException {
        if (nginx == null) return "poolkit demo site (nginx missing)";
        var v = new ProcessBuilder("/usr/sbin/nginx", "-v").redirectErrorStream(true).start();
        String version = new String(v.getInputStream().readAllBytes()).strip();
        v.waitFor();
        return version + ", 1 worker, ~2 KB pages" + (delays ? "" : " (no echo module: no delayed pages)");
    }

    /** Requests per second wrk gets from {@code url} with that many connections (the server's ceiling), or null without wrk. */
    static String wrk(String url, int connections) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/wrk"))) return null;
        var p = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d5s", url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        Matcher m = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
        return m.find() ? String.format(Locale.ROOT, "%,.0f", Double.parseDouble(m.group(1))) : null;
    }

    @Override
    public void close() throws Exception {
        if (site != null) site.close();
        if (nginx == null) return;
        nginx.destroy();
        // nginx writes its pid file and logs into dir until it has stopped.
        if (!nginx.waitFor(10, TimeUnit.SECONDS)) nginx.destroyForcibly().waitFor();
        Bench.deleteTree(dir);
    }
}
