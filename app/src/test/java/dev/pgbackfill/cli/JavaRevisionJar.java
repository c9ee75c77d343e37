package dev.pgbackfill.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles one Java revision and packs it as a user would ship it for {@code migrate --jar}. */
final class JavaRevisionJar {
    private JavaRevisionJar() {
    }

    /** A revision {@code id} (no parent) whose class body supplies upgrade and downgrade. */
    static Path build(Path dir, String id, String className, String body) throws IOException {
        Path src = dir.resolve("src/revisions/" + className + ".java");
        Path classes = dir.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, """
                package revisions;

                import dev.pgbackfill.migrate.*;
                import java.util.List;

                public final class %s implements Migration {
                    public String revision() { return "%s"; }
                    public List<String> downRevisions() { return List.of(); }
                    public String message() { return "%s from a jar"; }
                    %s
                }
                """.formatted(className, id, id, body));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"), src.toString());
        if (rc != 0) {
            throw new IllegalStateException("compiling " + src + " failed");
        }
        Path jar = dir.resolve(className + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry("revisions/" + className + ".class"));
            j.write(Files.readAllBytes(classes.resolve("revisions/" + className + ".class")));
            j.putNextEntry(new JarEntry("META-INF/services/dev.pgbackfill.migrate.Migration"));
            j.write(("revisions." + className + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

}
