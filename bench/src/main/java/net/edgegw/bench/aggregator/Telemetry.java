package net.edgegw.bench.aggregator;

import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.Headers;
import net.edgegw.core.MqttFields;
import net.edgegw.core.Payload;
import net.edgegw.core.SourceKind;
import net.edgegw.core.SyslogFields;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Gateway-like telemetry for the aggregator benchmark: envelopes encoded with {@link EnvelopeJson#encode} and sent
 * the way the gateway's uplink sends them (key {@code <site>/<host>}, headers {@code edge.id}, {@code edge.site},
 * {@code edge.source}, topic {@code telemetry.<source>}), and heartbeat values as docs/heartbeat.md shows them.
 * One gateway ({@code gw-1}) per site, lane {@code default}. Not thread-safe.
 *
 * <p>Mix: 45% RFC 5424 syslog from Linux servers, 15% Cisco IOS syslog (of which {@code linkShare} are
 * {@code %LINK-3-UPDOWN} down/up pairs on one interface, matched by the cisco-link-down rule), 25% MQTT JSON metrics
 * ({@code sensors/<cab>/temperature}, {@code .../power}), 15% TCP ndjson lines (meters).
 */
final class Telemetry {

    static final String GATEWAY = "gw-1";
    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter BSD =
            DateTimeFormatter.ofPattern("MMM d HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String[] LINUX = {
        "Accepted publickey for ops from 10.20.%d.%d port %d ssh2: ED25519 SHA256:Zq3k9x0",
        "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0) pid %d %d %d",
        "Started Daily apt download activities (run %d of unit apt-daily.timer, %d/%d).",
        "nginx: 10.1.%d.%d - - \"GET /api/v1/status HTTP/1.1\" 200 %d \"-\" \"probe/1.0\"",
    };
    private static final String[] APPS = {"sshd", "CRON", "systemd", "nginx"};
    private static final String[] CISCO = {
        "%%SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.1.%d.%d) %d",
        "%%SEC-6-IPACCESSLOGP: list 101 denied tcp 192.0.2.%d(%d) -> 10.0.0.1(22), %d packet",
        "%%LINEPROTO-5-UPDOWN: Line protocol on Interface Vlan%d, changed state to up %d %d",
    };

    final List<String> sites;
    private final Random rnd;
    private final double linkShare;
    private final long[] seq;
    /** per site: the interface of an open link-down, or -1; the link-up follows after a while. */
    private final int[] linkDown;
    private final long[] linkUpAt;
    private long n;

    Telemetry(List<String> sites, long seed, double linkShare) {
        this.sites = sites;
        this.rnd = new Random(seed);
        this.linkShare = linkShare;
        this.seq = new long[sites.size()];
        this.linkDown = new int[sites.size()];
        this.linkUpAt = new long[sites.size()];
        java.util.Arrays.fill(linkDown, -1);
    }

