package net.edgegw.adapters.syslog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.Objects;

/**
 * Parses one syslog message (RFC 5424, RFC 3164/BSD and the vendor variants real devices send) into a
 * {@link ParsedSyslog}. Thread-safe: one instance is shared by all connections of an input. It never throws on
 * input content, allocates only what the result keeps (plus one small scratch object), uses no regular
 * expressions and parses numbers by hand.
 *
 * <h2>What is accepted</h2>
 * <ul>
 * <li><b>PRI</b> {@code <0>}..{@code <191>}. No PRI at all means 13 (user.notice, RFC 3164 4.3.3). A PRI that is
 * present but invalid ({@code <999>}, {@code <>}, {@code <abc>}, unterminated) makes the message
 * <b>malformed</b>: the sender claims a header it does not have. Empty input is malformed too. Nothing else is:
 * invalid UTF-8 is replaced by U+FFFD, and any other text is a valid RFC 3164 message at worst.</li>
 * <li><b>RFC 5424</b> when {@code 1 } follows the PRI: all header fields with NILVALUE, timestamps with up to 9
 * fraction digits and {@code Z}/{@code +hh:mm} offsets, structured data (several elements, escapes {@code \"}
 * {@code \\} {@code \]} resolved, an SD-ID repeated in one message is merged, a repeated param name keeps all
 * values joined by {@code ,}), the UTF-8 BOM before MSG stripped, MSG may be absent. A header that does not
 * have the RFC 5424 structure (missing fields, broken structured data) falls back to RFC 3164 parsing of the
 * whole text after the PRI. An unparseable timestamp does not: it stays in {@code syslog.timestamp} with a null
 * event time.</li>
 * <li><b>RFC 3164/BSD</b>: {@code Mmm dd hh:mm:ss} (space-padded day, optional year, optional fraction, optional
 * zone word), {@code YYYY Mmm dd ...} (NX-OS) and RFC 3339 timestamps; a missing year is resolved against the
 * receive time (a date more than {@value #FUTURE_TOLERANCE_DAYS} days in the future belongs to the previous
 * year); zone-less timestamps are read in the configured zone (default UTC). The hostname is the token after the
 * timestamp unless that token is a tag, a key=value pair or a Cisco code; no timestamp means no hostname (RFC
 * 3164). Tags {@code app[pid]:} and {@code app:} give appName/procId.</li>
 * <li><b>Cisco IOS/NX-OS/ASA</b>: sequence numbers ({@code 123: } or {@code host 123: }), origin hostnames
 * ({@code 123: host: }), {@code *}/{@code .} clock markers, uptime stamps, and {@code %FAC-SEV-MNEMONIC:} give
 * attributes {@code cisco.seq}, {@code cisco.facility}, {@code cisco.severity}, {@code cisco.mnemonic},
 * {@code cisco.clock} ({@code not-authoritative} for {@code *}, {@code ntp-unsynchronized} for {@code .}),
 * {@code cisco.uptime}, {@code cisco.timestamp} (a second, device-local timestamp after a BSD header). A
 * {@code *} timestamp yields a null event time: the device says its clock was never set, and a boot-time date
 * would mislead time-window correlation; the text stays in {@code syslog.timestamp}.</li>
 * <li><b>Juniper</b>: an upper-case {@code TAG_WITH_UNDERSCORES:} right after the syslog tag is the msgId.</li>
 * <li><b>key=value bodies</b> (firewalls): every pair becomes attribute {@code kv.<key>} (quoted values
 * unquoted); {@code devname} or {@code hostname} supplies the hostname when the header has none; {@code date}
 * + {@code time} (+ {@code tz} as {@code +hhmm}) supply the event time when the header has none.</li>
 * </ul>
 * The message (MSG) is kept whole, vendor codes included ({@code %LINK-3-UPDOWN: ...}, {@code SNMP_TRAP_...: ...}),
 * without trailing CR/LF/NUL; an empty MSG is null.
 */
public final class SyslogParser {

    /** PRI assumed when a message has none: user.notice (RFC 3164 4.3.3). */
    public static final int DEFAULT_PRI = 13;
    /** How far in the future a year-less BSD date may be before it is taken to be from the previous year. */
    public static final int FUTURE_TOLERANCE_DAYS = 7;
    private static final long FUTURE_TOLERANCE_SECONDS = FUTURE_TOLERANCE_DAYS * 86400L;

    private final ZoneId zone;
    private final ZoneRules rules;
    private final boolean fixedZone;
    private final int fixedOffsetSeconds;
    final StringCache names = new StringCache(2048);
    final StringCache kvKeys = new StringCache(512, Rfc3164.KV_PREFIX);

    /** A parser reading zone-less timestamps as UTC. */
    public SyslogParser() {
        this(ZoneOffset.UTC);
    }

