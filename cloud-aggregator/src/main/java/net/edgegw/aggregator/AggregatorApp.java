package net.edgegw.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;

/**
 * Wiring of {@code cloud-aggregator run}: topics, the Kafka Streams application (health topology plus dashboard
 * views), the dashboard server and the webhook notifier, with an ordered shutdown. Owned by the main wiring.
 */
public final class AggregatorApp implements AutoCloseable {

    private AggregatorApp() {
    }

    /** Starts everything and returns once the dashboard is listening; {@link #close()} stops in reverse order. */
    public static AggregatorApp start(AggregatorConfig config) {
        throw new UnsupportedOperationException("wired by the main wiring (in progress)");
    }

    /** Blocks until {@link #close()} is called or Kafka Streams fails for good. */
    public void awaitShutdown() throws InterruptedException {
        throw new UnsupportedOperationException("in progress");
    }

    @Override
    public void close() {
    }
}
