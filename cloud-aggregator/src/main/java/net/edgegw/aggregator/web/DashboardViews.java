package net.edgegw.aggregator.web;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.StoreNames;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The dashboard's queryable state inside the aggregator's Kafka Streams application:
 * <ul>
 *   <li>{@link StoreNames#SITES}: site id -> latest {@link SiteSnapshot}, a table over {@code health.sites}
 *       (a null value removes the site);</li>
 *   <li>{@link StoreNames#ALARMS}: alarm id -> latest {@link Alarm} version from {@code health.alarms}; a CLEARED
 *       alarm stays {@link StoreNames#CLEARED_RETENTION_MS} after it cleared (the "recently cleared" list), then a
 *       wall-clock punctuator purges it (the delete goes to the changelog too).</li>
 * </ul>
 * Both topics are read here and only here: the health topology writes them, it must not register them as sources
 * again (Kafka Streams allows one source per topic). Records that do not parse are logged and skipped (the
 * application's deserialization exception handler decides; {@code LogAndContinue} is recommended).
 *
 * <p>Stateless helper; the processors it adds follow Kafka Streams' threading (one instance per task).
 */
public final class DashboardViews {

    /** How often the alarm store is swept for cleared alarms past their retention (wall clock). */
    static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(DashboardViews.class);

    private DashboardViews() {
    }

    /** Adds both stores (and the source nodes feeding them) to {@code b}. */
    public static void addTo(StreamsBuilder b, AggregatorConfig.Topics topics) {
        Serde<SiteSnapshot> siteSerde = HealthJson.serde(SiteSnapshot.class);
        Serde<Alarm> alarmSerde = HealthJson.serde(Alarm.class);

        b.table(topics.sites(), Consumed.with(Serdes.String(), siteSerde).withName("dashboard-sites-source"),
                Materialized.<String, SiteSnapshot, KeyValueStore<Bytes, byte[]>>as(StoreNames.SITES)
                        .withKeySerde(Serdes.String()).withValueSerde(siteSerde));

        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ALARMS),
                Serdes.String(), alarmSerde));
        b.stream(topics.alarms(), Consumed.with(Serdes.String(), alarmSerde).withName("dashboard-alarms-source"))
                .process(AlarmView::new, StoreNames.ALARMS);
    }

    /** Keeps the latest version of each alarm; purges cleared ones after the retention. */
    static final class AlarmView implements Processor<String, Alarm, Void, Void> {
        private KeyValueStore<String, Alarm> store;
        private ProcessorContext<Void, Void> context;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.store = context.getStateStore(StoreNames.ALARMS);
            context.schedule(PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::purge);
        }

        @Override
        public void process(Record<String, Alarm> record) {
            String id = record.key();
            if (id == null) {
                LOG.warn("alarm without key skipped (offset unknown to the dashboard)");
                return;
            }
            Alarm alarm = record.value();
            if (alarm == null) {
                store.delete(id);
                return;
            }
            Alarm current = store.get(id);
            if (current != null && current.updatedAt().isAfter(alarm.updatedAt())) {
                return; // an older version replayed or out of order: keep the newer one
            }
            store.put(id, alarm);
        }

        void purge(long nowMs) {
            Instant cutoff = Instant.ofEpochMilli(nowMs - StoreNames.CLEARED_RETENTION_MS);
            List<String> expired = new ArrayList<>();
            try (KeyValueIterator<String, Alarm> it = store.all()) {
                while (it.hasNext()) {
                    KeyValue<String, Alarm> kv = it.next();
                    Alarm a = kv.value;
                    if (a != null && !a.active() && clearedAt(a).isBefore(cutoff)) {
                        expired.add(kv.key);
                    }
                }
            }
            expired.forEach(store::delete);
            if (!expired.isEmpty()) {
                LOG.debug("purged {} cleared alarms (task {})", expired.size(), context.taskId());
            }
        }

        private static Instant clearedAt(Alarm a) {
            return a.clearedAt() != null ? a.clearedAt() : a.updatedAt();
        }
    }
}
