package io.kairos.spi.metadata;

/** A metadata store cannot be opened, read or written: the message names the directory or table and what is wrong. */
public class MetadataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadataException(final String message) {
        super(message);
    }

    public MetadataException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
