/**
 * Not API: small helpers every room uses (argument checks, the one Jackson mapper, text, the
 * version, catching and ignoring the signals a run stops on). Imports nothing of poolkit's.
 */
package dev.poolkit.internal;
