package io.kairos.ray;

import io.ray.api.id.ActorId;
import io.ray.api.id.JobId;
import io.ray.api.id.PlacementGroupId;
import io.ray.api.id.TaskId;
import io.ray.api.id.UniqueId;

import java.nio.ByteBuffer;

/**
 * Ray's ids made from the kernel's (and the adapter's) long ids, laid out as Ray lays them out, so that
 * {@link ActorId#getJobId()} and the like answer as in Ray: the unique part first (the long, big-endian, then zeros),
 * the job id in the last 4 bytes of an actor, task or placement group id.
 */
final class RayIds {
    private RayIds() {
    }

    static ActorId actorId(final long id, final JobId job) {
        return ActorId.fromBytes(withJob(ActorId.LENGTH, id, job));
    }

    static TaskId taskId(final long id, final JobId job) {
        return TaskId.fromBytes(withJob(TaskId.LENGTH, id, job));
    }

    static PlacementGroupId placementGroupId(final long id, final JobId job) {
        return PlacementGroupId.fromBytes(withJob(PlacementGroupId.LENGTH, id, job));
    }

    static UniqueId nodeId(final int index) {
        final byte[] bytes = new byte[UniqueId.LENGTH];
        ByteBuffer.wrap(bytes).putLong(index + 1L);  // never all zero, never NIL (all 0xff)
        return UniqueId.fromBytes(bytes);
    }

    private static byte[] withJob(final int length, final long id, final JobId job) {
        final byte[] bytes = new byte[length];
        ByteBuffer.wrap(bytes).putLong(id);
        System.arraycopy(job.getBytes(), 0, bytes, length - JobId.LENGTH, JobId.LENGTH);
        return bytes;
    }
}
