package net.edgegw.gateway;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import net.edgegw.storeforward.BufferSettings;
import net.edgegw.storeforward.ChronicleLaneBuffer;
import net.edgegw.storeforward.LaneBuffer;
import net.edgegw.core.Source;
import net.edgegw.core.SourceContext;
import net.edgegw.adapters.InputRegistry;
import net.edgegw.core.InputConfig;
import net.edgegw.core.cli.ProgramVersion;
import net.edgegw.gateway.config.ConfigDiff;
import net.edgegw.gateway.config.ConfigTarget;
import net.edgegw.gateway.status.GatewayView;
import net.edgegw.gateway.config.GatewayConfig;
import net.edgegw.gateway.config.Inputs;
import net.edgegw.gateway.config.GatewayConfig.LaneConfig;
import net.edgegw.gateway.status.HeartbeatBuilder;
import net.edgegw.pipeline.DeadLetterSink;
import net.edgegw.pipeline.Pipeline;
import net.edgegw.pipeline.PipelineSettings;
import net.edgegw.pipeline.RejectionHandler;
import net.edgegw.gateway.status.UplinkView;
import net.edgegw.uplink.Delivery;
import net.edgegw.uplink.Forwarder;
import net.edgegw.uplink.HeartbeatSender;
import net.edgegw.uplink.Lane;
import net.edgegw.uplink.UplinkSettings;
import net.edgegw.uplink.UplinkStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The gateway application: wires inputs -> pipeline -> lane buffers -> forwarder -> Kafka, plus heartbeats and
 * metrics. Start once, close many. Shutdown order: stop inputs, refuse new records, finish the in-flight uplink
 * batch, send a last heartbeat, close the buffers.
 */
public final class Gateway implements AutoCloseable, ConfigTarget, GatewayView {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private volatile GatewayConfig config;
    private final Clock clock;
    private final MetricRegistry metrics;
    private final InputRegistry inputKinds;
    private final Map<String, LaneBuffer> lanes = new LinkedHashMap<>();
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final Map<String, InetSocketAddress> bound = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Pipeline pipeline;
    private volatile boolean applying;
    private RejectionHandler rejections;
    private DeadLetterSink deadLetters;
    private volatile Forwarder forwarder;
    private volatile HeartbeatSender heartbeatSender;
    private HeartbeatBuilder heartbeat;
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> heartbeatTask;
    private SourceContext sourceContext;
    private final Instant startedAt;
    private JmxReporter jmx;
    private FileChannel lockChannel;
    private FileLock lock;
    private boolean started;
    private boolean closed;

    public Gateway(GatewayConfig config, Clock clock, MetricRegistry metrics) {
        this(config, clock, metrics, Inputs.registry());
    }

