package io.kairos;

import io.kairos.gpu.DeviceBuffer;
import io.kairos.gpu.GpuDevices;
import io.kairos.internal.conductor.Worker;
import io.kairos.internal.object.DeviceValues;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A task result that stays in GPU memory: return {@code DeviceObject.of(buffer)} from a task and the bytes stay on
 * the device that holds them. A consumer task on the same device gets that buffer with no copy; a consumer on another
 * device gets a device-to-device copy, made once per device; a consumer without a GPU (or the driver's
 * {@code get()}) gets a host copy, made once. The kernel makes the copy a task needs before the task runs, so
 * {@link #local()} and {@link #host()} inside it return at once. Every buffer — the original and its copies — is
 * freed when no {@link ObjectRef} to the object is reachable any more (or by {@link #close()}). Thread-safe.
 *
 * <pre>{@code
 * static DeviceObject produce(int n) {                       // ask for a GPU: setResource("GPU", 0.5)
 *     DeviceBuffer buf = DeviceObject.allocate(n);            // on this task's device
 *     buf.fill(1);
 *     return DeviceObject.of(buf);
 * }
 * static long consume(DeviceObject x) {
 *     return x.local().size();                                // on this task's device: no copy if it is the same
 * }
 * }</pre>
 */
public final class DeviceObject implements AutoCloseable {
    private final DeviceBuffer home;
    private final DeviceBuffer[] copies = new DeviceBuffer[64];
    private ByteBuffer host;
    private int deviceCopies;
    private int hostCopies;
    private boolean closed;

    static {
        DeviceValues.install(new DeviceValues.Hooks() {
            @Override
            public boolean isDeviceValue(final Object value) {
                return value instanceof DeviceObject;
            }

            @Override
            public void stageFor(final Object value, final int device) {
                ((DeviceObject) value).stageFor(device);
            }

            @Override
            public void freeWith(final Object value, final Object owner, final Cleaner cleaner) {
                cleaner.register(owner, ((DeviceObject) value)::close);
            }
        });
    }

    private DeviceObject(final DeviceBuffer home) {
        this.home = home;
    }

    /**
     * Wraps a buffer as a device-resident object; the object owns the buffer from now on.
     *
     * @param buffer the buffer, open and not null
     * @return the object, to return from a task
     * @throws IllegalArgumentException if the buffer is closed
     */
    public static DeviceObject of(final DeviceBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.isClosed()) {
            throw new IllegalArgumentException(buffer + " is closed");
        }
        return new DeviceObject(buffer);
    }

    /**
     * Allocates size bytes on the current task's first GPU, from the kernel's {@link GpuDevices}
     * ({@link KernelContext#gpus}).
     *
     * @param size the buffer's size in bytes
     * @return the buffer, to wrap with {@link #of}
     * @throws IllegalStateException outside a task, in a task without a GPU, or in a kernel without GpuDevices
     */
    public static DeviceBuffer allocate(final long size) {
        final Worker worker = Worker.current();
        final TaskContext context = TaskContext.current();
        if (worker == null || context == null) {
            throw new IllegalStateException("DeviceObject.allocate is for a task that runs on a GPU");
        }
        final GpuDevices gpus = worker.gpus();
        if (gpus == null) {
            throw new IllegalStateException("the kernel has no GpuDevices: start it with KernelContext.gpus(devices)");
        }
        return gpus.allocate(deviceOf(context, worker), size);
    }

    /**
     * The device that holds the original.
     *
     * @return the device's index
     */
    public int device() {
        return home.device();
    }

    /**
     * The object's size.
     *
     * @return the size in bytes
     */
    public long size() {
        return home.size();
    }

    /**
     * The original buffer, on {@link #device()}.
     *
     * @return the buffer, owned by this object (do not close it)
     * @throws IllegalStateException if this object is closed
     */
    public DeviceBuffer buffer() {
        checkOpen();
        return home;
    }

    /**
     * The bytes on device: the original there, else a copy made once (device to device) and kept.
     *
     * @param device the device's index, 0 to 63
     * @return the buffer on that device, owned by this object (do not close it)
     * @throws IllegalArgumentException if device is outside 0..63
     * @throws IllegalStateException    if this object is closed
     */
    public synchronized DeviceBuffer on(final int device) {
        checkOpen();
        if (device == home.device()) {
            return home;
        }
        if (device < 0 || device >= copies.length) {
            throw new IllegalArgumentException("device " + device + " is outside 0.." + (copies.length - 1));
        }
        DeviceBuffer copy = copies[device];
        if (copy == null) {
            copy = gpusOf(home).allocate(device, home.size());
            home.copyTo(copy);
            copies[device] = copy;
            deviceCopies++;
        }
        return copy;
    }

    /**
     * The bytes on the current task's device (its first GPU instance), as {@link #on}.
     *
     * @return the buffer on that device, owned by this object (do not close it)
     * @throws IllegalStateException outside a task, in a task without a GPU, or if this object is closed
     */
    public DeviceBuffer local() {
        final TaskContext context = TaskContext.current();
        final Worker worker = Worker.current();
        if (context == null || worker == null) {
            throw new IllegalStateException("local() is for a task that runs on a GPU; outside use on(device) or host()");
        }
        return on(deviceOf(context, worker));
    }

    /**
     * The bytes in host memory, copied once and kept.
     *
     * @return a read-only view of the host copy
     * @throws IllegalStateException if this object is closed or larger than {@link Integer#MAX_VALUE} bytes
     */
    public synchronized ByteBuffer host() {
        checkOpen();
        if (host == null) {
            if (home.size() > Integer.MAX_VALUE) {
                throw new IllegalStateException("a " + home.size() + "-byte device object has no host view (limit "
                    + Integer.MAX_VALUE + ")");
            }
            final ByteBuffer copy = ByteBuffer.allocateDirect((int) home.size());
            home.read(0, copy);
            host = copy;
            hostCopies++;
        }
        return host.asReadOnlyBuffer();
    }

    /**
     * How many device-to-device copies were made (one per other device a consumer ran on).
     *
     * @return the number of device copies
     */
    public synchronized int deviceCopies() {
        return deviceCopies;
    }

    /**
     * How many host copies were made.
     *
     * @return 0 or 1
     */
    public synchronized int hostCopies() {
        return hostCopies;
    }

    /**
     * Whether the buffers are freed.
     *
     * @return true after {@link #close()}
     */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Frees the original and every copy. Idempotent; the kernel calls it when the object's last ref is gone. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        home.close();
        for (int i = 0; i < copies.length; i++) {
            if (copies[i] != null) {
                copies[i].close();
                copies[i] = null;
            }
        }
        host = null;
    }

    @Override
    public String toString() {
        return "DeviceObject{device " + home.device() + ", " + home.size() + " bytes, " + deviceCopies
            + " device copies, " + hostCopies + " host copies" + (closed ? ", closed" : "") + '}';
    }

    /** Makes the copy a task on this allocation's device (or without a GPU) will read, before it runs. */
    private void stageFor(final int device) {
        if (device >= 0) {
            on(device);
        } else {
            host();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + ": its last ObjectRef is gone, or it was closed");
        }
    }

    private static int deviceOf(final TaskContext context, final Worker worker) {
        if (!worker.onGpuNode()) {
            throw new IllegalStateException("task '" + context.taskName() + "' runs on node " + context.nodeId()
                + ", whose GPUs are not the kernel's devices (they belong to the first node): use host()");
        }
        final int[] gpus = context.gpuInstances();
        if (gpus.length == 0) {
            throw new IllegalStateException("task '" + context.taskName() + "' has no GPU: ask for one with "
                + "setResource(\"GPU\", ...) or setResource(\"GPU_memory\", ...)");
        }
        return gpus[0];
    }

    private static GpuDevices gpusOf(final DeviceBuffer buffer) {
        return buffer.devices();
    }
}
