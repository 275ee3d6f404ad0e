package net.edgegw.adapters.mqtt;

import net.edgegw.adapters.InputCommon;
import net.edgegw.adapters.mqtt.MqttInputSettings.MqttTls;
import net.edgegw.adapters.mqtt.MqttInputSettings.Version;
import net.edgegw.core.config.Fields;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validates the keys of a {@code type: mqtt} input: {@code broker}, {@code version}, {@code clientId}, {@code topics},
 * {@code qos}, {@code username}, {@code password} / {@code passwordFile}, {@code tls} ({@code ca}, {@code cert},
 * {@code key}), {@code hostFrom}, {@code maxPayloadBytes}, {@code sessionExpiry}, {@code keepAlive},
 * {@code reconnectMax}. Every error names its key; the password is never part of a message.
 * Stateless.
 */
final class MqttInputParser {

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private MqttInputParser() {
    }

    /** The input, or null after reporting errors into {@code in}. Calls {@code in.finish()}. */
    static MqttInput parse(Fields in, InputCommon common) {
        String name = common.name();
        Errors err = new Errors(in);
        String broker = in.requiredString("broker");
        if (broker != null) {
            String e = MqttInputSettings.brokerError(broker);
            if (e != null) {
                err.at(in.child("broker"), e);
            }
        }
        String versionText = in.string("version", "5");
        Version version = switch (versionText) {
            case "5", "5.0" -> Version.V5;
            case "3.1.1", "3" -> Version.V3_1_1;
            default -> {
                err.at(in.child("version"), "must be 5 or 3.1.1, got '" + versionText + "'");
                yield Version.V5;
            }
        };
        String clientId = in.matching("clientId", null, CLIENT_ID,
                "a valid client id (1-128 letters, digits, '_', '.', ':', '-')");
        List<String> topics = in.stringList("topics");
        if (topics.isEmpty() && !in.has("topics")) {
            err.at(in.child("topics"), "is required: a list of topic filters such as [\"sensors/#\"]");
        } else if (topics.isEmpty()) {
            err.at(in.child("topics"), "needs at least one topic filter");
        }
        for (int i = 0; i < topics.size(); i++) {
            String e = TopicFilters.filterError(topics.get(i));
            if (e != null) {
                err.at(in.child("topics") + "[" + i + "]", "topic filter '" + topics.get(i) + "' " + e);
            }
        }
        int qos = in.integer("qos", 1, 0, 2);
        String username = in.string("username", null);
        String password = in.string("password", null);
        String passwordFile = in.string("passwordFile", null);
        if (password != null && passwordFile != null) {
            err.at(in.child("passwordFile"), "give either password or passwordFile, not both");
        }
        if (passwordFile != null) {
            Path f = common.resolve(passwordFile);
            try {
                password = Files.readString(f, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                err.at(in.child("passwordFile"), "file not found or not readable: " + f);
            }
        }
        if (password != null && username == null) {
            err.at(in.child("username"), "is required when a password is given");
        }
        MqttTls tls = null;
        Fields t = in.object("tls");
        if (in.has("tls")) {
            Path ca = file(t, "ca", common, err);
            Path cert = file(t, "cert", common, err);
            Path key = file(t, "key", common, err);
            if ((cert == null) != (key == null)) {
                err.at(t.path(), "a client certificate (cert) needs its key (key), and vice versa");
            } else {
                tls = new MqttTls(ca, cert, key);
            }
            if (broker != null && broker.toLowerCase(java.util.Locale.ROOT).matches("(tcp|mqtt)://.*")) {
                err.at(in.child("broker"), "tls is configured: use ssl:// or mqtts:// instead of '" + broker + "'");
            }
        }
        t.finish();
        String hostFrom = in.string("hostFrom", null);
        if (hostFrom != null) {
            String e = HostTemplate.templateError(hostFrom);
            if (e != null) {
                err.at(in.child("hostFrom"), "'" + hostFrom + "' " + e);
            }
        }
        int maxPayload = (int) in.size("maxPayloadBytes", MqttInputSettings.DEFAULT_MAX_PAYLOAD_BYTES, 1,
                MqttInputSettings.MAX_MAX_PAYLOAD_BYTES);
        Duration sessionExpiry = in.duration("sessionExpiry", MqttInputSettings.DEFAULT_SESSION_EXPIRY, Duration.ofSeconds(1));
        if (sessionExpiry.toSeconds() > 0xFFFF_FFFEL) {
            err.at(in.child("sessionExpiry"), "must be at most 4294967294 s (about 136 years)");
            sessionExpiry = MqttInputSettings.DEFAULT_SESSION_EXPIRY;
        }
        Duration keepAlive = in.duration("keepAlive", MqttInputSettings.DEFAULT_KEEP_ALIVE, Duration.ofSeconds(1));
        if (keepAlive.toSeconds() > 65535) {
            err.at(in.child("keepAlive"), "must be at most 65535 s");
            keepAlive = MqttInputSettings.DEFAULT_KEEP_ALIVE;
        }
        Duration reconnectMax = in.duration("reconnectMax", MqttInputSettings.DEFAULT_RECONNECT_MAX, Duration.ofMillis(100));
        in.finish();
        if (err.any || name == null || broker == null) {
            return null; // (errors that Fields reported itself leave defaults here; the loader refuses the file anyway)
        }
        Duration reconnectMin = reconnectMax.compareTo(MqttInputSettings.DEFAULT_RECONNECT_MIN) < 0
                ? reconnectMax : MqttInputSettings.DEFAULT_RECONNECT_MIN;
        try {
            return new MqttInput(name, common.lane(), common.topic(), new MqttInputSettings(name, version, broker, clientId, topics, qos,
                    username, password, tls, hostFrom, maxPayload, sessionExpiry, keepAlive, reconnectMin, reconnectMax));
        } catch (IllegalArgumentException e) {
            err.at(in.path(), e.getMessage());
            return null;
        }
    }

    private static Path file(Fields t, String key, InputCommon common, Errors err) {
        String v = t.string(key, null);
        if (v == null) {
            return null;
        }
        Path p = common.resolve(v);
        if (!Files.isReadable(p)) {
            err.at(t.child(key), "file not found or not readable: " + p);
        }
        return p;
    }

    /** Reports errors and remembers that there were some. */
    private static final class Errors {
        private final Fields fields;
        boolean any;

        Errors(Fields fields) {
            this.fields = fields;
        }

        void at(String key, String message) {
            any = true;
            fields.error(key, message);
        }
    }
}
