/**
 * poolkit: do a lot of slow work at once, and lose none of it.
 *
 * <p>Rooms, one package each: {@code dev.poolkit} (the queue, the pools, their records and JSON
 * Lines), {@code dev.poolkit.http} (fetching), {@code dev.poolkit.limits} (where per-host limits
 * are kept), {@code dev.poolkit.demo} (the demo and fault site) and {@code dev.poolkit.cli} (the
 * templates' command line). Each room's implementation lives in an {@code internal} package that
 * is not exported.
 *
 * <p>Only the demo site needs {@code jdk.httpserver}, and only the command line needs picocli:
 * both are {@code requires static}, so a library user who uses neither needs neither.
 */
module dev.poolkit {
    requires transitive java.net.http;
    requires java.management;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires static jdk.httpserver;
    requires static info.picocli;

    exports dev.poolkit;
    exports dev.poolkit.http;
    exports dev.poolkit.limits;
    exports dev.poolkit.demo;
    exports dev.poolkit.cli;
    opens dev.poolkit.cli to info.picocli;
}
