package io.kairos.internal.worker;

import io.kairos.internal.object.ValueCodec;
import io.kairos.internal.object.JavaSerialization;
import io.kairos.spi.serialization.Serializer;
import io.kairos.store.ObjectId;
import io.kairos.store.SharedObjectStore;
import io.kairos.store.StoreException;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The main class of a worker process ({@link WorkerProcesses} starts it): runs the tasks, actor constructors and
 * actor calls the kernel sends over stdin, one at a time, and writes each reply to stdout ({@link WorkerProtocol}).
 * Large values come and go through the kernel's shared object store, attached by name: an argument is read where it
 * lies, a large result is written into the store and only its id goes back. The process's own System.out goes to
 * its stderr, so that a task's prints cannot break the protocol. It exits when stdin closes.
 *
 * <p>While a request runs, its code may ask the kernel for an object by id ({@link #getFromParent}): an
 * {@code ObjectRef} that came inside a value resolves so. One thread of the process talks on the pipes at a time
 * (guarded by this object), and only while a request runs.
 *
 * <p>Arguments: the store's name ("-" for none), the inline threshold in bytes and the kernel's token
 * ({@link ObjectExports}).
 */
public final class WorkerProcessMain {
    /** This process's worker, once main has made it; null in any other JVM. */
    private static volatile WorkerProcessMain current;

    private final SharedObjectStore store;
    private final long inlineThreshold;
    private final ValueCodec codec;
    private final ClassLoader loader = WorkerProcessMain.class.getClassLoader();
    private final Map<Long, Object> actors = new HashMap<>();
    /** Results this process put in the store, pinned until the kernel has pinned them (its next request). */
    private final List<ObjectId> pinnedResults = new ArrayList<>();
    private final List<ObjectId> pinnedArgs = new ArrayList<>();
    private final long parentToken;
    private DataInputStream in;
    private DataOutputStream out;
    /** A request runs: its code may ask for objects. Guarded by this. */
    private boolean inCall;

    private WorkerProcessMain(final SharedObjectStore store, final long inlineThreshold, final long parentToken) {
        this.store = store;
        this.inlineThreshold = inlineThreshold;
        this.parentToken = parentToken;
        final List<Serializer> plugins = new ArrayList<>();
        ServiceLoader.load(Serializer.class).forEach(plugins::add);
        this.codec = new ValueCodec(plugins);
    }

    public static void main(final String[] args) throws Exception {
        final DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        final DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
        final SharedObjectStore store = args[0].equals("-") ? null : SharedObjectStore.attach(args[0]);
        final WorkerProcessMain worker = new WorkerProcessMain(store, Long.parseLong(args[1]),
            args.length > 2 ? Long.parseLong(args[2]) : 0);
        worker.in = in;
        worker.out = out;
        current = worker;
        out.writeInt(WorkerProtocol.MAGIC);
        out.writeLong(ProcessHandle.current().pid());
        out.flush();
        try {
            while (true) {
                final int op;
                try {
                    op = in.readInt();
                } catch (final EOFException e) {
                    break;  // the kernel closed our stdin: it is done with us
                }
                worker.serve(op, in, out);
                out.flush();
            }
        } finally {
            if (store != null) {
                store.close();
            }
        }
        System.exit(0);  // non-daemon threads a task started must not keep the process
    }

    private void serve(final int op, final DataInputStream in, final DataOutputStream out) throws IOException {
        releasePins(pinnedResults);  // the kernel pinned them when it read our last reply
        final long taskId = in.readLong();
        final long actorId = in.readLong();
        final int attempt = in.readInt();
        final String name = in.readUTF();
        final String nodeId = in.readUTF();
        final Map<String, Double> resources = new LinkedHashMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            resources.put(in.readUTF(), in.readDouble());
        }
        final int gpus = in.readInt();
        final int[] instances = new int[gpus];
        final double[] shares = new double[gpus];
        for (int i = 0; i < gpus; i++) {
            instances[i] = in.readInt();
            shares[i] = in.readDouble();
        }
        final byte[] function = WorkerProtocol.readBytes(in);
        final int arity = in.readInt();
        final Object[] values = new Object[arity + 1];
        Object result = null;
        Throwable thrown = null;
        try {
            final int offset = op == WorkerProtocol.ACTOR_CALL ? 1 : 0;
            for (int i = 0; i < arity; i++) {
                values[offset + i] = readValue(in);
            }
            synchronized (this) {
                inCall = true;
            }
            TaskInfo.IN_PROCESS.set(new TaskInfo(taskId, name, nodeId, attempt, Map.copyOf(resources), instances, shares));
            switch (op) {
                case WorkerProtocol.TASK:
                    result = Invocations.invoke(JavaSerialization.fromBytes(function, loader), values, arity);
                    break;
                case WorkerProtocol.CREATE_ACTOR:
                    actors.put(actorId, Invocations.invoke(JavaSerialization.fromBytes(function, loader), values, arity));
                    break;
                case WorkerProtocol.ACTOR_CALL: {
                    final Object instance = actors.get(actorId);
                    if (instance == null) {
                        throw new IllegalStateException("actor " + actorId + " is not in worker process "
                            + ProcessHandle.current().pid());
                    }
                    values[0] = instance;
                    result = Invocations.invoke(JavaSerialization.fromBytes(function, loader), values, arity + 1);
                    break;
                }
                default:
                    throw new IllegalStateException("unknown worker request " + op);
            }
        } catch (final Throwable t) {
            thrown = t;
        } finally {
            TaskInfo.IN_PROCESS.remove();
        }
        synchronized (this) {  // no get of another thread of the call comes between this and the reply
            inCall = false;
            releasePins(pinnedArgs);
            reply(result, thrown, out);
        }
    }

    private void reply(final Object result, final Throwable thrown, final DataOutputStream out) throws IOException {
        if (thrown != null) {
            out.writeByte(WorkerProtocol.THREW);
            WorkerProtocol.writeBytes(out, WorkerProtocol.throwableBytes(thrown));
            return;
        }
        try {
            final byte[] inline = result == null ? null : writeResult(result, out);
            if (inline != null) {
                out.writeByte(WorkerProtocol.OK);
                out.writeByte(WorkerProtocol.INLINE);
                WorkerProtocol.writeBytes(out, inline);
            } else if (result == null) {
                out.writeByte(WorkerProtocol.OK);
                out.writeByte(WorkerProtocol.NULL);
            }
        } catch (final RuntimeException e) {
            out.writeByte(WorkerProtocol.THREW);
            WorkerProtocol.writeBytes(out, WorkerProtocol.throwableBytes(e));
        }
    }

    /**
     * The token of the kernel this process works for, as its serialized refs carry it.
     *
     * @return the token, or 0 outside a worker process
     */
    public static long parentToken() {
        final WorkerProcessMain worker = current;
        return worker == null ? 0 : worker.parentToken;
    }

    /**
     * Asks the kernel for an object while a request runs here (a ref that came inside a value), waiting for it there.
     *
     * @param id        the object's id in the kernel
     * @param timeoutMs how long the kernel waits for it at most, -1 for no limit
     * @return the value
     * @throws IllegalStateException if this is not a worker process or no request runs
     * @throws RuntimeException      the object's failure, or the kernel's reason (timeout, object gone)
     */
    public static Object getFromParent(final long id, final long timeoutMs) {
        return ask(id, timeoutMs, false);
    }

    /**
     * Whether an object of the kernel is done (as {@link #getFromParent}, without waiting or fetching it).
     *
     * @param id the object's id in the kernel
     * @return true once its value is ready or its task failed
     */
    public static boolean readyInParent(final long id) {
        return (Boolean) ask(id, 0, true);
    }

    private static Object ask(final long id, final long timeoutMs, final boolean probe) {
        final WorkerProcessMain worker = current;
        if (worker == null) {
            throw new IllegalStateException("ObjectRef(" + id + ") of a kernel is read outside its worker processes");
        }
        return worker.askParent(id, timeoutMs, probe);
    }

    private synchronized Object askParent(final long id, final long timeoutMs, final boolean probe) {
        if (!inCall) {
            throw new IllegalStateException("ObjectRef(" + id + ") came inside a value to worker process "
                + ProcessHandle.current().pid() + " and is read between requests: it resolves only while a task or "
                + "actor call runs here (the kernel answers on the request's pipe)");
        }
        try {
            out.writeByte(WorkerProtocol.GET);
            out.writeLong(id);
            out.writeLong(timeoutMs);
            out.writeBoolean(probe);
            out.flush();
            final byte status = in.readByte();
            if (status == WorkerProtocol.THREW) {
                final Throwable t = (Throwable) JavaSerialization.fromBytes(WorkerProtocol.readBytes(in), loader);
                if (t instanceof RuntimeException) {
                    throw (RuntimeException) t;
                }
                if (t instanceof Error) {
                    throw (Error) t;
                }
                throw new IllegalStateException("getting object " + id + " from the kernel failed: " + t, t);
            }
            return probe ? (Object) in.readBoolean() : readValue(in);
        } catch (final IOException e) {
            throw new java.io.UncheckedIOException("the kernel's pipe broke while getting object " + id, e);
        }
    }

    /**
     * Writes a large result straight into the store and its reply (returns null: one copy, into shared memory);
     * returns a small one's bytes for an inline reply.
     */
    private byte[] writeResult(final Object result, final DataOutputStream out) throws IOException {
        final ValueCodec.Prepared prepared = codec.prepare(result);
        if (prepared == null) {
            return codec.encode(result, "the result");  // throws, naming the class
        }
        final long length = prepared.length();
        final ObjectId id = ObjectId.random();
        final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
        if (store != null && length >= inlineThreshold && length <= SharedObjectStore.MAX_OBJECT_SIZE) {
            try {
                store.create(id, length, buffer);
            } catch (final StoreException e) {
                buffer.wrap(0, 0);  // no room: it goes inline
            }
        }
        if (buffer.capacity() == 0) {
            if (length > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the result is " + length + " bytes, more than a message holds");
            }
            final byte[] bytes = new byte[(int) length];
            codec.write(prepared, ByteBuffer.wrap(bytes));
            return bytes;
        }
        try {
            codec.write(prepared, new com.sun.jna.Pointer(buffer.addressOffset()).getByteBuffer(0, length));
        } catch (final RuntimeException e) {
            store.abort(id);
            throw e;
        }
        store.seal(id);
        store.get(id, 0, buffer);
        pinnedResults.add(id);
        out.writeByte(WorkerProtocol.OK);
        WorkerProtocol.writeStored(out, id, (int) length);
        return null;
    }

    private Object readValue(final DataInputStream in) throws IOException {
        final byte tag = in.readByte();
        switch (tag) {
            case WorkerProtocol.NULL:
                return null;
            case WorkerProtocol.INLINE:
                return codec.decode(ByteBuffer.wrap(WorkerProtocol.readBytes(in)));
            case WorkerProtocol.STORED: {
                final ObjectId id = ObjectId.of(in.readLong(), in.readLong());
                final int length = in.readInt();
                final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
                store.get(id, 0, buffer);  // the kernel holds it pinned for the call: it is there
                pinnedArgs.add(id);
                return codec.decode(new com.sun.jna.Pointer(buffer.addressOffset()).getByteBuffer(0, length));
            }
            default:
                throw new IOException("unknown value tag " + tag);
        }
    }

    private void releasePins(final List<ObjectId> ids) {
        for (final ObjectId id : ids) {
            try {
                store.release(id);
            } catch (final StoreException e) {
                // gone with the store
            }
        }
        ids.clear();
    }
}
