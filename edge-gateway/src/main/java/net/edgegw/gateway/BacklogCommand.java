package net.edgegw.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.edgegw.storeforward.Backlog;
import net.edgegw.storeforward.BufferSettings;
import net.edgegw.storeforward.LaneInspector;
import net.edgegw.storeforward.LaneReader;
import net.edgegw.storeforward.StoredRecord;
import net.edgegw.core.Envelope;
import net.edgegw.gateway.config.GatewayConfig;
import net.edgegw.core.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * {@code edge-gateway backlog --config FILE [--records N] [--json]}: what each lane holds that is not yet replicated,
 * what was dropped, and optionally the first N unsent records. Read-only ({@link LaneInspector}): safe while the
 * gateway runs (it takes no lock and writes nothing), and it changes nothing in the buffer of a stopped gateway. Text
 * shows sizes and ages in human units ({@code 41.2 MiB}, {@code 3 m 12 s}); {@code --json} prints one JSON object with
 * the raw numbers (bytes, milliseconds).
 */
@Command(name = "backlog", description = "Show the buffered backlog per lane (records, bytes, oldest unsent age, drops); read-only, also while the gateway runs.")
final class BacklogCommand extends GatewayCommand {

    private static final String ROW = "%-12s %10s %11s %14s %16s %15s %17s %18s%n";

    @Option(names = "--records", description = "also print the first N unsent records of each lane", defaultValue = "0")
    int records;

    @Option(names = "--json", description = "one JSON object with raw numbers (bytes, milliseconds) instead of the table")
    boolean json;

    @Override
    protected int run(GatewayConfig c) throws Exception {
        PrintWriter out = out();
        PrintWriter err = err();
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode doc = mapper.createObjectNode();
        doc.put("site", c.site()).put("gateway", c.gateway());
        ArrayNode lanes = doc.putArray("lanes");
        long[] total = new long[6];
        int rc = ExitCodes.OK;
        if (!json) {
            out.printf(ROW, "lane", "records", "bytes", "oldest unsent", "dropped overflow", "dropped expired",
                    "dropped diskFull", "replicated index");
        }
        for (GatewayConfig.LaneConfig l : c.lanes()) {
            Path dir = c.dataDir().resolve("buffer").resolve(l.name());
            ObjectNode lane = lanes.addObject().put("lane", l.name());
            if (!LaneInspector.exists(dir)) {
                lane.put("buffer", false);
                if (!json) {
                    out.printf("%-12s (no buffer yet at %s)%n", l.name(), dir);
                }
                continue;
            }
            BufferSettings bs = new BufferSettings(dir, l.maxBytes(), c.buffer().maxAge(), c.buffer().overflow(),
                    c.buffer().sync(), c.buffer().syncInterval());
            try (LaneInspector in = LaneInspector.open(l.name(), bs, Clock.systemUTC())) {
                Backlog b = in.backlog();
                lane.put("buffer", true).put("records", b.records()).put("bytes", b.bytes())
                        .put("oldestUnsentAgeMs", b.oldestUnsentAgeMs()).put("droppedOverflow", b.droppedOverflow())
                        .put("droppedExpired", b.droppedExpired()).put("droppedDiskFull", b.droppedDiskFull())
                        .put("replicatedIndex", in.replicatedIndex());
                add(total, b);
                if (!json) {
                    out.printf(ROW, l.name(), b.records(), HumanUnits.bytes(b.bytes()), age(b.records(),
                            b.oldestUnsentAgeMs()), b.droppedOverflow(), b.droppedExpired(), b.droppedDiskFull(),
                            in.replicatedIndex() < 0 ? "-" : "0x" + Long.toHexString(in.replicatedIndex()));
                }
                if (records > 0) {
                    unsent(c, l.name(), in, json ? lane.putArray("unsent") : null, out);
                }
            } catch (RuntimeException e) {
                err.printf("lane %s: cannot read the buffer in %s: %s%n", l.name(), dir, e.getMessage());
                lane.put("error", String.valueOf(e.getMessage()));
                rc = ExitCodes.ERROR;
            }
        }
        doc.putObject("total").put("records", total[0]).put("bytes", total[1]).put("oldestUnsentAgeMs", total[2])
                .put("droppedOverflow", total[3]).put("droppedExpired", total[4]).put("droppedDiskFull", total[5]);
        if (json) {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        } else {
            out.printf(ROW, "total", total[0], HumanUnits.bytes(total[1]), age(total[0], total[2]), total[3], total[4],
                    total[5], "");
        }
        out.flush();
        err.flush();
        return rc;
    }

    private static void add(long[] total, Backlog b) {
        total[0] += b.records();
        total[1] += b.bytes();
        total[2] = Math.max(total[2], b.oldestUnsentAgeMs());
        total[3] += b.droppedOverflow();
        total[4] += b.droppedExpired();
        total[5] += b.droppedDiskFull();
    }

    private static String age(long records, long ms) {
        return records == 0 ? "-" : HumanUnits.age(ms);
    }

    /** The first {@link #records} unsent records: printed indented, or added to {@code into} (--json). */
    private void unsent(GatewayConfig c, String lane, LaneInspector in, ArrayNode into, PrintWriter out) {
        try (LaneReader r = in.reader(in.replicatedIndex())) {
            List<StoredRecord> recs = r.poll(records, Long.MAX_VALUE, Duration.ZERO);
            for (StoredRecord s : recs) {
                String id = Envelope.recordId(c.site(), c.gateway(), lane, s.index());
                String body = new String(s.record().body(), StandardCharsets.UTF_8);
                if (into != null) {
                    into.addObject().put("id", id).put("topic", s.record().topic()).put("body", body);
                } else {
                    out.printf("  %s -> %s %s%n", id, s.record().topic(), body);
                }
            }
        }
    }
}
