package io.kairos.gpu;

/** The device has no room for the allocation; the message says how much was asked for and how much is free. */
public class GpuOutOfMemoryException extends GpuException {
    private static final long serialVersionUID = 1L;

    public GpuOutOfMemoryException(final int status, final String message) {
        super(status, message);
    }
}
