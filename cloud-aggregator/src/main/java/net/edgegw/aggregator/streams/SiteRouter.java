package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.Headers;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Rekeys an input record by its site without decoding the JSON when it can: the {@code edge.site} header, else the
 * key's {@code <site>/...} prefix (both contract), else (last resort) the value's {@code site} field. The value is
 * passed on as it is, behind a one-byte tag ({@link #ENVELOPE} or {@link #HEARTBEAT}) so that envelopes and
 * heartbeats share one repartition topic. A record whose site cannot be found is counted and skipped.
 * Not thread-safe: one instance per stream task, as Kafka Streams creates them.
 */
final class SiteRouter implements Processor<byte[], byte[], String, byte[]> {

    static final byte ENVELOPE = 'E';
    static final byte HEARTBEAT = 'H';

    private static final Logger LOG = LoggerFactory.getLogger(SiteRouter.class);
    private static final RateLimitedLog WARN = new RateLimitedLog(LOG, 60, TimeUnit.SECONDS);

    private final byte tag;
    private final HealthCounters counters;
    private ProcessorContext<String, byte[]> context;

    SiteRouter(byte tag, HealthCounters counters) {
        this.tag = tag;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        byte[] value = record.value();
        if (value == null || value.length == 0) {
            skip("empty value");
            return;
        }
        String site = tag == ENVELOPE ? header(record) : null;
        if (site == null) {
            site = keyPrefix(record.key());
        }
        if (site == null) {
            site = fromValue(value);
        }
        if (site == null) {
            skip("no site in header, key or value");
            return;
        }
        byte[] tagged = new byte[value.length + 1];
        tagged[0] = tag;
        System.arraycopy(value, 0, tagged, 1, value.length);
        // the gateway's headers are not needed past this point: without them the repartition records are smaller
        // and Kafka Streams does not re-measure three header keys per record
        context.forward(record.withKey(site).withValue(tagged).withHeaders(new RecordHeaders()));
    }

    private void skip(String why) {
        counters.inc(HealthCounters.UNROUTABLE);
        WARN.warn("unroutable", "skipped an unroutable {} record: {}", tag == ENVELOPE ? "telemetry" : "heartbeat",
                why);
    }

    private static String header(Record<byte[], byte[]> r) {
        Header h = r.headers().lastHeader(Headers.SITE);
        return h == null || h.value() == null ? null : valid(new String(h.value(), StandardCharsets.UTF_8));
    }

    static String keyPrefix(byte[] key) {
        if (key == null) {
            return null;
        }
        for (int i = 0; i < key.length; i++) {
            if (key[i] == '/') {
                return valid(new String(key, 0, i, StandardCharsets.UTF_8));
            }
        }
        return null;
    }

    private String fromValue(byte[] value) {
        try {
            if (tag == ENVELOPE) {
                Envelope e = EnvelopeJson.decode(value);
                return valid(e.site());
            }
            var n = HealthJson.MAPPER.readTree(value);
            return n == null ? null : valid(n.path("site").asText(null));
        } catch (Exception e) { // anything undecodable is simply unroutable; counted by the caller
            return null;
        }
    }

    private static String valid(String site) {
        return site != null && Envelope.SITE_PATTERN.matcher(site).matches() ? site : null;
    }
}
