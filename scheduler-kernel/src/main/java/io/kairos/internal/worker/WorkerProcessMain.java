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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The main class of a worker process ({@link WorkerProcesses} starts it): runs the tasks, actor constructors and
 * actor calls the kernel sends over stdin, each on a thread of its own, and writes each reply to stdout, framed on
 * the request's channel ({@link WorkerProtocol}): the actors this process hosts run at once. Large values come and go
 * through the kernel's shared object store, attached by name: an argument is read where it lies, a large result is
 * written into the store and only its id goes back. The process's own System.out goes to its stderr, so that a
 * task's prints cannot break the protocol. It exits when stdin closes.
 *
 * <p>While a request runs, its code (and the threads it starts) may ask the kernel for an object by id
 * ({@link #getFromParent}), on the request's channel: an {@code ObjectRef} that came inside a value resolves so.
 *
 * <p>Arguments: the store's name ("-" for none), the inline threshold in bytes and the kernel's token
 * ({@link ObjectExports}).
 */
public final class WorkerProcessMain {
    /** This process's worker, once main has made it; null in any other JVM. */
    private static volatile WorkerProcessMain current;
    /** The request a thread works for (inherited by the threads its code starts). */
    private static final InheritableThreadLocal<Request> REQUEST = new InheritableThreadLocal<>();

    private final SharedObjectStore store;
    private final long inlineThreshold;
    private final ValueCodec codec;
    private final ClassLoader loader = WorkerProcessMain.class.getClassLoader();
    private final Map<Long, Object> actors = new ConcurrentHashMap<>();
    /** Results this process put in the store, pinned until the kernel says it holds them (RELEASE_RESULT). */
    private final Set<ObjectId> pinnedResults = ConcurrentHashMap.newKeySet();
    /** Requests waiting for the answer to a get, by channel. */
    private final Map<Long, Request> asking = new ConcurrentHashMap<>();
    private final long parentToken;
    private final DataOutputStream out;
    private DataInputStream in;
    /** The pipe's reader (one thread at a time) and the threads waiting for their turn to read. */
    private final ReentrantLock reading = new ReentrantLock();
    private final AtomicInteger followers = new AtomicInteger();
    private ExecutorService threads;

    private WorkerProcessMain(final SharedObjectStore store, final long inlineThreshold, final long parentToken,
                              final DataOutputStream out) {
        this.store = store;
        this.inlineThreshold = inlineThreshold;
        this.parentToken = parentToken;
        this.out = out;
        final List<Serializer> plugins = new ArrayList<>();
        ServiceLoader.load(Serializer.class).forEach(plugins::add);
        this.codec = new ValueCodec(plugins);
    }

    /** A request being served: its channel, whether it still runs, and the answers to its gets. */
    private static final class Request {
        final long channel;
        final SynchronousQueue<byte[]> answers = new SynchronousQueue<>();
        /** Stored arguments and got objects read where they lie: pinned here until the reply. Guarded by this. */
        final List<ObjectId> pins = new ArrayList<>();
        volatile boolean running = true;

        Request(final long channel) {
            this.channel = channel;
        }
    }

    public static void main(final String[] args) throws Exception {
        final DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        final DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
        final SharedObjectStore store = args[0].equals("-") ? null : SharedObjectStore.attach(args[0]);
        final WorkerProcessMain worker = new WorkerProcessMain(store, Long.parseLong(args[1]),
            args.length > 2 ? Long.parseLong(args[2]) : 0, out);
        current = worker;
        out.writeInt(WorkerProtocol.MAGIC);
        out.writeLong(ProcessHandle.current().pid());
        out.flush();
        worker.in = in;
        worker.threads = Executors.newCachedThreadPool(r -> {
            final Thread t = new Thread(r, "kairos-worker-request");
            t.setDaemon(true);
            return t;
        });
        worker.readAndServe();
    }

    /**
     * Leader and followers: the thread that holds the pipe reads frames until one is a request, hands the pipe to a
     * follower (started if none waits) and runs the request itself, so a request waits for no thread hand-off; then
     * it waits for its next turn. Notices and the answers to gets are handled by the reader on the way.
     */
    private void readAndServe() {
        while (true) {
            final long channel;
            final byte[] frame;
            followers.incrementAndGet();
            reading.lock();
            followers.decrementAndGet();
            try {
                channel = in.readLong();
                frame = WorkerProtocol.readBytes(in);
            } catch (final IOException e) {
                exit();  // EOF: the kernel closed our stdin, it is done with us (or it is gone)
                return;
            }
            final Incoming request;
            try {
                request = received(channel, frame);
            } catch (final IOException e) {
                exit();
                return;
            } finally {
                if (reading.isHeldByCurrentThread()) {
                    if (followers.get() == 0) {
                        threads.execute(this::readAndServe);  // someone reads while this thread serves
                    }
                    reading.unlock();
                }
            }
            if (request != null) {
                serve(channel, request.op(), request.in());
            }
        }
    }

    private static void exit() {
        final WorkerProcessMain worker = current;
        if (worker != null && worker.store != null) {
            worker.store.close();
        }
        System.exit(0);  // non-daemon threads a task started must not keep the process
    }

    /** A request's frame: its op read, the rest to come. */
    private record Incoming(int op, DataInputStream in) {
    }

    /** Reader: a notice or the answer to a get (handled here), or a request (returned, for this thread to run). */
    private Incoming received(final long channel, final byte[] frame) throws IOException {
        final Request waiting = asking.get(channel);
        if (waiting != null) {
            try {
                waiting.answers.put(frame);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted handing over an answer", e);
            }
            return null;
        }
        final DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame));
        final int op = in.readInt();
        if (op == WorkerProtocol.DROP_ACTOR) {
            actors.remove(in.readLong());
        } else if (op == WorkerProtocol.RELEASE_RESULT) {
            final ObjectId id = ObjectId.of(in.readLong(), in.readLong());
            if (pinnedResults.remove(id)) {
                release(id);
            }
        } else {
            return new Incoming(op, in);
        }
        return null;
    }

    private void serve(final long channel, final int op, final DataInputStream in) {
        final Request request = new Request(channel);
        Object result = null;
        Throwable thrown = null;
        try {
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
            final int offset = op == WorkerProtocol.ACTOR_CALL ? 1 : 0;
            for (int i = 0; i < arity; i++) {
                values[offset + i] = readValue(in, request.pins);
            }
            REQUEST.set(request);
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
            REQUEST.remove();
        }
        synchronized (request) {  // no get of another thread of the request comes between this and the reply
            request.running = false;
            releaseAll(request.pins);
            try {
                send(channel, reply(result, thrown));
            } catch (final IOException e) {
                System.exit(0);  // the kernel is gone
            }
        }
    }

    /** The reply's payload. */
    private byte[] reply(final Object result, final Throwable thrown) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        final DataOutputStream reply = new DataOutputStream(bytes);
        if (thrown != null) {
            reply.writeByte(WorkerProtocol.THREW);
            WorkerProtocol.writeBytes(reply, WorkerProtocol.throwableBytes(thrown));
            return bytes.toByteArray();
        }
        try {
            final Object written = result == null ? null : writeResult(result);
            reply.writeByte(WorkerProtocol.OK);
            if (written instanceof StoredResult) {
                final StoredResult stored = (StoredResult) written;
                WorkerProtocol.writeStored(reply, stored.id, stored.length);
            } else if (written != null) {
                final byte[] inline = (byte[]) written;
                reply.writeByte(WorkerProtocol.INLINE);
                WorkerProtocol.writeBytes(reply, inline);
            } else {
                reply.writeByte(WorkerProtocol.NULL);
            }
        } catch (final RuntimeException e) {
            bytes.reset();
            reply.writeByte(WorkerProtocol.THREW);
            WorkerProtocol.writeBytes(reply, WorkerProtocol.throwableBytes(e));
        }
        return bytes.toByteArray();
    }

    private void send(final long channel, final byte[] payload) throws IOException {
        synchronized (out) {
            out.writeLong(channel);
            WorkerProtocol.writeBytes(out, payload);
            out.flush();
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

    private Object askParent(final long id, final long timeoutMs, final boolean probe) {
        final Request request = REQUEST.get();
        if (request == null || !request.running) {
            throw new IllegalStateException("ObjectRef(" + id + ") came inside a value to worker process "
                + ProcessHandle.current().pid() + " and is read " + (request == null ? "outside a request" : "after "
                + "its request ended") + ": it resolves only while a task or actor call runs here (the kernel answers "
                + "on the request's channel)");
        }
        synchronized (request) {  // one get of a request at a time, and none once its reply is sent
            if (!request.running) {
                throw new IllegalStateException("ObjectRef(" + id + ") is read after its request ended in worker "
                    + "process " + ProcessHandle.current().pid());
            }
            final byte[] answer;
            try {
                final ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
                final DataOutputStream get = new DataOutputStream(bytes);
                get.writeByte(WorkerProtocol.GET);
                get.writeLong(id);
                get.writeLong(timeoutMs);
                get.writeBoolean(probe);
                asking.put(request.channel, request);
                try {
                    send(request.channel, bytes.toByteArray());
                    answer = request.answers.take();
                } finally {
                    asking.remove(request.channel);
                }
            } catch (final IOException e) {
                throw new java.io.UncheckedIOException("the kernel's pipe broke while getting object " + id, e);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while getting object " + id + " from the kernel", e);
            }
            try {
                final DataInputStream in = new DataInputStream(new ByteArrayInputStream(answer));
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
                return probe ? (Object) in.readBoolean() : readValue(in, request.pins);
            } catch (final IOException e) {
                throw new java.io.UncheckedIOException("the kernel's answer for object " + id + " is malformed", e);
            }
        }
    }

    /** A result written into the store: its id and length. */
    private record StoredResult(ObjectId id, int length) {
    }

    /**
     * Writes a large result straight into the store (one copy, into shared memory), pinned until the kernel holds it,
     * and returns its {@link StoredResult}; returns a small one's bytes for an inline reply.
     */
    private Object writeResult(final Object result) {
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
        return new StoredResult(id, (int) length);
    }

    /** A value; a stored one is read where it lies, pinned (added to pins) until the request ends. */
    private Object readValue(final DataInputStream in, final List<ObjectId> pins) throws IOException {
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
                store.get(id, 0, buffer);  // the kernel holds it pinned for the request: it is there
                pins.add(id);
                return codec.decode(new com.sun.jna.Pointer(buffer.addressOffset()).getByteBuffer(0, length));
            }
            default:
                throw new IOException("unknown value tag " + tag);
        }
    }

    private void releaseAll(final List<ObjectId> ids) {
        for (final ObjectId id : ids) {
            release(id);
        }
        ids.clear();
    }

    private void release(final ObjectId id) {
        try {
            store.release(id);
        } catch (final StoreException e) {
            // gone with the store
        }
    }
}
