package net.edgegw.aggregator.config;

import net.edgegw.aggregator.config.AggregatorConfig.Rule;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** packaging/src/config/cloud-aggregator.yaml loads without errors and its starter rules match real messages. */
class ShippedConfigTest {

    static final Path SHIPPED = Path.of("../packaging/src/config/cloud-aggregator.yaml");

    @Test
    void shippedConfigLoadsAndItsRulesMatchVendorMessages() {
        AggregatorConfig c = AggregatorConfigLoader.load(SHIPPED);
        assertThat(c.topics()).isEqualTo(AggregatorConfig.Topics.defaults());
        assertThat(c.webhook()).isNull();
        Map<String, Rule> rules = c.rules().stream().collect(Collectors.toMap(Rule::name, r -> r));
        assertThat(rules).containsOnlyKeys("cisco-link-updown", "juniper-link-updown", "cisco-bgp-neighbour",
                "juniper-bgp-neighbour", "sensor-over-temperature", "site-error-rate");

        assertKey(rules.get("cisco-link-updown"),
                "%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down",
                "%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to up", "GigabitEthernet0/1");
        assertKey(rules.get("juniper-link-updown"),
                "SNMP_TRAP_LINK_DOWN: ifIndex 545, ifAdminStatus up(1), ifOperStatus down(2), ifName ge-0/0/1",
                "SNMP_TRAP_LINK_UP: ifIndex 545, ifAdminStatus up(1), ifOperStatus up(1), ifName ge-0/0/1", "ge-0/0/1");
        assertKey(rules.get("cisco-bgp-neighbour"),
                "%BGP-5-ADJCHANGE: neighbor 10.1.1.2 Down BGP Notification sent",
                "%BGP-5-ADJCHANGE: neighbor 10.1.1.2 Up", "10.1.1.2");
        assertKey(rules.get("juniper-bgp-neighbour"),
                "BGP_NEIGHBOR_STATE_CHANGED: BGP peer 192.0.2.1 (External AS 65001) changed state from Established "
                        + "to Idle (event RecvNotify)",
                "BGP_NEIGHBOR_STATE_CHANGED: BGP peer 192.0.2.1 (External AS 65001) changed state from OpenConfirm "
                        + "to Established (event RecvKeepAlive)", "192.0.2.1");

        Rule temp = rules.get("sensor-over-temperature");
        assertThat(temp.threshold().above()).isEqualTo(70.0);
        assertThat(temp.threshold().hold()).hasSeconds(60);
        Rule rate = rules.get("site-error-rate");
        assertThat(rate.scope()).isEqualTo(AggregatorConfig.RuleScope.SITE);
        assertThat(rate.window().count()).isEqualTo(50);
    }

    private static void assertKey(Rule r, String down, String up, String key) {
        Matcher m = Pattern.compile(r.match().message()).matcher(down);
        assertThat(m.find()).as(r.name() + " matches " + down).isTrue();
        assertThat(m.group(r.keyGroup())).isEqualTo(key);
        assertThat(Pattern.compile(r.match().message()).matcher(up).find()).as(r.name() + " raise on up").isFalse();
        Matcher c = Pattern.compile(r.clear().message()).matcher(up);
        assertThat(c.find()).as(r.name() + " clears on " + up).isTrue();
        assertThat(c.group(r.keyGroup())).isEqualTo(key);
        assertThat(Pattern.compile(r.clear().message()).matcher(down).find()).as(r.name() + " clear on down").isFalse();
    }
}
