package net.edgegw.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.FreePorts;
import net.edgegw.testkit.KafkaReader;
import net.edgegw.testkit.ProcessRunner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The raw TCP input through the packaged gateway to a real Kafka broker: ndjson, plain lines and InfluxDB line
 * protocol with exact counts (read_committed), fields and the JSON Schema checked; malformed and oversized lines
 * counted in the heartbeat and dead-lettered while the good lines of the same connection arrive; back-pressure with
 * {@code overflow: block} and the broker down: the sender is held, nothing is lost once the broker returns.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TcpToKafkaIT {

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path tmp;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.start(tmp.resolve("kafka"));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** One connection: writes everything, then closes (FIN after the data; the gateway reads it all). */
    static void send(int port, byte[] bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
        }
    }

    static void line(ByteArrayOutputStream b, String text) {
        b.writeBytes((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void ndjsonLinesAndInfluxArriveExactlyOnceAndBadLinesAreDeadLettered() throws Exception {
        int pJson = FreePorts.tcp();
        int pText = FreePorts.tcp();
        int pInflux = FreePorts.tcp();
        Path config = E2E.writeConfig(tmp.resolve("gw"), """
                site: site-tcp
                gateway: gw-1
                dataDir: data
                inputs:
                  - {type: tcp, name: json, bind: "127.0.0.1:%d", format: ndjson, hostField: device, maxLineBytes: 1KiB}
                  - {type: tcp, name: text, bind: "127.0.0.1:%d", format: lines, maxLineBytes: 1KiB}
                  - {type: tcp, name: metrics, bind: "127.0.0.1:%d", format: influx, precision: ms, maxLineBytes: 1KiB}
                buffer: {maxBytes: 64MiB}
                uplink: {bootstrapServers: "%s"}
                heartbeat: {interval: 1s}
                """.formatted(pJson, pText, pInflux, kafka.bootstrapServers()));
        int n = 1000;
        long ts0 = 1_700_000_000_000L;
        Instant started = Instant.now();
        try (ProcessRunner gw = E2E.startGateway(config, tmp.resolve("gw/gateway.log"))) {
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            ByteArrayOutputStream influx = new ByteArrayOutputStream();
            line(influx, "# influx comment lines are skipped");
            for (int i = 0; i < n; i++) {
                line(json, i % 2 == 0 ? "{\"device\":\"dev-" + (i % 5) + "\",\"seq\":" + i + ",\"v\":" + i + ".25}\r"
                        : "{\"seq\":" + i + ",\"tags\":[\"a\",\"b\"]}");
                line(text, "line " + i + " of plain text");
                line(influx, "cpu,host=h" + (i % 3) + ",core=" + i + " usage=" + i + ".5,n=" + i + "i,s=\"x, y\",ok=t "
                        + (ts0 + i));
                if (i == n / 2) { // bad input in the middle of each connection
                    line(json, "{\"seq\": " + i + ", broken");
                    line(json, "{\"big\":\"" + "j".repeat(3000) + "\"}");
                    json.writeBytes("\n\n".getBytes(StandardCharsets.UTF_8));
                    text.writeBytes(new byte[]{'b', 'a', 'd', (byte) 0xc3, (byte) 0x28, '\n'});
                    line(text, "t".repeat(3000));
                    line(influx, "cpu,host=h1 usage=oops " + ts0);
                    line(influx, "cpu usage=" + "9".repeat(3000));
                }
            }
            send(pJson, json.toByteArray());
            send(pText, text.toByteArray());
            send(pInflux, influx.toByteArray());

            KafkaReader.readCommitted(kafka.bootstrapServers()).waitForCount("telemetry.tcp", 3 * n, Duration.ofSeconds(60));
            List<ConsumerRecord<byte[], byte[]>> records = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .readAll("telemetry.tcp", Duration.ofSeconds(2));
            assertThat(records).hasSize(3 * n);
            Map<String, List<Integer>> seqByInput = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertThat(E2E.validate(r)).as("schema errors of %s", KafkaReader.value(r)).isEmpty();
                JsonNode v = E2E.json(r);
                String input = v.get("input").asText();
                String host = v.get("host").asText();
                assertThat(KafkaReader.key(r)).isEqualTo("site-tcp/" + host);
                assertThat(KafkaReader.header(r, "edge.source")).isEqualTo("tcp");
                assertThat(KafkaReader.header(r, "edge.id")).isEqualTo(v.get("id").asText());
                assertThat(v.get("source").asText()).isEqualTo("tcp");
                assertThat(v.get("site").asText()).isEqualTo("site-tcp");
                assertThat(v.get("severity").isNull()).isTrue();
                JsonNode p = v.get("payload");
                int seq;
                switch (input) {
                    case "json" -> {
                        seq = p.get("seq").asInt();
                        assertThat(host).isEqualTo(seq % 2 == 0 ? "dev-" + (seq % 5) : "127.0.0.1");
                        assertThat(v.get("eventTime").isNull()).isTrue();
                        assertThat(v.get("message").isNull()).isTrue();
                        if (seq % 2 == 0) {
                            assertThat(p.get("v").asDouble()).isEqualTo(seq + 0.25);
                        } else {
                            assertThat(p.get("tags").get(1).asText()).isEqualTo("b");
                        }
                    }
                    case "text" -> {
                        assertThat(v.get("message").asText()).matches("line \\d+ of plain text");
                        assertThat(p.asText()).isEqualTo(v.get("message").asText());
                        assertThat(host).isEqualTo("127.0.0.1");
                        seq = Integer.parseInt(v.get("message").asText().split(" ")[1]);
                    }
                    case "metrics" -> {
                        seq = p.get("fields").get("n").asInt();
                        assertThat(p.get("fields").get("n").isIntegralNumber()).isTrue();
                        assertThat(p.get("measurement").asText()).isEqualTo("cpu");
                        assertThat(p.get("tags").get("host").asText()).isEqualTo("h" + (seq % 3));
                        assertThat(p.get("tags").get("core").asText()).isEqualTo(Integer.toString(seq));
                        assertThat(p.get("fields").get("usage").asDouble()).isEqualTo(seq + 0.5);
                        assertThat(p.get("fields").get("s").asText()).isEqualTo("x, y");
                        assertThat(p.get("fields").get("ok").asBoolean()).isTrue();
                        assertThat(p.get("timestamp").asLong()).isEqualTo(ts0 + seq);
                        assertThat(Instant.parse(v.get("eventTime").asText())).isEqualTo(Instant.ofEpochMilli(ts0 + seq));
                    }
                    default -> throw new AssertionError("unexpected input " + input);
                }
                seqByInput.computeIfAbsent(input, k -> new ArrayList<>()).add(seq);
            }
            for (String in : List.of("json", "text", "metrics")) {
                assertThat(seqByInput.get(in)).as(in).hasSize(n).doesNotHaveDuplicates();
            }
            // one connection per input: records of one key stay in order
            assertThat(seqByInput.get("text")).isSorted();
            assertThat(seqByInput.get("metrics")).isSorted();

            List<ConsumerRecord<byte[], byte[]>> dead = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .waitForCount("telemetry.deadletter", 6, Duration.ofSeconds(30));
            assertThat(dead).hasSize(6).allSatisfy(r -> assertThat(E2E.validate(r)).isEmpty());
            Map<String, String> rawByInputReason = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                JsonNode d = E2E.json(r);
                String raw = new String(Base64.getDecoder().decode(d.get("payload").get("base64").asText()),
                        StandardCharsets.UTF_8);
                rawByInputReason.put(d.get("input").asText() + "/" + d.get("attributes").get("reason").asText(), raw);
            }
            assertThat(rawByInputReason).containsOnlyKeys("json/malformed", "json/oversized", "text/malformed",
                    "text/oversized", "metrics/malformed", "metrics/oversized");
            assertThat(rawByInputReason.get("json/malformed")).isEqualTo("{\"seq\": " + n / 2 + ", broken");
            assertThat(rawByInputReason.get("json/oversized")).startsWith("{\"big\":\"jjjj");
            assertThat(rawByInputReason.get("text/malformed")).startsWith("bad");
            assertThat(rawByInputReason.get("metrics/malformed")).isEqualTo("cpu,host=h1 usage=oops " + ts0);

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode hb = E2E.latestHeartbeat(kafka.bootstrapServers(), "gw-1", started.minusSeconds(1));
                assertThat(hb).isNotNull();
                for (String in : List.of("json", "text", "metrics")) {
                    JsonNode i = hb.get("inputs").get(in);
                    assertThat(i.get("accepted").asLong()).as(in).isEqualTo(n);
                    assertThat(i.get("rejected").get("malformed").asLong()).as(in).isEqualTo(1);
                    assertThat(i.get("rejected").get("oversized").asLong()).as(in).isEqualTo(1);
                }
                assertThat(hb.get("backlog").get("records").asLong()).isZero();
            });
            assertThat(gw.terminate(Duration.ofSeconds(30))).as("clean exit on SIGTERM:\n%s", gw).isTrue();
            assertThat(gw.exitCode()).hasValue(0);
        }
    }

    @Test
    @Order(2)
    void fullBufferWithOverflowBlockHoldsTheSenderAndLosesNothing() throws Exception {
        int port = FreePorts.tcp();
        Path config = E2E.writeConfig(tmp.resolve("gw-block"), """
                site: site-block
                gateway: gw-2
                dataDir: data
                inputs:
                  - {type: tcp, name: bp, bind: "127.0.0.1:%d", format: ndjson}
                buffer: {maxBytes: 2MiB, overflow: block}
                uplink: {bootstrapServers: "%s"}
                heartbeat: {interval: 1s}
                """.formatted(port, kafka.bootstrapServers()));
        kafka.stop();
        int n = 80_000; // ~ 20 MB of lines: more than the 2 MiB buffer plus the socket buffers
        String pad = "q".repeat(200);
        Instant started = Instant.now();
        try (ProcessRunner gw = E2E.startGateway(config, tmp.resolve("gw-block/gateway.log"))) {
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
                    for (int i = 0; i < n; i++) {
                        out.write(("{\"seq\":" + i + ",\"pad\":\"" + pad + "\"}\n").getBytes(StandardCharsets.US_ASCII));
                        written.incrementAndGet();
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "tcp-writer");
            writer.setDaemon(true);
            writer.start();
            // the buffer fills, the gateway stops reading, TCP flow control holds the sender
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(2)).until(new java.util.concurrent.Callable<>() {
                long last = -1;

                @Override
                public Boolean call() {
                    long now = written.get();
                    boolean stalled = now == last && now < n;
                    last = now;
                    return stalled;
                }
            });
            long held = written.get();
            assertThat(held).as("the sender is held before the end").isLessThan(n);
            assertThat(gw.isAlive()).isTrue();

            kafka.restart();
            writer.join(90_000);
            assertThat(written.get()).isEqualTo(n);

            Map<Integer, Integer> seen = new HashMap<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                JsonNode hb = E2E.latestHeartbeat(kafka.bootstrapServers(), "gw-2", started.minusSeconds(1));
                assertThat(hb).isNotNull();
                assertThat(hb.get("inputs").get("bp").get("accepted").asLong()).isEqualTo(n);
                assertThat(hb.get("backlog").get("records").asLong()).isZero();
            });
            long count = KafkaReader.readCommitted(kafka.bootstrapServers()).scan("telemetry.tcp", Duration.ofSeconds(3),
                    r -> {
                        JsonNode v = E2E.json(r);
                        if (v.get("input").asText().equals("bp")) {
                            seen.merge(v.get("payload").get("seq").asInt(), 1, Integer::sum);
                        }
                    });
            assertThat(count).isGreaterThanOrEqualTo(n);
            assertThat(seen).as("every line exactly once").hasSize(n);
            assertThat(seen.values()).containsOnly(1);
            JsonNode hb = E2E.latestHeartbeat(kafka.bootstrapServers(), "gw-2", started.minusSeconds(1));
            assertThat(hb.get("dropped").get("overflow").asLong()).isZero();
            assertThat(hb.get("dropped").get("expired").asLong()).isZero();
            // the TCP input held and retried every refused line: nothing is reported as dropped
            assertThat(hb.get("dropped").get("bufferFull").asLong()).isZero();
            assertThat(hb.get("dropped").get("total").asLong()).isZero();
            assertThat(hb.get("inputs").get("bp").path("rejected").size()).isZero();
            assertThat(gw.terminate(Duration.ofSeconds(30))).isTrue();
        }
    }
}
