package net.edgegw.aggregator.web;

import com.fasterxml.jackson.databind.JavaType;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.StoreNames;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Interactive queries over every aggregator instance. Each instance answers for its local stores (active tasks, and
 * standby or restoring copies: stale stores are enabled so that reads keep working while a store restores or
 * migrates); the public API merges every instance listed by {@link KafkaStreams#metadataForAllStreamsClients()}:
 * itself directly, the others over HTTP(S) on {@code /internal/...}, signed with {@link PeerAuth}. Duplicates (a
 * standby copy next to the active one) are resolved by the newest {@code updatedAt}. An instance that does not
 * answer, or whose stores are migrating, is named in {@link Gathered#missing()}: a result is never silently
 * incomplete.
 *
 * <p>Thread-safe: holds only immutable references and a thread-safe {@link HttpClient}.
 */
final class ClusterQuery {

    /** The JSON of one {@code /internal} answer. */
    record PeerPage<T>(String instance, List<T> items) {
    }

    /** An instance whose part is missing from a result, and why. */
    record Missing(String instance, String reason) {
    }

    /** What every instance that answered returned, merged; {@code missing} names the others. */
    record Gathered<T>(List<T> items, List<Missing> missing, int instances, boolean rebalancing) {
        boolean partial() {
            return !missing.isEmpty() || rebalancing;
        }
    }

    /** Thrown when no answer can be given at all: Streams not running, or no instance known yet. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);
    private static final Logger LOG = LoggerFactory.getLogger(ClusterQuery.class);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final String scheme;
    private final PeerAuth peerAuth; // null: no secret configured, peers cannot be asked
    private final HttpClient http;

    ClusterQuery(KafkaStreams streams, HostInfo self, boolean tls, PeerAuth peerAuth) {
        this.streams = streams;
        this.self = self;
        this.scheme = tls ? "https" : "http";
        this.peerAuth = peerAuth;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
        if (tls) {
            b.sslContext(peerSslContext());
        }
        this.http = b.build();
    }

    // ---- cluster-wide ----

    Gathered<SiteSnapshot> sites() {
        return gather(StoreNames.SITES, "/internal/sites", SiteSnapshot.class, this::localSites,
                SiteSnapshot::site, SiteSnapshot::updatedAt);
    }

    Gathered<Alarm> alarms() {
        return gather(StoreNames.ALARMS, "/internal/alarms", Alarm.class, this::localAlarms, Alarm::id,
                Alarm::updatedAt);
    }

    /** One site from the instance that hosts its partition (active first, then standbys). */
    Gathered<SiteSnapshot> site(String site) {
        checkRunning();
        KeyQueryMetadata md = streams.queryMetadataForKey(StoreNames.SITES, site, Serdes.String().serializer());
        if (md == null || md.equals(KeyQueryMetadata.NOT_AVAILABLE) || md.activeHost() == null) {
            throw new Unavailable("the partition of site " + site + " is not assigned yet (rebalance)");
        }
        List<HostInfo> hosts = new ArrayList<>();
        hosts.add(md.activeHost());
        hosts.addAll(md.standbyHosts());
        List<Missing> missing = new ArrayList<>();
        for (HostInfo h : hosts) {
            try {
                List<SiteSnapshot> found = h.equals(self) ? localSite(site).map(List::of).orElse(List.of())
                        : fetch(h, "/internal/sites/" + site, SiteSnapshot.class).join();
                return new Gathered<>(found, List.of(), hosts.size(), false);
            } catch (RuntimeException e) {
                missing.add(new Missing(name(h), reason(e)));
            }
        }
        return new Gathered<>(List.of(), missing, hosts.size(), false);
    }

    // ---- local stores ----

    List<SiteSnapshot> localSites() {
        return all(StoreNames.SITES);
    }

    List<Alarm> localAlarms() {
        return all(StoreNames.ALARMS);
    }

    Optional<SiteSnapshot> localSite(String site) {
        ReadOnlyKeyValueStore<String, SiteSnapshot> store = store(StoreNames.SITES);
        return Optional.ofNullable(store.get(site));
    }

    String self() {
        return name(self);
    }

    KafkaStreams.State state() {
        return streams.state();
    }

    private <V> List<V> all(String storeName) {
        ReadOnlyKeyValueStore<String, V> store = store(storeName);
        List<V> out = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null) {
                    out.add(kv.value);
                }
            });
        }
        return out;
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String storeName) {
        return streams.store(StoreQueryParameters.fromNameAndType(storeName,
                QueryableStoreTypes.<String, V>keyValueStore()).enableStaleStores());
    }

    // ---- fan-out ----

    private <T> Gathered<T> gather(String storeName, String path, Class<T> type, java.util.function.Supplier<List<T>> local,
                                   Function<T, String> key, Function<T, Instant> version) {
        KafkaStreams.State state = checkRunning();
        Collection<StreamsMetadata> all = streams.metadataForAllStreamsClients();
        List<HostInfo> hosts = all.stream().filter(m -> m.stateStoreNames().contains(storeName))
                .map(StreamsMetadata::hostInfo).distinct().toList();
        if (hosts.isEmpty()) {
            throw new Unavailable("no instance hosts the " + storeName + " store yet (starting or rebalancing)");
        }
        Map<HostInfo, CompletableFuture<List<T>>> calls = new LinkedHashMap<>();
        for (HostInfo h : hosts) {
            if (!h.equals(self)) {
                calls.put(h, fetch(h, path, type));
            }
        }
        Map<String, T> merged = new LinkedHashMap<>();
        List<Missing> missing = new ArrayList<>();
        if (hosts.contains(self)) {
            try {
                mergeInto(merged, local.get(), key, version);
            } catch (InvalidStateStoreException e) {
                missing.add(new Missing(name(self), "local store migrating: " + e.getMessage()));
            }
        }
        calls.forEach((h, f) -> {
            try {
                mergeInto(merged, f.join(), key, version);
            } catch (RuntimeException e) {
                missing.add(new Missing(name(h), reason(e)));
            }
        });
        if (!missing.isEmpty()) {
            LOG.debug("{}: partial answer, missing {}", path, missing);
        }
        return new Gathered<>(List.copyOf(merged.values()), missing, hosts.size(),
                state == KafkaStreams.State.REBALANCING);
    }

    private static <T> void mergeInto(Map<String, T> merged, List<T> items, Function<T, String> key,
                                      Function<T, Instant> version) {
        for (T t : items) {
            merged.merge(key.apply(t), t, (a, b) -> Comparator.nullsFirst(Comparator.<Instant>naturalOrder())
                    .compare(version.apply(a), version.apply(b)) >= 0 ? a : b);
        }
    }

    private <T> CompletableFuture<List<T>> fetch(HostInfo h, String path, Class<T> type) {
        if (peerAuth == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "no dashboard.peerSecretFile configured: other instances cannot be asked"));
        }
        if (h.port() <= 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("instance advertises no application.server"));
        }
        String[] auth = peerAuth.sign("GET", path);
        HttpRequest req = HttpRequest.newBuilder(URI.create(scheme + "://" + hostPart(h) + ":" + h.port() + path))
                .timeout(REQUEST_TIMEOUT).header("Accept", "application/json").headers(auth).GET().build();
        String nonce = auth[3];
        JavaType pageType = HealthJson.MAPPER.getTypeFactory().constructParametricType(PeerPage.class, type);
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).thenApply(resp -> {
            byte[] body = resp.body();
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + resp.statusCode() + errorOf(body));
            }
            if (!peerAuth.verifyResponse(nonce, body, resp.headers().firstValue(PeerAuth.H_SIGNATURE).orElse(null))) {
                throw new IllegalStateException("answer not signed with the shared peer secret");
            }
            try {
                PeerPage<T> page = HealthJson.MAPPER.readValue(body, pageType);
                return page.items() == null ? List.<T>of() : page.items();
            } catch (IOException e) {
                throw new IllegalStateException("unreadable answer: " + e.getMessage(), e);
            }
        });
    }

    private static String errorOf(byte[] body) {
        try {
            var n = HealthJson.MAPPER.readTree(body);
            return n.hasNonNull("detail") ? ": " + n.get("detail").asText() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private KafkaStreams.State checkRunning() {
        KafkaStreams.State s = streams.state();
        if (s != KafkaStreams.State.RUNNING && s != KafkaStreams.State.REBALANCING) {
            throw new Unavailable("Kafka Streams is " + s);
        }
        return s;
    }

    static String name(HostInfo h) {
        return hostPart(h) + ":" + h.port();
    }

    private static String hostPart(HostInfo h) {
        return h.host().contains(":") && !h.host().startsWith("[") ? "[" + h.host() + "]" : h.host();
    }

    static String reason(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t.getCause() != null && t.getMessage() == null)
                && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (t instanceof java.net.ConnectException || t instanceof java.net.http.HttpConnectTimeoutException) {
            return "unreachable";
        }
        if (t instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        if (t instanceof IOException) {
            return "unreachable (" + (m == null ? t.getClass().getSimpleName() : m) + ")";
        }
        return m == null ? t.getClass().getSimpleName() : m.length() > 200 ? m.substring(0, 200) : m;
    }

    /**
     * Peers are authenticated by {@link PeerAuth} (both directions), not by their certificate: each instance may use
     * its own generated self-signed certificate, so the TLS layer here provides confidentiality against passive
     * listeners only. See docs/dashboard.md.
     */
    private static SSLContext peerSslContext() {
        TrustManager tm = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{tm}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
