package net.edgegw.aggregator.mirror;

import net.edgegw.testkit.EmbeddedKafka;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A regional and a central embedded KRaft cluster, started in parallel, for the MirrorMaker 2 tests. */
public record TwoClusters(EmbeddedKafka region, EmbeddedKafka central) implements AutoCloseable {

    /** Starts both under {@code dir}/region and {@code dir}/central; if one fails, the other is closed. */
    public static TwoClusters start(Path dir) {
        var r = CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(dir.resolve("region")));
        var c = CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(dir.resolve("central")));
        try {
            CompletableFuture.allOf(r, c).join();
        } catch (CompletionException e) {
            r.thenAccept(EmbeddedKafka::close);
            c.thenAccept(EmbeddedKafka::close);
            throw e;
        }
        return new TwoClusters(r.join(), c.join());
    }

    @Override
    public void close() {
        try {
            region.close();
        } finally {
            central.close();
        }
    }
}
