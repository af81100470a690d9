package io.kairos.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One real shared-memory store per test VM (the native library through JNI, as the kernel uses it), removed when the
 * VM exits. Each test state takes fresh object ids, so states never see each other's objects.
 */
final class JcstressStore {
    static final SharedObjectStore STORE;
    private static final AtomicLong NEXT_ID = new AtomicLong();
    private static final long RUN = ProcessHandle.current().pid();

    static {
        STORE = SharedObjectStore.create("jcstress-" + RUN, 256L << 20, 1 << 20);
        Runtime.getRuntime().addShutdownHook(new Thread(STORE::close, "jcstress-store-close"));
    }

    private JcstressStore() {
    }

    static ObjectId newId() {
        return ObjectId.of(RUN, NEXT_ID.incrementAndGet());
    }

    /** Puts an 8-byte object holding value under a new id. */
    static ObjectId putLong(final long value) {
        final ObjectId id = newId();
        putLong(id, value);
        return id;
    }

    static void putLong(final ObjectId id, final long value) {
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[8]);
        bytes.putLong(0, value);
        STORE.put(id, bytes, 0, 8);
    }

    /** Pins the object, reads its value and releases the pin: the value, or -1 if the object is gone. */
    static long getLong(final ObjectId id) {
        final DirectBuffer value;
        try {
            value = STORE.get(id, Duration.ZERO);
        } catch (final ObjectNotFoundException gone) {
            return -1;
        }
        final long read = value.getLong(0);
        STORE.release(id);
        return read;
    }

    /**
     * Whether the object's entry is gone from the store's table (freed, not only hidden): a new object with its id
     * can be created. The probe is deleted again.
     */
    static boolean freed(final ObjectId id) {
        try {
            putLong(id, 0);
        } catch (final StoreException exists) {
            return false;
        }
        STORE.delete(id);
        return true;
    }
}
