package net.edgegw.demo;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.testkit.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's smoke test: runs the demo as {@code demo.sh} does (a child JVM on {@code target/demo/lib}, the packaged
 * gateway and cloud-aggregator) with a short run and a linger, and checks what a new user relies on: it ends with
 * every record in Kafka once (0 missing, 0 duplicates), its progress lines never show more in Kafka than sent, and
 * while it lingers the dashboard's API (logged in with the URL, user and password the demo prints) shows the open
 * incident the demo announces (asked with the demo's own {@link DashboardClient}: login as the browser does, then
 * {@code GET /api/incidents}). Needs the packaged programs: run with {@code -pl demo,packaging,cloud-aggregator -am}.
 */
class DemoIT {

    static final Path LIB = Path.of(System.getProperty("demo.lib", "target/demo/lib"));
    static final Path GATEWAY = Path.of(System.getProperty("edge.dist", "../packaging/target/edge-gateway"));
    static final Path AGGREGATOR = Path.of(System.getProperty("aggregator.dist",
            "../cloud-aggregator/target/cloud-aggregator"));
    static final Pattern PROGRESS = Pattern.compile("(\\w+): sent ([\\d,]+), in Kafka ([\\d,]+) \\(([\\d,]+) on the way\\)");

    @TempDir
    Path dir;

    @Test
    void deliversEverythingOnceAndShowsAnOpenIncidentWhileLingering() throws Exception {
        assertThat(GATEWAY.resolve("bin/edge-gateway")).as("build the gateway distribution first").isExecutable();
        assertThat(AGGREGATOR.resolve("bin/cloud-aggregator")).as("build the aggregator distribution first")
                .isExecutable();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (ProcessRunner demo = ProcessRunner.builder(java, "-cp", LIB.toAbsolutePath() + "/*",
                        "net.edgegw.demo.Demo", "--dist", GATEWAY.toString(), "--aggregator-dist", AGGREGATOR.toString(),
                        "--seconds", "30", "--linger", "240")
                .log(dir.resolve("demo.log")).start()) {
            Matcher work = matcher(demo.waitForLine(Pattern.compile("working directory (\\S+)"), Duration.ofSeconds(30)),
                    "working directory (\\S+)");
            Matcher login = matcher(demo.waitForLine(Pattern.compile("DASHBOARD: "), Duration.ofMinutes(3)),
                    "DASHBOARD: (\\S+)  user: (\\S+)  password: (\\S+)");

            Matcher gatewayUi = matcher(demo.waitForLine(Pattern.compile("GATEWAY UI: "), Duration.ofMinutes(3)),
                    "GATEWAY UI: (\\S+)  user: (\\S+)  password: (\\S+)");
            DashboardClient gatewayApi = new DashboardClient(URI.create(gatewayUi.group(1)),
                    Path.of(work.group(1), "gateway-data/web-tls/cert.pem"), gatewayUi.group(2), gatewayUi.group(3));
            JsonNode status = gatewayApi.json("/api/status");
            assertThat(status.path("site").asText()).isEqualTo("site-demo");
            assertThat(status.path("inputs").findValuesAsText("name")).containsExactly("syslog-tcp", "syslog-udp",
                    "sensors", "meters");

            String done = demo.waitForLine(Pattern.compile("DONE: sent"), Duration.ofMinutes(4));
            assertThat(done).matches(".*DONE: sent [1-9][\\d,]*, in Kafka [\\d,]+ distinct, 0 duplicates, 0 missing");
            List<String> log = Files.readAllLines(demo.logFile());
            assertThat(log).filteredOn(l -> l.startsWith("[demo] DONE ")).hasSize(3)
                    .allSatisfy(l -> assertThat(l).endsWith("(0 missing)"));
            List<String> progress = log.stream().filter(l -> l.contains(" on the way)")).toList();
            assertThat(progress).isNotEmpty();
            for (String line : progress) {
                Matcher m = PROGRESS.matcher(line);
                int sources = 0;
                while (m.find()) {
                    sources++;
                    long sent = number(m.group(2));
                    long inKafka = number(m.group(3));
                    assertThat(inKafka).as(line).isLessThanOrEqualTo(sent);
                    assertThat(number(m.group(4))).as(line).isEqualTo(sent - inKafka);
                }
                assertThat(sources).as(line).isEqualTo(3);
            }

            demo.waitForLine(Pattern.compile("LINGER: everything keeps running"), Duration.ofMinutes(2));
            DashboardClient dashboard = new DashboardClient(URI.create(login.group(1)),
                    Path.of(work.group(1), "aggregator/state/dashboard-tls/cert.pem"), login.group(2), login.group(3));
            String announced = demo.waitForLine(Pattern.compile("INCIDENT OPEN NOW"), Duration.ofMinutes(3));
            assertThat(announced).contains(login.group(1) + "#/incidents", "upstream agg-north-1, 5 sites");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(dashboard.openIncidents()).as("open incidents on /api/incidents")
                        .anySatisfy(i -> {
                            assertThat(i.upstream()).isEqualTo("agg-north-1");
                            assertThat(i.sites()).containsExactlyInAnyOrder("north-01", "north-02", "north-03",
                                    "north-04", "north-05");
                        });
            });
        }
    }

    private static Matcher matcher(String line, String regex) {
        Matcher m = Pattern.compile(regex).matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return m;
    }

    private static long number(String s) {
        return Long.parseLong(s.replace(",", ""));
    }
}
