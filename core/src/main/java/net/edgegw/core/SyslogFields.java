package net.edgegw.core;

import java.util.Map;

/**
 * The {@code syslog} block of the envelope: the parsed header of an RFC 5424 or RFC 3164 message.
 * Every field but {@code facility} and {@code severity} may be null (NILVALUE or absent).
 *
 * @param facility       0-23
 * @param severity       0-7
 * @param version        1 for RFC 5424, null for RFC 3164/BSD
 * @param timestamp      the device's timestamp exactly as sent (null when absent or NILVALUE)
 * @param structuredData SD-ID -> (param name -> value, escapes resolved), in message order; empty if none
 */
public record SyslogFields(int facility, int severity, Integer version, String timestamp, String hostname,
                           String appName, String procId, String msgId,
                           Map<String, Map<String, String>> structuredData, String message) {
    public SyslogFields {
        if (facility < 0 || facility > 23) {
            throw new IllegalArgumentException("facility out of range 0-23: " + facility);
        }
        if (severity < 0 || severity > 7) {
            throw new IllegalArgumentException("severity out of range 0-7: " + severity);
        }
        structuredData = structuredData == null ? Map.of() : structuredData;
    }
}
