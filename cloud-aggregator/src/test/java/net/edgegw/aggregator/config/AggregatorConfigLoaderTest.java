package net.edgegw.aggregator.config;

import net.edgegw.aggregator.config.AggregatorConfig.Rule;
import net.edgegw.aggregator.config.AggregatorConfig.RuleScope;
import net.edgegw.aggregator.config.AggregatorConfig.Topics;
import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AggregatorConfigLoaderTest {

    static final String FULL = """
            bootstrapServers: "kafka-1:9093,kafka-2:9093"
            kafka:
              security.protocol: SASL_SSL
              sasl.mechanism: SCRAM-SHA-512
              sasl.jaas.config: "org.apache.kafka.common.security.scram.ScramLoginModule required username=agg password=s3cr3t;"
            applicationId: agg-prod
            stateDir: state
            streamThreads: 4
            topics:
              telemetryPattern: "^telemetry\\\\..*$"
              heartbeatPattern: "^edge\\\\.heartbeats$"
              topology: ref.topology
              alarms: out.alarms
              sites: out.sites
            dedupe: {retention: 12h}
            rules:
              - name: cisco-link
                signal: LINK_DOWN
                severity: 3
                match: {source: syslog, message: "%LINK-3-UPDOWN: Interface (?<ifname>\\\\S+), changed state to down"}
                clear: {source: syslog, message: "%LINK-3-UPDOWN: Interface (?<ifname>\\\\S+), changed state to up"}
                key: ifname
              - name: hot
                signal: TEMPERATURE_HIGH
                severity: 2
                scope: site
                match: {source: mqtt, topic: "sensors/+/temperature", attributes: {zone: "^hall-"}}
                threshold: {field: payload.temperature, above: 70.5, for: 60s}
              - name: error-rate
                signal: ERROR_RATE
                severity: 4
                scope: site
                match: {severityAtMost: 3, host: "^core-"}
                window: {size: 5m, count: 100}
            health: {unreachableAfter: 45s, recoverAfter: 15s, catchingUpBacklog: 5000, degradedSeverity: 2,
                     checkInterval: 2s, clearAfter: 90s}
            correlation: {minSites: 4, window: 3m, holdDown: 30s, clearAfter: 2m}
            dashboard:
              bind: "0.0.0.0:9443"
              advertised: "agg-1.internal:9443"
              username: ops
              passwordHashFile: /etc/cloud-aggregator/pw
              tls: false
              sessionTimeout: 1h
              metricsTokenFile: metrics.token
            webhook:
              url: "https://hooks.example.net/alarms?token=abc"
              minSeverity: 2
              linked: true
              headers: {Authorization: "Bearer very-secret"}
              maxAttempts: 3
              backoff: 500ms
              timeout: 5s
            """;

    @Test
    void fullFileLoads() {
        AggregatorConfig c = AggregatorConfigLoader.parse(FULL, Path.of("/etc/cloud-aggregator"));
        assertThat(c.bootstrapServers()).isEqualTo("kafka-1:9093,kafka-2:9093");
        assertThat(c.kafka()).containsEntry("sasl.mechanism", "SCRAM-SHA-512").hasSize(3);
        assertThat(c.applicationId()).isEqualTo("agg-prod");
        assertThat(c.stateDir()).isEqualTo(Path.of("/etc/cloud-aggregator/state"));
        assertThat(c.streamThreads()).isEqualTo(4);
        assertThat(c.topics()).isEqualTo(new Topics("^telemetry\\..*$", "^edge\\.heartbeats$", "ref.topology",
                "out.alarms", "out.sites"));
        assertThat(c.dedupe().retention()).isEqualTo(Duration.ofHours(12));
        assertThat(c.rules()).extracting(Rule::name).containsExactly("cisco-link", "hot", "error-rate");
        Rule link = c.rules().get(0);
        assertThat(link.scope()).isEqualTo(RuleScope.DEVICE);
        assertThat(link.keyGroup()).isEqualTo("ifname");
        assertThat(link.clear().message()).endsWith("changed state to up");
        Rule hot = c.rules().get(1);
        assertThat(hot.scope()).isEqualTo(RuleScope.SITE);
        assertThat(hot.match().topic()).isEqualTo("sensors/+/temperature");
        assertThat(hot.match().attributes()).containsEntry("zone", "^hall-");
        assertThat(hot.threshold().above()).isEqualTo(70.5);
        assertThat(hot.threshold().below()).isNull();
        assertThat(hot.threshold().hold()).isEqualTo(Duration.ofSeconds(60));
        Rule rate = c.rules().get(2);
        assertThat(rate.window().size()).isEqualTo(Duration.ofMinutes(5));
        assertThat(rate.window().count()).isEqualTo(100);
        assertThat(rate.match().severityAtMost()).isEqualTo(3);
        assertThat(c.health().unreachableAfter()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.health().catchingUpBacklog()).isEqualTo(5000);
        assertThat(c.health().degradedSeverity()).isEqualTo(2);
        assertThat(c.health().clearAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.correlation().minSites()).isEqualTo(4);
        assertThat(c.correlation().holdDown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.dashboard().bind().getPort()).isEqualTo(9443);
        assertThat(c.dashboard().advertised()).isEqualTo("agg-1.internal:9443");
        assertThat(c.dashboard().username()).isEqualTo("ops");
        assertThat(c.dashboard().passwordHashFile()).isEqualTo(Path.of("/etc/cloud-aggregator/pw"));
        assertThat(c.dashboard().peerSecretFile()).isEqualTo(Path.of("/etc/cloud-aggregator/state/peer-secret"));
        assertThat(c.dashboard().tls()).isFalse();
        assertThat(c.dashboard().sessionTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(c.dashboard().metricsTokenFile()).isEqualTo(Path.of("/etc/cloud-aggregator/metrics.token"));
        assertThat(c.webhook().minSeverity()).isEqualTo(2);
        assertThat(c.webhook().linked()).isTrue();
        assertThat(c.webhook().maxAttempts()).isEqualTo(3);
        assertThat(c.webhook().backoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.webhook().headers()).containsEntry("Authorization", "Bearer very-secret");
        assertThat(c.toString()).doesNotContain("s3cr3t").doesNotContain("very-secret").contains("SCRAM-SHA-512");
    }

    @Test
    void defaults() {
        AggregatorConfig c = AggregatorConfigLoader.parse("bootstrapServers: localhost:9092\n");
        assertThat(c.kafka()).isEmpty();
        assertThat(c.applicationId()).isEqualTo("cloud-aggregator");
        assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/cloud-aggregator"));
        assertThat(c.streamThreads()).isEqualTo(2);
        assertThat(c.topics()).isEqualTo(Topics.defaults());
        assertThat(c.dedupe().retention()).isEqualTo(Duration.ofHours(24));
        assertThat(c.rules()).isEmpty();
        assertThat(c.health()).isEqualTo(new AggregatorConfig.Health(Duration.ofSeconds(30), Duration.ofSeconds(10),
                1000, 3, Duration.ofSeconds(1), Duration.ofSeconds(60)));
        assertThat(c.correlation()).isEqualTo(new AggregatorConfig.Correlation(3, Duration.ofMinutes(2),
                Duration.ofSeconds(20), Duration.ofSeconds(60)));
        assertThat(c.dashboard().bind().getHostString()).isEqualTo("0.0.0.0");
        assertThat(c.dashboard().bind().getPort()).isEqualTo(8443);
        assertThat(c.dashboard().advertised()).isEqualTo("127.0.0.1:8443");
        assertThat(c.dashboard().username()).isEqualTo("admin");
        assertThat(c.dashboard().passwordHashFile()).isEqualTo(Path.of("/var/lib/cloud-aggregator/dashboard-password"));
        assertThat(c.dashboard().peerSecretFile()).isEqualTo(Path.of("/var/lib/cloud-aggregator/peer-secret"));
        assertThat(c.dashboard().tls()).isTrue();
        assertThat(c.dashboard().tlsCert()).isNull();
        assertThat(c.dashboard().sessionTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.dashboard().metricsTokenFile()).as("no token file: /metrics needs a login").isNull();
        assertThat(c.webhook()).isNull();

        AggregatorConfig w = AggregatorConfigLoader.parse("bootstrapServers: k:9092\nwebhook: {url: 'http://h/x'}\n");
        assertThat(w.webhook()).isEqualTo(new AggregatorConfig.Webhook("http://h/x", 3, false, java.util.Map.of(), 5,
                Duration.ofSeconds(1), Duration.ofSeconds(10)));
    }

    /** One wrong key per row: the YAML (| stands for a newline), then the exact key, line and message. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '¦', quoteCharacter = '`', textBlock = """
            kafka: {a: 1}                                    ¦ bootstrapServers ¦ 1 ¦ is required
            B|kafka: {bootstrap.servers: x}                  ¦ kafka.bootstrap.servers ¦ 2 ¦ is set by the aggregator: use the top-level key 'bootstrapServers'
            B|applicationId: "a b"                           ¦ applicationId ¦ 2 ¦ 'a b' is not a valid Kafka Streams application id (letters, digits, '.', '_', '-')
            B|streamThreads: 0                               ¦ streamThreads ¦ 2 ¦ must be a whole number from 1 to 64, got '0'
            B|colour: blue                                   ¦ colour ¦ 2 ¦ unknown key (known here: bootstrapServers, kafka, applicationId, stateDir, streamThreads, topics, dedupe, rules, health, correlation, dashboard, webhook)
            B|topics:|  telemetryPattern: "telemetry.(["    ¦ topics.telemetryPattern ¦ 3 ¦ not a valid regular expression: Unclosed character class near index 11 of 'telemetry.(['
            B|topics: {alarms: "bad topic"}                  ¦ topics.alarms ¦ 2 ¦ 'bad topic' is not a valid Kafka topic name
            B|dedupe: {retention: 10s}                       ¦ dedupe.retention ¦ 2 ¦ must be at least 60000ms, got '10s'
            B|rules:|  - {signal: X, severity: 1, match: {source: tcp}} ¦ rules[0].name ¦ 3 ¦ is required
            B|rules:|  - {name: a, signal: link_down, severity: 1, match: {source: tcp}} ¦ rules[0].signal ¦ 3 ¦ 'link_down' must match [A-Z][A-Z0-9_]* (e.g. LINK_DOWN)
            B|rules:|  - {name: a, signal: X, severity: 8, match: {source: tcp}} ¦ rules[0].severity ¦ 3 ¦ must be a whole number from 0 to 7, got '8'
            B|rules:|  - {name: a, signal: X, match: {source: tcp}} ¦ rules[0].severity ¦ 3 ¦ is required (0 emergency .. 7 debug)
            B|rules:|  - {name: a, signal: X, severity: 1, scope: region, match: {source: tcp}} ¦ rules[0].scope ¦ 3 ¦ must be one of device, site, got 'region'
            B|rules:|  - {name: a, signal: X, severity: 1} ¦ rules[0].match ¦ 3 ¦ is required: which records the rule looks at
            B|rules:|  - {name: a, signal: X, severity: 1, match: {}} ¦ rules[0].match ¦ 3 ¦ an event rule needs at least one condition (source, input, host, topic, message, severityAtMost or attributes): an empty match fires on every record
            B|rules:|  - {name: a, signal: X, severity: 1, match: {source: snmp}} ¦ rules[0].match.source ¦ 3 ¦ must be one of syslog, mqtt, tcp, got 'snmp'
            B|rules:|  - name: a|    signal: X|    severity: 1|    match:|      message: "down (?<if>"  ¦ rules[0].match.message ¦ 7 ¦ not a valid regular expression: Unclosed group near index 11 of 'down (?<if>'
            B|rules:|  - {name: a, signal: X, severity: 1, match: {host: "*x"}} ¦ rules[0].match.host ¦ 3 ¦ not a valid regular expression: Dangling meta character '*' near index 0 of '*x'
            B|rules:|  - {name: a, signal: X, severity: 1, match: {topic: "a/#/b"}} ¦ rules[0].match.topic ¦ 3 ¦ 'a/#/b' is not an MQTT topic filter: '#' must be a whole level and the last one
            B|rules:|  - {name: a, signal: X, severity: 1, match: {source: tcp, attributes: {zone: "(x"}}} ¦ rules[0].match.attributes.zone ¦ 3 ¦ not a valid regular expression: Unclosed group near index 2 of '(x'
            B|rules:|  - {name: a, signal: X, severity: 1, match: {source: tcp, severityAtMost: 9}} ¦ rules[0].match.severityAtMost ¦ 3 ¦ must be a whole number from 0 to 7, got '9'
            B|rules:|  - {name: a, signal: X, severity: 1, match: {source: tcp, colour: red}} ¦ rules[0].match.colour ¦ 3 ¦ unknown key (known here: source, input, host, topic, message, severityAtMost, attributes)
            B|rules:|  - {name: a, signal: X, severity: 1, match: {source: tcp}}|  - {name: a, signal: Y, severity: 1, match: {source: tcp}} ¦ rules[1].name ¦ 4 ¦ duplicate rule name 'a' (first used by rules[0])
            B|rules:|  - name: a|    signal: X|    severity: 1|    match: {source: mqtt}|    threshold: {field: payload.t, above: 1}|    window: {size: 1m, count: 3} ¦ rules[0].window ¦ 8 ¦ a rule is one of event (match [+ clear]), threshold or window: this one has both threshold and window; split it into two rules
            B|rules:|  - name: a|    signal: X|    severity: 1|    match: {source: mqtt}|    clear: {source: mqtt}|    threshold: {field: payload.t, above: 1} ¦ rules[0].clear ¦ 7 ¦ clear belongs to event rules only: a threshold rule clears by itself when its condition ends
            B|rules:|  - name: a|    signal: X|    severity: 1|    match: {source: mqtt}|    clear: {source: mqtt}|    window: {size: 1m, count: 3} ¦ rules[0].clear ¦ 7 ¦ clear belongs to event rules only: a window rule clears by itself when its condition ends
            B|rules:|  - name: a|    signal: X|    severity: 1|    match: {source: mqtt}|    threshold: {field: payload.t, above: 1, below: 0} ¦ rules[0].threshold ¦ 7 ¦ has both above and below: set exactly one
            B|rules:|  - name: a|    signal: X|    severity: 1|    match: {source: mqtt}|    threshold: {field: payload.t} ¦ rules[0].threshold ¦ 7 ¦ needs exactly one of above or below
            B|rules:|  - name: a|    signal: X|    severity: 1|    match: {source: mqtt}|    threshold: {field: payload.t, above: hot} ¦ rules[0].threshold.above ¦ 7 ¦ must be a number, got 'hot'
            B|rules:|  - name: a|    signal: X|    severity: 1|    match: {source: mqtt}|    threshold: {field: payload.t, above: 1, for: soon} ¦ rules[0].threshold.for ¦ 7 ¦ must be a duration such as 250ms, 10s, 5m, 1h or 7d, got 'soon'
            B|rules:|  - name: a|    signal: X|    severity: 1|    match: {source: mqtt}|    window: {size: 1m} ¦ rules[0].window.count ¦ 7 ¦ is required: matches within size that raise the signal
            B|rules:|  - name: a|    signal: X|    severity: 1|    match: {message: "down (?<ifname>\\\\S+)"}|    key: iface ¦ rules[0].key ¦ 7 ¦ match.message has no named group 'iface' (write (?<iface>...) in the regex)
            B|rules:|  - name: a|    signal: X|    severity: 1|    match: {source: syslog}|    key: iface ¦ rules[0].key ¦ 7 ¦ key 'iface' names a group of match.message, but the rule has no match.message
            B|health: {checkInterval: 1m}                    ¦ health.checkInterval ¦ 2 ¦ must not be longer than health.unreachableAfter (30000ms)
            B|health: {degradedSeverity: -1}                 ¦ health.degradedSeverity ¦ 2 ¦ must be a whole number from 0 to 7, got '-1'
            B|correlation: {minSites: 1}                     ¦ correlation.minSites ¦ 2 ¦ must be a whole number from 2 to 100000, got '1'
            B|correlation:|  window: 2 minutes              ¦ correlation.window ¦ 3 ¦ must be a duration such as 250ms, 10s, 5m, 1h or 7d, got '2 minutes'
            B|dashboard: {bind: "0.0.0.0:99999"}             ¦ dashboard.bind ¦ 2 ¦ must be host:port such as 0.0.0.0:514, got '0.0.0.0:99999'
            B|dashboard:|  tlsCert: /etc/c.pem              ¦ dashboard.tlsCert ¦ 3 ¦ tlsCert and tlsKey go together: set both (PEM files) or neither (a self-signed certificate is generated)
            B|dashboard: {tlsCert: /nonexistent/c.pem, tlsKey: /dev/null} ¦ dashboard.tlsCert ¦ 2 ¦ file not found or not readable: /nonexistent/c.pem
            B|dashboard: {tls: no-thanks}                    ¦ dashboard.tls ¦ 2 ¦ must be true or false, got 'no-thanks'
            B|dashboard: {metricsTokenFile: /}               ¦ dashboard.metricsTokenFile ¦ 2 ¦ is a directory, not a token file: /
            B|webhook: {minSeverity: 3}                      ¦ webhook.url ¦ 2 ¦ is required
            B|webhook: {url: "ftp://h/x"}                    ¦ webhook.url ¦ 2 ¦ must be an http:// or https:// URL
            B|webhook: {url: "http:///x"}                    ¦ webhook.url ¦ 2 ¦ must name a host (http(s)://host[:port]/path)
            B|webhook: {url: "http://h/x", maxAttempts: 0}   ¦ webhook.maxAttempts ¦ 2 ¦ must be a whole number from 1 to 100, got '0'
            B|webhook: {url: "http://h/x", headers: {"Bad Header": x}} ¦ webhook.headers.Bad Header ¦ 2 ¦ 'Bad Header' is not a valid HTTP header name
            """)
    void wrongConfigsNameKeyLineAndWhy(String yaml, String key, int line, String message) {
        String text = yaml.trim().replace("|", "\n").replaceFirst("^B\n", "bootstrapServers: k:9092\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> AggregatorConfigLoader.parse(text));
        assertThat(e).as("no error for:\n%s", text).isNotNull();
        assertThat(e.errors()).as("errors for:\n%s", text).containsExactly(new ConfigError(key, line, message));
    }

    @Test
    void everyErrorIsCollectedAndSortedByLine() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> AggregatorConfigLoader.parse("""
                streamThreads: many
                rules:
                  - {name: a, signal: x, severity: 9, match: {source: tcp}}
                webhook: {url: "gopher://h"}
                """));
        assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
                "bootstrapServers (line 1): is required",
                "streamThreads (line 1): must be a whole number from 1 to 64, got 'many'",
                "rules[0].signal (line 3): 'x' must match [A-Z][A-Z0-9_]* (e.g. LINK_DOWN)",
                "rules[0].severity (line 3): must be a whole number from 0 to 7, got '9'",
                "webhook.url (line 4): must be an http:// or https:// URL");
    }
}