    static List<String> siteNames(int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(String.format(Locale.ROOT, "site-%05d", i));
        }
        return out;
    }

    /** The next envelope of a random site, received at {@code at}. */
    Envelope next(Instant at) {
        return next(rnd.nextInt(sites.size()), at);
    }

    /** The next envelope of site number {@code s}, received at {@code at}. */
    Envelope next(int s, Instant at) {
        n++;
        String site = sites.get(s);
        String id = Envelope.recordId(site, GATEWAY, "default", ++seq[s]);
        int kind = rnd.nextInt(100);
        if (kind < 45) {
            int a = rnd.nextInt(APPS.length);
            String host = "srv-" + rnd.nextInt(8);
            String msg = String.format(Locale.ROOT, LINUX[a], rnd.nextInt(250), rnd.nextInt(250),
                    rnd.nextInt(65000));
            int sev = a == 3 ? 6 : 5 + rnd.nextInt(2);
            return new Envelope(id, site, GATEWAY, "syslog-tcp", SourceKind.SYSLOG, at, at, host, sev, msg,
                    Map.of(), new SyslogFields(a == 0 ? 4 : 3, sev, 1, RFC3339.format(at), host, APPS[a],
                    String.valueOf(1000 + rnd.nextInt(30000)), null, Map.of(), msg), null, null);
        }
        if (kind < 60) {
            return cisco(s, site, id, at);
        }
        if (kind < 85) {
            String cab = "cab-" + rnd.nextInt(4);
            boolean temp = rnd.nextBoolean();
            String topic = "sensors/" + cab + (temp ? "/temperature" : "/power");
            String payload = temp
                    ? String.format(Locale.ROOT, "{\"value\":%.1f,\"unit\":\"C\",\"sensor\":\"%s-t1\"}",
                    20 + rnd.nextDouble() * 15, cab)
                    : String.format(Locale.ROOT, "{\"value\":%.2f,\"unit\":\"kW\",\"phase\":%d,\"ok\":true}",
                    1 + rnd.nextDouble() * 3, 1 + rnd.nextInt(3));
            return new Envelope(id, site, GATEWAY, "mqtt-sensors", SourceKind.MQTT, at, null, cab, null, null,
                    Map.of("building", "b1"), null, new MqttFields(topic, 1, false),
                    new Payload.Json(payload.getBytes(StandardCharsets.UTF_8)));
        }
        String meter = "meter-" + rnd.nextInt(4);
        String line = String.format(Locale.ROOT,
                "{\"meter\":\"%s\",\"kwh\":%.3f,\"v\":%.1f,\"a\":%.2f,\"ts\":%d}", meter,
                rnd.nextDouble() * 10000, 228 + rnd.nextDouble() * 4, rnd.nextDouble() * 30, at.toEpochMilli());
        return new Envelope(id, site, GATEWAY, "tcp-meters", SourceKind.TCP, at, null, meter, null, null, Map.of(),
                null, null, new Payload.Json(line.getBytes(StandardCharsets.UTF_8)));
    }

    private Envelope cisco(int s, String site, String id, Instant at) {
        String host = "rtr-1";
        String msg;
        int sev;
        if (linkDown[s] >= 0 && n >= linkUpAt[s]) {
            msg = "%LINK-3-UPDOWN: Interface Gi0/" + linkDown[s] + ", changed state to up";
            sev = 3;
            linkDown[s] = -1;
        } else if (linkDown[s] < 0 && rnd.nextDouble() < linkShare) {
            linkDown[s] = 1 + rnd.nextInt(24);
            linkUpAt[s] = n + 200L * sites.size(); // about 200 records of this site later
            msg = "%LINK-3-UPDOWN: Interface Gi0/" + linkDown[s] + ", changed state to down";
            sev = 3;
        } else {
            int k = rnd.nextInt(CISCO.length);
            msg = String.format(Locale.ROOT, CISCO[k], rnd.nextInt(250), rnd.nextInt(65000), 1 + rnd.nextInt(9));
            sev = k == 1 ? 6 : 5;
        }
        return syslogBsd(site, id, at, host, sev, msg);
    }

    /** A Cisco-style RFC 3164 record as the gateway's parser emits it. */
    static Envelope syslogBsd(String site, String id, Instant at, String host, int sev, String msg) {
        return new Envelope(id, site, GATEWAY, "syslog-udp", SourceKind.SYSLOG, at, at, host, sev, msg,
                Map.of("vendor", "cisco"), new SyslogFields(23, sev, null, BSD.format(at), host, null, null, null,
                Map.of(), msg), null, null);
    }

    /** A link-down (or up) trigger on a unique interface of {@code site}. */
    Envelope link(int s, Instant at, String iface, boolean down) {
        String site = sites.get(s);
        String id = Envelope.recordId(site, GATEWAY, "default", ++seq[s]);
        return syslogBsd(site, id, at, "rtr-1", 3,
                "%LINK-3-UPDOWN: Interface " + iface + ", changed state to " + (down ? "down" : "up"));
    }

    /** Unique ids given out so far for site number {@code s}. */
    long issued(int s) {
        return seq[s];
    }

    /** The record the gateway's uplink sends for {@code e}, to {@code topic}. */
    static ProducerRecord<byte[], byte[]> record(String topic, Envelope e, long timestamp) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, timestamp,
                e.key().getBytes(StandardCharsets.UTF_8), EnvelopeJson.encode(e));
        r.headers().add(Headers.ID, e.id().getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.SITE, e.site().getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.SOURCE, e.source().wireName().getBytes(StandardCharsets.UTF_8));
        return r;
    }

    static String topicOf(Envelope e, String prefix) {
        return prefix + Headers.defaultTopic(e.source());
    }

    /**
     * A heartbeat value as docs/heartbeat.md shows it. {@code backlog}/{@code drain}: the buffer; {@code dropped}:
     * overflow total (constant per gateway unless data is lost).
     */
    static byte[] heartbeat(String site, Instant startedAt, Instant sentAt, long backlog, double drain,
                            long dropped, long sent) {
        long up = Math.max(0, (sentAt.toEpochMilli() - startedAt.toEpochMilli()) / 1000);
        String json = "{\"type\":\"heartbeat\",\"site\":\"" + site + "\",\"gateway\":\"" + GATEWAY
                + "\",\"version\":\"0.1.0-SNAPSHOT\",\"startedAt\":\"" + startedAt + "\",\"sentAt\":\"" + sentAt
                + "\",\"uptimeSeconds\":" + up
                + ",\"configHash\":\"3f1d0c9a8b7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c\","
                + "\"inputs\":{\"syslog-tcp\":{\"accepted\":" + sent + ",\"ratePerSec\":12.5,\"errors\":0,"
                + "\"rejected\":{\"malformed\":0,\"oversized\":0}},\"mqtt-sensors\":{\"accepted\":" + sent / 2
                + ",\"ratePerSec\":4.0,\"errors\":0,\"rejected\":{\"malformed\":0,\"oversized\":0}}},"
                + "\"backlog\":{\"records\":" + backlog + ",\"bytes\":" + backlog * 740 + ",\"oldestUnsentAgeMs\":"
                + (backlog > 0 ? 60_000 : 0) + ",\"lanes\":{\"default\":{\"records\":" + backlog + ",\"bytes\":"
                + backlog * 740 + ",\"oldestUnsentAgeMs\":" + (backlog > 0 ? 60_000 : 0)
                + ",\"droppedOverflow\":" + dropped + ",\"droppedExpired\":0}}},"
                + "\"drainRatePerSec\":" + drain + ","
                + "\"dropped\":{\"overflow\":" + dropped + ",\"expired\":0,\"bufferFull\":0,\"total\":" + dropped + "},"
                + "\"uplink\":{\"state\":\"UP\",\"lastError\":null,\"recordsSent\":" + sent + "}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static ProducerRecord<byte[], byte[]> heartbeatRecord(String topic, String site, byte[] value, long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, (site + "/" + GATEWAY).getBytes(StandardCharsets.UTF_8),
                value);
    }
}
