package net.edgegw.adapters.mqtt;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Source;
import net.edgegw.core.SourceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.SocketFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT input (SPEC section 2): subscribes to the site's broker with Eclipse Paho (MQTT 5 or 3.1.1) and hands
 * every message to the gateway. Lifecycle: {@link #start} once, {@link #close} any number of times. Thread-safe.
 *
 * <h2>No loss</h2>
 * A persistent session (MQTT 5: clean start off and a session expiry interval; 3.1.1: clean session off) under a
 * client id that stays the same across restarts, so the broker queues QoS 1/2 messages while the gateway is away.
 * Paho runs with manual acknowledgement: a QoS 1 message is acknowledged (PUBACK) only after
 * {@link net.edgegw.core.Emitter#emit} returned ACCEPTED or FILTERED, i.e. after it is in the durable buffer or was
 * dropped on purpose by a route. With {@code overflow: block} and a full buffer {@code emit} waits, so the input stops
 * acknowledging and the broker holds the messages (its in-flight window fills and it stops sending). BUFFER_FULL: the
 * emit is retried with back-off, unacknowledged meanwhile. CLOSED (shutdown): not acknowledged, nothing more is taken;
 * the broker redelivers it at the next start. QoS 2: MQTT 3.1.1 with Paho's file persistence (PUBCOMP only after settlement) and MQTT 5 with the
 * {@link Qos2Journal} (Paho 1.2.5 sends PUBREC before the application saw a QoS 2 message, so the journal keeps it
 * until settled and it is replayed at the next start). QoS 0 messages the gateway cannot take are rejected
 * ({@code buffer-full} / {@code closed}): QoS 0 cannot be redelivered.
 *
 * <h2>No duplicates after a crash</h2>
 * The {@link AckLedger} (a memory-mapped file in the input's state directory) holds, per packet id, the fingerprint of
 * the last message accepted under it, written right after the accept and before the ack. A redelivery (DUP flag set,
 * or a QoS 2 message replayed from the client persistence) that matches is acknowledged and skipped
 * ({@code duplicates-suppressed}). Paho 1.2.5's MQTT 5 client does not pass the DUP flag to the application, so for
 * MQTT 5 a resend is recognised by its position: right after a reconnect, a message matching its packet id's slot
 * and among the last {@value MqttIngest#REDELIVERY_WINDOW} accepted (the client's receive maximum bounds what can be
 * unacknowledged). A crash between the buffer append and the ledger write leaves a pending entry that the next
 * start resolves against the buffer (see {@link AckLedger}), so that window stores nothing twice either. Residual
 * windows, stated honestly:
 * <ul>
 * <li>a pending record the buffer no longer holds at the next start (dropped by {@code drop-oldest} within a minute
 * of the crash) is stored again if redelivered: a duplicate, never a loss;</li>
 * <li>an OS crash or power loss can lose the ledger's page (and, unless {@code buffer.sync} says otherwise, buffer
 * records too);</li>
 * <li>a message whose first transmission never reached the gateway, redelivered with DUP under a packet id whose
 * previous message had exactly the same topic, QoS and payload, is taken for that previous message and skipped
 * (a loss). A first transmission (DUP clear) always clears its slot, so this needs a lost first transmission plus an
 * identical payload under a reused packet id. For MQTT 5 (no DUP flag): the first new message after a reconnect whose
 * packet id was used by one of the last 1000 accepted messages and that has exactly the same topic, QoS and payload
 * as it is taken for a resend.</li>
 * </ul>
 *
 * <h2>Bad input</h2>
 * Payloads over {@code maxPayloadBytes} are rejected as {@code oversized} (counted, dead-lettered by the gateway) and
 * acknowledged, so the broker does not redeliver them for ever. Metrics: see {@link MqttMetrics}. The password is
 * never logged.
 */
public final class MqttSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSource.class);
    static final String LEDGER_FILE = "ack-ledger.bin";
    static final String PAHO_DIR = "paho";

    private final MqttInputSettings settings;
    private final MetricRegistry registry;
    private final Path stateDir;
    private final SocketFactory socketFactory;
    private MqttMetrics metrics;
    private AckLedger ledger;
    private MqttIngest ingest;
    private MqttConnection connection;
    private ScheduledExecutorService connector;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile boolean holding;
    private volatile boolean connecting;
    private boolean everConnected;
    private long delayMs;
    private int attempts;
    private String clientId;

    /**
     * @param stateDir this input's own directory (the ack ledger and Paho's persistence live there); created on start
     * @throws IllegalArgumentException when the TLS material cannot be loaded (names the file)
     */
    public MqttSource(MqttInputSettings settings, MetricRegistry metrics, Path stateDir) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(metrics, "metrics");
        this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
        this.socketFactory = settings.tls() == null ? null : PemTls.socketFactory(settings.tls());
    }

    @Override
    public String name() {
        return settings.name();
    }

    public MqttInputSettings settings() {
        return settings;
    }

    /** The client id in use (after start). */
    public String clientId() {
        return clientId;
    }

    /** The client id used when none is configured: {@code edgegw-<site>-<gateway>-<input>}. */
    public static String defaultClientId(String site, String gateway, String input) {
        String id = ("edgegw-" + site + "-" + gateway + "-" + input).replaceAll("[^A-Za-z0-9_.:-]", "-");
        return id.length() > 128 ? id.substring(0, 128) : id;
    }

    /**
     * Opens the state, replays QoS 2 messages kept from before a restart, then connects in the background: the gateway
     * starts even while the broker is unreachable (the input retries with back-off and logs each failure).
     *
     * @throws IOException when the state directory cannot be used
     */
    @Override
    public synchronized void start(SourceContext ctx) throws Exception {
        Objects.requireNonNull(ctx, "ctx");
        if (started || closed) {
            throw new IllegalStateException("mqtt input '" + name() + "' was already " + (closed ? "closed" : "started"));
        }
        started = true;
        clientId = settings.clientId() != null ? settings.clientId() : defaultClientId(ctx.site(), ctx.gateway(), name());
        Files.createDirectories(stateDir.resolve(PAHO_DIR));
        metrics = new MqttMetrics(registry, name());
        ledger = AckLedger.open(stateDir.resolve(LEDGER_FILE), settings.broker() + " " + clientId);
        ingest = new MqttIngest(settings, ctx, metrics, ledger, () -> closed);
        ingest.resolvePending();
        MqttConnection.Listener listener = new MqttConnection.Listener() {
            @Override
            public MqttIngest.Outcome message(String topic, byte[] payload, int qos, boolean retained, int packetId,
                                              boolean dup, boolean replayed) {
                return onMessage(topic, payload, qos, retained, packetId, dup, replayed);
            }

            @Override
            public void connectionLost(Throwable cause) {
                onConnectionLost(cause);
            }
        };
        connection = new PahoConnectionBase.Setup(settings, clientId, stateDir.resolve(PAHO_DIR), socketFactory, listener)
                .connection();
        connection.replayPersisted();
        connector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-" + name() + "-connect");
            t.setDaemon(true);
            return t;
        });
        delayMs = settings.reconnectMin().toMillis();
        connecting = true;
        connector.execute(this::connectOnce);
        LOG.info("mqtt input '{}': MQTT {} client '{}' to {} topics {} qos {}", name(), settings.version().wire(),
                clientId, settings.broker(), settings.topics(), settings.qos());
    }

    private MqttIngest.Outcome onMessage(String topic, byte[] payload, int qos, boolean retained, int packetId,
                                         boolean dup, boolean replayed) {
        if (holding && qos > 0 && connection.redeliveredAfterReconnect(qos)) {
            metrics.messages().mark();
            metrics.unacknowledged().inc(); // held back until the reconnect: the broker redelivers it
            return MqttIngest.Outcome.HOLD;
        }
        MqttIngest.Outcome o = ingest.accept(topic, payload, qos, retained, packetId, dup, replayed);
        if (o == MqttIngest.Outcome.ACK) {
            if (qos > 0 && connection != null) {
                try {
                    connection.ack(packetId, qos);
                    metrics.acknowledged().mark();
                } catch (Exception e) {
                    ingest.logError("acknowledgement of packet " + packetId + " failed (the broker will redeliver it)", e);
                }
            }
        } else if (!holding) {
            holding = true; // the gateway is shutting down: nothing more is taken or acknowledged
            LOG.info("mqtt input '{}': the gateway is shutting down; unacknowledged messages stay with the broker", name());
        }
        return o;
    }

    private void onConnectionLost(Throwable cause) {
        metrics.connected(false);
        if (closed) {
            return;
        }
        LOG.warn("mqtt input '{}': connection to {} lost: {}", name(), settings.broker(), describe(cause));
        scheduleReconnect(false);
    }

    private synchronized void scheduleReconnect(boolean disconnectFirst) {
        if (closed || connector == null || connecting) {
            return;
        }
        connecting = true;
        connector.execute(() -> {
            if (disconnectFirst) {
                connection.disconnectQuietly();
                metrics.connected(false);
            }
            connector.schedule(this::connectOnce, delayMs, TimeUnit.MILLISECONDS);
        });
    }

    private void connectOnce() {
        if (closed) {
            return;
        }
        attempts++;
        try {
            ingest.startRedeliveryPhase();
            connection.connect();
        } catch (Exception e) {
            if (closed) {
                return;
            }
            LOG.warn("mqtt input '{}': connect to {} failed (attempt {}), retrying in {} ms: {}", name(),
                    settings.broker(), attempts, delayMs, describe(e));
            long d = delayMs;
            delayMs = Math.min(delayMs * 2, settings.reconnectMax().toMillis());
            connector.schedule(this::connectOnce, d, TimeUnit.MILLISECONDS);
            return;
        }
        synchronized (this) {
            connecting = false;
        }
        holding = false;
        delayMs = settings.reconnectMin().toMillis();
        attempts = 0;
        metrics.connected(true);
        if (everConnected) {
            metrics.reconnects().inc();
            LOG.info("mqtt input '{}': reconnected to {} and resubscribed", name(), settings.broker());
        } else {
            LOG.info("mqtt input '{}': connected to {} and subscribed to {}", name(), settings.broker(), settings.topics());
        }
        everConnected = true;
    }

    private static String describe(Throwable t) {
        StringBuilder b = new StringBuilder(String.valueOf(t));
        Throwable c = t.getCause();
        for (int i = 0; c != null && i < 3; i++, c = c.getCause()) {
            b.append(" / ").append(c);
        }
        return b.toString();
    }

    /** True while connected and subscribed. */
    public boolean isConnected() {
        return metrics != null && metrics.isConnected();
    }

    /**
     * Stops receiving: disconnects (the session stays on the broker, unacknowledged messages are redelivered on the
     * next start) and releases the state files. Waits at most about 5 s for Paho.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (connector != null) {
            connector.shutdownNow();
        }
        if (connection != null) {
            Thread t = new Thread(connection::close, "mqtt-" + name() + "-close");
            t.setDaemon(true);
            t.start();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (metrics != null) {
            metrics.connected(false);
        }
        if (ledger != null) {
            ledger.close();
        }
        if (started) {
            LOG.info("mqtt input '{}' stopped", name());
        }
    }
}
