package dev.poolkit.crawl.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * XXH64 (seed 0), the 64-bit xxHash, over a string's UTF-8 bytes: the fingerprint dedupe keeps
 * instead of the URL.
 *
 * <p>Why this hash: 64 bits make a false "seen" among 10 million URLs about 1 in 370,000
 * (n²/2⁶⁵), its output passes SMHasher, and it is standard, so another backend (a Redis script,
 * a Python peer) can compute the same fingerprint. SHA-256 truncated would be as good and ~10x
 * slower per short URL; rebuilding dedupe from a 10M-line journal on resume is where that shows.
 */
public final class Hash64 {
    private Hash64() {}

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** XXH64 of the string's UTF-8 bytes. */
    public static long of(String s) {
        return of(s.getBytes(StandardCharsets.UTF_8));
    }

    /** XXH64 (seed 0) of the bytes. */
    public static long of(byte[] b) {
        int len = b.length, i = 0;
        long h;
        if (len >= 32) {
            long v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1;
            for (int limit = len - 32; i <= limit; i += 32) {
                v1 = round(v1, (long) LONG.get(b, i));
                v2 = round(v2, (long) LONG.get(b, i + 8));
                v3 = round(v3, (long) LONG.get(b, i + 16));
                v4 = round(v4, (long) LONG.get(b, i + 24));
            }
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = merge(h, v1);
            h = merge(h, v2);
            h = merge(h, v3);
            h = merge(h, v4);
        } else {
            h = P5;
        }
        h += len;
        for (; i + 8 <= len; i += 8) {
            h ^= round(0, (long) LONG.get(b, i));
            h = Long.rotateLeft(h, 27) * P1 + P4;
        }
        if (i + 4 <= len) {
            h ^= ((int) INT.get(b, i) & 0xFFFFFFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            i += 4;
        }
        for (; i < len; i++) {
            h ^= (b[i] & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    private static long round(long acc, long lane) {
        acc += lane * P2;
        return Long.rotateLeft(acc, 31) * P1;
    }

    private static long merge(long acc, long v) {
        acc ^= round(0, v);
        return acc * P1 + P4;
    }
}
