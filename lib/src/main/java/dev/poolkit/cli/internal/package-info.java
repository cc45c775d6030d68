/** Not API: the command line's parts (reading a job's items, the earlier output a resumed run checks and skips, the run's statistics, how a run stops on Ctrl-C or SIGTERM). */
package dev.poolkit.cli.internal;
