package io.kairos.ray;

import io.ray.api.ActorHandle;
import io.ray.api.Ray;
import io.ray.api.id.TaskId;
import io.ray.api.runtimecontext.ResourceValue;
import io.ray.api.runtimecontext.RuntimeContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ray.getRuntimeContext() in the driver, in tasks and in actors. */
class RayRuntimeContextTest {
    @BeforeAll
    static void init() {
        RayTestSupport.init();
    }

    @AfterAll
    static void shutdown() {
        RayTestSupport.shutdown();
    }

    static String taskId() {
        return Ray.getRuntimeContext().getCurrentTaskId().toString();
    }

    static String jobId() {
        return Ray.getRuntimeContext().getCurrentJobId().toString();
    }

    /** name=capacity of each resource id (a ResourceValue is not serializable: it may not be a task's result). */
    static Map<String, Double> resourceIds() {
        final Map<String, Double> out = new java.util.TreeMap<>();
        Ray.internal().getAvailableResourceIds().forEach((name, values) -> {
            for (final ResourceValue v : values) {
                out.merge(name, v.capacity, Double::sum);
            }
        });
        return out;
    }

    public static class Introspect {
        public Introspect() {
        }

        public String actorId() {
            return Ray.getRuntimeContext().getCurrentActorId().toString();
        }

        public boolean handleIsMine() {
            final ActorHandle<Introspect> me = Ray.getRuntimeContext().getCurrentActorHandle();
            return me.getId().equals(Ray.getRuntimeContext().getCurrentActorId());
        }

        public String namespace() {
            return Ray.getRuntimeContext().getNamespace();
        }

        public String node() {
            return Ray.getRuntimeContext().getCurrentNodeId().toString();
        }
    }

    @Test
    void theDriverHasAJobANamespaceANodeAndNoActor() {
        final RuntimeContext ctx = Ray.getRuntimeContext();
        assertFalse(ctx.getCurrentJobId().isNil());
        assertEquals("kairos-test", ctx.getNamespace());
        assertEquals("kairos-test", Ray.internal().getNamespace());
        assertEquals(ctx.getCurrentNodeId(), ctx.getAllNodeInfo().get(0).nodeId);
        assertThrows(IllegalStateException.class, ctx::getCurrentActorId);
        assertThrows(IllegalStateException.class, ctx::wasCurrentActorRestarted);
        assertTrue(Ray.internal().getAvailableResourceIds().isEmpty());
        assertEquals(TaskId.LENGTH, ctx.getCurrentTaskId().getBytes().length);
    }

    @Test
    void eachTaskHasItsOwnIdInTheDriversJob() {
        final String a = Ray.task(RayRuntimeContextTest::taskId).remote().get();
        final String b = Ray.task(RayRuntimeContextTest::taskId).remote().get();
        assertNotEquals(a, b);
        assertNotEquals(Ray.getRuntimeContext().getCurrentTaskId().toString(), a);
        assertEquals(Ray.getRuntimeContext().getCurrentJobId().toString(),
            Ray.task(RayRuntimeContextTest::jobId).remote().get());
    }

    @Test
    void anActorKnowsItsIdHandleNamespaceAndNode() {
        final ActorHandle<Introspect> actor = Ray.actor(Introspect::new).remote();
        assertEquals(actor.getId().toString(), actor.task(Introspect::actorId).remote().get());
        assertTrue(actor.task(Introspect::handleIsMine).remote().get());
        assertEquals("kairos-test", actor.task(Introspect::namespace).remote().get());
        assertEquals(Ray.getRuntimeContext().getCurrentNodeId().toString(), actor.task(Introspect::node).remote().get());
        assertTrue(Ray.getRuntimeContext().getAllActorInfo().stream().anyMatch(i -> i.actorId.equals(actor.getId())));
    }

    @Test
    void resourceIdsAreTheTasksResources() {
        final Map<String, Double> ids = Ray.task(RayRuntimeContextTest::resourceIds)
            .setResource("GPU", 1.0).setResource("custom", 0.5).remote().get();
        assertEquals(Map.of("CPU", 1.0, "GPU", 1.0, "custom", 0.5), ids);
    }

    @Test
    void userThreadsUseTheRayApiWithoutSetup() throws Exception {
        // Ray 2.39's Java API has no setAsyncContext/wrapRunnable: the static runtime serves every thread.
        final int[] out = new int[1];
        final Thread t = new Thread(() -> out[0] = Ray.put(5).get());
        t.start();
        t.join(10_000);
        assertEquals(5, out[0]);
    }
}
