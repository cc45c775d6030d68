package dev.poolkit.internal.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Which of a parent JVM's options its worker JVMs are started with. */
public final class JvmOptions {
    private JvmOptions() {}

    /**
     * The parent's options less those a worker must not repeat. A debugger agent would find its
     * port taken. Options that record or write a class-data or AOT cache (training runs such as
     * {@code -XX:AOTCacheOutput}, {@code -XX:AOTMode=record}, {@code -XX:ArchiveClassesAtExit})
     * would make every worker write the parent's file at once, and a worker's run is not the
     * program's. Options that only read a cache are kept, so that workers start from it too; a
     * cache file that does not exist is dropped, since the JVM would complain on the worker's
     * stdout, which is the wire. For the same reason, logging options that write to stdout are
     * turned to stderr, and {@link #STDOUT_KEPT_CLEAN} comes first.
     */
    public static List<String> forWorker(List<String> parentOptions) {
        var kept = new ArrayList<>(STDOUT_KEPT_CLEAN);
        for (String option : parentOptions) {
            if (option.startsWith("-agentlib:jdwp") || option.startsWith("-javaagent")) continue;
            if (option.equals("-XX:+DisplayVMOutputToStdout")) continue;
            if (option.startsWith("-XX:AOTMode=record") || option.startsWith("-XX:AOTMode=create")
                    || option.startsWith("-XX:AOTConfiguration=") || option.startsWith("-XX:AOTCacheOutput=")
                    || option.startsWith("-XX:ArchiveClassesAtExit=") || option.equals("-XX:+AutoCreateSharedArchive")
                    || option.startsWith("-XX:DumpLoadedClassList=") || option.equals("-Xshare:dump")) continue;
            String cache = valueOf(option, "-XX:AOTCache=", "-XX:SharedArchiveFile=");
            if (cache != null && !allExist(cache)) continue;
            kept.add(logToStderr(option));
        }
        return kept;
    }

    /**
     * A worker's stdout is the wire, and a line the JVM itself writes there (a warning, a GC log,
     * {@code -XX:+PrintCompilation}) can split a result in two; the parent then never reads that
     * result and would wait for it for ever. So the JVM's own output goes to stderr, the worker's
     * log: its console output, and unified logging, whose default is warnings on stdout.
     */
    public static final List<String> STDOUT_KEPT_CLEAN =
            List.of("-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr");

    // -Xlog[:what[:output[:decorators[:options]]]]: an output left out, or stdout, becomes stderr.
    static String logToStderr(String option) {
        if (option.equals("-Xlog")) return "-Xlog:all=info:stderr";
        if (option.equals("-verbose:gc")) return "-Xlog:gc:stderr";
        if (option.equals("-verbose:class")) return "-Xlog:class+load,class+unload:stderr";
        if (!option.startsWith("-Xlog:")) return option;
        String[] parts = option.substring("-Xlog:".length()).split(":", -1);
        if (parts.length == 1) {
            return parts[0].equals("disable") || parts[0].startsWith("help") ? option : option + ":stderr";
        }
        if (parts[1].isEmpty() || parts[1].equals("stdout") || parts[1].equals("#0")) {
            parts[1] = "stderr";
            return "-Xlog:" + String.join(":", parts);
        }
        return option;
    }

    private static String valueOf(String option, String... names) {
        for (String name : names) {
            if (option.startsWith(name)) return option.substring(name.length());
        }
        return null;
    }

    // SharedArchiveFile may name a base and a top archive: "base.jsa:top.jsa".
    private static boolean allExist(String files) {
        for (String file : files.split(java.io.File.pathSeparator)) {
            if (!Files.isRegularFile(Path.of(file))) return false;
        }
        return true;
    }
}
