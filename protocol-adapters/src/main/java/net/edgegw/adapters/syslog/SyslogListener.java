package net.edgegw.adapters.syslog;

import java.net.InetSocketAddress;

/** A bound listener of one input (UDP or TCP/TLS). */
interface SyslogListener extends AutoCloseable {

    InetSocketAddress localAddress();

    /** Stops receiving, lets in-flight messages finish, shuts the event loops down. Idempotent. */
    @Override
    void close();
}
