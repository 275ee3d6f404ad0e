package net.edgegw.adapters.syslog;

import net.edgegw.adapters.InputCommon;
import net.edgegw.adapters.net.Cidr;
import net.edgegw.adapters.net.ListenerFields;
import net.edgegw.adapters.net.TlsSettings;
import net.edgegw.adapters.syslog.SyslogInputSettings.Protocol;
import net.edgegw.core.config.Fields;

import java.net.InetSocketAddress;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * Validates the keys of a {@code type: syslog} input: {@code protocol}, {@code bind}, {@code maxMessageBytes},
 * {@code maxConnections}, {@code idleTimeout}, {@code allow}, {@code timezone}, {@code tls} ({@code cert},
 * {@code key}, {@code clientCa}). Every error names its key. Stateless.
 */
final class SyslogInputParser {

    private SyslogInputParser() {
    }

    /** The input, or null after reporting errors into {@code in}. Calls {@code in.finish()}. */
    static SyslogInput parse(Fields in, InputCommon common) {
        Protocol protocol = in.enumValue("protocol", Protocol.class, Protocol.UDP);
        InetSocketAddress bind = in.address("bind", protocol == Protocol.TLS ? "0.0.0.0:6514" : "0.0.0.0:514");
        int maxMessage = (int) in.size("maxMessageBytes", SyslogInputSettings.DEFAULT_MAX_MESSAGE_BYTES,
                SyslogInputSettings.MIN_MAX_MESSAGE_BYTES, 256L << 10);
        int maxConnections = in.integer("maxConnections", SyslogInputSettings.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000);
        Duration idle = in.duration("idleTimeout", SyslogInputSettings.DEFAULT_IDLE_TIMEOUT, Duration.ofSeconds(1));
        List<Cidr> allow = ListenerFields.allow(in);
        ZoneId zone = null;
        String tz = in.string("timezone", "UTC");
        try {
            zone = ZoneId.of(tz);
        } catch (DateTimeException e) {
            in.error(in.child("timezone"), "'" + tz + "' is not a time zone id such as UTC or Europe/Paris");
        }
        TlsSettings tls = null;
        boolean tlsOk = true;
        Fields t = in.object("tls");
        if (in.has("tls") || protocol == Protocol.TLS) {
            tls = ListenerFields.tls(t, common, protocol == Protocol.TLS);
            tlsOk = tls != null;
        }
        t.finish();
        in.finish();
        if (common.name() == null || protocol == null || bind == null || allow == null || zone == null || !tlsOk) {
            return null;
        }
        try {
            return new SyslogInput(common.name(), common.lane(), common.topic(), new SyslogInputSettings(common.name(),
                    protocol, ListenerFields.resolved(bind), maxMessage, maxConnections, idle, allow, tls, zone));
        } catch (IllegalArgumentException e) {
            in.error(in.path(), e.getMessage());
            return null;
        }
    }
}
