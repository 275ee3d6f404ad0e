package net.edgegw.aggregator.web;

import net.edgegw.testkit.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Unit tests of the login throttle, the session table, peer authentication and the TLS material. */
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
    void sessionsExpireWhenIdleAndCarryTheirCsrfToken() {
        MutableClock clock = MutableClock.startingNow();
        Sessions s = new Sessions(Duration.ofMinutes(5), clock);
        Sessions.Created c = s.create("operator");
        assertThat(c.token()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(s.touch(c.token())).contains(c.session());
        assertThat(c.session().csrfMatches(c.session().csrf)).isTrue();
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
    }

    @Test
    void peerRequestsAndAnswersAreSignedWithTheSharedSecret() {
        MutableClock clock = MutableClock.startingNow();
        PeerAuth a = new PeerAuth("0123456789abcdef-shared".getBytes(StandardCharsets.UTF_8), clock);
        PeerAuth other = new PeerAuth("another-secret-0123456789".getBytes(StandardCharsets.UTF_8), clock);
        String[] h = a.sign("GET", "/internal/sites");
        assertThat(String.join(" ", h)).doesNotContain("0123456789abcdef-shared");
        assertThat(a.verifyRequest("GET", "/internal/sites", h[1], h[3], h[5])).isTrue();
        assertThat(a.verifyRequest("GET", "/internal/alarms", h[1], h[3], h[5])).as("other path").isFalse();
        assertThat(other.verifyRequest("GET", "/internal/sites", h[1], h[3], h[5])).as("other secret").isFalse();
        clock.advance(Duration.ofMillis(PeerAuth.MAX_SKEW_MS + 1));
        assertThat(a.verifyRequest("GET", "/internal/sites", h[1], h[3], h[5])).as("stale").isFalse();

        byte[] body = "{\"items\":[]}".getBytes(StandardCharsets.UTF_8);
        String sig = a.signResponse(h[3], body);
        assertThat(a.verifyResponse(h[3], body, sig)).isTrue();
        assertThat(a.verifyResponse(h[3], "{\"items\":[1]}".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
        assertThat(a.verifyResponse("other-nonce", body, sig)).isFalse();
        assertThatThrownBy(() -> new PeerAuth("short".getBytes(StandardCharsets.UTF_8), clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void selfSignedCertificateIsKeptAndRenewedWhenAHostIsMissing(@TempDir Path dir) {
        DashboardTls first = DashboardTls.selfSigned(dir, List.of("127.0.0.1"));
        DashboardTls again = DashboardTls.selfSigned(dir, List.of("127.0.0.1"));
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
        DashboardTls renamed = DashboardTls.selfSigned(dir, List.of("dashboard.example.net"));
        assertThat(renamed.fingerprint()).isNotEqualTo(first.fingerprint());
        assertThat(DashboardTls.fromPem(dir.resolve("dashboard-tls/cert.pem"), dir.resolve("dashboard-tls/key.pem"))
                .fingerprint()).isEqualTo(renamed.fingerprint());
    }
}
