package io.kairos;

import io.kairos.gpu.GpuBackend;
import io.kairos.gpu.GpuDevices;
import io.kairos.spi.journal.JournalOptions;
import io.kairos.spi.journal.JournalProvider;
import io.kairos.spi.kernel.KernelListener;
import io.kairos.spi.metadata.MetadataProvider;
import io.kairos.spi.kernel.ResourceProvider;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.kernel.WorkerLauncher;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.serialization.Serializer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The values of a {@link KernelContext}, and its getters: what the kernel reads once the context is concluded. The
 * context's setters, defaults and validation are in {@link KernelContext}; this class only keeps that file readable.
 */
abstract class KernelSettings {
    double cpus = Runtime.getRuntime().availableProcessors();
    int gpus;
    long memoryBytes;
    final Map<String, Double> customResources = new LinkedHashMap<>();
    final Map<String, String> labels = new LinkedHashMap<>();
    final List<KernelContext.NodeSpec> nodes = new ArrayList<>();
    ThreadingMode threadingMode = ThreadingMode.DEDICATED;
    IdleStrategy idleStrategy;
    boolean defaultIdleStrategy;
    int commandQueueCapacity = KernelContext.COMMAND_QUEUE_CAPACITY_DEFAULT;
    Duration commandQueueTimeout = Duration.ofSeconds(30);
    int maxWorkersPerNode = KernelContext.MAX_WORKERS_PER_NODE_DEFAULT;
    double spreadThreshold = 0.5;
    long seed = 42L;
    Duration closeTimeout = Duration.ofSeconds(10);
    Duration idleWorkerTimeout = KernelContext.IDLE_WORKER_TIMEOUT_DEFAULT;
    NanoClock nanoClock = SystemNanoClock.INSTANCE;
    GpuDevices gpuDevices;
    GpuBackend gpuBackend;
    String gpuSpec;
    boolean ownsGpuDevices;
    String gpuNodeId;
    final List<SchedulingPolicy> policies = new ArrayList<>();
    final List<Serializer> serializers = new ArrayList<>();
    final List<KernelListener> listeners = new ArrayList<>();
    final List<ResourceProvider> resourceProviders = new ArrayList<>();
    WorkerLauncher workerLauncher;
    ClusterTransport cluster;
    long objectStoreBytes = KernelContext.OBJECT_STORE_BYTES_DEFAULT;
    Boolean objectStorePrefault;  // null: by size, up to KernelContext.OBJECT_STORE_PREFAULT_MAX_DEFAULT
    long inlineThresholdBytes = KernelContext.INLINE_THRESHOLD_DEFAULT;
    String objectStoreName;
    Path dataDirectory;
    JournalProvider journalProvider;
    JournalOptions journalOptions = JournalOptions.DEFAULT;
    MetadataProvider metadataProvider;
    double spillThreshold = 0.8;
    boolean isolated;
    int workerProcesses;
    int actorsPerWorkerProcess = 1;
    String workerClasspath;
    List<String> workerJvmOptions = List.of();
    String pythonExecutable;
    List<Path> pythonPath = List.of();
    Path spillDirectory;
    boolean concluded;

    /** {@return the threading mode} */
    public ThreadingMode threadingMode() {
        return threadingMode;
    }

    /** {@return the conductor's idle strategy (null until {@link KernelContext#conclude()} if none was set)} */
    public IdleStrategy idleStrategy() {
        return idleStrategy;
    }

    /** True when no idle strategy was set: the conductor then backs off the same way but knows when it parks. */
    boolean defaultIdleStrategy() {
        return defaultIdleStrategy;
    }

    /** {@return the command queue's capacity} */
    public int commandQueueCapacity() {
        return commandQueueCapacity;
    }

    /** {@return how long a caller waits for room in a full command queue} */
    public Duration commandQueueTimeout() {
        return commandQueueTimeout;
    }

    /** {@return the most worker threads per logical node} */
    public int maxWorkersPerNode() {
        return maxWorkersPerNode;
    }

