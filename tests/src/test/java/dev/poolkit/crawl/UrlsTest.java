package dev.poolkit.crawl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class UrlsTest {

    @Test
    void aPathItsFragmentAndAnUpperCaseDefaultPortFormMerge() {
        String a = Urls.canonical("http://host/a");
        assertEquals("http://host/a", a);
        assertEquals(a, Urls.canonical("http://host/a#x"));
        assertEquals(a, Urls.canonical("HTTP://Host:80/a"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "HTTPS://Example.COM:443/Path/Case        | https://example.com/Path/Case",
            "https://example.com:80/                  | https://example.com:80/",
            "http://example.com:8080                  | http://example.com:8080/",
            "http://example.com:0080/x                | http://example.com/x",
            "http://example.com                       | http://example.com/",
            "http://example.com?q=1                   | http://example.com/?q=1",
            "http://example.com#top                   | http://example.com/",
            "http://h/a/./b/../c                      | http://h/a/c",
            "http://h/a/b/..                          | http://h/a/",
            "http://h/a/.                             | http://h/a/",
            "http://h/../../x                         | http://h/x",
            "http://h/a/.hidden/..x                   | http://h/a/.hidden/..x",
            "http://h/a?b=../c&D=E#f                  | http://h/a?b=../c&D=E",
            "http://h/a?                              | http://h/a?",
            "http://User:Pw@Host:80/                  | http://User:Pw@host/",
            "http://[2001:DB8::1]:80/a                | http://[2001:db8::1]/a",
            "http://[2001:db8::1]:8080/a              | http://[2001:db8::1]:8080/a",
            "http://h/with space/[pipe]              | http://h/with space/[pipe]",
            "'  http://h/trimmed  '                   | http://h/trimmed",
    })
    void canonicalForms(String url, String canonical) {
        assertEquals(canonical, Urls.canonical(url));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"not a url", "mailto:x@y.test", "ftp://Host/a/../b#c", "/relative/../path", "file:///tmp/x"})
    void anythingButAnAbsoluteHttpUrlComesBackAsItIs(String item) {
        assertEquals(item, Urls.canonical(item));
    }

    @Test
    void hostIsLowerCaseWithoutPortOrUserInfo() {
        assertEquals("host.test", Urls.host("HTTP://u:p@Host.Test:8080/x?y#z"));
        assertEquals("[::1]", Urls.host("http://[::1]:9/"));
        assertNull(Urls.host("not a url"));
    }
}
