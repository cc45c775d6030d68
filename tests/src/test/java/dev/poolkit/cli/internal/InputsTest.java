package dev.poolkit.cli.internal;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class InputsTest {

    @Test
    void itemsFromStdinComeAsTheyArriveNotAfterTheInputEnds() throws Exception {
        InputStream stdin = System.in;
        try (var writer = new PipedOutputStream(); var pipe = new PipedInputStream(writer, 1 << 16)) {
            // The pipe stays open: an iterator that reads the whole input first never returns.
            writer.write("arg-free\n\n# skipped\nsecond\n".getBytes(StandardCharsets.UTF_8));
            writer.flush();
            System.setIn(pipe);
            var inputs = new Inputs(List.of("first"), "-");

            List<String> seen = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                var it = inputs.iterator();
                var out = new ArrayList<String>();
                for (int i = 0; i < 3; i++) out.add(it.next());
                return out;
            });

            assertEquals(List.of("first", "arg-free", "second"), seen);
        } finally {
            System.setIn(stdin);
        }
    }
}
