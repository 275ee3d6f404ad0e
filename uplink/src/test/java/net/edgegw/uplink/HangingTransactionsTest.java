package net.edgegw.uplink;

import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which open transactions a lane may take for its own hang, and the operator's way out. */
class HangingTransactionsTest {

    private static final TopicPartition CP = new TopicPartition("edge.checkpoints", 0);
    private static final TopicPartition DATA = new TopicPartition("telemetry.syslog", 2);

    private static TransactionDescription own(TransactionState state, long producerId, int epoch) {
        return new TransactionDescription(1, state, producerId, epoch, 60_000, OptionalLong.empty(), Set.of());
    }

    private static ProducerState open(long producerId, int epoch, long from) {
        return new ProducerState(producerId, epoch, 10, 1_700_000_000_000L, OptionalInt.of(3), OptionalLong.of(from));
    }

    private static ProducerState closed(long producerId, int epoch) {
        return new ProducerState(producerId, epoch, 10, 1_700_000_000_000L, OptionalInt.of(3), OptionalLong.empty());
    }

    @Test
    void anOpenTransactionOfAnOlderEpochOfOurProducerIsAHang() {
        Map<TopicPartition, List<ProducerState>> states = new LinkedHashMap<>();
        states.put(CP, List.of(open(7, 24, 48), closed(9, 3)));
        states.put(DATA, List.of(open(7, 24, 2934)));

        List<HangingTransactions.Hang> hangs = HangingTransactions.ownHangs(own(TransactionState.EMPTY, 7, 26), states);

        assertThat(hangs).containsExactly(
                new HangingTransactions.Hang(CP, 7, (short) 24, 3, 48),
                new HangingTransactions.Hang(DATA, 7, (short) 24, 3, 2934));
    }

    @Test
    void otherProducersTransactionsAreNeverOurs() {
        // another gateway's transaction holds the partition: it is waited for, never aborted by this lane
        Map<TopicPartition, List<ProducerState>> states = Map.of(CP, List.of(open(8, 2, 48), closed(7, 25)));
        assertThat(HangingTransactions.ownHangs(own(TransactionState.EMPTY, 7, 26), states)).isEmpty();
    }

    @Test
    void anOpenTransactionAtOurCurrentEpochIsNotAHang() {
        Map<TopicPartition, List<ProducerState>> states = Map.of(CP, List.of(open(7, 26, 48)));
        assertThat(HangingTransactions.ownHangs(own(TransactionState.EMPTY, 7, 26), states)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = TransactionState.class, names = {"ONGOING", "PREPARE_COMMIT", "PREPARE_ABORT",
            "PREPARE_EPOCH_FENCE", "UNKNOWN"})
    void whileTheCoordinatorIsStillOnATransactionNothingIsAHang(TransactionState state) {
        // its markers may still come: aborting now could contradict a commit in progress
        Map<TopicPartition, List<ProducerState>> states = Map.of(CP, List.of(open(7, 24, 48)));
        assertThat(HangingTransactions.ownHangs(own(state, 7, 26), states)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = TransactionState.class, names = {"EMPTY", "COMPLETE_COMMIT", "COMPLETE_ABORT"})
    void onceTheCoordinatorHasFinishedAnOlderOpenTransactionIsAHang(TransactionState state) {
        Map<TopicPartition, List<ProducerState>> states = Map.of(CP, List.of(open(7, 24, 48)));
        assertThat(HangingTransactions.ownHangs(own(state, 7, 26), states)).hasSize(1);
    }

    @Test
    void theOperatorIsToldTheExactCommandPerPartition() {
        String cmd = HangingTransactions.operatorCommands("kafka-1:9093", List.of(
                new HangingTransactions.Hang(CP, 7, (short) 24, 3, 48),
                new HangingTransactions.Hang(DATA, 7, (short) 24, 3, 2934)));
        assertThat(cmd).isEqualTo("kafka-transactions.sh --bootstrap-server kafka-1:9093 abort --topic edge.checkpoints"
                + " --partition 0 --start-offset 48; kafka-transactions.sh --bootstrap-server kafka-1:9093 abort --topic"
                + " telemetry.syslog --partition 2 --start-offset 2934");
    }
}
