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
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final Clock clock;
    private final MetricRegistry metrics;
    private final InputRegistry inputKinds;
    private final Map<String, LaneBuffer> lanes = new LinkedHashMap<>();
    private final List<Source> sources = new ArrayList<>();
    private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
    private Pipeline pipeline;
    private RejectionHandler rejections;
    private DeadLetterSink deadLetters;
    private Forwarder forwarder;
    private HeartbeatSender heartbeatSender;
    private HeartbeatBuilder heartbeat;
    private ScheduledExecutorService scheduler;
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

        UplinkSettings us = uplinkSettings(config.uplink());
        List<Lane> forwarded = new ArrayList<>();
        for (LaneConfig l : config.lanes()) {
            forwarded.add(new Lane(lanes.get(l.name()), l.priority()));
        }
        forwarder = new Forwarder(config.site(), config.gateway(), forwarded, us, clock, metrics);
        forwarder.start();

        heartbeatSender = new HeartbeatSender(config.site(), config.gateway(), config.heartbeat().topic(), us, metrics);
        heartbeat = new HeartbeatBuilder(config.site(), config.gateway(), ProgramVersion.of(Gateway.class), config.hash(),
                clock, metrics,
                config.inputs().stream().map(InputConfig::name).toList(), this::backlogs, rejections::counts,
                this::uplinkView);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat");
            t.setDaemon(true);
            return t;
        });
        long hbMs = config.heartbeat().interval().toMillis();
        scheduler.scheduleAtFixedRate(this::sendHeartbeat, 0, hbMs, TimeUnit.MILLISECONDS);

        SourceContext ctx = new SourceContext(config.site(), config.gateway(), clock, pipeline, rejections, pipeline);
        for (InputConfig in : config.inputs()) {
            Source src = inputKinds.createSource(in, metrics, config.dataDir().resolve("inputs").resolve(in.name()));
            sources.add(src);
            src.start(ctx);
            if (src.boundAddress() != null) {
                bound.put(in.name(), src.boundAddress());
                LOG.info("input {} ({}) listening on {}", in.name(), in.describe(), src.boundAddress());
            } else {
                LOG.info("input {} ({}) started", in.name(), in.describe());
            }
        }
        jmx = JmxReporter.forRegistry(metrics).inDomain("edge-gateway").build();
        jmx.start();
        LOG.info("edge-gateway {} ready: site {}, gateway {}, {} input(s), lanes {}, uplink {} ({})",
                ProgramVersion.of(Gateway.class),
                config.site(), config.gateway(), sources.size(), lanes.keySet(), config.uplink().bootstrapServers(),
                config.uplink().delivery());
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
    public synchronized Map<String, InetSocketAddress> boundAddresses() {
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
        for (Source s : sources) {
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
