package net.edgegw.core;

/**
 * The validated configuration of one input, of any kind (a {@code type:} of the gateway's {@code inputs} list).
 * Implementations are immutable records, one per input kind, defined next to their source.
 */
public interface InputConfig {

    /** The {@code type:} value of this input's kind ({@code syslog}, {@code mqtt}, {@code tcp}...). */
    String type();

    /** The configured input name. */
    String name();

    /** Lane for this input's records unless a route says otherwise. */
    String lane();

    /** Topic override, or null for the default topic of the source kind. */
    String topic();

    /** A short human description for the start-up log, such as {@code udp syslog}; by default the {@link #type}. */
    default String describe() {
        return type();
    }
}
