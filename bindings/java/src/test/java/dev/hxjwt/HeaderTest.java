package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every function of include/hxjwt.h is declared (JNA direct mapping) in {@link HxNative} or
 * {@link HxStoreNative}, with its number of parameters; the JWE family (hx_jwe_*,
 * hx_bytes_free) included. Two are left out by name, for a reason given below; nothing else
 * may be.
 */
class HeaderTest {
    /**
     * Functions not bound, and why: both only write a struct of defaults, which the Java
     * classes express as C's own "zero means the default" (RemoteOptions, RedisOptions).
     */
    static final List<String> NOT_BOUND = List.of("hx_remote_options_default",
            "hx_redis_options_default");

    /** The header's functions and their parameter counts. */
    static Map<String, Integer> headerFunctions() throws IOException {
        Path header = Vectors.dir().resolve("../../include/hxjwt.h").normalize();
        String text = Files.readString(header, StandardCharsets.UTF_8);
        // Drop comments, then read each prototype: "<type> hx_name(<params>);".
        text = text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
        Matcher m = Pattern.compile("\\b(hx_[a-z0-9_]+)\\s*\\(([^)]*)\\)\\s*;").matcher(text);
        Map<String, Integer> out = new TreeMap<>();
        while (m.find()) {
            String params = m.group(2).trim();
            int n = params.isEmpty() || params.equals("void") ? 0 : params.split(",").length;
            out.put(m.group(1), n);
        }
        return out;
    }

    static Map<String, Integer> javaFunctions() {
        Map<String, Integer> out = new TreeMap<>();
        for (Class<?> c : new Class<?>[] {HxNative.class, HxStoreNative.class}) {
            for (Method method : c.getDeclaredMethods()) {
                if (Modifier.isNative(method.getModifiers())) {
                    out.put(method.getName(), method.getParameterCount());
                }
            }
        }
        return out;
    }

    /** The header's integer macros ({@code #define HX_NAME 123}). */
    static Map<String, Long> headerConstants() throws IOException {
        Path header = Vectors.dir().resolve("../../include/hxjwt.h").normalize();
        String text = Files.readString(header, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?m)^#define\\s+(HX_[A-Z0-9_]+)\\s+(\\d+)\\s*$")
                .matcher(text);
        Map<String, Long> out = new TreeMap<>();
        while (m.find()) {
            out.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return out;
    }

    /**
     * The Java constants that restate the header's macros have the header's values, and every
     * integer macro of the header is restated.
     */
    @Test
    void constantsAreTheHeaders() throws IOException {
        Map<String, Long> java = new TreeMap<>(Map.of(
                "HX_JWE_DEFAULT_MAX_TOKEN_LENGTH", JweOptions.DEFAULT_MAX_TOKEN_LENGTH,
                "HX_JWE_DEFAULT_MAX_P2C", JweOptions.DEFAULT_MAX_P2C,
                "HX_JWE_DEFAULT_MAX_INFLATED_LENGTH", JweOptions.DEFAULT_MAX_INFLATED_LENGTH));
        assertEquals(java, headerConstants());
    }

    @Test
    void everyFunctionOfTheHeaderIsDeclared() throws IOException {
        Map<String, Integer> header = headerFunctions();
        Map<String, Integer> java = javaFunctions();
        assertTrue(header.size() >= 120, "the header's functions: " + header.size());
        long jwe = header.keySet().stream().filter(n -> n.startsWith("hx_jwe_")).count();
        assertTrue(jwe >= 28, "the JWE family: " + jwe);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Integer> e : header.entrySet()) {
            if (NOT_BOUND.contains(e.getKey())) {
                continue;
            }
            Integer n = java.get(e.getKey());
            if (n == null) {
                missing.add(e.getKey());
            } else {
                assertEquals(e.getValue(), n, e.getKey() + ": parameters");
            }
        }
        assertEquals(List.of(), missing, "functions of the header not declared in Java");
        for (String name : NOT_BOUND) {
            assertTrue(header.containsKey(name), name + " is still in the header");
        }
        for (String name : java.keySet()) {
            assertTrue(header.containsKey(name), name + " is declared but not in the header");
        }
    }
}
