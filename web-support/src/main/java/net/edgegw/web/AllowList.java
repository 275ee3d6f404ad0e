package net.edgegw.web;

import com.codahale.metrics.Counter;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The client-address check of {@link WebServer.Builder#allow}: a request from an address the predicate refuses gets
 * 403 JSON before anything else, is counted ({@link WebServer#REFUSED_NOT_ALLOWED}) and logged at most once a minute
 * (with the number refused since the last line). Thread-safe.
 */
final class AllowList {

    private static final Logger LOG = LoggerFactory.getLogger(AllowList.class);
    private static final long LOG_EVERY_MS = 60_000;

    private final String label;
    private final Predicate<InetAddress> allowed;
    private final Counter refused;
    private final Clock clock;
    private final AtomicLong lastLog = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong sinceLog = new AtomicLong();

    AllowList(String label, Predicate<InetAddress> allowed, Counter refused, Clock clock) {
        this.label = label;
        this.allowed = allowed;
        this.refused = refused;
        this.clock = clock;
    }

    /** Throws 403 unless the peer address is allowed. */
    void check(Context ctx) {
        String ip = ctx.req().getRemoteAddr();
        InetAddress address;
        try {
            address = InetAddress.getByName(ip); // a literal: no name lookup
        } catch (UnknownHostException e) {
            address = null;
        }
        if (address != null && allowed.test(address)) {
            return;
        }
        refused.inc();
        long n = sinceLog.incrementAndGet();
        long now = clock.millis();
        long last = lastLog.get();
        if ((last == Long.MIN_VALUE || now - last >= LOG_EVERY_MS) && lastLog.compareAndSet(last, now)) {
            sinceLog.addAndGet(-n);
            LOG.warn("{}: refused {} request(s) from addresses not allowed (last: {} {} {})", label, n, ip,
                    ctx.method(), ctx.path());
        }
        throw new HttpError(403, "forbidden", "this address may not use the web interface");
    }

    long refused() {
        return refused.getCount();
    }
}
