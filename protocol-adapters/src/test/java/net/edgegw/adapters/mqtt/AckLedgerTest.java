package net.edgegw.adapters.mqtt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class AckLedgerTest {

    @TempDir
    Path dir;

    @Test
    void aPendingEntryLeftByACrashIsSeenByTheNextOpenUntilCleared() throws Exception {
        Path file = dir.resolve("ack-ledger.bin");
        Instant at = Instant.parse("2026-11-24T10:00:00.123456789Z");
        long fp = AckLedger.fingerprint("t/1", new byte[] {1, 2}, 1);
        AckLedger crashed = AckLedger.open(file, "tcp://b:1883 c1");
        assertThat(crashed.pending()).isNull();
        assertThat(crashed.lastReceivedAt()).isNull();
        crashed.prepare(17, fp, at);
        // no close: the process died; the mapped pages are what the next process sees
        try (AckLedger next = AckLedger.open(file, "tcp://b:1883 c1")) {
            assertThat(next.pending()).isEqualTo(new AckLedger.Pending(17, fp, at));
            assertThat(next.get(17)).as("the slot is written only once the append is known to be done").isZero();
            next.put(17, fp);
            next.clearPending();
        }
        try (AckLedger again = AckLedger.open(file, "tcp://b:1883 c1")) {
            assertThat(again.pending()).isNull();
            assertThat(again.contains(17, fp)).isTrue();
            assertThat(again.recent(17, 1)).isTrue();
            assertThat(again.lastReceivedAt()).as("kept for strictly increasing receivedAt").isEqualTo(at);
        }
        try (AckLedger other = AckLedger.open(file, "tcp://b:1883 c2")) {
            assertThat(other.pending()).as("another session starts empty").isNull();
            assertThat(other.get(17)).isZero();
            assertThat(other.lastReceivedAt()).isNull();
        }
    }
}
