/**
 * Network helpers shared by the Netty inputs (syslog now, the TCP input later): {@link net.edgegw.adapters.net.Cidr}
 * and {@link net.edgegw.adapters.net.AllowList} for source allow-lists, {@link net.edgegw.adapters.net.TlsSettings}
 * and {@link net.edgegw.adapters.net.ServerTls} for server TLS from PEM files.
 */
package net.edgegw.adapters.net;
