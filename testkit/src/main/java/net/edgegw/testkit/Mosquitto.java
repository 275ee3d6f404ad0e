package net.edgegw.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Eclipse Mosquitto (the broker most edge sites run) as a child process on a free 127.0.0.1 port with a generated
 * config: persistence in {@code dir}, anonymous access or a password file, queued messages for offline persistent
 * sessions up to 100,000. Needs {@code /usr/sbin/mosquitto} (Debian package {@code mosquitto}; .ci/run installs it):
 * check {@link #installed()} first. Not thread-safe.
 */
public final class Mosquitto implements AutoCloseable {

    public static final Path BINARY = Path.of(System.getProperty("mosquitto.binary", "/usr/sbin/mosquitto"));

    private final Path dir;
    private final int port;
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
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
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
        throw new IllegalStateException("mosquitto did not listen on " + port + ": " + process.tail(20));
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

    @Override
    public void close() {
        stop();
    }
}
