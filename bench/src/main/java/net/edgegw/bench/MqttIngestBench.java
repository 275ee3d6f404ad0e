package net.edgegw.bench;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.storeforward.BufferSettings;
import net.edgegw.storeforward.BufferedRecord;
import net.edgegw.storeforward.ChronicleLaneBuffer;
import net.edgegw.storeforward.Overflow;
import net.edgegw.storeforward.SyncMode;
import net.edgegw.core.Admission;
import net.edgegw.core.Emitter;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.SourceContext;
import net.edgegw.adapters.mqtt.MqttInputSettings;
import net.edgegw.adapters.mqtt.MqttSource;
import net.edgegw.testkit.EmbeddedMqtt;
import net.edgegw.testkit.Mosquitto;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * MQTT QoS 1 ingest: the gateway's MQTT input (MqttSource, MQTT 5, manual acks, ack ledger) appending into a real
 * Chronicle lane buffer, compared with a plain Paho MQTT 5 subscriber (manual acks, acknowledging at once, doing
 * nothing else, receive maximum 1000 like the gateway) on the same broker and the same topic filter, in the same run.
 * Each side's rate = messages / (last - first arrival).
 *
 * <ul>
 * <li><b>live</b> (always): publishers send QoS 1 as fast as the broker takes it for a fixed time while both
 * subscribers are connected. Both can only be as fast as the publishers and the broker; if they "drained 0.0 s after
 * the last publish", neither subscriber was the bottleneck and the ratio says little.</li>
 * <li><b>backlog</b> ({@code --backlog=N}): both subscribers create their persistent session and go offline, the
 * publishers put N messages into the broker's queue for each, then the gateway input drains its queue alone, then the
 * plain subscriber drains its own ({@code --plain-first}: the other way round): each is measured on its own while the
 * broker has more than it can take, so the subscriber (and the broker's delivery to one client) sets the pace.</li>
 * </ul>
 * Brokers: the embedded HiveMQ CE (default) delivers only about 1,000 msg/s to each subscriber, so both sides tie at
 * the broker's pace; {@code --mosquitto} runs Debian's Mosquitto (a C broker, {@code /usr/sbin/mosquitto}) on a free
 * 127.0.0.1 port instead, with no limit on queued messages. Payloads are {@code {"seq":N,"v":"xx.."}}, unique.
 *
 * <pre>
 * mvn -B -o -q install -DskipTests
 * java -Xmx1g $(chronicle flags, see packaging/src/bin/edge-gateway) -cp "bench/target/bench.jar:bench/target/lib/*" \
 *   net.edgegw.bench.MqttIngestBench [--mosquitto] [--backlog=N [--plain-first]] [seconds=20] [publishers=4] [payloadBytes=200]
 * </pre>
 * Not a timed test: the numbers depend on the machine. Thread-safety: a main program.
 */
public final class MqttIngestBench {

    private static final String FILTER = "bench/+/data";

    private MqttIngestBench() {
    }

    static final class Rate {
        final AtomicLong count = new AtomicLong();
        volatile long first;
        volatile long last;

        void mark() {
            long now = System.nanoTime();
            if (count.getAndIncrement() == 0) {
                first = now;
            }
            last = now;
        }

        double perSecond() {
            long n = count.get();
            return n < 2 ? 0 : (n - 1) * 1e9 / (last - first);
        }

        void reset() {
            count.set(0);
        }
    }

    /** The broker under test: its URI and how to stop it. */
    private record Broker(String name, String uri, AutoCloseable handle) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            handle.close();
        }
    }

    private static Broker broker(boolean mosquitto, Path dir) {
        if (mosquitto) {
            // no cap on what is queued for a subscriber that lags or is offline (the testkit default is 100,000, then
            // Mosquitto drops QoS 1 messages for that client)
            Mosquitto m = Mosquitto.start(dir.resolve("mosquitto"), null, null, List.of(), "max_queued_messages 0");
            return new Broker("Mosquitto " + Mosquitto.BINARY, m.uri(), m);
        }
        EmbeddedMqtt h = EmbeddedMqtt.start(dir.resolve("broker"));
        return new Broker("embedded HiveMQ CE", h.uri(), h);
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        boolean mosquitto = false;
        long backlog = 0;
        boolean plainFirst = false;
        for (String a : args) {
            if (a.equals("--mosquitto")) {
                mosquitto = true;
            } else if (a.equals("--plain-first")) {
                plainFirst = true;
            } else if (a.startsWith("--backlog=")) {
                backlog = Long.parseLong(a.substring("--backlog=".length()));
            } else if (a.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + a + "; usage: MqttIngestBench [--mosquitto] "
                        + "[--backlog=N] [--plain-first] [seconds] [publishers] [payloadBytes]");
            } else {
                positional.add(a);
            }
        }
        int seconds = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 20;
        int publishers = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 4;
        int payloadBytes = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 200;
        Path dir = Files.createTempDirectory("mqtt-bench");
        MetricRegistry metrics = new MetricRegistry();
        try (Broker broker = broker(mosquitto, dir);
             ChronicleLaneBuffer lane = new ChronicleLaneBuffer("bench", new BufferSettings(dir.resolve("buffer"),
                     4L << 30, null, Overflow.DROP_OLDEST, SyncMode.NONE, Duration.ofSeconds(1)), Clock.systemUTC(), metrics)) {
            Rate gateway = new Rate();
            Rate plain = new Rate();
            Emitter emitter = e -> {
                BufferedRecord rec = new BufferedRecord("telemetry.mqtt", e.key().getBytes(StandardCharsets.UTF_8),
                        e.source(), e.receivedAt().toEpochMilli(), EnvelopeJson.encodeBody(e));
                if (lane.append(rec, Duration.ZERO) < 0) {
                    return Admission.BUFFER_FULL;
                }
                gateway.mark();
                return Admission.ACCEPTED;
            };
            AtomicLong seq = new AtomicLong();
            System.out.printf("MQTT QoS 1 via %s, %d publishers, %d-byte payloads%n", broker.name(), publishers,
                    payload(0, payloadBytes).length);

            // live: both connected while the publishers publish
            MqttSource source = startSource(broker, metrics, dir, emitter);
            MqttAsyncClient sub = plainSubscriber(broker, plain);
            long published = publish(broker, publishers, payloadBytes, seq, () -> System.nanoTime() + seconds * 1_000_000_000L, Long.MAX_VALUE);
            long publishedAt = System.nanoTime();
            awaitCount(published, gateway, plain);
            System.out.printf("live, %d s: published %d (%.0f msg/s); both had everything %.1f s after the last publish%n",
                    seconds, published, published / (double) seconds, (System.nanoTime() - publishedAt) / 1e9);
            report(published, gateway, plain);

            if (backlog > 0) {
                // both offline with their sessions on the broker; the broker queues the backlog for each
                source.close();
                sub.disconnect().waitForCompletion(5000);
                sub.close();
                gateway.reset();
                plain.reset();
                long t0 = System.nanoTime();
                long queued = publish(broker, publishers, payloadBytes, seq, () -> Long.MAX_VALUE, backlog);
                System.out.printf("backlog: %d messages queued for each offline subscriber in %.1f s%n", queued,
                        (System.nanoTime() - t0) / 1e9);
                if (plainFirst) {
                    sub = plainSubscriber(broker, plain);
                    awaitCount(queued, plain);
                    sub.disconnect().waitForCompletion(5000);
                    sub.close();
                }
                source = startSource(broker, metrics, dir, emitter); // same client id and state: same session
                awaitCount(queued, gateway);
                source.close();
                if (!plainFirst) {
                    sub = plainSubscriber(broker, plain);
                    awaitCount(queued, plain);
                }
                System.out.println("backlog drained by each alone (" + (plainFirst ? "plain first, then gateway" : "gateway first, then plain") + "):");
                report(queued, gateway, plain);
            }
            source.close();
            try {
                if (sub.isConnected()) {
                    sub.disconnect().waitForCompletion(5000);
                }
                sub.close();
            } catch (MqttException ignored) {
                // closed already (--plain-first)
            }
        }
    }

    private static byte[] payload(long seq, int payloadBytes) {
        String head = "{\"seq\":" + seq + ",\"v\":\"";
        return (head + "x".repeat(Math.max(0, payloadBytes - head.length() - 2)) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static MqttSource startSource(Broker broker, MetricRegistry metrics, Path dir, Emitter emitter) throws Exception {
        MqttSource source = new MqttSource(MqttInputSettings.defaults("bench", broker.uri(), List.of(FILTER))
                .withHostFrom("bench/{device}/data").withClientId("gateway-input"), metrics, dir.resolve("state"));
        source.start(new SourceContext("site-bench", "gw-bench", Clock.systemUTC(), emitter,
                (input, reason, detail, raw, peer) -> { }));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!source.isConnected()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway input did not connect to " + broker.uri());
            }
            Thread.sleep(20);
        }
        return source;
    }

    /** Persistent session, receive maximum 1000 (as the gateway), manual acks sent at once. */
    private static MqttAsyncClient plainSubscriber(Broker broker, Rate plain) throws MqttException {
        MqttAsyncClient sub = new MqttAsyncClient(broker.uri(), "plain-subscriber", new MemoryPersistence());
        sub.setManualAcks(true);
        sub.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage m) throws MqttException {
                plain.mark();
                sub.messageArrivedComplete(m.getId(), m.getQos());
            }

            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void deliveryComplete(IMqttToken t) {
            }

            @Override
            public void connectComplete(boolean reconnect, String uri) {
            }

            @Override
            public void authPacketArrived(int code, MqttProperties p) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(3600L);
        o.setReceiveMaximum(1000);
        sub.connect(o).waitForCompletion(15_000);
        sub.subscribe(FILTER, 1).waitForCompletion(15_000);
        return sub;
    }

    /**
     * Publishes QoS 1 from {@code publishers} threads until {@code end} (nanoTime) or until {@code total} messages were
     * published in all; returns how many the broker acknowledged.
     */
    private static long publish(Broker broker, int publishers, int payloadBytes, AtomicLong seq, LongSupplier end,
                                long total) throws InterruptedException {
        AtomicLong published = new AtomicLong();
        AtomicLong claimed = new AtomicLong();
        long endAt = end.getAsLong();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                try {
                    MqttAsyncClient pub = new MqttAsyncClient(broker.uri(), "bench-pub-" + id, new MemoryPersistence());
                    pub.connect(new MqttConnectionOptions()).waitForCompletion(15_000);
                    List<IMqttToken> window = new ArrayList<>();
                    while (System.nanoTime() < endAt && claimed.incrementAndGet() <= total) {
                        byte[] payload = payload(seq.getAndIncrement(), payloadBytes);
                        while (true) {
                            try {
                                window.add(pub.publish("bench/dev-" + id + "/data", payload, 1, false));
                                break;
                            } catch (MqttException e) {
                                if (e.getReasonCode() != 32202) {
                                    throw e;
                                }
                                // the broker's receive maximum (HiveMQ: 10, Mosquitto: 20 in flight): wait for the
                                // acks, then go on
                                for (IMqttToken tok : window) {
                                    tok.waitForCompletion(30_000);
                                }
                                published.addAndGet(window.size());
                                window.clear();
                            }
                        }
                    }
                    for (IMqttToken tok : window) {
                        tok.waitForCompletion(30_000);
                    }
                    published.addAndGet(window.size());
                    pub.disconnect().waitForCompletion(5000);
                    pub.close();
                } catch (MqttException e) {
                    throw new IllegalStateException(e);
                }
            }, "publisher-" + p);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return published.get();
    }

    /** Waits (at most 5 minutes) until every rate counted {@code n}, then a moment more to catch any surplus. */
    private static void awaitCount(long n, Rate... rates) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        for (Rate r : rates) {
            while (r.count.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        Thread.sleep(500);
    }

    private static void report(long expected, Rate gateway, Rate plain) {
        System.out.printf("  gateway input -> Chronicle buffer: %d msgs, %.0f msg/s%n", gateway.count.get(), gateway.perSecond());
        System.out.printf("  plain Paho subscriber:            %d msgs, %.0f msg/s%n", plain.count.get(), plain.perSecond());
        System.out.printf("  ratio gateway / plain: %.2f%n", gateway.perSecond() / plain.perSecond());
        if (gateway.count.get() != expected || plain.count.get() != expected) {
            System.out.println("  WARNING: a side did not receive exactly the " + expected
                    + " published messages; its rate is not comparable");
        }
    }
}
