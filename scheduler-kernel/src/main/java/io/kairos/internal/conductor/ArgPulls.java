package io.kairos.internal.conductor;

import com.sun.jna.Pointer;
import io.kairos.exception.KairosException;
import io.kairos.internal.object.Stored;
import io.kairos.internal.object.StoredObjects;
import io.kairos.internal.object.ValueCodec;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.cluster.ObjectSink;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Executor side of arguments sent by reference ({@link ArgExports}): each becomes an object of this kernel, pending
 * until its bytes are pulled from the owner on the bulk channel, straight into this kernel's store (or an array
 * without one); the task that takes it waits for it as for any argument. Once the task is done here the copy is freed
 * at once (not left for a garbage collection: a node that runs big tasks may allocate little). A pull that fails fails
 * the argument, and so the task, naming the owner and the reason.
 *
 * <p>Thread-safety: the transport's thread starts pulls; the bulk channel's thread fills them and hands the object to
 * the conductor, which completes it.
 */
final class ArgPulls {
    private final KernelCore core;
    private final SchedulerConductor conductor;
    private final ClusterTransport transport;
    private final ValueCodec codec;
    /** Arguments pulled for tasks running here, freed when their task is done. */
    private final Set<ObjectState> pulled = ConcurrentHashMap.newKeySet();
    private final AtomicLong pulls = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private DependencyWaits waits;

    ArgPulls(final KernelCore core, final SchedulerConductor conductor, final ClusterTransport transport,
             final ValueCodec codec) {
        this.core = core;
        this.conductor = conductor;
        this.transport = transport;
        this.codec = codec;
    }

    void link(final DependencyWaits waits) {
        this.waits = waits;
    }

    /** Arguments pulled, and their bytes. */
    long[] counters() {
        return new long[] {pulls.get(), bytes.get()};
    }

    /**
     * Transport's thread, reading a forwarded task: the argument the owner exported, as an object that completes once
     * its bytes are here.
     */
    ObjectState start(final String owner, final long exportId, final long length) {
        final ObjectState arg = core.newObject();
        pulled.add(arg);
        pulls.incrementAndGet();
        final Pull pull = new Pull(arg, owner, length);
        if (!transport.pullObject(owner, exportId, pull)) {
            pull.failed(false, "the transport has no bulk channel to node '" + owner + "'");
        }
        return arg;
    }

    /** Conductor: a task that ran here is done; the arguments pulled for it go now. */
    void finished(final TaskSpec task) {
        for (int i = 0; i < task.arity; i++) {
            final Object arg = task.args[i];
            if (arg instanceof ObjectState && pulled.remove(arg)) {
                final Stored stored = ((ObjectState) arg).storedValue();
                if (stored != null) {
                    stored.freeIfUnread();
                }
            }
        }
    }

    /** One argument's bytes on their way, into the store when there is room, else into an array. */
    private final class Pull implements ObjectSink {
        private final ObjectState arg;
        private final String owner;
        private final long length;
        private StoredObjects.Incoming incoming;
        private byte[] heap;

        Pull(final ObjectState arg, final String owner, final long length) {
            this.arg = arg;
            this.owner = owner;
            this.length = length;
        }

        @Override
        public ByteBuffer destination(final long bytes) {
            if (bytes != length || bytes > Integer.MAX_VALUE - 8) {
                return null;
            }
            final StoredObjects objects = conductor.objects();
            incoming = objects == null ? null : objects.incoming(length);
            if (incoming != null) {
                return new Pointer(incoming.address()).getByteBuffer(0, length);
            }
            heap = new byte[(int) length];
            return ByteBuffer.wrap(heap);
        }

        @Override
        public void completed() {
            bytes.addAndGet(length);
            Stored stored = null;
            Object value = null;
            RuntimeException error = null;
            try {
                if (incoming != null) {
                    stored = conductor.objects().seal(incoming, arg.id);
                } else {
                    value = codec.decode(ByteBuffer.wrap(heap));
                }
            } catch (final RuntimeException e) {
                error = failure("could not be read: " + e, e);
            }
            heap = null;
            final Stored s = stored;
            final Object v = value;
            final RuntimeException err = error;
            conductor.offerFromWorker((Runnable) () -> done(s, v, err));
        }

        @Override
        public void failed(final boolean missing, final String reason) {
            if (incoming != null) {
                conductor.objects().abort(incoming);
                incoming = null;
            }
            heap = null;
            final RuntimeException error = failure(missing ? "is no longer exported there (" + reason + ")" : reason,
                null);
            conductor.offerFromWorker((Runnable) () -> done(null, null, error));
        }

        private RuntimeException failure(final String why, final Throwable cause) {
            return new KairosException("an argument of " + length + " bytes could not be pulled from node '" + owner
                + "': " + why, cause);
        }

        /** Conductor. */
        private void done(final Stored stored, final Object value, final RuntimeException error) {
            if (error != null) {
                arg.fail(error);
            } else if (stored != null) {
                arg.completeStored(stored);
            } else {
                arg.complete(value);
            }
            if (arg.dependents != null) {
                waits.doneObjects.add(arg);
            }
        }
    }
}
