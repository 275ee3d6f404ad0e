package net.edgegw.adapters.net;

import net.edgegw.core.Source;
import net.edgegw.core.SourceContext;
import org.slf4j.Logger;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The lifecycle every listening input shares over its {@link NettyServer}: {@link #start} once (binds
 * synchronously), {@link #boundAddress} after, {@link #close} any number of times. Subclasses bind in {@link #bind}
 * and may run work in {@link #beforeLoopsStop} while closing. Thread-safe (the lifecycle methods synchronize on the
 * source).
 */
public abstract class ListeningSource implements Source {

    private final String kind;
    private final String name;
    private final Logger log;
    private NettyServer listener;
    private boolean started;
    private boolean closed;

    /**
     * @param kind the kind, as in messages ({@code syslog}, {@code tcp})
     * @param name the input name
     * @param log  the input's logger (start and stop are logged there)
     */
    protected ListeningSource(String kind, String name, Logger log) {
        this.kind = kind;
        this.name = name;
        this.log = log;
    }

    @Override
    public final String name() {
        return name;
    }

    /** {@code <kind> input '<name>'}, as in messages. */
    protected final String label() {
        return kind + " input '" + name + "'";
    }

    /**
     * Binds this input's listener for {@code ctx} and logs where it listens. Called once, under the source's lock.
     *
     * @throws java.net.BindException naming the input, protocol and address when the port is in use or not allowed
     */
    protected abstract NettyServer bind(SourceContext ctx) throws Exception;

    /** Runs while closing, after the connections closed and while the event loops still run. Nothing by default. */
    protected void beforeLoopsStop() {
    }

    /**
     * Binds synchronously.
     *
     * @throws java.net.BindException naming the input, protocol and address when the port is in use or not allowed
     * @throws IllegalStateException  when started twice or after close
     */
    @Override
    public final synchronized void start(SourceContext ctx) throws Exception {
        Objects.requireNonNull(ctx, "ctx");
        if (started || closed) {
            throw new IllegalStateException(label() + " was already " + (closed ? "closed" : "started"));
        }
        started = true;
        listener = bind(ctx);
    }

    /** The address actually bound (the real port when bound to port 0). */
    @Override
    public final synchronized InetSocketAddress boundAddress() {
        if (listener == null) {
            throw new IllegalStateException(label() + " is not started");
        }
        return listener.localAddress();
    }

    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (listener != null) {
            listener.close(this::beforeLoopsStop);
            log.info("{} input '{}' stopped", kind, name);
        }
    }
}