    /** A gateway whose inputs are created by {@code inputKinds} (the registry the config was loaded with). */
    public Gateway(GatewayConfig config, Clock clock, MetricRegistry metrics, InputRegistry inputKinds) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.inputKinds = inputKinds;
        this.startedAt = clock.instant();
    }

    /** Starts everything or throws (after closing what was started). */
    public synchronized void start() throws Exception {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        lockDataDir();
        for (LaneConfig l : config.lanes()) {
            BufferSettings bs = new BufferSettings(config.dataDir().resolve("buffer").resolve(l.name()), l.maxBytes(),
                    config.buffer().maxAge(), config.buffer().overflow(), config.buffer().sync(),
                    config.buffer().syncInterval(), config.buffer().minFreeDisk());
            lanes.put(l.name(), new ChronicleLaneBuffer(l.name(), bs, clock, metrics));
        }
        PipelineSettings ps = config.pipeline();
        if (ps.deadLetter() != null) {
            deadLetters = new DeadLetterSink(config.site(), config.gateway(), lanes.get(ps.deadLetter().lane()),
                    ps.deadLetter().topic(), clock, metrics);
        }
        rejections = new RejectionHandler(clock, metrics, 10_000, deadLetters);
        pipeline = new Pipeline(ps, lanes, metrics, rejections);

        forwarder = startForwarder(config);
        heartbeatSender = heartbeatSender(config);
        heartbeat = new HeartbeatBuilder(config.site(), config.gateway(), ProgramVersion.of(Gateway.class), config.hash(),
                clock, metrics,
                config.inputs().stream().map(InputConfig::name).toList(), this::backlogs, rejections::counts,
                this::uplinkView);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat");
            t.setDaemon(true);
            return t;
        });
        scheduleHeartbeat(config);

        sourceContext = new SourceContext(config.site(), config.gateway(), clock, pipeline, rejections, pipeline);
        for (InputConfig in : config.inputs()) {
            startInput(in);
        }
        jmx = JmxReporter.forRegistry(metrics).inDomain("edge-gateway").build();
        jmx.start();
        LOG.info("edge-gateway {} ready: site {}, gateway {}, {} input(s), lanes {}, uplink {} ({})",
                ProgramVersion.of(Gateway.class),
                config.site(), config.gateway(), sources.size(), lanes.keySet(), config.uplink().bootstrapServers(),
                config.uplink().delivery());
    }

    private void startInput(InputConfig in) throws Exception {
        Source src = inputKinds.createSource(in, metrics, config.dataDir().resolve("inputs").resolve(in.name()));
        try {
            src.start(sourceContext);
        } catch (Exception e) {
            closeQuietly(src, "input " + in.name());
            throw e;
        }
        sources.put(in.name(), src);
        if (src.boundAddress() != null) {
            bound.put(in.name(), src.boundAddress());
            LOG.info("input {} ({}) listening on {}", in.name(), in.describe(), src.boundAddress());
        } else {
            LOG.info("input {} ({}) started", in.name(), in.describe());
        }
    }

    private void stopInput(String name) {
        Source s = sources.remove(name);
        bound.remove(name);
        if (s != null) {
            closeQuietly(s, "input " + name);
            LOG.info("input {} stopped", name);
        }
    }

    private Forwarder startForwarder(GatewayConfig c) {
        List<Lane> forwarded = new ArrayList<>();
        for (LaneConfig l : c.lanes()) {
            forwarded.add(new Lane(lanes.get(l.name()), l.priority()));
        }
        Forwarder f = new Forwarder(c.site(), c.gateway(), forwarded, uplinkSettings(c.uplink()), clock, metrics);
        f.start();
        return f;
    }

    private HeartbeatSender heartbeatSender(GatewayConfig c) {
        return new HeartbeatSender(c.site(), c.gateway(), c.heartbeat().topic(), uplinkSettings(c.uplink()), metrics);
    }

    private void scheduleHeartbeat(GatewayConfig c) {
        if (heartbeatTask != null) {
            heartbeatTask.cancel(false);
        }
        long hbMs = c.heartbeat().interval().toMillis();
        heartbeatTask = scheduler.scheduleAtFixedRate(this::sendHeartbeat, 0, hbMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Applies a validated config whose {@link ConfigDiff} has no restart-required change, changing only what changed:
     * inputs removed or changed are closed (their in-flight records stored), the pipeline's routes, tags and input
     * targets swapped at once, inputs added or changed started; then the uplink's producers are replaced after their
     * in-flight batch (the lanes' positions are in Kafka, so nothing is sent twice or skipped) and the heartbeat
     * rescheduled. Buffered records are untouched. If an input cannot start (its port is taken...) everything done is
     * undone, in reverse, and the exception says which input and why.
     *
     * @throws IllegalArgumentException if {@code diff} needs a restart
     * @throws ApplyFailed           if a step failed (the gateway runs the previous config again)
     */
    @Override
    public synchronized void apply(GatewayConfig next, ConfigDiff diff) throws ApplyFailed {
        if (!started || closed) {
            throw new IllegalStateException("gateway not running");
        }
        if (!diff.restartRequired().isEmpty()) {
            throw new IllegalArgumentException("needs a restart: " + diff.restartRequired());
        }
        GatewayConfig was = config;
        Deque<Runnable> undo = new ArrayDeque<>();
        applying = true;
        try {
            for (InputConfig in : was.inputs()) {
                if (diff.inputsRemoved().contains(in.name()) || diff.inputsChanged().contains(in.name())) {
                    stopInput(in.name());
                    undo.push(() -> restartQuietly(in));
                }
            }
            config = next;
            undo.push(() -> config = was);
            if (diff.pipelineChanged()) {
                pipeline.reconfigure(next.pipeline());
                undo.push(() -> pipeline.reconfigure(was.pipeline()));
            }
            for (InputConfig in : next.inputs()) {
                if (diff.inputsAdded().contains(in.name()) || diff.inputsChanged().contains(in.name())) {
                    try {
                        startInput(in);
                    } catch (Exception e) {
                        throw new ApplyFailed("input " + in.name() + " (" + in.describe() + ") cannot start: "
                                + e.getMessage(), e);
                    }
                    undo.push(() -> stopInput(in.name()));
                }
            }
            // the heartbeat producer first: it is built at once, so settings Kafka refuses fail here, before
            // the forwarder is touched
            if (diff.uplinkChanged() || !was.heartbeat().topic().equals(next.heartbeat().topic())) {
                HeartbeatSender old = heartbeatSender;
                HeartbeatSender replacement;
                try {
                    replacement = heartbeatSender(next);
                } catch (RuntimeException e) {
                    throw new ApplyFailed("the new heartbeat settings cannot be used: " + e.getMessage(), e);
                }
                heartbeatSender = replacement;
                closeQuietly(old, "heartbeat sender");
                undo.push(() -> {
                    HeartbeatSender failed = heartbeatSender;
                    heartbeatSender = heartbeatSender(was);
                    closeQuietly(failed, "heartbeat sender");
                });
            }
            if (diff.uplinkChanged()) {
                LOG.info("uplink settings changed: replacing the producers after the in-flight batch");
                closeQuietly(forwarder, "forwarder");
                try {
                    forwarder = startForwarder(next);
                } catch (RuntimeException e) {
                    forwarder = startForwarder(was);
                    throw new ApplyFailed("the new uplink settings cannot be used: " + e.getMessage(), e);
                }
                undo.push(() -> {
                    closeQuietly(forwarder, "forwarder");
                    forwarder = startForwarder(was);
                });
            }
        } catch (ApplyFailed | RuntimeException e) {
            List<String> notUndone = new ArrayList<>();
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (RuntimeException u) {
                    LOG.error("undoing a failed config apply: {}", u.toString());
                    notUndone.add(u.getMessage());
                }
            }
            notUndone.addAll(restartFailures);
            restartFailures.clear();
            String msg = e instanceof ApplyFailed ? e.getMessage() : e.toString();
            throw new ApplyFailed(msg, e, notUndone);
        } finally {
            applying = false;
        }
        heartbeat.reconfigured(next.hash(), next.inputs().stream().map(InputConfig::name).toList());
        if (diff.heartbeatChanged() || diff.uplinkChanged()) {
            scheduleHeartbeat(next); // also sends one now, with the new config hash
        } else {
            scheduler.execute(this::sendHeartbeat);
        }
    }

    private final List<String> restartFailures = new ArrayList<>(); // guarded by this (apply)

    private void restartQuietly(InputConfig in) {
        try {
            startInput(in);
        } catch (Exception e) {
            LOG.error("input {} could not be restarted with its previous settings: {}", in.name(), e.toString());
            restartFailures.add("input " + in.name() + " is not running (" + e.getMessage() + ")");
        }
    }

    @Override
    public GatewayConfig running() {
        return config;
    }

    /** When this gateway started. */
    @Override
    public Instant startedAt() {
        return startedAt;
    }

    /** The metric registry of this gateway. */
    @Override
    public MetricRegistry metrics() {
        return metrics;
    }

    /** The pipeline (after start): for live views of what is stored. */
    @Override
    public boolean applying() {
        return applying;
    }

    @Override
    public Pipeline pipeline() {
        return pipeline;
    }

    /** The backlog of each lane, by lane name. */
    @Override
    public Map<String, net.edgegw.storeforward.Backlog> laneBacklogs() {
        return backlogs();
    }

    /** The uplink's state now. */
    @Override
    public UplinkStatus uplinkStatus() {
        return forwarder.status();
    }

    /** Rejected records by input and reason since start. */
    @Override
    public Map<String, Map<String, Long>> rejectionCounts() {
        return rejections.counts();
    }

    /**
     * Why the buffer cannot take records, or null when it can: each lane's directory is writable and its filesystem
     * has at least {@code buffer.minFreeDisk} free (below it records are dropped, {@code dropped.diskFull}).
     */
    @Override
    public String bufferProblem() {
        GatewayConfig c = config;
        for (String lane : lanes.keySet()) {
            Path dir = c.dataDir().resolve("buffer").resolve(lane);
            if (!Files.isWritable(dir)) {
                return "buffer directory " + dir + " is not writable";
            }
            try {
                long free = net.edgegw.storeforward.FreeSpace.FILE_STORE.usableBytes(dir);
                if (free < c.buffer().minFreeDisk()) {
                    return "buffer filesystem of lane " + lane + " has " + HumanUnits.bytes(free)
                            + " free, below buffer.minFreeDisk " + HumanUnits.bytes(c.buffer().minFreeDisk())
                            + ": new records are dropped";
                }
            } catch (IOException e) {
                return "buffer filesystem of lane " + lane + " cannot be read: " + e.getMessage();
            }
        }
        return null;
    }

    private void lockDataDir() throws IOException {
        Files.createDirectories(config.dataDir());
        Path lockFile = config.dataDir().resolve("gateway.lock");
        lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("data directory " + config.dataDir()
                    + " is in use by another gateway process (lock " + lockFile + ")");
        }
    }

    static UplinkSettings uplinkSettings(GatewayConfig.UplinkConfig u) {
        UplinkSettings d = UplinkSettings.defaults(u.bootstrapServers());
        return new UplinkSettings(u.bootstrapServers(),
                u.delivery() == GatewayConfig.Delivery.AT_LEAST_ONCE ? Delivery.AT_LEAST_ONCE : Delivery.EXACTLY_ONCE,
                u.compression(), u.properties(), u.batchMaxRecords(), (int) u.batchMaxBytes(), u.batchWait(),
                u.bandwidth(), d.checkpointsTopic(), d.backoffMin(), d.backoffMax());
    }

    /** Where each input is listening (after start), by input name. */
    @Override
    public Map<String, InetSocketAddress> boundAddresses() {
        return Map.copyOf(bound);
    }

    private Map<String, net.edgegw.storeforward.Backlog> backlogs() {
        Map<String, net.edgegw.storeforward.Backlog> out = new LinkedHashMap<>();
        lanes.forEach((name, b) -> out.put(name, b.backlog()));
        return out;
    }

    private UplinkView uplinkView() {
        UplinkStatus s = forwarder.status();
        return new UplinkView(s.state().name(), s.lastError(), s.recordsSent(), s.drainRatePerSec());
    }

    private void sendHeartbeat() {
        try {
            HeartbeatBuilder.Built hb = heartbeat.next();
            heartbeatSender.send(hb.heartbeat(), hb.acknowledged());
        } catch (RuntimeException e) {
            LOG.warn("heartbeat not sent: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("edge-gateway stopping: inputs first, then the in-flight uplink batch");
        for (Source s : sources.values()) {
            closeQuietly(s, "input " + s.name());
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
        if (forwarder != null) {
            closeQuietly(forwarder, "forwarder");
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (heartbeatSender != null) {
            sendHeartbeat();
            closeQuietly(heartbeatSender, "heartbeat sender");
        }
        for (LaneBuffer b : lanes.values()) {
            closeQuietly(b, "buffer " + b.lane());
        }
        if (jmx != null) {
            jmx.stop();
        }
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.debug("lock release: {}", e.toString());
        }
        LOG.info("edge-gateway stopped");
    }

    private static void closeQuietly(AutoCloseable c, String what) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {}: {}", what, e.toString());
        }
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
