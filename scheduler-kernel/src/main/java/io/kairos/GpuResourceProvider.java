package io.kairos;

import io.kairos.gpu.GpuDeviceInfo;
import io.kairos.gpu.GpuDevices;
import io.kairos.spi.kernel.ResourceProvider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Gives one logical node the devices of a {@link GpuDevices} handle: {@value #GPU} = their count (device i is GPU
 * instance i, so a task's {@link TaskContext#gpuInstances()} are device indices), {@value #GPU_MEMORY} = their total
 * memory in bytes, and the label {@value #ACCELERATOR_TYPE} = their model as Ray names it ("H100"; "SIMULATED" for
 * simulated devices; the models joined by "+" when they differ). A machine with no device adds nothing.
 *
 * <p>GPU memory is accounted per device: a task's {@code setResource("GPU_memory", bytes)} must be free, and is
 * taken, on each device it gets (with no GPU share asked for, on one device, as memory only). Each GPU instance has
 * its own device's memory ({@link #gpuMemoryByDevice}), so devices of different sizes can share a node.
 *
 * <pre>{@code
 * try (GpuDevices gpus = GpuDevices.discover();
 *      Kernel kernel = Kernel.start(new KernelContext().resourceProvider(new GpuResourceProvider(gpus)))) { ... }
 * }</pre>
 */
public final class GpuResourceProvider implements ResourceProvider {
    /** The resource counting GPU instances, one per device. */
    public static final String GPU = "GPU";
    /** The resource counting GPU memory, in bytes, accounted per device. */
    public static final String GPU_MEMORY = "GPU_memory";
    /** The node label naming the devices' model, e.g. "H100". */
    public static final String ACCELERATOR_TYPE = "accelerator_type";
    /** The id of the kernel's node when no {@link KernelContext#node} is configured. */
    public static final String DEFAULT_NODE = "node-0";

    private final String nodeId;
    private final Map<String, Double> resources;
    private final Map<String, String> labels;
    private final List<Double> memoryByDevice;

    /**
     * The devices go to the default node, {@value #DEFAULT_NODE}.
     *
     * @param devices the devices, not null; their descriptions are read now
     */
    public GpuResourceProvider(final GpuDevices devices) {
        this(devices, DEFAULT_NODE);
    }

    /**
     * The devices go to the logical node with this id. Reads the devices' descriptions now.
     *
     * @param devices the devices, not null
     * @param nodeId  the logical node's id (see {@link KernelContext#node}), not null
     */
    public GpuResourceProvider(final GpuDevices devices, final String nodeId) {
        Objects.requireNonNull(devices, "devices");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        final List<GpuDeviceInfo> infos = devices.infos();
        final Map<String, Double> r = new LinkedHashMap<>();
        final Map<String, String> l = new LinkedHashMap<>();
        final List<Double> byDevice = new ArrayList<>();
        if (!infos.isEmpty()) {
            long memory = 0;
            final Set<String> types = new LinkedHashSet<>();
            for (final GpuDeviceInfo info : infos) {
                memory += info.totalMemory();
                byDevice.add((double) info.totalMemory());
                types.add(info.acceleratorType());
            }
            r.put(GPU, (double) infos.size());
            r.put(GPU_MEMORY, (double) memory);
            l.put(ACCELERATOR_TYPE, String.join("+", types));
        }
        this.resources = Map.copyOf(r);
        this.labels = Map.copyOf(l);
        this.memoryByDevice = List.copyOf(byDevice);
    }

    @Override
    public Map<String, Double> resources(final String node) {
        return nodeId.equals(node) ? resources : Map.of();
    }

    @Override
    public Map<String, String> labels(final String node) {
        return nodeId.equals(node) ? labels : Map.of();
    }

    @Override
    public List<Double> gpuMemoryByDevice(final String node) {
        return nodeId.equals(node) ? memoryByDevice : List.of();
    }

    @Override
    public String toString() {
        return "GpuResourceProvider{" + nodeId + ": " + resources + ", " + labels + '}';
    }
}
