package net.edgegw.aggregator.web;

import net.edgegw.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Unit test of peer authentication between aggregator instances (the other security parts: web-support). */
class PeerAuthTest {

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
}
