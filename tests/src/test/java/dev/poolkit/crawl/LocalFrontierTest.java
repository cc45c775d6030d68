package dev.poolkit.crawl;

import dev.poolkit.crawl.Frontier.Item;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-process frontier on a known link graph: no server, the handler is a map lookup. */
class LocalFrontierTest {
    static final String ROOT = "http://h/";

    /** Who links to whom, with duplicates in every spelling canonicalisation merges. */
    static final Map<String, List<String>> GRAPH = Map.of(
            "http://h/", List.of("http://h/a", "http://h/b", "http://other/x"),
            "http://h/a", List.of("http://h/a/1", "http://h/b", "http://h/#frag", "HTTP://H:80/a", "http://h/a/./1"),
            "http://h/b", List.of("http://h/b/1", "http://h/a/1"),
            "http://h/a/1", List.of("http://h/deep"),
            "http://h/deep", List.of("http://h/x/../deeper"),
            "http://other/x", List.of("http://other/y"));

    /** Every item reachable from the root: depth and parent, breadth first. */
    static final Map<String, String> ALL = expected(
            "http://h/ 0 null",
            "http://h/a 1 http://h/", "http://h/b 1 http://h/", "http://other/x 1 http://h/",
            "http://h/a/1 2 http://h/a", "http://h/b/1 2 http://h/b", "http://other/y 2 http://other/x",
            "http://h/deep 3 http://h/a/1",
            "http://h/deeper 4 http://h/deep");

