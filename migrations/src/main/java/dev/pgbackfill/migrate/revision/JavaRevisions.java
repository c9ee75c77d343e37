package dev.pgbackfill.migrate.revision;

import dev.pgbackfill.migrate.Migration;
import dev.pgbackfill.migrate.Ops;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Java revisions: instances of {@link Migration}, given directly or found with ServiceLoader in a jar. */
public final class JavaRevisions {
    private JavaRevisions() {
    }

    public static Revision of(Migration m) {
        String source = m.getClass().getName();
        Ops up = new Ops();
        Ops down = new Ops();
        try {
            m.upgrade(up);
            m.downgrade(down);
        } catch (RuntimeException e) {
            throw new InvalidRevisionException(source + ": building its operations failed: " + e.getMessage());
        }
        if (m.revision() == null || !m.revision().matches("[A-Za-z0-9_.-]+")) {
            throw new InvalidRevisionException(source + ": revision id \"" + m.revision() + "\" may only use letters, digits, '_', '.' and '-'");
        }
        return new Revision(m.revision(), m.downRevisions() == null ? List.of() : m.downRevisions(),
                m.message() == null ? "" : m.message(), source, m.transactional(), m.acknowledged(),
                up.recorded(), down.recorded(), !down.recorded().isEmpty() || up.recorded().isEmpty(), java.util.Map.of(),
                m.dependsOn() == null ? List.of() : m.dependsOn(), m.branchLabels() == null ? java.util.Set.of() : m.branchLabels());
    }

    public static List<Revision> of(List<? extends Migration> migrations) {
        return migrations.stream().map(JavaRevisions::of).toList();
    }

    /** The {@link Migration}s a jar lists in {@code META-INF/services/dev.pgbackfill.migrate.Migration}. */
    public static List<Revision> jar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new InvalidRevisionException("--jar " + jar + ": no such file");
        }
        try {
            URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, JavaRevisions.class.getClassLoader());
            List<Migration> found = new ArrayList<>();
            ServiceLoader.load(Migration.class, loader).forEach(found::add);
            if (found.isEmpty()) {
                throw new InvalidRevisionException("--jar " + jar + ": lists no revisions; add their class names to META-INF/services/"
                        + Migration.class.getName());
            }
            return of(found);
        } catch (MalformedURLException e) {
            throw new InvalidRevisionException("--jar " + jar + ": " + e.getMessage());
        } catch (ServiceConfigurationError e) {
            throw new InvalidRevisionException("--jar " + jar + ": " + e.getMessage());
        }
    }

}
