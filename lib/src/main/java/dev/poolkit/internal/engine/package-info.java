/**
 * Not API: the pools' engine. {@code QueueWorkers} (named threads draining a bounded queue),
 * {@code Results} (runs a handler and makes exactly one result of whatever happens),
 * {@code Tally} (counts a run's results and keeps a failing sink's exception) and
 * {@code ItemDeadlines} (one watchdog thread that expires items past their deadline). Never
 * imports a pool class.
 */
package dev.poolkit.internal.engine;
