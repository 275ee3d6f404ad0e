package net.edgegw.gateway.config;

import net.edgegw.adapters.InputRegistry;
import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;
import net.edgegw.gateway.events.EventLog;
import net.edgegw.gateway.events.EventLog.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The config file of a running gateway and every change to it: validate, apply (from the web API, a SIGHUP or a
 * rollback: one code path), history. An apply validates the whole text, refuses a change that needs a restart, writes
 * the file atomically, applies live only what changed ({@link ConfigTarget#apply}), records the version in
 * {@link ConfigHistory} and the event in {@link EventLog}; if the live apply fails the file is put back. Secrets are
 * masked in everything this class hands out ({@link SecretMask}). One apply at a time (synchronized).
 */
public final class LiveConfig {

    private static final Logger LOG = LoggerFactory.getLogger(LiveConfig.class);

    /** The outcome of a validate or an apply. */
    public sealed interface Outcome {
    }

    /** The text does not validate: nothing changed. */
    public record Invalid(List<ConfigError> errors) implements Outcome {
    }

    /** Valid, but changes something only a restart can change: nothing changed. */
    public record NeedsRestart(List<String> reasons, List<String> changes) implements Outcome {
    }

    /** Valid and applicable (validate), with what an apply would change. */
    public record Valid(String summary, List<String> changes) implements Outcome {
    }

    /** Applied (or, with no change at all, {@code applied} false). */
    public record Applied(boolean applied, int version, String hash, List<String> changes) implements Outcome {
    }

    /** A step of the live apply failed; the previous config runs and the file is as before. */
    public record Failed(String detail) implements Outcome {
    }

    private final Path file;
    private final ConfigTarget target;
    private final InputRegistry inputKinds;
    private final ConfigHistory history;
    private final EventLog events;
    private final Clock clock;
    private String text;
    private int version;
    private volatile ConfigHistory.Version current;

    private LiveConfig(Path file, String text, ConfigTarget target, InputRegistry inputKinds, EventLog events,
                       Clock clock) {
        this.file = file;
        this.text = text;
        this.target = target;
        this.inputKinds = inputKinds;
        this.history = new ConfigHistory(target.running().dataDir());
        this.events = events;
        this.clock = clock;
    }

    /**
     * The live config of {@code target}, started from {@code file} (whose text is the running config): recorded as
     * a new version ({@code startup}) unless the newest version already has that text.
     */
    public static LiveConfig open(Path file, ConfigTarget target, InputRegistry inputKinds, EventLog events,
                                  Clock clock) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        LiveConfig lc = new LiveConfig(file, text, target, inputKinds, events, clock);
        String hash = target.running().hash();
        Optional<ConfigHistory.Version> latest = lc.history.latest();
        if (latest.isPresent() && latest.get().hash().equals(hash)) {
            lc.current = latest.get();
        } else {
            lc.current = lc.history.record(text, hash, clock.instant(), "startup", null,
                    List.of(latest.isEmpty() ? "first start" : "started with a config edited outside the web UI"));
        }
        lc.version = lc.current.version();
        return lc;
    }

    /** The config file. */
    public Path file() {
        return file;
    }

    /** The running version's number. */
    public synchronized int version() {
        return version;
    }

    /** The running config's text with its secrets masked. */
    public synchronized String maskedText() {
        return SecretMask.mask(text);
    }

    /** The paths of the running config's secrets (shown masked). */
    public synchronized List<String> maskedPaths() {
        return SecretMask.paths(text);
    }

    /** Every recorded version, newest first. */
    public List<ConfigHistory.Version> history() {
        return history.versions();
    }

    /** The text of a version, masked. */
    public Optional<String> maskedVersion(int v) {
        return history.text(v).map(SecretMask::mask);
    }

    /** The version's metadata. */
    public Optional<ConfigHistory.Version> versionInfo(int v) {
        ConfigHistory.Version now = current;
        if (now != null && now.version() == v) {
            return Optional.of(now);
        }
        return history.versions().stream().filter(x -> x.version() == v).findFirst();
    }

    /** Validates {@code edited} (masked secrets allowed) against the running config; changes nothing. */
    public synchronized Outcome validate(String edited) {
        Parsed p = parse(edited);
        if (p.invalid() != null) {
            return p.invalid();
        }
        if (!p.diff().restartRequired().isEmpty()) {
            return new NeedsRestart(p.diff().restartRequired(), p.diff().changes());
        }
        GatewayConfig c = p.config();
        return new Valid(String.format("site %s, gateway %s, %d input(s), lanes %s, uplink %s", c.site(),
                c.gateway(), c.inputs().size(), c.lanes().stream().map(GatewayConfig.LaneConfig::name).toList(),
                c.uplink().bootstrapServers()), p.diff().changes());
    }

    /** Validates and applies {@code edited} from the web UI/API (masked secrets keep their values). */
    public synchronized Outcome apply(String edited, String user) {
        return apply(edited, "web", user, true);
    }

    /** Rolls back to version {@code v} (null: the one before the running version) as a new version. */
    public synchronized Outcome rollback(Integer v, String user) {
        int to = v != null ? v : history.versions().stream().mapToInt(ConfigHistory.Version::version)
                .filter(x -> x < version).max().orElse(-1);
        Optional<String> old = to < 0 ? Optional.empty() : history.text(to);
        if (old.isEmpty()) {
            return new Invalid(List.of(new ConfigError("version", 0, v == null ? "there is no previous version"
                    : "version " + v + " is not in the history")));
        }
        return apply(old.get(), "rollback", user, true, "rolled back to version " + to);
    }

    /** SIGHUP: applies the file as it is now on disk, through the same path (the file is not rewritten). */
    public synchronized Outcome reload() {
        String onDisk;
        try {
            onDisk = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            events.add("config.rejected", Level.ERROR, "SIGHUP: cannot read " + file + ": " + e.getMessage());
            return new Failed("cannot read " + file + ": " + e.getMessage());
        }
        return apply(onDisk, "sighup", null, false);
    }

    private Outcome apply(String edited, String source, String user, boolean writeFile) {
        return apply(edited, source, user, writeFile, null);
    }

    private Outcome apply(String edited, String source, String user, boolean writeFile, String note) {
        String who = source + (user != null ? " by " + user : "");
        Parsed p = parse(edited);
        if (p.invalid() != null) {
            events.add("config.rejected", Level.WARN, "config from " + who + " refused: "
                    + p.invalid().errors().size() + " error(s), first: " + p.invalid().errors().get(0));
            LOG.warn("config from {} refused: {}", who, p.invalid().errors());
            return p.invalid();
        }
        if (!p.diff().restartRequired().isEmpty()) {
            events.add("config.rejected", Level.WARN, "config from " + who + " needs a restart: "
                    + String.join("; ", p.diff().restartRequired()));
            LOG.warn("config from {} not applied, it needs a restart: {}", who, p.diff().restartRequired());
            return new NeedsRestart(p.diff().restartRequired(), p.diff().changes());
        }
        if (p.text().equals(text)) {
            return new Applied(false, version, target.running().hash(), List.of());
        }
        String previous = text;
        try {
            if (writeFile) {
                ConfigHistory.writeAtomically(file, p.text());
            }
        } catch (IOException e) {
            events.add("config.rejected", Level.ERROR, "config from " + who + " not applied: cannot write " + file
                    + ": " + e.getMessage());
            return new Failed("cannot write " + file + ": " + e.getMessage() + "; nothing was changed");
        }
        try {
            target.apply(p.config(), p.diff()); // also with no live change: the heartbeat takes the new hash
        } catch (ConfigTarget.ApplyFailed | RuntimeException e) {
            if (writeFile) {
                try {
                    ConfigHistory.writeAtomically(file, previous);
                } catch (IOException io) {
                    LOG.error("could not put back {} after a failed apply: {}", file, io.toString());
                }
            }
            List<String> notUndone = e instanceof ConfigTarget.ApplyFailed f ? f.notUndone() : List.of();
            String outcome = notUndone.isEmpty() ? "nothing was changed"
                    : "the previous config could not be fully restored: " + String.join("; ", notUndone);
            events.add("config.rejected", Level.ERROR, "config from " + who + " not applied: " + e.getMessage()
                    + "; " + outcome);
            LOG.error("config from {} not applied: {}; {}", who, e.getMessage(), outcome);
            return new Failed(e.getMessage() + "; " + outcome);
        }
        List<String> changes = p.diff().isEmpty() ? List.of("comments or layout only") : p.diff().changes();
        if (note != null) {
            changes = java.util.stream.Stream.concat(java.util.stream.Stream.of(note), changes.stream()).toList();
        }
        text = p.text();
        try {
            current = history.record(text, p.config().hash(), clock.instant(), source, user, changes);
            version = current.version();
        } catch (IOException e) {
            version++;
            current = new ConfigHistory.Version(version, p.config().hash(), clock.instant().toString(), source, user,
                    changes);
            LOG.warn("config version {} applied but not recorded in the history: {}", version, e.toString());
        }
        events.add(source.equals("rollback") ? "config.rollback" : "config.applied", Level.INFO,
                "config version " + version + " applied (" + who + "): " + String.join("; ", changes));
        inputEvents(p.config(), p.diff());
        LOG.info("config version {} applied ({}): {}", version, who, changes);
        return new Applied(true, version, p.config().hash(), changes);
    }

    private void inputEvents(GatewayConfig next, ConfigDiff diff) {
        for (net.edgegw.core.InputConfig in : next.inputs()) {
            if (diff.inputsAdded().contains(in.name())) {
                events.add("input.started", Level.INFO, "input " + in.name() + " started (" + in.describe() + ")");
            } else if (diff.inputsChanged().contains(in.name())) {
                events.add("input.started", Level.INFO, "input " + in.name() + " restarted with its new settings ("
                        + in.describe() + ")");
            }
        }
        for (String name : diff.inputsRemoved()) {
            events.add("input.stopped", Level.INFO, "input " + name + " stopped (removed from the config; what it "
                    + "accepted stays in the buffer)");
        }
    }

    private record Parsed(String text, GatewayConfig config, ConfigDiff diff, Invalid invalid) {
    }

    private Parsed parse(String edited) {
        String full;
        try {
            full = SecretMask.unmask(edited, text);
        } catch (ConfigException masked) {
            // also every other mistake of the text (read with the masks as values), in line order
            List<ConfigError> all = new java.util.ArrayList<>(masked.errors());
            try {
                ConfigLoader.parse(edited, file.toAbsolutePath().getParent(), inputKinds);
            } catch (ConfigException other) {
                all.addAll(other.errors());
            }
            all.sort(java.util.Comparator.comparingInt(ConfigError::line));
            return new Parsed(null, null, null, new Invalid(List.copyOf(all)));
        }
        try {
            GatewayConfig next = ConfigLoader.parse(full, file.toAbsolutePath().getParent(), inputKinds);
            return new Parsed(full, next, ConfigDiff.of(target.running(), next), null);
        } catch (ConfigException e) {
            return new Parsed(null, null, null, new Invalid(e.errors()));
        }
    }
}
