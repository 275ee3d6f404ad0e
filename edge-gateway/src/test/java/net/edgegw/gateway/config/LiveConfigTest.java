package net.edgegw.gateway.config;

import net.edgegw.gateway.events.EventLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config lifecycle around a target that applies what it is given (the real gateway is exercised end to end by
 * packaging's GatewayWebIT): files, history, rollback, refusals, and the file put back after a failed apply.
 */
class LiveConfigTest {

    @TempDir
    Path dir;

    /** Applies by taking the config, or fails while {@code failing}. */
    static final class Target implements ConfigTarget {
        GatewayConfig running;
        boolean failing;
        final List<ConfigDiff> applied = new ArrayList<>();

        Target(GatewayConfig c) {
            running = c;
        }

        @Override
        public GatewayConfig running() {
            return running;
        }

        @Override
        public void apply(GatewayConfig next, ConfigDiff diff) throws ApplyFailed {
            if (failing) {
                throw new ApplyFailed("input collector (ndjson) cannot start: Address already in use", null);
            }
            applied.add(diff);
            running = next;
        }
    }

    String text(String extraInput) {
        return """
                site: site-1
                dataDir: %s
                inputs:
                  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:5514"}
                %s
                uplink: {bootstrapServers: "k:9093", properties: {sasl.jaas.config: "secret-jaas"}}
                """.formatted(dir.resolve("data"), extraInput);
    }

    static final String TCP = "  - {type: tcp, name: collector, bind: \"127.0.0.1:5170\", format: ndjson}";

    LiveConfig open(Path file, Target t, EventLog events) throws Exception {
        return LiveConfig.open(file, t, Inputs.registry(), events, Clock.systemUTC());
    }

    @Test
    void applyWritesTheFileRecordsAVersionAndRollbackReturnsToThePreviousOne() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, text(""));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Target t = new Target(ConfigLoader.load(file));
        EventLog events = new EventLog(Clock.systemUTC());
        LiveConfig live = open(file, t, events);
        assertThat(live.version()).isEqualTo(1);
        assertThat(live.maskedText()).contains("\"********\"").doesNotContain("secret-jaas");

        String edited = live.maskedText().replace("\n\nuplink:", "\n" + TCP + "\nuplink:");
        LiveConfig.Outcome o = live.apply(edited, "admin");
        assertThat(o).isInstanceOfSatisfying(LiveConfig.Applied.class, a -> {
            assertThat(a.applied()).isTrue();
            assertThat(a.version()).isEqualTo(2);
            assertThat(a.changes()).singleElement().asString().contains("input collector added");
        });
        assertThat(Files.readString(file)).contains("collector", "secret-jaas"); // the secret kept its value
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(t.applied).singleElement().satisfies(d -> assertThat(d.inputsAdded()).containsExactly("collector"));
        assertThat(live.history()).extracting(ConfigHistory.Version::source).containsExactly("web", "startup");
        assertThat(live.maskedVersion(2)).get().asString().contains("collector").doesNotContain("secret-jaas");
        Path stored = dir.resolve("data/config-history/v2.yaml");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stored))).isEqualTo("rw-------");

        // the same text again: no change, no new version
        assertThat(live.apply(edited, "admin")).isInstanceOfSatisfying(LiveConfig.Applied.class,
                a -> assertThat(a.applied()).isFalse());

        // rollback without a version: the one before the running one
        assertThat(live.rollback(null, "admin")).isInstanceOfSatisfying(LiveConfig.Applied.class, a -> {
            assertThat(a.version()).isEqualTo(3);
            assertThat(a.changes()).contains("rolled back to version 1");
        });
        assertThat(Files.readString(file)).isEqualTo(text(""));
        assertThat(t.running.inputs()).hasSize(1);
        assertThat(events.after(0, 100)).extracting(EventLog.Event::type).contains("config.applied",
                "config.rollback");

        // a new LiveConfig on the same file and history continues the numbering
        assertThat(open(file, t, events).version()).isEqualTo(3);
    }

    @Test
    void refusalsAndFailuresChangeNothing() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, text(""));
        Target t = new Target(ConfigLoader.load(file));
        LiveConfig live = open(file, t, new EventLog(Clock.systemUTC()));
        String before = Files.readString(file);

        LiveConfig.Outcome invalid = live.apply(live.maskedText().replace("site: site-1", "site: Site_1")
                .replace("bootstrapServers: \"k:9093\"", "bootstrapServers: 42, nonsense: 1"), "admin");
        assertThat(invalid).isInstanceOfSatisfying(LiveConfig.Invalid.class, i ->
                assertThat(i.errors()).extracting(e -> e.key()).contains("site", "uplink.nonsense",
                        "uplink.properties.sasl.jaas.config")); // masked, and bootstrapServers changed

        LiveConfig.Outcome restart = live.apply(live.maskedText().replace("site: site-1", "site: site-2"), "admin");
        assertThat(restart).isInstanceOfSatisfying(LiveConfig.NeedsRestart.class, r ->
                assertThat(r.reasons()).singleElement().asString().contains("site changed from site-1 to site-2"));

        t.failing = true;
        LiveConfig.Outcome failed = live.apply(live.maskedText().replace("\n\nuplink:", "\n" + TCP + "\nuplink:"),
                "admin");
        assertThat(failed).isInstanceOfSatisfying(LiveConfig.Failed.class, f ->
                assertThat(f.detail()).contains("collector", "nothing was changed"));

        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(live.version()).isEqualTo(1);
        assertThat(live.history()).hasSize(1);
        assertThat(live.rollback(7, "admin")).isInstanceOf(LiveConfig.Invalid.class);
    }

    @Test
    void sighupAppliesTheFileAsItIsOnDisk() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, text(""));
        Target t = new Target(ConfigLoader.load(file));
        LiveConfig live = open(file, t, new EventLog(Clock.systemUTC()));
        Files.writeString(file, text(TCP));
        assertThat(live.reload()).isInstanceOfSatisfying(LiveConfig.Applied.class, a -> assertThat(a.applied()).isTrue());
        assertThat(t.running.inputs()).hasSize(2);
        assertThat(live.history().get(0).source()).isEqualTo("sighup");
    }
}
