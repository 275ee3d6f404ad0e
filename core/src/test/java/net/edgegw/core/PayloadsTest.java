package net.edgegw.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PayloadsTest {

    private static Payload of(String s) {
        return Payloads.classify(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jsonValuesAreKeptRawAndTrimmed() {
        assertThat(of(" {\"t\": 21.5, \"ok\": true}\n")).isEqualTo(new Payload.Json("{\"t\": 21.5, \"ok\": true}".getBytes(StandardCharsets.UTF_8)));
        assertThat(of("42")).isInstanceOf(Payload.Json.class);
        assertThat(of("[1,2,3]")).isInstanceOf(Payload.Json.class);
        assertThat(of("\"quoted\"")).isInstanceOf(Payload.Json.class);
    }

    @Test
    void textThatIsNotOneJsonValueIsText() {
        assertThat(of("temp=21.5")).isEqualTo(new Payload.Text("temp=21.5"));
        assertThat(of("{\"a\":1} {\"b\":2}")).isInstanceOf(Payload.Text.class);
        assertThat(of("{\"a\":")).isInstanceOf(Payload.Text.class);
        assertThat(of("")).isEqualTo(new Payload.Text(""));
        assertThat(of("   ")).isEqualTo(new Payload.Text("   "));
        assertThat(of("NaN")).isInstanceOf(Payload.Text.class);
        assertThat(of("température")).isEqualTo(new Payload.Text("température"));
    }

    @Test
    void invalidUtf8IsBinary() {
        byte[] b = {(byte) 0xff, (byte) 0xfe, 0x00, 0x41};
        assertThat(Payloads.classify(b)).isEqualTo(new Payload.Binary(b));
    }

    @Test
    void tooDeepJsonIsNotJson() {
        String deep = "[".repeat(Payloads.MAX_JSON_DEPTH + 1) + "]".repeat(Payloads.MAX_JSON_DEPTH + 1);
        assertThat(of(deep)).isInstanceOf(Payload.Text.class);
        String ok = "[".repeat(10) + "]".repeat(10);
        assertThat(of(ok)).isInstanceOf(Payload.Json.class);
    }
}
