package net.edgegw.testkit;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The files an {@link EmbeddedKafka} broker is launched from, all under its directory: {@code server.properties}
 * (KRaft combined mode on 127.0.0.1, single-node defaults, then the test's overrides), the child's logging
 * configuration, the state file that lets a later start reuse ports and cluster id, and the JVM argument file.
 * Rewritten on every start. Not thread-safe: used by the broker's synchronized launch only.
 */
record BrokerFiles(Path dir, Path dataDir, String host, int port, int controllerPort, String clusterId,
                   Map<String, String> overrides, List<String> jvmOptions) {

    /** Writes server.properties, the child's logback.xml and log4j2.properties, and the state file. */
    void writeConfig() throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("num.replica.fetchers", "1");
        p.put("log.cleaner.threads", "1");
        p.put("group.coordinator.threads", "1");
        p.put("share.coordinator.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        // After a kill the restarted controller refuses the broker's new registration until the old session
        // expires (DuplicateBrokerRegistrationException): a short session makes restart-after-kill fast.
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "2500");
        p.putAll(overrides);
        StringBuilder sb = new StringBuilder("# written by net.edgegw.testkit.EmbeddedKafka on every start\n");
        p.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(dir.resolve("server.properties"), sb.toString(), StandardCharsets.UTF_8);

        String logFile = dir.resolve("server.log").toString().replace("\\", "/");
        Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="F" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <append>true</append>
                    <encoder><pattern>[%%d{HH:mm:ss.SSS}] %%-5level %%msg \\(%%logger{36}\\)%%n</pattern></encoder>
                  </appender>
                  <logger name="org.apache.kafka.common.config.AbstractConfig" level="WARN"/>
                  <logger name="org.apache.kafka.common.utils.AppInfoParser" level="WARN"/>
                  <logger name="kafka.server.KafkaConfig" level="WARN"/>
                  <logger name="state.change.logger" level="WARN"/>
                  <logger name="org.apache.kafka.clients" level="WARN"/>
                  <root level="INFO"><appender-ref ref="F"/></root>
                </configuration>
                """.formatted(logFile), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("log4j2.properties"), """
                status = error
                appender.f.type = File
                appender.f.name = F
                appender.f.fileName = %s
                appender.f.layout.type = PatternLayout
                appender.f.layout.pattern = [%%d{HH:mm:ss.SSS}] %%p %%m (%%c)%%n
                rootLogger.level = WARN
                rootLogger.appenderRef.f.ref = F
                """.formatted(dir.resolve("server-log4j.log").toString().replace("\\", "/")),
                StandardCharsets.UTF_8);

        Properties state = new Properties();
        state.setProperty("port", String.valueOf(port));
        state.setProperty("controller.port", String.valueOf(controllerPort));
        state.setProperty("cluster.id", clusterId);
        try (Writer w = Files.newBufferedWriter(dir.resolve(EmbeddedKafka.STATE_FILE))) {
            state.store(w, "EmbeddedKafka ports and cluster id; reused when a broker starts in this directory again");
        }
    }

    /** Writes the child JVM's argument file (options, log configs, classpath) and returns its path. */
    Path writeArgFile() throws IOException {
        List<String> args = new ArrayList<>(jvmOptions);
        args.add("-Dlogback.configurationFile=" + dir.resolve("logback.xml"));
        args.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"));
        args.add("-Dkafka.logs.dir=" + dir);
        args.add("-cp");
        args.add(String.join(File.pathSeparator, ChildClasspath.entries()));
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            sb.append('"').append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        Path file = dir.resolve("jvm.args");
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        return file;
    }

}
