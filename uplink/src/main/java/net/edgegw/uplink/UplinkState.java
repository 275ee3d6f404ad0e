package net.edgegw.uplink;

import java.util.Locale;

/** State of the uplink (or of one lane). */
public enum UplinkState {
    /** Not yet connected since start. */
    CONNECTING(0),
    /** Connected: the last attempt succeeded. */
    UP(1),
    /** The last attempt failed; retrying with back-off (or stopped, see the error). */
    DOWN(2);

    private final int code;

    UplinkState(int code) {
        this.code = code;
    }

    /** The value of the {@code uplink.state} gauge. */
    public int code() {
        return code;
    }

    /** Lower-case name for JSON (heartbeat, status API). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
