package net.edgegw.web;

import net.edgegw.testkit.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Unit tests of the login throttle, the session table, the session cookie and the TLS material. */
class SecurityPartsTest {

    @Test
    void throttleLocksAClientAfterFiveFailuresForAMinute() {
        MutableClock clock = MutableClock.startingNow();
        LoginThrottle t = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.PER_CLIENT_FAILURES; i++) {
            assertThat(t.tryAcquire("10.0.0.1")).isZero();
            t.failed("10.0.0.1");
        }
        assertThat(t.tryAcquire("10.0.0.1")).isBetween(59L, 60L);
        assertThat(t.tryAcquire("10.0.0.2")).as("another client is not locked").isZero();
        clock.advance(Duration.ofSeconds(61));
        assertThat(t.tryAcquire("10.0.0.1")).isZero();
    }

    @Test
    void throttleCapsAllAttemptsGlobally() {
        MutableClock clock = MutableClock.startingNow();
        LoginThrottle t = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.GLOBAL_ATTEMPTS; i++) {
            assertThat(t.tryAcquire("10.0.1." + i)).isZero();
        }
        assertThat(t.tryAcquire("10.0.9.9")).isPositive();
        clock.advance(Duration.ofSeconds(61));
        assertThat(t.tryAcquire("10.0.9.9")).isZero();
    }

    @Test
    void successForgetsTheFailuresOfAClient() {
        LoginThrottle t = new LoginThrottle(MutableClock.startingNow());
        for (int i = 0; i < LoginThrottle.PER_CLIENT_FAILURES - 1; i++) {
            t.tryAcquire("10.0.0.1");
            t.failed("10.0.0.1");
        }
        t.succeeded("10.0.0.1");
        t.failed("10.0.0.1");
        assertThat(t.tryAcquire("10.0.0.1")).isZero();
    }

    @Test
    void sessionsExpireWhenIdleAndCarryTheirCsrfToken() {
        MutableClock clock = MutableClock.startingNow();
        Sessions s = new Sessions(Duration.ofMinutes(5), clock);
        Sessions.Created c = s.create("operator");
        assertThat(c.token()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(c.session().username()).isEqualTo("operator");
        assertThat(s.touch(c.token())).contains(c.session());
        assertThat(c.session().csrfMatches(c.session().csrf())).isTrue();
        assertThat(c.session().csrfMatches("x")).isFalse();
        assertThat(c.session().csrfMatches(null)).isFalse();
        clock.advance(Duration.ofMinutes(4));
        assertThat(s.touch(c.token())).isPresent();
        clock.advance(Duration.ofMinutes(4));
        assertThat(s.peek(c.token())).as("touched 4 min ago").isPresent();
        clock.advance(Duration.ofMinutes(2));
        assertThat(s.touch(c.token())).isEmpty();
        assertThat(s.size()).isZero();
        Sessions.Created d = s.create("operator");
        s.invalidate(d.token());
        assertThat(s.touch(d.token())).isEmpty();
        assertThat(s.isLive(d.session())).isFalse();
    }

    @Test
    void sessionTableIsBoundedDroppingTheLeastRecentlyUsed() {
        MutableClock clock = MutableClock.startingNow();
        Sessions s = new Sessions(Duration.ofHours(1), clock);
        Sessions.Created first = s.create("operator");
        clock.advanceMillis(1);
        Sessions.Created second = s.create("operator");
        for (int i = 2; i < Sessions.MAX_SESSIONS; i++) {
            clock.advanceMillis(1);
            s.create("operator");
        }
        clock.advanceMillis(1);
        s.touch(first.token());
        s.create("operator");
        assertThat(s.size()).isEqualTo(Sessions.MAX_SESSIONS);
        assertThat(s.peek(first.token())).as("recently used").isPresent();
        assertThat(s.peek(second.token())).as("least recently used").isEmpty();
        assertThat(s.peek("x".repeat(101))).isEmpty();
    }

    @Test
    void cookieIsHttpOnlyStrictAndWithTlsSecureWithTheHostPrefix() {
        SessionCookie tls = SessionCookie.of("edgegw-session", true);
        assertThat(tls.header("abc", false)).isEqualTo(
                "__Host-edgegw-session=abc; Path=/; HttpOnly; SameSite=Strict; Secure");
        assertThat(tls.header("", true)).endsWith("; Secure; Max-Age=0");
        SessionCookie plain = SessionCookie.of("edgegw-session", false);
        assertThat(plain.header("abc", false)).isEqualTo("edgegw-session=abc; Path=/; HttpOnly; SameSite=Strict");
    }

    @Test
    void selfSignedCertificateIsKeptAndRenewedWhenAHostIsMissing(@TempDir Path dir) throws Exception {
        Path tlsDir = dir.resolve("web-tls");
        String subject = "CN=edgegw test,O=edgegw";
        WebTls first = WebTls.selfSigned("web", tlsDir, subject, List.of("127.0.0.1"));
        assertThat(first.generated()).isTrue();
        assertThat(first.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        WebTls again = WebTls.selfSigned("web", tlsDir, subject, List.of("127.0.0.1"));
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
        WebTls renamed = WebTls.selfSigned("web", tlsDir, subject, List.of("dashboard.example.net"));
        assertThat(renamed.fingerprint()).isNotEqualTo(first.fingerprint());
        WebTls configured = WebTls.fromPem("web", tlsDir.resolve("cert.pem"), tlsDir.resolve("key.pem"));
        assertThat(configured.fingerprint()).isEqualTo(renamed.fingerprint());
        assertThat(configured.generated()).isFalse();

        X509Certificate cert = configured.certificate();
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=edgegw test");
        assertThat(cert.getSubjectAlternativeNames()).extracting(e -> String.valueOf(e.get(1)))
                .contains("localhost", "127.0.0.1", "dashboard.example.net");
        if (Files.getFileStore(tlsDir).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tlsDir.resolve("key.pem"))))
                    .isEqualTo("rw-------");
        }
    }
}
