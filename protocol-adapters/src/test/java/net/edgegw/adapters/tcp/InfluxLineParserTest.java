package net.edgegw.adapters.tcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.edgegw.adapters.tcp.InfluxLineParser.FieldType;
import net.edgegw.adapters.tcp.InfluxLineParser.Outcome;
import net.edgegw.adapters.tcp.TcpInputSettings.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class InfluxLineParserTest {

    private final InfluxLineParser p = new InfluxLineParser(Precision.NS);

    private Outcome parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return p.parse(b, 0, b.length);
    }

    @Test
    void fullLineWithEveryFieldType() throws Exception {
        assertThat(parse("weather,location=us-midwest,season=summer temperature=82.5,humidity=71i,count=18446744073709551615u,"
                + "note=\"hot, humid\",ok=true 1465839830100400200")).isEqualTo(Outcome.POINT);
        assertThat(p.measurement()).isEqualTo("weather");
        assertThat(p.tagCount()).isEqualTo(2);
        assertThat(p.tagKey(0)).isEqualTo("location");
        assertThat(p.tagValue(0)).isEqualTo("us-midwest");
        assertThat(p.tagKey(1)).isEqualTo("season");
        assertThat(p.fieldCount()).isEqualTo(5);
        assertThat(p.fieldType(0)).isEqualTo(FieldType.FLOAT);
        assertThat(p.fieldDouble(0)).isEqualTo(82.5);
        assertThat(p.fieldType(1)).isEqualTo(FieldType.INTEGER);
        assertThat(p.fieldLong(1)).isEqualTo(71);
        assertThat(p.fieldType(2)).isEqualTo(FieldType.UNSIGNED);
        assertThat(Long.toUnsignedString(p.fieldLong(2))).isEqualTo("18446744073709551615");
        assertThat(p.fieldType(3)).isEqualTo(FieldType.STRING);
        assertThat(p.fieldString(3)).isEqualTo("hot, humid");
        assertThat(p.fieldType(4)).isEqualTo(FieldType.BOOLEAN);
        assertThat(p.fieldLong(4)).isEqualTo(1);
        assertThat(p.timestamp()).isEqualTo(1465839830100400200L);
        assertThat(p.eventTime()).isEqualTo(Instant.parse("2016-06-13T17:43:50.100400200Z"));

        JsonNode j = new ObjectMapper().readTree(p.toJson());
        assertThat(j.get("measurement").asText()).isEqualTo("weather");
        assertThat(j.get("tags").get("season").asText()).isEqualTo("summer");
        assertThat(j.get("fields").get("temperature").isDouble()).isTrue();
        assertThat(j.get("fields").get("temperature").asDouble()).isEqualTo(82.5);
        assertThat(j.get("fields").get("humidity").isIntegralNumber()).isTrue();
        assertThat(j.get("fields").get("humidity").asLong()).isEqualTo(71);
        assertThat(j.get("fields").get("count").bigIntegerValue().toString()).isEqualTo("18446744073709551615");
        assertThat(j.get("fields").get("note").asText()).isEqualTo("hot, humid");
        assertThat(j.get("fields").get("ok").isBoolean()).isTrue();
        assertThat(j.get("timestamp").asLong()).isEqualTo(1465839830100400200L);
    }

    @Test
    void floatWithoutDecimalsStaysAFloatInJson() throws Exception {
        assertThat(parse("m v=1")).isEqualTo(Outcome.POINT);
        JsonNode j = new ObjectMapper().readTree(p.toJson());
        assertThat(j.get("fields").get("v").isDouble()).isTrue();
        assertThat(new String(p.toJson(), StandardCharsets.UTF_8)).contains("\"v\":1.0");
        assertThat(j.get("timestamp").isNull()).isTrue();
        assertThat(j.get("tags").size()).isZero();
        assertThat(p.eventTime()).isNull();
    }

    @Test
    void escapesInEveryElement() {
        assertThat(parse("my\\ meas\\,ure=x,tag\\ key\\,\\==tag\\ val\\,\\= field\\ k\\=\\,=\"say \\\"hi\\\" c:\\\\ \\n\" 1"))
                .isEqualTo(Outcome.POINT);
        assertThat(p.measurement()).isEqualTo("my meas,ure=x");
        assertThat(p.tagKey(0)).isEqualTo("tag key,=");
        assertThat(p.tagValue(0)).isEqualTo("tag val,=");
        assertThat(p.fieldKey(0)).isEqualTo("field k=,");
        assertThat(p.fieldString(0)).isEqualTo("say \"hi\" c:\\ \\n");
    }

    @Test
    void backslashesFollowTheDoubledBackslashRule() {
        // \ before a non-special character is literal; \\ is one backslash; \\\<space> is a backslash and a space
        assertThat(parse("a\\b,t=x\\\\y\\\\\\ z f=1")).isEqualTo(Outcome.POINT);
        assertThat(p.measurement()).isEqualTo("a\\b");
        assertThat(p.tagValue(0)).isEqualTo("x\\y\\ z");
        assertThat(parse("m\\ f=1")).isEqualTo(Outcome.INVALID); // "m f=1" is a measurement without fields
    }

    @Test
    void equalsSignIsLiteralInTheMeasurementAndStringsMayHoldSeparators() {
        assertThat(parse("a=b f=\"x=1, y=2 z\"")).isEqualTo(Outcome.POINT);
        assertThat(p.measurement()).isEqualTo("a=b");
        assertThat(p.fieldString(0)).isEqualTo("x=1, y=2 z");
    }

    @ParameterizedTest
    @ValueSource(strings = {"t", "T", "true", "True", "TRUE"})
    void trueSpellings(String v) {
        assertThat(parse("m b=" + v)).isEqualTo(Outcome.POINT);
        assertThat(p.fieldType(0)).isEqualTo(FieldType.BOOLEAN);
        assertThat(p.fieldLong(0)).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"f", "F", "false", "False", "FALSE"})
    void falseSpellings(String v) {
        assertThat(parse("m b=" + v)).isEqualTo(Outcome.POINT);
        assertThat(p.fieldType(0)).isEqualTo(FieldType.BOOLEAN);
        assertThat(p.fieldLong(0)).isZero();
    }

    @ParameterizedTest
    @CsvSource({"1,1.0", "-1.5,-1.5", "1e3,1000.0", "1.5E-2,0.015", ".5,0.5", "5.,5.0", "-0,-0.0"})
    void floats(String text, double expected) {
        assertThat(parse("m v=" + text)).isEqualTo(Outcome.POINT);
        assertThat(p.fieldType(0)).isEqualTo(FieldType.FLOAT);
        assertThat(p.fieldDouble(0)).isEqualTo(expected);
    }

    @Test
    void integerLimits() {
        assertThat(parse("m a=9223372036854775807i,b=-9223372036854775808i,c=0u")).isEqualTo(Outcome.POINT);
        assertThat(p.fieldLong(0)).isEqualTo(Long.MAX_VALUE);
        assertThat(p.fieldLong(1)).isEqualTo(Long.MIN_VALUE);
        assertThat(p.fieldLong(2)).isZero();
        assertThat(parse("m a=9223372036854775808i")).isEqualTo(Outcome.INVALID);
        assertThat(p.error()).contains("out of range").contains("'a'");
        assertThat(parse("m a=-9223372036854775809i")).isEqualTo(Outcome.INVALID);
        assertThat(parse("m a=18446744073709551616u")).isEqualTo(Outcome.INVALID);
        assertThat(p.error()).contains("out of range");
        assertThat(parse("m a=-1u")).isEqualTo(Outcome.INVALID);
        assertThat(parse("m a=1e400")).isEqualTo(Outcome.INVALID);
        assertThat(p.error()).contains("finite");
    }

    @Test
    void repeatedFieldKeepsTheLastValueAndRepeatedTagIsAnError() {
        assertThat(parse("m a=1i,b=2i,a=3i")).isEqualTo(Outcome.POINT);
        assertThat(p.fieldCount()).isEqualTo(2);
        assertThat(p.fieldKey(0)).isEqualTo("a");
        assertThat(p.fieldLong(0)).isEqualTo(3);
        assertThat(parse("m,t=1,t=2 a=1")).isEqualTo(Outcome.INVALID);
        assertThat(p.error()).contains("duplicate tag key 't'");
    }

    @Test
    void spacesBetweenSectionsTrailingSpacesAndTabsAreOrdinaryCharacters() {
        assertThat(parse("  m,t=1   a=1i   17  ")).isEqualTo(Outcome.POINT);
        assertThat(p.fieldLong(0)).isEqualTo(1);
        assertThat(p.timestamp()).isEqualTo(17);
        assertThat(parse("m\tx,t=a\tb f\t=\"\t\"")).isEqualTo(Outcome.POINT);
        assertThat(p.measurement()).isEqualTo("m\tx");
        assertThat(p.tagValue(0)).isEqualTo("a\tb");
        assertThat(p.fieldKey(0)).isEqualTo("f\t");
        assertThat(parse("m a=1\t")).isEqualTo(Outcome.INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "# a comment", "   #comment with = and ,"})
    void blankAndCommentLinesAreEmpty(String line) {
        assertThat(parse(line)).isEqualTo(Outcome.EMPTY);
        assertThat(p.error()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "m| missing field set after measurement 'm'",
            "m,t=1| missing field set after tag 't'",
            ",t=1 a=1| missing measurement at column 1",
            "m a| field 'a' at column 3 has no value",
            "m a=| missing value of field 'a' at column 5",
            "m a=1,| missing field key at column 7",
            "m a=1,,b=2| missing field key at column 7",
            "m,t a=1| tag key 't' at column 3 has no value",
            "m,t= a=1| missing value of tag 't' at column 5",
            "m,=v a=1| missing tag key at column 3",
            "m,t=a=b f=1| unescaped '=' in the value of tag 't' at column 6",
            "m a=\"abc| unterminated string value of field 'a' starting at column 5",
            "m a=\"abc\"x| unexpected 'x' at column 10 after field 'a'",
            "m a=abc| invalid field value 'abc' of field 'a' at column 5",
            "m a=1.2.3| invalid field value '1.2.3'",
            "m a=12x3i| invalid integer value '12x3i'",
            "m a=1 12a| invalid timestamp '12a' at column 7 (expected an integer)",
            "m a=1 1 2| unexpected text after the timestamp at column 9",
            "m a=1 99999999999999999999| out of the signed 64-bit range",
            "m a=NaN| invalid field value 'NaN'",
            "m a=-Inf| invalid field value '-Inf'",
    })
    void errorsSayWhatAndWhere(String line, String reason) {
        assertThat(parse(line)).as(line).isEqualTo(Outcome.INVALID);
        assertThat(p.error()).contains(reason.trim());
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] b = {'m', ' ', 'a', '=', '"', (byte) 0xc3, (byte) 0x28, '"'};
        assertThat(p.parse(b, 0, b.length)).isEqualTo(Outcome.INVALID);
        assertThat(p.error()).isEqualTo("invalid UTF-8 at byte 5");
    }

    @Test
    void unicodeIsKept() {
        assertThat(parse("température,lieu=Zürich wert=\"größer ✓\"")).isEqualTo(Outcome.POINT);
        assertThat(p.measurement()).isEqualTo("température");
        assertThat(p.tagValue(0)).isEqualTo("Zürich");
        assertThat(p.fieldString(0)).isEqualTo("größer ✓");
    }

    @Test
    void precisionScalesTheEventTime() {
        byte[] line = "m a=1 1700000000123".getBytes(StandardCharsets.UTF_8);
        InfluxLineParser ms = new InfluxLineParser(Precision.MS);
        assertThat(ms.parse(line, 0, line.length)).isEqualTo(Outcome.POINT);
        assertThat(ms.eventTime()).isEqualTo(Instant.ofEpochMilli(1700000000123L));
        InfluxLineParser us = new InfluxLineParser(Precision.US);
        us.parse(line, 0, line.length);
        assertThat(us.eventTime()).isEqualTo(Instant.ofEpochSecond(1700000, 123_000));
        byte[] neg = "m a=1 -1".getBytes(StandardCharsets.UTF_8);
        assertThat(p.parse(neg, 0, neg.length)).isEqualTo(Outcome.POINT);
        assertThat(p.eventTime()).isEqualTo(Instant.parse("1969-12-31T23:59:59.999999999Z"));
        InfluxLineParser s = new InfluxLineParser(Precision.S);
        byte[] far = "m a=1 9000000000000".getBytes(StandardCharsets.UTF_8);
        assertThat(s.parse(far, 0, far.length)).isEqualTo(Outcome.INVALID);
        assertThat(s.error()).contains("outside the years 0000-9999");
    }

    @Test
    void parsesARegionOfALargerArrayAndIsReusable() {
        byte[] b = "xxxm a=1i 5yyy".getBytes(StandardCharsets.UTF_8);
        assertThat(p.parse(b, 3, 8)).isEqualTo(Outcome.POINT);
        assertThat(p.measurement()).isEqualTo("m");
        assertThat(p.timestamp()).isEqualTo(5);
        assertThat(parse("n,t=1 b=2i,c=3i")).isEqualTo(Outcome.POINT);
        assertThat(p.tagCount()).isEqualTo(1);
        assertThat(p.fieldCount()).isEqualTo(2);
        assertThat(p.hasTimestamp()).isFalse();
    }
}
