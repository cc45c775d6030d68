package dev.poolkit.http.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Host names in ASCII and ports in range, before any request. */
class HostsTest {
    @Test
    void anAsciiHostIsLeftAsItIs() {
        URI uri = URI.create("http://user@example.com:8080/a%20b?q=1#top");
        assertSame(uri, Hosts.ascii(uri));
    }

    @Test
    void anInternationalisedHostIsConvertedAndTheRestKept() {
        URI uri = URI.create("https://user:pw@B\u00fccher.example:8443/caf%C3%A9/?q=a%20b#top");
        assertEquals("https://user:pw@xn--bcher-kva.example:8443/caf%C3%A9/?q=a%20b#top", Hosts.ascii(uri).toString());
        assertEquals("xn--r8jz45g.xn--zckzah", Hosts.ascii(URI.create("http://\u4f8b\u3048.\u30c6\u30b9\u30c8/")).getHost());
        assertEquals("xn--r8jz45g.example", Hosts.ascii(URI.create("http://\u4f8b\u3048\u3002example/")).getHost(),
                "an ideographic full stop separates labels");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http:///path                 | no host",
            "http://my_host.example/      | no host",
            "http://127.0.0.1:0/          | port 0 is out of range 1-65535",
            "http://[::1]:70000/          | port 70000 is out of range 1-65535",
            "http://127.0.0.1:12345678901/ | port 12345678901 is out of range 1-65535",
            "http://b\u00fccher.example:8o/  | port 8o is not a number",
    })
    void whatIsWrongIsSaid(String url, String reason) {
        var e = assertThrows(IllegalArgumentException.class, () -> Hosts.ascii(URI.create(url)));
        assertEquals(reason, e.getMessage());
    }

    @Test
    void aHostInAMessageIsShownAsWrittenToo() {
        assertEquals("example.com", Hosts.display("example.com"));
        assertEquals("b\u00fccher.example (xn--bcher-kva.example)", Hosts.display("xn--bcher-kva.example"));
    }
}
