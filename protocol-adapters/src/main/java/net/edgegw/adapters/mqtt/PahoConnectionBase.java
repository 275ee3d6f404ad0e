package net.edgegw.adapters.mqtt;

import javax.net.SocketFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What both Paho clients share: the input's settings, client id, persistence directory, socket factory and listener;
 * the connect flow (connect, subscribe to every filter, give up when the broker refuses one) and the quiet
 * disconnect/close. Each subclass makes the calls of its Paho API ({@code mqttv3} or {@code mqttv5}), whose types
 * have no common supertype. The {@link MqttSource} drives one instance from its own threads, Paho calls the listener
 * from its threads; the client is created by {@link #replayPersisted} before any other call.
 *
 * @param <C> the Paho client type
 */
abstract class PahoConnectionBase<C> implements MqttConnection {

    /** How long a connect or a subscribe may take. */
    static final long WAIT_MS = 15_000;
    /** Paho's connection timeout, seconds. */
    static final int CONNECTION_TIMEOUT_S = 10;

    final MqttInputSettings settings;
    final String clientId;
    final Path persistenceDir;
    final SocketFactory socketFactory;
    final Listener listener;
    /** Set by {@link #replayPersisted}; null before. */
    C client;

    PahoConnectionBase(Setup setup) {
        this.settings = setup.settings();
        this.clientId = setup.clientId();
        this.persistenceDir = setup.persistenceDir();
        this.socketFactory = setup.socketFactory();
        this.listener = setup.listener();
    }

    /**
     * What a connection is made of, whatever its MQTT version.
     *
     * @param persistenceDir Paho's persistence directory in the input's state directory
     * @param socketFactory  the TLS socket factory, or null for plain TCP
     */
    record Setup(MqttInputSettings settings, String clientId, Path persistenceDir, SocketFactory socketFactory,
                 Listener listener) {

        /** The connection of the configured MQTT version. */
        MqttConnection connection() {
            return settings.version() == MqttInputSettings.Version.V5 ? new PahoV5Connection(this)
                    : new PahoV3Connection(this);
        }
    }

    /** Connects (persistent session, the input's options) and waits at most {@link #WAIT_MS}. */
    abstract void connectClient() throws Exception;

    /** Subscribes to every filter with the input's QoS, waits at most {@link #WAIT_MS}; the broker's codes or null. */
    abstract int[] subscribeAll() throws Exception;

    /** True when a SUBACK code refuses the subscription. */
    abstract boolean refused(int code);

    /** The exception for the refused subscription {@code i} with {@code code}. */
    abstract Exception refusal(int i, int code);

    abstract boolean isConnected(C c);

    abstract void disconnectForcibly(C c, long timeoutMs) throws Exception;

    abstract void close(C c) throws Exception;

    @Override
    public final void connect() throws Exception {
        connectClient();
        int[] codes = subscribeAll();
        for (int i = 0; codes != null && i < codes.length; i++) {
            if (refused(codes[i])) {
                disconnectForcibly(client, 1000);
                throw refusal(i, codes[i]);
            }
        }
    }

    /** Sets the options both APIs have alike: credentials and the TLS socket factory when configured. */
    final void applyLogin(Consumer<String> user, Consumer<String> password, Consumer<SocketFactory> factory) {
        if (settings.username() != null) {
            user.accept(settings.username());
        }
        if (settings.password() != null) {
            password.accept(settings.password());
        }
        if (socketFactory != null) {
            factory.accept(socketFactory);
        }
    }

    final int keepAliveSeconds() {
        return (int) settings.keepAlive().toSeconds();
    }

    @Override
    public final void disconnectQuietly() {
        try {
            if (client != null && isConnected(client)) {
                disconnectForcibly(client, 2000);
            }
        } catch (Exception ignored) {
            // already gone
        }
    }

    @Override
    public final void close() {
        disconnectQuietly();
        try {
            if (client != null) {
                close(client);
            }
        } catch (Exception ignored) {
            // nothing more to release
        }
    }

    /** The persistence keys that start with {@code prefix}, sorted. */
    static List<String> keysStartingWith(Enumeration<String> keys, String prefix) {
        List<String> found = new ArrayList<>();
        while (keys.hasMoreElements()) {
            String k = keys.nextElement();
            if (k.startsWith(prefix)) {
                found.add(k);
            }
        }
        Collections.sort(found);
        return found;
    }
}
