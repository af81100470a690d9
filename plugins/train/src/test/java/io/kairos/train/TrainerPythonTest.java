package io.kairos.train;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Python workers (kairos.train): the rendezvous in os.environ, the all-reduce, reports and checkpoints through the
 * group's coordinator, a restart from the checkpoint, and torch.distributed over gloo when torch is importable.
 * Skipped, saying so, without a python3 that has NumPy (the kernel's Python workers need it).
 */
@Timeout(180)
class TrainerPythonTest {
    private static final Path FIXTURES = Path.of("src/test/python").toAbsolutePath();

    @TempDir
    Path dir;

    private Kernel kernel;

    @BeforeAll
    static void needsPythonWithNumpy() throws Exception {
        Assumptions.assumeTrue(python("import numpy"), "TrainerPythonTest skipped: no python3 with NumPy on the PATH");
    }

    private static boolean python(final String code) throws Exception {
        final Process p = new ProcessBuilder("python3", "-c", code).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private Kernel start(final int cpus) {
        kernel = Kernel.start(new KernelContext().cpus(cpus).python("python3", List.of(FIXTURES)));
        return kernel;
    }

    @Test
    void pythonWorkersMeetReduceAndReportACheckpoint() throws Exception {
        start(3);
        final TrainResult r = Trainer.builder(kernel).workers(3).python("train_fixtures:sum_ranks", Map.of("scale", 2))
            .checkpoints(dir.resolve("ckpt"), 2).run();
        assertEquals(6.0, r.metrics().get("sum"), "1 + 2 + 3 over the group");
        assertEquals(3.0, r.metrics().get("world"));
        assertEquals(2.0, r.metrics().get("scale"), "the config reached Python");
        assertTrue(r.metrics().get("port") > 0, "a master port");
        assertEquals("[6.0, 3.0]", Files.readString(r.checkpoint().orElseThrow().resolve("state")));
        TrainerTest.assertIdle(kernel, "every bundle given back");
    }

    @Test
    void aPythonWorkerThatRaisesRestartsTheGroupFromTheCheckpoint() {
        start(2);
        final TrainResult r = Trainer.builder(kernel).workers(2).python("train_fixtures:fails_once", null)
            .checkpoints(dir.resolve("ckpt"), 1).maxFailures(1).run();
        assertEquals(1, r.failures());
        assertEquals(Map.of("resumed_at", 7.0, "restarts", 1.0), r.metrics());
        final TrainingFailedException e = assertThrows(TrainingFailedException.class, () -> Trainer.builder(kernel)
            .workers(2).python("train_fixtures:fails_once", null).checkpoints(dir.resolve("again"), 1).run());
        assertTrue(e.getMessage().contains("rank 1 fails (injected)"), e::getMessage);
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder(kernel).python("no colon", null));
    }

    @Test
    void torchDistributedOverGlooFindsItsPeersThroughTheRendezvous() throws Exception {
        Assumptions.assumeTrue(python("import torch.distributed"),
            "the torch.distributed case skipped: torch is not importable by python3 (BUILD-FACTS: optional)");
        start(2);
        final TrainResult r = Trainer.builder(kernel).workers(2).python("train_fixtures:torch_gloo", null).run();
        assertEquals(3.0, r.metrics().get("sum"), "1 + 2 through gloo");
        assertEquals(2.0, r.metrics().get("world"));
    }
}
