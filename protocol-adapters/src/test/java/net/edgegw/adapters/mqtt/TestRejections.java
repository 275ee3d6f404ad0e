package net.edgegw.adapters.mqtt;

import net.edgegw.core.Rejections;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records rejections. */
final class TestRejections implements Rejections {
    record Rejection(String input, String reason, String detail, byte[] raw) {
    }

    final List<Rejection> all = new CopyOnWriteArrayList<>();

    @Override
    public void reject(String input, String reason, String detail, byte[] raw, String peer) {
        all.add(new Rejection(input, reason, detail, raw));
    }
}
