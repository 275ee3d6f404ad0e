package net.edgegw.core;

/**
 * An input (syslog listener, MQTT subscription, TCP listener). Lifecycle: {@link #start} once, {@link #close}
 * any number of times; close stops accepting new input and returns after in-flight records were emitted.
 */
public interface Source extends AutoCloseable {

    /** The configured input name. */
    String name();

    /** Binds / connects and starts emitting into {@code ctx.emitter()}. Throws if it cannot start (port in use...). */
    void start(SourceContext ctx) throws Exception;

    /** The local address a listening source is bound to after {@link #start}, or null (MQTT clients). */
    default java.net.InetSocketAddress boundAddress() {
        return null;
    }

    @Override
    void close();
}
