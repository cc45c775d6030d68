package dev.poolkit.http;

import dev.poolkit.http.FetchException;
import dev.poolkit.http.HttpStatusException;

import dev.poolkit.limits.Gate;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Sends a request again when the failure may pass: connect failures, timeouts, resets, and
 * HTTP 408, 429, 502, 503, 504. Between attempts it waits an exponential backoff with full jitter
 * (a random time between 0 and {@code min(cap, base * 2^(attempt-1))}), or, when the answer
 * carries a Retry-After, as long as that asks: that pause holds for every request to the host,
 * through the {@link Gate}. A Retry-After longer than its cap fails the request at once.
 * Thread-safe.
 */
final class Retrier {
    /** One attempt at the request. */
    public interface Attempt<T> {
        T run() throws FetchException, InterruptedException;
    }

    /** Marks a page or an exception with the number of attempts it took. */
    public interface Tag<X> {
        X with(X x, int attempts);
    }

    /** Waits between attempts; tests give their own. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final int retries;
    private final Duration base;
    private final Duration cap;
    private final Duration retryAfterCap;
    private final Gate gate;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final Clock clock;

    public Retrier(int retries, Duration base, Duration cap, Duration retryAfterCap, Gate gate) {
        this(retries, base, cap, retryAfterCap, gate, Thread::sleep, () -> ThreadLocalRandom.current().nextDouble(), Clock.systemUTC());
    }

    public Retrier(int retries, Duration base, Duration cap, Duration retryAfterCap, Gate gate,
                   Sleeper sleeper, DoubleSupplier random, Clock clock) {
        this.retries = retries;
        this.base = base;
        this.cap = cap;
        this.retryAfterCap = retryAfterCap;
        this.gate = gate;
        this.sleeper = sleeper;
        this.random = random;
        this.clock = clock;
    }

    public <T> T run(URI uri, Attempt<T> attempt, Tag<T> tagResult, Tag<FetchException> tagError)
            throws FetchException, InterruptedException {
        return run(() -> uri, attempt, tagResult, tagError);
    }

    /**
     * As {@link #run(URI, Attempt, Tag, Tag)}, where {@code lastHop} says which URL the failed
     * attempt's last answer came from: after a redirect, a Retry-After pauses that host.
     */
    public <T> T run(Supplier<URI> lastHop, Attempt<T> attempt, Tag<T> tagResult, Tag<FetchException> tagError)
            throws FetchException, InterruptedException {
        for (int n = 1; ; n++) {
            try {
                T result = attempt.run();
                return n == 1 ? result : tagResult.with(result, n);
            } catch (FetchException e) {
                if (!retryable(e)) throw n == 1 ? e : tagError.with(e, n);
                Duration retryAfter = e instanceof HttpStatusException h ? retryAfter(h).orElse(null) : null;
                if (retryAfter != null) {
                    if (retryAfter.compareTo(retryAfterCap) > 0) throw tagError.with(tooLong((HttpStatusException) e, retryAfter), n);
                    gate.pause(lastHop.get(), retryAfter); // the next attempt waits for it in the gate, with every other request to the host
                }
                if (n > retries) throw n == 1 ? e : tagError.with(e, n);
                if (retryAfter == null) sleeper.sleep(backoff(n));
            }
        }
    }

    /** The wait after attempt {@code n} (1 for the first) failed without a Retry-After. */
    Duration backoff(int n) {
        double ceiling = Math.min(cap.toNanos(), base.toNanos() * Math.pow(2, n - 1));
        return Duration.ofNanos((long) (random.getAsDouble() * ceiling));
    }

    /** Whether a failure may pass if the request is sent again: the one place that decides. */
    public static boolean retryable(FetchException e) {
        return switch (e.kind()) {
            case CONNECT, TIMEOUT, RESET -> true;
            case HTTP -> e instanceof HttpStatusException h && switch (h.status()) {
                case 408, 429, 502, 503, 504 -> true;
                default -> false;
            };
            // An unknown host stays unknown for the length of a run; the rest are the server's
            // or the URL's answer, and sending again would get the same one.
            default -> false;
        };
    }

    /** The wait a Retry-After header asks for (delta-seconds or an HTTP-date), if it has a valid one. */
    Optional<Duration> retryAfter(HttpStatusException e) {
        return e.header("retry-after").map(String::strip).flatMap(value -> {
            if (value.matches("\\d{1,12}")) return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            try {
                var when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), when.toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notADate) {
                return Optional.empty(); // an unreadable header is ignored: the usual backoff applies
            }
        });
    }

    private HttpStatusException tooLong(HttpStatusException e, Duration retryAfter) {
        return new HttpStatusException(e.url(), e.status(), e.headers(), String.format(Locale.ROOT,
                "HTTP %d with Retry-After %d s, longer than the %d s cap (retryAfterCap, --retry-after-cap)",
                e.status(), retryAfter.toSeconds(), retryAfterCap.toSeconds()));
    }
}
