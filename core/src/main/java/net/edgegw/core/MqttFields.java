package net.edgegw.core;

/** The {@code mqtt} block of the envelope. */
public record MqttFields(String topic, int qos, boolean retained) {
    public MqttFields {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("mqtt topic is required");
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos out of range 0-2: " + qos);
        }
    }
}
