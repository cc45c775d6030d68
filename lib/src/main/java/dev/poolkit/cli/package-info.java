/**
 * The command line the templates share ({@link dev.poolkit.cli.Job}, a picocli mixin, with
 * {@link dev.poolkit.cli.FetchOptions}, {@link dev.poolkit.cli.LimitOptions},
 * {@link dev.poolkit.cli.CrawlOptions}, {@link dev.poolkit.cli.PolitenessOptions} and
 * {@link dev.poolkit.cli.QueueOptions}) and the run it drives: read
 * the items (or, following links, a frontier seeded with them, or a shared job on Redis), run a
 * pool, write the records, report. The only room that needs
 * picocli; it sits on top of every other room, and none of them knows it.
 */
package dev.poolkit.cli;
