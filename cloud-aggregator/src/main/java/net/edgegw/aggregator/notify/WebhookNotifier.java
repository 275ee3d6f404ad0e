package net.edgegw.aggregator.notify;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfig.Webhook;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Optional webhook notifier: consumes {@code health.alarms} in its own consumer group
 * ({@code <applicationId>-webhook}, {@code read_committed}, starting at the end on its first start) and POSTs each alarm
 * (the record value, JSON, unchanged) to {@code webhook.url} with the configured headers. Alarms less severe than
 * {@code minSeverity} are skipped, and so are site and device alarms linked under an incident unless
 * {@code webhook.linked}. A delivery is retried with exponential back-off ({@code backoff}, doubled per attempt, at most
 * one minute) up to {@code maxAttempts}: 2xx is success; 4xx other than 408 and 429 gives up at once; anything else
 * (5xx, 408, 429, I/O errors, timeouts) is retried. The offset is committed only after success or after giving up, so
 * an alarm is posted at least once; give-ups are counted and logged. Log lines never carry header values, URL
 * credentials or the URL's query.
 *
 * <p>One thread; start once, close many. The counters may be read from any thread.
 */
public final class WebhookNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final Webhook hook;
    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final HttpClient http;
    private final URI uri;
    private final String safeUrl;
    private final Thread thread;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    private volatile boolean running = true;
    private volatile boolean assigned;

    private WebhookNotifier(AggregatorConfig cfg) {
        this.hook = cfg.webhook();
        this.topic = cfg.topics().alarms();
        if (hook == null) {
            consumer = null;
            http = null;
            uri = null;
            safeUrl = null;
            thread = null;
            return;
        }
        this.uri = URI.create(hook.url());
        this.safeUrl = safeUrl(uri);
        Map<String, Object> p = cfg.kafkaClientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, cfg.applicationId() + "-webhook");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, cfg.applicationId() + "-webhook");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                Math.max(300_000L, worstCaseMillis(hook) + 60_000L)));
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.http = HttpClient.newBuilder().connectTimeout(hook.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.thread = new Thread(this::run, "webhook-notifier");
    }

    /**
     * Starts the notifier for {@code cfg}; when {@code cfg.webhook()} is null returns a notifier that does nothing
     * (so callers can always close it).
     */
    public static WebhookNotifier start(AggregatorConfig cfg) {
        WebhookNotifier n = new WebhookNotifier(cfg);
        if (n.thread != null) {
            n.thread.start();
            LOG.info("webhook notifier started: alarms from {} at severity <= {} to {}{}", n.topic, n.hook.minSeverity(),
                    n.safeUrl, n.hook.linked() ? " (linked alarms included)" : "");
        }
        return n;
    }

    /** Whether a webhook is configured. */
    public boolean enabled() {
        return thread != null;
    }

    /** Alarms posted successfully. */
    public long delivered() {
        return delivered.get();
    }

    /** Alarms given up on (4xx, or {@code maxAttempts} failures); their offsets were committed. */
    public long failed() {
        return failed.get();
    }

    /** Alarms not posted by policy (severity, linked) or unreadable. */
    public long skipped() {
        return skipped.get();
    }

    /** Whether the consumer has partitions assigned (for tests and readiness). */
    boolean assigned() {
        return assigned;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commitPending();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned = true;
                }
            });
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    if (!running) {
                        break;
                    }
                    if (!handle(r)) {
                        return; // closing during a retry: this alarm is not committed and is posted after restart
                    }
                }
                commitPending();
            }
        } catch (WakeupException e) {
            // close()
        } catch (KafkaException e) {
            if (running) {
                LOG.error("webhook notifier stopped: {}", e.toString());
            }
        } finally {
            Thread.interrupted(); // close() may have interrupted a back-off; the final commit must not see it
            try {
                commitPending();
            } catch (RuntimeException e) {
                LOG.debug("final commit: {}", e.toString());
            }
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Delivers (or skips) one record; false if interrupted by close before the outcome was known. */
    private boolean handle(ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        OffsetAndMetadata next = new OffsetAndMetadata(r.offset() + 1);
        Alarm alarm = parse(r);
        if (alarm == null || alarm.severity() > hook.minSeverity() || (alarm.incidentId() != null && !hook.linked())) {
            skipped.incrementAndGet();
            pending.put(tp, next);
            return true;
        }
        Outcome outcome = deliver(alarm, r.value());
        if (outcome == Outcome.INTERRUPTED) {
            return false;
        }
        pending.put(tp, next);
        commitPending();
        return true;
    }

    private Alarm parse(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return HealthJson.MAPPER.readValue(r.value(), Alarm.class);
        } catch (IOException e) {
            LOG.warn("{}-{}@{}: not an alarm JSON document, skipped", r.topic(), r.partition(), r.offset());
            return null;
        }
    }

    enum Outcome { DELIVERED, GAVE_UP, INTERRUPTED }

    private Outcome deliver(Alarm alarm, byte[] body) {
        int max = hook.maxAttempts();
        for (int attempt = 1; attempt <= max; attempt++) {
            String why;
            boolean retriable;
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(hook.timeout())
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "cloud-aggregator-webhook")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                hook.headers().forEach(req::header);
                int status = http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 200 && status < 300) {
                    delivered.incrementAndGet();
                    LOG.debug("alarm {} {} posted to {} (attempt {}/{})", alarm.id(), alarm.state(), safeUrl, attempt, max);
                    return Outcome.DELIVERED;
                }
                why = "HTTP " + status;
                retriable = !(status >= 400 && status < 500) || status == 408 || status == 429;
            } catch (IOException e) {
                why = e.getClass().getSimpleName();
                retriable = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.INTERRUPTED;
            }
            if (!retriable || attempt == max) {
                failed.incrementAndGet();
                LOG.error("alarm {} {} NOT delivered to {}: attempt {}/{} failed ({}), giving up{}", alarm.id(),
                        alarm.state(), safeUrl, attempt, max, why, retriable ? "" : " (not retriable)");
                return Outcome.GAVE_UP;
            }
            Duration wait = backoff(hook.backoff(), attempt);
            LOG.warn("alarm {} to {}: attempt {}/{} failed ({}), retrying in {} ms", alarm.id(), safeUrl, attempt, max,
                    why, wait.toMillis());
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.INTERRUPTED;
            }
            if (!running) {
                return Outcome.INTERRUPTED;
            }
        }
        return Outcome.GAVE_UP; // not reached: max >= 1
    }

    /** The delay after failed attempt {@code attempt} (1-based): first * 2^(attempt-1), at most one minute. */
    static Duration backoff(Duration first, int attempt) {
        long ms = first.toMillis();
        for (int i = 1; i < attempt && ms < MAX_BACKOFF.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, MAX_BACKOFF.toMillis()));
    }

    static long worstCaseMillis(Webhook h) {
        long total = h.timeout().toMillis() * 2 * h.maxAttempts(); // connect + request
        for (int a = 1; a < h.maxAttempts(); a++) {
            total += backoff(h.backoff(), a).toMillis();
        }
        return total;
    }

    /** scheme://host[:port]/path: no user info, no query, no fragment. */
    static String safeUrl(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
                + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    private void commitPending() {
        if (pending.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(pending);
        } catch (WakeupException e) {
            consumer.commitSync(pending); // close() woke us: still record what was delivered
            pending.clear();
            throw e;
        } catch (KafkaException e) {
            LOG.warn("cannot commit webhook offsets ({}); those alarms may be posted again", e.toString());
        }
        pending.clear();
    }

    /** Stops after the current delivery attempt; an alarm still being retried is not committed. Idempotent. */
    @Override
    public void close() {
        if (thread == null || !running) {
            return;
        }
        running = false;
        consumer.wakeup();
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("webhook notifier stopped: {} delivered, {} given up, {} skipped", delivered(), failed(), skipped());
    }
}
