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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code GET /api/tail?filter=...}: the records being stored, live, as server-sent events (docs/web.md). Each stream
 * taps the pipeline with its filter; a matching record is turned at once into a small view (message or payload cut
 * at {@value #MAX_MESSAGE_CHARS} characters) and queued, at most {@value #QUEUE} views per stream: a slow client
 * loses records, told with a {@code lagged} event, and the pipeline never waits. Each stream has its own sender
 * thread (one stalled browser holds up nobody else), which also sends a keep-alive comment every
 * {@value #KEEPALIVE_MS} ms (so a closed tab is noticed and its tap removed) and ends the stream when its session
 * ends. At most {@value #MAX_STREAMS} streams. Thread-safe.
 */
final class TailStreams implements AutoCloseable {

    static final int MAX_STREAMS = 8;
    static final int QUEUE = 1_000;
    static final int MAX_MESSAGE_CHARS = 1_000;
    /** How much of a message or payload a filter term searches. */
    static final int MAX_SEARCH_CHARS = 8 * 1024;
    static final long SEND_INTERVAL_MS = 250;
    static final long KEEPALIVE_MS = 15_000;

    private static final Logger LOG = LoggerFactory.getLogger(TailStreams.class);

    private final Supplier<Pipeline> pipeline;
    private final Json json;
    private final Predicate<Sessions.Session> live;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final ExecutorService senders;
    private volatile boolean closed;

    private static final class Stream {
        final SseClient client;
        final Sessions.Session session;
        final ArrayBlockingQueue<Map<String, Object>> queue = new ArrayBlockingQueue<>(QUEUE);
        final AtomicLong lagged = new AtomicLong();
        volatile AutoCloseable tap;

        Stream(SseClient client, Sessions.Session session) {
            this.client = client;
            this.session = session;
        }
    }

    TailStreams(Supplier<Pipeline> pipeline, Json json, Predicate<Sessions.Session> live) {
        this.pipeline = pipeline;
        this.json = json;
        this.live = live;
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "web-tail-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Before-handler: refuses a stream over the cap, and a filter that does not parse. */
    void check(Context ctx) {
        if (count.get() >= MAX_STREAMS) {
            throw new HttpError(503, "too many live tails", "at most " + MAX_STREAMS + " at a time; close another tab",
                    Map.of("Retry-After", "10"));
        }
        TailFilter.parse(ctx.queryParam("filter"));
    }

    /** The SSE handler: runs the stream on this request's thread until it ends. */
    void open(SseClient client) {
        if (closed || count.incrementAndGet() > MAX_STREAMS) {
            count.decrementAndGet();
            client.sendEvent("error", "{\"error\":\"too many live tails\"}");
            client.close();
            return;
        }
        TailFilter filter = TailFilter.parse(client.ctx().queryParam("filter"));
        Stream s = new Stream(client, WebServer.session(client.ctx()));
        streams.add(s);
        client.onClose(() -> end(s));
        s.tap = pipeline.get().tap(t -> {
            if (filter.test(t) && !s.queue.offer(view(t))) {
                s.lagged.incrementAndGet();
            }
        });
        client.keepAlive();
        client.sendComment("tailing" + (filter.isEmpty() ? "" : " with a filter"));
        senders.execute(() -> run(s));
    }

    private void run(Stream s) {
        long lastWrite = System.nanoTime();
        List<Map<String, Object>> batch = new ArrayList<>();
        try {
            while (!closed && streams.contains(s)) {
                if (!live.test(s.session)) {
                    s.client.sendEvent("logout", "{}");
                    break;
                }
                long lost = s.lagged.getAndSet(0);
                if (lost > 0) {
                    s.client.sendEvent("lagged", json.text(Map.of("dropped", lost)));
                    lastWrite = System.nanoTime();
                }
                Map<String, Object> first = s.queue.poll(SEND_INTERVAL_MS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    s.queue.drainTo(batch, 199);
                    for (Map<String, Object> v : batch) {
                        s.client.sendEvent("record", json.text(v));
                    }
                    batch.clear();
                    lastWrite = System.nanoTime();
                } else if (System.nanoTime() - lastWrite > TimeUnit.MILLISECONDS.toNanos(KEEPALIVE_MS)) {
                    s.client.sendComment("keep-alive");
                    lastWrite = System.nanoTime();
                }
                if (s.client.terminated()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("tail stream ended: {}", e.toString());
        } finally {
            end(s);
            try {
                s.client.close();
            } catch (RuntimeException e) {
                LOG.debug("tail close: {}", e.toString());
            }
        }
    }

    private void end(Stream s) {
        if (streams.remove(s)) {
            count.decrementAndGet();
        }
        AutoCloseable tap = s.tap;
        if (tap != null) {
            try {
                tap.close();
            } catch (Exception e) {
                LOG.debug("tail close: {}", e.toString());
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

    /** The message, or the payload as text, at most {@link #MAX_SEARCH_CHARS} characters (plus one to tell a cut). */
    static String text(Envelope e) {
        if (e.message() != null) {
            return e.message().length() > MAX_SEARCH_CHARS ? e.message().substring(0, MAX_SEARCH_CHARS + 1)
                    : e.message();
        }
        Payload p = e.payload();
        if (p instanceof Payload.Json j) {
            String t = new String(j.raw(), 0, Math.min(j.raw().length, 4 * (MAX_SEARCH_CHARS + 1)),
                    StandardCharsets.UTF_8);
            return t.length() > MAX_SEARCH_CHARS ? t.substring(0, MAX_SEARCH_CHARS + 1) : t;
        } else if (p instanceof Payload.Text t) {
            return t.text().length() > MAX_SEARCH_CHARS ? t.text().substring(0, MAX_SEARCH_CHARS + 1) : t.text();
        } else if (p instanceof Payload.Binary b) {
            return "<" + b.bytes().length + " bytes of binary payload>";
        }
        return "";
    }

    @Override
    public void close() {
        closed = true;
        for (Stream st : streams) {
            end(st);
        }
        senders.shutdownNow();
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
                    terms.add(t -> contains(searchable(t.envelope()), lower) || contains(t.envelope().host(), lower));
                }
            }
            return new TailFilter(List.copyOf(terms));
        }

        private static String searchable(Envelope e) {
            return text(e);
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
