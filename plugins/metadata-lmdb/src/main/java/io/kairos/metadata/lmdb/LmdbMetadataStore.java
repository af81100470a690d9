package io.kairos.metadata.lmdb;

import io.kairos.spi.metadata.MetadataException;
import io.kairos.spi.metadata.MetadataStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;

import org.lmdbjava.BufferProxy;
import org.lmdbjava.ByteBufferProxy;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;
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

    /** Map sizes are kept a multiple of this (a multiple of every OS page size LMDB runs on). */
    private static final long MAP_SIZE_ALIGN = 64 * 1024;

    /** Directories open in this process (by file key): LMDB forbids opening one environment twice in a process. */
    private static final Set<Object> OPEN_DIRECTORIES = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final Object directoryKey;
    private final long maxMapSize;
    private final Env<ByteBuffer> env;
    private final int maxKeyBytes;

    /** Serializes writers, table opening, and close; always taken before {@link #envLock}. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Read: a transaction is in flight. Write: resizing the map or closing (LMDB needs no transaction active). */
    private final ReentrantReadWriteLock envLock = new ReentrantReadWriteLock();
    private final ConcurrentHashMap<String, Dbi<ByteBuffer>> tables = new ConcurrentHashMap<>();
    /** The writers' key buffer, used only under {@link #writeLock}. */
    private final ByteBuffer writeKey;
    /** Each reading thread's key buffer (lmdbjava takes keys in direct buffers). */
    private final ThreadLocal<ByteBuffer> readKey;

    private volatile boolean closed;
    /** The current map size; written under envLock's write lock. */
    private volatile long mapSize;

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
        this.maxMapSize = align(maxMapSize);
        checkJvmAccess(this.directory);
        prepareDirectory(this.directory);
        this.directoryKey = directoryKey(this.directory);
        if (!OPEN_DIRECTORIES.add(directoryKey)) {
            throw new MetadataException("metadata store " + this.directory
                    + " is already open in this process (LMDB allows one open handle per process): close it first");
        }
        Env<ByteBuffer> opened = null;
        try {
            opened = openEnv(this.directory, align(mapSize));
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
        this.writeKey = ByteBuffer.allocateDirect(maxKeyBytes);
        this.readKey = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(maxKeyBytes));
    }

    /** The directory this store lives in (absolute). */
    public Path directory() {
        return directory;
    }

    /** The current map size in bytes (grows when a write finds the map full). */
    public long mapSize() {
        return mapSize;
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
        checkTable(table);
        checkKey(table, key);
        writeLock.lock();
        try {
            ensureOpen();
            final Dbi<ByteBuffer> dbi = table(table, create);
            if (dbi == null) {
                return false; // delete from a table never written
            }
            fill(writeKey, key);
            return inWriteTxn(op, table, txn -> {
                final boolean changed = body.apply(txn, dbi, writeKey);
                if (changed) {
                    txn.commit();
                }
                return changed;
            });
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Runs a body in a fresh write transaction, under {@link #writeLock} (held by the caller). If the map is full, it
     * grows the map (doubling, up to the maximum) and runs the body once more.
     */
    private <R> R inWriteTxn(final String op, final String table, final TxnBody<R> body) {
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

    @FunctionalInterface
    private interface TxnBody<R> {
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

    // ------------------------------------------------------------------------------------------ reads

    @Override
    public byte[] get(final String table, final byte[] key) {
        checkTable(table);
        checkKey(table, key);
        ensureOpen();
        final Dbi<ByteBuffer> dbi = table(table, false);
        if (dbi == null) {
            return null;
        }
        final ByteBuffer k = readKey.get();
        fill(k, key);
        return inReadTxn("get", table, txn -> {
            final ByteBuffer v = dbi.get(txn, k);
            return v == null ? null : copy(v);
        });
    }

    @Override
    public void scan(final String table, final byte[] prefix, final BiConsumer<byte[], byte[]> consumer) {
        checkTable(table);
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(consumer, "consumer");
        ensureOpen();
        if (prefix.length > maxKeyBytes) {
            return; // no key is that long
        }
        final Dbi<ByteBuffer> dbi = table(table, false);
        if (dbi == null) {
            return;
        }
        final List<byte[]> batch = new ArrayList<>();
        byte[] after = null; // the last key handed over; the next batch starts after it
        while (true) {
            batch.clear();
            final byte[] resumeAfter = after;
            final boolean more = inReadTxn("scan", table, txn -> readBatch(txn, dbi, prefix, resumeAfter, batch));
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
                final ByteBuffer k = readKey.get();
                fill(k, from);
                found = cursor.get(k, GetOp.MDB_SET_RANGE); // the first key >= from, in LMDB's (bytewise) order
            }
            long bytes = 0;
            for (; found; found = cursor.next()) {
                final byte[] key = copy(cursor.key());
                if (!startsWith(key, prefix)) {
                    return false;
                }
                if (after != null && Arrays.equals(key, after)) {
                    continue;
                }
                final byte[] value = copy(cursor.val());
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

    private <R> R inReadTxn(final String op, final String table, final TxnBody<R> body) {
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

    @Override
    public int maxKeyBytes() {
        ensureOpen();
        return maxKeyBytes;
    }

    // ------------------------------------------------------------------------------------------ close

    @Override
    public void close() {
        writeLock.lock();
        try {
            envLock.writeLock().lock(); // waits for the reads in flight
            try {
                if (closed) {
                    return;
                }
                closed = true;
                tables.clear();
                try {
                    env.close();
                } finally {
                    OPEN_DIRECTORIES.remove(directoryKey);
                }
            } finally {
                envLock.writeLock().unlock();
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "LmdbMetadataStore[" + directory + (closed ? ", closed]" : "]");
    }

    // ------------------------------------------------------------------------------------------ tables

    /**
     * The table's LMDB database, opened once and cached; null if it does not exist and {@code create} is false (a
     * table never written is not created by a read, so reads stay read-only).
     */
    private Dbi<ByteBuffer> table(final String table, final boolean create) {
        final Dbi<ByteBuffer> cached = tables.get(table);
        if (cached != null) {
            return cached;
        }
        // LMDB: opening a database handle must not race with another opening in the process; the handle is opened in
        // a write transaction of its own, so take the writers' lock (which is always taken before envLock).
        writeLock.lock();
        try {
            final Dbi<ByteBuffer> again = tables.get(table);
            if (again != null) {
                return again;
            }
            ensureOpen();
            final byte[] name = tableName(table);
            final TxnBody<Dbi<ByteBuffer>> open = txn -> {
                final Dbi<ByteBuffer> d;
                try {
                    d = create ? env.openDbi(txn, name, null, false, DbiFlags.MDB_CREATE)
                            : env.openDbi(txn, name, null, false);
                } catch (final Dbi.KeyNotFoundException e) {
                    return null;
                } catch (final Dbi.DbFullException e) {
                    // LMDB says "full" before it looks the name up: a read of a table that does not exist is empty
                    if (!create && !tableExists(txn, table)) {
                        return null;
                    }
                    throw new MetadataException("metadata store " + directory + ": cannot open table '" + table
                            + "': the store holds at most " + MAX_TABLES + " tables (LMDB maxDbs)", e);
                }
                txn.commit(); // the handle outlives its transaction only if committed (read-only ones too)
                return d;
            };
            // Creating needs a write transaction; finding an existing table needs only a read transaction, so a read
            // of a table never written does not wait for LMDB's writer lock (held by other processes' writers too).
            final Dbi<ByteBuffer> dbi = create ? inWriteTxn("open", table, open) : inReadTxn("open", table, open);
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
        if (name.length > maxKeyBytes) {
            return false;
        }
        final ByteBuffer key = ByteBuffer.allocateDirect(name.length);
        fill(key, name);
        return env.openDbi(txn, null, null, false).get(txn, key) != null;
    }

    /** The table's name as LMDB takes it: UTF-8, NUL-terminated (mdb_dbi_open reads a C string). */
    private static byte[] tableName(final String table) {
        final byte[] utf8 = table.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, utf8.length + 1);
    }

    // ------------------------------------------------------------------------------------------ checks

    private static void checkTable(final String table) {
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

    private void ensureOpen() {
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

    // ------------------------------------------------------------------------------------------ opening

    /** Fails early, with the flags to add, where lmdbjava's ByteBuffer proxy would fail at its first use. */
    private static void checkJvmAccess(final Path directory) {
        final Module lmdb = Env.class.getModule();
        final Module base = Object.class.getModule();
        final List<String> missing = new ArrayList<>();
        if (!base.isOpen("java.nio", lmdb)) {
            missing.add("--add-opens=java.base/java.nio=" + moduleName(lmdb));
        }
        if (!base.isExported("sun.nio.ch", lmdb)) {
            missing.add("--add-exports=java.base/sun.nio.ch=" + moduleName(lmdb));
        }
        if (!missing.isEmpty()) {
            throw new MetadataException("cannot open metadata store " + directory
                    + ": lmdbjava needs the JVM flags " + String.join(" ", missing));
        }
    }

    private static String moduleName(final Module module) {
        return module.isNamed() ? module.getName() : "ALL-UNNAMED";
    }

    private static void prepareDirectory(final Path directory) {
        if (Files.isRegularFile(directory)) {
            throw new MetadataException("metadata directory " + directory + " is a regular file, not a directory");
        }
        if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(directory)) {
            throw new MetadataException("metadata directory " + directory + " exists and is not a directory");
        }
        try {
            Files.createDirectories(directory);
        } catch (final IOException | SecurityException e) {
            throw new MetadataException("cannot create metadata directory " + directory + ": " + e, e);
        }
        if (!Files.isReadable(directory) || !Files.isWritable(directory) || !Files.isExecutable(directory)) {
            throw new MetadataException("metadata directory " + directory
                    + " is not readable, writable and searchable by this process");
        }
        for (final String file : new String[] {"data.mdb", "lock.mdb"}) {
            final Path path = directory.resolve(file);
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isRegularFile(path)) {
                    throw new MetadataException("metadata store " + directory + ": " + path
                            + " is not a regular file");
                }
                if (!Files.isReadable(path) || !Files.isWritable(path)) {
                    throw new MetadataException("metadata store " + directory + ": " + path
                            + " is not readable and writable by this process");
                }
            }
        }
    }

    private static Object directoryKey(final Path directory) {
        try {
            final Object key = Files.readAttributes(directory, BasicFileAttributes.class).fileKey();
            return key != null ? key : directory.toRealPath();
        } catch (final IOException e) {
            throw new MetadataException("cannot read metadata directory " + directory + ": " + e, e);
        }
    }

    private static Env<ByteBuffer> openEnv(final Path directory, final long mapSize) {
        final Env<ByteBuffer> env;
        try {
            // lmdbjava's ByteBuffer proxy: the Unsafe-based one when Unsafe is usable, else the reflective one. Both
            // need --add-opens java.base/java.nio and --add-exports java.base/sun.nio.ch (checked before: touching
            // ByteBufferProxy without them fails its class initialization); both work on JDK 17 and 25.
            final BufferProxy<ByteBuffer> proxy = ByteBufferProxy.PROXY_OPTIMAL;
            env = Env.create(proxy)
                    .setMapSize(mapSize)
                    .setMaxDbs(MAX_TABLES)
                    .setMaxReaders(MAX_READERS)
                    .open(directory.toFile(), EnvFlags.MDB_NOTLS);
        } catch (final Env.FileInvalidException e) {
            throw new MetadataException("metadata store " + directory + ": " + directory.resolve("data.mdb")
                    + " (or lock.mdb) is not an LMDB file (MDB_INVALID): it is damaged or was written by something"
                    + " else", e);
        } catch (final Env.VersionMismatchException e) {
            throw new MetadataException("metadata store " + directory
                    + ": the files were written by an incompatible LMDB version (MDB_VERSION_MISMATCH)", e);
        } catch (final LmdbException e) {
            throw new MetadataException("cannot open metadata store " + directory + ": "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } catch (final LinkageError e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new MetadataException("cannot open metadata store " + directory
                    + ": lmdbjava or the LMDB native library could not be loaded: " + e
                    + (root != e ? ", caused by " + root : ""), e);
        }
        try {
            env.readerCheck(); // clear reader slots left by processes that died
        } catch (final LmdbException e) {
            env.close();
            throw new MetadataException("cannot open metadata store " + directory + ": " + e.getMessage(), e);
        }
        return env;
    }

    // ------------------------------------------------------------------------------------------ bytes

    private static void fill(final ByteBuffer buffer, final byte[] bytes) {
        buffer.clear();
        buffer.put(bytes);
        buffer.flip();
    }

    /** Copies bytes out of LMDB's map: a mapped buffer is valid only until its transaction ends. */
    private static byte[] copy(final ByteBuffer mapped) {
        final byte[] bytes = new byte[mapped.remaining()];
        mapped.duplicate().get(bytes);
        return bytes;
    }

    private static boolean startsWith(final byte[] key, final byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static long align(final long size) {
        final long aligned = (size + MAP_SIZE_ALIGN - 1) / MAP_SIZE_ALIGN * MAP_SIZE_ALIGN;
        return aligned < 0 ? Long.MAX_VALUE / MAP_SIZE_ALIGN * MAP_SIZE_ALIGN : aligned;
    }

    static String describeSize(final long bytes) {
        if (bytes >= (1L << 30) && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB (" + bytes + " bytes)";
        }
        if (bytes >= (1L << 20) && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB (" + bytes + " bytes)";
        }
        return bytes + " bytes";
    }
}
