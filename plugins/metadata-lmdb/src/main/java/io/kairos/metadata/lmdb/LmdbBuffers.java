package io.kairos.metadata.lmdb;

import java.nio.ByteBuffer;

/**
 * Bytes to and from lmdbjava, which takes keys in direct buffers and hands values out as views of LMDB's map. The
 * writers share one key buffer (used under the store's writers' lock); each reading thread has its own.
 */
final class LmdbBuffers {
    /** The writers' key buffer, used only under the store's writers' lock. */
    private final ByteBuffer writeKey;
    /** Each reading thread's key buffer. */
    private final ThreadLocal<ByteBuffer> readKey;

    LmdbBuffers(final int maxKeyBytes) {
        this.writeKey = ByteBuffer.allocateDirect(maxKeyBytes);
        this.readKey = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(maxKeyBytes));
    }

    /** The key in the writers' buffer, valid until the next write; only under the store's writers' lock. */
    ByteBuffer writeKey(final byte[] key) {
        fill(writeKey, key);
        return writeKey;
    }

    /** The key in this thread's buffer, valid until this thread's next {@code readKey}. */
    ByteBuffer readKey(final byte[] key) {
        final ByteBuffer buffer = readKey.get();
        fill(buffer, key);
        return buffer;
    }

    /** The key in a direct buffer of its own. */
    static ByteBuffer ownKey(final byte[] key) {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(key.length);
        fill(buffer, key);
        return buffer;
    }

    /** Copies bytes out of LMDB's map: a mapped buffer is valid only until its transaction ends. */
    static byte[] copy(final ByteBuffer mapped) {
        final byte[] bytes = new byte[mapped.remaining()];
        mapped.duplicate().get(bytes);
        return bytes;
    }

    private static void fill(final ByteBuffer buffer, final byte[] bytes) {
        buffer.clear();
        buffer.put(bytes);
        buffer.flip();
    }
}
