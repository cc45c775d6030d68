/**
 * poolkit: do a lot of slow work at once, and lose none of it.
 *
 * <p>The front doors are in {@code dev.poolkit}: {@link dev.poolkit.WorkQueue}, the pools
 * ({@link dev.poolkit.ThreadPool}, {@link dev.poolkit.AsyncPool}, {@link dev.poolkit.ProcessPool}),
 * {@link dev.poolkit.Fetcher}, {@link dev.poolkit.JsonLines} and {@link dev.poolkit.DemoSite}.
 * {@code dev.poolkit.cli} holds the command line the templates share.
 */
module dev.poolkit {
    requires transitive java.net.http;
    requires jdk.httpserver;
    requires java.management;
    requires com.fasterxml.jackson.databind;
    requires transitive info.picocli;

    exports dev.poolkit;
    exports dev.poolkit.cli;
    opens dev.poolkit.cli to info.picocli;
}
