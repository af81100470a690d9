package io.kairos.cluster.aeron;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.spi.scheduling.PlacementStrategy;
import io.kairos.train.TrainContext;
import io.kairos.train.TrainResult;
import io.kairos.train.Trainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A training group across three nodes joined over Aeron, driven by a driver with no CPUs: a STRICT_SPREAD group puts
 * one worker on each node, the workers reach the driver's coordinator over its socket, and a data-parallel descent
 * ends on the weights of the same steps in one process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrainClusterTest {
    @TempDir
    Path dir;

    private AeronMembers members;

    @BeforeEach
    void startControlStore() {
        members = new AeronMembers(dir);
    }

    @AfterEach
    void closeAll() {
        members.close();
    }

    /** Steps of the descent. */
    record Job(int steps) implements Serializable {
    }

    static final Map<Integer, String> NODES = new ConcurrentHashMap<>();
    static final int SAMPLES = 900;
    static final int FEATURES = 4;

    static double[][] features() {
        final SplittableRandom random = new SplittableRandom(5);
        final double[][] x = new double[SAMPLES][FEATURES];
        for (final double[] row : x) {
            for (int j = 0; j < FEATURES; j++) {
                row[j] = random.nextDouble(-1, 1);
            }
        }
        return x;
    }

    /** The gradient of a least-squares fit of x . (1, -2, 3, -4) over every stride-th sample from `from`. */
    static double[] gradient(final double[] w, final double[][] x, final int from, final int stride) {
        final double[] g = new double[FEATURES];
        for (int i = from; i < x.length; i += stride) {
            double err = 0;
            for (int j = 0; j < FEATURES; j++) {
                err += (w[j] - (j % 2 == 0 ? j + 1 : -(j + 1))) * x[i][j];
            }
            for (int j = 0; j < FEATURES; j++) {
                g[j] += err * x[i][j];
            }
        }
        return g;
    }

    static void descend(final TrainContext ctx) {
        NODES.put(ctx.rank(), ctx.nodeId());
        final Job job = ctx.config();
        final double[][] x = features();
        final double[] w = new double[FEATURES];
        for (int s = 0; s < job.steps(); s++) {
            final double[] sum = ctx.allReduce(gradient(w, x, ctx.rank(), ctx.worldSize()));
            for (int j = 0; j < FEATURES; j++) {
                w[j] -= 0.5 * sum[j] / SAMPLES;
            }
        }
        if (ctx.rank() == 0) {
            final Map<String, Double> m = new HashMap<>();
            for (int j = 0; j < FEATURES; j++) {
                m.put("w" + j, w[j]);
            }
            ctx.report(m);
        }
    }

    @Test
    void aGroupSpreadOverThreeNodesTrainsAsOneProcessWould() {
        for (final String id : new String[] {"node-a", "node-b", "node-c"}) {
            members.member(id, 1, new KernelContext().objectStoreBytes(0));
        }
        final Kernel driver = members.member("driver", 0);
        NODES.clear();
        final TrainResult r = Trainer.builder(driver).workers(3).resourcesPerWorker(Map.of("CPU", 1.0))
            .strategy(PlacementStrategy.STRICT_SPREAD).jvm(TrainClusterTest::descend, new Job(40)).run();
        final double[][] x = features();
        final double[] w = new double[FEATURES];
        for (int s = 0; s < 40; s++) {
            final double[] g = gradient(w, x, 0, 1);
            for (int j = 0; j < FEATURES; j++) {
                w[j] -= 0.5 * g[j] / SAMPLES;
            }
        }
        for (int j = 0; j < FEATURES; j++) {
            assertEquals(w[j], r.metrics().get("w" + j), 1e-9 * Math.max(1, Math.abs(w[j])), "w" + j);
        }
        assertEquals(Set.of("node-a", "node-b", "node-c"), new TreeSet<>(NODES.values()), "one worker a node");
        assertEquals(0, r.failures());
    }
}
