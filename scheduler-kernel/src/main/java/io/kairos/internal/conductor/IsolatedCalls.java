package io.kairos.internal.conductor;

import io.kairos.exception.GetTimeoutException;
import io.kairos.exception.ObjectLostException;
import io.kairos.internal.object.CrossLanguage;
import io.kairos.internal.object.JavaSerialization;
import io.kairos.internal.object.Stored;
import io.kairos.internal.object.StoredObjects;
import io.kairos.internal.worker.ProcessWorker;
import io.kairos.internal.worker.PythonFunction;
import io.kairos.internal.worker.PythonRequests;
import io.kairos.internal.worker.TaskInfo;
import io.kairos.internal.worker.WorkerProcesses;
import io.kairos.internal.worker.WorkerProtocol;
import io.kairos.store.ObjectId;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A worker's calls into worker processes ({@link WorkerProtocol}): a task, an actor's constructor or an actor call is
 * sent on a channel of its own, and the worker waits for its reply, answering the gets the process makes meanwhile.
 * Arguments in the shared store go by id (pinned here until the reply); a large result comes back by id. One call at
 * a time per worker (its thread).
 */
final class IsolatedCalls {
    private final SchedulerConductor conductor;
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(frame);
    /** The worker process this worker waits on, if any: a cancel kills it (the wait is not interruptible). */
    private volatile ProcessWorker remote;

    IsolatedCalls(final SchedulerConductor conductor) {
        this.conductor = conductor;
    }

    /**
     * A result a worker process put in the shared store: adopted by the task's result object, not copied; or, with
     * argument set, one of the call's stored arguments returned as it was (a Python task's tensor), which the result
     * object then shares.
     */
    record StoredResult(ObjectId id, int length, ProcessWorker process, Stored argument) {
    }

    /** Conductor, on cancel: ends the worker process running this worker's call, if any. */
    void killRemote() {
        final ProcessWorker r = remote;
        if (r != null) {
            r.process.destroyForcibly();
        }
    }

