package net.edgegw.gateway;

import java.util.Locale;

/** Sizes and ages for people: {@code 41.2 MiB}, {@code 3 m 12 s}. Stateless. */
final class HumanUnits {
    private static final String[] BYTE_UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};

    private HumanUnits() {
    }

    /** {@code 512 B}, {@code 1.0 KiB}, {@code 41.2 MiB} (binary units, one decimal). */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int u = -1;
        while (v >= 1024 && u < BYTE_UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, BYTE_UNITS[u]);
    }

    /** {@code 850 ms}, {@code 12 s}, {@code 3 m 12 s}, {@code 2 h 5 m}, {@code 3 d 4 h}. */
    static String age(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " m " + s % 60 + " s";
        }
        if (s < 86_400) {
            return s / 3600 + " h " + s % 3600 / 60 + " m";
        }
        return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
    }
}
