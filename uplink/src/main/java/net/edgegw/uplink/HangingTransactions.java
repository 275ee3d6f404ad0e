package net.edgegw.uplink;

import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Finds and aborts a transaction of a lane's own producer that the broker left without its commit markers.
 *
 * <p>Why: the transaction coordinator completes a transaction by writing a marker to every partition in it. Kafka
 * (seen with 4.4.0) skips the partitions whose leader it cannot find at that moment, taking them for deleted topics.
 * On a single-broker cluster that happens when the broker is killed between a commit's response and its markers (after
 * the restart it sends the pending markers before its own registration is active), and when it shuts down while a
 * commit is in flight (its leaders are gone first). The transaction is then closed at the coordinator and open in the
 * partitions ("hanging", KIP-664): their last stable offset stays where the transaction began, forever. Every
 * {@code read_committed} reader of those partitions stops there, and the lane itself cannot read its checkpoint.
 * Kafka offers no automatic way out, only an operator's {@code kafka-transactions.sh abort}.
 *
 * <p>What: when the lane's checkpoint partition is held back, the lane asks the coordinator about its own
 * transactional id. Its own {@code initTransactions()} has just completed, so the coordinator has finished every
 * earlier transaction of that producer; a partition where that producer still has a transaction open with an older
 * epoch is therefore hanging, with certainty. Such a transaction is aborted in the checkpoint partition and in
 * every partition of the topics the unsent part of the lane writes to where the same producer and epoch are open.
 * All partitions of the transaction then agree (aborted): its checkpoint is not visible, the lane resumes after the
 * previous one and sends the batch again. Transactions of other producers are never touched (they are waited for,
 * as before). Aborting needs ALTER (or CLUSTER_ACTION) on the cluster; without it the lane stops with a message that
 * names the partitions and the operator's command.
 *
 * <p>Used by the forwarder thread only.
 */
