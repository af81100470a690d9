package io.kairos.cli;

import io.kairos.TaskContext;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/** The tasks {@link ClusterBench} runs on the nodes: static, found by name on the class path every node shares. */
final class ClusterBenchTasks {
    private ClusterBenchTasks() {
    }

    static long echo(final long x) {
        return x;
    }

    private static final Map<Integer, byte[]> PAYLOADS = new ConcurrentHashMap<>();

    /** The same array for a size every time: the transfer is measured, not the making of the bytes. */
    static byte[] payload(final int bytes) {
        return PAYLOADS.computeIfAbsent(bytes, n -> {
            final byte[] data = new byte[n];
            new SplittableRandom(n).nextBytes(data);
            return data;
        });
    }

    static String sleepy(final int ms) throws InterruptedException {
        Thread.sleep(ms);
        return TaskContext.current().nodeId();
    }
}
