/**
 * hxjwt for Java: standard JWTs (JWS: HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512,
 * ES256K, EdDSA, Ed25519: algorithm names are passed to the library as given), standard encrypted
 * JWTs (JWE: compact and JSON serializations, ECDH-1PU, nested JWTs) and sender-authenticated
 * encrypted JWTs between services (HX1, or the ECDH-1PU mode: {@link dev.hxjwt.Protocol}), over
 * the C library libhxjwt through JNA. Every decision about a token is the library's; this package
 * only converts types and errors.
 *
 * <p><b>HX1</b>: an {@link dev.hxjwt.Identity} per service, a {@link dev.hxjwt.Directory} of their
 * machine tokens, an {@link dev.hxjwt.Endpoint} that creates and validates tokens, a {@link
 * dev.hxjwt.Message} for each validated token (with its {@link dev.hxjwt.Protocol}). <b>Standard
 * JWTs</b>: {@link dev.hxjwt.Key}, {@link dev.hxjwt.KeySet}, {@link dev.hxjwt.Validation} and
 * {@link dev.hxjwt.Jwt}. <b>Standard JWE</b>: {@link dev.hxjwt.JweKey}, {@link
 * dev.hxjwt.JweOptions} (the {@code alg} and {@code enc} allow-lists, required), {@link
 * dev.hxjwt.Jwe} and {@link dev.hxjwt.JweDecrypted}. Every failure is an {@link
 * dev.hxjwt.HxJwtException} whose {@link dev.hxjwt.HxJwtException#kind() kind} is an {@link
 * dev.hxjwt.ErrorKind}.
 *
 * <p><b>Resources.</b> Identity, Directory, Endpoint, Key, KeySet, Validation, JweKey and
 * JweOptions hold native handles: they are {@link java.lang.AutoCloseable} (use
 * try-with-resources); {@code close()} is idempotent, a closed object throws {@link
 * java.lang.IllegalStateException}, and a {@link java.lang.ref.Cleaner} frees a forgotten one
 * only as a fallback. Handles made from others keep their own copies: an endpoint keeps working
 * after its identity and directory are closed.
 *
 * <p><b>Threads.</b> Every class may be shared between threads as the C API documents:
 * identities, keys (JWE keys too) and messages are immutable, decrypted JWEs may be read by any
 * number of threads; JWE options may be shared by any number of decrypting threads; endpoints, directories, key sets and validations
 * may be used by any number of threads at once. A {@code close()} while other threads are in a
 * call frees the handle when the last of those calls returns.
 *
 * <p><b>The library</b> is found through the system property {@code hxjwt.library} or the
 * environment variable {@code HXJWT_LIB} (a full path to libhxjwt.so.0), else as {@code "hxjwt"}
 * by JNA's search. 64-bit JVMs only.
 */
package dev.hxjwt;
