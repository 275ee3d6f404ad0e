package net.edgegw.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HumanUnitsTest {

    @Test
    void bytesInBinaryUnitsWithOneDecimal() {
        assertThat(HumanUnits.bytes(0)).isEqualTo("0 B");
        assertThat(HumanUnits.bytes(1023)).isEqualTo("1023 B");
        assertThat(HumanUnits.bytes(1024)).isEqualTo("1.0 KiB");
        assertThat(HumanUnits.bytes((long) (41.2 * (1 << 20)))).isEqualTo("41.2 MiB");
        assertThat(HumanUnits.bytes(8L << 30)).isEqualTo("8.0 GiB");
    }

    @Test
    void agesInTheTwoLargestUnits() {
        assertThat(HumanUnits.age(850)).isEqualTo("850 ms");
        assertThat(HumanUnits.age(12_400)).isEqualTo("12 s");
        assertThat(HumanUnits.age(192_000)).isEqualTo("3 m 12 s");
        assertThat(HumanUnits.age(2 * 3_600_000L + 5 * 60_000)).isEqualTo("2 h 5 m");
        assertThat(HumanUnits.age(3 * 86_400_000L + 4 * 3_600_000L)).isEqualTo("3 d 4 h");
    }
}
