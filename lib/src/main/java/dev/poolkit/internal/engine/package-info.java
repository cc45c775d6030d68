/**
 * Not API: the pools' engine. {@code QueueWorkers} (named threads draining a bounded queue),
 * {@code Results} (runs a handler and makes exactly one result of whatever happens) and
 * {@code Tally} (counts a run's results and keeps a failing sink's exception). Never imports a
 * pool class.
 */
package dev.poolkit.internal.engine;
