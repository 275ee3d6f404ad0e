package net.edgegw.gateway.web;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.security.PasswordHash;
import net.edgegw.gateway.GatewayApp;
import net.edgegw.gateway.config.ConfigLoader;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.FreePorts;
import net.edgegw.testkit.SyslogSender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's web UI in headless Chromium against a running gateway (embedded Kafka uplink, syslog over TCP sent
 * while the pages are open), as a field technician uses it: sign in, watch the records/s move on the status page,
 * break the configuration in the editor and see the line-numbered error, fix it (a new TCP input) and apply it, see
 * the new input listening, tail records with a filter, read the events, sign out. Every page is saved as PNG at
 * 1366x768 and 390x844 under {@code target/screenshots/gateway/}, after checking that it does not scroll sideways.
 * Chromium and chromedriver come from the OS ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}).
 */
class GatewayBrowserIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "screenshots", "gateway");
    static final String PASSWORD = "field-tech-2026";

    @TempDir
    static Path dir;
    static GatewayApp app;
    static String base;
    static int syslogPort;
    static WebDriver driver;
    static Thread traffic;
    static final AtomicBoolean sending = new AtomicBoolean(true);

    @BeforeAll
    static void start() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM)).as(CHROMIUM + " is missing: apt-get install chromium").isTrue();
        assertThat(Files.isExecutable(CHROMEDRIVER)).as(CHROMEDRIVER + " is missing: apt-get install chromium-driver")
                .isTrue();
        Files.createDirectories(SHOTS);
        syslogPort = FreePorts.tcp();
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        // the password as `edge-gateway set-password` stores it
        Files.writeString(data.resolve("web-password"), PasswordHash.hash(PASSWORD.toCharArray(), new SecureRandom()));
        Path config = dir.resolve("edge-gateway.yaml");
        // inputs last: the test adds one by typing at the end of the file
        Files.writeString(config, """
                # edge-gateway configuration (browser test)
                site: site-web
                gateway: gw-browser
                dataDir: %s
                buffer: {maxBytes: 64MiB}
                uplink: {bootstrapServers: "%s"}
                heartbeat: {interval: 1s}
                web: {bind: "127.0.0.1:0"}
                inputs:
                  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:%d"}
                """.formatted(data, EmbeddedKafka.shared().bootstrapServers(), syslogPort));
        app = GatewayApp.start(config, ConfigLoader.load(config), Clock.systemUTC(), new MetricRegistry());
        base = app.web().orElseThrow().url().toString().replaceAll("/$", "");

        // a steady syslog stream from one device while the pages are open
        traffic = new Thread(() -> {
            SyslogSender s = SyslogSender.to("127.0.0.1", syslogPort).hostname("edge-device-1").appName("probe")
                    .messageSize(160).build();
            int seq = 0;
            while (sending.get()) {
                try (SyslogSender.Connection c = s.connect()) {
                    while (sending.get()) {
                        c.sendSeq(seq++);
                        c.flush();
                        Thread.sleep(25);
                    }
                } catch (IOException e) {
                    sleepQuietly();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "browser-it-syslog");
        traffic.setDaemon(true);
        traffic.start();

        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,900", "--lang=en-US", "--hide-scrollbars", "--force-device-scale-factor=1");
        o.setAcceptInsecureCerts(true);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        sending.set(false);
        if (traffic != null) {
            traffic.join(5000);
        }
        if (driver != null) {
            driver.quit();
        }
        if (app != null) {
            app.close();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static WebDriverWait waitUp(int seconds) {
        WebDriverWait w = new WebDriverWait(driver, Duration.ofSeconds(seconds));
        w.ignoring(StaleElementReferenceException.class);
        return w;
    }

    private static JavascriptExecutor js() {
        return (JavascriptExecutor) driver;
    }

    private static int count(String css) {
        return driver.findElements(By.cssSelector(css)).size();
    }

    private static void click(String css) {
        waitUp(10).until(d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    private static String text(String css) {
        return waitUp(10).until(d -> d.findElement(By.cssSelector(css)).getText());
    }

    /** The page at 1366x768 and at a 390x844 phone: no sideways scrolling, and a screenshot of each. */
    private static void screens(String name) throws IOException {
        viewport(name + "-1366x768", 1366, 768, false);
        viewport(name + "-390x844", 390, 844, true);
    }

    private static void viewport(String name, int width, int height, boolean mobile) throws IOException {
        ChromeDriver chrome = (ChromeDriver) driver;
        chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", mobile));
        try {
            waitUp(10).until(d -> ((Number) js().executeScript("return window.innerWidth;")).intValue() == width);
            // one poll at the new size, so charts have redrawn
            waitUp(5).until(d -> (Boolean) js().executeScript(
                    "return new Promise(r => setTimeout(() => r(true), 600));"));
            assertThat(((Number) js().executeScript("return document.documentElement.scrollWidth;")).intValue())
                    .as("page width of " + name).isLessThanOrEqualTo(width);
            js().executeScript("window.scrollTo(0, 0);");
            File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            chrome.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    private static double kpi(String id) {
        String v = driver.findElement(By.cssSelector("#" + id + " .kpi-value")).getAttribute("data-value");
        return v == null || v.isEmpty() ? -1 : Double.parseDouble(v);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- the technician's visit

    @Test
    void technicianWatchesFixesAndTails() throws Exception {
        // 1. not signed in: the login page; a wrong password is refused
        driver.get(base + "/");
        waitUp(20).until(ExpectedConditions.urlContains("/login"));
        waitUp(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        screens("01-login");
        driver.findElement(By.id("password")).sendKeys("not-the-password");
        driver.findElement(By.id("login-submit")).click();
        waitUp(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertThat(driver.findElement(By.id("login-error")).getText()).contains("Invalid username or password");

        // 2. signed in: the status page, whose records/s move while the device sends
        driver.findElement(By.id("password")).clear();
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        driver.findElement(By.id("login-submit")).click();
        waitUp(20).until(d -> count("#inputs-table tr[data-input='syslog-tcp']") == 1);
        assertThat(text("#gw-name")).contains("gw-browser").contains("site-web");
        assertThat(driver.findElement(By.cssSelector("tr[data-input='syslog-tcp'] .pill")).getAttribute("data-state"))
                .isEqualTo("LISTENING");
        waitUp(30).until(d -> kpi("kpi-in") > 0);
        double first = kpi("kpi-in");
        waitUp(30).until(d -> kpi("kpi-in") > 0 && kpi("kpi-in") != first);
        assertThat(text("#kpi-in .kpi-note")).contains("accepted on 1 input");

        // 3. configuration: a broken new input, typed at the end of the file
        click("#nav a[data-page='config']");
        WebElement editor = waitUp(20).until(d -> {
            WebElement t = d.findElement(By.id("yaml"));
            return t.isEnabled() && t.getAttribute("value").contains("syslog-tcp") ? t : null;
        });
        int collectorPort = FreePorts.tcp();
        editor.click();
        editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.END));
        editor.sendKeys("  - {type: tcp, name: collector, bind: \"127.0.0.1:not-a-port\", format: lines}");
        int badLine = ((String) editor.getAttribute("value")).split("\n", -1).length;
        assertThat(text("#dirty")).isEqualTo("Unsaved changes");
        click("#btn-validate");
        waitUp(10).until(d -> count("#errors button.err-item") >= 1);
        WebElement err = driver.findElement(By.cssSelector("#errors button.err-item"));
        assertThat(err.getAttribute("data-line")).isEqualTo(String.valueOf(badLine));
        assertThat(err.getText()).contains("line " + badLine).contains("inputs[1]");
        assertThat(count("#gutter div.err[data-line='" + badLine + "']")).isEqualTo(1);
        assertThat(text("#check-status")).contains("line " + badLine);
        // clicking the problem puts the cursor on its line
        js().executeScript("document.getElementById('yaml').setSelectionRange(0, 0);");
        err.click();
        assertThat(((Number) js().executeScript("const t = document.getElementById('yaml');"
                + "return t.value.slice(0, t.selectionStart).split('\\n').length;")).intValue()).isEqualTo(badLine);
        screens("03-config-error");

        // 4. fix it and apply: the new input listens, the page lists what changed
        editor = driver.findElement(By.id("yaml"));
        editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.END));
        for (int i = 0; i < "not-a-port\", format: lines}".length(); i++) {
            editor.sendKeys(Keys.BACK_SPACE);
        }
        editor.sendKeys(collectorPort + "\", format: lines}");
        click("#btn-apply");
        waitUp(20).until(d -> "ok".equals(d.findElement(By.id("result-box")).getAttribute("data-kind")));
        assertThat(text("#result-box")).contains("now running version").contains("collector");
        assertThat(count("#gutter div.err")).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> listening(collectorPort));
        waitUp(10).until(d -> count("#history li[data-version]") >= 2);
        assertThat(driver.findElement(By.cssSelector("#history li[data-version]")).getText()).contains("collector");
        screens("04-config-applied");

        // 5. status lists the new input, listening
        click("#nav a[data-page='status']");
        waitUp(20).until(d -> count("#inputs-table tr[data-input='collector']") == 1);
        assertThat(driver.findElement(By.cssSelector("tr[data-input='collector'] .pill")).getAttribute("data-state"))
                .isEqualTo("LISTENING");
        assertThat(text("tr[data-input='collector']")).contains("127.0.0.1:" + collectorPort);
        // a few 2 s polls, so that the chart shows a curve
        waitUp(30).until(d -> Integer.parseInt(d.findElement(By.id("rate-chart")).getAttribute("data-points")) >= 5);
        screens("02-status");

        // 6. live tail with a filter: only the matching device's records
        click("#nav a[data-page='tail']");
        waitUp(20).until(d -> count("#tail-body tr.rec") >= 3);
        WebElement filter = driver.findElement(By.id("filter"));
        filter.sendKeys("host:router-a");
        filter.sendKeys(Keys.ENTER);
        waitUp(10).until(ExpectedConditions.urlContains("filter=host"));
        SyslogSender router = SyslogSender.to("127.0.0.1", syslogPort).hostname("router-a").appName("ifmgr")
                .messageSize(120).build();
        waitUp(30).until(d -> {
            router.send(5);
            return count("#tail-body tr.rec") >= 5;
        });
        List<String> hosts = new ArrayList<>();
        for (WebElement row : driver.findElements(By.cssSelector("#tail-body tr.rec"))) {
            hosts.add(row.getAttribute("data-host"));
        }
        assertThat(hosts).isNotEmpty().allMatch("router-a"::equals);
        click("#tail-body tr.rec");
        waitUp(5).until(d -> count("#tail-body tr.attrs") == 1);
        assertThat(text("#tail-body tr.attrs")).contains("lane").contains("topic");
        screens("05-tail");

        // 7. events: the apply is there, and the type chips filter
        click("#nav a[data-page='events']");
        waitUp(20).until(d -> count("#events-body tr[data-type='config.applied']") >= 1);
        click("#type-filter button[data-group='config']");
        waitUp(5).until(d -> driver.findElements(By.cssSelector("#events-body tr[data-type]")).stream()
                .allMatch(r -> r.getAttribute("data-type").startsWith("config.")));
        click("#type-filter button[data-group='all']");
        screens("06-events");

        // the pages work under the CSP: no violation, no script error (the refused login and the 422 are expected)
        List<String> problems = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            String m = e.getMessage();
            boolean expected = m.contains("/login") || m.contains("/api/config/validate") && m.contains("422");
            if (m.contains("Content Security Policy") || e.getLevel().intValue() >= Level.SEVERE.intValue() && !expected) {
                problems.add(m);
            }
        }
        assertThat(problems).isEmpty();

        // 8. sign out: back to the login page, and the pages stay closed
        click("#logout");
        waitUp(10).until(ExpectedConditions.urlContains("/login"));
        driver.get(base + "/config");
        waitUp(10).until(ExpectedConditions.urlContains("/login"));
    }
}
