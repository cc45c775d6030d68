package dev.poolkit.internal;

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
     * stdout, which is the wire.
     */
    public static List<String> forWorker(List<String> parentOptions) {
        var kept = new ArrayList<String>();
        for (String option : parentOptions) {
            if (option.startsWith("-agentlib:jdwp") || option.startsWith("-javaagent")) continue;
            if (option.startsWith("-XX:AOTMode=record") || option.startsWith("-XX:AOTMode=create")
                    || option.startsWith("-XX:AOTConfiguration=") || option.startsWith("-XX:AOTCacheOutput=")
                    || option.startsWith("-XX:ArchiveClassesAtExit=") || option.equals("-XX:+AutoCreateSharedArchive")
                    || option.startsWith("-XX:DumpLoadedClassList=") || option.equals("-Xshare:dump")) continue;
            String cache = valueOf(option, "-XX:AOTCache=", "-XX:SharedArchiveFile=");
            if (cache != null && !allExist(cache)) continue;
            kept.add(option);
        }
        return kept;
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
