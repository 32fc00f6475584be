package dev.hxjwt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The shared vector files of tests/vectors (HXJWT_VECTORS_DIR, else found from the working directory). */
final class Vectors {
    private Vectors() {}

    static Path dir() {
        String env = System.getenv("HXJWT_VECTORS_DIR");
        if (env != null && !env.isEmpty()) {
            return Path.of(env);
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("tests/vectors"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("tests/vectors not found: set HXJWT_VECTORS_DIR");
        }
        return p.resolve("tests/vectors");
    }

    static Map<String, Object> load(String name) {
        try {
            return Json.object(Files.readString(dir().resolve(name), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    static byte[] b64url(String s) {
        return Base64.getUrlDecoder().decode(s);
    }
}
