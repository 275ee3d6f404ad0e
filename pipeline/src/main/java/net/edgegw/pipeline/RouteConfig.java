package net.edgegw.pipeline;

/**
 * A routing rule, first match wins. Null match fields match anything. Immutable.
 *
 * @param input          match records of this input
 * @param source         match records of this source kind (its wire name: {@code syslog}, {@code mqtt}, ...)
 * @param severityAtMost match records with a severity at most this (records without one do not match)
 * @param contains       match records whose message contains this text
 * @param lane           the lane for matching records, or null for the input's lane
 * @param topic          the topic for matching records, or null for the input's topic
 * @param drop           true to drop matching records (counted as filtered)
 */
public record RouteConfig(String input, String source, Integer severityAtMost, String contains, String lane,
                          String topic, boolean drop) {
}
