/**
 * The command line the templates share ({@link dev.poolkit.cli.Job}, a picocli mixin, with
 * {@link dev.poolkit.cli.FetchOptions} and {@link dev.poolkit.cli.LimitOptions}) and the run it
 * drives: read the items, run a pool, write the records, report. The only room that needs
 * picocli; it sits on top of every other room, and none of them knows it.
 */
package dev.poolkit.cli;
