package io.kairos.gpu.internal;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.kairos.store.internal.NativeLibraryLoader;

/**
 * JNA direct mapping of the device C ABI ({@code native/include/kairos/device.h}). Handles, device addresses,
 * streams and events are {@code long}; out parameters are one-element arrays. Device calls copy or wait on the
 * device, so a JNA call's ~86 ns is noise next to them.
 */
public final class DeviceNative {
    static {
        Native.register(DeviceNative.class, NativeLibraryLoader.library());
    }

    /** sizeof(kairos_device_info) and its field offsets, pinned by static_asserts in device_abi.cc. */
    public static final int INFO_SIZE = 368;
    public static final int INFO_INDEX = 0;
    public static final int INFO_BACKEND = 4;
    public static final int INFO_NAME = 8;
    public static final int INFO_NAME_SIZE = 256;
    public static final int INFO_UUID = 264;
    public static final int INFO_UUID_SIZE = 48;
    public static final int INFO_PCI_BUS_ID = 312;
    public static final int INFO_PCI_BUS_ID_SIZE = 32;
    public static final int INFO_TOTAL_MEMORY = 344;
    public static final int INFO_FREE_MEMORY = 352;
    public static final int INFO_COMPUTE_MAJOR = 360;
    public static final int INFO_COMPUTE_MINOR = 364;

    private DeviceNative() {
    }

    public static native int kairos_device_abi_version();

    public static native int kairos_device_cuda_compiled();

    public static native String kairos_status_name(int status);

    public static native String kairos_last_error_detail();

    public static native int kairos_devices_open(int backend, String simulatedSpec, long[] out);

    public static native int kairos_devices_close(long devices);

    public static native int kairos_devices_free(long devices);

    public static native int kairos_devices_backend(long devices, int[] out);

    public static native int kairos_devices_count(long devices, int[] out);

    public static native int kairos_devices_info(long devices, int device, Pointer out);

    public static native int kairos_device_alloc(long devices, int device, long size, long[] out);

    public static native int kairos_device_free(long devices, int device, long address);

    public static native int kairos_device_allocated(long devices, int device, long[] out);

    public static native int kairos_device_memset(long devices, int device, long address, int value, long size);

    public static native int kairos_device_copy_to_device(long devices, int device, long address, Pointer src,
                                                          long size, long stream);

    public static native int kairos_device_copy_to_host(long devices, int device, Pointer dst, long address,
                                                        long size, long stream);

    public static native int kairos_device_copy_device(long devices, int dstDevice, long dst, int srcDevice, long src,
                                                       long size, long stream);

    public static native int kairos_device_stream_create(long devices, int device, long[] out);

    public static native int kairos_device_stream_synchronize(long devices, long stream);

    public static native int kairos_device_stream_destroy(long devices, long stream);

    public static native int kairos_device_event_create(long devices, int device, long[] out);

    public static native int kairos_device_event_record(long devices, long event, long stream);

    public static native int kairos_device_event_query(long devices, long event, int[] out);

    public static native int kairos_device_event_synchronize(long devices, long event);

    public static native int kairos_device_event_destroy(long devices, long event);

    public static native int kairos_host_alloc_pinned(long devices, long size, long[] out);

    public static native int kairos_host_free_pinned(long devices, long ptr);
}
