package net.edgegw.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs a command as a child process for black-box tests (e.g. a launcher script), with its stdout and stderr
 * appended to one log file that tests can wait on ({@link #waitForLine}) and quote in assertion messages
 * ({@link #tail}, {@link #toString}).
 *
 * <p>The output goes straight to the file (no pump thread in this JVM), so the child never blocks on a full
 * pipe and its output survives this JVM. The last lines are read back from the end of the file on demand.
 * Lines matched by {@link #waitForLine} are those written since this process was started, also if they were
 * written before the call.
 *
 * <p>Every process started here that is still alive when the JVM exits is killed (with its descendants) by a
 * shutdown hook, so a failed test does not leave a gateway running. Nothing protects against a SIGKILL of this
 * JVM itself.
 *
 * <p>Thread-safety: thread-safe; any method may be called from any thread.
 */
public final class ProcessRunner implements AutoCloseable {
    private static final Set<ProcessRunner> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ProcessRunner::kill9),
                "process-runner-reaper"));
    }

    private final List<String> command;
    private final Path logFile;
    private final long logStart;
    private final int tailLines;
    private final Process process;

    private ProcessRunner(Builder b) throws IOException {
        this.command = List.copyOf(b.command);
        this.logFile = b.logFile.toAbsolutePath();
        this.tailLines = b.tailLines;
        Files.createDirectories(logFile.getParent());
        Files.writeString(logFile, "", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.logStart = Files.size(logFile);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (b.directory != null) {
            pb.directory(b.directory.toFile());
        }
        Map<String, String> env = pb.environment();
        if (b.clearEnv) {
            env.clear();
        }
        b.env.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        this.process = pb.start();
        LIVE.add(this);
    }

    /** A builder for {@code command} (program and arguments). */
    public static Builder builder(String... command) {
        return new Builder(List.of(command));
    }

    /** A builder for {@code command} (program and arguments). */
    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    /** Starts {@code command} in {@code workDir} with extra {@code env}, output appended to {@code logFile}. */
    public static ProcessRunner start(List<String> command, Map<String, String> env, Path workDir, Path logFile) {
        return builder(command).env(env).directory(workDir).log(logFile).start();
    }

    /** The operating system's process id. */
    public long pid() {
        return process.pid();
    }

    /** The underlying process, for anything not covered here. */
    public Process process() {
        return process;
    }

    /** The file that receives stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or empty while the process runs. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** Waits up to {@code timeout} for the process to exit; returns its exit code, or empty if still running. */
    public OptionalInt waitFor(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return exitCode();
        }
    }

    /**
     * SIGKILLs the process and every descendant it has right now (a launcher script's JVM, say) and waits
     * until the process is gone. Returns its exit code (137 for a process killed by SIGKILL).
     */
    public int kill9() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle d : descendants) {
            try {
                d.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // best effort: it was SIGKILLed
            }
        }
        OptionalInt rc = waitFor(Duration.ofSeconds(30));
        LIVE.remove(this);
        return rc.orElseThrow(() -> new IllegalStateException("process " + pid() + " survived SIGKILL"));
    }

    /**
     * Sends SIGTERM to the process (not to its descendants: a well-behaved launcher {@code exec}s or forwards
     * the signal) and waits up to {@code timeout} for it to exit. Returns true if it exited in time; if not, it
     * is killed with {@link #kill9()} and false is returned, so a test can assert a graceful shutdown.
     */
    public boolean terminate(Duration timeout) {
        if (!process.isAlive()) {
            LIVE.remove(this);
            return true;
        }
        process.destroy();
        if (waitFor(timeout).isPresent()) {
            LIVE.remove(this);
            return true;
        }
        kill9();
        return false;
    }

    /** {@link #terminate(Duration)} with 30 seconds. */
    public boolean terminate() {
        return terminate(Duration.ofSeconds(30));
    }

    /**
     * Waits until a line written by this process (since it started) matches {@code pattern} ({@code find}, not
     * {@code matches}) and returns it. Fails with an {@link AssertionError} quoting the log's tail on timeout
     * or if the process exits before such a line appears.
     */
    public String waitForLine(Pattern pattern, Duration timeout) {
        return waitForLineAfter(logStart, pattern, timeout);
    }

    /** The current end of the log, to wait for lines written from now on with {@link #waitForLineAfter}. */
    public long mark() {
        try {
            return Files.size(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Like {@link #waitForLine} but only considers lines that start at or after {@code mark}. */
    public String waitForLineAfter(long mark, Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pos = Math.max(mark, logStart);
        java.io.ByteArrayOutputStream lineBytes = new java.io.ByteArrayOutputStream(); // incomplete last line
        byte[] buf = new byte[64 * 1024];
        try (RandomAccessFile raf = new RandomAccessFile(logFile.toFile(), "r")) {
            while (true) {
                boolean exited = !process.isAlive(); // read once more after exit to catch the last lines
                raf.seek(pos);
                int n;
                while ((n = raf.read(buf)) > 0) {
                    pos += n;
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            String line = stripCr(lineBytes.toString(StandardCharsets.UTF_8));
                            lineBytes.reset();
                            if (pattern.matcher(line).find()) {
                                return line;
                            }
                        } else {
                            lineBytes.write(buf[i]);
                        }
                    }
                }
                if (exited) {
                    String last = lineBytes.toString(StandardCharsets.UTF_8);
                    if (!last.isEmpty() && pattern.matcher(last).find()) {
                        return last;
                    }
                    throw new AssertionError("process exited with code " + process.exitValue()
                            + " before a line matching /" + pattern + "/ appeared\n" + this);
                }
                if (System.nanoTime() >= deadline) {
                    throw new AssertionError("no line matching /" + pattern + "/ within " + timeout + "\n" + this);
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for /" + pattern + "/", e);
        }
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** The last {@code n} lines of the log (of all runs appended to that file). */
    public List<String> tail(int n) {
        try (RandomAccessFile raf = new RandomAccessFile(logFile.toFile(), "r")) {
            long len = raf.length();
            long chunk = Math.min(len, Math.max(8192L, n * 512L));
            List<String> lines;
            while (true) {
                byte[] b = new byte[(int) chunk];
                raf.seek(len - chunk);
                raf.readFully(b);
                String text = new String(b, StandardCharsets.UTF_8);
                lines = new ArrayList<>(List.of(text.split("\n", -1)));
                if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                    lines.remove(lines.size() - 1);
                }
                if (lines.size() > n || chunk == len || chunk >= 16L * 1024 * 1024) {
                    break;
                }
                chunk = Math.min(len, chunk * 4);
            }
            if (chunk < len && !lines.isEmpty()) {
                lines.remove(0); // probably cut in the middle
            }
            return List.copyOf(lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return List.of("(" + logFile + " unreadable: " + e + ")");
        }
    }

    /** Kills the process (and its descendants) if it is still running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
        LIVE.remove(this);
    }

    /** The command, pid, state and the last lines of the log: meant for assertion messages. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("process ").append(pid()).append(' ').append(command)
                .append(isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
                .append(", log ").append(logFile).append(", last lines:");
        for (String l : tail(tailLines)) {
            sb.append("\n  | ").append(l);
        }
        return sb.toString();
    }

    /** Options for {@link ProcessRunner}. Not thread-safe; use from one thread, then {@link #start()}. */
    public static final class Builder {
        private final List<String> command;
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean clearEnv;
        private Path directory;
        private Path logFile;
        private int tailLines = 40;

        private Builder(List<String> command) {
            if (command.isEmpty()) {
                throw new IllegalArgumentException("empty command");
            }
            this.command = new ArrayList<>(command);
        }

        /** Adds arguments. */
        public Builder args(String... args) {
            command.addAll(List.of(args));
            return this;
        }

        /** Sets an environment variable on top of this JVM's environment; a null value removes it. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Sets environment variables on top of this JVM's environment; null values remove. */
        public Builder env(Map<String, String> vars) {
            env.putAll(vars);
            return this;
        }

        /** Starts from an empty environment instead of this JVM's. */
        public Builder clearEnvironment() {
            clearEnv = true;
            return this;
        }

        /** The working directory (default: this JVM's). */
        public Builder directory(Path dir) {
            this.directory = dir;
            return this;
        }

        /**
         * The file stdout and stderr are appended to (default: {@code <name>-<timestamp>.log} in the working
         * directory, or the temporary directory).
         */
        public Builder log(Path file) {
            this.logFile = file;
            return this;
        }

        /** How many log lines {@link ProcessRunner#toString()} quotes (default 40). */
        public Builder tailLines(int n) {
            this.tailLines = n;
            return this;
        }

        /** Starts the process. */
        public ProcessRunner start() {
            if (logFile == null) {
                String name = Optional.ofNullable(Path.of(command.get(0)).getFileName()).map(Path::toString)
                        .orElse("process");
                Path base = directory != null ? directory : Path.of(System.getProperty("java.io.tmpdir"));
                logFile = base.resolve(name + "-" + Instant.now().toEpochMilli() + ".log");
            }
            try {
                return new ProcessRunner(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + command, e);
            }
        }
    }
}
