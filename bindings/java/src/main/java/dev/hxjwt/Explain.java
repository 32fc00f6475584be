package dev.hxjwt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * <b>A diagnostic, never an acceptance</b>: every check {@link Jwt#verify} or
 * {@link Endpoint#validate} applies to a token, run to the end instead of stopping at the first
 * failure ({@code hx_jwt_explain}, {@code hx_explain_jwt}).
 *
 * <p>Each {@link Check} has a stable name ({@code "format"}, {@code "algorithm"},
 * {@code "signature"}, {@code "exp"}, {@code "aud"}, ...; HX1 adds {@code "issuer"},
 * {@code "lifetime"}, {@code "decryption"}), an outcome ({@code "passed"}, {@code "failed"} or
 * {@code "not_checked"}) and, when it failed, the {@link ErrorKind} the verification throws for
 * it. The checks are in the order the verification applies them, so the first failure is the
 * kind {@code verify}/{@code validate} would throw. No replay store is consulted or written, the
 * claims appear only when the signature verified, and nothing is key material.
 *
 * <pre>{@code
 * Explain.Report r = Explain.jwt(token, key, validation);
 * for (Explain.Check c : r.failures()) {
 *     System.out.println(c.name() + ": " + c.kind() + ": " + c.message());
 * }
 * }</pre>
 */
public final class Explain {
    private Explain() {}

    /** One check of a {@link Report}. */
    public static final class Check {
        private final String name;
        private final String outcome;
        private final ErrorKind kind;
        private final String message;

        Check(String name, String outcome, ErrorKind kind, String message) {
            this.name = name;
            this.outcome = outcome;
            this.kind = kind;
            this.message = message;
        }

        /**
         * The check's stable name.
         *
         * @return e.g. {@code "exp"}
         */
        public String name() {
            return name;
        }

        /**
         * What became of it.
         *
         * @return {@code "passed"}, {@code "failed"} or {@code "not_checked"}
         */
        public String outcome() {
            return outcome;
        }

        /**
         * Whether it failed.
         *
         * @return true for {@code "failed"}
         */
        public boolean failed() {
            return "failed".equals(outcome);
        }

        /**
         * The kind the verification throws for this failure.
         *
         * @return the kind, or null unless the check failed
         */
        public ErrorKind kind() {
            return kind;
        }

        /**
         * For people: why it failed or was not checked. Never key material.
         *
         * @return the message
         */
        public String message() {
            return message;
        }

        @Override
        public String toString() {
            return name + " " + outcome + (kind != null ? " " + kind.stableName() : "") + ": "
                    + message;
        }
    }

    /** Every check of one token. */
    public static final class Report {
        private final String json;
        private final List<Check> checks;
        private final boolean passed;

        Report(String json) {
            this.json = json;
            Map<String, Object> root = JsonReader.object(json);
            List<Check> list = new ArrayList<>();
            Object items = root.get("checks");
            if (items instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> m) {
                        Object kind = m.get("kind");
                        list.add(new Check(String.valueOf(m.get("check")),
                                String.valueOf(m.get("outcome")),
                                kind instanceof String k ? ErrorKind.fromStableName(k) : null,
                                String.valueOf(m.get("message"))));
                    }
                }
            }
            this.checks = Collections.unmodifiableList(list);
            this.passed = Boolean.TRUE.equals(root.get("passed"));
        }

        /**
         * Every check, in the order the verification applies them.
         *
         * @return the checks
         */
        public List<Check> checks() {
            return checks;
        }

        /**
         * The failed checks, in order: the first is what the verification throws.
         *
         * @return the failures
         */
        public List<Check> failures() {
            return checks.stream().filter(Check::failed).toList();
        }

        /**
         * No check failed. Still not an acceptance: call {@code verify} or {@code validate}.
         *
         * @return whether every check that ran passed
         */
        public boolean passed() {
            return passed;
        }

        /**
         * The report as the library wrote it: {@code {"passed", "checks": [{"check", "outcome",
         * "kind", "code", "message"}], "header", "claims"}} (and {@code "payload_len"} for HX1).
         *
         * @return the JSON text
         */
        public String json() {
            return json;
        }
    }

    /**
     * Every check {@link Jwt#verify(String, Key, Validation)} applies to {@code token}.
     *
     * @param token the compact JWS (any text: a malformed one is reported, not thrown)
     * @param key the issuer's public key or the HMAC secret
     * @param validation the checks
     * @return the report
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for a token with a NUL
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when a handle is closed
     */
    public static Report jwt(String token, Key key, Validation validation) {
        Objects.requireNonNull(key, "key");
        return explainJwt(token, key, null, validation);
    }

    /**
     * Every check {@link Jwt#verify(String, KeySet, Validation)} applies to {@code token}.
     *
     * @param token the compact JWS
     * @param keys the issuer's keys, selected by the token's {@code kid}
     * @param validation the checks
     * @return the report
     * @throws HxJwtException as {@link #jwt(String, Key, Validation)}
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when a handle is closed
     */
    public static Report jwt(String token, KeySet keys, Validation validation) {
        Objects.requireNonNull(keys, "keys");
        return explainJwt(token, null, keys, validation);
    }

    private static Report explainJwt(String token, Key key, KeySet keys, Validation validation) {
        byte[] t = HxNative.cstr(token, "token");
        Objects.requireNonNull(validation, "validation");
        NativeHandle h = key != null ? key : keys;
        long[] out = new long[1];
        long hp = h.acquire();
        try {
            long vp = validation.acquire();
            try {
                HxNative.check(HxNative.hx_jwt_explain(key != null ? hp : 0, key != null ? 0 : hp,
                        t, vp, out));
            } finally {
                validation.release();
            }
        } finally {
            h.release();
        }
        return new Report(HxNative.owned(out[0]));
    }

    /**
     * Every check {@link Endpoint#validate(String)} applies to the HX1 (or ECDH-1PU mode)
     * {@code token}. The payload is never in the report.
     *
     * @param endpoint the recipient
     * @param token the token
     * @return the report
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for a token with a NUL
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the endpoint is closed
     */
    public static Report hx1(Endpoint endpoint, String token) {
        return explainHx1(endpoint, HxNative.cstr(token, "token"), null);
    }

    /**
     * Every check {@link Endpoint#validateFrom(String, String)} applies to {@code token}.
     *
     * @param endpoint the recipient
     * @param token the token
     * @param senderMachineToken the sender's public JWK
     * @return the report
     * @throws HxJwtException as {@link #hx1(Endpoint, String)}, and the kind of a sender JWK
     *     that is not a machine token
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the endpoint is closed
     */
    public static Report hx1From(Endpoint endpoint, String token, String senderMachineToken) {
        return explainHx1(endpoint, HxNative.cstr(token, "token"),
                HxNative.cstr(senderMachineToken, "senderMachineToken"));
    }

    private static Report explainHx1(Endpoint endpoint, byte[] token, byte[] sender) {
        Objects.requireNonNull(endpoint, "endpoint");
        long[] out = new long[1];
        long p = endpoint.acquire();
        try {
            HxNative.check(HxNative.hx_explain_jwt(p, token, sender, out));
        } finally {
            endpoint.release();
        }
        return new Report(HxNative.owned(out[0]));
    }
}
