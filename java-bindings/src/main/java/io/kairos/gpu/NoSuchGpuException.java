package io.kairos.gpu;

/** No device with that index; the message gives the valid range. */
public class NoSuchGpuException extends GpuException {
    private static final long serialVersionUID = 1L;

    public NoSuchGpuException(final int status, final String message) {
        super(status, message);
    }
}
