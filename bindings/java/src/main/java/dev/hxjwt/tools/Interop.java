package dev.hxjwt.tools;

import dev.hxjwt.Endpoint;
import dev.hxjwt.HxJwtException;
import dev.hxjwt.Identity;
import dev.hxjwt.Jwe;
import dev.hxjwt.JweDecrypted;
import dev.hxjwt.JweKey;
import dev.hxjwt.JweOptions;
import dev.hxjwt.Jwt;
import dev.hxjwt.Key;
import dev.hxjwt.Message;
import dev.hxjwt.Validation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The cross-runtime interop program, and a worked example of the public API:
 *
 * <pre>
 * Interop hx1-create   IDENTITY_JWK_FILE RECIPIENT_MACHINE_TOKEN_FILE PAYLOAD_FILE  -&gt; token
 * Interop hx1-validate IDENTITY_JWK_FILE SENDER_MACHINE_TOKEN_FILE TOKEN_FILE       -&gt; payload bytes
 * Interop es256-sign   PRIVATE_JWK_FILE CLAIMS_JSON_FILE                            -&gt; compact JWS
 * Interop es256-verify PUBLIC_JWK_FILE TOKEN_FILE                                   -&gt; claims JSON
 * Interop jwe-encrypt  ALG ENC RECIPIENT_JWK_FILE PAYLOAD_FILE                      -&gt; compact JWE
 * Interop jwe-decrypt  ALG ENC PRIVATE_JWK_FILE TOKEN_FILE                          -&gt; plaintext bytes
 * </pre>
 *
 * <p>{@code jwe-encrypt} encrypts exactly the payload's bytes with the key management
 * algorithm ALG and the content encryption ENC for the key of the JWK file (a public JWK, or a
 * secret {@code "oct"} JWK for {@code dir}, {@code A*KW} and {@code A*GCMKW});
 * {@code jwe-decrypt} decrypts accepting only that ALG and that ENC, with the private (or
 * {@code oct}) JWK of the file, and prints the plaintext's bytes exactly.
 *
 * <p>Tokens, JWKs and claims are read with trailing whitespace stripped; the payload file is read
 * exactly. A refused token or key exits 1 with {@code error: <Kind>: <message>} on stderr; usage
 * and file errors exit 2.
 */
public final class Interop {
    private Interop() {}

    private static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }

    /**
     * Runs one command.
     *
     * @param args the command and its files
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        int status;
        try {
            status = run(args, out);
        } catch (HxJwtException e) {
            String message = e.getMessage();
            String kind = e.kind().stableName();
            println(System.err, "error: "
                    + (message.startsWith(kind + ": ") ? message : kind + ": " + message));
            status = 1;
        } catch (UsageError e) {
            println(System.err, "error: " + e.getMessage());
            status = 2;
        } catch (LinkageError e) {
            println(System.err, "error: cannot load libhxjwt (set HXJWT_LIB): " + e.getMessage());
            status = 2;
        }
        out.flush();
        System.exit(status);
    }

    private static int run(String[] args, PrintStream out) throws UsageError {
        String usage = "usage: hxjwt-interop hx1-create IDENTITY_JWK RECIPIENT_MACHINE_TOKEN PAYLOAD"
                + " | hx1-validate IDENTITY_JWK SENDER_MACHINE_TOKEN TOKEN"
                + " | es256-sign PRIVATE_JWK CLAIMS_JSON | es256-verify PUBLIC_JWK TOKEN"
                + " | jwe-encrypt ALG ENC RECIPIENT_JWK PAYLOAD"
                + " | jwe-decrypt ALG ENC PRIVATE_JWK TOKEN";
        if (args.length == 0) {
            throw new UsageError(usage);
        }
        switch (args[0]) {
            case "hx1-create": {
                expect(args, 4, usage);
                try (Identity me = Identity.fromJwk(text(args[1]));
                        Endpoint endpoint = new Endpoint(me)) {
                    String token = endpoint.createFor(text(args[2]), bytes(args[3]),
                            Duration.ofSeconds(300));
                    println(out, token);
                }
                return 0;
            }
            case "hx1-validate": {
                expect(args, 4, usage);
                try (Identity me = Identity.fromJwk(text(args[1]));
                        Endpoint endpoint = new Endpoint(me)) {
                    Message m = endpoint.validateFrom(text(args[3]), text(args[2]));
                    out.write(m.payload(), 0, m.payload().length);
                }
                return 0;
            }
            case "es256-sign": {
                expect(args, 3, usage);
                try (Key key = Key.fromJwk(text(args[1]))) {
                    println(out, Jwt.sign(text(args[2]), key, "ES256"));
                }
                return 0;
            }
            case "es256-verify": {
                expect(args, 3, usage);
                try (Key key = Key.fromJwk(text(args[1]));
                        Validation v = Validation.builder("ES256").build()) {
                    println(out, Jwt.verify(text(args[2]), key, v));
                }
                return 0;
            }
            case "jwe-encrypt": {
                expect(args, 5, usage);
                try (JweKey key = JweKey.fromJwk(text(args[3]))) {
                    byte[] payload = bytes(args[4]);
                    try {
                        println(out, Jwe.encrypt(payload, key, args[1], args[2]));
                    } finally {
                        java.util.Arrays.fill(payload, (byte) 0);
                    }
                }
                return 0;
            }
            case "jwe-decrypt": {
                expect(args, 5, usage);
                try (JweKey key = JweKey.fromJwk(text(args[3]));
                        JweOptions options = JweOptions.builder().algorithms(args[1])
                                .encryptions(args[2]).build();
                        JweDecrypted d = Jwe.decrypt(text(args[4]), key, options)) {
                    byte[] plaintext = d.plaintext();
                    out.write(plaintext, 0, plaintext.length);
                    java.util.Arrays.fill(plaintext, (byte) 0);
                }
                return 0;
            }
            default:
                throw new UsageError("unknown command " + args[0] + "; " + usage);
        }
    }

    /** A line in UTF-8, whatever the platform's encoding. */
    private static void println(PrintStream out, String line) {
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
    }

    private static void expect(String[] args, int n, String usage) throws UsageError {
        if (args.length != n) {
            throw new UsageError(args[0] + " takes " + (n - 1) + " arguments; " + usage);
        }
    }

    private static byte[] bytes(String file) throws UsageError {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new UsageError("cannot read " + file + ": " + e);
        }
    }

    /** A file as UTF-8 text without trailing whitespace (a token or JSON file may end with a newline). */
    private static String text(String file) throws UsageError {
        byte[] b = bytes(file);
        int n = b.length;
        while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == '\n' || b[n - 1] == '\r' || b[n - 1] == '\t')) {
            n--;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(b, 0, n)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UsageError(file + " is not UTF-8 text");
        }
    }
}
