package net.edgegw.aggregator.mirror;

import net.edgegw.core.security.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * MirrorMaker 2 in dedicated mode ({@code org.apache.kafka.connect.mirror.MirrorMaker}) inside this JVM: one Connect
 * herder per enabled {@code source->target} flow, the source, checkpoint and heartbeat connectors, and the internal
 * topics ({@code mm2-offsets.*}, {@code mm2-configs.*}, {@code mm2-status.*}) on each target cluster.
 *
 * <p>connect-mirror is not published for Kafka 4.4.0 and 4.3.1 does not link against kafka-clients 4.4.0, so
 * MirrorMaker runs in a {@link MirrorClassLoader} over the jars in the mirror library directory (connect-mirror,
 * connect-mirror-client, connect-runtime, connect-api, connect-json, connect-transforms and kafka-clients, all
 * {@value #MIRROR_KAFKA_VERSION}): the system property {@value #LIB_PROPERTY}, else the environment variable
 * {@value #LIB_ENV}, else {@code mirror/} beside the jar holding this class (the package's {@code lib/mirror}).
 *
 * <p>MirrorMaker registers its own JVM shutdown hook, so SIGTERM stops it cleanly; {@link #close()} does the same and
 * waits. Start once, close many; thread-safe.
 */
public final class MirrorRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MirrorRunner.class);
    /** The Kafka release of the isolated MirrorMaker jars. */
    public static final String MIRROR_KAFKA_VERSION = "4.3.1";
    public static final String LIB_PROPERTY = "cloud-aggregator.mirror.lib";
    public static final String LIB_ENV = "CLOUD_AGGREGATOR_MIRROR_LIB";
    static final String MAIN_CLASS = "org.apache.kafka.connect.mirror.MirrorMaker";

    private final MirrorClassLoader loader;
    private final Object mirrorMaker;
    private final List<String> flows;
    private final String kafkaVersion;

    private MirrorRunner(MirrorClassLoader loader, Object mirrorMaker, List<String> flows, String kafkaVersion) {
        this.loader = loader;
        this.mirrorMaker = mirrorMaker;
        this.flows = flows;
        this.kafkaVersion = kafkaVersion;
    }

    /**
     * Starts MirrorMaker with properties already checked by {@link MirrorConfig}; returns once the herders have
     * started (the connectors are configured when each herder's worker joins its group).
     *
     * @throws IllegalStateException    if the mirror library directory is missing or incomplete
     * @throws IllegalArgumentException if MirrorMaker rejects the properties (its message)
     */
    public static MirrorRunner start(Map<String, String> props) {
        return start(props, libraryDir());
    }

    /** As {@link #start(Map)}, with the jars from {@code libDir}. */
    public static MirrorRunner start(Map<String, String> props, Path libDir) {
        List<String> flows = MirrorConfig.flows(props);
        if (LOG.isDebugEnabled()) {
            LOG.debug("MirrorMaker properties: {}", Secrets.redact(props));
        }
        MirrorClassLoader loader = new MirrorClassLoader(jars(libDir), MirrorRunner.class.getClassLoader());
        try {
            String version = (String) inLoader(loader, () -> loader
                    .loadClass("org.apache.kafka.common.utils.AppInfoParser").getMethod("getVersion").invoke(null));
            Object mm = inLoader(loader, () -> loader.loadClass(MAIN_CLASS).getConstructor(Map.class).newInstance(props));
            MirrorRunner runner = new MirrorRunner(loader, mm, flows, version);
            try {
                runner.call("start");
            } catch (RuntimeException e) {
                runner.close();
                throw e;
            }
            LOG.info("MirrorMaker 2 (Kafka {}, isolated from the aggregator's clients) started: flows {}", version, flows);
            return runner;
        } catch (RuntimeException e) {
            closeQuietly(loader);
            throw e;
        }
    }

    /** The enabled flows, {@code source->target}. */
    public List<String> flows() {
        return flows;
    }

    /** The Kafka version MirrorMaker runs with (that of its isolated kafka-clients). */
    public String kafkaVersion() {
        return kafkaVersion;
    }

    /** Blocks until MirrorMaker has stopped (SIGTERM or {@link #close()}). */
    public void awaitStop() {
        call("awaitStop");
    }

    /**
     * Stops every herder and waits for them; idempotent. The class loader stays open: MirrorMaker's own shutdown hook
     * still runs (as a no-op) at JVM exit and may need to load classes.
     */
    @Override
    public void close() {
        call("stop");
        call("awaitStop");
    }

    private void call(String method) {
        inLoader(loader, () -> {
            Method m = mirrorMaker.getClass().getMethod(method);
            return m.invoke(mirrorMaker);
        });
    }

    /** Runs {@code body} with {@code loader} as the thread's context class loader; unwraps reflection failures. */
    private static Object inLoader(ClassLoader loader, Callable<Object> body) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return body.call();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re && re.getClass().getName().endsWith("ConfigException")) {
                throw new IllegalArgumentException("MirrorMaker rejects the configuration: " + re.getMessage(), re);
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("MirrorMaker failed: " + cause, cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the mirror library does not hold a usable MirrorMaker (" + e + ")", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    /** Where the isolated MirrorMaker jars are (see the class comment); not checked. */
    public static Path libraryDir() {
        String p = System.getProperty(LIB_PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(LIB_ENV);
        }
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        try {
            Path jar = Path.of(MirrorRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return (Files.isDirectory(jar) ? jar : jar.getParent()).resolve("mirror");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("lib", "mirror");
        }
    }

    static URL[] jars(Path dir) {
        List<URL> urls = new ArrayList<>();
        boolean runtime = false;
        boolean clients = false;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".jar")).sorted().toList()) {
                String n = f.getFileName().toString();
                runtime |= n.startsWith("connect-mirror-" + MIRROR_KAFKA_VERSION) || n.startsWith("connect-mirror-4");
                clients |= n.startsWith("kafka-clients-");
                urls.add(f.toUri().toURL());
            }
        } catch (IOException e) {
            throw new IllegalStateException("mirror library directory " + dir + " is not readable (" + e + "); set -D"
                    + LIB_PROPERTY + " or " + LIB_ENV + " to the directory holding connect-mirror and kafka-clients "
                    + MIRROR_KAFKA_VERSION + " jars", e);
        }
        if (!runtime || !clients) {
            throw new IllegalStateException("mirror library directory " + dir + " must hold connect-mirror, "
                    + "connect-mirror-client, connect-runtime, connect-api, connect-json, connect-transforms and "
                    + "kafka-clients " + MIRROR_KAFKA_VERSION + " jars");
        }
        return urls.toArray(URL[]::new);
    }

    private static void closeQuietly(MirrorClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.debug("closing the mirror class loader: {}", e.toString());
        }
    }
}
