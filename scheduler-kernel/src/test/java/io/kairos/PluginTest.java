package io.kairos;

import io.kairos.exception.TaskFailedException;
import io.kairos.spi.kernel.KernelListener;
import io.kairos.spi.kernel.ResourceProvider;
import io.kairos.spi.kernel.WorkerLauncher;
import io.kairos.spi.scheduling.PlacementStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel's own plugin points: listeners, resource providers, worker launchers. */
@Timeout(60)
class PluginTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    static final class Recorder implements KernelListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onTaskSubmitted(final long taskId) {
            events.add("submitted " + taskId);
        }

        @Override
        public void onTaskStarted(final long taskId, final String nodeId, final int attempt) {
            events.add("started " + taskId + " on " + nodeId + " attempt " + attempt);
        }

        @Override
        public void onTaskFinished(final long taskId, final boolean succeeded) {
            events.add("finished " + taskId + (succeeded ? " ok" : " failed"));
        }

        @Override
        public void onActorState(final long actorId, final String state) {
            events.add("actor " + state);
        }

        @Override
        public void onPlacementGroupState(final long groupId, final String state) {
            events.add("group " + state);
        }

        boolean saw(final String event) {
            return events.contains(event);
        }
    }

    /** A listener that throws must not stop the kernel. */
    static final class Throwing implements KernelListener {
        @Override
        public void onTaskSubmitted(final long taskId) {
            throw new IllegalStateException("a broken listener");
        }
    }

    private static void awaitEvent(final Recorder recorder, final String event) {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!recorder.saw(event) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(recorder.saw(event), event + " not in " + recorder.events);
    }

    @Test
    void aListenerSeesTasksActorsAndGroupsInOrder() {
        final Recorder recorder = new Recorder();
        kernel = Kernel.start(new KernelContext().cpus(2).listener(new Throwing()).listener(recorder));
        final ObjectRef<Integer> ok = kernel.task(KernelTest::square, 3).remote();
        assertEquals(9, ok.get(WAIT));
        awaitEvent(recorder, "finished " + ok.id() + " ok");
        final int submitted = recorder.events.indexOf("submitted " + ok.id());
        final int started = recorder.events.indexOf("started " + ok.id() + " on node-0 attempt 0");
        assertTrue(submitted >= 0 && started > submitted, recorder.events.toString());

        final ObjectRef<Integer> bad = kernel.task(KernelTest::fail, 1).remote();
        assertThrows(TaskFailedException.class, () -> bad.get(WAIT));
        awaitEvent(recorder, "finished " + bad.id() + " failed");

        final ActorHandle<ActorTest.Counter> actor = kernel.actor(ActorTest.Counter::new, 0).remote();
        actor.task(ActorTest.Counter::add, 1).remote().get(WAIT);
        awaitEvent(recorder, "actor ALIVE");
        kernel.kill(actor, true);
        awaitEvent(recorder, "actor DEAD");

        final PlacementGroup group = kernel.createPlacementGroup(List.of(Map.of("CPU", 1.0)), PlacementStrategy.PACK);
        assertTrue(group.ready(WAIT));
        awaitEvent(recorder, "group CREATED");
        kernel.removePlacementGroup(group);
        awaitEvent(recorder, "group REMOVED");
    }

    @Test
    void aResourceProviderAddsResourcesTheConfigurationDoesNotName() {
        final ResourceProvider gpus = nodeId -> Map.of("GPU", 2.0, "CPU", 64.0);
        kernel = Kernel.start(new KernelContext().cpus(2).resourceProvider(gpus));
        final NodeInfo node = kernel.resources().get(0);
        assertEquals(2.0, node.total().get("GPU"), 1e-9, "provided");
        assertEquals(2.0, node.total().get("CPU"), 1e-9, "configured wins over provided");
        assertEquals("node-0", kernel.task(KernelTest::contextNode).setResource("GPU", 1.0).remote().get(WAIT));
    }

    @Test
    void aWorkerLauncherMakesTheWorkerThreads() {
        final AtomicInteger launched = new AtomicInteger();
        final WorkerLauncher launcher = (loop, nodeId, name) -> {
            launched.incrementAndGet();
            final Thread thread = new Thread(loop, "custom-" + name);
            thread.setDaemon(true);
            return thread;
        };
        kernel = Kernel.start(new KernelContext().cpus(1).workerLauncher(launcher));
        assertEquals(16, kernel.task(KernelTest::square, 4).remote().get(WAIT));
        assertTrue(launched.get() >= 1);
        assertTrue(kernel.task(PluginTest::threadName).remote().get(WAIT).startsWith("custom-kairos-worker-node-0-"));
    }

    static String threadName() {
        return Thread.currentThread().getName();
    }
}
