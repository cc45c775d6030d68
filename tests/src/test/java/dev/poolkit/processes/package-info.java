/**
 * Tests that start worker processes: {@code ProcessPool} and the limits it keeps across its
 * workers, run against the worker programs of {@code dev.poolkit.fixtures}. They stand apart from
 * the unit tests, which mirror the lib's packages, because they spawn JVMs: slower, and they check
 * that no worker outlives its test.
 */
package dev.poolkit.processes;
