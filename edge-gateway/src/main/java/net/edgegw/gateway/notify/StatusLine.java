package net.edgegw.gateway.notify;

import net.edgegw.gateway.status.GatewayView;
import net.edgegw.storeforward.Backlog;

import java.util.Locale;

/**
 * The one human line of {@code STATUS=} ({@code systemctl status edge-gateway} shows it), e.g.
 * {@code 3 inputs, backlog 12,345 records, uplink UP}; a buffer problem or a failed health check is appended.
 */
final class StatusLine {

    private StatusLine() {
    }

    static String of(GatewayView gw, String liveness) {
        int inputs = gw.running().inputs().size();
        long backlog = 0;
        for (Backlog b : gw.laneBacklogs().values()) {
            backlog += b.records();
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%d input%s, backlog %,d record%s, uplink %s",
                inputs, inputs == 1 ? "" : "s", backlog, backlog == 1 ? "" : "s", gw.uplinkStatus().state()));
        String buffer = gw.bufferProblem();
        if (buffer != null) {
            s.append("; ").append(buffer);
        }
        if (liveness != null) {
            s.append("; not healthy: ").append(liveness);
        }
        return oneLine(s.toString());
    }

    /** A STATUS= value is one line: a newline would start another (maybe bogus) assignment. */
    static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
