package io.kairos.gpu;

/** Which implementation stands behind a {@link GpuDevices} handle. */
public enum GpuBackend {
    /** CUDA if it finds a device, else the simulated spec if one is given, else {@link #NONE}. */
    AUTO(0),
    /** The CUDA runtime; zero devices on a machine with no GPU or driver. */
    CUDA(1),
    /** Host memory standing in for devices, from a spec such as "2x16GiB". */
    SIMULATED(2),
    /** What AUTO found when there was nothing: zero devices. */
    NONE(3);

    final int code;

    GpuBackend(final int code) {
        this.code = code;
    }

    static GpuBackend of(final int code) {
        for (final GpuBackend b : values()) {
            if (b.code == code) {
                return b;
            }
        }
        throw new IllegalStateException("unknown backend code " + code);
    }
}
