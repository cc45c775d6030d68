package dev.poolkit.internal.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JvmOptionsTest {

    @Test
    void workersDoNotInheritOptionsThatTrainOrWriteACache() {
        List<String> parent = List.of("-Xmx256m", "-XX:AOTCacheOutput=/tmp/app.aot", "-XX:AOTMode=record",
                "-XX:AOTConfiguration=/tmp/app.aotconf", "-XX:ArchiveClassesAtExit=/tmp/app.jsa",
                "-XX:+AutoCreateSharedArchive", "-XX:DumpLoadedClassList=/tmp/classes.lst", "-Xshare:dump",
                "-XX:TieredStopAtLevel=1");

        assertEquals(withCleanStdout("-Xmx256m", "-XX:TieredStopAtLevel=1"), JvmOptions.forWorker(parent));
    }

    @Test
    void workersReadTheParentsCacheWhenItExists(@TempDir Path dir) throws Exception {
        Path aot = Files.createFile(dir.resolve("app.aot"));
        Path jsa = Files.createFile(dir.resolve("app.jsa"));
        List<String> parent = List.of("-XX:AOTCache=" + aot, "-XX:SharedArchiveFile=" + jsa, "-XX:AOTMode=auto");

        assertEquals(withCleanStdout(parent.toArray(String[]::new)), JvmOptions.forWorker(parent));
    }

    @Test
    void aCacheFileThatDoesNotExistIsNotPassedOn(@TempDir Path dir) {
        List<String> parent = List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + dir.resolve("not-yet.jsa"),
                "-XX:AOTCache=" + dir.resolve("gone.aot"), "-Dkept=1");

        assertEquals(withCleanStdout("-Dkept=1"), JvmOptions.forWorker(parent));
    }

    @Test
    void debuggerAgentsAreNotPassedOn() {
        assertEquals(withCleanStdout("-ea"), JvmOptions.forWorker(List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-javaagent:x.jar", "-ea")));
    }

    @Test
    void loggingThatWouldWriteOnTheWireGoesToStderr() {
        List<String> parent = List.of("-Xlog", "-Xlog:gc*=debug", "-Xlog:gc::uptime", "-Xlog:safepoint:stdout:level",
                "-Xlog:aot*=off,cds*=off", "-verbose:gc", "-verbose:class", "-XX:+DisplayVMOutputToStdout");

        assertEquals(withCleanStdout("-Xlog:all=info:stderr", "-Xlog:gc*=debug:stderr", "-Xlog:gc:stderr:uptime",
                "-Xlog:safepoint:stderr:level", "-Xlog:aot*=off,cds*=off:stderr", "-Xlog:gc:stderr",
                "-Xlog:class+load,class+unload:stderr"), JvmOptions.forWorker(parent));
    }

    @Test
    void loggingToAFileOrStderrIsLeftAsItIs() {
        List<String> parent = List.of("-Xlog:gc:file=/tmp/gc.log", "-Xlog:gc:stderr", "-Xlog:disable");

        assertEquals(withCleanStdout(parent.toArray(String[]::new)), JvmOptions.forWorker(parent));
    }

    private static List<String> withCleanStdout(String... options) {
        var all = new ArrayList<>(JvmOptions.STDOUT_KEPT_CLEAN);
        all.addAll(List.of(options));
        return all;
    }
}
