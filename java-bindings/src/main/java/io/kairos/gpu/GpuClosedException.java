package io.kairos.gpu;

/** The {@link GpuDevices} handle (or the buffer, stream or event) was closed. */
public class GpuClosedException extends GpuException {
    private static final long serialVersionUID = 1L;

    public GpuClosedException(final int status, final String message) {
        super(status, message);
    }
}
