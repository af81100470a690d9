package io.kairos.gpu;

import com.sun.jna.Pointer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static io.kairos.gpu.internal.DeviceNative.kairos_host_free_pinned;

/**
 * Page-locked host memory (plain aligned memory on the simulated backend), for copies that the device can run
 * without staging. {@link #byteBuffer()} and {@link #buffer()} are views of it: do not use them after close.
 */
public final class PinnedBuffer extends DeviceResource {
    private final long address;
    private final int size;
    private final ByteBuffer view;

    PinnedBuffer(final GpuDevices devices, final long address, final int size) {
        super(devices, -1);
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

    @Override
    int release(final long handle) {
        return kairos_host_free_pinned(handle, address);
    }

    @Override
    String releaseName() {
        return "free pinned";
    }

    @Override
    public String toString() {
        return "PinnedBuffer{" + size + " bytes at 0x" + Long.toHexString(address) + '}';
    }
}
