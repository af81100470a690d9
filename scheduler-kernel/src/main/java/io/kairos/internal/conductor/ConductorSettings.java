package io.kairos.internal.conductor;

import io.kairos.gpu.GpuDevices;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.kernel.KernelListener;
import io.kairos.spi.kernel.WorkerLauncher;
import org.agrona.concurrent.NanoClock;

import java.time.Duration;
import java.util.List;

/**
 * What the conductor takes from the kernel's configuration (the public KernelContext, concluded).
 *
 * @param gpuDevices the kernel's GPUs, or null
 * @param gpuNodeId  the logical node whose GPU instances are those devices
 * @param cluster    joins the kernel to a cluster of kernels, or null
 */
public record ConductorSettings(List<KernelListener> listeners, WorkerLauncher workerLauncher,
                                int commandQueueCapacity, int maxWorkersPerNode, NanoClock nanoClock,
                                GpuDevices gpuDevices, String gpuNodeId, Duration idleWorkerTimeout,
                                ClusterTransport cluster) {
}