    /** {@return the hybrid policy's utilisation threshold, 0 to 1} */
    public double spreadThreshold() {
        return spreadThreshold;
    }

    /** {@return the seed of the scheduler's random choices} */
    public long seed() {
        return seed;
    }

    /** {@return how long close() waits for running tasks} */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** {@return how long an idle worker thread above a node's CPU count lives} */
    public Duration idleWorkerTimeout() {
        return idleWorkerTimeout;
    }

    /** {@return the conductor's clock} */
    public NanoClock nanoClock() {
        return nanoClock;
    }

    /** {@return the kernel's GPUs, or null} */
    public GpuDevices gpuDevices() {
        return gpuDevices;
    }

    /** {@return the logical node the kernel's GPUs belong to (its GPU instance i is device i), or null} */
    public String gpuNodeId() {
        return gpuNodeId;
    }

    /** Whether the kernel opened the GPU handle itself ({@link KernelContext#simulatedGpus}, {@link KernelContext#discoverGpus}) and closes it. */
    boolean ownsGpuDevices() {
        return ownsGpuDevices;
    }

    /** {@return a copy of the logical nodes (after {@link KernelContext#conclude()}, at least "node-0")} */
    public List<KernelContext.NodeSpec> nodes() {
        return List.copyOf(nodes);
    }

    /** {@return the shared object store's capacity in bytes, 0 for none} */
    public long objectStoreBytes() {
        return objectStoreBytes;
    }

    /**
     * {@return whether the kernel prefaults its object store at start: as {@link KernelContext#objectStorePrefault(boolean)} set it,
     * else whether the store is at most {@value KernelContext#OBJECT_STORE_PREFAULT_MAX_DEFAULT} bytes; false without a store}
     */
    public boolean objectStorePrefault() {
        return objectStoreBytes != 0 && (objectStorePrefault != null ? objectStorePrefault
            : objectStoreBytes <= KernelContext.OBJECT_STORE_PREFAULT_MAX_DEFAULT);
    }

    /** {@return the serialized size in bytes from which values go to the shared store} */
    public long inlineThresholdBytes() {
        return inlineThresholdBytes;
    }

    /** {@return the store's NAME (null until {@link KernelContext#conclude()} if none was set)} */
    public String objectStoreName() {
        return objectStoreName;
    }

    /** {@return a copy of the listeners (after {@link KernelContext#conclude()}, with those ServiceLoader found)} */
    public List<KernelListener> listeners() {
        return List.copyOf(listeners);
    }

    /** {@return a copy of the resource providers (after {@link KernelContext#conclude()}, with those ServiceLoader found)} */
    public List<ResourceProvider> resourceProviders() {
        return List.copyOf(resourceProviders);
    }

    /** {@return the transport that joins this kernel to a cluster of kernels, or null (a kernel on its own)} */
    public ClusterTransport cluster() {
        return cluster;
    }

    /** {@return the worker launcher (null until {@link KernelContext#conclude()} if none was set)} */
    public WorkerLauncher workerLauncher() {
        return workerLauncher;
    }

    /** {@return a copy of the serializer plugins, in the order tried} */
    public List<Serializer> serializers() {
        return List.copyOf(serializers);
    }

    /** {@return the data directory, or null for none} */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** {@return the journal plugin, or null (without a data directory, or until {@link KernelContext#conclude()})} */
    public JournalProvider journalProvider() {
        return journalProvider;
    }

    /** {@return the journal's options} */
    public JournalOptions journalOptions() {
        return journalOptions;
    }

    /** {@return whether tasks and actors run in worker processes by default} */
    public boolean isolated() {
        return isolated;
    }

    /** {@return how many worker processes start with the kernel} */
    public int workerProcesses() {
        return workerProcesses;
    }

    /** {@return how many actors one worker process hosts at once} */
    public int actorsPerWorkerProcess() {
        return actorsPerWorkerProcess;
    }

    /** {@return the worker processes' class path (null until {@link KernelContext#conclude()} if none was set)} */
    public String workerClasspath() {
        return workerClasspath;
    }

    /** {@return the worker processes' extra JVM options, unmodifiable} */
    public List<String> workerJvmOptions() {
        return workerJvmOptions;
    }

    /** {@return the Python workers' interpreter: as set, else $KAIROS_PYTHON, else "python3"} */
    public String pythonExecutable() {
        if (pythonExecutable != null) {
            return pythonExecutable;
        }
        final String env = System.getenv("KAIROS_PYTHON");
        return env != null && !env.isBlank() ? env : "python3";
    }

    /** {@return the job's Python module directories, unmodifiable} */
    public List<Path> pythonPath() {
        return pythonPath;
    }

    /** {@return the share of the object store the kernel's objects may take before spilling} */
    public double spillThreshold() {
        return spillThreshold;
    }

    /** {@return the configured spill directory, or null for the default} */
    public Path spillDirectory() {
        return spillDirectory;
    }

    /** {@return the metadata plugin, or null (none found, no data directory, or until {@link KernelContext#conclude()})} */
    public MetadataProvider metadataProvider() {
        return metadataProvider;
    }

    /** {@return a copy of the scheduling policy plugins} */
    public List<SchedulingPolicy> schedulingPolicies() {
        return List.copyOf(policies);
    }

    /** Checks every numeric value against its limits; the message names the field and the limit. */
    final void validate() {
        if (!Double.isFinite(cpus) || cpus < 0) {
            throw new IllegalArgumentException("cpus " + cpus + " must be finite and >= 0");
        }
        if (gpus < 0) {
            throw new IllegalArgumentException("gpus " + gpus + " must be >= 0");
        }
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memoryBytes " + memoryBytes + " must be >= 0");
        }
        if (commandQueueCapacity < 1024 || Integer.bitCount(commandQueueCapacity) != 1) {
            throw new IllegalArgumentException("commandQueueCapacity " + commandQueueCapacity
                + " must be a power of two >= 1024");
        }
        if (commandQueueTimeout.isNegative() || commandQueueTimeout.isZero()) {
            throw new IllegalArgumentException("commandQueueTimeout " + commandQueueTimeout + " must be > 0");
        }
        if (maxWorkersPerNode < 1 || maxWorkersPerNode > 32_768) {
            throw new IllegalArgumentException("maxWorkersPerNode " + maxWorkersPerNode + " is outside 1..32768");
        }
        if (!(spreadThreshold >= 0 && spreadThreshold <= 1)) {
            throw new IllegalArgumentException("spreadThreshold " + spreadThreshold + " is outside 0..1");
        }
        if (closeTimeout.isNegative()) {
            throw new IllegalArgumentException("closeTimeout " + closeTimeout + " is negative");
        }
        if (idleWorkerTimeout.isNegative() || idleWorkerTimeout.isZero()) {
            throw new IllegalArgumentException("idleWorkerTimeout " + idleWorkerTimeout + " must be > 0");
        }
        if (objectStoreBytes != 0 && (objectStoreBytes < (64 << 10) || objectStoreBytes > (1L << 40))) {
            throw new IllegalArgumentException("objectStoreBytes " + objectStoreBytes
                + " must be 0 (no store) or 65536..1099511627776");
        }
        if (workerProcesses < 0 || workerProcesses > 256) {
            throw new IllegalArgumentException("workerProcesses " + workerProcesses + " is outside 0..256");
        }
        if (actorsPerWorkerProcess < 1 || actorsPerWorkerProcess > 1024) {
            throw new IllegalArgumentException("actorsPerWorkerProcess " + actorsPerWorkerProcess
                + " is outside 1..1024");
        }
        if (!(spillThreshold > 0 && spillThreshold <= 1)) {
            throw new IllegalArgumentException("spillThreshold " + spillThreshold + " is outside (0, 1]");
        }
        if (inlineThresholdBytes < 0) {
            throw new IllegalArgumentException("inlineThresholdBytes " + inlineThresholdBytes + " must be >= 0");
        }
    }

    /** The conductor's default idle strategy where none was set: spin, yield, then park up to 1 ms. */
    final void concludeIdleStrategy() {
        if (idleStrategy == null) {
            defaultIdleStrategy = true;
            idleStrategy = new BackoffIdleStrategy(64, 16, 1_000, 1_000_000);
        }
    }

    /** A cluster member's default id, unique on a network of hosts: "host-pid". */
    private static String defaultMemberId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (final java.io.IOException e) {
            host = "host";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** Adds the plugins found by ServiceLoader: journal and metadata for a data directory, the rest always. */
    final void loadPlugins() {
        if (dataDirectory != null && journalProvider == null) {
            journalProvider = ServiceLoader.load(JournalProvider.class).findFirst().orElseThrow(() ->
                new IllegalArgumentException("dataDirectory " + dataDirectory + " is set but no journal plugin is on "
                    + "the class path (add kairos-journal-chronicle, or give one with journal(provider))"));
        }
        if (dataDirectory != null && metadataProvider == null) {
            metadataProvider = ServiceLoader.load(MetadataProvider.class).findFirst().orElse(null);
        }
        ServiceLoader.load(Serializer.class).forEach(serializers::add);
        ServiceLoader.load(KernelListener.class).forEach(listeners::add);
        ServiceLoader.load(ResourceProvider.class).forEach(resourceProviders::add);
        if (workerLauncher == null) {
            workerLauncher = ServiceLoader.load(WorkerLauncher.class).findFirst().orElse((loop, nodeId, name) -> {
                final Thread thread = new Thread(loop, name);
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    /**
     * The logical nodes: "node-0" from the single-node settings unless nodes were given, the GPU devices opened, each
     * node's resources and labels merged with what the resource providers say (the node's own win); ids unique.
     */
    final void resolveNodes() {
        if (nodes.isEmpty()) {
            final Map<String, Double> resources = new LinkedHashMap<>();
            resources.put("CPU", cpus);
            if (gpus > 0) {
                resources.put("GPU", (double) gpus);
            }
            if (memoryBytes > 0) {
                resources.put("memory", (double) memoryBytes);
            }
            resources.putAll(customResources);
            nodes.add(new KernelContext.NodeSpec(cluster != null ? defaultMemberId() : "node-0", resources, labels));
        }
        if (cluster != null && nodes.size() != 1) {
            throw new IllegalArgumentException("a cluster member is one node: nodes must name 1 node, named "
                + nodes.size() + " (run one kernel per member)");
        }
        if (gpuDevices == null && gpuBackend != null) {
            gpuDevices = GpuDevices.open(gpuBackend, gpuSpec);  // the kernel closes it (ownsGpuDevices)
            ownsGpuDevices = true;
        }
        if (gpuDevices != null && gpuDevices.count() > 0) {
            gpuNodeId = nodes.get(0).nodeId();
            resourceProviders.add(new GpuResourceProvider(gpuDevices, gpuNodeId));
        }
        if (!resourceProviders.isEmpty()) {
            for (int i = 0; i < nodes.size(); i++) {
                final KernelContext.NodeSpec node = nodes.get(i);
                final Map<String, Double> merged = new LinkedHashMap<>();
                final Map<String, String> mergedLabels = new LinkedHashMap<>();
                final List<Double> gpuMemory = new ArrayList<>(node.gpuMemoryByDevice());
                for (final ResourceProvider provider : resourceProviders) {
                    provider.resources(node.nodeId()).forEach((name, amount) -> merged.merge(name, amount, Double::sum));
                    mergedLabels.putAll(provider.labels(node.nodeId()));
                    gpuMemory.addAll(provider.gpuMemoryByDevice(node.nodeId()));
                }
                merged.putAll(node.resources());  // what the node's configuration names wins
                mergedLabels.putAll(node.labels());
                nodes.set(i, new KernelContext.NodeSpec(node.nodeId(), merged, mergedLabels, gpuMemory));
            }
        }
        final java.util.Set<String> ids = new java.util.HashSet<>();
        for (final KernelContext.NodeSpec node : nodes) {
            if (!ids.add(node.nodeId())) {
                throw new IllegalArgumentException("node id '" + node.nodeId() + "' is used twice");
            }
        }
    }
}
