package net.edgegw.packaging;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Debian packages that {@code mvn package} builds ({@code packaging/target/edge-gateway_<v>_all.deb},
 * {@code cloud-aggregator/target/cloud-aggregator_<v>_all.deb}), read with Debian's own tools: {@code dpkg-deb}
 * (control fields, conffiles, maintainer scripts, every file with its mode and owner), {@code dpkg --compare-versions}
 * (a snapshot sorts before its release), {@code lintian} (no errors) and {@code systemd-analyze} (the units verify;
 * the gateway's exposure is below 3.0). lintian and systemd-analyze are installed by .ci/run; a machine without them
 * skips those checks with a message saying so.
 */
class DebPackageIT {
    /** One line of {@code dpkg-deb --contents}: mode, owner/group, size, date, time, path (and "-> target"). */
    private static final Pattern ENTRY = Pattern.compile("^(\\S{10}) (\\S+)/(\\S+)\\s+\\d+ \\S+ \\S+ \\.(/\\S*)");

    @TempDir
    Path tmp;

    record Entry(String mode, String owner, String group) {
    }

    record Run(int code, String out) {
    }

    @Test
    void gatewayPackageHasTheLayoutControlFieldsAndScripts() throws Exception {
        Path deb = deb("edge-gateway", "edge.target");
        checkPackage("edge-gateway", deb);
        Map<String, Entry> files = contents(deb);
        // the default config: syslog UDP+TCP on 514, uplink to fill in, web on 8443, the buffer in the state directory
        Path root = extract(deb);
        String yaml = Files.readString(root.resolve("etc/edge-gateway/edge-gateway.yaml"));
        assertThat(yaml).contains("dataDir: /var/lib/edge-gateway")
                .contains("protocol: udp, bind: \"0.0.0.0:514\"").contains("protocol: tcp, bind: \"0.0.0.0:514\"")
                .contains("uplink: {bootstrapServers:").contains("bind: \"0.0.0.0:8443\"");
        assertThat(files).containsKey("/usr/share/edge-gateway/lib/");
        assertThat(files.keySet()).anyMatch(p -> p.matches("/usr/share/edge-gateway/lib/edge-gateway-.*\\.jar"));

        String unit = Files.readString(root.resolve("lib/systemd/system/edge-gateway.service"));
        assertThat(unit).contains("Type=notify", "NotifyAccess=main", "WatchdogSec=30s",
                "ExecStart=/usr/bin/edge-gateway run --config /etc/edge-gateway/edge-gateway.yaml",
                "ExecReload=/bin/kill -HUP $MAINPID", "User=edge-gateway", "StateDirectory=edge-gateway",
                "ConfigurationDirectory=edge-gateway", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                "NoNewPrivileges=yes", "PrivateDevices=yes", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
                "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "MemoryMax=512M", "LimitNOFILE=65536",
                "Restart=on-failure", "logback-journal.xml")
                .doesNotContain("MemoryDenyWriteExecute=yes");
        // the launcher's heap fits in MemoryMax with room for metaspace, code cache, direct memory and threads
        String launcher = Files.readString(root.resolve("usr/share/edge-gateway/bin/edge-gateway"));
        Matcher xmx = Pattern.compile("MEM_OPTS=\"[^\"]*-Xmx(\\d+)m").matcher(launcher);
        assertThat(xmx.find()).isTrue();
        assertThat(Integer.parseInt(xmx.group(1)) * 3).isLessThanOrEqualTo(512);
        // the drain on stop (the uplink waits up to ~15 s for its batch) fits in TimeoutStopSec
        Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)s$").matcher(unit);
        assertThat(stop.find()).isTrue();
        assertThat(Integer.parseInt(stop.group(1))).isGreaterThan(15);

        systemdChecks("edge-gateway", root, 3.0);
    }

    @Test
    void aggregatorPackageHasTheLayoutControlFieldsAndScripts() throws Exception {
        Path deb = deb("cloud-aggregator", "aggregator.target");
        checkPackage("cloud-aggregator", deb);
        Path root = extract(deb);
        assertThat(Files.readString(root.resolve("etc/cloud-aggregator/cloud-aggregator.yaml")))
                .contains("stateDir: /var/lib/cloud-aggregator").contains("bind: \"0.0.0.0:8443\"");
        assertThat(contents(deb)).containsKey("/usr/share/cloud-aggregator/lib/mirror/");
        String unit = Files.readString(root.resolve("lib/systemd/system/cloud-aggregator.service"));
        assertThat(unit).contains("Type=simple", "User=cloud-aggregator", "StateDirectory=cloud-aggregator",
                "ProtectSystem=strict", "NoNewPrivileges=yes", "Restart=on-failure");
        systemdChecks("cloud-aggregator", root, 3.0);
    }

    /** What both packages share: control fields, conffiles, the layout with modes and owners, scripts, lintian. */
    private void checkPackage(String name, Path deb) throws Exception {
        String version = debVersion();
        assertThat(deb.getFileName().toString()).isEqualTo(name + "_" + version + "_all.deb");

        Map<String, String> control = fields(dpkgDeb("--field", deb.toString()).out());
        assertThat(control).containsEntry("Package", name).containsEntry("Version", version)
                .containsEntry("Architecture", "all").containsEntry("Section", "net")
                .containsEntry("Priority", "optional").containsKeys("Maintainer", "Description", "Installed-Size");
        assertThat(control.get("Depends")).startsWith("default-jre-headless (>= 2:1.17) | java17-runtime-headless");
        assertThat(control.get("Description")).doesNotContain("[[");
        // a snapshot sorts before its release, a release after the snapshot
        String release = System.getProperty("edge.version").replaceFirst("-SNAPSHOT$", "");
        String relation = version.equals(release) ? "eq" : "lt";
        assertThat(run("dpkg", "--compare-versions", version, relation, release).code())
                .as("%s %s %s", version, relation, release).isZero();

        assertThat(dpkgDeb("--info", deb.toString(), "conffiles").out().strip())
                .isEqualTo("/etc/" + name + "/" + name + ".yaml");

        Map<String, Entry> files = contents(deb);
        expect(files, "/usr/bin/" + name, "-rwxr-xr-x");
        expect(files, "/usr/share/" + name + "/bin/" + name, "-rwxr-xr-x");
        expect(files, "/usr/share/" + name + "/config/logback-journal.xml", "-rw-r--r--");
        expect(files, "/etc/" + name + "/" + name + ".yaml", "-rw-r--r--");
        expect(files, "/lib/systemd/system/" + name + ".service", "-rw-r--r--");
        expect(files, "/usr/share/doc/" + name + "/copyright", "-rw-r--r--");
        expect(files, "/usr/share/doc/" + name + "/changelog.gz", "-rw-r--r--");
        expect(files, "/usr/share/doc/" + name + "/operations.md", "-rw-r--r--");
        assertThat(files.values()).allSatisfy(e -> assertThat(e.owner() + "/" + e.group()).isEqualTo("root/root"));
        assertThat(files.entrySet()).filteredOn(e -> e.getKey().endsWith(".jar"))
                .isNotEmpty().allSatisfy(e -> assertThat(e.getValue().mode()).isEqualTo("-rw-r--r--"));

        // maintainer scripts: POSIX sh that parses, set -e, filled-in templates, systemd only when it runs
        Path ctrl = tmp.resolve(name + "-control");
        assertThat(dpkgDeb("--control", deb.toString(), ctrl.toString()).code()).isZero();
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Path s = ctrl.resolve(script);
            String text = Files.readString(s);
            assertThat(Files.isExecutable(s)).as(script).isTrue();
            assertThat(text).as(script).startsWith("#!/bin/sh\n").contains("\nset -e\n").doesNotContain("[[");
            assertThat(run("sh", "-n", s.toString()).code()).as("sh -n %s", script).isZero();
        }
        String postinst = Files.readString(ctrl.resolve("postinst"));
        assertThat(postinst).contains("[ -d /run/systemd/system ]", "adduser --system", "deb-systemd-helper",
                "sudo $NAME set-password --config $CONF", "STATE_DIR=/var/lib/" + name);
        assertThat(Files.readString(ctrl.resolve("prerm"))).contains("\"$1\" = remove");
        assertThat(Files.readString(ctrl.resolve("postrm"))).contains("\"$1\" = purge", "rm -rf \"$STATE_DIR\" \"/etc/$NAME\"");

        lintian(deb);
    }

    private void lintian(Path deb) throws Exception {
        Assumptions.assumeTrue(onPath("lintian"), "lintian is not installed (.ci/run installs it): lintian not run");
        Run r = run("lintian", "--fail-on", "error", deb.toString());
        assertThat(r.out()).doesNotContainPattern("(?m)^E: ");
        assertThat(r.code()).as("lintian exit code; output:%n%s", r.out()).isZero();
    }

    /** systemd-analyze verify on the unit (its ExecStart pointed at the unpacked launcher) and its exposure. */
    private void systemdChecks(String name, Path root, double maxExposure) throws Exception {
        Assumptions.assumeTrue(onPath("systemd-analyze"),
                "systemd-analyze is not installed (.ci/run installs systemd for it): units not verified");
        Path dir = Files.createDirectories(tmp.resolve(name + "-unit"));
        Path unit = dir.resolve(name + ".service");
        Files.writeString(unit, Files.readString(root.resolve("lib/systemd/system/" + name + ".service"))
                .replace("/usr/bin/" + name, root.resolve("usr/bin/" + name).toString()));
        Run verify = run("systemd-analyze", "verify", unit.toString());
        assertThat(verify.code()).as("systemd-analyze verify:%n%s", verify.out()).isZero();
        Run security = run("systemd-analyze", "security", "--offline=true", unit.toString());
        Matcher m = Pattern.compile("Overall exposure level for " + Pattern.quote(name) + "\\.service: (\\d+\\.\\d)")
                .matcher(security.out());
        assertThat(m.find()).as("systemd-analyze security:%n%s", security.out()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as("exposure of %s", name).isLessThan(maxExposure);
    }

    private static void expect(Map<String, Entry> files, String path, String mode) {
        assertThat(files).as(path).containsKey(path);
        assertThat(files.get(path).mode()).as(path).isEqualTo(mode);
    }

    private static String debVersion() {
        return System.getProperty("edge.version").replace('-', '~');
    }

    private static Path deb(String name, String targetProperty) {
        Path deb = Path.of(System.getProperty(targetProperty)).resolve(name + "_" + debVersion() + "_all.deb");
        assertThat(deb).as("built by mvn package").isRegularFile();
        Assumptions.assumeTrue(onPath("dpkg-deb"), "dpkg-deb is not installed: the .deb is not inspected");
        return deb;
    }

    private Path extract(Path deb) throws Exception {
        Path root = tmp.resolve(deb.getFileName() + "-root");
        assertThat(dpkgDeb("-x", deb.toString(), root.toString()).code()).isZero();
        return root;
    }

    private Map<String, Entry> contents(Path deb) throws Exception {
        Map<String, Entry> files = new LinkedHashMap<>();
        for (String line : dpkgDeb("--contents", deb.toString()).out().split("\n")) {
            Matcher m = ENTRY.matcher(line);
            if (m.find()) {
                files.put(m.group(4), new Entry(m.group(1), m.group(2), m.group(3)));
            }
        }
        return files;
    }

    /** The fields of a control file (continuation lines joined). */
    private static Map<String, String> fields(String control) {
        Map<String, String> f = new LinkedHashMap<>();
        String key = null;
        for (String line : control.split("\n")) {
            if (line.startsWith(" ") && key != null) {
                f.merge(key, "\n" + line.substring(1), String::concat);
            } else if (line.contains(":")) {
                key = line.substring(0, line.indexOf(':'));
                f.put(key, line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return f;
    }

    private Run dpkgDeb(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("dpkg-deb"));
        cmd.addAll(List.of(args));
        Run r = run(cmd.toArray(String[]::new));
        assertThat(r.code()).as("%s:%n%s", cmd, r.out()).isZero();
        return r;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private Run run(String... cmd) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in 5 minutes");
        }
        try {
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
