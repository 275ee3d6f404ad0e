package net.edgegw.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker + controller) running in a child JVM, for
 * tests that need to stop, kill and restart "the cloud".
 *
 * <p>The child JVM runs with the classpath of the current JVM (so {@code kafka_2.13}, which testkit depends on,
 * must be on it; one SLF4J binding is kept, logback, configured to write the broker's log to
 * {@code <dir>/server.log}; the JVM's own stdout/stderr go to {@code <dir>/kafka.out}). Everything lives under
 * the directory passed to {@link #start(Path)}: configuration, logs and the data ({@code <dir>/data}). The
 * directory is formatted on first start and reused as it is on every {@link #restart()}, on the same ports,
 * so data committed before a {@link #stop()} or {@link #kill()} is there again after the restart.
 *
 * <p>Listeners bind 127.0.0.1 only. Defaults suit one broker: replication factor 1 and min ISR 1 for every
 * topic including the internal ones (one partition each, to start fast), auto topic creation on,
 * {@code group.initial.rebalance.delay.ms=0}, so transactional producers and {@code read_committed} consumers
 * work out of the box. Override any broker property with {@link Builder#brokerProperty(String, String)}.
 *
 * <p>If the test JVM dies without closing the broker (even by SIGKILL) the broker notices that its parent is
 * gone and halts; a JVM shutdown hook also kills every broker still running, so no broker outlives its test
 * JVM.
 *
 * <p>Thread-safety: this class is thread-safe. Lifecycle methods ({@link #stop()}, {@link #kill()},
 * {@link #restart()}, {@link #close()}) are serialised on the instance; {@link #bootstrapServers()} never
 * changes and may be read at any time; {@link #createTopic} may be called concurrently.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";
    static final String STATE_FILE = "embedded-kafka.properties";
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Object SHARED_LOCK = new Object();
    private static EmbeddedKafka shared;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) {
                p.destroyForcibly();
            }
        }, "embedded-kafka-reaper"));
    }

    private final Path dir;
    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private final Map<String, String> overrides;
    private final List<String> jvmOptions;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private Process process; // guarded by this
    private volatile Duration lastStartDuration = Duration.ZERO;

    private EmbeddedKafka(Builder b, int port, int controllerPort, String clusterId) {
        this.dir = b.dir.toAbsolutePath();
        this.dataDir = dir.resolve("data");
        this.port = port;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(b.brokerProperties));
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.startTimeout = b.startTimeout;
        this.stopTimeout = b.stopTimeout;
    }

    /**
     * Starts a broker in {@code dir} (created if missing) and waits until it is ready. If {@code dir} holds a
     * broker from an earlier run, its data, cluster id and (if still free) ports are reused.
     */
    public static EmbeddedKafka start(Path dir) {
        return builder(dir).start();
    }

    /** A builder for a broker in {@code dir}, for non-default broker properties or JVM options. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /**
     * One broker per JVM, started on first use and killed by a shutdown hook when the JVM exits. For test
     * classes that only produce and consume; tests that stop, kill or restart a broker must start their own.
     * Its directory is {@code target/embedded-kafka-shared-<pid>} when the working directory has a
     * {@code target} directory (Maven), else a temporary directory.
     */
    public static EmbeddedKafka shared() {
        synchronized (SHARED_LOCK) {
            if (shared == null || !shared.isRunning()) {
                try {
                    Path target = Path.of("target");
                    String name = "embedded-kafka-shared-" + ProcessHandle.current().pid();
                    Path dir = Files.isDirectory(target)
                            ? Files.createDirectories(target.resolve(name))
                            : Files.createTempDirectory(name);
                    shared = start(dir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return shared;
        }
    }

    /** {@code 127.0.0.1:<port>}; the same across restarts. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The client (PLAINTEXT) port. */
    public int port() {
        return port;
    }

    /** The directory holding configuration, logs ({@code server.log}, {@code kafka.out}) and data. */
    public Path dir() {
        return dir;
    }

    /** The broker's log file. */
    public Path logFile() {
        return dir.resolve("server.log");
    }

    /** The cluster id the storage was formatted with. */
    public String clusterId() {
        return clusterId;
    }

    /** How long the last start or restart took until the broker was ready. */
    public Duration lastStartDuration() {
        return lastStartDuration;
    }

    /** Whether the broker process is alive (not necessarily ready). */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The broker's process id, or -1 when it is not running. */
    public synchronized long pid() {
        return isRunning() ? process.pid() : -1;
    }

    /** Client properties with {@code bootstrap.servers} set; add your own and pass to a client. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        Properties p = clientProperties();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        return Admin.create(p);
    }

    /**
     * Stops the broker gracefully (SIGTERM, controlled shutdown) and waits for it to exit; after the stop
     * timeout (default 60 s) it is killed. No-op if not running.
     */
    public synchronized void stop() {
        if (!isRunning()) {
            return;
        }
        long t0 = System.nanoTime();
        process.destroy();
        boolean exited = waitFor(process, stopTimeout);
        if (!exited) {
            LOG.warn("broker {} did not stop within {}, killing it", bootstrapServers(), stopTimeout);
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(30));
        }
        LOG.info("broker {} stopped in {} ms (exit {})", bootstrapServers(), millisSince(t0), process.exitValue());
        release();
    }

    /** Kills the broker with SIGKILL (no clean shutdown) and waits until the process is gone. */
    public synchronized void kill() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        waitFor(process, Duration.ofSeconds(30));
        LOG.info("broker {} killed", bootstrapServers());
        release();
    }

    /**
     * Starts the broker again on the same ports and the same directory and waits until it answers metadata
     * requests and its controller accepts a topic creation. If it is still running it is stopped gracefully
     * first.
     */
    public synchronized void restart() {
        stop();
        launch();
    }

    /**
     * Creates a topic with replication factor 1 and waits until it is created; does nothing if the topic
     * exists already.
     *
     * @param compacted {@code cleanup.policy=compact} if true, else the default ({@code delete})
     */
    public void createTopic(String name, int partitions, boolean compacted) {
        createTopic(name, partitions, compacted ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT) : Map.of());
    }

    /** Creates a topic with replication factor 1 and the given topic configs; no-op if it exists. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills the broker (SIGKILL). Deletes nothing: the caller owns the directory. */
    @Override
    public synchronized void close() {
        kill();
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", dir=" + dir + ", " + (isRunning() ? "running" : "stopped")
                + "]";
    }

    // ---------------------------------------------------------------------------------------------------------

    private synchronized void launch() {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dataDir);
            BrokerFiles files = new BrokerFiles(dir, dataDir, HOST, port, controllerPort, clusterId, overrides,
                    jvmOptions);
            files.writeConfig();
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("@" + files.writeArgFile());
            cmd.add(KafkaBrokerMain.class.getName());
            cmd.add(dir.resolve("server.properties").toString());
            cmd.add(clusterId);
            cmd.add(dataDir.toString());
            Path out = dir.resolve("kafka.out");
            Files.writeString(out, "---- testkit: launching broker " + java.time.Instant.now() + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("_JAVA_OPTIONS");
            process = pb.start();
            LIVE.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch broker in " + dir, e);
        }
        awaitReady(t0);
        lastStartDuration = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info("broker {} ready in {} ms (pid {}, dir {})", bootstrapServers(), lastStartDuration.toMillis(),
                process.pid(), dir);
    }

    private void awaitReady(long t0) {
        long deadline = t0 + startTimeout.toNanos();
        Properties p = clientProperties();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        p.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "200");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        Throwable last = null;
        // plain TCP polling first: an admin client pointed at a closed port logs a warning every 200 ms
        while (!accepts(port)) {
            if (!process.isAlive()) {
                throw failure("broker process exited with code " + process.exitValue() + " during startup", null);
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw failure("broker did not open port " + port + " within " + startTimeout, null);
            }
            sleep(50);
        }
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw failure("broker process exited with code " + process.exitValue() + " during startup", null);
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        // proves the controller is active and the broker registered and unfenced
                        admin.createTopics(List.of(new NewTopic("testkit-readiness-probe", 1, (short) 1)),
                                new CreateTopicsOptions().validateOnly(true)).all().get(3, TimeUnit.SECONDS);
                        return;
                    }
                } catch (ExecutionException e) {
                    last = e.getCause();
                } catch (java.util.concurrent.TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the broker", e);
                }
                sleep(100);
            }
        }
        process.destroyForcibly();
        throw failure("broker not ready within " + startTimeout, last);
    }

    private static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private IllegalStateException failure(String why, Throwable cause) {
        String msg = why + " (" + this + ")\n--- kafka.out (tail)\n" + tail(dir.resolve("kafka.out"), 30)
                + "\n--- server.log (tail)\n" + tail(logFile(), 30);
        return new IllegalStateException(msg, cause);
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    private void release() {
        LIVE.remove(process);
    }

    private static boolean waitFor(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Options for {@link EmbeddedKafka}. Not thread-safe; use from one thread, then call {@link #start()}.
     */
    public static final class Builder {
        private final Path dir;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>(List.of(
                "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true"));
        private Duration startTimeout = Duration.ofSeconds(90);
        private Duration stopTimeout = Duration.ofSeconds(60);

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Sets (or overrides) one {@code server.properties} entry, e.g. {@code log.retention.ms}. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        /**
         * Replaces the child JVM options. Default: {@code -Xms128m -Xmx512m -XX:+UseSerialGC
         * -XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError} (C1 only: starts faster, but
         * for throughput benchmarks drop {@code -XX:TieredStopAtLevel=1}).
         */
        public Builder jvmOptions(List<String> options) {
            jvmOptions.clear();
            jvmOptions.addAll(options);
            return this;
        }

        /** How long {@code start} and {@code restart} wait for readiness (default 90 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** How long {@link EmbeddedKafka#stop()} waits before it kills the broker (default 60 s). */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        /** Starts the broker and waits until it is ready. */
        public EmbeddedKafka start() {
            try {
                Files.createDirectories(dir);
                Properties state = new Properties();
                Path stateFile = dir.resolve(STATE_FILE);
                if (Files.exists(stateFile)) {
                    try (InputStream in = Files.newInputStream(stateFile)) {
                        state.load(in);
                    }
                }
                int port = reuse(state.getProperty("port"));
                int controllerPort = reuse(state.getProperty("controller.port"));
                String clusterId = state.getProperty("cluster.id", newClusterId());
                EmbeddedKafka k = new EmbeddedKafka(this, port, controllerPort, clusterId);
                k.launch();
                return k;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static int reuse(String port) {
            if (port != null && FreePorts.isTcpFree(Integer.parseInt(port))) {
                return Integer.parseInt(port);
            }
            return FreePorts.tcp();
        }

        private static String newClusterId() {
            // Kafka's own generator: never starts with '-', which the storage tool would take for an option
            return org.apache.kafka.common.Uuid.randomUuid().toString();
        }
    }
}
