package net.edgegw.adapters.mqtt;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Admission;
import net.edgegw.core.Envelope;
import net.edgegw.core.Payload;
import net.edgegw.core.Rejections;
import net.edgegw.core.SourceContext;
import net.edgegw.core.SourceKind;
import net.edgegw.testkit.EmbeddedMqtt;
import net.edgegw.testkit.EmbeddedMqttPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The MQTT source against a real (embedded HiveMQ CE) broker, MQTT 5 and 3.1.1. */
class MqttSourceTest {

    @TempDir
    static Path tmp;
    static EmbeddedMqtt broker;
    static final AtomicInteger N = new AtomicInteger();

    final List<MqttSource> sources = new ArrayList<>();
    final MetricRegistry metrics = new MetricRegistry();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedMqtt.start(tmp.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @AfterEach
    void closeSources() {
        sources.forEach(MqttSource::close);
    }

    private static String unique() {
        return "t" + N.incrementAndGet();
    }

    private MqttSource start(MqttInputSettings s, Path state, TestEmitter emitter, TestRejections rejections) throws Exception {
        MqttSource src = new MqttSource(s, metrics, state);
        sources.add(src);
        src.start(new SourceContext("site-1", "gw-1", Clock.systemUTC(), emitter, rejections, emitter));
        await().atMost(Duration.ofSeconds(20)).until(src::isConnected);
        return src;
    }

    private static MqttInputSettings settings(String name, MqttInputSettings.Version v, String... topics) {
        return MqttInputSettings.defaults(name, broker.uri(), List.of(topics)).withVersion(v)
                .withClientId("c-" + name).withReconnect(Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    private static boolean v5(MqttInputSettings.Version v) {
        return v == MqttInputSettings.Version.V5;
    }

    private long counter(String input, String metric) {
        return metrics.counter(MqttMetrics.name(input, metric)).getCount();
    }

    @ParameterizedTest
    @EnumSource(MqttInputSettings.Version.class)
    void envelopesFromWildcardFiltersWithHostTemplateAndPayloadKinds(MqttInputSettings.Version v) throws Exception {
        String p = unique();
        String name = "in-" + p;
        MqttInputSettings s = settings(name, v, p + "/sensors/+/temp", p + "/plc/#").withQos(2)
                .withHostFrom(p + "/sensors/{device}/temp");
        TestEmitter em = new TestEmitter();
        start(s, tmp.resolve(name), em, new TestRejections());
        try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(broker.uri(), v5(v))) {
            pub.publish(p + "/sensors/dev-7/temp", "{\"t\": 21.5}".getBytes(StandardCharsets.UTF_8), 1, false);
            pub.publish(p + "/plc/line1/state", "RUNNING".getBytes(StandardCharsets.UTF_8), 0, false);
            pub.publish(p + "/plc/bin", new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1}, 2, false);
            pub.publish(p + "/other/x", "not subscribed".getBytes(StandardCharsets.UTF_8), 1, false);
            pub.publish(p + "/plc/retained", "kept".getBytes(StandardCharsets.UTF_8), 1, true);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> em.accepted.size() >= 4);
        Thread.sleep(300);
        assertThat(em.accepted).hasSize(4);
        Envelope json = em.accepted.stream().filter(e -> e.mqtt().topic().endsWith("/temp")).findFirst().orElseThrow();
        assertThat(json.source()).isEqualTo(SourceKind.MQTT);
        assertThat(json.input()).isEqualTo(name);
        assertThat(json.site()).isEqualTo("site-1");
        assertThat(json.host()).isEqualTo("dev-7");
        assertThat(json.key()).isEqualTo("site-1/dev-7");
        assertThat(json.eventTime()).isNull();
        assertThat(json.message()).isNull();
        assertThat(json.id()).isNull();
        assertThat(json.mqtt().qos()).isEqualTo(1);
        assertThat(json.mqtt().retained()).isFalse();
        assertThat(json.payload()).isEqualTo(new Payload.Json("{\"t\": 21.5}".getBytes(StandardCharsets.UTF_8)));

        Envelope text = em.accepted.stream().filter(e -> e.mqtt().topic().endsWith("/state")).findFirst().orElseThrow();
        assertThat(text.host()).as("no template match: the topic").isEqualTo(p + "/plc/line1/state");
        assertThat(text.mqtt().qos()).isZero();
        assertThat(text.payload()).isEqualTo(new Payload.Text("RUNNING"));

        Envelope bin = em.accepted.stream().filter(e -> e.mqtt().topic().endsWith("/bin")).findFirst().orElseThrow();
        assertThat(bin.mqtt().qos()).isEqualTo(2);
        assertThat(bin.payload()).isInstanceOf(Payload.Binary.class);

        Envelope kept = em.accepted.stream().filter(e -> e.mqtt().topic().endsWith("/retained")).findFirst().orElseThrow();
        assertThat(kept.payload()).isEqualTo(new Payload.Text("kept"));
        assertThat(metrics.meter(MqttMetrics.name(name, MqttMetrics.ACKNOWLEDGED)).getCount()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(MqttInputSettings.Version.class)
    void oversizedPayloadIsRejectedAndAcknowledged(MqttInputSettings.Version v) throws Exception {
        String p = unique();
        String name = "in-" + p;
        MqttInputSettings s = settings(name, v, p + "/#").withMaxPayloadBytes(1024);
        TestEmitter em = new TestEmitter();
        TestRejections rej = new TestRejections();
        MqttSource src = start(s, tmp.resolve(name), em, rej);
        try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(broker.uri(), v5(v))) {
            pub.publish(p + "/big", new byte[5000], 1, false);
            pub.publish(p + "/small", "ok".getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> em.accepted.size() == 1 && rej.all.size() == 1);
        assertThat(rej.all.get(0).reason()).isEqualTo(Rejections.OVERSIZED);
        assertThat(rej.all.get(0).raw()).hasSize(MqttIngest.MAX_RAW_BYTES);
        assertThat(rej.all.get(0).detail()).contains("5000").contains("1024");
        // acknowledged: a new session start does not bring it back
        src.close();
        TestEmitter em2 = new TestEmitter();
        TestRejections rej2 = new TestRejections();
        start(s, tmp.resolve(name), em2, rej2);
        try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(broker.uri(), v5(v))) {
            pub.publish(p + "/after", "marker".getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> em2.accepted.size() == 1);
        Thread.sleep(300);
        assertThat(rej2.all).isEmpty();
        assertThat(em2.payloads()).containsExactly("marker");
    }

    @ParameterizedTest
    @EnumSource(MqttInputSettings.Version.class)
    void messagePublishedWhileTheInputIsDownArrivesAfterItReturns(MqttInputSettings.Version v) throws Exception {
        String p = unique();
        String name = "in-" + p;
        MqttInputSettings s = settings(name, v, p + "/#").withQos(2);
        TestEmitter em = new TestEmitter();
        MqttSource src = start(s, tmp.resolve(name), em, new TestRejections());
        src.close();
        try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(broker.uri(), v5(v))) {
            for (int i = 0; i < 20; i++) {
                pub.publish(p + "/x", EmbeddedMqttPublisher.seqPayload(i), i % 2 == 0 ? 1 : 2);
            }
        }
        TestEmitter em2 = new TestEmitter();
        start(s, tmp.resolve(name), em2, new TestRejections());
        await().atMost(Duration.ofSeconds(15)).until(() -> em2.accepted.size() >= 20);
        Thread.sleep(300);
        assertThat(em2.payloads()).hasSize(20).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(MqttInputSettings.Version.class)
    void bufferFullIsRetriedNotAcknowledgedAndKeepsOrder(MqttInputSettings.Version v) throws Exception {
        String p = unique();
        String name = "in-" + p;
        MqttInputSettings s = settings(name, v, p + "/#");
        TestEmitter em = new TestEmitter();
        AtomicInteger refusals = new AtomicInteger();
        em.policy = e -> TestEmitter.text(e).equals("{\"seq\":3}") && refusals.incrementAndGet() <= 3
                ? Admission.BUFFER_FULL : Admission.ACCEPTED;
        start(s, tmp.resolve(name), em, new TestRejections());
        try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(broker.uri(), v5(v))) {
            for (int i = 0; i < 10; i++) {
                pub.publish(p + "/x", EmbeddedMqttPublisher.seqPayload(i), 1);
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> em.accepted.size() == 10);
        Thread.sleep(300);
        assertThat(em.refused).hasSize(3);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.add(EmbeddedMqttPublisher.seqPayload(i));
        }
        assertThat(em.payloads()).as("retried until taken, in order, once").containsExactlyElementsOf(expected);
        assertThat(counter(name, MqttMetrics.UNACKNOWLEDGED)).isEqualTo(3);
        assertThat(metrics.meter(MqttMetrics.name(name, MqttMetrics.ACKNOWLEDGED)).getCount()).isEqualTo(10);
    }

    @ParameterizedTest
    @EnumSource(MqttInputSettings.Version.class)
    void messageRefusedAtShutdownArrivesAtTheNextStart(MqttInputSettings.Version v) throws Exception {
        for (int qos = 1; qos <= 2; qos++) {
            String p = unique();
            String name = "in-" + p;
            MqttInputSettings s = settings(name, v, p + "/#").withQos(2);
            TestEmitter em = new TestEmitter();
            java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            // a blocking emit (overflow: block, buffer full) that ends with CLOSED when the gateway shuts down
            em.policy = e -> {
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                return Admission.CLOSED;
            };
            MqttSource src = start(s, tmp.resolve(name), em, new TestRejections());
            try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(broker.uri(), v5(v))) {
                pub.publish(p + "/x", "held-" + qos, qos);
            }
            assertThat(blocked.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Thread closer = new Thread(src::close);
            closer.start();
            Thread.sleep(200);
            release.countDown();
            closer.join(10_000);
            TestEmitter em2 = new TestEmitter();
            start(s, tmp.resolve(name), em2, new TestRejections());
            await().atMost(Duration.ofSeconds(15)).until(() -> em2.accepted.size() >= 1);
            Thread.sleep(300);
            assertThat(em2.payloads()).as("QoS " + qos + " " + v).containsExactly("held-" + qos);
        }
    }

    @ParameterizedTest
    @EnumSource(MqttInputSettings.Version.class)
    void redeliveryOfAnAcceptedMessageAfterACrashIsSuppressed(MqttInputSettings.Version v) throws Exception {
        String p = unique();
        String name = "in-" + p;
        Path dir = tmp.resolve("crash-broker-" + p);
        try (EmbeddedMqtt own = EmbeddedMqtt.start(dir)) {
            MqttInputSettings s = MqttInputSettings.defaults(name, own.uri(), List.of(p + "/#")).withVersion(v)
                    .withClientId("c-" + name).withReconnect(Duration.ofMillis(100), Duration.ofMillis(500));
            TestEmitter em = new TestEmitter();
            // "crash" between accept and PUBACK: the broker goes away while the record is being stored
            em.policy = e -> {
                if (TestEmitter.text(e).equals("{\"seq\":4}")) {
                    own.stop();
                }
                return Admission.ACCEPTED;
            };
            MqttSource src = new MqttSource(s, metrics, tmp.resolve(name));
            sources.add(src);
            src.start(new SourceContext("site-1", "gw-1", Clock.systemUTC(), em, new TestRejections(), em));
            await().atMost(Duration.ofSeconds(20)).until(src::isConnected);
            try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(own.uri(), v5(v))) {
                for (int i = 0; i < 5; i++) {
                    pub.publish(p + "/x", EmbeddedMqttPublisher.seqPayload(i), 1);
                }
            } catch (IllegalStateException expected) {
                // the last publish may fail: the broker stopped
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> em.accepted.size() == 5);
            src.close(); // the process is gone; a new one starts with the same state directory
            own.start();
            TestEmitter em2 = new TestEmitter();
            MqttSource src2 = new MqttSource(s, metrics, tmp.resolve(name));
            sources.add(src2);
            src2.start(new SourceContext("site-1", "gw-1", Clock.systemUTC(), em2, new TestRejections(), em2));
            await().atMost(Duration.ofSeconds(20)).until(src2::isConnected);
            try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(own.uri(), v5(v))) {
                pub.publish(p + "/x", EmbeddedMqttPublisher.seqPayload(5), 1);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> em2.payloads().contains("{\"seq\":5}"));
            Thread.sleep(300);
            Set<String> all = new HashSet<>(em.payloads());
            List<String> combined = new ArrayList<>(em.payloads());
            combined.addAll(em2.payloads());
            all.addAll(em2.payloads());
            assertThat(all).hasSize(6);
            assertThat(combined).as("the broker redelivered seq 4 (DUP) and it was suppressed").doesNotHaveDuplicates();
            assertThat(counter(name, MqttMetrics.DUPLICATES_SUPPRESSED)).as("redeliveries suppressed").isGreaterThanOrEqualTo(1);
        }
    }

