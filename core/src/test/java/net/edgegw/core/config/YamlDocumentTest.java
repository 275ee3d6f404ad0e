package net.edgegw.core.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class YamlDocumentTest {

    @Test
    void aSyntaxErrorNamesTheLineAndColumnButNeverQuotesTheLine() {
        String text = """
                uplink:
                  bootstrapServers: "k:9093"
                  properties:
                    sasl.jaas.config: "ScramLoginModule required username="gw" password="N3w-s3cret";"
                """;
        ConfigException e = catchThrowableOfType(() -> YamlDocument.parse(text), ConfigException.class);
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.line()).isEqualTo(4);
            assertThat(err.message()).startsWith("not valid YAML: ").contains("column")
                    .doesNotContain("N3w-s3cret", "ScramLoginModule", "\n");
        });
        assertThat(e.getMessage()).doesNotContain("N3w-s3cret");
    }
}
