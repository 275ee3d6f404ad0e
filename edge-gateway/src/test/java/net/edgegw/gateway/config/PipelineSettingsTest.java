package net.edgegw.gateway.config;

import net.edgegw.pipeline.PipelineSettings;
import net.edgegw.pipeline.PipelineSettings.DeadLetterSettings;
import net.edgegw.pipeline.PipelineSettings.InputRoute;
import net.edgegw.pipeline.RouteConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway config converts into the pipeline's settings (the config pipeline's PipelineTest is written for). */
class PipelineSettingsTest {

    static final String CONFIG = """
            site: s1
            gateway: gw-1
            dataDir: /tmp/unused
            tags: {region: north, host-role: edge}
            lanes:
              - {name: alarms, priority: 0}
              - {name: bulk, priority: 1}
            inputs:
              - {type: syslog, name: in-a, protocol: tcp, bind: "127.0.0.1:0"}
              - {type: syslog, name: in-b, protocol: udp, bind: "127.0.0.1:0", topic: custom.topic}
            routes:
              - {match: {contains: DEBUG}, drop: true}
              - {match: {severityAtMost: 3}, lane: alarms, topic: telemetry.alarms}
            buffer: {maxBytes: 64MiB}
            uplink: {bootstrapServers: "127.0.0.1:9"}
            """;

    @Test
    void inputsTakeTheirLaneAndTopicAndDeadLettersTheLowestPriorityLane() {
        assertThat(ConfigLoader.parse(CONFIG, null).pipeline()).isEqualTo(new PipelineSettings(
                Map.of("region", "north", "host-role", "edge"),
                List.of(new RouteConfig(null, null, null, "DEBUG", null, null, true),
                        new RouteConfig(null, null, 3, null, "alarms", "telemetry.alarms", false)),
                Map.of("in-a", new InputRoute("bulk", null), "in-b", new InputRoute("bulk", "custom.topic")),
                new DeadLetterSettings("bulk", "telemetry.deadletter")));
    }

    @Test
    void deadLetteringOffMeansNoDeadLetterSettings() {
        String off = CONFIG + "deadLetter: {enabled: false}\n";
        assertThat(ConfigLoader.parse(off, null).pipeline().deadLetter()).isNull();
    }
}
