package net.edgegw.adapters.syslog;

import net.edgegw.adapters.net.Cidr;
import net.edgegw.adapters.net.TlsSettings;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static net.edgegw.adapters.syslog.SyslogInputSettings.Protocol.TCP;
import static net.edgegw.adapters.syslog.SyslogInputSettings.Protocol.TLS;
import static net.edgegw.adapters.syslog.SyslogInputSettings.Protocol.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyslogInputSettingsTest {

    private static final InetSocketAddress BIND = new InetSocketAddress("0.0.0.0", 514);
    private static final TlsSettings TLS_FILES = new TlsSettings(Path.of("c.pem"), Path.of("k.pem"), null);

    @Test
    void defaults() {
        SyslogInputSettings s = SyslogInputSettings.defaults("syslog-udp", UDP, BIND);
        assertThat(s.maxMessageBytes()).isEqualTo(65536);
        assertThat(s.maxConnections()).isEqualTo(1000);
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.allow()).isEmpty();
        assertThat(s.tls()).isNull();
        assertThat(s.bsdZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(SyslogInputSettings.tls("t", BIND, TLS_FILES).protocol()).isEqualTo(TLS);
    }

    @Test
    void withersKeepTheRest() {
        SyslogInputSettings s = SyslogInputSettings.defaults("in", TCP, BIND).withMaxMessageBytes(2048).withMaxConnections(5)
                .withIdleTimeout(Duration.ofSeconds(30)).withAllow(List.of(Cidr.parse("10.0.0.0/8")))
                .withBsdZone(ZoneId.of("Europe/Paris"));
        assertThat(s).isEqualTo(new SyslogInputSettings("in", TCP, BIND, 2048, 5, Duration.ofSeconds(30),
                List.of(Cidr.parse("10.0.0.0/8")), null, ZoneId.of("Europe/Paris")));
    }

    @Test
    void allowListIsCopied() {
        List<Cidr> allow = new ArrayList<>(List.of(Cidr.parse("10.0.0.0/8")));
        SyslogInputSettings s = SyslogInputSettings.defaults("in", TCP, BIND).withAllow(allow);
        allow.clear();
        assertThat(s.allow()).hasSize(1);
    }

    @Test
    void validation() {
        SyslogInputSettings d = SyslogInputSettings.defaults("in", TCP, BIND);
        assertThatThrownBy(() -> SyslogInputSettings.defaults("bad name", UDP, BIND)).hasMessageContaining("name");
        assertThatThrownBy(() -> SyslogInputSettings.defaults("", UDP, BIND)).hasMessageContaining("name");
        assertThatThrownBy(() -> SyslogInputSettings.defaults("x", null, BIND)).hasMessageContaining("protocol");
        assertThatThrownBy(() -> SyslogInputSettings.defaults("x", UDP, null)).hasMessageContaining("bind");
        assertThatThrownBy(() -> d.withMaxMessageBytes(100)).hasMessageContaining("maxMessageBytes").hasMessageContaining("'in'");
        assertThatThrownBy(() -> d.withMaxMessageBytes(64 * 1024 * 1024)).hasMessageContaining("maxMessageBytes");
        assertThatThrownBy(() -> d.withMaxConnections(0)).hasMessageContaining("maxConnections");
        assertThatThrownBy(() -> d.withIdleTimeout(Duration.ZERO)).hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> d.withIdleTimeout(null)).hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> d.withAllow(null)).hasMessageContaining("allow");
        assertThatThrownBy(() -> d.withBsdZone(null)).hasMessageContaining("bsdZone");
        assertThatThrownBy(() -> SyslogInputSettings.defaults("x", TLS, BIND)).hasMessageContaining("TLS");
        assertThatThrownBy(() -> new SyslogInputSettings("x", TLS, BIND, 65536, 1, Duration.ofSeconds(1), List.of(), null,
                ZoneOffset.UTC)).hasMessageContaining("tls");
        assertThatThrownBy(() -> new SyslogInputSettings("x", TCP, BIND, 65536, 1, Duration.ofSeconds(1), List.of(), TLS_FILES,
                ZoneOffset.UTC)).hasMessageContaining("protocol tls");
        assertThatThrownBy(() -> new TlsSettings(null, Path.of("k"), null)).hasMessageContaining("certChainPem");
        assertThatThrownBy(() -> new TlsSettings(Path.of("c"), null, null)).hasMessageContaining("privateKeyPem");
        assertThat(new TlsSettings(Path.of("c"), Path.of("k"), Path.of("ca")).clientAuthRequired()).isTrue();
    }
}
