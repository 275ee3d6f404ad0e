package net.edgegw.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * The classpath a child JVM (the embedded broker) runs with: this JVM's own, with a surefire manifest-only jar
 * expanded, testkit and {@code kafka_2.13} added if missing, and SLF4J bindings other than logback removed.
 * Computed once. Thread-safe.
 */
final class ChildClasspath {
    /** SLF4J bindings other than logback (and similar) that must not reach the child's classpath. */
    private static final Pattern FOREIGN_BINDING = Pattern.compile(
            "(slf4j-(simple|nop|jdk14|jdk-platform-logging|reload4j|log4j12)|log4j-slf4j2?-impl|logback-android)-.*\\.jar");

    private ChildClasspath() {
    }

    private static volatile List<String> classpath;

    /** The current JVM's classpath (expanding a surefire manifest-only jar), minus foreign SLF4J bindings. */
    static List<String> entries() {
        List<String> cp = classpath;
        if (cp != null) {
            return cp;
        }
        Set<String> entries = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(Pattern.quote(File.pathSeparator))) {
            if (e.isEmpty()) {
                continue;
            }
            Path p = Path.of(e);
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            if (name.startsWith("surefirebooter") && name.endsWith(".jar")) {
                entries.addAll(manifestClassPath(p));
            } else {
                entries.add(p.toAbsolutePath().toString());
            }
        }
        codeSource(ChildClasspath.class).ifPresent(entries::add);
        List<String> result = new ArrayList<>();
        for (String e : entries) {
            String name = Path.of(e).getFileName() == null ? "" : Path.of(e).getFileName().toString();
            if (!FOREIGN_BINDING.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
                result.add(e);
            }
        }
        if (result.stream().noneMatch(e -> Path.of(e).getFileName().toString().startsWith("kafka_2.13"))
                && codeSource(ChildClasspath.class).isPresent()) {
            try {
                codeSourceOf("kafka.Kafka").ifPresent(result::add);
            } catch (RuntimeException ignored) {
                // reported below when the child fails to start
            }
        }
        classpath = List.copyOf(result);
        return classpath;
    }

    private static List<String> manifestClassPath(Path jar) {
        List<String> out = new ArrayList<>();
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest mf = jf.getManifest();
            String cp = mf == null ? null : mf.getMainAttributes().getValue("Class-Path");
            if (cp != null) {
                for (String u : cp.trim().split("\\s+")) {
                    try {
                        URI uri = jar.toAbsolutePath().getParent().toUri().resolve(u);
                        out.add(Path.of(uri).toString());
                    } catch (IllegalArgumentException e) {
                        out.add(u);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Optional<String> codeSource(Class<?> c) {
        try {
            var cs = c.getProtectionDomain().getCodeSource();
            return cs == null ? Optional.empty() : Optional.of(Path.of(cs.getLocation().toURI()).toString());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> codeSourceOf(String className) {
        try {
            return codeSource(Class.forName(className, false, ChildClasspath.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
    }

}
