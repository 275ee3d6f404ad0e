package net.edgegw.adapters.syslog;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class StringCacheTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hitsReturnTheSameInstance() {
        StringCache c = new StringCache(64);
        byte[] a = b("xx core-router-01.site-0042.example.net yy");
        String first = c.get(a, 3, 36);
        assertThat(first).isEqualTo("core-router-01.site-0042.example.net");
        assertThat(c.get(b("core-router-01.site-0042.example.net"), 0, 36)).isSameAs(first);
        assertThat(c.get(b("core-router-02.site-0042.example.net"), 0, 36)).isEqualTo("core-router-02.site-0042.example.net");
    }

    @Test
    void tinyCacheWithCollisionsStaysCorrect() {
        StringCache c = new StringCache(2);
        for (int round = 0; round < 3; round++) {
            for (String s : new String[]{"a", "bb", "ccc", "sshd", "kernel", "exampleSDID@32473", "é-ü", ""}) {
                assertThat(c.get(b(s), 0, b(s).length)).isEqualTo(s);
            }
        }
    }

    @Test
    void prefixLongAndInvalidUtf8() {
        StringCache kv = new StringCache(16, "kv.");
        assertThat(kv.get(b("devname"), 0, 7)).isEqualTo("kv.devname");
        assertThat(kv.get(b("devname"), 0, 7)).isSameAs(kv.get(b("devname"), 0, 7));
        String longer = "x".repeat(StringCache.MAX_LEN + 1);
        assertThat(new StringCache(16).get(b(longer), 0, longer.length())).isEqualTo(longer);
        assertThat(new StringCache(16).get(new byte[]{'a', (byte) 0xff}, 0, 2)).isEqualTo("a\uFFFD");
    }

    @Property(tries = 500)
    void alwaysEqualsPlainDecoding(@ForAll @Size(max = 80) byte[] bytes, @ForAll @Size(max = 80) byte[] other) {
        StringCache c = new StringCache(4);
        for (byte[] x : new byte[][]{bytes, other, bytes, other}) {
            assertThat(c.get(x, 0, x.length)).isEqualTo(new String(x, StandardCharsets.UTF_8));
        }
    }
}
