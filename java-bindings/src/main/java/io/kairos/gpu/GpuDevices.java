package io.kairos.gpu;

import com.sun.jna.Memory;
import io.kairos.gpu.internal.DeviceNative;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongToIntFunction;

import static io.kairos.gpu.internal.DeviceNative.*;

/**
 * The GPUs of this machine — or simulated ones — behind the native device ABI ({@code kairos/device.h}): discovery,
 * device memory, synchronous and asynchronous copies between host and devices and between devices, streams,
 * events and pinned host memory. Every buffer, stream and event it hands out is owned: close it, or close this
 * handle, which frees whatever is left. Thread-safe.
 *
 * <pre>{@code
 * try (GpuDevices gpus = GpuDevices.simulated("2x16GiB");
 *      DeviceBuffer a = gpus.allocate(0, 1 << 20)) {
 *     a.write(0, bytes);
 *     try (DeviceBuffer b = gpus.allocate(1, 1 << 20)) {
 *         a.copyTo(b);
 *     }
 * }
 * }</pre>
 */
public final class GpuDevices implements AutoCloseable {
    /** The environment variable the simulated backend reads when no spec is given. */
    public static final String SIMULATED_GPUS_ENV = "KAIROS_SIMULATED_GPUS";
    /** The ABI version these bindings were written against. */
    public static final int EXPECTED_ABI_VERSION = 1;

    private final long handle;
    private final GpuBackend backend;
    private final int count;
    private volatile boolean closed;
    /** Calls hold it shared; close holds it alone, so no call ever reaches a freed native handle. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    private GpuDevices(final long handle) {
        this.handle = handle;
        final int[] out = new int[1];
        check(kairos_devices_backend(handle, out), "backend", -1);
        this.backend = GpuBackend.of(out[0]);
        check(kairos_devices_count(handle, out), "count", -1);
        this.count = out[0];
    }

    /**
     * Opens a backend.
     *
     * @param simulatedSpec for SIMULATED and AUTO: "NxSIZE[,NxSIZE...]" (e.g. "2x16GiB"), "" for none, null to read
     *                      {@value #SIMULATED_GPUS_ENV}
     * @throws GpuException with status KAIROS_ERR_UNSUPPORTED for CUDA from a library built without it, or
     *                      KAIROS_ERR_INVALID_ARGUMENT for a malformed spec (the message says where)
     */
    public static GpuDevices open(final GpuBackend backend, final String simulatedSpec) {
        Objects.requireNonNull(backend, "backend");
        if (backend == GpuBackend.NONE) {
            throw new IllegalArgumentException("backend NONE cannot be opened: ask for AUTO, CUDA or SIMULATED");
        }
        checkAbi();
        final long[] out = new long[1];
        check(kairos_devices_open(backend.code, simulatedSpec, out), "open " + backend
            + (simulatedSpec != null ? " '" + simulatedSpec + "'" : ""), -1);
        return new GpuDevices(out[0]);
    }

    /** Simulated devices, e.g. "2x16GiB" or "1x80GiB,2x24GiB". */
    public static GpuDevices simulated(final String spec) {
        return open(GpuBackend.SIMULATED, Objects.requireNonNull(spec, "spec"));
    }

    /** What this machine has: CUDA devices, else those {@value #SIMULATED_GPUS_ENV} describes, else none. */
    public static GpuDevices discover() {
        return open(GpuBackend.AUTO, null);
    }

    /** Whether the loaded library was built with the CUDA backend. */
    public static boolean cudaCompiled() {
        checkAbi();
        return kairos_device_cuda_compiled() == 1;
    }

    private static void checkAbi() {
        final int version = kairos_device_abi_version();
        if (version != EXPECTED_ABI_VERSION) {
            throw new GpuException(0, "libkairos device ABI version " + version + ", these bindings need "
                + EXPECTED_ABI_VERSION);
        }
    }

    public GpuBackend backend() {
        return backend;
    }

    /** The number of devices, fixed when the handle was opened. */
    public int count() {
        return count;
    }

    /** Device index's description, its free memory as of now. */
    public GpuDeviceInfo info(final int index) {
        final Memory out = new Memory(INFO_SIZE);
        check(call(h -> kairos_devices_info(h, index, out)), "info", index);
        return new GpuDeviceInfo(out.getInt(INFO_INDEX), GpuBackend.of(out.getInt(INFO_BACKEND)),
            string(out, INFO_NAME, INFO_NAME_SIZE), string(out, INFO_UUID, INFO_UUID_SIZE),
            string(out, INFO_PCI_BUS_ID, INFO_PCI_BUS_ID_SIZE), out.getLong(INFO_TOTAL_MEMORY),
            out.getLong(INFO_FREE_MEMORY), out.getInt(INFO_COMPUTE_MAJOR), out.getInt(INFO_COMPUTE_MINOR));
    }

