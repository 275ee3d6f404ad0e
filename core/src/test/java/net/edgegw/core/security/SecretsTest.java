package net.edgegw.core.security;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {

    @Test
    void hidesPasswordsSecretsTokensJaasAndKeysKeepingTheOrder() {
        Map<String, String> in = new LinkedHashMap<>();
        in.put("security.protocol", "SASL_SSL");
        in.put("sasl.jaas.config", "... password=\"x\";");
        in.put("ssl.key.password", "kp");
        in.put("SSL.TRUSTSTORE.PASSWORD", "tp");
        in.put("my.client.secret", "s");
        in.put("sasl.oauthbearer.token.endpoint.url", "https://idp/token");
        in.put("ssl.keystore.key", "pem");
        in.put("linger.ms", "5");
        assertThat(Secrets.redact(in)).containsExactly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.jaas.config", Secrets.REDACTED),
                Map.entry("ssl.key.password", Secrets.REDACTED),
                Map.entry("SSL.TRUSTSTORE.PASSWORD", Secrets.REDACTED),
                Map.entry("my.client.secret", Secrets.REDACTED),
                Map.entry("sasl.oauthbearer.token.endpoint.url", Secrets.REDACTED),
                Map.entry("ssl.keystore.key", Secrets.REDACTED),
                Map.entry("linger.ms", "5"));
        assertThat(Secrets.REDACTED).isEqualTo("[redacted]");
        assertThat(Secrets.isSensitive("linger.ms")).isFalse();
    }
}
