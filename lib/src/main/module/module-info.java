/**
 * poolkit: do a lot of slow work at once, and lose none of it.
 *
 * <p>Rooms, one package each: {@code dev.poolkit} (the queue, the pools, their records and JSON
 * Lines), {@code dev.poolkit.http} (fetching), {@code dev.poolkit.limits} (where per-host limits
 * are kept), {@code dev.poolkit.crawl} (the frontier, URL canonicalisation, robots.txt),
 * {@code dev.poolkit.queue} (one job shared by many machines on Redis Streams),
 * {@code dev.poolkit.demo} (the demo and fault site) and {@code dev.poolkit.cli} (the templates'
 * command line). Each room's implementation lives in an {@code internal} package that
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
    // Csv: --format csv, quoted as RFC 4180 says.
    requires com.fasterxml.jackson.dataformat.csv;
    // Page.document() and select() hand out jsoup's types.
    requires transitive org.jsoup;
    // Robots parses robots.txt with it. Its jar names no Automatic-Module-Name, so its module name
    // comes from the file name (crawler-commons-1.6.jar): crawler.commons, and Maven warns that a
    // module requiring a filename-based automodule should not be published to a public repository.
    requires crawler.commons;
    // The run summary's latency histogram (dev.poolkit.cli.internal.RunStats). Its jar names no
    // Automatic-Module-Name either: HdrHistogram-2.2.2.jar gives HdrHistogram.
    requires HdrHistogram;
    // Signals: a run stops gracefully on Ctrl-C and SIGTERM, and a worker ignores them, through
    // sun.misc.Signal; a shutdown hook cannot let a run go on nor tell the two apart.
    requires jdk.unsupported;
    // The Redis queue (dev.poolkit.queue): Jedis names itself redis.clients.jedis in its manifest.
    requires redis.clients.jedis;
    requires static jdk.httpserver;
    requires static info.picocli;

    exports dev.poolkit;
    exports dev.poolkit.http;
    exports dev.poolkit.limits;
    exports dev.poolkit.crawl;
    exports dev.poolkit.queue;
    exports dev.poolkit.demo;
    exports dev.poolkit.cli;
    opens dev.poolkit.cli to info.picocli;
}
