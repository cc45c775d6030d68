package dev.poolkit.http.internal;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedirectsTest {
    private static final URI HTTPS = URI.create("https://example.com/a/b?q=1");

    @Test
    void httpsNeverDowngradesToHttp() {
        assertEquals("refused redirect from https to http: http://example.com/",
                Redirects.refusal(HTTPS, URI.create("http://example.com/")));
        assertNull(Redirects.refusal(URI.create("http://example.com/"), URI.create("https://example.com/")), "upgrades are fine");
        assertNull(Redirects.refusal(HTTPS, URI.create("https://other.example/")));
    }

    @Test
    void otherSchemesAreRefused() {
        for (String to : new String[]{"file:///etc/passwd", "jar:file:/a.jar!/x", "ftp://example.com/", "javascript:alert(1)"}) {
            String refusal = Redirects.refusal(HTTPS, URI.create(to));
            assertTrue(refusal != null && refusal.startsWith("refused redirect to " + to), to + ": " + refusal);
        }
    }

    @Test
    void locationsResolveAgainstTheHopAndLoseTheirFragment() throws Exception {
        assertEquals(URI.create("https://example.com/a/c"), Redirects.target(HTTPS, "c"));
        assertEquals(URI.create("https://example.com/d"), Redirects.target(HTTPS, "/d#top"));
        assertEquals(URI.create("http://x.example/e"), Redirects.target(HTTPS, "http://x.example/e"));
        assertEquals(URI.create("https://example.com/f"), Redirects.target(URI.create("https://example.com"), "f"));
        assertEquals(URI.create("https://example.com/caf%C3%A9%20au%20lait"), Redirects.target(HTTPS, "/caf\u00e9 au lait"));
    }

    @Test
    void locationWithAnInternationalisedHostLeadsToItsAsciiForm() throws Exception {
        assertEquals(URI.create("http://xn--bcher-kva.example/caf%C3%A9"), Redirects.target(HTTPS, "http://b\u00fccher.example/caf\u00e9"));
        assertEquals(URI.create("https://u@xn--r8jz45g.example:8443/"), Redirects.target(HTTPS, "//u@\u4f8b\u3048.example:8443/"));
        assertNull(Redirects.refusal(HTTPS, Redirects.target(HTTPS, "https://b\u00fccher.example/")));
    }

    @Test
    void onlyRealRedirectStatusesAreFollowed() {
        for (int s : new int[]{301, 302, 303, 307, 308}) assertTrue(Redirects.isRedirect(s), "" + s);
        for (int s : new int[]{200, 300, 304, 305, 400}) assertFalse(Redirects.isRedirect(s), "" + s);
    }
}
