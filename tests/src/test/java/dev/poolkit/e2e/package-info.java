/**
 * End-to-end tests: what a user does, through {@code ./jbang} in a fresh folder (scaffold a
 * template, run it against a local site, read its JSON lines; the launch cache). {@code Command}
 * runs a command and keeps what it printed. The slowest tests: each run starts JBang and a JVM.
 */
package dev.poolkit.e2e;
