package io.kairos.internal.conductor;

import io.kairos.exception.KairosException;
import io.kairos.internal.object.JavaSerialization;
import io.kairos.internal.object.ValueCodec;
import io.kairos.internal.worker.WorkerProtocol;
import io.kairos.spi.cluster.ClusterListener;
import io.kairos.spi.cluster.ClusterNode;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes what other members send ({@link ClusterLink} describes the messages) on the transport's thread, so the
 * conductor only looks things up: a forwarded task arrives as a task ready to submit, a result with its value
 * decoded. Each becomes one command on the conductor's queue. A message that does not decode is reported to the
 * error handler and dropped (its sender's retries or timeouts take over).
 */
final class ClusterInbox implements ClusterListener {
    private final KernelCore core;
    private final SchedulerConductor conductor;
    private final ClusterLink link;
    private final ValueCodec codec;
    private final ClassLoader loader;
    private final UnsafeBuffer in = new UnsafeBuffer(0, 0);
    /** Functions read before, by a hash of their bytes (a direct-mapped cache: a collision just reads again). */
    private static final int FUNCTION_SLOTS = 64;
    private final byte[][] functionBytes = new byte[FUNCTION_SLOTS][];
    private final int[] functionHashes = new int[FUNCTION_SLOTS];
    private final Object[] functions = new Object[FUNCTION_SLOTS];
    /** The member whose message is being read (an argument sent by reference is pulled from it). */
    private String sender;

    ClusterInbox(final KernelCore core, final SchedulerConductor conductor, final ClusterLink link,
                 final ValueCodec codec) {
        this.core = core;
        this.conductor = conductor;
        this.link = link;
        this.codec = codec;
        this.loader = ClusterInbox.class.getClassLoader();
    }

    @Override
    public void onNodeJoined(final ClusterNode node) {
        conductor.offerFromWorker((Runnable) () -> link.onJoined(node));
    }

    @Override
    public void onNodeLeft(final String nodeId, final String reason) {
        conductor.offerFromWorker((Runnable) () -> link.onLeft(nodeId, reason));
    }

    /**
     * Runs a conductor duty cycle on the transport's thread (when no other thread runs one), so a task or a result that
     * arrived is acted on now: waking the conductor's thread would cost more than the cycle on a machine with few
     * cores (a cross-node round trip 195 → 119 µs here).
     */
    @Override
    public void onMessagesDelivered() {
        conductor.help();
    }

    @Override
    public void onMessage(final String from, final ByteBuffer message) {
        in.wrap(message, message.position(), message.remaining());
        sender = from;
        try {
            switch (in.getInt(0)) {
                case ClusterLink.TASK:
                    onTask(from);
                    break;
                case ClusterLink.RESULT:
                    onResult(from);
                    break;
                case ClusterLink.AVAILABLE:
                    onAvailable(from);
                    break;
                case ClusterLink.ACTOR_CREATE:
                    onActorCreate(from);
                    break;
                case ClusterLink.ACTOR_CALL:
                    onActorCall(from);
                    break;
                case ClusterLink.ACTOR_STATE: {
                    final long ownerActorId = in.getLong(4);
                    final long hostActorId = in.getLong(12);
                    final byte state = in.getByte(20);
                    final String why = in.getStringUtf8(21);
                    conductor.offerFromWorker((Runnable) () -> link.actors().onActorState(from, ownerActorId, hostActorId, state,
                        why));
                    break;
                }
                case ClusterLink.ACTOR_KILL: {
                    final long hostActorId = in.getLong(4);
                    final boolean noRestart = in.getByte(12) != 0;
                    conductor.offerFromWorker((Runnable) () -> link.actors().onKillActor(hostActorId, noRestart));
                    break;
                }
                case ClusterLink.PULL:
                    link.held().pull(from, in.getLong(4));
                    break;
                case ClusterLink.PULL_DATA:
                    link.pulls().onData(from, in);
                    break;
                case ClusterLink.RELEASE:
                    link.held().release(from, in.getLong(4));
                    break;
                case ClusterGroups.BUNDLE_PREPARE:
                    onBundlePrepare(from);
                    break;
                case ClusterGroups.BUNDLE_PREPARED: {
                    final long groupId = in.getLong(4);
                    final int index = in.getInt(12);
                    final boolean reserved = in.getByte(16) != 0;
                    final String why = in.getStringUtf8(17);
                    conductor.offerFromWorker((Runnable) () -> link.groups().onPrepared(from, groupId, index, reserved, why));
                    break;
                }
                case ClusterGroups.BUNDLE_RELEASE: {
                    final long groupId = in.getLong(4);
                    final int index = in.getInt(12);
                    conductor.offerFromWorker((Runnable) () -> link.groups().onRelease(from, groupId, index));
                    break;
                }
                case ClusterLink.SPILLBACK:
                    onSpillBack(from);
                    break;
                case ClusterLink.CANCEL:
                    final long taskId = in.getLong(4);
                    final boolean force = in.getByte(12) != 0;
                    conductor.offerFromWorker((Runnable) () -> link.onCancel(from, taskId, force));
                    break;
                default:
                    throw new KairosException("unknown message type " + in.getInt(0) + " from node '" + from + "'");
            }
        } catch (final RuntimeException e) {
            conductor.offerFromWorker((Runnable) () -> {
                throw new KairosException("a message from node '" + from + "' could not be read: " + e, e);
            });
        }
    }

    private void onTask(final String from) {
        int at = 4;
        final long taskId = in.getLong(at);
        at += 8;
        final int attempt = in.getInt(at);
        at += 4;
        final int maxRetries = in.getInt(at);
        at += 4;
        final boolean retryExceptions = in.getByte(at++) != 0;
        final boolean isolated = in.getByte(at++) != 0;
        final long groupId = in.getLong(at);
        final int bundleIndex = in.getInt(at + 8);
        at += 12;
        final String name = in.getStringUtf8(at);
        at += 4 + in.getInt(at);
        final int resources = in.getInt(at);
        at += 4;
        final Map<String, Double> demand = new HashMap<>();
        for (int i = 0; i < resources; i++) {
            final String resource = in.getStringUtf8(at);
            at += 4 + in.getInt(at);
            demand.put(resource, in.getDouble(at));
            at += 8;
        }
        final Object function;
        final Object[] args;
        final long[] amounts;
        try {
            function = readFunction(at);
            at += 4 + in.getInt(at);
            final int arity = in.getInt(at);
            at += 4;
            args = new Object[arity];
            for (int i = 0; i < arity; i++) {
                at = readValue(at, args, i);
            }
            amounts = core.demandOf(demand);
        } catch (final RuntimeException e) {  // the owner waits for an answer: it gets the reason
            final String what = name.isEmpty() ? "a task" : "task '" + name + "'";
            final RuntimeException refusal = new KairosException(what + " could not be loaded on node '"
                + link.localNodeId() + "' (every member needs the job's class path): " + e, e);
            conductor.offerFromWorker((Runnable) () -> link.refuse(from, taskId, attempt, refusal));
            return;
        }
        final int arity = args.length;
        final ObjectState result = core.newObject();
        final TaskSpec task = new TaskSpec(name.isEmpty() ? null : name, function, arity, args, amounts,
            link.runHere(), maxRetries, retryExceptions, result);
        task.isolated = isolated;
        task.attempts = attempt;
        task.origin = new TaskSpec.Origin(from, taskId, attempt);
        conductor.offerFromWorker((Runnable) () -> link.accept(task, groupId, bundleIndex));
    }

    private void onBundlePrepare(final String from) {
        final long groupId = in.getLong(4);
        final int index = in.getInt(12);
        final Map<String, Double> demand = new HashMap<>();
        readDemand(16, demand);
        long[] amounts = null;
        String invalid = null;
        try {
            amounts = core.demandOf(demand);
        } catch (final RuntimeException e) {
            invalid = e.getMessage();
        }
        final long[] bundle = amounts;
        final String why = invalid;
        conductor.offerFromWorker((Runnable) () -> link.groups().onPrepare(from, groupId, index, bundle, why));
    }

    /** The resources, function and arguments of a TASK or ACTOR_CREATE, from at. */
    private int readDemand(final int start, final Map<String, Double> into) {
        int at = start;
        final int resources = in.getInt(at);
        at += 4;
        for (int i = 0; i < resources; i++) {
            final String resource = in.getStringUtf8(at);
            at += 4 + in.getInt(at);
            into.put(resource, in.getDouble(at));
            at += 8;
        }
        return at;
    }

    /**
     * The function at: length (int), Java-serialized bytes. One that captures nothing (a method reference, a lambda
     * without captured values) is read once and the same instance serves every task that sends the same bytes (a
     * lambda's deserialization costs tens of microseconds); one that captures values is read anew each time, so no
     * two tasks share its captured objects.
     */
    private Object readFunction(final int at) {
        final int length = in.getInt(at);
        final int hash = hash(at + 4, length);
        final int slot = hash & (FUNCTION_SLOTS - 1);
        final byte[] known = functionBytes[slot];
        if (known != null && functionHashes[slot] == hash && known.length == length && sameBytes(at + 4, known)) {
            return functions[slot];
        }
        final byte[] bytes = new byte[length];
        in.getBytes(at + 4, bytes);
        final Object function = JavaSerialization.fromBytes(bytes, loader);
        if (function.getClass().getDeclaredFields().length == 0) {  // captures nothing: shareable
            functionBytes[slot] = bytes;
            functionHashes[slot] = hash;
            functions[slot] = function;
        }
        return function;
    }

    private int hash(final int from, final int length) {
        int h = length;
        for (int i = 0; i < length; i++) {
            h = 31 * h + in.getByte(from + i);
        }
        return h;
    }

    private boolean sameBytes(final int from, final byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (in.getByte(from + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private Object[] readArgs(final int start) {
        int at = start;
        final int arity = in.getInt(at);
        at += 4;
        final Object[] args = new Object[arity];
        for (int i = 0; i < arity; i++) {
            at = readValue(at, args, i);
        }
        return args;
    }

    private void onActorCreate(final String from) {
        int at = 4;
        final long ownerActorId = in.getLong(at);
        at += 8;
        final int maxConcurrency = in.getInt(at);
        at += 4;
        final int maxRestarts = in.getInt(at);
        at += 4;
        final boolean isolated = in.getByte(at++) != 0;
        final long groupId = in.getLong(at);
        final int bundleIndex = in.getInt(at + 8);
        at += 12;
        final String detachedName = in.getStringUtf8(at);
        at += 4 + in.getInt(at);
        final int maxTaskRetries = in.getInt(at);
        at += 4;
        final Map<String, Integer> groups = new java.util.LinkedHashMap<>();
        for (int g = 0, count = in.getInt(at); g < count; g++) {
            at += 4;
            final String group = in.getStringUtf8(at);
            at += 4 + in.getInt(at);
            groups.put(group, in.getInt(at));
        }
        at += 4;
        final String className = in.getStringUtf8(at);
        at += 4 + in.getInt(at);
        final Map<String, Double> demand = new HashMap<>();
        at = readDemand(at, demand);
        final ActorState actor = new ActorState(core.nextId(), null, className, maxConcurrency, maxRestarts, 0);
        actor.originNode = from;
        actor.originActorId = ownerActorId;
        actor.detachedName = detachedName.isEmpty() ? null : detachedName;
        actor.configure(new ActorOptions(maxTaskRetries, groups), isolated);
        final Object constructor;
        final Object[] args;
        final long[] amounts;
        try {
            constructor = readFunction(at);
            args = readArgs(at + 4 + in.getInt(at));
            amounts = core.demandOf(demand);
        } catch (final RuntimeException e) {
            actor.deathCause = new KairosException(actor.describe() + " could not be created on node '"
                + link.localNodeId() + "' (every member needs the job's class path): " + e, e);
            conductor.offerFromWorker((Runnable) () -> link.actors().actorState(actor, ActorState.Status.DEAD));
            return;
        }
        final TaskSpec creation = new TaskSpec(actor.describe() + " constructor", constructor, args.length, args,
            amounts, link.runHere(), 0, false, core.newObject(actor.id), TaskSpec.Kind.ACTOR_CREATION, actor);
        creation.isolated = isolated;
        actor.creation = creation;
        conductor.offerFromWorker((Runnable) () -> link.actors().acceptActor(creation, groupId, bundleIndex));
    }

    private void onActorCall(final String from) {
        int at = 4;
        final long hostActorId = in.getLong(at);
        at += 8;
        final long taskId = in.getLong(at);
        at += 8;
        final int attempt = in.getInt(at);
        at += 4;
        final short group = in.getShort(at);
        at += 2;
        final String name = in.getStringUtf8(at);
        at += 4 + in.getInt(at);
        final Object method;
        final Object[] args;
        try {
            method = readFunction(at);
            args = readArgs(at + 4 + in.getInt(at));
        } catch (final RuntimeException e) {
            final RuntimeException refusal = new KairosException((name.isEmpty() ? "an actor call" : name)
                + " could not be loaded on node '" + link.localNodeId() + "' (every member needs the job's class path): "
                + e, e);
            conductor.offerFromWorker((Runnable) () -> link.refuse(from, taskId, attempt, refusal));
            return;
        }
        final ObjectState result = core.newObject();
        conductor.offerFromWorker((Runnable) () -> link.actors().acceptActorCall(from, hostActorId, taskId, attempt, group, name, method,
            args, result));
    }

    private void onResult(final String from) {
        int at = 4;
        final long taskId = in.getLong(at);
        at += 8;
        final int attempt = in.getInt(at);
        at += 4;
        final byte status = in.getByte(at++);
        if (status == ClusterLink.RESULT_VALUE) {
            final Object[] value = new Object[1];
            readValue(at, value, 0);
            conductor.offerFromWorker((Runnable) () -> link.onResult(from, taskId, attempt, value[0], null));
            return;
        }
        if (status == ClusterLink.RESULT_HELD) {
            final long length = in.getLong(at);
            conductor.offerFromWorker((Runnable) () -> link.onHeld(from, taskId, attempt, length));
            return;
        }
        final byte[] bytes = new byte[in.getInt(at)];
        in.getBytes(at + 4, bytes);
        final Object thrown = JavaSerialization.fromBytes(bytes, loader);
        final RuntimeException error = thrown instanceof RuntimeException ? (RuntimeException) thrown
            : new KairosException("task failed on node '" + from + "': " + thrown, (Throwable) thrown);
        conductor.offerFromWorker((Runnable) () -> link.onResult(from, taskId, attempt, null, error));
    }

    private void onAvailable(final String from) {
        readAvailable(4, (names, values, gpuFree, gpuMemoryFree) ->
            conductor.offerFromWorker((Runnable) () -> link.onAvailable(from, names, values, gpuFree, gpuMemoryFree)));
    }

    private void onSpillBack(final String from) {
        final long taskId = in.getLong(4);
        final int attempt = in.getInt(12);
        readAvailable(16, (names, values, gpuFree, gpuMemoryFree) -> conductor.offerFromWorker((Runnable) () ->
            link.onSpilled(from, taskId, attempt, names, values, gpuFree, gpuMemoryFree)));
    }

    private interface Availability {
        void read(String[] names, long[] values, long[] gpuFree, long[] gpuMemoryFree);
    }

    private void readAvailable(final int start, final Availability into) {
        int at = start;
        final int count = in.getInt(at);
        at += 4;
        final String[] names = new String[count];
        final long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            names[i] = in.getStringUtf8(at);
            at += 4 + in.getInt(at);
            values[i] = in.getLong(at);
            at += 8;
        }
        final int gpus = in.getInt(at);
        at += 4;
        final long[] gpuFree = new long[gpus];
        final long[] gpuMemoryFree = new long[gpus];
        for (int i = 0; i < gpus; i++) {
            gpuFree[i] = in.getLong(at);
            gpuMemoryFree[i] = in.getLong(at + 8);
            at += 16;
        }
        into.read(names, values, gpuFree, gpuMemoryFree);
    }

    private int readValue(final int at, final Object[] into, final int index) {
        final byte tag = in.getByte(at);
        if (tag == WorkerProtocol.NULL) {
            into[index] = null;
            return at + 1;
        }
        if (tag == ClusterWire.HELD) {
            final Object held = link.held().lend(sender, in.getLong(at + 1));
            into[index] = held instanceof byte[] ? codec.decode(ByteBuffer.wrap((byte[]) held)) : held;
            return at + 9;
        }
        if (tag == ClusterWire.REF && link.argPulls() != null) {
            into[index] = link.argPulls().start(sender, in.getLong(at + 1), in.getLong(at + 9));
            return at + 17;
        }
        if (tag != WorkerProtocol.INLINE) {
            throw new KairosException("unknown value tag " + tag);
        }
        final int length = in.getInt(at + 1);
        final byte[] bytes = new byte[length];
        in.getBytes(at + 5, bytes);
        into[index] = codec.decode(ByteBuffer.wrap(bytes));
        return at + 5 + length;
    }
}
