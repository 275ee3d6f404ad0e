package net.edgegw.gateway.notify;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.gateway.GatewayApp;
import net.edgegw.gateway.config.ConfigLoader;
import net.edgegw.testkit.FreePorts;
import net.edgegw.uplink.Forwarder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sd_notify protocol of a running gateway, read from a real Unix datagram socket bound by the test (as systemd's
 * is): READY=1 once the inputs accept connections, STATUS= lines, WATCHDOG=1 pings that stop while the forwarder is
 * wedged (and resume after), STOPPING=1 on close; nothing at all without NOTIFY_SOCKET; a bad socket is not fatal.
 */
class SystemdNotifierTest {

    @TempDir
    Path dir;

    @Test
    void readyAfterInputsAcceptThenStatusAndWatchdogWhichStopsWhileTheForwarderIsWedged() throws Exception {
        int syslogPort = FreePorts.tcp();
        int noBroker = FreePorts.tcp(); // nothing listens: the uplink retries, its loop keeps stepping
        Path data = Files.createDirectories(dir.resolve("data"));
        Path config = dir.resolve("edge-gateway.yaml");
        Files.writeString(config, """
                site: site-notify
                gateway: gw-notify
                dataDir: %s
                buffer: {maxBytes: 64MiB}
                uplink: {bootstrapServers: "127.0.0.1:%d", delivery: at-least-once}
                inputs:
                  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:%d"}
                """.formatted(data, noBroker, syslogPort));
        Path wedge = dir.resolve("wedge-forwarder");
        NotifySettings settings = new NotifySettings(dir.resolve("notify.sock").toString(), Duration.ofMillis(300),
                Duration.ofMillis(400), Duration.ofSeconds(3));

        try (NotifyReceiver systemd = new NotifyReceiver(settings.socket())) {
            AtomicReference<String> acceptedAtReady = new AtomicReference<>();
            systemd.onMessage(m -> {
                if (m.lines().anyMatch("READY=1"::equals)) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", syslogPort), 2_000);
                        acceptedAtReady.set("accepted");
                    } catch (Exception e) {
                        acceptedAtReady.set("refused: " + e);
                    }
                }
            });
            GatewayApp app;
            System.setProperty(Forwarder.WEDGE_HOOK_PROPERTY, wedge.toString());
            try {
                app = GatewayApp.start(config, ConfigLoader.load(config), Clock.systemUTC(), new MetricRegistry(),
                        Optional.of(settings));
            } finally {
                System.clearProperty(Forwarder.WEDGE_HOOK_PROPERTY);
            }
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> acceptedAtReady.get() != null);
                assertThat(acceptedAtReady.get()).isEqualTo("accepted");
                String ready = systemd.withLine("READY=1").get(0);
                assertThat(ready).contains("MAINPID=" + ProcessHandle.current().pid());
                assertThat(systemd.messages().get(0)).isEqualTo(ready); // nothing before READY

                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(systemd.withLine("WATCHDOG=1")).hasSizeGreaterThanOrEqualTo(3);
                    assertThat(statusLines(systemd)).hasSizeGreaterThanOrEqualTo(3);
                });
                assertThat(statusLines(systemd)).allMatch(
                        s -> s.matches("1 input, backlog \\d[\\d,]* records?, uplink (CONNECTING|UP|DOWN)"), "status");

                // wedge the forwarder's loop: the pings stop once it has not stepped for 3 s, the status goes on
                Files.createFile(wedge);
                await().atMost(Duration.ofSeconds(20)).until(() -> statusLines(systemd).stream()
                        .anyMatch(s -> s.contains("not healthy: uplink forwarder stuck")));
                int unhealthyAt = indexOf(systemd.messages(), "not healthy: uplink forwarder stuck");
                await().atMost(Duration.ofSeconds(20)).until(
                        () -> statusLines(systemd.messages().subList(unhealthyAt + 1, systemd.messages().size()))
                                .size() >= 4);
                List<String> whileWedged = systemd.messages().subList(unhealthyAt, systemd.messages().size());
                assertThat(whileWedged).noneMatch(m -> m.lines().anyMatch("WATCHDOG=1"::equals));

                // unwedged: the pings resume
                Files.delete(wedge);
                int before = systemd.messages().size();
                await().atMost(Duration.ofSeconds(20)).until(() -> systemd.messages().subList(before,
                        systemd.messages().size()).stream().anyMatch("WATCHDOG=1"::equals));
            } finally {
                Files.deleteIfExists(wedge);
                app.close();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !systemd.withLine("STOPPING=1").isEmpty());
            List<String> all = systemd.messages();
            int stopping = all.indexOf(systemd.withLine("STOPPING=1").get(0));
            assertThat(all.subList(stopping + 1, all.size())).noneMatch(m -> m.equals("WATCHDOG=1"));
            assertThat(all).noneMatch(m -> m.startsWith("RECEIVER-ERROR"));
        }
    }

    @Test
    void withoutNotifySocketNothingIsCreatedOrSent() {
        assertThat(NotifySettings.fromEnvironment(Map.of("WATCHDOG_USEC", "1000000"), 42, null)).isEmpty();
        assertThat(NotifySettings.fromEnvironment(Map.of("NOTIFY_SOCKET", ""), 42, null)).isEmpty();
        SystemdNotifier off = SystemdNotifier.ready(null, Optional.empty());
        off.stopping();
        off.close();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("systemd-notify") && t.isAlive());
    }

    @Test
    void aBadNotifySocketIsLoggedOnceAndNotFatal() {
        ListAppender<ILoggingEvent> log = capture(NotifySocket.class);
        try (NotifySocket s = new NotifySocket(dir.resolve("no-such-dir/notify.sock").toString())) {
            assertThat(s.send("READY=1")).isFalse();
            assertThat(s.send("STATUS=x")).isFalse();
            assertThat(s.send("WATCHDOG=1")).isFalse();
        }
        assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1)
                .allMatch(e -> e.getFormattedMessage().contains("no-such-dir/notify.sock"));

        // not a path systemd would give: refused at once, the gateway runs on
        ListAppender<ILoggingEvent> notifierLog = capture(SystemdNotifier.class);
        SystemdNotifier n = SystemdNotifier.ready(null, Optional.of(
                new NotifySettings("relative/notify.sock", null, Duration.ofSeconds(5), Duration.ofSeconds(120))));
        n.close();
        assertThat(notifierLog.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1);
    }

    @Test
    void abstractNamespaceSocketsWork() throws Exception {
        String name = "@edgegw-notify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifyReceiver systemd = new NotifyReceiver(name); NotifySocket s = new NotifySocket(name)) {
            assertThat(s.send("STATUS=hello")).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> systemd.messages().contains("STATUS=hello"));
        }
        byte[] abstractName = NotifySocket.address("@ab");
        assertThat(abstractName).hasSize(2 + 3); // family, then a NUL instead of '@', no terminator
        assertThat(abstractName[2]).isZero();
        assertThat(abstractName[3]).isEqualTo((byte) 'a');
        assertThat(NotifySocket.address("/ab")).hasSize(2 + 3 + 1);
    }

    @Test
    void watchdogSettingsFollowSystemd() {
        Map<String, String> env = Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "20000000");
        NotifySettings s = NotifySettings.fromEnvironment(env, 42, null).orElseThrow();
        assertThat(s.watchdogPing()).isEqualTo(Duration.ofSeconds(10)); // half of WatchdogSec
        assertThat(s.uplinkStallAfter()).isEqualTo(NotifySettings.UPLINK_STALL_AFTER);
        assertThat(NotifySettings.fromEnvironment(
                Map.of("NOTIFY_SOCKET", "/n", "WATCHDOG_USEC", "20000000", "WATCHDOG_PID", "42"), 42, "PT5S")
                .orElseThrow()).extracting(NotifySettings::watchdogPing, NotifySettings::uplinkStallAfter)
                .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(5));
        assertThat(NotifySettings.fromEnvironment(
                Map.of("NOTIFY_SOCKET", "/n", "WATCHDOG_USEC", "20000000", "WATCHDOG_PID", "7"), 42, null)
                .orElseThrow().watchdogPing()).isNull(); // the watchdog is another process's
        assertThat(NotifySettings.fromEnvironment(Map.of("NOTIFY_SOCKET", "/n", "WATCHDOG_USEC", "soon"), 42, "x")
                .orElseThrow()).extracting(NotifySettings::watchdogPing, NotifySettings::uplinkStallAfter)
                .containsExactly(null, NotifySettings.UPLINK_STALL_AFTER);
    }

    private static List<String> statusLines(NotifyReceiver r) {
        return statusLines(r.messages());
    }

    private static List<String> statusLines(List<String> messages) {
        return messages.stream().flatMap(String::lines).filter(l -> l.startsWith("STATUS="))
                .map(l -> l.substring("STATUS=".length())).toList();
    }

    private static int indexOf(List<String> messages, String part) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    private static ListAppender<ILoggingEvent> capture(Class<?> c) {
        Logger l = (Logger) LoggerFactory.getLogger(c);
        ListAppender<ILoggingEvent> a = new ListAppender<>();
        a.start();
        l.addAppender(a);
        return a;
    }
}