    /** Every device's description. */
    public List<GpuDeviceInfo> infos() {
        final List<GpuDeviceInfo> infos = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            infos.add(info(i));
        }
        return infos;
    }

    /**
     * Allocates size bytes on device.
     *
     * @throws GpuOutOfMemoryException if the device has no room (the message gives what is free)
     * @throws NoSuchGpuException      if there is no such device
     */
    public DeviceBuffer allocate(final int device, final long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size " + size + " must be > 0");
        }
        final long[] out = new long[1];
        check(call(h -> kairos_device_alloc(h, device, size, out)), "allocate " + size + " bytes", device);
        return new DeviceBuffer(this, device, out[0], size);
    }

    /** The bytes allocated through this handle on device and not freed yet. */
    public long allocated(final int device) {
        final long[] out = new long[1];
        check(call(h -> kairos_device_allocated(h, device, out)), "allocated", device);
        return out[0];
    }

    /** A stream on device: operations enqueued on it run in order. */
    public GpuStream stream(final int device) {
        final long[] out = new long[1];
        check(call(h -> kairos_device_stream_create(h, device, out)), "stream", device);
        return new GpuStream(this, device, out[0]);
    }

    /** An event on device, to record on its streams. */
    public GpuEvent event(final int device) {
        final long[] out = new long[1];
        check(call(h -> kairos_device_event_create(h, device, out)), "event", device);
        return new GpuEvent(this, device, out[0]);
    }

    /** Page-locked host memory for staging copies, 1..Integer.MAX_VALUE bytes. */
    public PinnedBuffer allocatePinned(final int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size " + size + " must be > 0");
        }
        final long[] out = new long[1];
        check(call(h -> kairos_host_alloc_pinned(h, size, out)), "allocate pinned " + size + " bytes", -1);
        return new PinnedBuffer(this, out[0], size);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Frees every buffer, stream, event and pinned buffer still open, then the backend. Idempotent. */
    @Override
    public void close() {
        final int status;
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            status = kairos_devices_free(handle);
        } finally {
            lock.writeLock().unlock();
        }
        if (status != 0) {
            throw exception(status, "close", -1);
        }
    }

    @Override
    public String toString() {
        return "GpuDevices{" + backend + ", " + count + " devices" + (closed ? ", closed" : "") + '}';
    }

    /** Runs a native call on the open handle; GpuClosedException once closed. Returns the call's status. */
    int call(final LongToIntFunction op) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new GpuClosedException(DeviceStatus.CLOSED, "the GpuDevices handle is closed");
            }
            return op.applyAsInt(handle);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** As call, but OK (0) without calling once closed: closing freed what op would free. */
    int callIfOpen(final LongToIntFunction op) {
        lock.readLock().lock();
        try {
            return closed ? 0 : op.applyAsInt(handle);
        } finally {
            lock.readLock().unlock();
        }
    }

    static void check(final int status, final String operation, final int device) {
        if (status != 0) {
            throw exception(status, operation, device);
        }
    }

    static GpuException exception(final int status, final String operation, final int device) {
        final String detail = kairos_last_error_detail();
        final String name = kairos_status_name(status);
        final String message = operation + (device >= 0 ? " on device " + device : "") + ": "
            + (detail == null || detail.isEmpty() ? name : detail) + " [" + name + "]";
        switch (status) {
            case DeviceStatus.DEVICE_OUT_OF_MEMORY:
                return new GpuOutOfMemoryException(status, message);
            case DeviceStatus.NO_DEVICE:
                return new NoSuchGpuException(status, message);
            case DeviceStatus.CLOSED:
                return new GpuClosedException(status, message);
            default:
                return new GpuException(status, message);
        }
    }

    private static String string(final Memory m, final int offset, final int size) {
        final byte[] bytes = m.getByteArray(offset, size);
        int n = 0;
        while (n < size && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** The status codes this package maps to its exceptions (common.h). */
    static final class DeviceStatus {
        static final int CLOSED = -2;
        static final int NO_DEVICE = -13;
        static final int DEVICE_OUT_OF_MEMORY = -14;

        private DeviceStatus() {
        }
    }
}
