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
import io.ray.api.runtimecontext.RuntimeContext;
import io.ray.api.runtimeenv.RuntimeEnv;

import java.util.ArrayList;
import java.util.List;

/**
 * Ray's {@link RuntimeContext} on the kernel: ids of the job, the running task (the kernel's
 * {@link TaskContext}) and the running actor (its {@link ActorBox}), the nodes of the kernel.
 */
final class RayRuntimeContext implements RuntimeContext {
    /** The driver's task id: the task id of code that runs outside any task. */
    private static final long DRIVER_TASK = 0;

    private final KairosRayRuntime runtime;

    RayRuntimeContext(final KairosRayRuntime runtime) {
        this.runtime = runtime;
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
        for (final RayActor<?> actor : runtime.actors()) {
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

    @Override
    public UniqueId getCurrentNodeId() {
        return runtime.getCurrentNodeId();
    }

    @Override
    public RuntimeEnv getCurrentRuntimeEnv() {
        return new RayRuntimeEnv();
    }
}
