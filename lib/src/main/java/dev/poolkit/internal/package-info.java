/**
 * Not API: small helpers every room uses (argument checks, the one Jackson mapper, text, the
 * version). Imports nothing of poolkit's.
 */
package dev.poolkit.internal;
