package net.edgegw.aggregator.web;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.SiteSnapshot.SiteState;
import net.edgegw.testkit.EmbeddedKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard page in headless Chromium over HTTPS (the generated certificate accepted as insecure): login, the
 * site table fills, a live update arrives while the page is open, map, incident, drill-down and fleet views; PNG
 * screenshots of each go to {@code target/screenshots/}. Chromium and chromedriver come from the OS
 * ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}); the test fails when they are missing.
 */
class DashboardBrowserIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path dir;
    static AggregatorConfig config;
    static DashboardServer server;
    static KafkaStreams streams;
    static WebDriver driver;
    static Instant now = Instant.now();

    @BeforeAll
    static void start() throws IOException {
        assertThat(Files.isExecutable(CHROMIUM)).as(CHROMIUM + " is missing: install Debian's chromium package "
                + "(apt-get install chromium chromium-driver)").isTrue();
        assertThat(Files.isExecutable(CHROMEDRIVER)).as(CHROMEDRIVER + " is missing: install Debian's "
                + "chromium-driver package (apt-get install chromium-driver)").isTrue();
        Files.createDirectories(SHOTS);
        AggregatorConfig.Topics topics = TestSupport.topics(EmbeddedKafka.shared(), "browser");
        config = TestSupport.config(dir.resolve("a"), topics, true, Duration.ofMinutes(15));
        server = DashboardServer.start(config);
        streams = TestSupport.startStreams(config, config.applicationId(), server);
        try (KafkaProducer<String, byte[]> p = TestSupport.producer()) {
            seed(p, topics);
        }

        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,1000", "--lang=en-US", "--hide-scrollbars", "--force-device-scale-factor=1");
        o.setAcceptInsecureCerts(true);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    /** 24 sites in 4 regions; an upstream outage in the north (incident), a degraded and a catching-up site. */
    static void seed(KafkaProducer<String, byte[]> p, AggregatorConfig.Topics topics) {
        List<String> north = List.of("tower-n01", "tower-n02", "tower-n03");
        Alarm incident = Samples.incident("agg-north-1", "north", north, now.minusSeconds(420), Alarm.State.RAISED);
        TestSupport.send(p, topics, incident);
        String[] regions = {"north", "south", "east", "west"};
        for (int r = 0; r < regions.length; r++) {
            for (int i = 1; i <= 6; i++) {
                String region = regions[r];
                String site = (r == 0 ? "tower-n" : r == 1 ? "substation-s" : r == 2 ? "factory-e" : "shop-w")
                        + String.format("%02d", i);
                String upstream = "agg-" + region + "-" + (i <= 3 ? 1 : 2);
                SiteState state = SiteState.UP;
                List<String> ids = new ArrayList<>();
                if (north.contains(site)) {
                    state = SiteState.UNREACHABLE;
                    Alarm a = Samples.siteAlarm(site, "UNREACHABLE", 1, Alarm.State.RAISED, now.minusSeconds(430),
                            now.minusSeconds(400), incident.id());
                    TestSupport.send(p, topics, a);
                    ids.add(a.id());
                    ids.add(incident.id());
                } else if (site.equals("substation-s04")) {
                    state = SiteState.DEGRADED;
                    Alarm a = Samples.siteAlarm(site, "LINK_DOWN", 3, Alarm.State.RAISED, now.minusSeconds(900),
                            now.minusSeconds(60), null);
                    TestSupport.send(p, topics, a);
                    ids.add(a.id());
                } else if (site.equals("factory-e02")) {
                    state = SiteState.CATCHING_UP;
                } else if (site.equals("shop-w06")) {
                    state = SiteState.UNKNOWN;
                }
                SiteSnapshot snapshot = Samples.withAlarms(Samples.site(site, state, now, region, upstream), ids);
                TestSupport.send(p, topics, site.equals("factory-e02") ? withMinuteInProgress(snapshot) : snapshot);
            }
        }
        TestSupport.send(p, topics, Samples.siteAlarm("shop-w02", "TEMPERATURE", 4, Alarm.State.CLEARED,
                now.minusSeconds(1800), now.minusSeconds(300), null));
        p.flush();
    }

    /** The snapshot with one more history bucket: the current minute, counted until {@code updatedAt} only. */
    static SiteSnapshot withMinuteInProgress(SiteSnapshot s) {
        List<SiteSnapshot.MinuteBucket> history = new ArrayList<>(s.history());
        SiteSnapshot.MinuteBucket last = history.get(history.size() - 1);
        history.add(new SiteSnapshot.MinuteBucket(s.updatedAt().truncatedTo(ChronoUnit.MINUTES), last.records() / 4,
                last.errors() / 4, last.backlogRecords()));
        return new SiteSnapshot(s.site(), s.state(), s.stateSince(), s.region(), s.upstream(), s.tags(), s.gateways(),
                s.records(), s.duplicates(), s.ratePerSec(), s.severities(), s.bySource(), s.backlogRecords(),
                s.drainRatePerSec(), s.catchUpEtaSeconds(), s.droppedTotal(), s.activeAlarms(), s.lastRecordAt(),
                s.lastHeartbeatAt(), history, s.updatedAt());
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (streams != null) {
            streams.close(Duration.ofSeconds(10));
        }
        if (server != null) {
            server.close();
        }
    }

    /** A wait that looks an element up again when a live update redrew it between the lookup and the read. */
    private static WebDriverWait waitUp(int seconds) {
        WebDriverWait w = new WebDriverWait(driver, Duration.ofSeconds(seconds));
        w.ignoring(StaleElementReferenceException.class);
        return w;
    }

    private static void shot(String name) throws IOException {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        long height = ((Number) js.executeScript("return Math.max(document.documentElement.scrollHeight, 800);")).longValue();
        driver.manage().window().setSize(new Dimension(1440, (int) Math.min(height + 20, 2600)));
        File f = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        driver.manage().window().setSize(new Dimension(1440, 1000));
    }

    /**
     * The page at an exact viewport (Chrome's device emulation; {@code mobile} for a phone): a screenshot of what the
     * user sees first, after checking that no KPI label is cut off and that the page does not scroll sideways.
     */
    private static void viewport(String name, int width, int height, boolean mobile) throws IOException {
        ChromeDriver chrome = (ChromeDriver) driver;
        chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", mobile));
        try {
            JavascriptExecutor js = (JavascriptExecutor) driver;
            waitUp(10).until(d -> ((Number) js.executeScript("return window.innerWidth;")).intValue() == width);
            assertThat(count("#kpis .kpi-label")).isEqualTo(10);
            assertThat(js.executeScript("return Array.from(document.querySelectorAll('.kpi-label'))"
                    + ".filter(e => e.scrollWidth > e.clientWidth)"
                    + ".map(e => e.textContent + ' needs ' + e.scrollWidth + ' px, has ' + e.clientWidth);"))
                    .as("KPI labels cut off at " + width + "x" + height).asList().isEmpty();
            assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth;")).intValue())
                    .as("page width at " + width + " px").isLessThanOrEqualTo(width);
            if (name != null) {
                js.executeScript("window.scrollTo(0, 0);");
                File f = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
                Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            chrome.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /** Clicks an element, looking it up again if a live update redrew it meanwhile. */
    private static void click(String css) {
        waitUp(10).ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    private static int count(String css) {
        return driver.findElements(By.cssSelector(css)).size();
    }

    @Test
    void operatorWorkflow() throws IOException {
        // 1. unauthenticated: the login page
        driver.get(server.url().toString());
        waitUp(20).until(ExpectedConditions.urlContains("/login"));
        waitUp(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        shot("01-login");

        // a wrong password shows an error and no session
        driver.findElement(By.id("username")).sendKeys(TestSupport.USER);
        driver.findElement(By.id("password")).sendKeys("not-the-password");
        driver.findElement(By.id("login-submit")).click();
        waitUp(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertThat(driver.findElement(By.id("login-error")).getText()).contains("Invalid username or password");

        // 2. login: the site table fills from the cluster stores
        driver.findElement(By.id("password")).clear();
        driver.findElement(By.id("password")).sendKeys(TestSupport.PASSWORD);
        driver.findElement(By.id("login-submit")).click();
        waitUp(90).until(d -> count("#sites-table tbody tr[data-site]") == 24);
        waitUp(10).until(d -> d.findElement(By.id("live")).getText().equals("Live"));
        assertThat(driver.findElement(By.cssSelector("#kpi-UNREACHABLE .kpi-value")).getText()).isEqualTo("3");
        assertThat(driver.findElement(By.id("nav-incidents")).getText()).isEqualTo("1");
        shot("02-sites");
        // the first screen at common sizes: laptop, full HD, phone; labels checked at the widths in between too
        viewport("02a-sites-1366x768", 1366, 768, false);
        viewport("02b-sites-1920x1080", 1920, 1080, false);
        viewport("02c-sites-phone-390x844", 390, 844, true);
        viewport("02d-sites-1024x768", 1024, 768, false);
        for (int width : new int[]{1280, 1400, 768}) {
            viewport(null, width, 900, false);
        }

        // 3. live update: a site goes down while the page is open
        String site = "shop-w03";
        assertThat(driver.findElement(By.cssSelector("tr[data-site='" + site + "'] .badge")).getAttribute("data-state"))
                .isEqualTo("UP");
        try (KafkaProducer<String, byte[]> p = TestSupport.producer()) {
            SiteSnapshot down = Samples.site(site, SiteState.UNREACHABLE, Instant.now(), "west", "agg-west-1");
            TestSupport.send(p, config.topics(), down);
            p.flush();
        }
        waitUp(30).until(d -> "UNREACHABLE".equals(d.findElement(By.cssSelector("tr[data-site='" + site + "'] .badge"))
                .getAttribute("data-state")));
        waitUp(10).until(d -> d.findElement(By.cssSelector("#kpi-UNREACHABLE .kpi-value")).getText().equals("4"));

        // the state filter
        click("#state-filter button[data-state='UNREACHABLE']");
        waitUp(10).until(d -> count("#sites-table tbody tr[data-site]") == 4);
        click("#state-filter button[data-state='']");
        waitUp(10).until(d -> count("#sites-table tbody tr[data-site]") == 24);

        // 4. map: tiles grouped by region
        click("#nav a[data-view='map']");
        waitUp(10).until(d -> count("#map .tile") == 24);
        assertThat(count("#map .region")).isEqualTo(4);
        assertThat(count("#map .region[data-region='north'] .tile.s-UNREACHABLE")).isEqualTo(3);
        shot("03-map");

        // 5. incidents: suspected root cause and affected sites
        click("#nav a[data-view='incidents']");
        waitUp(20).until(d -> count(".incident") == 1);
        assertThat(driver.findElement(By.cssSelector(".incident .rootcause-node")).getText()).isEqualTo("agg-north-1");
        assertThat(count(".incident .affected a")).isEqualTo(3);
        shot("04-incident");

        // 6. drill-down from an affected site
        click(".incident .affected a[data-site='tower-n02']");
        waitUp(20).until(d -> count("#site-detail[data-site='tower-n02']") == 1);
        waitUp(10).until(d -> count("canvas") == 4);
        assertThat(driver.findElement(By.cssSelector("#site-detail .badge")).getAttribute("data-state"))
                .isEqualTo("UNREACHABLE");
        assertThat(count("#site-alarms tbody tr")).isEqualTo(2);
        assertThat(driver.findElement(By.id("chart-rate-note")).isDisplayed()).as("no minute in progress").isFalse();
        shot("05-drilldown");

        // a catching-up site, for its backlog chart
        driver.get(server.url() + "#/site/factory-e02");
        waitUp(20).until(d -> count("#site-detail[data-site='factory-e02']") == 1);
        waitUp(10).until(d -> count("canvas") == 4);
        // its newest minute is still being counted: drawn dashed, and the note says so
        assertThat(driver.findElement(By.id("chart-rate-note")).isDisplayed()).isTrue();
        shot("05b-drilldown-catching-up");
        viewport("05c-drilldown-phone-390x844", 390, 844, true);

        // 7. fleet
        click("#nav a[data-view='fleet']");
        waitUp(20).until(d -> count("#fleet-table tbody tr[data-gateway]") >= 24);
        shot("06-fleet");

        // 8. alarms
        click("#nav a[data-view='alarms']");
        waitUp(20).until(d -> count("#alarms-table tbody tr") == 5);
        shot("07-alarms");

        // the page works under the strict CSP: no violation, no script error
        List<String> problems = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            String m = e.getMessage();
            if (m.contains("Content Security Policy") || e.getLevel().intValue() >= Level.SEVERE.intValue()
                    && !m.contains("/login") && !m.contains("401")) {
                problems.add(m);
            }
        }
        assertThat(problems).isEmpty();

        // 9. logout
        driver.findElement(By.id("logout")).click();
        waitUp(10).until(ExpectedConditions.urlContains("/login"));
        driver.get(server.url().toString());
        waitUp(10).until(ExpectedConditions.urlContains("/login"));
        assertThat(Map.of("cookies", driver.manage().getCookies().size())).containsEntry("cookies", 0);
    }
}
