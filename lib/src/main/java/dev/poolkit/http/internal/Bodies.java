package dev.poolkit.http.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Response bodies read with a size cap: a declared Content-Length over the cap is refused before
 * any byte is read, and a body that grows past it is cancelled (which closes the connection), so
 * a huge answer never sits in memory. Compressed bodies are decoded under the same cap.
 */
public final class Bodies {
    private Bodies() {}

    private static final byte[] EMPTY = new byte[0];
    /** How much of an error page is read (and dropped) so its connection can be reused. */
    private static final long ERROR_BODY_LIMIT = 64 * 1024;

    /** The body is larger than the cap. */
    public static final class TooLargeException extends IOException {
        private final long limit;
        private final boolean decoded;

        TooLargeException(long limit, boolean decoded) {
            super("body over " + limit + " bytes");
            this.limit = limit;
            this.decoded = decoded;
        }

        public long limit() {
            return limit;
        }

        /** True if the body was small on the wire and grew past the cap when decompressed. */
        public boolean decoded() {
            return decoded;
        }
    }

    /**
     * Keeps the body of answers below 400 up to {@code maxBytes}, and fails with
     * {@link TooLargeException} past it; drops error pages' bodies (the status is all we report).
     */
    public static HttpResponse.BodyHandler<byte[]> capped(long maxBytes) {
        return info -> {
            long declared;
            try {
                declared = info.headers().firstValueAsLong("content-length").orElse(-1);
            } catch (NumberFormatException e) {
                declared = -1;
            }
            boolean keep = info.statusCode() < 400;
            return new Collector(keep ? maxBytes : ERROR_BODY_LIMIT, keep, declared);
        };
    }

    /**
     * The body decoded as its Content-Encoding says ({@code gzip}, {@code x-gzip}, {@code deflate};
     * others are left alone), failing with {@link TooLargeException} once the result passes
     * {@code maxBytes}: a small compressed body may inflate to gigabytes.
     */
    public static byte[] decode(byte[] body, String contentEncoding, long maxBytes) throws IOException {
        if (contentEncoding == null || body.length == 0) return body;
        String coding = contentEncoding.strip().toLowerCase(Locale.ROOT);
        InputStream in;
        Inflater inflater = null;
        if (coding.equals("gzip") || coding.equals("x-gzip")) {
            in = new GZIPInputStream(new java.io.ByteArrayInputStream(body));
        } else if (coding.equals("deflate")) {
            // Meant to be zlib-wrapped, but some servers send raw deflate: a zlib stream's first
            // byte says compression method 8 and its first two bytes are a multiple of 31.
            boolean zlib = body.length >= 2 && (body[0] & 0x0F) == 8 && (((body[0] & 0xFF) << 8) | (body[1] & 0xFF)) % 31 == 0;
            inflater = new Inflater(!zlib);
            in = new InflaterInputStream(new java.io.ByteArrayInputStream(body), inflater);
        } else {
            return body;
        }
        try (in) {
            var out = new ByteArrayOutputStream((int) Math.min(body.length * 4L, 1 << 20));
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
                if (total > maxBytes) throw new TooLargeException(maxBytes, true);
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } finally {
            // An Inflater we made holds native memory until end(), not until it is collected.
            if (inflater != null) inflater.end();
        }
    }

    /** Collects a body up to a limit; past it, cancels the subscription (closing the connection). */
    private static final class Collector implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final long limit;
        private final boolean keep;
        private final long declared;
        private Flow.Subscription subscription;
        private List<ByteBuffer> parts = new ArrayList<>();
        private long received;

        Collector(long limit, boolean keep, long declared) {
            this.limit = limit;
            this.keep = keep;
            this.declared = declared;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (declared > limit) stop();
            else subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) return;
            for (ByteBuffer b : items) {
                received += b.remaining();
                if (keep) parts.add(b);
            }
            if (received > limit) stop();
        }

        private void stop() {
            subscription.cancel();
            parts = null;
            if (keep) result.completeExceptionally(new TooLargeException(limit, false));
            else result.complete(EMPTY);
        }

        @Override
        public void onError(Throwable throwable) {
            parts = null;
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            if (result.isDone()) return;
            if (!keep) {
                result.complete(EMPTY);
                return;
            }
            byte[] body = new byte[(int) received];
            int at = 0;
            for (ByteBuffer b : parts) {
                int n = b.remaining();
                b.get(body, at, n);
                at += n;
            }
            parts = null;
            result.complete(body);
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }
    }
}
