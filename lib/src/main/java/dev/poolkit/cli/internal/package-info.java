/** Not API: the command line's parts (reading a job's items, skipping those already recorded, feeding a pool from a frontier, the run's statistics). */
package dev.poolkit.cli.internal;
