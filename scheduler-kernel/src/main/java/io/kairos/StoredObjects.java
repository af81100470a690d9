package io.kairos;

import com.sun.jna.Pointer;
import io.kairos.internal.object.DefaultSerializer;
import io.kairos.spi.serialization.Serializer;
import io.kairos.store.ObjectId;
import io.kairos.store.SharedObjectStore;
import io.kairos.store.StoreException;
import io.kairos.store.StoreStats;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's large objects: values whose serialized size reaches the inline threshold are written once into the
 * shared object store, through the first {@link Serializer} that supports them, and pinned by this kernel for as
 * long as their {@link ObjectState} is reachable (an {@link ObjectRef}, a pending task); a {@link Cleaner} then
 * releases and deletes them. So a live object is never evicted, and any attached process can read it.
 *
 * <p>Layout of a stored object: {@code [type id: int][reserved: int][the serializer's bytes]}.
 */
final class StoredObjects implements AutoCloseable {
    private static final int HEADER = 8;

    private final SharedObjectStore store;
    private final List<Serializer> serializers;
    private final long inlineThreshold;
    /** One cleaner thread per process, shared by every kernel: closing a kernel leaves no thread behind. */
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        final Thread t = new Thread(r, "kairos-object-cleaner");
        t.setDaemon(true);
        return t;
    });

    /** The process's cleaner thread, shared with device-resident objects. */
    static Cleaner cleaner() {
        return CLEANER;
    }

    StoredObjects(final SharedObjectStore store, final List<Serializer> plugins, final long inlineThreshold) {
        this.store = store;
        this.serializers = new ArrayList<>(plugins);
        this.serializers.add(new DefaultSerializer());
        this.inlineThreshold = inlineThreshold;
    }

    /**
     * Writes value into the store and makes state refer to it, if it is large enough; false keeps it inline (small,
     * no serializer for it, or no room in the store).
     */
    boolean store(final ObjectState state, final Object original) {
        if (original == null || !worthStoring(original)) {
            return false;
        }
        final Serializer serializer = serializerFor(original);
        if (serializer == null) {
            return false;
        }
        final Object value = serializer instanceof DefaultSerializer ? DefaultSerializer.prepare(original) : original;
        final long size = serializer.serializedSize(value);
        if (size + HEADER < inlineThreshold || size + HEADER > SharedObjectStore.MAX_OBJECT_SIZE) {
            return false;
        }
        final ObjectId id = ObjectId.random();
        final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
        try {
            store.create(id, size + HEADER, buffer);
        } catch (final StoreException e) {
            return false;  // e.g. full of pinned objects: the value stays on the heap
        }
        try {
            buffer.putInt(0, serializer.typeId());
            buffer.putInt(4, 0);
            final ByteBuffer out = new Pointer(buffer.addressOffset() + HEADER).getByteBuffer(0, size)
                .order(ByteOrder.BIG_ENDIAN);
            serializer.write(value, out);
            if (out.hasRemaining()) {
                throw new IllegalStateException(serializer.getClass().getName() + " wrote " + out.position()
                    + " bytes, announced " + size);
            }
            store.seal(id);
            store.get(id, 0, buffer);  // this kernel's pin: the object stays until the state is unreachable
        } catch (final RuntimeException e) {
            store.abort(id);
            throw e;
        }
        state.stored(this, buffer.addressOffset(), buffer.capacity());
        CLEANER.register(state, new Unpin(store, id));
        return true;
    }

    /** Reads a stored value back (a fresh copy, as Ray's get). */
    Object read(final long address, final int length) {
        final UnsafeBuffer header = new UnsafeBuffer(address, HEADER);
        final int typeId = header.getInt(0);
        for (final Serializer serializer : serializers) {
            if (serializer.typeId() == typeId) {
                return serializer.read(new Pointer(address + HEADER).getByteBuffer(0, length - HEADER)
                    .asReadOnlyBuffer().order(ByteOrder.BIG_ENDIAN));
            }
        }
        throw new IllegalStateException("no serializer with type id " + typeId + " is registered");
    }

    StoreStats stats() {
        return store.stats();
    }

    String storeName() {
        return store.name();
    }

    @Override
    public void close() {
        store.close();
    }

    private boolean worthStoring(final Object value) {
        // Cheap pre-checks so that small values never pay for a serializer lookup.
        if (value instanceof byte[]) {
            return ((byte[]) value).length + 1L + HEADER >= inlineThreshold;
        }
        if (value instanceof ByteBuffer) {
            return ((ByteBuffer) value).remaining() + 1L + HEADER >= inlineThreshold;
        }
        if (value instanceof String) {
            return ((String) value).length() * 3L + 1 + HEADER >= inlineThreshold;
        }
        return !(value instanceof Number || value instanceof Boolean || value instanceof Character);
    }

    private Serializer serializerFor(final Object value) {
        for (final Serializer serializer : serializers) {
            if (serializer.supports(value)) {
                return serializer;
            }
        }
        return null;
    }

    /** The Cleaner's action: no reference to the state, only what it needs to let the object go. */
    private static final class Unpin implements Runnable {
        private final SharedObjectStore store;
        private final ObjectId id;

        Unpin(final SharedObjectStore store, final ObjectId id) {
            this.store = store;
            this.id = id;
        }

        @Override
        public void run() {
            try {
                store.release(id);
                store.delete(id);
            } catch (final StoreException e) {
                // the store is closed: the object went with it
            }
        }
    }
}
