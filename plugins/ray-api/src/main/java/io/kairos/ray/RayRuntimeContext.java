package io.kairos.ray;

import io.kairos.NodeInfo;
import io.kairos.TaskContext;
import io.ray.api.BaseActorHandle;
import io.ray.api.id.ActorId;
import io.ray.api.id.JobId;
import io.ray.api.id.TaskId;
import io.ray.api.id.UniqueId;
import io.ray.api.runtimecontext.ActorInfo;
import io.ray.api.runtimecontext.ActorState;
import io.ray.api.runtimecontext.Address;
import io.ray.api.runtimecontext.ResourceValue;
import io.ray.api.runtimecontext.RuntimeContext;
import io.ray.api.runtimeenv.RuntimeEnv;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ray's {@link RuntimeContext} on the kernel: ids of the job, the running task (the kernel's
 * {@link TaskContext}) and the running actor (its {@link ActorBox}), the nodes of the kernel and the resources the
 * running task was given.
 */
final class RayRuntimeContext implements RuntimeContext {
    /** The driver's task id: the task id of code that runs outside any task. */
    private static final long DRIVER_TASK = 0;
    private static final Constructor<ResourceValue> RESOURCE_VALUE = resourceValueConstructor();

    private final KairosRayRuntime runtime;
    /** The kernel's node ids; a node's Ray id is made from its index here. */
    private final List<String> nodeIds;

    RayRuntimeContext(final KairosRayRuntime runtime) {
        this.runtime = runtime;
        final List<String> ids = new ArrayList<>();
        for (final NodeInfo node : runtime.kernel.resources()) {
            ids.add(node.nodeId());
        }
        this.nodeIds = ids;
    }

    @Override
    public JobId getCurrentJobId() {
        return runtime.jobId;
    }

    @Override
    public TaskId getCurrentTaskId() {
        final TaskContext task = TaskContext.current();
        return RayIds.taskId(task == null ? DRIVER_TASK : task.taskId(), runtime.jobId);
    }

    /**
     * The id of the actor whose code runs on this thread.
     *
     * @throws IllegalStateException outside an actor, as Ray
     */
    @Override
    public ActorId getCurrentActorId() {
        final ActorBox box = ActorBox.current();
        if (box == null) {
            throw new IllegalStateException("This method should only be called from an actor.");
        }
        return box.id;
    }

    /** True in an instance made by a restart (after a crash, its worker JVM's death, or a kill without noRestart). */
    @Override
    public boolean wasCurrentActorRestarted() {
        final ActorBox box = ActorBox.current();
        if (box == null) {
            throw new IllegalStateException("This method should only be called from an actor.");
        }
        return box.restarted;
    }

    @Override
    public boolean isLocalMode() {
        return runtime.settings.localMode;
    }

    @Override
    public List<io.ray.api.runtimecontext.NodeInfo> getAllNodeInfo() {
        final List<NodeInfo> nodes = runtime.kernel.resources();
        final List<io.ray.api.runtimecontext.NodeInfo> out = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            final NodeInfo n = nodes.get(i);
            out.add(new io.ray.api.runtimecontext.NodeInfo(RayIds.nodeId(i), RayErrors.HOST, n.nodeId(), 0,
                String.valueOf(runtime.kernel.objectStoreName()), "", true, n.total(), n.labels()));
        }
        return out;
    }

    @Override
    public List<ActorInfo> getAllActorInfo() {
        final List<ActorInfo> out = new ArrayList<>();
        final Address address = new Address(RayIds.nodeId(0), RayErrors.HOST, 0);
        for (final RayActor<?> actor : runtime.actors.all()) {
            out.add(new ActorInfo(actor.id, actor.handle.isAlive() ? ActorState.ALIVE : ActorState.DEAD, 0, address,
                runtime.rayName(actor.handle.name())));
        }
        return out;
    }

    @Override
    public List<ActorInfo> getAllActorInfo(final JobId jobId, final ActorState state) {
        final List<ActorInfo> out = new ArrayList<>();
        for (final ActorInfo info : getAllActorInfo()) {
            if ((jobId == null || jobId.equals(info.actorId.getJobId())) && (state == null || state == info.state)) {
                out.add(info);
            }
        }
        return out;
    }

    @Override
    public <T extends BaseActorHandle> T getCurrentActorHandle() {
        return runtime.getActorHandle(getCurrentActorId());
    }

    @Override
    public List<Long> getGpuIds() {
        final TaskContext task = TaskContext.current();
        final List<Long> ids = new ArrayList<>();
        if (task != null) {
            for (final int instance : task.gpuInstances()) {
                ids.add((long) instance);
            }
        }
        return ids;
    }

    @Override
    public String getNamespace() {
        return runtime.getNamespace();
    }

    /** The node of the running task, or the kernel's first node outside a task (the driver's). */
    @Override
    public UniqueId getCurrentNodeId() {
        final TaskContext task = TaskContext.current();
        final int index = task == null ? 0 : nodeIds.indexOf(task.nodeId());
        return RayIds.nodeId(Math.max(0, index));
    }

    /** See {@link KairosRayRuntime#getAvailableResourceIds()}. */
    Map<String, List<ResourceValue>> availableResourceIds() {
        final TaskContext task = TaskContext.current();
        final Map<String, List<ResourceValue>> out = new LinkedHashMap<>();
        if (task == null) {
            return out;
        }
        for (final Map.Entry<String, Double> e : task.resources().entrySet()) {
            if (e.getKey().equals("GPU")) {
                final int[] instances = task.gpuInstances();
                final double[] shares = task.gpuAmounts();
                final List<ResourceValue> values = new ArrayList<>(instances.length);
                for (int i = 0; i < instances.length; i++) {
                    values.add(resourceValue(instances[i], shares[i]));
                }
                out.put("GPU", values);
            } else {
                out.put(e.getKey(), List.of(resourceValue(0, e.getValue())));
            }
        }
        return out;
    }

    @Override
    public RuntimeEnv getCurrentRuntimeEnv() {
        return new RayRuntimeEnv();
    }

    private static ResourceValue resourceValue(final long id, final double capacity) {
        try {
            return RESOURCE_VALUE.newInstance(id, capacity);
        } catch (final ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make io.ray.api.runtimecontext.ResourceValue", e);
        }
    }

    /** ResourceValue's constructor is package-private in Ray's API (its package is open: the class path's). */
    private static Constructor<ResourceValue> resourceValueConstructor() {
        try {
            final Constructor<ResourceValue> c = ResourceValue.class.getDeclaredConstructor(long.class, double.class);
            c.setAccessible(true);
            return c;
        } catch (final ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
