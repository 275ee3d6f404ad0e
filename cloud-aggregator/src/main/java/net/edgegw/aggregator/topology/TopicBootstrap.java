package net.edgegw.aggregator.topology;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.core.Headers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Creates the aggregator's own topics when they are missing: {@code health.alarms} (delete policy),
 * {@code health.sites} and {@code network.topology} (compacted), with the broker's default partition count and
 * replication factor. A topic that exists (or that another instance creates at the same moment) is left as it is.
 * Stateless and thread-safe.
 */
public final class TopicBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrap.class);
    static final long TIMEOUT_SECONDS = 60;

    private TopicBootstrap() {
    }

    /**
     * Ensures the alarms, sites and topology topics of {@code cfg} exist, and, when an input pattern matches no
     * topic yet, the contract input topics it covers ({@code telemetry.syslog/mqtt/tcp}, {@code edge.heartbeats}).
     *
     * @return the names of the topics this call created (empty if all existed)
     * @throws IllegalStateException if the cluster cannot be reached or refuses to create a topic
     */
    public static List<String> ensure(Admin admin, AggregatorConfig cfg) {
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(cfg.topics().alarms(), TopicConfig.CLEANUP_POLICY_DELETE);
        wanted.put(cfg.topics().sites(), TopicConfig.CLEANUP_POLICY_COMPACT);
        wanted.put(cfg.topics().topology(), TopicConfig.CLEANUP_POLICY_COMPACT);
        Set<String> existing = get(() -> admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                "list topics");
        // Kafka Streams cannot size its repartition topics while an input pattern matches no topic (a central
        // cluster no gateway has written to yet): create the contract's input topics that the patterns cover
        inputs(wanted, existing, cfg.topics().telemetryPattern(), "topics.telemetryPattern",
                List.of(Headers.TOPIC_SYSLOG, Headers.TOPIC_MQTT, Headers.TOPIC_TCP));
        inputs(wanted, existing, cfg.topics().heartbeatPattern(), "topics.heartbeatPattern",
                List.of(Headers.TOPIC_HEARTBEATS));
        return ensure(admin, wanted);
    }

    private static void inputs(Map<String, String> wanted, Set<String> existing, String regex, String key,
                               List<String> contractTopics) {
        Pattern pattern = Pattern.compile(regex);
        if (existing.stream().anyMatch(t -> pattern.matcher(t).matches())) {
            return;
        }
        List<String> covered = contractTopics.stream().filter(t -> pattern.matcher(t).matches()).toList();
        if (covered.isEmpty()) {
            throw new IllegalStateException(key + " '" + regex + "' matches no topic of the cluster and none of "
                    + contractTopics + ": create at least one matching topic before starting");
        }
        covered.forEach(t -> wanted.put(t, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    /** Ensures the compacted topic {@code topic} exists; true if this call created it. */
    public static boolean ensureCompacted(Admin admin, String topic) {
        return !ensure(admin, Map.of(topic, TopicConfig.CLEANUP_POLICY_COMPACT)).isEmpty();
    }

    /** Whether {@code topic} exists. */
    public static boolean exists(Admin admin, String topic) {
        return get(() -> admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS), "list topics")
                .contains(topic);
    }

    private static List<String> ensure(Admin admin, Map<String, String> topicToPolicy) {
        Set<String> existing = get(() -> admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                "list topics");
        List<String> created = new ArrayList<>();
        for (Map.Entry<String, String> e : topicToPolicy.entrySet()) {
            if (existing.contains(e.getKey())) {
                continue;
            }
            NewTopic t = new NewTopic(e.getKey(), Optional.empty(), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, e.getValue()));
            try {
                admin.createTopics(List.of(t)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                created.add(e.getKey());
                LOG.info("created topic {} (cleanup.policy={}, broker-default partitions and replication)",
                        e.getKey(), e.getValue());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + e.getKey() + ": " + ex.getCause(), ex);
                }
            } catch (TimeoutException ex) {
                throw new IllegalStateException("timed out creating topic " + e.getKey(), ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted creating topic " + e.getKey(), ex);
            }
        }
        awaitReady(admin, created);
        return created;
    }

    /**
     * Waits until every partition of the just-created topics has a leader: a Kafka Streams global store (the topology
     * table) started right after the creation otherwise fails with "no partitions available".
     */
    private static void awaitReady(Admin admin, List<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                boolean ready = admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .values().stream().allMatch(d -> !d.partitions().isEmpty()
                                && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // not visible yet (UnknownTopicOrPartition): retry until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for topics " + topics, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + topics + " were created but have no leader after "
                        + TIMEOUT_SECONDS + " s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for topics " + topics, e);
            }
        }
    }

    interface Call<T> {
        T get() throws InterruptedException, ExecutionException, TimeoutException;
    }

    static <T> T get(Call<T> call, String what) {
        try {
            return call.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out trying to " + what + " (is Kafka reachable?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted trying to " + what, e);
        }
    }
}
