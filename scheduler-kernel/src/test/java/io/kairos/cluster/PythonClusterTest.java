package io.kairos.cluster;

import io.kairos.ActorHandle;
import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.PythonActor;
import io.kairos.value.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Python tasks and actors across cluster members: a driver without CPUs submits, a member with CPUs runs them in its
 * own Python workers, on its own store; tensors cross between the members' stores as any large object does (pulled
 * where they are read), and are read in place there. Skipped, saying so, without a python3 that has NumPy.
 */
@Timeout(120)
class PythonClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path FIXTURES = Path.of("src/test/python").toAbsolutePath();
    /** With a bulk channel, as the Aeron transport has: large arguments are pulled from store to store. */
    private final LoopbackTransports hub = new LoopbackTransports(LoopbackTransports.Bulk.ON);
    private final List<Kernel> kernels = new ArrayList<>();

    @BeforeAll
    static void needsPythonWithNumpy() throws Exception {
        final Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        Assumptions.assumeTrue(p.waitFor() == 0, "PythonClusterTest skipped: no python3 with NumPy on the PATH");
    }

    @AfterEach
    void closeAll() {
        for (final Kernel k : kernels) {
            k.close();
        }
    }

    private Kernel member(final String id, final double cpus) {
        final Kernel kernel = Kernel.start(new KernelContext()
            .node(id, Map.of("CPU", cpus), Map.of())
            .objectStoreBytes(128L << 20)
            .objectStoreName("kairos-py-cluster-" + ProcessHandle.current().pid() + "-" + id)
            .python("python3", List.of(FIXTURES))
            .cluster(hub.transport()));
        kernels.add(kernel);
        return kernel;
    }

    @Test
    void aDriversPythonTasksRunInTheMembersWorkersOnItsStore() {
        final Kernel node = member("py-node", 2);
        final Kernel driver = member("driver", 0);
        assertEquals(5L, driver.pyTask("kairos_fixtures:add", 2, 3).remote().get(WAIT));
        assertEquals(node.objectStoreName(), driver.pyTask("kairos_fixtures:env", "KAIROS_STORE").remote().get(WAIT),
            "the task ran in a worker of the member, attached to the member's store");
    }

    @Test
    void tensorsCrossBetweenTheMembersStoresAndAreReadInPlaceThere() {
        member("py-node", 2);
        final Kernel driver = member("driver", 0);
        final int n = 1 << 20;  // 8 MiB of int64, put in the driver's store
        final ByteBuffer data = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            data.putLong(i % 1000);
            sum += i % 1000;
        }
        final ObjectRef<Tensor> tensor = driver.put(Tensor.wrap(Tensor.DType.INT64, data.flip(), n));
        @SuppressWarnings("unchecked")
        final List<Object> info = (List<Object>) driver.pyTask("kairos_fixtures:tensor_info", tensor).remote()
            .get(WAIT);
        assertEquals(true, info.get(1), "pulled into the member's store, read in place there: " + info);
        assertEquals(sum, info.get(2));
        final int m = 4 << 20;  // a 16 MiB result made on the member, pulled by the driver's get
        final Tensor made = (Tensor) driver.pyTask("kairos_fixtures:arange", m).remote().get(WAIT);
        assertArrayEquals(new long[] {m}, made.shape());
        assertEquals(m - 1f, made.data().getFloat((m - 1) * 4));
    }

    @Test
    void aDriversPythonActorLivesOnTheMemberAndTakesItsCallsInOrder() {
        final Kernel node = member("py-node", 2);
        final Kernel driver = member("driver", 0);
        final ActorHandle<PythonActor> counter = driver.pyActor("kairos_fixtures:Counter", 10).remote();
        final List<ObjectRef<Object>> sums = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            sums.add(counter.task("add", i).remote());
        }
        for (int i = 1; i <= 20; i++) {
            assertEquals(10L + i * (i + 1) / 2, sums.get(i - 1).get(WAIT), "call " + i + " in order");
        }
        final long pid = (Long) counter.task("pid").remote().get(WAIT);
        assertEquals(true, node.workerProcessIds().contains(pid), "it lives in a worker of the member");
    }

    @Test
    void aNamedPythonActorIsFoundByNameOnAnotherMember() {
        member("py-node", 2);
        final Kernel driver = member("driver", 0);
        final Kernel second = member("driver-2", 0);
        final ActorHandle<PythonActor> own = driver.pyActor("kairos_fixtures:Counter", 100).setName("py-counter")
            .remote();
        assertEquals(100L, own.task("add", 0).remote().get(WAIT), "created (its name is known once it is)");
        @SuppressWarnings("unchecked")
        final ActorHandle<PythonActor> found = (ActorHandle<PythonActor>) (ActorHandle<?>) second.getActor("py-counter")
            .orElseThrow();
        assertEquals(101L, found.task("add", 1).remote().get(WAIT));
        final io.kairos.exception.TaskFailedException wrongKind = org.junit.jupiter.api.Assertions.assertThrows(
            io.kairos.exception.TaskFailedException.class,
            () -> ((ActorHandle<Object>) (ActorHandle<?>) found).task(Object::hashCode).remote().get(WAIT));
        org.junit.jupiter.api.Assertions.assertTrue(String.valueOf(wrongKind.getCause()).contains("is a Python actor"),
            String.valueOf(wrongKind.getCause()));
    }
}
