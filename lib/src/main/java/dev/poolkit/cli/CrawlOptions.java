package dev.poolkit.cli;

import dev.poolkit.cli.internal.PriorOutput;
import dev.poolkit.crawl.LocalFrontier;
import dev.poolkit.crawl.Scope;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Following links on the command line, as a picocli mixin (mixed into {@link Job}):
 * {@code --depth}, {@code --same-host}/{@code --no-same-host}, {@code --allow}, {@code --deny},
 * {@code --max-items}. With {@code --depth 0} (the default) a run follows nothing and is a plain
 * list, as it always was; the other options then are a usage error, since they would do nothing.
 */
public final class CrawlOptions {
    @Option(names = "--depth", paramLabel = "N", defaultValue = "0",
            description = "Follow the links the handler offers (the default handler: the page's links), up to N hops from "
                    + "the items given; each page once, its record with depth and parent (default: ${DEFAULT-VALUE}, follow nothing).")
    int depth;

    @Option(names = "--same-host", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Follow only links to the host of the page they are on (default: on when following; "
                    + "--no-same-host follows links to any host).")
    boolean sameHost = true;

    @Option(names = "--allow", paramLabel = "REGEX",
            description = "Follow only links in which REGEX is found (repeatable: any one of them). The items given are always taken.")
    List<String> allow = new ArrayList<>();

    @Option(names = "--deny", paramLabel = "REGEX",
            description = "Never follow links in which REGEX is found (repeatable; wins over --allow).")
    List<String> deny = new ArrayList<>();

    @Option(names = "--max-items", paramLabel = "N", defaultValue = "0",
            description = "Take at most N items in all, given and found, then follow no more (default: ${DEFAULT-VALUE}, no limit).")
    long maxItems;

    /** True when the run follows links: {@code --depth} of 1 or more. */
    public boolean following() {
        return depth > 0;
    }

    /**
     * The scope these options give; a bad value, or a crawl option without {@code --depth}, is a
     * {@link Job.UsageError} naming the option.
     */
    public Scope scope() {
        if (depth < 0) throw new Job.UsageError("--depth must be >= 0 (0 follows nothing), got " + depth);
        if (maxItems < 0) throw new Job.UsageError("--max-items must be >= 0 (0 for no limit), got " + maxItems);
        if (depth == 0) {
            String needsDepth = !allow.isEmpty() ? "--allow" : !deny.isEmpty() ? "--deny" : maxItems > 0 ? "--max-items"
                    : !sameHost ? "--no-same-host" : null;
            if (needsDepth != null) {
                throw new Job.UsageError(needsDepth + " applies to following links: add --depth N (N >= 1), or leave it out");
            }
        }
        Scope.Builder b = Scope.builder().maxDepth(depth).sameHost(sameHost).maxItems(maxItems == 0 ? -1 : maxItems);
        for (String r : allow) b.allow(regex("--allow", r));
        for (String r : deny) b.deny(regex("--deny", r));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new Job.UsageError(e.getMessage());
        }
    }

    private static String regex(String option, String r) {
        try {
            java.util.regex.Pattern.compile(r);
            return r;
        } catch (PatternSyntaxException e) {
            throw new Job.UsageError(option + " " + r + ": not a regular expression: " + e.getDescription()
                    + " at index " + e.getIndex() + " (quote it for the shell; escape . ? + ( with \\ to match them as they are)");
        }
    }

    /**
     * These options in words, the terms every worker of a shared job must agree on (their scope,
     * and whether they follow at all): {@code "--depth 3"}, {@code "--depth 2 --no-same-host
     * --allow /docs/ --max-items 500"}, {@code "no --depth"}.
     */
    String terms() {
        if (!following()) return "no --depth";
        var t = new StringBuilder("--depth " + depth);
        if (!sameHost) t.append(" --no-same-host");
        for (String r : allow) t.append(" --allow ").append(r);
        for (String r : deny) t.append(" --deny ").append(r);
        if (maxItems > 0) t.append(" --max-items ").append(maxItems);
        return t.toString();
    }

    /** The journal of a crawl whose records go to {@code output}: {@code OUTPUT.frontier} beside it. */
    static Path journalOf(Path output) {
        return output.resolveSibling(output.getFileName() + ".frontier");
    }

    /**
     * The crawl's frontier over {@code seeds}. With {@code output}, its journal is
     * {@link #journalOf OUTPUT.frontier}: resumed from when {@code prior} exists (the output of an
     * earlier run, read for {@code --resume}), whose records' items are done; else started afresh,
     * an old one deleted. Without {@code output}, a temporary journal, deleted when it is closed.
     */
    LocalFrontier open(Iterator<String> seeds, Path output, PriorOutput prior) throws IOException {
        LocalFrontier.Builder b = LocalFrontier.builder().seeds(seeds).scope(scope());
        if (output != null) {
            Path journal = journalOf(output);
            if (prior.exists()) b.done(prior.done());
            else Files.deleteIfExists(journal);
            b.journal(journal);
        }
        return b.open();
    }
}
