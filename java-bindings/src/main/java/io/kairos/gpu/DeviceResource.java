package io.kairos.gpu;

/**
 * What a {@link GpuDevices} handle hands out — a buffer, a stream, an event, pinned memory — owned once: close
 * releases it natively unless the handle was closed first (which released everything it held).
 */
abstract class DeviceResource implements AutoCloseable {
    final GpuDevices devices;
    /** The device it lives on, for messages; -1 for host memory. */
    final int device;
    private volatile boolean closed;

    DeviceResource(final GpuDevices devices, final int device) {
        this.devices = devices;
        this.device = device;
    }

    /** Releases it natively through the open handle; returns the ABI status. */
    abstract int release(long handle);

    /** What close says it did, e.g. "free", for messages. */
    abstract String releaseName();

    /** Whether it, or its handle, is closed. */
    public boolean isClosed() {
        return closed || devices.isClosed();
    }

    /** Throws GpuClosedException if it, or its handle, is closed. */
    final void checkOpen() {
        if (isClosed()) {
            throw new GpuClosedException(0, this + " is closed");
        }
    }

    /** Releases it. Idempotent; a no-op once its GpuDevices is closed. */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        GpuDevices.check(devices.callIfOpen(this::release), releaseName(), device);
    }
}
