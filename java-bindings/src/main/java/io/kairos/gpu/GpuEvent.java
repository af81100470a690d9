package io.kairos.gpu;

import static io.kairos.gpu.internal.DeviceNative.*;

/** An event of one device: recorded on a stream, it is done once the work enqueued before it is. Owned. */
public final class GpuEvent extends DeviceResource {
    private final long id;

    GpuEvent(final GpuDevices devices, final int device, final long id) {
        super(devices, device);
        this.id = id;
    }

    /** Records the event on stream (a stream of the same device). */
    public void record(final GpuStream stream) {
        final long event = id();
        final long streamId = stream.id(devices);
        GpuDevices.check(devices.call(h -> kairos_device_event_record(h, event, streamId)), "record event", device);
    }

    /** Whether the work before the last record is done; never blocks. */
    public boolean isDone() {
        final int[] out = new int[1];
        final long event = id();
        GpuDevices.check(devices.call(h -> kairos_device_event_query(h, event, out)), "query event", device);
        return out[0] == 1;
    }

    /** Waits until the work before the last record is done. */
    public void synchronize() {
        final long event = id();
        GpuDevices.check(devices.call(h -> kairos_device_event_synchronize(h, event)), "synchronize event", device);
    }

    private long id() {
        checkOpen();
        return id;
    }

    @Override
    int release(final long handle) {
        return kairos_device_event_destroy(handle, id);
    }

    @Override
    String releaseName() {
        return "destroy event";
    }

    @Override
    public String toString() {
        return "GpuEvent{device " + device + ", id " + id + '}';
    }
}
