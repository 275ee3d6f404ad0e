package net.edgegw.aggregator.mirror;

import net.edgegw.testkit.EmbeddedKafka;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The shipped mirror.properties pointed at two test clusters: single-broker replication and short intervals. */
public final class MirrorTestConfig {

    public static final Path SHIPPED = Path.of("../packaging/src/config/mirror.properties");

    private MirrorTestConfig() {
    }

    public static Map<String, String> shipped(EmbeddedKafka region, EmbeddedKafka central) {
        Map<String, String> p = new HashMap<>(MirrorConfig.load(SHIPPED));
        p.put("region-eu.bootstrap.servers", region.bootstrapServers());
        p.put("central.bootstrap.servers", central.bootstrapServers());
        for (String k : List.of("replication.factor", "checkpoints.topic.replication.factor",
                "heartbeats.topic.replication.factor", "offset-syncs.topic.replication.factor",
                "offset.storage.replication.factor", "status.storage.replication.factor",
                "config.storage.replication.factor")) {
            p.put(k, "1");
        }
        p.put("refresh.topics.interval.seconds", "2");
        p.put("emit.checkpoints.interval.seconds", "2");
        p.put("tasks.max", "1");
        return p;
    }
}
