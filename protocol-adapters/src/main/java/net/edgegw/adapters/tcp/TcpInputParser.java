package net.edgegw.adapters.tcp;

import net.edgegw.adapters.InputCommon;
import net.edgegw.adapters.net.Cidr;
import net.edgegw.adapters.net.ListenerFields;
import net.edgegw.adapters.net.TlsSettings;
import net.edgegw.adapters.tcp.TcpInputSettings.Format;
import net.edgegw.adapters.tcp.TcpInputSettings.Precision;
import net.edgegw.core.config.Fields;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Validates the keys of a {@code type: tcp} input: {@code bind} (required), {@code format} (required: ndjson,
 * lines, influx), {@code precision} (influx: ns, us, ms, s), {@code hostField} (ndjson), {@code maxLineBytes},
 * {@code maxConnections}, {@code idleTimeout}, {@code allow}, {@code tls}. Every error names its key; unknown keys
 * are errors. Stateless.
 */
final class TcpInputParser {

    private TcpInputParser() {
    }

    /** The input, or null after reporting errors into {@code in}. Calls {@code in.finish()}. */
    static TcpInput parse(Fields in, InputCommon common) {
        boolean ok = true;
        InetSocketAddress bind = null;
        if (!in.has("bind")) {
            in.error(in.child("bind"), "is required (host:port such as 0.0.0.0:5170)");
            ok = false;
            in.string("bind", null);
        } else {
            bind = in.address("bind", null);
            ok = bind != null;
        }
        Format format = null;
        if (!in.has("format")) {
            in.error(in.child("format"), "is required: ndjson, lines or influx");
            in.string("format", null);
            ok = false;
        } else {
            format = in.enumValue("format", Format.class, null);
            ok &= format != null;
        }
        Precision precision = Precision.NS;
        if (in.has("precision")) {
            precision = in.enumValue("precision", Precision.class, Precision.NS);
            if (format != null && format != Format.INFLUX) {
                in.error(in.child("precision"), "only applies to format influx (this input is "
                        + Fields.wire(format) + ")");
                ok = false;
            }
        } else {
            in.string("precision", null);
        }
        String hostField = in.string("hostField", null);
        if (hostField != null) {
            if (hostField.isBlank()) {
                in.error(in.child("hostField"), "must be a JSON field name");
                ok = false;
            } else if (format != null && format != Format.NDJSON) {
                in.error(in.child("hostField"), "only applies to format ndjson (this input is "
                        + Fields.wire(format) + ")");
                ok = false;
            }
        }
        int maxLine = (int) in.size("maxLineBytes", TcpInputSettings.DEFAULT_MAX_LINE_BYTES,
                TcpInputSettings.MIN_MAX_LINE_BYTES, TcpInputSettings.MAX_MAX_LINE_BYTES);
        int maxConnections = in.integer("maxConnections", TcpInputSettings.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000);
        Duration idle = in.duration("idleTimeout", TcpInputSettings.DEFAULT_IDLE_TIMEOUT, Duration.ofSeconds(1));
        List<Cidr> allow = ListenerFields.allow(in);
        ok &= allow != null;
        TlsSettings tls = null;
        Fields t = in.object("tls");
        if (in.has("tls")) {
            tls = ListenerFields.tls(t, common, false);
            ok &= tls != null;
        }
        t.finish();
        in.finish();
        if (!ok || common.name() == null) {
            return null;
        }
        try {
            return new TcpInput(common.name(), common.lane(), common.topic(), new TcpInputSettings(common.name(),
                    ListenerFields.resolved(bind), format, precision, hostField, maxLine, maxConnections, idle, allow,
                    tls));
        } catch (IllegalArgumentException e) {
            in.error(in.path(), e.getMessage());
            return null;
        }
    }
}
