package net.edgegw.bench;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.buffer.BufferSettings;
import net.edgegw.buffer.BufferedRecord;
import net.edgegw.buffer.ChronicleLaneBuffer;
import net.edgegw.buffer.Overflow;
import net.edgegw.buffer.SyncMode;
import net.edgegw.core.Admission;
import net.edgegw.core.Emitter;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.SourceContext;
import net.edgegw.mqtt.MqttInputSettings;
import net.edgegw.mqtt.MqttSource;
import net.edgegw.testkit.EmbeddedMqtt;
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

/**
 * MQTT QoS 1 ingest: the gateway's MQTT input (MqttSource, MQTT 5, manual acks, ack ledger) appending into a real
 * Chronicle lane buffer, side by side with a plain Paho MQTT 5 subscriber (manual acks, acknowledging at once, doing
 * nothing else) on the same embedded broker (HiveMQ CE) and the same topics, in the same run. Publishers send QoS 1 as
 * fast as the broker takes it for a fixed time; each side's rate = messages / (last - first arrival).
 *
 * <pre>
 * mvn -B -o -q install -DskipTests
 * java -Xmx1g $(chronicle flags, see packaging/src/bin/edge-gateway) -cp "bench/target/bench.jar:bench/target/lib/*" \
 *   net.edgegw.bench.MqttIngestBench [seconds=20] [publishers=4] [payloadBytes=200]
 * </pre>
 * Not a timed test: the numbers depend on the machine. Thread-safety: a main program.
 */
public final class MqttIngestBench {

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
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int publishers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int payloadBytes = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Path dir = Files.createTempDirectory("mqtt-bench");
        MetricRegistry metrics = new MetricRegistry();
        try (EmbeddedMqtt broker = EmbeddedMqtt.start(dir.resolve("broker"));
             ChronicleLaneBuffer lane = new ChronicleLaneBuffer("bench", new BufferSettings(dir.resolve("buffer"),
                     4L << 30, null, Overflow.DROP_OLDEST, SyncMode.NONE, Duration.ofSeconds(1)), Clock.systemUTC(), metrics)) {
            Rate gateway = new Rate();
            Emitter emitter = new Emitter() {
                @Override
                public Admission emit(Envelope e) {
                    BufferedRecord rec = new BufferedRecord("telemetry.mqtt", e.key().getBytes(StandardCharsets.UTF_8),
                            e.source(), e.receivedAt().toEpochMilli(), EnvelopeJson.encodeBody(e));
                    if (lane.append(rec, Duration.ZERO) < 0) {
                        return Admission.BUFFER_FULL;
                    }
                    gateway.mark();
                    return Admission.ACCEPTED;
                }
            };
            MqttSource source = new MqttSource(MqttInputSettings.defaults("bench", broker.uri(), List.of("bench/+/data"))
                    .withHostFrom("bench/{device}/data"), metrics, dir.resolve("state"));
            source.start(new SourceContext("site-bench", "gw-bench", Clock.systemUTC(), emitter,
                    (input, reason, detail, raw, peer) -> { }));

            Rate plain = new Rate();
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
            sub.subscribe("bench/+/data", 1).waitForCompletion(15_000);
            while (!source.isConnected()) {
                Thread.sleep(50);
            }

            byte[] payload = ("{\"v\":\"" + "x".repeat(Math.max(0, payloadBytes - 8)) + "\"}").getBytes(StandardCharsets.UTF_8);
            AtomicLong published = new AtomicLong();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int id = p;
                Thread t = new Thread(() -> {
                    try {
                        MqttAsyncClient pub = new MqttAsyncClient(broker.uri(), "bench-pub-" + id, new MemoryPersistence());
                        pub.connect(new MqttConnectionOptions()).waitForCompletion(15_000);
                        List<IMqttToken> window = new ArrayList<>();
                        while (System.nanoTime() < end) {
                            try {
                                window.add(pub.publish("bench/dev-" + id + "/data", payload, 1, false));
                            } catch (MqttException e) {
                                if (e.getReasonCode() != 32202) {
                                    throw e;
                                }
                                // the broker's receive maximum (HiveMQ: 10 in flight): wait for the acks, then go on
                                for (IMqttToken tok : window) {
                                    tok.waitForCompletion(30_000);
                                }
                                published.addAndGet(window.size());
                                window.clear();
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
            long deadline = System.nanoTime() + 60_000_000_000L;
            while ((gateway.count.get() < published.get() || plain.count.get() < published.get()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            System.out.printf("MQTT QoS 1, %d publishers, %d-byte payloads, %d s: published %d%n", publishers,
                    payload.length, seconds, published.get());
            System.out.printf("  gateway input -> Chronicle buffer: %d msgs, %.0f msg/s%n", gateway.count.get(), gateway.perSecond());
            System.out.printf("  plain Paho subscriber:            %d msgs, %.0f msg/s%n", plain.count.get(), plain.perSecond());
            System.out.printf("  ratio gateway / plain: %.2f%n", gateway.perSecond() / plain.perSecond());
            source.close();
            sub.disconnect().waitForCompletion(5000);
            sub.close();
        }
    }
}
