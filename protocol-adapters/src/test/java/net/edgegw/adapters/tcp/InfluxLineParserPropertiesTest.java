package net.edgegw.adapters.tcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.edgegw.adapters.tcp.InfluxLineParser.FieldType;
import net.edgegw.adapters.tcp.InfluxLineParser.Outcome;
import net.edgegw.adapters.tcp.TcpInputSettings.Precision;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trips: a point written with the escaping rules of the line protocol reference parses back to the same
 * measurement, tags, typed fields and timestamp; and no input makes the parser throw.
 */
class InfluxLineParserPropertiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Field(String key, FieldType type, long l, double d, String s, String text) {
    }

    record Point(String measurement, Map<String, String> tags, List<Field> fields, Long timestamp, String sep) {
        String write() {
            StringBuilder b = new StringBuilder(escape(measurement, ", "));
            tags.forEach((k, v) -> b.append(',').append(escape(k, ",= ")).append('=').append(escape(v, ",= ")));
            b.append(sep);
            for (int i = 0; i < fields.size(); i++) {
                Field f = fields.get(i);
                b.append(i == 0 ? "" : ",").append(escape(f.key(), ",= ")).append('=').append(f.text());
            }
            if (timestamp != null) {
                b.append(sep).append(timestamp);
            }
            return b.toString();
        }
    }

    /** Backslashes always doubled, then the element's special characters escaped. */
    static String escape(String s, String specials) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\\' || specials.indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    static Arbitrary<String> text(int min) {
        return Arbitraries.strings()
                .withCharRange('!', '~').withChars(' ', '\t', ',', '=', '\\', '"', '#')
                .withCharRange('à', 'ÿ').withCharRange('α', 'ω').withCharRange('一', (char) ('一' + 50))
                .ofMinLength(min).ofMaxLength(12);
    }

    static Arbitrary<Field> field() {
        Arbitrary<String> key = text(1);
        Arbitrary<Field> f = Arbitraries.doubles().filter(Double::isFinite)
                .map(d -> new Field(null, FieldType.FLOAT, 0, d, null, Double.toString(d)));
        Arbitrary<Field> i = Arbitraries.longs()
                .map(l -> new Field(null, FieldType.INTEGER, l, 0, null, l + "i"));
        Arbitrary<Field> u = Arbitraries.longs()
                .map(l -> new Field(null, FieldType.UNSIGNED, l, 0, null, Long.toUnsignedString(l) + "u"));
        Arbitrary<Field> s = text(0)
                .map(x -> new Field(null, FieldType.STRING, 0, 0, x, '"' + x.replace("\\", "\\\\").replace("\"", "\\\"") + '"'));
        Arbitrary<Field> bo = Arbitraries.of("t", "T", "true", "True", "TRUE", "f", "F", "false", "False", "FALSE")
                .map(x -> new Field(null, FieldType.BOOLEAN, x.toLowerCase().startsWith("t") ? 1 : 0, 0, null, x));
        return Combinators.combine(key, Arbitraries.oneOf(f, i, u, s, bo))
                .as((k, v) -> new Field(k, v.type(), v.l(), v.d(), v.s(), v.text()));
    }

    @Provide
    Arbitrary<Point> points() {
        Arbitrary<String> measurement = text(1).filter(m -> m.charAt(0) != '#');
        Arbitrary<Map<String, String>> tags = Arbitraries.maps(text(1), text(1)).ofMaxSize(4);
        Arbitrary<List<Field>> fields = field().list().ofMinSize(1).ofMaxSize(5)
                .uniqueElements(Field::key);
        Arbitrary<Long> ts = Arbitraries.longs().injectNull(0.3);
        Arbitrary<String> sep = Arbitraries.of(" ", "  ", "   ");
        return Combinators.combine(measurement, tags, fields, ts, sep).as(Point::new);
    }

    @Property(tries = 1000)
    void writtenPointsParseBackExactly(@ForAll("points") Point point) throws Exception {
        String line = point.write();
        InfluxLineParser p = new InfluxLineParser(Precision.NS);
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        assertThat(p.parse(b, 0, b.length)).as("%s -> %s", line, p.error()).isEqualTo(Outcome.POINT);
        assertThat(p.measurement()).isEqualTo(point.measurement());
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < p.tagCount(); i++) {
            tags.put(p.tagKey(i), p.tagValue(i));
        }
        assertThat(tags).containsExactlyEntriesOf(point.tags());
        assertThat(p.fieldCount()).isEqualTo(point.fields().size());
        for (int i = 0; i < p.fieldCount(); i++) {
            Field f = point.fields().get(i);
            assertThat(p.fieldKey(i)).isEqualTo(f.key());
            assertThat(p.fieldType(i)).isEqualTo(f.type());
            switch (f.type()) {
                case FLOAT -> assertThat(Double.doubleToLongBits(p.fieldDouble(i))).isEqualTo(Double.doubleToLongBits(f.d()));
                case STRING -> assertThat(p.fieldString(i)).isEqualTo(f.s());
                default -> assertThat(p.fieldLong(i)).isEqualTo(f.l());
            }
        }
        assertThat(p.hasTimestamp()).isEqualTo(point.timestamp() != null);
        if (point.timestamp() != null) {
            assertThat(p.timestamp()).isEqualTo(point.timestamp());
            assertThat(p.eventTime()).isEqualTo(InfluxLineParser.toInstant(point.timestamp(), Precision.NS));
        }

        JsonNode j = JSON.readTree(p.toJson());
        assertThat(j.get("measurement").asText()).isEqualTo(point.measurement());
        assertThat(j.get("tags").size()).isEqualTo(point.tags().size());
        point.tags().forEach((k, v) -> assertThat(j.get("tags").get(k).asText()).isEqualTo(v));
        for (Field f : point.fields()) {
            JsonNode v = j.get("fields").get(f.key());
            switch (f.type()) {
                case FLOAT -> assertThat(v.isDouble() && v.doubleValue() == f.d()).as("%s", v).isTrue();
                case INTEGER -> assertThat(v.longValue()).isEqualTo(f.l());
                case UNSIGNED -> assertThat(v.bigIntegerValue().toString()).isEqualTo(Long.toUnsignedString(f.l()));
                case STRING -> assertThat(v.asText()).isEqualTo(f.s());
                case BOOLEAN -> assertThat(v.booleanValue()).isEqualTo(f.l() == 1);
            }
        }
        assertThat(j.get("timestamp").isNull()).isEqualTo(point.timestamp() == null);
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
        Arbitrary<byte[]> lineish = Arbitraries.strings().withChars("m,=\\\" \tfi1u.e-#tT0")
                .ofMaxLength(40).map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(random, lineish);
    }

    @Property(tries = 3000)
    void noInputMakesItThrowAndEveryPointIsValidJson(@ForAll("garbage") byte[] line) throws Exception {
        InfluxLineParser p = new InfluxLineParser(Precision.NS);
        Outcome o = p.parse(line, 0, line.length);
        if (o == Outcome.POINT) {
            assertThat(p.measurement()).isNotEmpty();
            assertThat(p.fieldCount()).isPositive();
            JsonNode j = JSON.readTree(p.toJson());
            assertThat(j.get("fields").size()).isEqualTo(p.fieldCount());
            assertThat(p.error()).isNull();
        } else if (o == Outcome.INVALID) {
            assertThat(p.error()).isNotBlank();
        }
    }
}
