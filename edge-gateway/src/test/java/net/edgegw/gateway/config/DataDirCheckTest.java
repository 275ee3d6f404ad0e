package net.edgegw.gateway.config;

import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/** dataDir problems are config errors on the dataDir key and its line, found with real files. */
class DataDirCheckTest {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path tmp;

    private Path config(String dataDir) throws IOException {
        return Files.writeString(tmp.resolve("gateway.yaml"), """
                site: site-1
                gateway: gw-1
                dataDir: %s
                inputs:
                  - {type: syslog, name: s, protocol: udp, bind: "127.0.0.1:0"}
                uplink: {bootstrapServers: "127.0.0.1:9"}
                """.formatted(dataDir));
    }

    @Test
    void aWritableDirectoryOrOneThatCanBeCreatedPassesAndCheckCreatesNothing() throws Exception {
        Path missing = tmp.resolve("a/b/data");
        assertThat(DataDirCheck.check(missing, 3)).isEmpty();
        assertThat(tmp.resolve("a")).doesNotExist();
        assertThat(DataDirCheck.check(tmp, 3)).isEmpty();
        try (var files = Files.list(tmp)) {
            assertThat(files).as("the probe file is deleted").isEmpty();
        }
        assertThat(DataDirCheck.prepare(missing, 3)).isEmpty();
        assertThat(missing).isDirectory();
    }

    @Test
    void aPlainFileIsNamedWithKeyAndLineInCheckConfigAndRun() throws Exception {
        Path file = Files.writeString(tmp.resolve("data"), "not a directory");
        Path config = config(file.toString());
        for (boolean run : List.of(false, true)) {
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> {
                        if (run) {
                            DataDirCheck.loadPrepared(config);
                        } else {
                            DataDirCheck.loadChecked(config);
                        }
                    });
            assertThat(e.errors()).extracting(ConfigError::toString)
                    .containsExactly("dataDir (line 3): " + file + " is a file, not a directory");
        }
        assertThat(DataDirCheck.check(file.resolve("sub"), 3)).extracting(ConfigError::message)
                .containsExactly(file.resolve("sub") + " cannot be created: " + file + " is a file, not a directory");
        assertThat(file).hasContent("not a directory");
    }

    @Test
    void aBufferSubdirectoryThatIsAFileIsNamed() throws Exception {
        Files.writeString(tmp.resolve("buffer"), "x");
        assertThat(DataDirCheck.check(tmp, 7)).extracting(ConfigError::toString)
                .containsExactly("dataDir (line 7): " + tmp.resolve("buffer") + " is a file, not a directory");
    }

    @Test
    void aDirectoryThatRejectsNewFilesIsNamed() {
        // /proc/self accepts no new file, whoever asks (root included)
        assertThat(DataDirCheck.check(Path.of("/proc/self/edge-gateway"), 3)).extracting(ConfigError::toString)
                .singleElement().asString()
                .startsWith("dataDir (line 3): /proc/self/edge-gateway cannot be created: parent /proc/self ");
        assertThat(DataDirCheck.prepare(Path.of("/proc/self/edge-gateway"), 3)).singleElement()
                .extracting(ConfigError::key, ConfigError::line).containsExactly("dataDir", 3);
    }

    @Test
    void aReadOnlyFileSystemIsSaidInWords() {
        assertThat(DataDirCheck.probeFailure(Path.of("/mnt/ro"),
                new FileSystemException("/mnt/ro/.edge-gateway-probe-1.tmp", null, "Read-only file system")))
                .isEqualTo("/mnt/ro is on a read-only file system");
        assertThat(DataDirCheck.probeFailure(Path.of("/mnt/full"),
                new FileSystemException("/mnt/full/x", null, "No space left on device")))
                .as("a full disk does not stop the gateway from draining its backlog").isNull();
    }

    @Test
    void aDirectoryTheUserCannotWriteIsNamed() throws Exception {
        String user = System.getProperty("user.name");
        if (ROOT) {
            // root writes through permissions; sysfs refuses new files even to root
            assumeThat(Path.of("/sys")).isDirectory();
            assertThat(DataDirCheck.check(Path.of("/sys/edge-gateway/data"), 3)).extracting(ConfigError::toString)
                    .containsExactly("dataDir (line 3): /sys/edge-gateway/data cannot be created: parent /sys is not "
                            + "writable by user root");
            return;
        }
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertThat(DataDirCheck.check(ro, 3)).extracting(ConfigError::message)
                    .containsExactly(ro + " is not writable by user " + user);
            assertThat(DataDirCheck.prepare(ro.resolve("data"), 3)).extracting(ConfigError::message)
                    .containsExactly(ro.resolve("data") + " cannot be created: parent " + ro
                            + " is not writable by user " + user);
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void theDefaultDataDirHasNoLineAndSaysItIsTheDefault() throws Exception {
        Path config = Files.writeString(tmp.resolve("gateway.yaml"), "site: site-1\n");
        assertThat(DataDirCheck.line(config)).isZero();
        Path file = Files.writeString(tmp.resolve("f"), "x");
        assertThat(DataDirCheck.check(file, 0)).extracting(ConfigError::toString)
                .containsExactly("dataDir: " + file + " is a file, not a directory (the default; set dataDir in the "
                        + "config)");
    }
}
