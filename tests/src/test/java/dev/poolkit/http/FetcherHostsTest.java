package dev.poolkit.http;

import dev.poolkit.fixtures.TestResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The host of a URL, as the fetcher reports it. No request leaves the machine: names under
 * {@code .invalid} are answered by {@link TestResolver}, never by DNS.
 */
@Timeout(10)
class FetcherHostsTest {
    private static Fetcher defaults;

    @BeforeAll
    static void makeFetcher() {
        defaults = Fetcher.builder().build(); // 2 retries, as a user gets it
    }

    @AfterAll
    static void closeFetcher() {
        defaults.close();
    }

    @Test
    void unknownHostFailsAsUnknownHostAfterOneAttempt() {
        var e = assertThrows(FetchException.class, () -> defaults.get("http://nothing-here.invalid/"));
        assertEquals("unknown host: nothing-here.invalid", e.getMessage());
        assertEquals(FetchException.Kind.UNKNOWN_HOST, e.kind());
        assertEquals("unknown-host", e.errorKind());
        assertEquals(1, e.attempts(), "an unknown host stays unknown: not retried");
        assertTrue(TestResolver.asked().contains("nothing-here.invalid"), "looked up by the tests' resolver: " + TestResolver.asked());
    }
}
