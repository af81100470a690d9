package io.kairos.gpu;

import com.sun.jna.Pointer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static io.kairos.gpu.internal.DeviceNative.kairos_host_free_pinned;

/**
 * Page-locked host memory (plain aligned memory on the simulated backend), for copies that the device can run
 * without staging. {@link #byteBuffer()} and {@link #buffer()} are views of it: do not use them after close.
 */
public final class PinnedBuffer implements AutoCloseable {
    private final GpuDevices devices;
    private final long address;
    private final int size;
    private final ByteBuffer view;
    private volatile boolean closed;

    PinnedBuffer(final GpuDevices devices, final long address, final int size) {
        this.devices = devices;
        this.address = address;
        this.size = size;
        this.view = new Pointer(address).getByteBuffer(0, size);
    }

    public int size() {
        return size;
    }

    /** A direct ByteBuffer over the memory (position 0, limit size), for DeviceBuffer reads and writes. */
    public ByteBuffer byteBuffer() {
        checkOpen();
        return view.duplicate();
    }

    /** An Agrona view of the memory. */
    public UnsafeBuffer buffer() {
        checkOpen();
        return new UnsafeBuffer(address, size);
    }

    private void checkOpen() {
        if (closed || devices.isClosed()) {
            throw new GpuClosedException(0, "the pinned buffer is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        GpuDevices.check(devices.callIfOpen(h -> kairos_host_free_pinned(h, address)), "free pinned", -1);
    }
}
