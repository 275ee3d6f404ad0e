package net.edgegw.adapters.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s); // literals only: no DNS
    }

    @Test
    void ipv4Networks() throws Exception {
        Cidr c = Cidr.parse("10.0.0.0/8");
        assertThat(c.contains(ip("10.255.1.2"))).isTrue();
        assertThat(c.contains(ip("11.0.0.1"))).isFalse();
        assertThat(c.contains(ip("::ffff:10.1.2.3"))).isTrue();
        assertThat(c.contains(ip("2001:db8::1"))).isFalse();
        assertThat(c.contains(null)).isFalse();
        Cidr odd = Cidr.parse("192.168.4.0/22");
        assertThat(odd.contains(ip("192.168.7.255"))).isTrue();
        assertThat(odd.contains(ip("192.168.8.0"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
        assertThat(Cidr.parse("10.1.2.3").contains(ip("10.1.2.3"))).isTrue();
        assertThat(Cidr.parse("10.1.2.3").contains(ip("10.1.2.4"))).isFalse();
        assertThat(Cidr.parse(" 10.1.2.3/32 ").toString()).isEqualTo("10.1.2.3/32");
    }

    @Test
    void ipv6Networks() throws Exception {
        Cidr c = Cidr.parse("2001:db8::/32");
        assertThat(c.isIpv6()).isTrue();
        assertThat(c.contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(c.contains(ip("2001:db9::1"))).isFalse();
        assertThat(c.contains(ip("10.0.0.1"))).isFalse();
        assertThat(Cidr.parse("::1/128").contains(ip("::1"))).isTrue();
        assertThat(Cidr.parse("[fe80::]/10").contains(ip("fe80::1234"))).isTrue();
        assertThat(Cidr.parse("::ffff:10.0.0.0/104").contains(ip("10.9.9.9"))).isTrue();
        assertThat(c.toString()).isEqualTo("2001:db8::/32");
    }

    @Test
    void invalidInputIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> Cidr.parse("10.1.2.3/8")).hasMessageContaining("host bits").hasMessageContaining("10.0.0.0/8");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("exceeds 32");
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> Cidr.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equality() {
        assertThat(Cidr.parse("10.0.0.0/8")).isEqualTo(Cidr.parse("10.0.0.0/8")).hasSameHashCodeAs(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("10.0.0.0/8")).isNotEqualTo(Cidr.parse("10.0.0.0/9"));
    }

    @Test
    void allowList() throws Exception {
        assertThat(AllowList.of(List.of()).allows(ip("1.2.3.4"))).isTrue();
        AllowList l = AllowList.of(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1")));
        assertThat(l.allows(ip("10.0.0.1"))).isTrue();
        assertThat(l.allows(ip("::1"))).isTrue();
        assertThat(l.allows(ip("127.0.0.1"))).isFalse();
        assertThat(l.allows(null)).isFalse();
    }
}
