package net.edgegw.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import net.edgegw.core.Envelope;
import net.edgegw.testkit.KafkaReader;
import net.edgegw.testkit.ProcessRunner;
import net.edgegw.testkit.SyslogSender;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Shared helpers of the end-to-end tests: they run the packaged gateway (bin/edge-gateway) as a child process. */
final class E2E {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern READY = Pattern.compile("edge-gateway \\S+ ready");
    static final JsonSchema SCHEMA = schema();

    private E2E() {
    }

    static Path dist() {
        Path p = Path.of(System.getProperty("edge.dist", "target/edge-gateway"));
        if (!Files.isExecutable(p.resolve("bin/edge-gateway"))) {
            throw new IllegalStateException("no packaged gateway at " + p + ": run mvn package first");
        }
        return p;
    }

    static Path launcher() {
        return dist().resolve("bin/edge-gateway");
    }

    static Path writeConfig(Path dir, String yaml) {
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve("gateway.yaml");
            Files.writeString(f, yaml);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code edge-gateway run --config FILE} and waits until it says it is ready. */
    static ProcessRunner startGateway(Path config, Path log) {
        ProcessRunner p = ProcessRunner.builder(launcher().toString()).args("run", "--config", config.toString())
                .log(log).start();
        p.waitForLine(READY, Duration.ofSeconds(90));
        return p;
    }

    /**
     * Waits until {@code topic} holds at least {@code n} committed records; on failure the message names each
     * partition's end and stable offsets (an open or hanging transaction shows as stable &lt; end) and the last
     * lines of the gateway's log, so a CI failure can be told apart without the files.
     */
    static void awaitCommitted(String bootstrap, String topic, int n, Duration timeout, ProcessRunner gateway) {
        try {
            KafkaReader.readCommitted(bootstrap).waitForCount(topic, n, timeout);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\ngateway " + gateway, e);
        }
    }

    /** Each syslog sequence number found in the records' values, with how often it occurs. */
    static Map<Integer, Integer> seqCounts(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<Integer, Integer> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            int seq = SyslogSender.sequenceOf(KafkaReader.value(r)).orElseThrow(
                    () -> new AssertionError("record without sequence: " + KafkaReader.value(r)));
            out.merge(seq, 1, Integer::sum);
        }
        return out;
    }

    static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
        try {
            return JSON.readTree(r.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<ValidationMessage> validate(ConsumerRecord<byte[], byte[]> r) {
        return SCHEMA.validate(json(r));
    }

    private static JsonSchema schema() {
        try (InputStream in = Envelope.class.getResourceAsStream("envelope.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The latest heartbeat of a gateway process started at or after {@code startedAfter}, or null: reads the
     * heartbeat topic from the beginning up to its end offsets as of the call (heartbeats keep coming, so no quiet
     * period would ever end the read).
     */
    static JsonNode latestHeartbeat(String bootstrap, String gateway, java.time.Instant startedAfter) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        p.put("allow.auto.create.topics", "false");
        JsonNode last = null;
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> c =
                     new org.apache.kafka.clients.consumer.KafkaConsumer<>(p)) {
            List<org.apache.kafka.common.TopicPartition> parts = c.partitionsFor("edge.heartbeats", Duration.ofSeconds(5))
                    .stream().map(i -> new org.apache.kafka.common.TopicPartition(i.topic(), i.partition())).toList();
            if (parts.isEmpty()) {
                return null;
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<org.apache.kafka.common.TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(5));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    JsonNode n = json(r);
                    if (n.path("gateway").asText().equals(gateway)
                            && !java.time.Instant.parse(n.path("startedAt").asText()).isBefore(startedAfter)) {
                        last = n;
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            return null;
        }
        return last;
    }
}
