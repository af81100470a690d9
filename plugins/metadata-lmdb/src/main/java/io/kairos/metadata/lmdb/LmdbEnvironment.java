package io.kairos.metadata.lmdb;

import io.kairos.spi.metadata.MetadataException;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * One store's open LMDB environment: runs bodies in read or write transactions, grows the map when a write finds it
 * full (and adopts a size another process set), and closes. Transactions run under a read-write lock's read lock;
 * resizing and closing take its write lock, since LMDB needs no transaction active in the process for them.
 * Thread-safe, but write transactions (and so the map's growth) run only under the store's writers' lock.
 */
final class LmdbEnvironment {
    /** Map sizes are kept a multiple of this (a multiple of every OS page size LMDB runs on). */
    private static final long MAP_SIZE_ALIGN = 64 * 1024;

    /** Directories open in this process (by file key): LMDB forbids opening one environment twice in a process. */
    private static final Set<Object> OPEN_DIRECTORIES = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final Object directoryKey;
    private final long maxMapSize;
    private final Env<ByteBuffer> env;
    private final int maxKeyBytes;
    /** Read: a transaction is in flight. Write: resizing the map or closing (LMDB needs no transaction active). */
    private final ReentrantReadWriteLock envLock = new ReentrantReadWriteLock();

    private volatile boolean closed;
    /** The current map size; written under envLock's write lock. */
    private volatile long mapSize;

    /**
     * Opens (creating if needed) the environment in this directory; see
     * {@link LmdbMetadataStore#LmdbMetadataStore(Path, long, long)}.
     */
    LmdbEnvironment(final Path directory, final long mapSize, final long maxMapSize) {
        this.directory = directory;
        this.maxMapSize = align(maxMapSize);
        LmdbOpener.checkJvmAccess(directory);
        LmdbOpener.prepareDirectory(directory);
        this.directoryKey = LmdbOpener.directoryKey(directory);
        if (!OPEN_DIRECTORIES.add(directoryKey)) {
            throw new MetadataException("metadata store " + directory
                    + " is already open in this process (LMDB allows one open handle per process): close it first");
        }
        Env<ByteBuffer> opened = null;
        try {
            opened = LmdbOpener.openEnv(directory, align(mapSize));
            this.mapSize = opened.info().mapSize;
            this.maxKeyBytes = opened.getMaxKeySize();
        } catch (RuntimeException | Error e) {
            if (opened != null) {
                opened.close();
            }
            OPEN_DIRECTORIES.remove(directoryKey);
            throw e;
        }
        this.env = opened;
    }

    /** The environment itself, for opening databases in a transaction this class runs. */
    Env<ByteBuffer> env() {
        return env;
    }

    Path directory() {
        return directory;
    }

    int maxKeyBytes() {
        return maxKeyBytes;
    }

    long mapSize() {
        return mapSize;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Closes the environment once no transaction is in flight, running {@code beforeClosing} first (under the same
     * lock); idempotent.
     */
    void close(final Runnable beforeClosing) {
        envLock.writeLock().lock(); // waits for the reads in flight
        try {
            if (closed) {
                return;
            }
            closed = true;
            beforeClosing.run();
            try {
                env.close();
            } finally {
                OPEN_DIRECTORIES.remove(directoryKey);
            }
        } finally {
            envLock.writeLock().unlock();
        }
    }

    /**
     * Runs a body in a fresh write transaction, under the store's writers' lock (held by the caller). If the map is
     * full, it grows the map (doubling, up to the maximum) and runs the body once more.
     */
    <R> R inWriteTxn(final String op, final String table, final TxnBody<R> body) {
        boolean grown = false;
        while (true) {
            final long sizeTried = mapSize;
            final boolean full;
            envLock.readLock().lock();
            try {
                ensureOpen();
                try (Txn<ByteBuffer> txn = beginTxn(false)) {
                    return body.apply(txn);
                }
            } catch (final Env.MapFullException e) {
                if (grown || sizeTried >= maxMapSize) {
                    throw new MetadataException("metadata store " + directory + ": " + op + " on table '" + table
                            + "' failed: the LMDB map is full at " + describeSize(sizeTried)
                            + (sizeTried >= maxMapSize ? ", its maximum" : " after growing it once")
                            + "; open the store with a larger map size", e);
                }
                full = true;
            } catch (final MapResized e) {
                full = false; // another process grew the map: adopt its size and run again
            } catch (final LmdbException e) {
                throw failure(op, table, e);
            } finally {
                envLock.readLock().unlock();
            }
            if (full) {
                grown = true;
                resize(Math.max(mapSize, Math.min(align(sizeTried * 2), maxMapSize)));
            } else {
                resize(0);
            }
        }
    }

    /** Runs a body in a fresh read transaction; if another process grew the map, adopts its size and runs it again. */
    <R> R inReadTxn(final String op, final String table, final TxnBody<R> body) {
        while (true) {
            envLock.readLock().lock();
            try {
                ensureOpen();
                try (Txn<ByteBuffer> txn = beginTxn(true)) {
                    return body.apply(txn);
                }
            } catch (final MapResized e) {
                // fall through: adopt the new size with no transaction active, then read again
            } catch (final LmdbException e) {
                throw failure(op, table, e);
            } finally {
                envLock.readLock().unlock();
            }
            resize(0);
        }
    }

    /** What runs inside a transaction; it commits the transaction itself if it should be kept. */
    @FunctionalInterface
    interface TxnBody<R> {
        R apply(Txn<ByteBuffer> txn);
    }

    /** Signals MDB_MAP_RESIZED at a transaction's start, so that callers handle it outside the read lock. */
    private static final class MapResized extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MapResized() {
            super(null, null, false, false);
        }
    }

    /** Sets the map size (0: adopt the size another process set), with no transaction active in this process. */
    private void resize(final long newSize) {
        envLock.writeLock().lock();
        try {
            ensureOpen();
            env.setMapSize(newSize);
            mapSize = env.info().mapSize;
        } catch (final LmdbException e) {
            throw new MetadataException("metadata store " + directory + ": cannot set the LMDB map size to "
                    + describeSize(newSize) + ": " + e.getMessage(), e);
        } finally {
            envLock.writeLock().unlock();
        }
    }

    /** Throws a {@link MetadataException} if the store is closed. */
    void ensureOpen() {
        if (closed) {
            throw new MetadataException("metadata store " + directory + " is closed");
        }
    }

    private Txn<ByteBuffer> beginTxn(final boolean read) {
        try {
            return read ? env.txnRead() : env.txnWrite();
        } catch (final Dbi.MapResizedException e) {
            throw new MapResized();
        }
    }

    private MetadataException failure(final String op, final String table, final LmdbException e) {
        return new MetadataException("metadata store " + directory + ": " + op + " on table '" + table
                + "' failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    private static long align(final long size) {
        final long aligned = (size + MAP_SIZE_ALIGN - 1) / MAP_SIZE_ALIGN * MAP_SIZE_ALIGN;
        return aligned < 0 ? Long.MAX_VALUE / MAP_SIZE_ALIGN * MAP_SIZE_ALIGN : aligned;
    }

    private static String describeSize(final long bytes) {
        if (bytes >= (1L << 30) && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB (" + bytes + " bytes)";
        }
        if (bytes >= (1L << 20) && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB (" + bytes + " bytes)";
        }
        return bytes + " bytes";
    }
}
