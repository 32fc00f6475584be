package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JWE example of bindings/java/README.md, exactly as written there: compiled with the JDK's
 * compiler against this package, run, and its output checked.
 */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    /** The first ```java block after the heading {@code heading}. */
    static String javaBlock(String heading) throws Exception {
        Path readme = Vectors.dir().resolve("../../bindings/java/README.md").normalize();
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int h = text.indexOf("\n" + heading + "\n");
        assertTrue(h >= 0, "README.md has a section " + heading);
        int start = text.indexOf("```java\n", h);
        int end = text.indexOf("\n```", start + 8);
        assertTrue(start > h && end > start, "the section has a java block");
        return text.substring(start + 8, end + 1);
    }

    static String location(Class<?> c) throws Exception {
        return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    }

    @Test
    void theJweExampleRuns() throws Exception {
        String block = javaBlock("## JWE");
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : block.split("\n", -1)) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        String source = imports + "public class ReadmeJweExample {\n"
                + "    public static void run() throws Exception {\n" + body + "    }\n}\n";
        Path src = dir.resolve("ReadmeJweExample.java");
        Files.writeString(src, source, StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK (javac) runs the tests");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("-Xlint:all", "-encoding", "UTF-8", "-cp",
                location(Jwe.class) + File.pathSeparator + location(com.sun.jna.Native.class),
                "-d", dir.toString(), src.toString()));
        int status = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        assertEquals(0, status, diagnostics.toString(StandardCharsets.UTF_8) + "\n" + source);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ReadmeExampleTest.class.getClassLoader())) {
            Method run = loader.loadClass("ReadmeJweExample").getMethod("run");
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            run.invoke(null);
        } finally {
            System.setOut(saved);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length, out.toString(StandardCharsets.UTF_8));
        assertTrue(lines[0].matches("attack at dawn ECDH-ES\\+A256KW [A-Za-z0-9_-]{43}"),
                lines[0]);
        assertEquals("{\"sub\":\"user-7\",\"aud\":\"api\",\"exp\":4000000000}", lines[1]);
        assertEquals("hello aad=v1", lines[2]);
    }
}
