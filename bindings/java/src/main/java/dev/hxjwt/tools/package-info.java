/**
 * Command-line programs over the public API of {@link dev.hxjwt}: {@link dev.hxjwt.tools.Interop}
 * (the cross-runtime interop contract) and {@link dev.hxjwt.tools.Bench} (per-call timings).
 */
package dev.hxjwt.tools;
