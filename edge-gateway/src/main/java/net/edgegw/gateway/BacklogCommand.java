package net.edgegw.gateway;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.storeforward.Backlog;
import net.edgegw.storeforward.BufferSettings;
import net.edgegw.storeforward.ChronicleLaneBuffer;
import net.edgegw.storeforward.LaneReader;
import net.edgegw.storeforward.StoredRecord;
import net.edgegw.core.Envelope;
import net.edgegw.gateway.config.GatewayConfig;
import net.edgegw.core.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * {@code edge-gateway backlog --config FILE [--records N]}: what each lane holds that is not yet replicated, what was
 * dropped, and optionally the first N unsent records. Reads the buffer of a stopped gateway (the buffer directory is
 * locked while the gateway runs: then use the heartbeat or the metrics).
 */
@Command(name = "backlog", description = "Show the buffered backlog per lane (records, bytes, oldest age, drops) of a stopped gateway.")
final class BacklogCommand extends GatewayCommand {

    @Option(names = "--records", description = "also print the first N unsent records of each lane", defaultValue = "0")
    int records;

    @Override
    protected int run(GatewayConfig c) {
        PrintWriter out = out();
        PrintWriter err = err();
        int rc = ExitCodes.OK;
        out.printf("%-12s %12s %14s %14s %12s %12s %16s%n", "lane", "records", "bytes", "oldestAgeMs",
                "dropOverflow", "dropExpired", "replicatedIndex");
        for (GatewayConfig.LaneConfig l : c.lanes()) {
            Path dir = c.dataDir().resolve("buffer").resolve(l.name());
            if (!Files.isDirectory(dir)) {
                out.printf("%-12s (no buffer yet at %s)%n", l.name(), dir);
                continue;
            }
            BufferSettings bs = new BufferSettings(dir, l.maxBytes(), c.buffer().maxAge(), c.buffer().overflow(),
                    c.buffer().sync(), c.buffer().syncInterval());
            try (ChronicleLaneBuffer b = new ChronicleLaneBuffer(l.name(), bs, Clock.systemUTC(), new MetricRegistry())) {
                Backlog bl = b.backlog();
                out.printf("%-12s %12d %14d %14d %12d %12d %16d%n", l.name(), bl.records(), bl.bytes(),
                        bl.oldestUnsentAgeMs(), bl.droppedOverflow(), bl.droppedExpired(), b.replicatedIndex());
                if (records > 0) {
                    try (LaneReader r = b.reader(b.replicatedIndex())) {
                        List<StoredRecord> recs = r.poll(records, Long.MAX_VALUE, Duration.ZERO);
                        for (StoredRecord s : recs) {
                            out.printf("  %s -> %s %s%n", Envelope.recordId(c.site(), c.gateway(), l.name(), s.index()),
                                    s.record().topic(), new String(s.record().body(), StandardCharsets.UTF_8));
                        }
                    }
                }
            } catch (RuntimeException e) {
                err.printf("lane %s: cannot open %s: %s (is the gateway running? then see its heartbeat or /metrics)%n",
                        l.name(), dir, e.getMessage());
                rc = ExitCodes.ERROR;
            }
        }
        out.flush();
        err.flush();
        return rc;
    }
}
