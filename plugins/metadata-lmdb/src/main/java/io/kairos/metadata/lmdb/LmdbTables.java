package io.kairos.metadata.lmdb;

import io.kairos.spi.metadata.MetadataException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Txn;

import static io.kairos.metadata.lmdb.LmdbMetadataStore.MAX_TABLES;
import static io.kairos.metadata.lmdb.LmdbMetadataStore.MAX_TABLE_NAME_CHARS;

/**
 * The store's tables, one LMDB named database each: the rules for their names, and their database handles, opened
 * once and cached. Thread-safe.
 */
final class LmdbTables {
    private final LmdbEnvironment environment;
    /** The store's writers' lock, always taken before the environment's lock. */
    private final ReentrantLock writeLock;
    private final ConcurrentHashMap<String, Dbi<ByteBuffer>> tables = new ConcurrentHashMap<>();

    LmdbTables(final LmdbEnvironment environment, final ReentrantLock writeLock) {
        this.environment = environment;
        this.writeLock = writeLock;
    }

    /** Checks a table name: not empty, at most {@link LmdbMetadataStore#MAX_TABLE_NAME_CHARS} characters, no NUL. */
    static void checkName(final String table) {
        Objects.requireNonNull(table, "table");
        if (table.isEmpty()) {
            throw new IllegalArgumentException("table name is empty");
        }
        if (table.length() > MAX_TABLE_NAME_CHARS) {
            throw new IllegalArgumentException("table name '" + table + "' is " + table.length()
                    + " characters, longer than the limit of " + MAX_TABLE_NAME_CHARS);
        }
        if (table.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("table name '" + table.replace("\0", "\\0")
                    + "' contains a NUL character");
        }
    }

    /**
     * The table's LMDB database, opened once and cached; null if it does not exist and {@code create} is false (a
     * table never written is not created by a read, so reads stay read-only).
     */
    Dbi<ByteBuffer> handle(final String table, final boolean create) {
        final Dbi<ByteBuffer> cached = tables.get(table);
        if (cached != null) {
            return cached;
        }
        // LMDB: opening a database handle must not race with another opening in the process; the handle is opened in
        // a write transaction of its own, so take the writers' lock (always taken before the environment's lock).
        writeLock.lock();
        try {
            final Dbi<ByteBuffer> again = tables.get(table);
            if (again != null) {
                return again;
            }
            environment.ensureOpen();
            final byte[] name = tableName(table);
            final LmdbEnvironment.TxnBody<Dbi<ByteBuffer>> open = txn -> {
                final Dbi<ByteBuffer> d;
                try {
                    d = create ? environment.env().openDbi(txn, name, null, false, DbiFlags.MDB_CREATE)
                            : environment.env().openDbi(txn, name, null, false);
                } catch (final Dbi.KeyNotFoundException e) {
                    return null;
                } catch (final Dbi.DbFullException e) {
                    // LMDB says "full" before it looks the name up: a read of a table that does not exist is empty
                    if (!create && !tableExists(txn, table)) {
                        return null;
                    }
                    throw new MetadataException("metadata store " + environment.directory() + ": cannot open table '"
                            + table + "': the store holds at most " + MAX_TABLES + " tables (LMDB maxDbs)", e);
                }
                txn.commit(); // the handle outlives its transaction only if committed (read-only ones too)
                return d;
            };
            // Creating needs a write transaction; finding an existing table needs only a read transaction, so a read
            // of a table never written does not wait for LMDB's writer lock (held by other processes' writers too).
            final Dbi<ByteBuffer> dbi = create ? environment.inWriteTxn("open", table, open)
                    : environment.inReadTxn("open", table, open);
            if (dbi != null) {
                tables.put(table, dbi);
            }
            return dbi;
        } finally {
            writeLock.unlock();
        }
    }

    /** Whether the table exists: LMDB keeps the names of named databases as keys of its main database. */
    private boolean tableExists(final Txn<ByteBuffer> txn, final String table) {
        final byte[] name = table.getBytes(StandardCharsets.UTF_8);
        if (name.length > environment.maxKeyBytes()) {
            return false;
        }
        final ByteBuffer key = LmdbBuffers.ownKey(name);
        return environment.env().openDbi(txn, null, null, false).get(txn, key) != null;
    }

    /** The table's name as LMDB takes it: UTF-8, NUL-terminated (mdb_dbi_open reads a C string). */
    private static byte[] tableName(final String table) {
        final byte[] utf8 = table.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, utf8.length + 1);
    }

    /** Forgets the handles (the environment is closing). */
    void clear() {
        tables.clear();
    }
}
