package net.edgegw.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry point of the child JVM that {@link EmbeddedKafka} starts: formats the storage directory if it has not
 * been formatted yet, then runs {@code kafka.Kafka}. Doing both in one JVM saves a JVM start per broker.
 *
 * <p>It also watches its parent process: when the test JVM is gone (even after a SIGKILL of the test JVM, when
 * no shutdown hook runs) the broker halts within half a second instead of lingering as an orphan.
 *
 * <p>Arguments: {@code <server.properties> <cluster id> <log dir>}.
 */
final class KafkaBrokerMain {
    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: KafkaBrokerMain <server.properties> <cluster id> <log dir>");
            System.exit(2);
        }
        Thread orphanWatch = new Thread(KafkaBrokerMain::haltWhenParentGone, "parent-watch");
        orphanWatch.setDaemon(true);
        orphanWatch.start();

        Path props = Path.of(args[0]);
        Path logDir = Path.of(args[2]);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            long t0 = System.nanoTime();
            int rc = kafka.tools.StorageTool.execute(
                    new String[] {"format", "--cluster-id=" + args[1], "--config=" + props, "--ignore-formatted"}, System.out);
            System.out.printf("testkit: storage format rc=%d in %d ms%n", rc, (System.nanoTime() - t0) / 1_000_000);
            if (rc != 0) {
                System.exit(rc);
            }
        }
        kafka.Kafka.main(new String[] {props.toString()});
    }

    private static void haltWhenParentGone() {
        // Polls the parent rather than waiting for EOF on stdin: Process.destroy() in the parent closes the
        // pipes right after sending SIGTERM, and the broker must then shut down gracefully, not halt.
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (parent == null) {
            return;
        }
        while (parent.isAlive()) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
        System.err.println("testkit: parent JVM " + parent.pid() + " gone, halting broker");
        Runtime.getRuntime().halt(3);
    }
}
