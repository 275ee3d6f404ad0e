package net.edgegw.uplink;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointTest {

    @Test
    void encodesTheContractFormat() {
        Checkpoint cp = new Checkpoint("site-0042", "gw-1", "alarms", 12345, 100,
                Instant.parse("2026-11-24T12:00:00.123Z"));
        assertThat(new String(cp.toJson(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"site\":\"site-0042\",\"gateway\":\"gw-1\",\"lane\":\"alarms\",\"index\":12345,\"records\":100,"
                        + "\"committedAt\":\"2026-11-24T12:00:00.123Z\"}");
        assertThat(cp.key()).isEqualTo("site-0042/gw-1/alarms");
    }

    @Test
    void roundTrips() {
        Checkpoint cp = new Checkpoint("s", "g", "bulk", Long.MAX_VALUE - 1, 1, Instant.ofEpochSecond(1, 5));
        assertThat(Checkpoint.fromJson(cp.toJson())).isEqualTo(cp);
    }

    @Test
    void decodesWithExtraFieldsInAnyOrder() {
        String json = "{\"committedAt\":\"2026-01-01T00:00:00Z\",\"extra\":[1],\"records\":3,\"index\":7,"
                + "\"lane\":\"l\",\"gateway\":\"g\",\"site\":\"s\"}";
        Checkpoint cp = Checkpoint.fromJson(json.getBytes(StandardCharsets.UTF_8));
        assertThat(cp.index()).isEqualTo(7);
        assertThat(cp.records()).isEqualTo(3);
        assertThat(cp.lane()).isEqualTo("l");
    }

    @Test
    void refusesWhatIsNotACheckpoint() {
        assertThatThrownBy(() -> Checkpoint.fromJson("nope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> Checkpoint.fromJson("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> Checkpoint.fromJson(
                "{\"site\":\"s\",\"gateway\":\"g\",\"lane\":\"l\",\"index\":\"7\",\"records\":1,\"committedAt\":\"2026-01-01T00:00:00Z\"}"
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("integer index");
        assertThatThrownBy(() -> Checkpoint.fromJson(
                "{\"site\":\"s\",\"gateway\":\"g\",\"lane\":\"l\",\"index\":1.5,\"records\":1,\"committedAt\":\"2026-01-01T00:00:00Z\"}"
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Checkpoint.fromJson(
                "{\"site\":\"s\",\"gateway\":\"g\",\"lane\":\"l\",\"index\":1,\"records\":1,\"committedAt\":\"yesterday\"}"
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("committedAt");
        assertThatThrownBy(() -> Checkpoint.fromJson(
                "{\"gateway\":\"g\",\"lane\":\"l\",\"index\":1,\"records\":1,\"committedAt\":\"2026-01-01T00:00:00Z\"}"
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'site'");
        assertThatThrownBy(() -> Checkpoint.fromJson(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> new Checkpoint("s", "g", "l", -1, 0, Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void partitionMatchesKafkasDefaultPartitionerForKeyedRecords() {
        for (int partitions : new int[]{1, 3, 7, 50}) {
            for (int i = 0; i < 200; i++) {
                String key = "site-" + i + "/gw-" + (i % 7) + "/lane-" + (i % 3);
                assertThat(CheckpointStore.partitionFor(key, partitions))
                        .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8),
                                partitions))
                        .isBetween(0, partitions - 1);
            }
        }
    }
}
