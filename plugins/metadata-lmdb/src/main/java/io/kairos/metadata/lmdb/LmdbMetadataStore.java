package io.kairos.metadata.lmdb;

import io.kairos.spi.metadata.MetadataException;
import io.kairos.spi.metadata.MetadataStore;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;

/**
 * A {@link MetadataStore} on LMDB (through lmdbjava, which bundles LMDB itself): one LMDB environment in the
 * directory, one named LMDB database per table.
 *
 * <p><b>Durability.</b> Every write ({@code put}, {@code putIfAbsent} that stores, {@code delete} that removes) runs in
 * its own write transaction and is committed with LMDB's default sync (data pages, then the meta page, are on disk
 * when the call returns). A {@code putIfAbsent} that finds the key, or a {@code delete} that finds nothing, aborts its
 * transaction and writes nothing.
 *
 * <p><b>Threads.</b> Any thread may call any method. Writes are serialized by a lock (LMDB allows one writer at a
 * time); reads run concurrently in their own read transactions (the environment is opened with {@code MDB_NOTLS}, so
 * a read transaction is not tied to the thread that began it). No lock and no transaction is held while a
 * {@link #scan scan}'s consumer runs, so the consumer may call any method of this store (even {@link #close}).
 *
 * <p><b>Map size.</b> LMDB maps the data file into memory with a fixed upper size. The initial size (default 1 GiB)
 * is address space, not disk: the file grows only as pages are used. A write that finds the map full doubles it (up to
 * the maximum, default 64 GiB) and is retried once; past that it fails with a {@link MetadataException} naming the
 * size.
 *
 * <p><b>Processes.</b> Several processes may open the same directory (LMDB's lock file coordinates them); a directory
 * must not be opened twice in one process (LMDB's rule: closing the second handle would drop the first one's locks),
 * and this class refuses it. Reader slots left by processes that died are cleared on open.
 *
 * <p><b>JVM flags.</b> lmdbjava's {@code ByteBuffer} proxy needs {@code --add-opens=java.base/java.nio=ALL-UNNAMED}
 * and {@code --add-exports=java.base/sun.nio.ch=ALL-UNNAMED} (and on JDK 23+
 * {@code --sun-misc-unsafe-memory-access=allow} to keep JDK 24+ quiet); opening a store without the first two fails
 * with a {@link MetadataException} that names them.
 */
public final class LmdbMetadataStore implements MetadataStore {

    /** The initial map size when none is given: 1 GiB. */
    public static final long DEFAULT_MAP_SIZE = 1L << 30;
    /** The largest size the map grows to when none is given: 64 GiB (address space; the file holds only what is used). */
    public static final long DEFAULT_MAX_MAP_SIZE = 64L << 30;
    /** How many tables (LMDB named databases) one store holds. */
    public static final int MAX_TABLES = 128;
    /** The longest table name, in characters. */
    public static final int MAX_TABLE_NAME_CHARS = 64;
    /** LMDB reader slots: how many read transactions may be open at once in all processes together. */
    public static final int MAX_READERS = 512;

    /** A scan hands entries over in batches of at most this many entries... */
    static final int SCAN_BATCH_ENTRIES = 512;
    /** ...or of about this many bytes of keys and values. */
    static final int SCAN_BATCH_BYTES = 1 << 20;

    private final Path directory;
    private final LmdbEnvironment environment;
    private final int maxKeyBytes;
    /** Serializes writers, table opening, and close; always taken before the environment's lock. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final LmdbTables tables;
    private final LmdbBuffers buffers;

    /** Opens (creating if needed) a store in this directory with the default map sizes. */
    public LmdbMetadataStore(final Path directory) {
        this(directory, DEFAULT_MAP_SIZE, DEFAULT_MAX_MAP_SIZE);
    }

    /**
     * Opens (creating if needed) a store in this directory.
     *
     * @param directory  the directory holding {@code data.mdb} and {@code lock.mdb}; created if missing
     * @param mapSize    the initial map size in bytes (rounded up to 64 KiB); LMDB takes the data file's size if larger
     * @param maxMapSize how far a full map may grow, in bytes (at least {@code mapSize})
     * @throws MetadataException if the directory cannot be created, read or written, holds a file that is not LMDB's,
     *                           is already open in this process, or the JVM lacks the flags lmdbjava needs
     */
    public LmdbMetadataStore(final Path directory, final long mapSize, final long maxMapSize) {
        Objects.requireNonNull(directory, "directory");
        if (mapSize <= 0 || maxMapSize < mapSize) {
            throw new IllegalArgumentException(
                    "map size " + mapSize + " must be positive and at most the maximum " + maxMapSize);
        }
        this.directory = directory.toAbsolutePath().normalize();
        this.environment = new LmdbEnvironment(this.directory, mapSize, maxMapSize);
        this.maxKeyBytes = environment.maxKeyBytes();
        this.tables = new LmdbTables(environment, writeLock);
        this.buffers = new LmdbBuffers(maxKeyBytes);
    }

    /** The directory this store lives in (absolute). */
    public Path directory() {
        return directory;
    }

    /** The current map size in bytes (grows when a write finds the map full). */
    public long mapSize() {
        return environment.mapSize();
    }

    // ------------------------------------------------------------------------------------------ writes

    @Override
    public void put(final String table, final byte[] key, final byte[] value) {
        Objects.requireNonNull(value, "value");
        write("put", table, key, true, (txn, dbi, k) -> {
            dbi.reserve(txn, k, value.length).put(value);
            return Boolean.TRUE;
        });
    }