final class HangingTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);

    /** One partition where a transaction is open that the coordinator has finished. */
    record Hang(TopicPartition partition, long producerId, short producerEpoch, int coordinatorEpoch,
                long startOffset) {
        @Override
        public String toString() {
            return partition + " from offset " + startOffset + " (producer " + producerId + ", epoch " + producerEpoch
                    + ")";
        }
    }

    private HangingTransactions() {
    }

    /**
     * The hangs of {@code own}'s producer among {@code states}: partitions where that producer id has a transaction
     * open with an epoch older than its current one. Empty while the coordinator itself still has a transaction of
     * it in progress (then the markers may yet come).
     */
    static List<Hang> ownHangs(TransactionDescription own, Map<TopicPartition, List<ProducerState>> states) {
        TransactionState s = own.state();
        if (s != TransactionState.EMPTY && s != TransactionState.COMPLETE_COMMIT
                && s != TransactionState.COMPLETE_ABORT) {
            return List.of();
        }
        List<Hang> out = new ArrayList<>();
        for (Map.Entry<TopicPartition, List<ProducerState>> e : states.entrySet()) {
            for (ProducerState p : e.getValue()) {
                if (p.producerId() == own.producerId() && p.currentTransactionStartOffset().isPresent()
                        && p.producerEpoch() < own.producerEpoch()) {
                    out.add(new Hang(e.getKey(), p.producerId(), (short) p.producerEpoch(),
                            Math.max(0, p.coordinatorEpoch().orElse(0)), p.currentTransactionStartOffset().getAsLong()));
                }
            }
        }
        return out;
    }

    /** The operator's way out when the gateway may not abort: one command per partition. */
    static String operatorCommands(String bootstrap, Collection<Hang> hangs) {
        StringBuilder sb = new StringBuilder();
        for (Hang h : hangs) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append("kafka-transactions.sh --bootstrap-server ").append(bootstrap).append(" abort --topic ")
                    .append(h.partition().topic()).append(" --partition ").append(h.partition().partition())
                    .append(" --start-offset ").append(h.startOffset());
        }
        return sb.toString();
    }

    /**
     * Aborts what the coordinator left open of {@code transactionalId}'s producer in {@code checkpointPartition}, and
     * in the partitions of the lane's topics ({@code lanesTopics}, asked only once a hang is found) where the same
     * producer and epoch are open.
     *
     * @return the partitions aborted; empty if the checkpoint partition is not held by a hang of this producer (or
     *         the broker does not let us look: then the caller waits as for any other open transaction)
     * @throws KafkaException naming the partitions and the operator's command if the abort is not permitted
     */
    static List<Hang> abortOwn(Admin admin, String transactionalId, String lane, String bootstrap,
                               TopicPartition checkpointPartition, Supplier<Set<String>> lanesTopics)
            throws InterruptedException {
        List<Hang> atCheckpoint;
        TransactionDescription own;
        try {
            own = get(admin.describeTransactions(List.of(transactionalId)).description(transactionalId));
            atCheckpoint = ownHangs(own, producers(admin, List.of(checkpointPartition)));
        } catch (TransactionalIdAuthorizationException | TopicAuthorizationException | ClusterAuthorizationException
                 | UnsupportedVersionException e) {
            LOG.debug("lane {}: cannot inspect the transactions on {}: {}", lane, checkpointPartition, e.toString());
            return List.of();
        }
        if (atCheckpoint.isEmpty()) {
            return List.of();
        }
        Hang first = atCheckpoint.get(0);
        Set<String> dataTopics = lanesTopics.get();
        List<TopicPartition> candidates = new ArrayList<>();
        if (!dataTopics.isEmpty()) {
            try {
                for (TopicDescription td : get(admin.describeTopics(dataTopics).allTopicNames()).values()) {
                    td.partitions().forEach(p -> candidates.add(new TopicPartition(td.name(), p.partition())));
                }
            } catch (KafkaException e) {
                LOG.warn("lane {}: cannot list the partitions of {} to abort the hanging transaction there too: {}",
                        lane, dataTopics, e.toString());
            }
        }
        Set<Hang> hangs = new LinkedHashSet<>(atCheckpoint);
        if (!candidates.isEmpty()) {
            try {
                for (Hang h : ownHangs(own, producers(admin, candidates))) {
                    if (h.producerEpoch() == first.producerEpoch()) {
                        hangs.add(h);
                    }
                }
            } catch (TopicAuthorizationException | ClusterAuthorizationException e) {
                LOG.warn("lane {}: may not inspect the producers of {} ({}); only the checkpoint partition is "
                        + "aborted", lane, dataTopics, e.toString());
            }
        }
        LOG.warn("lane {}: Kafka left this lane's transaction (producer {}, epoch {}) without commit markers on {} "
                + "(the coordinator finished it; seen when a single-broker cluster shuts down during a commit). "
                + "Aborting it there; the lane resumes after its last committed checkpoint and sends that batch "
                + "again", lane, first.producerId(), first.producerEpoch(), hangs);
        List<Hang> aborted = new ArrayList<>();
        for (Hang h : hangs) {
            try {
                get(admin.abortTransaction(new AbortTransactionSpec(h.partition(), h.producerId(), h.producerEpoch(),
                        h.coordinatorEpoch())).all());
                aborted.add(h);
            } catch (ClusterAuthorizationException | TopicAuthorizationException e) {
                throw new KafkaException("lane " + lane + ": a transaction of this lane hangs (Kafka wrote no commit "
                        + "markers) on " + hangs + " and this gateway may not abort it (" + e.getMessage() + "; it "
                        + "needs ALTER on the cluster). An operator can run: "
                        + operatorCommands(bootstrap, hangs), e);
            }
        }
        return aborted;
    }

    private static Map<TopicPartition, List<ProducerState>> producers(Admin admin, Collection<TopicPartition> tps)
            throws InterruptedException {
        Map<TopicPartition, List<ProducerState>> out = new LinkedHashMap<>();
        var all = get(admin.describeProducers(tps).all());
        for (TopicPartition tp : tps) {
            var s = all.get(tp);
            out.put(tp, s == null ? List.of() : s.activeProducers());
        }
        return out;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> f) throws InterruptedException {
        try {
            return f.get(KafkaClients.MAX_BLOCK_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof KafkaException ke ? ke : new KafkaException(c);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("timed out inspecting or aborting a hanging transaction");
        }
    }
}
