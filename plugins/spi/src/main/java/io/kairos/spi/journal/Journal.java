package io.kairos.spi.journal;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * An append-only log of the kernel's records, kept in a data directory. The kernel appends from one thread (its
 * journal agent), in batches; {@link #replay} runs before the first append, on the thread that starts the kernel.
 *
 * <p>A record appended and returned from {@link #append} must survive a crash of the process (kill -9): write it to
 * a memory-mapped file or the OS, not a buffer of the process. {@link #flush} forces it to the device, for a
 * power failure.
 */
public interface Journal extends AutoCloseable {
    /**
     * Appends one record: the bytes between the buffer's position and limit (the position is left unchanged).
     *
     * @throws JournalException if it cannot be written (disk full, closed)
     */
    void append(ByteBuffer record);

    /** Forces what was appended to the storage device; nothing by default (a crash of the process loses nothing). */
    default void flush() {
    }

    /**
     * Hands every record, oldest first, to the consumer (a read-only buffer, valid only during the call).
     *
     * @throws JournalException naming the file and position if a record is corrupt or truncated mid-record
     */
    void replay(Consumer<ByteBuffer> consumer);

    /** Closes the files; idempotent. */
    @Override
    void close();
}
