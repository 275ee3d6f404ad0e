package net.edgegw.aggregator.rules;

import net.edgegw.aggregator.config.AggregatorConfig.Match;
import net.edgegw.aggregator.config.AggregatorConfig.Rule;
import net.edgegw.aggregator.config.AggregatorConfig.RuleScope;
import net.edgegw.aggregator.config.AggregatorConfig.Threshold;
import net.edgegw.aggregator.config.AggregatorConfig.Window;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleEngineTest {

    private static Match msg(String regex) {
        return new Match(null, null, null, null, regex, null, null);
    }

    @Test
    void invalidRulesAreRefusedWithTheRuleAndKeyNamed() {
        assertThatThrownBy(() -> new RuleEngine(List.of(new Rule("r1", "X", 3, RuleScope.DEVICE, msg("down"),
                null, null, null, "interface"))))
                .hasMessageContaining("rules[r1].key").hasMessageContaining("(?<interface>");
        assertThatThrownBy(() -> new RuleEngine(List.of(new Rule("r2", "X", 3, RuleScope.DEVICE, msg("("),
                null, null, null, null))))
                .hasMessageContaining("rules[r2].match.message");
        assertThatThrownBy(() -> new RuleEngine(List.of(new Rule("r3", "X", 3, RuleScope.DEVICE, msg("a"), null,
                new Threshold("payload.t", null, null, Duration.ofSeconds(1)), null, null))))
                .hasMessageContaining("needs above or below");
        assertThatThrownBy(() -> new RuleEngine(List.of(new Rule("r4", "X", 3, RuleScope.DEVICE, msg("a"), null,
                new Threshold("message", 1.0, null, Duration.ofSeconds(1)), null, null))))
                .hasMessageContaining("threshold.field 'message'");
        assertThatThrownBy(() -> new RuleEngine(List.of(new Rule("r5", "X", 3, RuleScope.DEVICE, msg("a"), null,
                new Threshold("severity", 1.0, null, null), new Window(Duration.ofSeconds(1), 1), null))))
                .hasMessageContaining("exclusive");
        Rule ok = new Rule("r6", "X", 3, RuleScope.DEVICE, msg("a"), null, null, null, null);
        assertThatThrownBy(() -> new RuleEngine(List.of(ok, ok))).hasMessageContaining("duplicate rule name 'r6'");
    }

    @Test
    void mqttTopicFiltersFollowMqttSemantics() {
        assertThat(CompiledMatch.topicMatches("sensors/+/temperature".split("/"), "sensors/cab-1/temperature"))
                .isTrue();
        assertThat(CompiledMatch.topicMatches("sensors/+/temperature".split("/"), "sensors/cab-1/x/temperature"))
                .isFalse();
        assertThat(CompiledMatch.topicMatches("sensors/#".split("/"), "sensors")).isTrue();
        assertThat(CompiledMatch.topicMatches("sensors/#".split("/"), "sensors/a/b")).isTrue();
        assertThat(CompiledMatch.topicMatches("sensors/+".split("/"), "sensors")).isFalse();
        assertThat(CompiledMatch.topicMatches("a/b".split("/"), "a/b/c")).isFalse();
    }

    @Test
    void windowKeepsTheNewestCountTimesInOrder() {
        long[] t = new long[0];
        for (long v : new long[] {5, 1, 9, 3, 7}) {
            t = RuleEngine.insert(t, v, 3);
        }
        assertThat(t).containsExactly(5, 7, 9);
    }
}
