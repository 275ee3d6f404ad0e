package net.edgegw.gateway.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the systemd notifier does, from the environment systemd gives a {@code Type=notify} service.
 *
 * @param socket           {@code $NOTIFY_SOCKET}: an absolute path or {@code @abstract-name}
 * @param watchdogPing     how often {@code WATCHDOG=1} is sent (half of {@code $WATCHDOG_USEC}), null for no watchdog
 * @param statusInterval   how often a {@code STATUS=} line is sent
 * @param uplinkStallAfter the uplink forwarder counts as wedged when its loop has not finished a step for this long
 *                         (longer than its slowest legitimate step: a recovery with every lane's blocking Kafka
 *                         calls, about 15 s each)
 */
public record NotifySettings(String socket, Duration watchdogPing, Duration statusInterval, Duration uplinkStallAfter) {

    private static final Logger LOG = LoggerFactory.getLogger(NotifySettings.class);

    /** Default {@link #statusInterval()}. */
    public static final Duration STATUS_INTERVAL = Duration.ofSeconds(5);
    /** Default {@link #uplinkStallAfter()}. */
    public static final Duration UPLINK_STALL_AFTER = Duration.ofSeconds(120);
    /**
     * System property overriding {@link #UPLINK_STALL_AFTER} (an ISO-8601 duration such as {@code PT5S}), for tests
     * of the packaged program; not a config key.
     */
    public static final String UPLINK_STALL_PROPERTY = "edgegw.notify.uplinkStallAfter";

    public NotifySettings {
        if (socket == null || socket.isEmpty()) {
            throw new IllegalArgumentException("socket");
        }
        if (statusInterval == null || statusInterval.isNegative() || statusInterval.isZero()) {
            throw new IllegalArgumentException("statusInterval must be positive");
        }
        if (watchdogPing != null && (watchdogPing.isNegative() || watchdogPing.isZero())) {
            throw new IllegalArgumentException("watchdogPing must be positive");
        }
        if (uplinkStallAfter == null || uplinkStallAfter.isNegative() || uplinkStallAfter.isZero()) {
            throw new IllegalArgumentException("uplinkStallAfter must be positive");
        }
    }

    /** The settings of this process: empty (nothing is ever sent) when {@code NOTIFY_SOCKET} is unset. */
    public static Optional<NotifySettings> fromEnvironment() {
        return fromEnvironment(System.getenv(), ProcessHandle.current().pid(),
                System.getProperty(UPLINK_STALL_PROPERTY));
    }

    /**
     * The settings for environment {@code env} of process {@code pid}: the watchdog only when {@code WATCHDOG_USEC}
     * is a positive number and {@code WATCHDOG_PID} is unset or {@code pid}; a malformed value is logged and ignored.
     */
    static Optional<NotifySettings> fromEnvironment(Map<String, String> env, long pid, String stallOverride) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return Optional.empty();
        }
        Duration ping = null;
        String usec = env.get("WATCHDOG_USEC");
        String wpid = env.get("WATCHDOG_PID");
        if (usec != null && !usec.isBlank()) {
            try {
                long us = Long.parseLong(usec.trim());
                if (us <= 0) {
                    throw new NumberFormatException("not positive");
                }
                if (wpid == null || wpid.isBlank() || Long.parseLong(wpid.trim()) == pid) {
                    ping = Duration.ofNanos(Math.max(1, us * 1000 / 2));
                } else {
                    LOG.info("WATCHDOG_PID {} is not this process ({}): no watchdog pings", wpid, pid);
                }
            } catch (NumberFormatException e) {
                LOG.warn("WATCHDOG_USEC '{}' / WATCHDOG_PID '{}' not understood ({}): no watchdog pings", usec, wpid,
                        e.getMessage());
            }
        }
        Duration stall = UPLINK_STALL_AFTER;
        if (stallOverride != null && !stallOverride.isBlank()) {
            try {
                Duration d = Duration.parse(stallOverride.trim());
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("not positive");
                }
                stall = d;
            } catch (RuntimeException e) {
                LOG.warn("-D{}={} is not a positive ISO-8601 duration; using {}", UPLINK_STALL_PROPERTY, stallOverride, stall);
            }
        }
        return Optional.of(new NotifySettings(socket, ping, STATUS_INTERVAL, stall));
    }
}