    @Override
    public boolean putIfAbsent(final String table, final byte[] key, final byte[] value) {
        Objects.requireNonNull(value, "value");
        return write("putIfAbsent", table, key, true, (txn, dbi, k) -> {
            if (dbi.get(txn, k) != null) {
                return Boolean.FALSE;
            }
            dbi.reserve(txn, k, value.length, PutFlags.MDB_NOOVERWRITE).put(value);
            return Boolean.TRUE;
        });
    }

    @Override
    public boolean delete(final String table, final byte[] key) {
        return write("delete", table, key, false, (txn, dbi, k) -> dbi.delete(txn, k));
    }

    /** What a write does inside its transaction; false: nothing changed (the transaction is aborted, not committed). */
    @FunctionalInterface
    private interface WriteOp {
        Boolean apply(Txn<ByteBuffer> txn, Dbi<ByteBuffer> dbi, ByteBuffer key);
    }

    private boolean write(final String op, final String table, final byte[] key, final boolean create,
                          final WriteOp body) {
        LmdbTables.checkName(table);
        checkKey(table, key);
        writeLock.lock();
        try {
            environment.ensureOpen();
            final Dbi<ByteBuffer> dbi = tables.handle(table, create);
            if (dbi == null) {
                return false; // delete from a table never written
            }
            final ByteBuffer k = buffers.writeKey(key);
            return environment.inWriteTxn(op, table, txn -> {
                final boolean changed = body.apply(txn, dbi, k);
                if (changed) {
                    txn.commit();
                }
                return changed;
            });
        } finally {
            writeLock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------ reads

    @Override
    public byte[] get(final String table, final byte[] key) {
        LmdbTables.checkName(table);
        checkKey(table, key);
        environment.ensureOpen();
        final Dbi<ByteBuffer> dbi = tables.handle(table, false);
        if (dbi == null) {
            return null;
        }
        final ByteBuffer k = buffers.readKey(key);
        return environment.inReadTxn("get", table, txn -> {
            final ByteBuffer v = dbi.get(txn, k);
            return v == null ? null : LmdbBuffers.copy(v);
        });
    }

    @Override
    public void scan(final String table, final byte[] prefix, final BiConsumer<byte[], byte[]> consumer) {
        LmdbTables.checkName(table);
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(consumer, "consumer");
        environment.ensureOpen();
        if (prefix.length > maxKeyBytes) {
            return; // no key is that long
        }
        final Dbi<ByteBuffer> dbi = tables.handle(table, false);
        if (dbi == null) {
            return;
        }
        final List<byte[]> batch = new ArrayList<>();
        byte[] after = null; // the last key handed over; the next batch starts after it
        while (true) {
            batch.clear();
            final byte[] resumeAfter = after;
            final boolean more = environment.inReadTxn("scan", table,
                    txn -> readBatch(txn, dbi, prefix, resumeAfter, batch));
            for (int i = 0; i < batch.size(); i += 2) {
                consumer.accept(batch.get(i), batch.get(i + 1));
            }
            if (!more) {
                return;
            }
            after = batch.get(batch.size() - 2);
        }
    }

    /**
     * Reads up to one batch of entries, keys starting with the prefix, from the first key at least {@code after}
     * (skipping {@code after} itself) or at least the prefix. Adds key, value, key, value... to the batch.
     *
     * @return true if the batch is full (there may be more), false if the prefix's range ended
     */
    private boolean readBatch(final Txn<ByteBuffer> txn, final Dbi<ByteBuffer> dbi, final byte[] prefix,
                              final byte[] after, final List<byte[]> batch) {
        try (Cursor<ByteBuffer> cursor = dbi.openCursor(txn)) {
            final byte[] from = after != null ? after : prefix;
            boolean found;
            if (from.length == 0) {
                found = cursor.first();
            } else {
                // the first key >= from, in LMDB's (bytewise) order
                found = cursor.get(buffers.readKey(from), GetOp.MDB_SET_RANGE);
            }
            long bytes = 0;
            for (; found; found = cursor.next()) {
                final byte[] key = LmdbBuffers.copy(cursor.key());
                if (!startsWith(key, prefix)) {
                    return false;
                }
                if (after != null && Arrays.equals(key, after)) {
                    continue;
                }
                final byte[] value = LmdbBuffers.copy(cursor.val());
                batch.add(key);
                batch.add(value);
                bytes += key.length + value.length;
                if (batch.size() >= 2 * SCAN_BATCH_ENTRIES || bytes >= SCAN_BATCH_BYTES) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public int maxKeyBytes() {
        environment.ensureOpen();
        return maxKeyBytes;
    }

    // ------------------------------------------------------------------------------------------ close

    @Override
    public void close() {
        writeLock.lock();
        try {
            environment.close(tables::clear);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "LmdbMetadataStore[" + directory + (environment.isClosed() ? ", closed]" : "]");
    }

    // ------------------------------------------------------------------------------------------ checks

    private void checkKey(final String table, final byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length == 0) {
            throw new IllegalArgumentException("key for table '" + table + "' is empty");
        }
        if (key.length > maxKeyBytes) {
            throw new IllegalArgumentException("key for table '" + table + "' is " + key.length
                    + " bytes, longer than the limit of " + maxKeyBytes + " bytes");
        }
    }

    private static boolean startsWith(final byte[] key, final byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
