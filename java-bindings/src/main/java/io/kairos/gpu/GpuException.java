package io.kairos.gpu;

/**
 * A device call failed. The message names the operation, the device and the limit; {@link #status()} is the C
 * ABI's code (e.g. {@code KAIROS_ERR_DEVICE_OUT_OF_MEMORY}), 0 where the Java side found the fault itself.
 */
public class GpuException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public GpuException(final int status, final String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