    private static Map<String, String> expected(String... lines) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : lines) {
            String[] p = l.split(" ");
            m.put(p[0], p[1] + " " + p[2]);
        }
        return m;
    }

    private static String describe(Item i) {
        return i.depth() + " " + i.parent();
    }

    /** The graph crawled to the end by {@code threads} threads; the items in the order they were done. */
    static List<Item> crawl(Frontier frontier, int threads) throws InterruptedException {
        List<Item> done = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().name("crawl-", t).start(() -> {
                try {
                    for (Item item; (item = frontier.next()) != null; ) {
                        frontier.add(item, GRAPH.getOrDefault(item.value(), List.of()));
                        // The record: opaque to the frontier, so the item alone will do.
                        frontier.done(item, item.value());
                        done.add(item);
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            }));
        }
        for (Thread w : workers) w.join();
        if (failed.get() != null) throw new AssertionError(failed.get());
        return done;
    }

    private static Map<String, String> byItem(List<Item> items) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Item i : items) assertNull(m.put(i.value(), describe(i)), "twice: " + i.value());
        return m;
    }

    private static LocalFrontier frontier(Scope scope) throws IOException {
        return LocalFrontier.builder().seeds(List.of(ROOT)).scope(scope).open();
    }

    @Test
    void knownGraphGivesExactlyTheReachableSetOnceEachWithDepthAndParent() throws Exception {
        try (var f = frontier(Scope.all())) {
            List<Item> done = crawl(f, 1);
            assertEquals(ALL, byItem(done));
            assertEquals(List.copyOf(ALL.keySet()), done.stream().map(Item::value).toList(), "breadth first");
            assertEquals(9, f.accepted());
            assertEquals(LocalFrontier.State.OVER, f.state());
        }
    }

    @Test
    void manyThreadsCrawlTheSameSetOnceEach() throws Exception {
        for (int round = 0; round < 20; round++) {
            try (var f = frontier(Scope.all())) {
                Map<String, String> got = byItem(crawl(f, 4));
                assertEquals(ALL.keySet(), got.keySet());
                // Depth 2 can be reached through /a or /b; depth is always the shortest.
                got.forEach((item, d) -> assertEquals(ALL.get(item).split(" ")[0], d.split(" ")[0], item));
            }
        }
    }

    private static Set<String> crawled(Scope scope) throws Exception {
        try (var f = frontier(scope)) {
            return byItem(crawl(f, 1)).keySet();
        }
    }

    private static Set<String> all(String... items) {
        return Set.of(items);
    }

    @Test
    void depthLimitCutsExactlyTheDeeperItems() throws Exception {
        assertEquals(all(ROOT), crawled(Scope.builder().maxDepth(0).build()));
        assertEquals(ALL.entrySet().stream().filter(e -> e.getValue().charAt(0) <= '2').map(Map.Entry::getKey)
                .collect(Collectors.toSet()), crawled(Scope.builder().maxDepth(2).build()));
    }

    @Test
    void sameHostCutsExactlyTheOtherHost() throws Exception {
        Set<String> expected = new HashSet<>(ALL.keySet());
        expected.removeAll(Set.of("http://other/x", "http://other/y"));
        assertEquals(expected, crawled(Scope.builder().sameHost(true).build()));
    }

    @Test
    void allowKeepsOnlyWhatMatchesButTheGivenItem() throws Exception {
        assertEquals(all(ROOT, "http://h/a", "http://h/a/1"), crawled(Scope.builder().allow("^http://h/a").build()));
    }

    @Test
    void denyCutsWhatMatchesAndWinsOverAllow() throws Exception {
        assertEquals(all(ROOT, "http://h/a", "http://other/x", "http://h/a/1", "http://other/y", "http://h/deep", "http://h/deeper"),
                crawled(Scope.builder().deny("/b").build()));
        assertEquals(all(ROOT, "http://h/a"), crawled(Scope.builder().allow("^http://h/a").deny("/1$").build()));
    }

    @Test
    void maxItemsCountsGivenAndFoundItemsInBreadthFirstOrder() throws Exception {
        assertEquals(all(ROOT, "http://h/a", "http://h/b", "http://other/x"), crawled(Scope.builder().maxItems(4).build()));
        assertEquals(all(), crawled(Scope.builder().maxItems(0).build()));
    }

    @Test
    void givenItemsAreDedupedAndAnyStringCanBeAnItem() throws Exception {
        try (var f = LocalFrontier.builder().seeds(List.of("HTTP://Z/p#1", "  ", "http://z/p", "job 7", "job 7")).open()) {
            assertEquals(List.of("HTTP://Z/p#1", "job 7"), crawl(f, 1).stream().map(Item::value).toList(),
                    "a given item keeps its spelling: its record must name it as it was given");
        }
    }

    @Test
    void nextWaitsWhileAnItemIsInFlightThenHandsOutWhatItAdded() throws Exception {
        try (var f = frontier(Scope.all())) {
            Item root = f.next();
            AtomicReference<Item> second = new AtomicReference<>();
            Thread waiter = Thread.ofPlatform().name("waiter").start(() -> {
                try {
                    second.set(f.next());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (waiter.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() < deadline, "waiter never waited: " + waiter.getState());
                Thread.onSpinWait();
            }
            assertEquals(1, f.add(root, List.of("http://h/a", "http://h/a#again")));
            waiter.join(10_000);
            assertEquals(new Item("http://h/a", 1, ROOT), second.get());
            f.done(root, "{}");
            f.done(second.get(), "{}");
            assertNull(f.next(), "nothing pending, nothing in flight");
        }
    }

    @Test
    void addingToOrFinishingAnItemNotInFlightFails() throws Exception {
        try (var f = frontier(Scope.all())) {
            Item root = f.next();
            f.done(root, "{}");
            var e = assertThrows(IllegalStateException.class, () -> f.done(root, "{}"));
            assertEquals("cannot finish an item that is not in flight: http://h/", e.getMessage());
            e = assertThrows(IllegalStateException.class, () -> f.add(root, List.of("http://h/a")));
            assertEquals("cannot add to an item that is not in flight: http://h/", e.getMessage());
        }
    }

    @Test
    void recordsReachTheSinkInOrderOfDone() throws Exception {
        List<String> out = new ArrayList<>();
        try (var f = LocalFrontier.builder().seeds(List.of(ROOT)).records(out::add).open()) {
            crawl(f, 1);
        }
        assertEquals(List.copyOf(ALL.keySet()), out);
    }

    @Test
    void frontierRebuiltFromAJournalCutMidLineHandsOutExactlyTheItemsNotDone(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("out.jsonl.frontier");
        List<String> output = new ArrayList<>();
        // First run: four items done, then the fifth adds what it found and the process dies
        // while the journal's last line is being written.
        var first = LocalFrontier.builder().seeds(List.of(ROOT)).journal(journal).records(output::add).open();
        for (int i = 0; i < 4; i++) {
            Item item = first.next();
            first.add(item, GRAPH.getOrDefault(item.value(), List.of()));
            first.done(item, item.value());
        }
        Item dying = first.next();
        assertEquals("http://h/a/1", dying.value(), "breadth first: the fifth item is the first at depth 2");
        first.add(dying, GRAPH.get(dying.value()));
        List<String> linesBefore = Files.readAllLines(journal);
        String last = linesBefore.get(linesBefore.size() - 1);
        assertTrue(last.contains("\"item\":\"http://h/deep\""), last);
        try (var raf = new RandomAccessFile(journal.toFile(), "rw")) {
            raf.setLength(raf.length() - last.length() / 2 - 1);
        }
        assertEquals(4, output.size());

        // Second run: the output's items are done; everything else reachable comes out once.
        List<Item> second;
        try (var resumed = LocalFrontier.builder().seeds(List.of(ROOT)).journal(journal).done(output).records(output::add).open()) {
            second = crawl(resumed, 1);
            assertEquals(9, resumed.accepted());
        }
        Set<String> doneFirst = Set.copyOf(output.subList(0, 4));
        Set<String> expectedSecond = new HashSet<>(ALL.keySet());
        expectedSecond.removeAll(doneFirst);
        assertEquals(expectedSecond, byItem(second).keySet());
        assertEquals(ALL.keySet(), Set.copyOf(output));
        assertEquals(ALL.size(), output.size(), "no item has two records");
        String journalText = Files.readString(journal, StandardCharsets.UTF_8);
        assertTrue(journalText.endsWith("\n"), "the cut line is gone, the rest whole");
        assertEquals(1, journalText.split("\"item\":\"http://h/deep\"").length - 1,
                "/deep is in the journal once: added again when /a/1 was handled again");
    }

    @Test
    void aJournalWithoutACutLineResumesToo(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("j");
        List<String> output = new ArrayList<>();
        try (var f = LocalFrontier.builder().seeds(List.of(ROOT)).journal(journal).records(output::add).open()) {
            for (int i = 0; i < 6; i++) {
                Item item = f.next();
                f.add(item, GRAPH.getOrDefault(item.value(), List.of()));
                f.done(item, item.value());
            }
        }
        try (var f = LocalFrontier.builder().seeds(List.of(ROOT)).journal(journal).done(List.copyOf(output)).records(output::add).open()) {
            crawl(f, 2);
        }
        assertEquals(ALL.keySet(), Set.copyOf(output));
        assertEquals(ALL.size(), output.size());
    }
}
