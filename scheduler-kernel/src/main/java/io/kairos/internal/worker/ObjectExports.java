package io.kairos.internal.worker;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The objects of one kernel that were serialized by reference (an {@code ObjectRef} inside a value): by object id, so
 * that the kernel's worker processes can ask for them ({@link WorkerProtocol#GET}) and a value read back in this JVM
 * gets the same ref. The table holds its objects weakly: it keeps none alive, a ref inside a value does not (whoever
 * serialized it keeps the ref if the object is to stay). Each kernel's table is found by its random token while the
 * kernel is open ({@link #live}); its worker processes are given the token.
 *
 * <p>Thread-safety: any thread.
 */
public final class ObjectExports {
    private static final ConcurrentHashMap<Long, ObjectExports> LIVE = new ConcurrentHashMap<>();

    private final long token;
    private final ConcurrentHashMap<Long, Entry> objects = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

    private static final class Entry extends WeakReference<Object> {
        final long id;

        Entry(final long id, final Object object, final ReferenceQueue<Object> queue) {
            super(object, queue);
            this.id = id;
        }
    }

    /** A new table with a fresh token, found by {@link #live} until {@link #close}. */
    public ObjectExports() {
        long t;
        do {
            t = ThreadLocalRandom.current().nextLong();
        } while (t == 0 || LIVE.putIfAbsent(t, this) != null);
        this.token = t;
    }

    /**
     * The table of the open kernel with that token in this JVM.
     *
     * @param token a kernel's token
     * @return its table, or null if no open kernel of this JVM has that token
     */
    public static ObjectExports live(final long token) {
        return LIVE.get(token);
    }

    /** @return this kernel's token, which its serialized refs carry */
    public long token() {
        return token;
    }

    /**
     * Adds an object that is being serialized by reference.
     *
     * @param id     its object id
     * @param object the object (held weakly)
     */
    public void export(final long id, final Object object) {
        Entry gone;
        while ((gone = (Entry) collected.poll()) != null) {
            objects.remove(gone.id, gone);
        }
        final Entry present = objects.get(id);
        if (present == null || present.get() != object) {
            objects.put(id, new Entry(id, object, collected));
        }
    }

    /**
     * @param id an object id
     * @return the object serialized by reference with that id, or null if none was or it has been freed since
     */
    public Object get(final long id) {
        final Entry entry = objects.get(id);
        return entry == null ? null : entry.get();
    }

    /** The kernel closed: its refs no longer resolve here. */
    public void close() {
        LIVE.remove(token, this);
        objects.clear();
    }
}
