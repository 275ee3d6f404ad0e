/**
 * The syslog input: {@link net.edgegw.adapters.syslog.SyslogSource} (UDP, TCP with RFC 6587 framing, TLS per RFC 5425)
 * configured by {@link net.edgegw.adapters.syslog.SyslogInputSettings}; {@link net.edgegw.adapters.syslog.SyslogParser} (RFC 5424,
 * RFC 3164/BSD and vendor variants) producing {@link net.edgegw.adapters.syslog.ParsedSyslog};
 * {@link net.edgegw.adapters.syslog.SyslogFrameDecoder} (octet counting / LF framing, bounded);
 * {@link net.edgegw.adapters.syslog.SyslogIngest} (parse, build the envelope, emit, reject); metric names in
 * {@link net.edgegw.adapters.syslog.SyslogMetrics}. Listener internals (initializers, handlers) are package-private.
 */
package net.edgegw.adapters.syslog;
