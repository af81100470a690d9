package io.kairos.gpu;

import static io.kairos.gpu.internal.DeviceNative.kairos_device_stream_destroy;
import static io.kairos.gpu.internal.DeviceNative.kairos_device_stream_synchronize;

/** A stream of one device: what is enqueued on it runs in order. Owned: close destroys it. */
public final class GpuStream extends DeviceResource {
    private final long id;

    GpuStream(final GpuDevices devices, final int device, final long id) {
        super(devices, device);
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
        checkOpen();
        return id;
    }

    @Override
    int release(final long handle) {
        return kairos_device_stream_destroy(handle, id);
    }

    @Override
    String releaseName() {
        return "destroy stream";
    }

    @Override
    public String toString() {
        return "GpuStream{device " + device + ", id " + id + '}';
    }
}
