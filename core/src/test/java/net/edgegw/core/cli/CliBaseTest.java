package net.edgegw.core.cli;

import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;
import net.edgegw.core.security.PasswordHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CliBaseTest {

    /** A config that is just the file's text; "bad" in it is an error on line 2. */
    static String read(Path file) {
        try {
            String text = Files.readString(file);
            if (text.contains("bad")) {
                throw new ConfigException(List.of(new ConfigError("colour", 2, "unknown key")));
            }
            return text.trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Command(name = "prog", subcommands = {Check.class, SetPassword.class})
    static final class Prog extends UsageCommand {
    }

    @Command(name = "check-config") // the subcommand needs its own name; the description is inherited
    static final class Check extends CheckConfigCommand<String> {
        Check() {
            super(CliBaseTest::read);
        }

        @Override
        protected String summary(String config) {
            return "text " + config;
        }
    }

    @Command(name = "set-password", description = "Set it.")
    static final class SetPassword extends SetPasswordCommand<String> {
        static Path dir;

        SetPassword() {
            super(CliBaseTest::read, "New password: ");
        }

        @Override
        protected Path hashFile(String config) {
            return dir.resolve(config);
        }
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Prog()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void checkConfigSaysOkOrNamesKeyAndLineWithTheConfigExitCode(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.yaml"), "fine\n");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "x\nbad\n");
        assertThat(run("check-config", "--config", good.toString())).isEqualTo(new Result(0, good + ": OK (text fine)\n", ""));
        Result ko = run("check-config", "-c", bad.toString());
        assertThat(ko.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(ko.err()).isEqualTo(bad + ": 1 error(s)\n  colour (line 2): unknown key\n");
        assertThat(run("check-config").code()).as("picocli: missing option").isEqualTo(2);
        Result usage = run();
        assertThat(usage.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(usage.err()).startsWith("Usage: prog");
    }

    @Test
    void setPasswordStoresTheHashWhereTheProgramSays(@TempDir Path dir) throws Exception {
        SetPassword.dir = dir;
        Path cfg = Files.writeString(dir.resolve("cfg.yaml"), "web-password\n");
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("correct horse battery\n".getBytes(StandardCharsets.UTF_8)));
            Result r = run("set-password", "--config", cfg.toString(), "--stdin");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("password hash written to " + dir.resolve("web-password") + "\n");
            assertThat(PasswordHash.verify("correct horse battery".toCharArray(),
                    Files.readString(dir.resolve("web-password")).trim())).isTrue();
            System.setIn(new ByteArrayInputStream("short\n".getBytes(StandardCharsets.UTF_8)));
            Result tooShort = run("set-password", "--config", cfg.toString(), "--stdin");
            assertThat(tooShort.code()).isEqualTo(ExitCodes.ERROR);
            assertThat(tooShort.err()).contains("at least 10 characters");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void theVersionLineNamesTheProgram() {
        assertThat(new VersionProvider("prog", CliBaseTest.class) { }.getVersion()).containsExactly("prog dev");
    }
}
