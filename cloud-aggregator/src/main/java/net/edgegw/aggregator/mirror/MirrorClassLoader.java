package net.edgegw.aggregator.mirror;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Loads every {@code org.apache.kafka.*} class and resource from its own jars only (connect-mirror and the
 * kafka-clients it was built against) and everything else (SLF4J, logback, Jetty, Jersey, Jackson, the JDK) from the
 * parent. This lets MirrorMaker 2 4.3.1 run in the same JVM as the aggregator's kafka-clients 4.4.0, which moved
 * classes that Connect 4.3.1 links against ({@code org.apache.kafka.common.utils.AppInfoParser}, {@code Exit},
 * {@code LogContext}, {@code ThreadUtils}... now in {@code ...utils.internals}). Thread-safe (parallel capable).
 */
final class MirrorClassLoader extends URLClassLoader {

    static final String ISOLATED = "org.apache.kafka.";
    private static final String ISOLATED_PATH = "org/apache/kafka/";
    private static final String ISOLATED_SERVICES = "META-INF/services/org.apache.kafka.";

    static {
        ClassLoader.registerAsParallelCapable();
    }

    MirrorClassLoader(URL[] jars, ClassLoader parent) {
        super("mirror-maker", jars, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith(ISOLATED)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = findClass(name); // never from the parent: that would mix Kafka versions
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null || isolatedResource(name) ? own : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        // Kafka's classes and its service files (which name Kafka classes) only from the own jars
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        if (!isolatedResource(name)) {
            for (URL u : Collections.list(getParent().getResources(name))) {
                if (!all.contains(u)) {
                    all.add(u);
                }
            }
        }
        return Collections.enumeration(all);
    }

    private static boolean isolatedResource(String name) {
        return name.startsWith(ISOLATED_PATH) || name.startsWith(ISOLATED_SERVICES) || name.startsWith("kafka/");
    }
}
