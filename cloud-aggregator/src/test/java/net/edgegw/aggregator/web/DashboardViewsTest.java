package net.edgegw.aggregator.web;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.SiteSnapshot.SiteState;
import net.edgegw.aggregator.model.StoreNames;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardViewsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final AggregatorConfig.Topics topics = AggregatorConfig.Topics.defaults();
    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, SiteSnapshot> sites;
    private TestInputTopic<String, Alarm> alarms;

    @BeforeEach
    void setUp() {
        StreamsBuilder b = new StreamsBuilder();
        DashboardViews.addTo(b, topics);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "views-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(b.build(), p, T0);
        sites = driver.createInputTopic(topics.sites(), new StringSerializer(),
                HealthJson.serde(SiteSnapshot.class).serializer());
        alarms = driver.createInputTopic(topics.alarms(), new StringSerializer(),
                HealthJson.serde(Alarm.class).serializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void latestSiteSnapshotWinsAndTombstoneRemoves() {
        sites.pipeInput("site-a", Samples.site("site-a", SiteState.UP, T0));
        sites.pipeInput("site-b", Samples.site("site-b", SiteState.UP, T0));
        sites.pipeInput("site-a", Samples.site("site-a", SiteState.UNREACHABLE, T0.plusSeconds(30)));

        KeyValueStore<String, SiteSnapshot> store = driver.getKeyValueStore(StoreNames.SITES);
        assertThat(store.get("site-a").state()).isEqualTo(SiteState.UNREACHABLE);
        assertThat(store.get("site-b").state()).isEqualTo(SiteState.UP);
        assertThat(store.get("site-a").history()).hasSize(30);

        sites.pipeInput("site-b", (SiteSnapshot) null);
        assertThat(store.get("site-b")).isNull();
        try (var it = store.all()) {
            assertThat(it).toIterable().extracting(kv -> kv.key).containsExactly("site-a");
        }
    }

    @Test
    void latestAlarmVersionWinsAndOlderReplayIsIgnored() {
        Alarm raised = Samples.siteAlarm("site-a", "LINK_DOWN", 3, Alarm.State.RAISED, T0, T0, null);
        Alarm updated = Samples.siteAlarm("site-a", "LINK_DOWN", 2, Alarm.State.UPDATED, T0, T0.plusSeconds(10), null);
        alarms.pipeInput(raised.id(), raised);
        alarms.pipeInput(updated.id(), updated);
        alarms.pipeInput(raised.id(), raised); // replay of an older version

        KeyValueStore<String, Alarm> store = driver.getKeyValueStore(StoreNames.ALARMS);
        assertThat(store.get(raised.id()).state()).isEqualTo(Alarm.State.UPDATED);
        assertThat(store.get(raised.id()).severity()).isEqualTo(2);
    }

    @Test
    void clearedAlarmIsKeptForTheRetentionThenPurged() {
        Alarm raised = Samples.siteAlarm("site-a", "UNREACHABLE", 1, Alarm.State.RAISED, T0, T0, null);
        Alarm cleared = Samples.siteAlarm("site-a", "UNREACHABLE", 1, Alarm.State.CLEARED, T0, T0.plusSeconds(60), null);
        Alarm active = Samples.siteAlarm("site-b", "LINK_DOWN", 3, Alarm.State.RAISED, T0, T0, null);
        alarms.pipeInput(raised.id(), raised);
        alarms.pipeInput(cleared.id(), cleared);
        alarms.pipeInput(active.id(), active);
        KeyValueStore<String, Alarm> store = driver.getKeyValueStore(StoreNames.ALARMS);

        driver.advanceWallClockTime(Duration.ofMillis(StoreNames.CLEARED_RETENTION_MS / 2));
        assertThat(store.get(cleared.id())).as("recently cleared, still shown").isNotNull();

        driver.advanceWallClockTime(Duration.ofMillis(StoreNames.CLEARED_RETENTION_MS / 2)
                .plus(DashboardViews.PURGE_INTERVAL).plusMinutes(1));
        assertThat(store.get(cleared.id())).as("cleared past retention").isNull();
        assertThat(store.get(active.id())).as("active alarms are never purged").isNotNull();
    }

    @Test
    void alarmTombstoneDeletes() {
        Alarm raised = Samples.siteAlarm("site-a", "LINK_DOWN", 3, Alarm.State.RAISED, T0, T0, null);
        alarms.pipeInput(raised.id(), raised);
        alarms.pipeInput(raised.id(), (Alarm) null);
        KeyValueStore<String, Alarm> store = driver.getKeyValueStore(StoreNames.ALARMS);
        assertThat(store.get(raised.id())).isNull();
    }
}
