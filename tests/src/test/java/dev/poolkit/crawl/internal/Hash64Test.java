package dev.poolkit.crawl.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class Hash64Test {

    @Test
    void matchesTheReferenceXxh64() {
        // From the reference implementation and python-xxhash's README (seed 0).
        assertEquals(0xEF46DB3751D8E999L, Hash64.of(""));
        assertEquals(0xD24EC4F1A98C6E5BL, Hash64.of("a"));
        assertEquals(0x44BC2CF5AD770999L, Hash64.of("abc"));
        assertEquals(0xFBCEA83C8A378BF1L, Hash64.of("Nobody inspects the spammish repetition"), "32 bytes or more: the four lanes");
    }

    @Test
    void hashesTheUtf8Bytes() {
        assertEquals(Hash64.of("caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8)), Hash64.of("caf\u00e9"));
        assertNotEquals(Hash64.of("http://h/a"), Hash64.of("http://h/b"));
    }
}
