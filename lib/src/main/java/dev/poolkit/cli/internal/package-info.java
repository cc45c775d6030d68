/** Not API: the command line's parts (reading a job's items, skipping those already recorded). */
package dev.poolkit.cli.internal;
