package net.edgegw.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfigLoader;
import net.edgegw.aggregator.model.TopologyEntry;
import net.edgegw.aggregator.topology.TopologyFile;
import net.edgegw.aggregator.topology.TopologyLoader;
import net.edgegw.core.cli.ConfigReport;
import net.edgegw.core.cli.ExitCodes;
import net.edgegw.core.cli.UsageCommand;
import net.edgegw.core.config.ConfigException;
import net.edgegw.core.kafka.KafkaClientProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cloud-aggregator topology ...}: the network topology reference data. */
@Command(name = "topology", description = "Network topology reference data (compacted topic network.topology).",
        subcommands = TopologyCommand.Load.class)
final class TopologyCommand extends UsageCommand {

    /**
     * {@code topology load FILE [--config FILE | --bootstrap-servers HOST:PORT] [--dry-run] [--prune]}: validates the
     * whole CSV or YAML file (nothing is written if any row is wrong), creates the compacted topic if missing and
     * writes the new and changed sites; {@code --prune} also removes (tombstones) the sites on the topic that are not
     * in the file; {@code --dry-run} prints what would be done.
     */
    @Command(name = "load", description = "Load sites from a CSV or YAML file into the topology topic.")
    static final class Load implements Callable<Integer> {

        private static final Logger LOG = LoggerFactory.getLogger(Load.class);

        @Parameters(index = "0", paramLabel = "FILE", description = "topology file: .csv, .yaml or .yml")
        Path file;
        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Target target;
        @Option(names = "--topic", description = "topic (default: topics.topology of the config, else network.topology)")
        String topic;
        @Option(names = "--dry-run", description = "print what would be written; write nothing")
        boolean dryRun;
        @Option(names = "--prune", description = "remove sites that are on the topic but not in the file")
        boolean prune;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** The distribution's config ({@code <aggregator.home>/config/cloud-aggregator.yaml}), if it exists. */
        static Path defaultConfig() {
            Path p = defaultConfigCandidate();
            return p != null && java.nio.file.Files.isRegularFile(p) ? p : null;
        }

        static Path defaultConfigCandidate() {
            String home = System.getProperty("aggregator.home");
            return home == null ? null : Path.of(home, "config", "cloud-aggregator.yaml");
        }

        static final class Target {
            @Option(names = {"-c", "--config"}, description = "the aggregator config (Kafka settings and topic)")
            Path config;
            @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka, without a config")
            String bootstrapServers;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Map<String, Object> props;
            String t;
            Path config = target == null ? defaultConfig() : target.config;
            if (target == null && config == null) {
                err.println("no --config or --bootstrap-servers given, and no default config at "
                        + defaultConfigCandidate());
                err.flush();
                return ExitCodes.CONFIG;
            }
            if (config != null) {
                AggregatorConfig cfg = ConfigReport.loadOrReport(config, AggregatorConfigLoader::load, err);
                if (cfg == null) {
                    return ExitCodes.CONFIG;
                }
                props = cfg.kafkaClientProperties();
                t = topic != null ? topic : cfg.topics().topology();
            } else {
                props = KafkaClientProperties.base(target.bootstrapServers, Map.of());
                t = topic != null ? topic : AggregatorConfig.Topics.defaults().topology();
            }
            List<TopologyEntry> entries;
            try {
                entries = TopologyFile.read(file);
            } catch (ConfigException e) {
                ConfigReport.report(file, e.errors(), err);
                err.println("nothing loaded");
                err.flush();
                return ExitCodes.CONFIG;
            }
            out.printf("%s: %d site(s), all valid%n", file, entries.size());
            TopologyLoader loader = new TopologyLoader(props, t);
            TopologyLoader.Plan plan;
            try {
                plan = dryRun ? loader.plan(entries, prune) : loader.load(entries, prune);
            } catch (RuntimeException e) {
                LOG.debug("topology load failed", e);
                err.println("topology load failed: " + e.getMessage());
                err.flush();
                return ExitCodes.START;
            }
            if (dryRun) {
                if (plan.createTopic()) {
                    out.printf("would create the compacted topic %s%n", t);
                }
                plan.added().forEach(e -> out.printf("would add    %s%n", describe(e)));
                plan.changed().forEach(e -> out.printf("would change %s%n", describe(e)));
                plan.pruned().forEach(s -> out.printf("would remove %s (not in the file)%n", s));
            } else if (plan.createTopic()) {
                out.printf("created the compacted topic %s%n", t);
            }
            out.printf("%s%s: %d new, %d changed, %d unchanged, %d %s%s%n", dryRun ? "dry run, " : "", t,
                    plan.added().size(), plan.changed().size(), plan.unchanged(), plan.pruned().size(),
                    dryRun ? "to prune" : "pruned", dryRun ? "; nothing written" : " (" + plan.writes()
                            + " record(s) written)");
            out.flush();
            return ExitCodes.OK;
        }

        private static String describe(TopologyEntry e) {
            return e.site() + " (region " + e.region() + ", upstream " + e.upstream() + ", tags " + e.tags() + ")";
        }
    }
}
