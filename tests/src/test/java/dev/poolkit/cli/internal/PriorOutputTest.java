package dev.poolkit.cli.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriorOutputTest {

    static String record(String item, boolean ok) {
        return "{\"item\":\"" + item + "\",\"ok\":" + ok + ",\"status\":" + (ok ? 200 : 503) + ",\"millis\":3}\n";
    }

    static Set<String> done(PriorOutput prior) {
        var done = new java.util.HashSet<String>();
        prior.done().forEach(done::add);
        return done;
    }

    static Path file(Path dir, String text) throws Exception {
        Path out = dir.resolve("out.jsonl");
        Files.writeString(out, text);
        return out;
    }

    @Test
    void textFileIsNotRecordsAndTheMessageNamesItsFirstLine(@TempDir Path dir) throws Exception {
        Path out = file(dir, "http://a/\nhttp://b/\n");

        String why = PriorOutput.read(out).notRecords();

        assertEquals(out + " is not poolkit's output: line 1 is not a record (a JSON object with an \"item\" string and an \"ok\" "
                + "boolean), nor are 1 more: http://a/ (check -o; --force resumes it anyway, keeping such lines)", why);
    }

    @Test
    void jsonLinesOfSomethingElseAreNotRecords(@TempDir Path dir) throws Exception {
        Path out = file(dir, record("a", true) + "{\"item\":\"b\",\"ok\":\"yes\"}\n{\"name\":\"c\",\"ok\":true}\n[1,2]\n");

        String why = PriorOutput.read(out).notRecords();

        assertNotNull(why);
        assertTrue(why.contains("line 2 is not a record"), why);
        assertTrue(why.contains("nor are 2 more"), why);
    }

    @Test
    void binaryFileIsNotRecords(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[1 << 20];
        new java.util.Random(42).nextBytes(bytes);
        Path out = dir.resolve("photo.jpg");
        Files.write(out, bytes);

        String why = PriorOutput.read(out).notRecords();

        assertTrue(why.startsWith(out + " is not poolkit's output: line 1 is not a record"), why);
        assertEquals(1, why.lines().count(), "control bytes are not shown as they are: " + why);
    }

    @Test
    void aJsonDocumentOverManyLinesIsNotRecords(@TempDir Path dir) throws Exception {
        Path out = file(dir, "{\n  \"item\": \"a\",\n  \"ok\": true\n}\n");

        assertTrue(PriorOutput.read(out).notRecords().contains("line 1 is not a record"));
    }

    @Test
    void recordsAndBlankLinesPassAndAHalfWrittenLastRecordDoesNotCount(@TempDir Path dir) throws Exception {
        Path out = file(dir, record("a", true) + "\n" + record("b", false) + "{\"item\":\"c\",\"ok\":tr");

        PriorOutput prior = PriorOutput.read(out);

        assertNull(prior.notRecords());
        assertEquals(2, prior.records());
        assertEquals(Set.of("a", "b"), done(prior));
    }

    @Test
    void appendingCutsAHalfWrittenRecordAndEndsALineOfOtherText(@TempDir Path dir) throws Exception {
        Path cut = file(dir, record("a", true) + "{\"item\":\"c\",\"ok\":tr");
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, record("a", true) + "a note without its newline");

        PriorOutput.read(cut).prepareToAppend();
        PriorOutput forced = PriorOutput.read(text);
        forced.prepareToAppend();

        assertEquals(record("a", true), Files.readString(cut));
        assertTrue(forced.notRecords().contains("line 2 is not a record"), forced.notRecords());
        assertEquals(record("a", true) + "a note without its newline\n", Files.readString(text));
    }

    @Test
    void theLastRecordOfAnItemSaysWhetherItFailed(@TempDir Path dir) throws Exception {
        Path out = file(dir, record("a", false) + record("b", true) + record("a", true) + record("b", false) + record("c", false));

        PriorOutput prior = PriorOutput.read(out);

        assertEquals(2, prior.failedItems(), "b and c");
        assertEquals(Set.of("a", "b", "c"), done(prior));
    }

    @Test
    void changedInputFileIsFoundBySampleSpreadThroughTheOutput(@TempDir Path dir) throws Exception {
        int n = 10_000;
        var records = new StringBuilder();
        for (int i = 0; i < n; i++) records.append(record("item-" + i, true));
        Path out = file(dir, records.toString());
        PriorOutput prior = PriorOutput.read(out);
        Path all = dir.resolve("all.txt");
        Files.write(all, IntStream.range(0, n + 5).mapToObj(i -> "item-" + i).toList());
        Path withoutLast = dir.resolve("without-last.txt");
        Files.write(withoutLast, IntStream.range(0, n - 1).mapToObj(i -> "item-" + i).toList());
        Path withoutFirst = dir.resolve("without-first.txt");
        Files.write(withoutFirst, IntStream.range(1, n).mapToObj(i -> "item-" + i).toList());
        Path secondHalf = dir.resolve("second-half.txt");
        Files.write(secondHalf, IntStream.range(n / 2, n).mapToObj(i -> "item-" + i).toList());

        assertNull(prior.notInInput(new Inputs(List.of(), all.toString())));
        assertNotNull(prior.notInInput(new Inputs(List.of(), withoutLast.toString())), "the last record is in the sample");
        assertNotNull(prior.notInInput(new Inputs(List.of(), withoutFirst.toString())), "the first record is in the sample");
        String why = prior.notInInput(new Inputs(List.of(), secondHalf.toString()));
        assertNotNull(why);
        assertTrue(why.startsWith(out + " does not look like this run's output: of 100 items sampled from its records, "), why);
        int missing = Integer.parseInt(why.replaceAll(".*sampled from its records, (\\d+) are not.*", "$1"));
        assertTrue(missing >= 45 && missing <= 55, "spread evenly, about half are in the first half: " + why);
        assertTrue(why.endsWith("such as item-0 (check -i, the items and -o; --force resumes it anyway)"), why);
    }

    @Test
    void foundItemsOfACrawlAreNotLookedForInTheInput(@TempDir Path dir) throws Exception {
        Path out = file(dir, "{\"item\":\"http://h/\",\"ok\":true,\"depth\":0}\n"
                + "{\"item\":\"http://h/a\",\"ok\":true,\"depth\":1,\"parent\":\"http://h/\"}\n"
                + "{\"item\":\"http://h/b\",\"ok\":false,\"depth\":2}\n");

        PriorOutput prior = PriorOutput.read(out);

        assertNull(prior.notInInput(new Inputs(List.of("http://h/"), null)));
        assertNotNull(prior.notInInput(new Inputs(List.of("http://other/"), null)));
        assertEquals(Set.of("http://h/", "http://h/a", "http://h/b"), done(prior));
        assertEquals(1, prior.givenRecords());
    }

    @Test
    void retryFailedTakesOutAFoundItemsRecordOnlyWhenAskedTo(@TempDir Path dir) throws Exception {
        String seed = "{\"item\":\"http://h/\",\"ok\":false,\"depth\":0,\"parent\":null}\n";
        String found = "{\"item\":\"http://h/a\",\"ok\":false,\"depth\":1,\"parent\":\"http://h/x\"}\n";
        Path out = file(dir, seed + found);
        Path crawl = dir.resolve("crawl.jsonl");
        Files.writeString(crawl, seed + found);

        PriorOutput listRun = PriorOutput.read(out);
        PriorOutput crawlWithJournal = PriorOutput.read(crawl);

        assertEquals(2, listRun.failedItems());
        assertEquals(1, listRun.retryFailed(false));
        assertEquals(found, Files.readString(out), "no journal would hand the found item out again: its record stays");
        assertEquals(2, crawlWithJournal.retryFailed(true));
        assertEquals("", Files.readString(crawl));
    }

    @Test
    void fromStdinTheFirstRecordsAreLookedForAmongTheFirstItemsAndThoseStillRun(@TempDir Path dir) throws Exception {
        var records = new StringBuilder();
        for (int i = 0; i < 150; i++) records.append(record("item-" + i, true));
        PriorOutput prior = PriorOutput.read(file(dir, records.toString()));
        String stdinText = IntStream.range(0, 1000).mapToObj(i -> "item-" + i + "\n").collect(Collectors.joining());
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdinText.getBytes(StandardCharsets.UTF_8)));
            var inputs = new Inputs(List.of(), "-");

            assertNull(prior.notInInput(inputs));
            inputs.skipRecordedIn(prior);
            var items = new ArrayList<String>();
            inputs.iterator(bad -> {}).forEachRemaining(items::add);

            assertEquals(IntStream.range(150, 1000).mapToObj(i -> "item-" + i).toList(), items);
            assertEquals(150, inputs.skipped());

            System.setIn(new ByteArrayInputStream("other\n".getBytes(StandardCharsets.UTF_8)));
            String why = prior.notInInput(new Inputs(List.of(), "-"));
            assertTrue(why.contains("of the items of its first 100 records, 100 are not among the first 100000 items on stdin"), why);
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void demoPortIsTheMostCommonLocalPortOfTheGivenRecords(@TempDir Path dir) throws Exception {
        Path out = file(dir, record("http://127.0.0.1:8080/x", true) + record("http://127.0.0.1:23456/page/1", true)
                + record("http://127.0.0.1:23456/page/2", false) + record("http://example.com:23457/", true));

        assertEquals(23456, PriorOutput.read(out).demoPort());
        assertEquals(-1, PriorOutput.read(file(dir, record("a", true))).demoPort());
    }

    /** Three items failed last: two once, one after an ok record of a duplicate; a cut record at the end. */
    static final String WITH_FAILURES = record("a", true) + record("b", false) + "a line a --force run kept\n"
            + record("c", true) + record("d", false) + record("e", false) + record("e", true)
            + record("f", true) + record("f", false) + "{\"item\":\"g\",\"o";

    @Test
    void retryFailedDropsTheFailedRecordsOfItemsThatFailedLastAndKeepsEveryOtherLine(@TempDir Path dir) throws Exception {
        Path out = file(dir, WITH_FAILURES);
        PriorOutput prior = PriorOutput.read(out);

        long retried = prior.retryFailed(false);

        assertEquals(3, retried);
        assertEquals(record("a", true) + "a line a --force run kept\n" + record("c", true) + record("e", false)
                + record("e", true) + record("f", true), Files.readString(out));
        assertFalse(Files.exists(dir.resolve("out.jsonl.rewrite")));
        assertEquals(0, prior.failedItems());
        assertEquals(Set.of("a", "c", "e", "f"), done(prior), "b and d have no record left");
        assertEquals(5, prior.givenRecords());
        var inputs = new Inputs(List.of("a", "b", "c", "d", "e", "f", "f", "g"), null);
        inputs.skipRecordedIn(prior);
        var items = new ArrayList<String>();
        inputs.iterator(bad -> {}).forEachRemaining(items::add);
        assertEquals(List.of("b", "d", "f", "g"), items, "each item given once has one record after the retries, f given twice two");
    }

    @ParameterizedTest
    @EnumSource(PriorOutput.RewriteStep.class)
    void retryFailedKilledAtAnyStepLosesNothing(PriorOutput.RewriteStep killedAt, @TempDir Path dir) throws Exception {
        // Enough lines that the copy is cut in the middle.
        var text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) text.append(record("item-" + i, i % 7 != 0));
        Path out = file(dir, text.toString());
        byte[] before = Files.readAllBytes(out);
        class Killed extends Error {}

        // An Error runs no cleanup of ours, as a kill would not.
        assertThrows(Killed.class, () -> PriorOutput.read(out).retryFailed(false, step -> {
            if (step == killedAt) throw new Killed();
        }));

        if (killedAt == PriorOutput.RewriteStep.MOVED) {
            assertTrue(Files.readString(out).lines().noneMatch(l -> l.contains("\"ok\":false")), "moved: the failed records are gone");
        } else {
            assertArrayEquals(before, Files.readAllBytes(out), "not moved yet: the output is as it was");
        }
        // The same command again, with --retry-failed (a plain --resume after the move does the same).
        PriorOutput again = PriorOutput.read(out);
        assertNull(again.notRecords());
        again.retryFailed(false);
        var inputs = new Inputs(List.of(), null);
        inputs.add(IntStream.range(0, 20_000).mapToObj(i -> "item-" + i).toList());
        inputs.skipRecordedIn(again);
        Map<String, Integer> runs = new HashMap<>();
        inputs.iterator(bad -> {}).forEachRemaining(item -> runs.merge(item, 1, Integer::sum));
        Set<String> failedBefore = IntStream.range(0, 20_000).filter(i -> i % 7 == 0).mapToObj(i -> "item-" + i).collect(Collectors.toSet());
        assertEquals(failedBefore, runs.keySet(), "exactly the failed items run again");
        assertTrue(runs.values().stream().allMatch(n -> n == 1));
        assertEquals(20_000 - failedBefore.size(), Files.readString(out).lines().count(), "and nothing else is left");
    }

    @Test
    void demoPortsAreFixedPerOutputFileInTheirRange() {
        int[] a = DemoPorts.forOutput(Path.of("/tmp/x/out.jsonl"));
        int[] same = DemoPorts.forOutput(Path.of("/tmp/x/../x/out.jsonl"));
        int[] other = DemoPorts.forOutput(Path.of("/tmp/x/other.jsonl"));

        assertArrayEquals(a, same);
        assertFalse(a[0] == other[0]);
        assertEquals(DemoPorts.TRIES, a.length);
        for (int p : a) assertTrue(p >= DemoPorts.FIRST && p <= DemoPorts.LAST, "port " + p);
        assertEquals(0, DemoPorts.forOutput(null).length);
    }
}