    /** A parser reading zone-less (BSD) timestamps in {@code bsdZone}. */
    public SyslogParser(ZoneId bsdZone) {
        this.zone = Objects.requireNonNull(bsdZone, "bsdZone");
        this.rules = bsdZone.getRules();
        this.fixedZone = rules.isFixedOffset();
        this.fixedOffsetSeconds = fixedZone ? rules.getOffset(Instant.EPOCH).getTotalSeconds() : 0;
    }

    public ZoneId bsdZone() {
        return zone;
    }

    /** Parses a whole array. */
    public ParsedSyslog parse(byte[] message, Instant receivedAt) {
        return parse(message, 0, message.length, receivedAt);
    }

    /** Parses a string (tests, tools). */
    public ParsedSyslog parse(String message, Instant receivedAt) {
        return parse(message.getBytes(StandardCharsets.UTF_8), receivedAt);
    }

    /**
     * Parses {@code buf[off, off+len)} as one UTF-8 syslog message. The array is not retained.
     *
     * @param receivedAt the receive time, used to resolve year-less timestamps
     * @throws IndexOutOfBoundsException / NullPointerException for invalid arguments only, never for content
     */
    public ParsedSyslog parse(byte[] buf, int off, int len, Instant receivedAt) {
        Objects.checkFromIndexSize(off, len, buf.length);
        Objects.requireNonNull(receivedAt, "receivedAt");
        int end = off + len;
        while (end > off && (buf[end - 1] == '\n' || buf[end - 1] == '\r' || buf[end - 1] == 0)) {
            end--;
        }
        if (end == off) {
            return ParsedSyslog.malformed("empty message");
        }
        int p = off;
        int pri = DEFAULT_PRI;
        if (buf[p] == '<') {
            int q = p + 1;
            int v = 0;
            while (q < end && q - p <= 4 && SyslogTime.digit(buf[q])) {
                v = v * 10 + (buf[q] - '0');
                q++;
            }
            int digits = q - p - 1;
            if (digits == 0 || digits > 3 || q >= end || buf[q] != '>') {
                return ParsedSyslog.malformed("invalid PRI: expected <0> to <191> at the start, got '"
                        + printable(buf, p, Math.min(end, p + 8)) + "'");
            }
            if (v > 191) {
                return ParsedSyslog.malformed("invalid PRI <" + v + ">: the maximum is <191>");
            }
            pri = v;
            p = q + 1;
        }
        if (p + 1 < end && buf[p] == '1' && buf[p + 1] == ' ') {
            ParsedSyslog r = Rfc5424.parse(this, buf, p + 2, end, pri, receivedAt);
            if (r != null) {
                return r;
            }
        }
        return Rfc3164.parse(this, buf, p, end, pri, receivedAt);
    }

    /**
     * The instant of a scanned stamp: its own offset if it has one, else the BSD zone; a missing year is resolved
     * against {@code receivedAt}. Null for impossible dates (Feb 29 of a non-leap year...).
     */
    Instant toInstant(SyslogTime.Stamp s, Instant receivedAt) {
        if (s.year >= 0) {
            if (!SyslogTime.valid(s)) {
                return null;
            }
            long local = SyslogTime.localEpochSecond(s.year, s);
            long epoch = local - (s.hasOffset ? s.offsetSeconds : offsetAtLocal(local));
            return Instant.ofEpochSecond(epoch, s.nanos);
        }
        long recv = receivedAt.getEpochSecond();
        long recvLocal = recv + (fixedZone ? fixedOffsetSeconds : rules.getOffset(receivedAt).getTotalSeconds());
        long year = SyslogTime.yearOfEpochDay(Math.floorDiv(recvLocal, 86400L));
        for (long y = year + 1; y >= year - 1; y--) {
            if (s.day > SyslogTime.lengthOfMonth(y, s.month)) {
                continue;
            }
            long local = SyslogTime.localEpochSecond(y, s);
            long epoch = local - (s.hasOffset ? s.offsetSeconds : offsetAtLocal(local));
            if (epoch <= recv + FUTURE_TOLERANCE_SECONDS) {
                return Instant.ofEpochSecond(epoch, s.nanos);
            }
        }
        return null;
    }

    private int offsetAtLocal(long localEpochSecond) {
        if (fixedZone) {
            return fixedOffsetSeconds;
        }
        return rules.getOffset(LocalDateTime.ofEpochSecond(localEpochSecond, 0, ZoneOffset.UTC)).getTotalSeconds();
    }

    /** UTF-8 text of a range (invalid sequences replaced). */
    static String text(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    /** A short excerpt safe to put in an error detail. */
    static String printable(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return sb.toString();
    }
}
