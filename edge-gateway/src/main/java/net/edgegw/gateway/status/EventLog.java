package net.edgegw.gateway.status;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What happened on this gateway, for the technician's events page ({@code GET /api/events}): logins, config
 * changes, inputs started and stopped, uplink state changes, connections, drops and rejections. The newest
 * {@value #CAPACITY} events are kept in memory (the log files keep everything). Thread-safe.
 */
public final class EventLog {

    static final int CAPACITY = 2_000;

    /** Event levels. */
    public enum Level { INFO, WARN, ERROR }

    /**
     * @param id   increasing from 1 (a client asks for the events after the last id it has)
     * @param type e.g. {@code config.applied}, {@code login.failed} (docs/web.md lists them)
     */
    public record Event(long id, Instant time, String type, Level level, String message) {
    }

    private final Clock clock;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private long lastId;

    public EventLog(Clock clock) {
        this.clock = clock;
    }

    /** Records an event now and returns it. */
    public synchronized Event add(String type, Level level, String message) {
        Event e = new Event(++lastId, clock.instant(), type, level, message);
        events.addLast(e);
        if (events.size() > CAPACITY) {
            events.removeFirst();
        }
        return e;
    }

    /** At most {@code limit} events newer than {@code afterId}, newest first. */
    public synchronized List<Event> after(long afterId, int limit) {
        List<Event> out = new ArrayList<>();
        Iterator<Event> it = events.descendingIterator();
        while (it.hasNext() && out.size() < limit) {
            Event e = it.next();
            if (e.id() <= afterId) {
                break;
            }
            out.add(e);
        }
        return out;
    }
}
