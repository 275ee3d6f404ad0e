package net.edgegw.gateway.config;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.adapters.InputCommon;
import net.edgegw.adapters.InputKind;
import net.edgegw.adapters.InputRegistry;
import net.edgegw.core.Admission;
import net.edgegw.core.Envelope;
import net.edgegw.core.InputConfig;
import net.edgegw.core.Source;
import net.edgegw.core.SourceContext;
import net.edgegw.core.SourceKind;
import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;
import net.edgegw.core.config.Fields;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Proves the input contract: a new kind ({@code type: counter}) is added through the registry alone. */
class ExampleInputKindTest {

    /** The config record of the example kind. */
    record CounterInput(String name, String lane, String topic, int count, String host) implements InputConfig {
        public String type() {
            return "counter";
        }

        public String describe() {
            return "counter of " + count;
        }
    }

    /** The example kind: {@code count} (1-1000, required) and {@code host}; emits {@code count} lines at start. */
    static final class CounterKind implements InputKind<CounterInput> {
        public String type() {
            return "counter";
        }

        public Class<CounterInput> configClass() {
            return CounterInput.class;
        }

        public CounterInput parse(Fields in, InputCommon common) {
            if (!in.has("count")) {
                in.error(in.child("count"), "is required");
            }
            int count = in.integer("count", 1, 1, 1000);
            String host = in.string("host", "counter");
            in.finish();
            return common.name() == null ? null : new CounterInput(common.name(), common.lane(), common.topic(), count, host);
        }

        public Source createSource(CounterInput c, MetricRegistry metrics, Path stateDir) {
            return new Source() {
                public String name() {
                    return c.name();
                }

                public void start(SourceContext ctx) {
                    for (int i = 1; i <= c.count(); i++) {
                        ctx.emitter().emit(new Envelope(null, ctx.site(), ctx.gateway(), c.name(), SourceKind.TCP,
                                ctx.clock().instant(), null, c.host(), null, "tick " + i, null, null, null, null));
                    }
                }

                public void close() {
                }
            };
        }
    }

    static final InputRegistry KINDS = Inputs.registry(List.of(new CounterKind()));

    static String config(String input) {
        return "site: s1\ninputs:\n  - " + input + "\n  - {type: syslog, name: log, bind: \"127.0.0.1:0\"}\n"
                + "uplink: {bootstrapServers: \"127.0.0.1:9\"}\n";
    }

    @Test
    void theNewKindIsParsedAndItsSourceEmits() throws Exception {
        GatewayConfig c = ConfigLoader.parse(config("{type: counter, name: ticks, count: 3, host: dev-1}"), null, KINDS);
        InputConfig in = c.inputs().get(0);
        assertThat(in).isEqualTo(new CounterInput("ticks", "default", null, 3, "dev-1"));
        assertThat(in.describe()).isEqualTo("counter of 3");

        List<Envelope> got = new CopyOnWriteArrayList<>();
        try (Source src = KINDS.createSource(in, new MetricRegistry(), Path.of("unused"))) {
            src.start(new SourceContext("s1", "gw-1", Clock.systemUTC(), e -> {
                got.add(e);
                return Admission.ACCEPTED;
            }, (input, reason, detail, raw, peer) -> { }));
        }
        assertThat(got).extracting(Envelope::message).containsExactly("tick 1", "tick 2", "tick 3");
        assertThat(got).extracting(Envelope::host).containsOnly("dev-1");
        assertThat(KINDS.types()).containsExactly("syslog", "mqtt", "tcp", "counter");
    }

    @Test
    void itsErrorsNameTheKeyAndLineAndTheOtherKindsAreUnchanged() {
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.parse(
                config("{type: counter, name: ticks, count: 0, colour: red}"), null, KINDS), ConfigException.class);
        assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
                "inputs[0].count (line 3): must be a whole number from 1 to 1000, got '0'",
                "inputs[0].colour (line 3): unknown key (known here: type, name, lane, topic, count, host)");
        ConfigException unknown = catchThrowableOfType(() -> ConfigLoader.parse(
                config("{type: counter, name: ticks, count: 1}"), null), ConfigException.class);
        assertThat(unknown.getMessage()).isEqualTo(
                "inputs[0].type (line 3): unknown input type 'counter' (supported: syslog, mqtt, tcp)");
    }
}
