package net.edgegw.testkit;

import com.hivemq.embedded.EmbeddedHiveMQ;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An MQTT broker in the test JVM: HiveMQ Community Edition, embedded (MQTT 3.1.1 and 5, persistent sessions and
 * queued QoS 1/2 messages on disk). Chosen over Moquette because its MQTT 5 support and its session persistence
 * (redelivery of unacknowledged QoS 1/2 messages with the DUP flag after a reconnect, queued messages for an offline
 * persistent session, surviving a broker restart) follow the specification closely.
 *
 * <p>Up to 1,000,000 queued messages per offline session (HiveMQ's default is 1,000, like Mosquitto's
 * {@code max_queued_messages}: more would be discarded by the broker while a subscriber is away).
 *
 * <p>{@link #stop()} and {@link #start()} restart it on the same port with the same data directory (file
 * persistence), like a broker restart at a site. Binds to 127.0.0.1 only. Not thread-safe: drive it from the test.
 */
public final class EmbeddedMqtt implements AutoCloseable {

    private final Path dir;
    private final int port;
    private EmbeddedHiveMQ broker;

    private EmbeddedMqtt(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a broker on a free port with its config and data under {@code dir}. */
    public static EmbeddedMqtt start(Path dir) {
        return start(dir, FreePorts.tcp());
    }

    /** Starts a broker on {@code port} with its config and data under {@code dir}. */
    public static EmbeddedMqtt start(Path dir, int port) {
        EmbeddedMqtt m = new EmbeddedMqtt(dir, port);
        m.writeConfig();
        m.start();
        return m;
    }

    private void writeConfig() {
        try {
            Files.createDirectories(dir.resolve("conf"));
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("extensions"));
            Files.writeString(dir.resolve("conf/config.xml"), """
                    <?xml version="1.0"?>
                    <hivemq>
                      <listeners>
                        <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                      </listeners>
                      <mqtt>
                        <queued-messages><max-queue-size>1000000</max-queue-size></queued-messages>
                      </mqtt>
                      <persistence><mode>file</mode></persistence>
                      <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** (Re)starts the broker on the same port and data directory. */
    public synchronized void start() {
        if (broker != null) {
            return;
        }
        EmbeddedHiveMQ b = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(dir.resolve("conf"))
                .withDataFolder(dir.resolve("data"))
                .withExtensionsFolder(dir.resolve("extensions"))
                .withoutLoggingBootstrap()
                .build();
        try {
            b.start().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            try {
                b.close();
            } catch (Exception ignored) {
                // best effort
            }
            throw new IllegalStateException("embedded MQTT broker did not start on port " + port, e);
        }
        broker = b;
    }

    /** Stops the broker (sessions and queued messages stay in the data directory). */
    public synchronized void stop() {
        if (broker == null) {
            return;
        }
        try {
            broker.stop().get(60, TimeUnit.SECONDS);
            broker.close();
        } catch (Exception e) {
            throw new IllegalStateException("embedded MQTT broker did not stop", e);
        } finally {
            broker = null;
        }
    }

    public int port() {
        return port;
    }

    /** {@code tcp://127.0.0.1:<port>}. */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
    }
}
