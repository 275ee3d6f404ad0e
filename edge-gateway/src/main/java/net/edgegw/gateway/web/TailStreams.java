package net.edgegw.gateway.web;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import net.edgegw.core.Envelope;
import net.edgegw.core.Payload;
import net.edgegw.pipeline.Pipeline;
import net.edgegw.web.HttpError;
import net.edgegw.web.Json;
import net.edgegw.web.Sessions;
import net.edgegw.web.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code GET /api/tail?filter=...}: the records being stored, live, as server-sent events (docs/web.md). Each stream
 * taps the pipeline with its filter; matching records are queued (bounded, {@value #QUEUE} per stream: a slow
 * client loses records, told with a {@code lagged} event, the pipeline never waits) and sent by one sender thread
 * every {@value #SEND_INTERVAL_MS} ms, messages cut at {@value #MAX_MESSAGE_CHARS} characters. At most
 * {@value #MAX_STREAMS} streams. Thread-safe.
 */
final class TailStreams implements AutoCloseable {

    static final int MAX_STREAMS = 8;
    static final int QUEUE = 1_000;
    static final int MAX_MESSAGE_CHARS = 1_000;
    static final long SEND_INTERVAL_MS = 250;

    private static final Logger LOG = LoggerFactory.getLogger(TailStreams.class);

    private final Supplier<Pipeline> pipeline;
    private final Json json;
    private final Predicate<Sessions.Session> live;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final ScheduledExecutorService sender;

    private static final class Stream {
        final SseClient client;
        final Sessions.Session session;
        final ArrayBlockingQueue<Pipeline.Tapped> queue = new ArrayBlockingQueue<>(QUEUE);
        final AtomicLong lagged = new AtomicLong();
        AutoCloseable tap;

        Stream(SseClient client, Sessions.Session session) {
            this.client = client;
            this.session = session;
        }
    }

    TailStreams(Supplier<Pipeline> pipeline, Json json, Predicate<Sessions.Session> live) {
        this.pipeline = pipeline;
        this.json = json;
        this.live = live;
        this.sender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "web-tail");
            t.setDaemon(true);
            return t;
        });
        sender.scheduleWithFixedDelay(this::sendAll, SEND_INTERVAL_MS, SEND_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** Before-handler: refuses a stream over the cap, and a filter that does not parse. */
    void check(Context ctx) {
        if (count.get() >= MAX_STREAMS) {
            throw new HttpError(503, "too many live tails", "at most " + MAX_STREAMS + " at a time; close another tab",
                    Map.of("Retry-After", "10"));
        }
        TailFilter.parse(ctx.queryParam("filter"));
    }

    /** The SSE handler. */
    void open(SseClient client) {
        if (count.incrementAndGet() > MAX_STREAMS) {
            count.decrementAndGet();
            client.sendEvent("error", "{\"error\":\"too many live tails\"}");
            client.close();
            return;
        }
        TailFilter filter = TailFilter.parse(client.ctx().queryParam("filter"));
        Stream s = new Stream(client, WebServer.session(client.ctx()));
        s.tap = pipeline.get().tap(t -> {
            if (filter.test(t) && !s.queue.offer(t)) {
                s.lagged.incrementAndGet();
            }
        });
        client.onClose(() -> close(s));
        streams.add(s);
        client.keepAlive();
        client.sendComment("tailing" + (filter.isEmpty() ? "" : " with a filter"));
    }

    private void close(Stream s) {
        if (streams.remove(s)) {
            count.decrementAndGet();
            try {
                s.tap.close();
            } catch (Exception e) {
                LOG.debug("tail close: {}", e.toString());
            }
        }
    }

    private void sendAll() {
        for (Stream s : streams) {
            try {
                if (!live.test(s.session)) {
                    s.client.sendEvent("logout", "{}");
                    s.client.close();
                    close(s);
                    continue;
                }
                long lost = s.lagged.getAndSet(0);
                if (lost > 0) {
                    s.client.sendEvent("lagged", json.text(Map.of("dropped", lost)));
                }
                List<Pipeline.Tapped> batch = new ArrayList<>();
                s.queue.drainTo(batch, 200);
                for (Pipeline.Tapped t : batch) {
                    s.client.sendEvent("record", json.text(view(t)));
                }
                if (s.client.terminated()) {
                    close(s);
                }
            } catch (RuntimeException e) {
                LOG.debug("tail stream ended: {}", e.toString());
                close(s);
            }
        }
    }

    static Map<String, Object> view(Pipeline.Tapped t) {
        Envelope e = t.envelope();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("receivedAt", e.receivedAt().toString());
        m.put("input", e.input());
        m.put("source", e.source().wireName());
        m.put("severity", e.severity());
        m.put("host", e.host());
        m.put("lane", t.lane());
        m.put("topic", t.topic());
        String text = text(e);
        boolean cut = text.length() > MAX_MESSAGE_CHARS;
        m.put("message", cut ? text.substring(0, MAX_MESSAGE_CHARS) : text);
        m.put("truncated", cut);
        m.put("attributes", e.attributes());
        return m;
    }

    static String text(Envelope e) {
        if (e.message() != null) {
            return e.message();
        }
        Payload p = e.payload();
        if (p instanceof Payload.Json j) {
            return new String(j.raw(), StandardCharsets.UTF_8);
        } else if (p instanceof Payload.Text t) {
            return t.text();
        } else if (p instanceof Payload.Binary b) {
            return "<" + b.bytes().length + " bytes of binary payload>";
        }
        return "";
    }

    @Override
    public void close() {
        sender.shutdownNow();
        for (Stream s : streams) {
            close(s);
            try {
                s.client.close();
            } catch (RuntimeException e) {
                LOG.debug("tail close: {}", e.toString());
            }
        }
    }

    /**
     * A tail filter: space-separated terms, all must match: {@code input:NAME}, {@code host:NAME},
     * {@code source:syslog|mqtt|tcp}, {@code lane:NAME}, {@code sev<=N}; any other term is a case-insensitive
     * substring of the message (or payload) or the host. Immutable.
     */
    record TailFilter(List<Predicate<Pipeline.Tapped>> terms) implements Predicate<Pipeline.Tapped> {

        static final int MAX_FILTER_CHARS = 500;

        static TailFilter parse(String filter) {
            List<Predicate<Pipeline.Tapped>> terms = new ArrayList<>();
            if (filter == null || filter.isBlank()) {
                return new TailFilter(terms);
            }
            if (filter.length() > MAX_FILTER_CHARS) {
                throw new HttpError(400, "filter too long", "at most " + MAX_FILTER_CHARS + " characters");
            }
            for (String term : filter.trim().split("\\s+")) {
                String lower = term.toLowerCase(Locale.ROOT);
                if (lower.startsWith("input:")) {
                    String v = term.substring(6);
                    terms.add(t -> v.equals(t.envelope().input()));
                } else if (lower.startsWith("host:")) {
                    String v = term.substring(5);
                    terms.add(t -> v.equalsIgnoreCase(t.envelope().host()));
                } else if (lower.startsWith("source:")) {
                    String v = lower.substring(7);
                    terms.add(t -> v.equals(t.envelope().source().wireName()));
                } else if (lower.startsWith("lane:")) {
                    String v = term.substring(5);
                    terms.add(t -> v.equals(t.lane()));
                } else if (lower.startsWith("sev<=")) {
                    int max;
                    try {
                        max = Integer.parseInt(lower.substring(5));
                    } catch (NumberFormatException ex) {
                        throw new HttpError(400, "bad filter", "'" + term + "': sev<= takes a number 0-7");
                    }
                    terms.add(t -> t.envelope().severity() != null && t.envelope().severity() <= max);
                } else {
                    terms.add(t -> contains(text(t.envelope()), lower) || contains(t.envelope().host(), lower));
                }
            }
            return new TailFilter(List.copyOf(terms));
        }

        private static boolean contains(String s, String lowerNeedle) {
            return s != null && s.toLowerCase(Locale.ROOT).contains(lowerNeedle);
        }

        boolean isEmpty() {
            return terms.isEmpty();
        }

        @Override
        public boolean test(Pipeline.Tapped t) {
            for (Predicate<Pipeline.Tapped> p : terms) {
                if (!p.test(t)) {
                    return false;
                }
            }
            return true;
        }
    }
}
