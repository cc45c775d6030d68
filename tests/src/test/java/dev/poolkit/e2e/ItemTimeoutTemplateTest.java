package dev.poolkit.e2e;

import dev.poolkit.demo.DemoSite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --item-timeout} in the templates that run items in this JVM. */
@Isolated("each page must be fetched within a 1 s --item-timeout")
class ItemTimeoutTemplateTest {
    static DemoSite site;

    @BeforeAll
    static void startSite() throws Exception {
        site = DemoSite.start(3, 0);
    }

    @AfterAll
    static void stopSite() {
        site.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "async"})
    void aStalledItemFailsAtItsDeadlineAndTheRunGoesOn(String template, @TempDir Path dir) throws Exception {
        // /fault/stall sends its headers, then nothing: only --item-timeout can end it, as
        // --timeout 30 is far off. It goes first, on the one slot there is: the pages can only
        // run if the slot is given back, and they find the fetcher warmed up (a first fetch in a
        // cold JVM, one that trains the launch cache, can itself take a second).
        String stall = site.url() + "/fault/stall";
        Files.writeString(dir.resolve("list.txt"), String.join("\n",
                stall, site.url() + "/page/1", site.url() + "/page/2", site.url() + "/page/3") + "\n");

        Command run = Command.jbang(dir, null, Command.ROOT.resolve("templates/" + template + ".java").toString(),
                "-i", "list.txt", "-o", "out.jsonl", "--item-timeout", "1", "--timeout", "30", "-c", "1");

        assertEquals(1, run.exitCode(), run::toString);
        Map<String, Map<String, Object>> byItem = TemplatesTest.recordsByItem(dir.resolve("out.jsonl"), 4);
        Map<String, Object> stalled = byItem.get(stall);
        assertEquals(false, stalled.get("ok"), stalled::toString);
        assertEquals("item-timeout", stalled.get("errorKind"), stalled::toString);
        assertEquals("item timed out after 1000 ms (--item-timeout)", stalled.get("error"));
        long millis = ((Number) stalled.get("millis")).longValue();
        assertTrue(millis >= 1000 && millis < 5000, stalled::toString);
        for (int page = 1; page <= 3; page++) {
            TemplatesTest.assertOk(byItem.get(site.url() + "/page/" + page), "Demo page " + page);
        }
        var done = Pattern.compile(template + ": done: 4 items, 3 ok, 1 failed in ([0-9.]+) s").matcher(run.stderr());
        assertTrue(done.find(), run::toString);
        assertTrue(Double.parseDouble(done.group(1)) < 10, "the run waited for the stalled fetch: " + done.group());
    }
}
