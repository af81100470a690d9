package io.kairos.internal.conductor;

import com.sun.jna.Pointer;
import io.kairos.internal.object.Stored;
import io.kairos.internal.object.StoredObjects;
import io.kairos.spi.cluster.ObjectSource;
import org.agrona.collections.Long2ObjectHashMap;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Owner side of large arguments sent by reference: a task forwarded to another member with an argument of at least
 * {@link HeldResults#HOLD_THRESHOLD_BYTES} in this kernel's store carries only the argument's export id and length
 * ({@link ClusterWire#REF}); the member pulls the bytes on the transport's bulk channel, straight from this store into
 * its own, as Ray's executors pull their arguments. The argument stays pinned here (no spill moves it) until the task
 * comes back (result, refusal, spill-back, or its member left), and is served only to the members it was sent to.
 *
 * <p>Export ids are object ids with {@link #EXPORT_BIT} set, so a pull of one never meets a held result's task id.
 * Thread-safety: the conductor exports and releases; the bulk channel's threads {@link #open} (a concurrent table).
 */
final class ArgExports {
    /** Marks an export id in a bulk pull (held results' ids are task ids, positive). */
    static final long EXPORT_BIT = 1L << 62;

    private final Map<Long, Export> byId = new ConcurrentHashMap<>();
    /** Exports of each forwarded task in flight, by task id. Conductor. */
    private final Long2ObjectHashMap<List<Export>> byTask = new Long2ObjectHashMap<>();

    /** One exported object: pinned once while any task that takes it is in flight on some member. */
    private static final class Export {
        final long exportId;
        final Stored stored;
        /** Tasks in flight per member that may pull it. Guarded by this. */
        final Map<String, Integer> members = new java.util.HashMap<>();

        Export(final long exportId, final Stored stored) {
            this.exportId = exportId;
            this.stored = stored;
        }
    }

    static boolean isExport(final long id) {
        return (id & EXPORT_BIT) != 0;
    }

    /** How many objects are exported now. */
    int count() {
        return byId.size();
    }

    /**
     * Conductor, encoding a forwarded task: exports a large stored argument to that member.
     *
     * @return the export id, or 0 if it goes inline (not in the store, below the threshold, or spilled meanwhile)
     */
    long export(final long taskId, final String member, final ObjectState arg) {
        final Stored stored = arg.storedValue();
        if (stored == null || stored.length < HeldResults.HOLD_THRESHOLD_BYTES) {
            return 0;
        }
        final long exportId = arg.id | EXPORT_BIT;
        Export export = byId.get(exportId);
        if (export == null || export.stored != stored) {
            if (export != null || !stored.pinForCall()) {
                return 0;  // made again since (a new copy under the same id), or spilled: inline
            }
            export = new Export(exportId, stored);
            byId.put(exportId, export);
        }
        synchronized (export) {
            export.members.merge(member, 1, Integer::sum);
        }
        List<Export> exports = byTask.get(taskId);
        if (exports == null) {
            exports = new ArrayList<>(2);
            byTask.put(taskId, exports);
        }
        exports.add(export);
        return exportId;
    }

    /** Conductor: the forwarded task came back (or will not be sent): its exports to that member end. */
    void release(final long taskId, final String member) {
        final List<Export> exports = byTask.remove(taskId);
        if (exports == null) {
            return;
        }
        for (final Export export : exports) {
            final boolean unused;
            synchronized (export) {
                export.members.computeIfPresent(member, (m, n) -> n == 1 ? null : n - 1);
                unused = export.members.isEmpty();
            }
            if (unused && byId.remove(export.exportId, export)) {
                export.stored.unpinForCall();
            }
        }
    }

    /** Close: every export ends. */
    void clear() {
        for (final Export export : byId.values()) {
            if (byId.remove(export.exportId, export)) {
                export.stored.unpinForCall();
            }
        }
        byTask.clear();
    }

    /**
     * Bulk channel's thread: the bytes of an argument exported to that member, pinned until the handle closes; null if
     * none is exported to it under that id.
     */
    ObjectSource.Held open(final String requester, final long exportId) {
        final Export export = byId.get(exportId);
        if (export == null) {
            return null;
        }
        synchronized (export) {
            if (!export.members.containsKey(requester) || !export.stored.pinForCall()) {
                return null;
            }
        }
        final Stored stored = export.stored;
        final ByteBuffer bytes = new Pointer(stored.address).getByteBuffer(0, stored.length);
        return new ObjectSource.Held() {
            @Override
            public ByteBuffer bytes() {
                return bytes;
            }

            @Override
            public void close() {
                stored.unpinForCall();
            }
        };
    }
}
