/**
 * The syslog input: {@link net.edgegw.syslog.SyslogSource} (UDP, TCP with RFC 6587 framing, TLS per RFC 5425)
 * configured by {@link net.edgegw.syslog.SyslogInputSettings}; {@link net.edgegw.syslog.SyslogParser} (RFC 5424,
 * RFC 3164/BSD and vendor variants) producing {@link net.edgegw.syslog.ParsedSyslog};
 * {@link net.edgegw.syslog.SyslogFrameDecoder} (octet counting / LF framing, bounded);
 * {@link net.edgegw.syslog.SyslogIngest} (parse, build the envelope, emit, reject); metric names in
 * {@link net.edgegw.syslog.SyslogMetrics}. Listener internals (initializers, handlers) are package-private.
 */
package net.edgegw.syslog;
