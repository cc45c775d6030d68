package dev.poolkit.http;

import dev.poolkit.fixtures.TestResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The host and port of a URL, as the fetcher reports them: unknown, internationalised, out of
 * range. No request leaves the machine: names under {@code .invalid} are answered by
 * {@link TestResolver}, never by DNS.
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

    @ParameterizedTest
    @CsvSource({
            "http://bücher.invalid/,            bücher.invalid (xn--bcher-kva.invalid), xn--bcher-kva.invalid",
            "http://user@例え.invalid:8080/a?b=1, 例え.invalid (xn--r8jz45g.invalid),     xn--r8jz45g.invalid",
    })
    void internationalisedHostIsLookedUpInItsAsciiForm(String url, String named, String lookedUp) {
        var e = assertThrows(FetchException.class, () -> defaults.get(url));
        assertEquals("unknown host: " + named, e.getMessage());
        assertEquals(FetchException.Kind.UNKNOWN_HOST, e.kind());
        assertEquals(url, e.url(), "the URL stays as given");
        assertTrue(TestResolver.asked().contains(lookedUp), "asked for " + TestResolver.asked());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "99999", "99999999999"})
    void portOutOfRangeIsABadUrlThatSaysSo(String port) {
        String url = "http://127.0.0.1:" + port + "/";
        var e = assertThrows(FetchException.class, () -> defaults.get(url));
        assertEquals("bad URL: " + url + " (port " + port + " is out of range 1-65535)", e.getMessage());
        assertEquals(FetchException.Kind.BAD_URL, e.kind());
        assertEquals(1, e.attempts());
        assertNull(e.getCause(), "refused before any request");
    }
}
