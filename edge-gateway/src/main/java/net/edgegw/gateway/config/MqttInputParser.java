package net.edgegw.gateway.config;

import java.nio.file.Path;

/** Validates the keys of a {@code type: mqtt} input. */
final class MqttInputParser {

    private MqttInputParser() {
    }

    /** The input, or null after reporting errors into {@code in}. Must call {@code in.finish()}. */
    static GatewayConfig.InputConfig parse(Fields in, String name, String lane, String topic, Path baseDir) {
        in.error(in.child("type"), "input type 'mqtt' is not available in this version (supported: syslog)");
        return null;
    }
}
