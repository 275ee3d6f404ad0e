package net.edgegw.adapters.syslog;

import net.edgegw.core.SyslogFields;

import java.time.Instant;
import java.util.Map;

/**
 * The outcome of {@link SyslogParser#parse}: either the parsed fields, or the reason the input is malformed.
 * Immutable (the maps are unmodifiable) and thread-safe.
 *
 * @param fields     the syslog block, null when malformed
 * @param eventTime  the device's timestamp as an instant, null when absent, unparseable or declared unreliable
 * @param attributes extracted fields ({@code cisco.*}, {@code kv.*}); never null
 * @param error      why the input is malformed, null when it parsed
 */
public record ParsedSyslog(SyslogFields fields, Instant eventTime, Map<String, String> attributes, String error) {

    public ParsedSyslog {
        if ((fields == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of fields and error must be set");
        }
        attributes = attributes == null ? Map.of() : attributes;
    }

    static ParsedSyslog ok(SyslogFields fields, Instant eventTime, Map<String, String> attributes) {
        return new ParsedSyslog(fields, eventTime, attributes, null);
    }

    static ParsedSyslog malformed(String error) {
        return new ParsedSyslog(null, null, Map.of(), error);
    }

    /** True when the input could not be accepted (report it as {@code malformed} with {@link #error}). */
    public boolean isMalformed() {
        return error != null;
    }
}
