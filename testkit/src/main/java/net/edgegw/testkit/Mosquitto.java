package net.edgegw.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Eclipse Mosquitto (the broker most edge sites run) as a child process on a free 127.0.0.1 port with a generated
 * config: persistence in {@code dir}, anonymous access or a password file, queued messages for offline persistent
 * sessions up to 100,000. Optionally extra TLS listeners ({@link Tls}: server certificate and key, the CA for client
 * certificates, optionally requiring one), each on its own free port beside the plain one; the password file applies
 * to every listener. Needs {@code /usr/sbin/mosquitto} (Debian package {@code mosquitto}; .ci/run installs it):
 * check {@link #installed()} first. Not thread-safe.
 */
public final class Mosquitto implements AutoCloseable {

    public static final Path BINARY = Path.of(System.getProperty("mosquitto.binary", "/usr/sbin/mosquitto"));

    /**
     * A TLS listener (PEM files).
     *
     * @param caPem              CA certificates for client certificates ({@code cafile})
     * @param certPem            the server certificate ({@code certfile})
     * @param keyPem             its private key ({@code keyfile})
     * @param requireCertificate clients must present a certificate signed by {@code caPem} (mutual TLS)
     */
    public record Tls(Path caPem, Path certPem, Path keyPem, boolean requireCertificate) {
    }

    private final Path dir;
    private final int port;
    private final List<Integer> tlsPorts = new ArrayList<>();
    private ProcessRunner process;

    private Mosquitto(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** True when the mosquitto binary is there. */
    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Starts mosquitto with anonymous access. */
    public static Mosquitto start(Path dir) {
        return start(dir, null, null);
    }

    /** Starts mosquitto; with {@code user} set, only that user with that password may connect. */
    public static Mosquitto start(Path dir, String user, String password) {
        return start(dir, user, password, List.of(), "");
    }

    /**
     * Starts mosquitto with a plain listener ({@link #uri()}) and one TLS listener per {@code tls} entry
     * ({@link #tlsPort(int)}, {@link #tlsUri(int)}); {@code extraConfig} lines are appended to the generated config
     * and override its settings (e.g. {@code max_queued_messages 0}: no limit); with {@code user} set, only that user
     * may connect, on every listener.
     */
    public static Mosquitto start(Path dir, String user, String password, List<Tls> tls, String extraConfig) {
        if (!installed()) {
            throw new IllegalStateException(BINARY + " not found: install the Debian package mosquitto");
        }
        Mosquitto m = new Mosquitto(dir, FreePorts.tcp());
        try {
            Files.createDirectories(dir.resolve("data"));
            StringBuilder conf = new StringBuilder()
                    .append("listener ").append(m.port).append(" 127.0.0.1\n")
                    // started as root, mosquitto would switch to user mosquitto, who cannot read the test's files
                    .append("user ").append(System.getProperty("user.name")).append('\n')
                    .append("persistence true\n")
                    .append("persistence_location ").append(dir.resolve("data").toAbsolutePath()).append("/\n")
                    .append("max_queued_messages 100000\n")
                    .append("log_dest stdout\n");
            for (Tls t : tls) {
                int p = FreePorts.tcp();
                m.tlsPorts.add(p);
                conf.append("listener ").append(p).append(" 127.0.0.1\n")
                        .append("cafile ").append(t.caPem().toAbsolutePath()).append('\n')
                        .append("certfile ").append(t.certPem().toAbsolutePath()).append('\n')
                        .append("keyfile ").append(t.keyPem().toAbsolutePath()).append('\n')
                        .append("require_certificate ").append(t.requireCertificate()).append('\n');
            }
            if (user != null) {
                Path pw = dir.resolve("passwd");
                ProcessRunner p = ProcessRunner.builder("/usr/bin/mosquitto_passwd", "-c", "-b", pw.toString(), user, password)
                        .log(dir.resolve("passwd.log")).start();
                if (p.waitFor(Duration.ofSeconds(20)).orElse(-1) != 0) {
                    throw new IllegalStateException("mosquitto_passwd failed: " + p.tail(5));
                }
                conf.append("allow_anonymous false\npassword_file ").append(pw.toAbsolutePath()).append('\n');
            } else {
                conf.append("allow_anonymous true\n");
            }
            if (extraConfig != null && !extraConfig.isBlank()) {
                conf.append(extraConfig.strip()).append('\n');
            }
            Files.writeString(dir.resolve("mosquitto.conf"), conf.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        m.start();
        return m;
    }

    /** (Re)starts the process on the same port and data directory. */
    public void start() {
        process = ProcessRunner.builder(BINARY.toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .log(dir.resolve("mosquitto.log")).start();
        List<Integer> ports = new ArrayList<>(tlsPorts);
        ports.add(0, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                for (int p : ports) {
                    new Socket("127.0.0.1", p).close();
                }
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited: " + process.tail(20));
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ie);
                }
            }
        }
        throw new IllegalStateException("mosquitto did not listen on " + ports + ": " + process.tail(20));
    }

    /** Stops the process (SIGTERM: mosquitto saves its persistence file). */
    public void stop() {
        if (process != null) {
            process.terminate(Duration.ofSeconds(10));
            process = null;
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The port of the {@code i}-th TLS listener given to {@link #start(Path, String, String, List, String)}. */
    public int tlsPort(int i) {
        return tlsPorts.get(i);
    }

    /** {@code ssl://127.0.0.1:<tlsPort(i)>}. */
    public String tlsUri(int i) {
        return "ssl://127.0.0.1:" + tlsPorts.get(i);
    }

    /** mosquitto's own log (stdout), e.g. to show why it refused a TLS handshake. */
    public Path log() {
        return dir.resolve("mosquitto.log");
    }

    @Override
    public void close() {
        stop();
    }
}
