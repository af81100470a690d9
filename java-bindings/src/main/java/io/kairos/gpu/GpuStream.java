package io.kairos.gpu;

import static io.kairos.gpu.internal.DeviceNative.kairos_device_stream_destroy;
import static io.kairos.gpu.internal.DeviceNative.kairos_device_stream_synchronize;

/** A stream of one device: what is enqueued on it runs in order. Owned: close destroys it. */
public final class GpuStream implements AutoCloseable {
    private final GpuDevices devices;
    private final int device;
    private final long id;
    private volatile boolean closed;

    GpuStream(final GpuDevices devices, final int device, final long id) {
        this.devices = devices;
        this.device = device;
        this.id = id;
    }

    public int device() {
        return device;
    }

    /** Waits until everything enqueued on this stream is done. */
    public void synchronize() {
        final long stream = id(devices);
        GpuDevices.check(devices.call(h -> kairos_device_stream_synchronize(h, stream)), "synchronize stream", device);
    }

    long id(final GpuDevices owner) {
        if (owner != devices) {
            throw new IllegalArgumentException("the stream belongs to another GpuDevices handle");
        }
        if (closed) {
            throw new GpuClosedException(0, "the stream is closed");
        }
        return id;
    }

    /** Destroys the stream. Idempotent; a no-op once its GpuDevices is closed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        GpuDevices.check(devices.callIfOpen(h -> kairos_device_stream_destroy(h, id)), "destroy stream", device);
    }
}
