/**
 * The MQTT input: Eclipse Paho (MQTT 5 and 3.1.1), persistent session, acknowledgement after the durable buffer took
 * the message, duplicate suppression after crashes. Entry point: {@link net.edgegw.adapters.mqtt.MqttSource}.
 */
package net.edgegw.adapters.mqtt;