    /**
     * SIGKILL between "the buffer took the message" and "the ledger says so": the first source freezes inside the
     * emit (after the append when {@code appended}, before it otherwise) and its state directory is copied at that
     * moment (the mapped ledger's pages are what a killed process leaves). A second source starts from the copy while
     * the broker redelivers the unacknowledged message: it is stored exactly once either way.
     */
    @ParameterizedTest(name = "MQTT {0}, append done before the crash: {1}")
    @org.junit.jupiter.params.provider.CsvSource({"V5,true", "V5,false", "V3_1_1,true", "V3_1_1,false"})
    void aCrashBetweenTheBufferAppendAndTheLedgerWriteStoresTheMessageOnce(MqttInputSettings.Version v, boolean appended)
            throws Exception {
        String p = unique();
        String name = "in-" + p;
        try (EmbeddedMqtt own = EmbeddedMqtt.start(tmp.resolve("window-broker-" + p))) {
            MqttInputSettings s = MqttInputSettings.defaults(name, own.uri(), List.of(p + "/#")).withVersion(v)
                    .withClientId("c-" + name).withReconnect(Duration.ofMillis(100), Duration.ofMillis(500));
            java.util.concurrent.CountDownLatch frozen = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch killed = new java.util.concurrent.CountDownLatch(1);
            TestEmitter em = new TestEmitter();
            em.policy = e -> {
                if (!TestEmitter.text(e).equals("{\"seq\":4}")) {
                    return Admission.ACCEPTED;
                }
                if (appended) {
                    em.accepted.add(e); // in the buffer
                }
                frozen.countDown();
                try {
                    killed.await(); // the process is dead from here on: nothing it does afterwards is seen
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                return Admission.CLOSED;
            };
            Path state1 = tmp.resolve(name + "-1");
            Path state2 = tmp.resolve(name + "-2");
            MqttSource src = start(s, state1, em, new TestRejections());
            try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(own.uri(), v5(v))) {
                for (int i = 0; i < 5; i++) {
                    pub.publish(p + "/x", EmbeddedMqttPublisher.seqPayload(i), 1);
                }
            }
            assertThat(frozen.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            copyTree(state1, state2); // the files as the killed process left them
            own.stop();
            killed.countDown();
            src.close();

            own.start();
            TestEmitter em2 = new TestEmitter();
            em2.survivors = List.copyOf(em.accepted);
            start(s, state2, em2, new TestRejections());
            try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(own.uri(), v5(v))) {
                pub.publish(p + "/x", EmbeddedMqttPublisher.seqPayload(5), 1);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> em2.payloads().contains("{\"seq\":5}"));
            Thread.sleep(500); // a duplicate of seq 4, if any, would have arrived before seq 5; and give it time
            List<String> combined = new ArrayList<>(em.payloads());
            combined.addAll(em2.payloads());
            assertThat(combined).as("stored once each").containsExactlyInAnyOrder(
                    "{\"seq\":0}", "{\"seq\":1}", "{\"seq\":2}", "{\"seq\":3}", "{\"seq\":4}", "{\"seq\":5}");
            if (appended) {
                assertThat(em2.payloads()).as("the redelivery was skipped").doesNotContain("{\"seq\":4}");
                // the broker may redeliver more than once (MQTT allows it): each one is skipped
                assertThat(counter(name, MqttMetrics.DUPLICATES_SUPPRESSED)).isPositive();
            } else {
                assertThat(em2.payloads()).as("the redelivery was stored").contains("{\"seq\":4}");
            }
            List<java.time.Instant> times = new ArrayList<>();
            em.accepted.forEach(e -> times.add(e.receivedAt()));
            em2.accepted.forEach(e -> times.add(e.receivedAt()));
            assertThat(times).as("receivedAt strictly increasing across the restart").isSorted().doesNotHaveDuplicates();
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (java.nio.file.Files.isDirectory(f)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(f, target);
                }
            }
        }
    }
}
