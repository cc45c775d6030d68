package dev.poolkit.cli.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The ports {@code --demo} tries, so that a run writing to a file can be resumed: the demo
 * site's pages are the job's items, and their URLs carry the port, so a site on another port
 * would make every item new. With {@code -o FILE} the port is derived from the file's absolute
 * path, in {@value #FIRST}..{@value #LAST} (below Linux's ephemeral ports, where the system
 * picks client ports, so a resume rarely finds it taken), then the next few if it is taken; a
 * resumed run uses the port the output's records were made on ({@link PriorOutput#demoPort()}).
 */
public final class DemoPorts {
    static final int FIRST = 20_000;
    static final int LAST = 29_999;
    /** Ports tried after the derived one when it is taken. */
    static final int TRIES = 8;

    private DemoPorts() {}

    /** The ports to try for a run writing to {@code output}, in order; none without an output. */
    public static int[] forOutput(Path output) {
        if (output == null) return new int[0];
        var crc = new CRC32();
        crc.update(output.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
        int span = LAST - FIRST + 1;
        int base = (int) (crc.getValue() % span);
        int[] ports = new int[TRIES];
        for (int i = 0; i < TRIES; i++) ports[i] = FIRST + (base + i) % span;
        return ports;
    }
}
