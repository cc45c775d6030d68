/**
 * The queue, the pools and their records: the front doors most users meet first.
 *
 * <p>{@link dev.poolkit.WorkQueue} (a bounded queue producers close), the pools
 * ({@link dev.poolkit.ThreadPool}, {@link dev.poolkit.AsyncPool}, {@link dev.poolkit.ProcessPool},
 * all {@link dev.poolkit.Pool}s), the work for one item ({@link dev.poolkit.Handler}), what became
 * of it ({@link dev.poolkit.Result}, {@link dev.poolkit.Summary}, {@link dev.poolkit.Failure}) and
 * where records go ({@link dev.poolkit.JsonLines}). The pools' engine is in
 * {@code dev.poolkit.internal.engine} and {@code dev.poolkit.internal.process}, which are not API.
 */
package dev.poolkit;
