package net.edgegw.storeforward;

import java.lang.reflect.Method;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.WriteLock;

/**
 * Releases the queue's write lock (in {@code metadata.cq4t}) that a failed append left held. Chronicle releases it
 * when an excerpt fails with an exception, but not when the fault is an {@link Error} while it opens the excerpt (the
 * {@code InternalError} of a SIGBUS in a page a full filesystem cannot back): every later append of the process would
 * then wait for it and time out. The lane holds its own lock and has one appender, so a write lock held by this
 * process at that point is the stale one. Chronicle keeps the lock accessor package-private, hence the reflection.
 * Stateless; call under the lane's lock.
 */
final class StaleWriteLock {
    private StaleWriteLock() {
    }

    /** Unlocks the queue's write lock if it is held (by this process); false if it could not be reached. */
    static boolean release(SingleChronicleQueue queue) {
        try {
            Method m = SingleChronicleQueue.class.getDeclaredMethod("writeLock");
            m.setAccessible(true);
            WriteLock lock = (WriteLock) m.invoke(queue);
            if (lock.locked()) {
                lock.unlock();
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
