package dev.poolkit.cli;

import dev.poolkit.internal.Version;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.lang.reflect.Member;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link Job#commandLine} adds to a template's usage help, version and unknown-option
 * message, so that the four templates get it without a line of their own: options under
 * headings (the template's own first), exit codes and examples at the end, a "did you mean".
 */
final class Usage {
    private Usage() {}

    /** The environment variable poolkit's {@code ./jbang} sets: jbang tells a script nothing of itself. */
    static final String JBANG_VERSION_ENV = "POOLKIT_JBANG_VERSION";

    private static final Set<String> INPUT_AND_OUTPUT = Set.of(
            "--input", "--output", "--format", "--ordered", "--resume", "--retry-failed", "--force", "--overwrite", "--demo", "--demo-pages",
            "--demo-delay", "--demo-port");

    /** Headings in the order they are shown; options of a heading in the order they are declared. */
    private enum Section {
        OWN("%nOptions:%n"),
        INPUT_AND_OUTPUT("%nInput and output:%n"),
        RUN_CONTROL("%nRun control:%n"),
        CRAWL("%nFollowing links (crawling):%n"),
        HTTP("%nHTTP:%n"),
        LIMITS("%nLimits and retries:%n"),
        POLITENESS("%nrobots.txt and sitemaps:%n"),
        QUEUE("%nShared job on Redis:%n");

        final String heading;

        Section(String heading) {
            this.heading = heading;
        }
    }

    static void configure(CommandLine cli) {
        var spec = cli.getCommandSpec();
        spec.versionProvider(() -> versionLines(System.getenv(JBANG_VERSION_ENV)));
        spec.usageMessage()
                .abbreviateSynopsis(true)
                .parameterListHeading("%n")
                .autoWidth(true)
                                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(exitCodes())
                .footerHeading("%nExamples:%n")
                .footer("  The URLs in urls.txt into results.jsonl, at most 4 requests a second a host:",
                        "    ${COMMAND-NAME} -i urls.txt -o results.jsonl --rate 4",
                        "  Try it on the built-in demo site and see the first records:",
                        "    ${COMMAND-NAME} --demo -q | head -n 3");
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, Usage::optionList);
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, help -> "");
    }

    private static Map<String, String> exitCodes() {
        var codes = new LinkedHashMap<String, String>();
        codes.put("0", "every item succeeded");
        codes.put("1", "the run finished and some items failed");
        codes.put("2", "a usage or input error; nothing was started");
        codes.put("130", "stopped by Ctrl-C: the items in flight finished (at most --grace s); --resume does the rest");
        codes.put("141", "stdout was closed before the run ended (... | head)");
        codes.put("143", "stopped by SIGTERM, as by Ctrl-C");
        return codes;
    }

    private static String optionList(Help help) {
        var sections = new LinkedHashMap<Section, List<OptionSpec>>();
        for (Section s : Section.values()) sections.put(s, new ArrayList<>());
        var helpOptions = new ArrayList<OptionSpec>();
        for (OptionSpec o : help.commandSpec().options()) {
            if (o.hidden()) continue;
            if (o.usageHelp() || o.versionHelp()) helpOptions.add(o);
            else sections.get(sectionOf(o)).add(o);
        }
        sections.get(Section.OWN).addAll(helpOptions); // after the template's own options
        var text = new StringBuilder();
        sections.forEach((section, options) -> {
            if (options.isEmpty()) return;
            text.append(help.createHeading(section.heading));
            // A layout per heading (it keeps its rows), each as wide as one for all the options.
            text.append(help.optionListExcludingGroups(options, help.createDefaultLayout(), null, help.parameterLabelRenderer()));
        });
        return text.toString();
    }

    private static Section sectionOf(OptionSpec o) {
        Class<?> declaredIn = o.userObject() instanceof Member m ? m.getDeclaringClass() : null; // a field or a setter
        if (declaredIn == FetchOptions.class) return Section.HTTP;
        if (declaredIn == LimitOptions.class) return Section.LIMITS;
        if (declaredIn == PolitenessOptions.class) return Section.POLITENESS;
        if (declaredIn == CrawlOptions.class) return Section.CRAWL;
        if (declaredIn == QueueOptions.class) return Section.QUEUE;
        if (declaredIn == Job.class) return INPUT_AND_OUTPUT.contains(o.longestName()) ? Section.INPUT_AND_OUTPUT : Section.RUN_CONTROL;
        return Section.OWN;
    }

    /** {@code --version}: poolkit's, JBang's (when poolkit's {@code ./jbang} said) and Java's. */
    static String[] versionLines(String jbangVersion) {
        String jbang = jbangVersion == null || jbangVersion.isBlank()
                ? "JBang: unknown (not started by poolkit's ./jbang)"
                : "JBang " + jbangVersion.strip();
        return new String[]{
                "poolkit " + Version.POOLKIT,
                jbang,
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }

    /**
     * picocli's suggestions for a mistyped option (the visible options that share its first two
     * letters), nearest first, at most three: {@code " (did you mean --timeout?)"}, or "" when
     * there is none.
     */
    static String didYouMean(UnmatchedArgumentException e) {
        List<String> suggestions = e.getSuggestions();
        if (suggestions.isEmpty() || e.getUnmatched().isEmpty()) return "";
        String typed = e.getUnmatched().get(0).split("=", 2)[0];
        List<String> nearest = suggestions.stream().distinct()
                .sorted(Comparator.comparingInt((String s) -> distance(typed, s)))
                .limit(3).toList();
        String list = nearest.size() == 1 ? nearest.get(0)
                : String.join(", ", nearest.subList(0, nearest.size() - 1)) + " or " + nearest.get(nearest.size() - 1);
        return " (did you mean " + list + "?)";
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
