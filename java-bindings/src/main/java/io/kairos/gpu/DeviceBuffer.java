package io.kairos.gpu;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.util.Objects;

import static io.kairos.gpu.internal.DeviceNative.*;

/**
 * Memory on one device, owned: {@link #close()} frees it (closing its {@link GpuDevices} frees it too). Offsets and
 * lengths are checked here against its size, and again natively against the device's allocation table. Copies
 * without a stream return when done; with a stream they are enqueued, and the host memory they read or write must
 * stay untouched until the stream (or an event recorded after them) is synchronized. Thread-safe.
 */
public final class DeviceBuffer extends DeviceResource {
    private final long address;
    private final long size;

    DeviceBuffer(final GpuDevices devices, final int device, final long address, final long size) {
        super(devices, device);
        this.address = address;
        this.size = size;
    }

    public int device() {
        return device;
    }

    /** The handle that owns this buffer. */
    public GpuDevices devices() {
        return devices;
    }

    /** The device address (a CUDA device pointer on the CUDA backend). */
    public long address() {
        return address;
    }

    public long size() {
        return size;
    }

    /** Copies src's remaining bytes (a direct buffer) to offset, synchronously; src's position does not move. */
    public void write(final long offset, final ByteBuffer src) {
        write(offset, src, null);
    }

    /** Copies src's remaining bytes (a direct buffer) to offset, on stream (null: synchronously). */
    public void write(final long offset, final ByteBuffer src, final GpuStream stream) {
        final int length = direct(src, "src").remaining();
        range(offset, length);
        final Pointer from = pointer(src);
        final long streamId = streamId(stream);
        GpuDevices.check(devices.call(h -> kairos_device_copy_to_device(h, device, address + offset, from, length,
            streamId)), "write " + length + " bytes", device);
    }

    /** Copies the whole array to offset, synchronously. */
    public void write(final long offset, final byte[] src) {
        Objects.requireNonNull(src, "src");
        range(offset, src.length);
        final ByteBuffer staging = ByteBuffer.allocateDirect(src.length);
        staging.put(src).flip();
        write(offset, staging);
    }

    /** Copies dst.remaining() bytes from offset into dst (a direct buffer), synchronously; its position does not move. */
    public void read(final long offset, final ByteBuffer dst) {
        read(offset, dst, null);
    }

    /** Copies dst.remaining() bytes from offset into dst (a direct buffer), on stream (null: synchronously). */
    public void read(final long offset, final ByteBuffer dst, final GpuStream stream) {
        final int length = direct(dst, "dst").remaining();
        range(offset, length);
        final Pointer to = pointer(dst);
        final long streamId = streamId(stream);
        GpuDevices.check(devices.call(h -> kairos_device_copy_to_host(h, device, to, address + offset, length,
            streamId)), "read " + length + " bytes", device);
    }

    /** Copies length bytes from offset into a new array, synchronously. */
    public byte[] read(final long offset, final int length) {
        range(offset, length);
        final ByteBuffer staging = ByteBuffer.allocateDirect(length);
        read(offset, staging);
        final byte[] out = new byte[length];
        staging.get(out);
        return out;
    }

    /** Copies all of this buffer to the start of dst (same size or larger), on this device or another. */
    public void copyTo(final DeviceBuffer dst) {
        copyTo(0, dst, 0, size, null);
    }

    /** Copies length bytes from offset to dst at dstOffset, on stream (a stream of dst's device; null: synchronously). */
    public void copyTo(final long offset, final DeviceBuffer dst, final long dstOffset, final long length,
                       final GpuStream stream) {
        Objects.requireNonNull(dst, "dst");
        if (dst.devices != devices) {
            throw new IllegalArgumentException("dst belongs to another GpuDevices handle");
        }
        range(offset, length);
        dst.range(dstOffset, length);
        final long streamId = streamId(stream);
        GpuDevices.check(devices.call(h -> kairos_device_copy_device(h, dst.device, dst.address + dstOffset, device,
            address + offset, length, streamId)), "copy " + length + " bytes to device " + dst.device, device);
    }

    /** Sets every byte to (byte) value. */
    public void fill(final int value) {
        checkOpen();
        GpuDevices.check(devices.call(h -> kairos_device_memset(h, device, address, value, size)), "fill", device);
    }

    @Override
    int release(final long handle) {
        return kairos_device_free(handle, device, address);
    }

    @Override
    String releaseName() {
        return "free";
    }

    @Override
    public String toString() {
        return "DeviceBuffer{device " + device + ", " + size + " bytes at 0x" + Long.toHexString(address) + '}';
    }

    private void range(final long offset, final long length) {
        checkOpen();
        if (offset < 0 || length <= 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("offset " + offset + " + length " + length + " is outside this buffer's "
                + size + " bytes (length must be > 0)");
        }
    }

    private static ByteBuffer direct(final ByteBuffer buffer, final String field) {
        Objects.requireNonNull(buffer, field);
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException(field + " must be a direct ByteBuffer (a copy reads host memory in place)");
        }
        return buffer;
    }

    private static Pointer pointer(final ByteBuffer buffer) {
        return Native.getDirectBufferPointer(buffer).share(buffer.position());
    }

    private long streamId(final GpuStream stream) {
        return stream == null ? 0 : stream.id(devices);
    }
}