    /**
     * Runs the task in a worker process: sends it, waits for the reply.
     *
     * @return the value, a {@link StoredResult}, or (a constructor) the {@link WorkerProcesses.RemoteActor}
     * @throws io.kairos.exception.WorkerDiedException if the process died before it replied
     */
    Object execute(final TaskSpec task, final TaskInfo context) throws Throwable {
        final boolean python = task.function instanceof PythonFunction;
        final WorkerProcesses processes = python ? conductor.processes().python() : conductor.processes();
        final ProcessWorker process;
        final int op;
        long actorId = 0;
        if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
            if (!(task.target instanceof WorkerProcesses.RemoteActor)) {  // a Python call of an in-JVM Java actor
                throw new IllegalArgumentException(task.actor.describe() + " is a Java actor: call its methods by "
                    + "reference, task(A::method, args...)");
            }
            final WorkerProcesses.RemoteActor actor = (WorkerProcesses.RemoteActor) task.target;
            task.target = null;
            process = actor.process;
            if (process.isPython() != python) {  // a call through a handle that could not tell (a name looked up)
                throw new IllegalArgumentException(task.actor.describe() + (python
                    ? " is a Java actor: call its methods by reference, task(A::method, args...)"
                    : " is a Python actor: call its methods by name, task(\"method\", args...)"));
            }
            actorId = actor.actorId;
            op = WorkerProtocol.ACTOR_CALL;
        } else if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
            actorId = task.actor.id;
            process = processes.hostActor(gpuList(context.gpuInstances()));
            op = WorkerProtocol.CREATE_ACTOR;
        } else {
            process = processes.borrow(gpuList(context.gpuInstances()));
            op = WorkerProtocol.TASK;
        }
        final List<Stored> pins = new ArrayList<>();
        boolean dead = false;
        boolean created = false;
        remote = process;
        try (ProcessWorker.Call call = process.open()) {
            if (python) {
                writePythonRequest(task, context, op, actorId, pins);
            } else {
                writeRequest(task, context, op, actorId, pins);
            }
            call.send(frameBytes(), frame.size());
            DataInputStream in = call.next();
            byte status = in.readByte();
            while (status == WorkerProtocol.GET) {  // the call reads a ref that came to it inside a value
                answerGet(in, call, pins);
                in = call.next();
                status = in.readByte();
            }
            if (status == WorkerProtocol.THREW) {
                final byte[] thrown = WorkerProtocol.readBytes(in);
                throw python ? PythonRequests.thrown(thrown)
                    : (Throwable) JavaSerialization.fromBytes(thrown, IsolatedCalls.class.getClassLoader());
            }
            if (op == WorkerProtocol.CREATE_ACTOR) {
                created = true;
                return new WorkerProcesses.RemoteActor(process, actorId);
            }
            final byte tag = in.readByte();
            if (tag == WorkerProtocol.NULL) {
                return null;
            }
            if (tag == WorkerProtocol.INLINE) {
                return conductor.codec().decode(ByteBuffer.wrap(WorkerProtocol.readBytes(in)));
            }
            final ObjectId id = ObjectId.of(in.readLong(), in.readLong());
            return new StoredResult(id, in.readInt(), process, python ? argumentStored(id, pins) : null);
        } catch (final IOException e) {
            dead = true;
            throw process.died(e);
        } finally {
            remote = null;
            for (final Stored pin : pins) {
                pin.unpinForCall();
            }
            if (op == WorkerProtocol.TASK) {
                if (dead) {
                    processes.discard(process);
                } else {
                    processes.giveBack(process);
                }
            } else if (dead) {
                processes.discard(process);
            } else if (op == WorkerProtocol.CREATE_ACTOR && !created) {
                processes.actorGone(process, actorId);  // the constructor failed: no actor lives there
            }
        }
    }

    private byte[] frameBytes() {
        return frame.toByteArray();
    }

    private void writeRequest(final TaskSpec task, final TaskInfo context, final int op, final long actorId,
                              final List<Stored> pins) throws IOException {
        frame.reset();
        out.writeInt(op);
        out.writeLong(task.taskId());
        out.writeLong(actorId);
        out.writeInt(task.attempts);
        out.writeUTF(task.name());
        out.writeUTF(context.nodeId());
        out.writeInt(context.resources().size());
        for (final Map.Entry<String, Double> r : context.resources().entrySet()) {
            out.writeUTF(r.getKey());
            out.writeDouble(r.getValue());
        }
        final int[] gpus = context.gpuInstances();
        final double[] shares = context.gpuAmounts();
        out.writeInt(gpus.length);
        for (int i = 0; i < gpus.length; i++) {
            out.writeInt(gpus[i]);
            out.writeDouble(shares[i]);
        }
        WorkerProtocol.writeBytes(out, JavaSerialization.toBytes(task.function));
        out.writeInt(task.arity);
        for (int i = 0; i < task.arity; i++) {
            writeArgument(task.args[i], i, pins);
        }
        out.flush();
    }

    private void writePythonRequest(final TaskSpec task, final TaskInfo context, final int op, final long actorId,
                                    final List<Stored> pins) throws IOException {
        frame.reset();
        final List<Object> args = new ArrayList<>(task.arity);
        for (int i = 0; i < task.arity; i++) {
            args.add(pythonArgument(task.args[i], i, pins));
        }
        PythonRequests.write(out, op, task.taskId(), actorId, task.attempts, task.name(),
            (PythonFunction) task.function, context.gpuInstances(), args);
        out.flush();
    }

    /**
     * An argument as Python reads it: a stored one in a format Python reads by reference (pinned until the reply),
     * else its value.
     */
    private static Object pythonArgument(final Object arg, final int index, final List<Stored> pins) {
        final Stored stored = pinned(arg, pins);
        if (stored != null && stored.readableInPython()) {
            return new CrossLanguage.StoreRef(stored.id, stored.length);
        }  // else a Java-serialized value (a List, a Map): its value goes inline, in the cross-language format
        final Object value = arg instanceof ObjectState ? ((ObjectState) arg).value() : arg;
        if (!CrossLanguage.writable(value)) {
            throw new IllegalArgumentException("argument " + index + " (" + value.getClass().getName() + ") has no "
                + "cross-language form for Python: pass null, a Boolean, a number, byte[], a String, a List or Map of"
                + " those, a Tensor or a PythonValue");
        }
        return value;
    }

    /**
     * Answers a worker process's get of an object that went to it by reference, inside a value
     * ({@link io.kairos.internal.worker.ObjectExports}): waits for it here, as a get in this JVM would, and sends its
     * value (a stored one by id, pinned until the call ends) or its failure, on the call's channel.
     */
    private void answerGet(final DataInputStream in, final ProcessWorker.Call call,
                           final List<Stored> pins) throws IOException {
        final long id = in.readLong();
        final long timeoutMs = in.readLong();
        final boolean probe = in.readBoolean();
        final Object exported = conductor.processes().exports().get(id);
        frame.reset();
        try {
            if (!(exported instanceof ObjectState)) {
                throw new ObjectLostException("object " + id + " is gone from the kernel: it was freed after the ref "
                    + "to it was sent inside a value (a ref inside a value does not keep its object)", null);
            }
            final ObjectState object = (ObjectState) exported;
            if (probe) {
                final boolean done = object.isDone();
                out.writeByte(WorkerProtocol.OK);
                out.writeBoolean(done);
            } else {
                final long deadline = timeoutMs < 0 ? Long.MAX_VALUE
                    : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
                final int status = object.isDone() ? object.status() : object.awaitDone(deadline);
                if (status == ObjectState.PENDING) {
                    throw new GetTimeoutException("object " + id + " was not ready within " + timeoutMs + " ms");
                }
                if (status == ObjectState.FAILED) {
                    throw object.error();
                }
                final Stored stored = pinned(object, pins);
                if (stored != null) {
                    out.writeByte(WorkerProtocol.OK);
                    WorkerProtocol.writeStored(out, stored.id, stored.length);
                } else {
                    final Object value = object.value();
                    final byte[] bytes = value == null ? null : conductor.codec().encode(value, "object " + id);
                    out.writeByte(WorkerProtocol.OK);
                    if (bytes == null) {
                        out.writeByte(WorkerProtocol.NULL);
                    } else {
                        out.writeByte(WorkerProtocol.INLINE);
                        WorkerProtocol.writeBytes(out, bytes);
                    }
                }
            }
        } catch (final RuntimeException e) {
            frame.reset();
            out.writeByte(WorkerProtocol.THREW);
            WorkerProtocol.writeBytes(out, WorkerProtocol.throwableBytes(e));
        }
        out.flush();
        call.send(frameBytes(), frame.size());
    }

    private void writeArgument(final Object arg, final int index, final List<Stored> pins)
        throws IOException {
        final Stored stored = pinned(arg, pins);
        if (stored != null) {
            WorkerProtocol.writeStored(out, stored.id, stored.length);
            return;
        }
        final Object value = arg instanceof ObjectState ? ((ObjectState) arg).value() : arg;
        if (value == null) {
            out.writeByte(WorkerProtocol.NULL);
            return;
        }
        out.writeByte(WorkerProtocol.INLINE);
        WorkerProtocol.writeBytes(out, conductor.codec().encode(value, "argument " + index));
    }

    /**
     * The object's value in the shared store, pinned for this call (added to pins, released when it ends) so that it
     * goes by id; null for a value not in the store, or spilled meanwhile (it goes inline).
     */
    private static Stored pinned(final Object arg, final List<Stored> pins) {
        final Stored stored = arg instanceof ObjectState ? ((ObjectState) arg).storedValue() : null;
        if (stored == null || !stored.pinForCall()) {
            return null;
        }
        pins.add(stored);
        return stored;
    }

    /**
     * The call's stored argument with this store id, or null: the result is a new object. The result's ownership is
     * taken here, while the call's pin still holds the object (the argument's own ref may have been freed meanwhile).
     */
    private static Stored argumentStored(final ObjectId id, final List<Stored> pins) {
        for (final Stored pin : pins) {
            if (id.equals(pin.id)) {
                pin.share();
                return pin;
            }
        }
        return null;
    }

    private static String gpuList(final int[] instances) {
        final StringBuilder sb = new StringBuilder();
        for (final int instance : instances) {
            sb.append(sb.length() == 0 ? "" : ",").append(instance);
        }
        return sb.toString();
    }
}
