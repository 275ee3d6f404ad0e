package net.edgegw.demo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the demo counts, per source: <b>sent</b>, the records the simulated devices handed to the gateway's inputs
 * (a sequence number is counted before its record is written or published, so nothing can be in Kafka that is not
 * counted as sent); <b>in Kafka</b>, the distinct sequence numbers read back from Kafka (read_committed); their
 * difference is <b>on the way</b> while the demo runs (in the gateway's buffer or in flight) and <b>missing</b> at
 * the end. <b>Duplicates</b> are records read from distinct Kafka offsets beyond the distinct ones. Thread-safe.
 */
final class Tally {

    static final String LEGEND = "sent = handed to the gateway's inputs by the simulated devices; in Kafka = distinct"
            + " records read back from Kafka (read_committed); on the way = sent, not yet in Kafka (in the gateway's"
            + " durable buffer or in flight); duplicates = copies in Kafka beyond the first";

    private final Map<String, AtomicInteger> sent = new LinkedHashMap<>();
    private final Map<String, Set<Integer>> seen = new LinkedHashMap<>();
    private int records;

    Tally(List<String> sources) {
        for (String s : sources) {
            sent.put(s, new AtomicInteger());
            seen.put(s, new HashSet<>());
        }
    }

    /** The counter of records sent from this source (count before handing a record over). */
    AtomicInteger sent(String source) {
        return sent.get(source);
    }

    /** One record read from a distinct Kafka offset, with its sequence number if it has one. */
    synchronized void read(String source, Integer seq) {
        records++;
        if (seq != null) {
            seen.get(source).add(seq);
        }
    }

    /** True when every record sent is in Kafka. */
    synchronized boolean complete() {
        return sent.keySet().stream().allMatch(s -> seen.get(s).size() >= sent.get(s).get());
    }

    /** The progress line: {@code syslog: sent 926, in Kafka 900 (26 on the way) · ... · duplicates 0}. */
    synchronized String progress() {
        StringBuilder sb = new StringBuilder();
        int unique = 0;
        for (String s : sent.keySet()) {
            int inKafka = seen.get(s).size(); // read before sent: sent only grows, so the gap is never negative
            int out = sent.get(s).get();
            unique += inKafka;
            sb.append(String.format("%s: sent %,d, in Kafka %,d (%,d on the way) · ", s, out, inKafka, out - inKafka));
        }
        return sb.append(String.format("duplicates %,d", records - unique)).toString();
    }

    /** The end lines, one per source and a total: {@code DONE syslog: sent 926, in Kafka 926 (0 missing)}. */
    synchronized List<String> done() {
        List<String> lines = new ArrayList<>();
        int total = 0;
        int unique = 0;
        for (String s : sent.keySet()) {
            int out = sent.get(s).get();
            Set<Integer> in = seen.get(s);
            total += out;
            unique += in.size();
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < out && missing.size() < 10; i++) {
                if (!in.contains(i)) {
                    missing.add(i);
                }
            }
            lines.add(String.format("DONE %s: sent %,d, in Kafka %,d (%,d missing)%s", s, out, in.size(),
                    out - in.size(), missing.isEmpty() ? "" : " first missing sequence numbers: " + missing));
        }
        lines.add(String.format("DONE: sent %,d, in Kafka %,d distinct, %,d duplicates, %,d missing", total, unique,
                records - unique, total - unique));
        return lines;
    }
}
