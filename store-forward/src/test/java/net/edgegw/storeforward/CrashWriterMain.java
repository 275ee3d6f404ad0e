package net.edgegw.storeforward;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import com.codahale.metrics.MetricRegistry;

/**
 * Child process of {@link CrashTest}: appends records {@code startSeq, startSeq+1, ...} forever and prints
 * {@code <index> <seq>} of the last appended record after every 1000 appends (flushed), until it is killed.
 * Args: dir syncMode startSeq.
 */
public final class CrashWriterMain {
    private CrashWriterMain() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        SyncMode sync = SyncMode.valueOf(args[1]);
        long seq = Long.parseLong(args[2]);
        BufferSettings s = new BufferSettings(dir, CrashTest.MAX_BYTES, null, Overflow.BLOCK, sync, Duration.ofMillis(20));
        ChronicleLaneBuffer b = new ChronicleLaneBuffer("crash", s, Clock.systemUTC(), new MetricRegistry());
        System.out.println("ready");
        System.out.flush();
        for (long i = 1; ; i++, seq++) {
            long idx = b.append(Records.record(seq, (int) (50 + seq % 700), seq), Duration.ofSeconds(60));
            if (idx < 0) {
                System.out.println("full");
                System.out.flush();
                return;
            }
            if (i % 1000 == 0) {
                System.out.println(idx + " " + seq);
                System.out.flush();
            }
        }
    }
}
