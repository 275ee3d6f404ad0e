package net.edgegw.storeforward;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets waiting readers sleep until an append (no lost wake-ups: arm, re-check, park). Thread-safe.
 */
final class ReaderWakeup {
    private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();
    private final AtomicInteger waiting = new AtomicInteger();

    void arm() {
        waiters.add(Thread.currentThread());
        waiting.incrementAndGet();
    }

    void disarm() {
        waiting.decrementAndGet();
        waiters.remove(Thread.currentThread());
    }

    void park(long nanos) {
        LockSupport.parkNanos(this, nanos);
    }

    void wake() {
        if (waiting.get() > 0) {
            for (Thread t : waiters) {
                LockSupport.unpark(t);
            }
        }
    }
}
