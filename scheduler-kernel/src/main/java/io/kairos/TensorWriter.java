package io.kairos;

import io.kairos.internal.conductor.KernelCore;
import io.kairos.internal.object.CrossLanguage;
import io.kairos.internal.object.StoredObjects;
import io.kairos.store.SharedObjectStore;
import io.kairos.value.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor written straight into the shared object store ({@link Kernel#newTensor}): fill {@link #data()} in place,
 * then {@link #seal()} publishes it as an object, with no copy: the producer's bytes are the object's. A Python task
 * reads it in place as a NumPy array, a get in Java as a {@link Tensor} over the same bytes. {@link #close()} without
 * a seal gives the room back (try-with-resources). The Python side's counterpart is {@code store.create_tensor}.
 *
 * <p>When the store has no room for it, the writer fills a buffer on the heap instead, and the seal puts it as
 * {@link Kernel#put} does. A writer is filled by one thread at a time (threads may share {@link #data()} if they are
 * done before the seal). Its buffer stays valid while reachable, even past the kernel's close, but is read-only to
 * every process once sealed: write nothing after {@link #seal()}.
 */
public final class TensorWriter implements AutoCloseable {
    private final KernelCore core;
    private final Tensor.DType dtype;
    private final long[] shape;
    /** Null when the store had no room: the data is on the heap. */
    private final StoredObjects.Lent lent;
    private final ByteBuffer data;
    private boolean done;

    TensorWriter(final KernelCore core, final Tensor.DType dtype, final long[] shape) {
        final long nbytes = Tensor.byteSize(dtype, shape);
        final long length = nbytes > Integer.MAX_VALUE ? Long.MAX_VALUE
            : CrossLanguage.storedTensorLength(shape.length, nbytes);
        if (length > Integer.MAX_VALUE - 8 || length > SharedObjectStore.MAX_OBJECT_SIZE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype + " is " + nbytes
                + " bytes, more than a tensor holds (" + (Math.min(Integer.MAX_VALUE - 8,
                SharedObjectStore.MAX_OBJECT_SIZE) - CrossLanguage.storedTensorLength(shape.length, 0)) + ")");
        }
        core.ensureOpen();
        this.core = core;
        this.dtype = dtype;
        this.shape = shape.clone();
        final StoredObjects objects = core.objects();
        final StoredObjects.Incoming incoming = objects == null ? null : objects.incoming(length);
        if (incoming == null) {
            lent = null;
            data = ByteBuffer.allocate((int) nbytes).order(ByteOrder.LITTLE_ENDIAN);
            return;
        }
        lent = objects.lend(incoming);
        final int start = CrossLanguage.writeStoredTensorHeader(lent.bytes, dtype, shape, nbytes);
        data = lent.bytes.duplicate().position(start).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Where the elements go: little-endian, row-major (C order), exactly {@code Tensor.byteSize(dtype, shape)} bytes.
     *
     * @return a writable view of them, position 0 (a new view each call, over the same bytes)
     * @throws IllegalStateException once sealed or closed
     */
    public ByteBuffer data() {
        checkOpen();
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Whether the tensor is being written in the shared store (false: on the heap, the store had no room).
     *
     * @return true if in place
     */
    public boolean inPlace() {
        return lent != null;
    }

    /**
     * Publishes the tensor: its ref is ready at once. Write nothing more into it.
     *
     * @return the tensor's ref
     * @throws IllegalStateException                       if it was sealed or closed already
     * @throws io.kairos.exception.KernelClosedException if the kernel closed meanwhile (the tensor is dropped)
     */
    @SuppressWarnings("unchecked")
    public ObjectRef<Tensor> seal() {
        checkOpen();
        done = true;
        if (lent == null) {
            return (ObjectRef<Tensor>) core.put(Tensor.wrap(dtype, data.duplicate().clear(), shape));
        }
        if (!lent.finish()) {
            throw new IllegalStateException("the tensor was dropped already");
        }
        try {
            return (ObjectRef<Tensor>) core.putStored(lent.incoming);
        } catch (final RuntimeException e) {
            core.objects().abort(lent.incoming);
            throw e;
        }
    }

    /** Drops the tensor unless it was sealed: its room goes back to the store. Idempotent. */
    @Override
    public void close() {
        if (done) {
            return;
        }
        done = true;
        if (lent != null && lent.finish()) {
            core.objects().abort(lent.incoming);
        }
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("the tensor writer was sealed or closed");
        }
    }
}
