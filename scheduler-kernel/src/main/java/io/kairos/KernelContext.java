package io.kairos;

import io.kairos.gpu.GpuBackend;
import io.kairos.gpu.GpuDevices;
import io.kairos.spi.journal.JournalOptions;
import io.kairos.spi.journal.JournalProvider;
import io.kairos.spi.kernel.KernelListener;
import io.kairos.spi.metadata.MetadataProvider;
import io.kairos.spi.kernel.ResourceProvider;
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
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kernel's configuration, fluent as Aeron's {@code MediaDriver.Context}: setters return {@code this},
 * {@link #conclude()} fills defaults and validates once ({@link Kernel#start} calls it).
 *
 * <p>Without {@link #node} calls the kernel has one logical node, "node-0", with {@link #cpus}, {@link #gpus},
 * {@link #memoryBytes} and the custom {@link #resource}s. With them, each call adds a logical node of its own.
 */
public final class KernelContext {
    /** Default command-queue capacity (submissions and returns in flight). */
    public static final int COMMAND_QUEUE_CAPACITY_DEFAULT = 64 * 1024;
    /** Default cap on worker threads per logical node. */
    public static final int MAX_WORKERS_PER_NODE_DEFAULT = 256;
    /** Default shared object store capacity (tmpfs pages are used only as objects fill it). */
    public static final long OBJECT_STORE_BYTES_DEFAULT = 256L << 20;
    /** Values whose serialized size reaches this many bytes go to the shared store (Ray's 100 KiB). */
    public static final long INLINE_THRESHOLD_DEFAULT = 100L << 10;

    /** Default time an idle worker thread above a node's CPU count lives before it is stopped. */
    public static final Duration IDLE_WORKER_TIMEOUT_DEFAULT = Duration.ofSeconds(10);

    private double cpus = Runtime.getRuntime().availableProcessors();
    private int gpus;
    private long memoryBytes;
    private final Map<String, Double> customResources = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<NodeSpec> nodes = new ArrayList<>();
    private ThreadingMode threadingMode = ThreadingMode.DEDICATED;
    private IdleStrategy idleStrategy;
    private boolean defaultIdleStrategy;
    private int commandQueueCapacity = COMMAND_QUEUE_CAPACITY_DEFAULT;
    private int maxWorkersPerNode = MAX_WORKERS_PER_NODE_DEFAULT;
    private double spreadThreshold = 0.5;
    private long seed = 42L;
    private Duration closeTimeout = Duration.ofSeconds(10);
    private Duration idleWorkerTimeout = IDLE_WORKER_TIMEOUT_DEFAULT;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private GpuDevices gpuDevices;
    private GpuBackend gpuBackend;
    private String gpuSpec;
    private boolean ownsGpuDevices;
    private String gpuNodeId;
    private final List<SchedulingPolicy> policies = new ArrayList<>();
    private final List<Serializer> serializers = new ArrayList<>();
    private final List<KernelListener> listeners = new ArrayList<>();
    private final List<ResourceProvider> resourceProviders = new ArrayList<>();
    private WorkerLauncher workerLauncher;
    private long objectStoreBytes = OBJECT_STORE_BYTES_DEFAULT;
    private long inlineThresholdBytes = INLINE_THRESHOLD_DEFAULT;
    private String objectStoreName;
    private Path dataDirectory;
    private JournalProvider journalProvider;
    private JournalOptions journalOptions = JournalOptions.DEFAULT;
    private MetadataProvider metadataProvider;
    private double spillThreshold = 0.8;
    private boolean isolated;
    private int workerProcesses;
    private String workerClasspath;
    private List<String> workerJvmOptions = List.of();
    private Path spillDirectory;
    private boolean concluded;
    private static final AtomicInteger STORE_SEQUENCE = new AtomicInteger();

    /** A logical node: its id, resources (units) and labels. */
    public record NodeSpec(String nodeId, Map<String, Double> resources, Map<String, String> labels,
                           List<Double> gpuMemoryByDevice) {
        public NodeSpec {
            Objects.requireNonNull(nodeId, "nodeId");
            resources = Map.copyOf(Objects.requireNonNull(resources, "resources"));
            labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
            gpuMemoryByDevice = List.copyOf(Objects.requireNonNull(gpuMemoryByDevice, "gpuMemoryByDevice"));
        }

        /** A node whose GPU_memory (if any) is split evenly over its GPUs. */
        public NodeSpec(final String nodeId, final Map<String, Double> resources, final Map<String, String> labels) {
            this(nodeId, resources, labels, List.of());
        }
    }

    public KernelContext cpus(final double cpus) {
        this.cpus = cpus;
        return this;
    }

    public KernelContext gpus(final int gpus) {
        this.gpus = gpus;
        return this;
    }

    public KernelContext memoryBytes(final long memoryBytes) {
        this.memoryBytes = memoryBytes;
        return this;
    }

    /** A custom resource of the default node, e.g. ("accelerator_tpu", 4). */
    public KernelContext resource(final String name, final double amount) {
        customResources.put(Objects.requireNonNull(name, "resource name"), amount);
        return this;
    }

    /** A label of the default node. */
    public KernelContext label(final String key, final String value) {
        labels.put(Objects.requireNonNull(key, "label key"), Objects.requireNonNull(value, "label value"));
        return this;
    }

    /** Adds a logical node (then the defaults above are not used to make "node-0"). */
    public KernelContext node(final String nodeId, final Map<String, Double> resources, final Map<String, String> labels) {
        nodes.add(new NodeSpec(nodeId, resources, labels));
        return this;
    }

    public KernelContext threadingMode(final ThreadingMode mode) {
        this.threadingMode = Objects.requireNonNull(mode, "threadingMode");
        return this;
    }

    /** How the conductor idles when it has no work (default: back off, spinning, yielding, then parking to 1 ms). */
    public KernelContext idleStrategy(final IdleStrategy idleStrategy) {
        this.idleStrategy = Objects.requireNonNull(idleStrategy, "idleStrategy");
        return this;
    }

    public KernelContext commandQueueCapacity(final int capacity) {
        this.commandQueueCapacity = capacity;
        return this;
    }

    public KernelContext maxWorkersPerNode(final int max) {
        this.maxWorkersPerNode = max;
        return this;
    }

    /** The hybrid policy's utilisation threshold: pack below it, spread above (default 0.5). */
    public KernelContext spreadThreshold(final double threshold) {
        this.spreadThreshold = threshold;
        return this;
    }

    /** Seed of the scheduler's random choices (top-k), so runs repeat. */
    public KernelContext seed(final long seed) {
        this.seed = seed;
        return this;
    }

    /** How long close() waits for running tasks before interrupting them. */
    public KernelContext closeTimeout(final Duration timeout) {
        this.closeTimeout = Objects.requireNonNull(timeout, "closeTimeout");
        return this;
    }

    /** The shared object store's capacity in bytes; 0 keeps every object on the heap (no store). */
    /**
     * How long a node's worker thread may sit idle before it is stopped, once the node has more workers than CPUs
     * (workers beyond that are started while tasks are blocked in get; default 10 s).
     */
    public KernelContext idleWorkerTimeout(final Duration timeout) {
        this.idleWorkerTimeout = Objects.requireNonNull(timeout, "idleWorkerTimeout");
        return this;
    }

    /**
     * The GPUs the kernel schedules and keeps device-resident objects on ({@link DeviceObject}): their resources
     * and accelerator type go to the first logical node ({@link GpuResourceProvider}). The embedder owns the handle
     * and closes it after the kernel.
     */
    public KernelContext gpus(final GpuDevices devices) {
        this.gpuDevices = Objects.requireNonNull(devices, "gpus");
        return this;
    }

    /**
     * Simulated GPUs for the kernel, e.g. "2x16GiB" (see {@link GpuDevices#simulated}): the kernel opens the handle
     * when it starts and closes it when it closes; otherwise as {@link #gpus(GpuDevices)}. A context so configured
     * starts one kernel.
     */
    public KernelContext simulatedGpus(final String spec) {
        this.gpuBackend = GpuBackend.SIMULATED;
        this.gpuSpec = Objects.requireNonNull(spec, "simulatedGpus");
        return this;
    }

    /**
     * The machine's GPUs for the kernel: CUDA devices, else those {@value GpuDevices#SIMULATED_GPUS_ENV} describes,
     * else none (see {@link GpuDevices#discover}); the kernel owns the handle, as with {@link #simulatedGpus}.
     */
    public KernelContext discoverGpus() {
        this.gpuBackend = GpuBackend.AUTO;
        this.gpuSpec = null;
        return this;
    }

    /** The conductor's clock, for its timers (default: System.nanoTime); tests pass a clock they advance. */
    public KernelContext nanoClock(final NanoClock clock) {
        this.nanoClock = Objects.requireNonNull(clock, "nanoClock");
        return this;
    }

    public KernelContext objectStoreBytes(final long bytes) {
        this.objectStoreBytes = bytes;
        return this;
    }

    /** Values whose serialized size reaches this go to the shared store (default 100 KiB). */
    public KernelContext inlineThresholdBytes(final long bytes) {
        this.inlineThresholdBytes = bytes;
        return this;
    }

    /** The store's name, /dev/shm/kairos-NAME (default: kernel-PID-N, unique in this process). */
    public KernelContext objectStoreName(final String name) {
        this.objectStoreName = Objects.requireNonNull(name, "objectStoreName");
        return this;
    }

    /**
     * Where the kernel keeps its durable state (the journal under {@code journal/}); a kernel started again on the
     * same directory runs again the tasks that were submitted and did not end ({@link Kernel#recovery()}). None by
     * default: nothing is journaled.
     */
    public KernelContext dataDirectory(final Path directory) {
        this.dataDirectory = Objects.requireNonNull(directory, "dataDirectory");
        return this;
    }

    /** The journal plugin (default: the first {@link JournalProvider} ServiceLoader finds, e.g. Chronicle Queue's). */
    public KernelContext journal(final JournalProvider provider) {
        this.journalProvider = Objects.requireNonNull(provider, "journal");
        return this;
    }

    /** How the journal rolls its files and how many it keeps (default: daily, all kept). */
    public KernelContext journalOptions(final JournalOptions options) {
        this.journalOptions = Objects.requireNonNull(options, "journalOptions");
        return this;
    }

    /**
     * The metadata plugin for {@link Kernel#kv()} and named actors kept across restarts (default: the first
     * {@link MetadataProvider} ServiceLoader finds, e.g. LMDB's; none: no kv, named actors not kept).
     */
    public KernelContext metadata(final MetadataProvider provider) {
        this.metadataProvider = Objects.requireNonNull(provider, "metadata");
        return this;
    }

    /**
     * The share of the object store this kernel's objects may take before the least recently used are spilled to
     * files (default 0.8).
     */
    public KernelContext spillThreshold(final double threshold) {
        this.spillThreshold = threshold;
        return this;
    }

    /**
     * Where spilled objects go (default: {@code spill/} under the data directory, else a temporary directory deleted
     * at close).
     */
    public KernelContext spillDirectory(final Path directory) {
        this.spillDirectory = Objects.requireNonNull(directory, "spillDirectory");
        return this;
    }

    /**
     * Runs every task and actor in worker processes (default false: in threads of this JVM; a task or actor can ask
     * with setIsolated).
     */
    public KernelContext isolated(final boolean isolated) {
        this.isolated = isolated;
        return this;
    }

    /** How many worker processes to start with the kernel, ahead of demand (default 0: started on first use). */
    public KernelContext workerProcesses(final int count) {
        this.workerProcesses = count;
        return this;
    }

    /** The class path of worker processes (default: this JVM's {@code java.class.path}). */
    public KernelContext workerClasspath(final String classpath) {
        this.workerClasspath = Objects.requireNonNull(classpath, "workerClasspath");
        return this;
    }

    /** Extra JVM options for worker processes, e.g. "-Xmx2g". */
    public KernelContext workerJvmOptions(final List<String> options) {
        this.workerJvmOptions = List.copyOf(options);
        return this;
    }

    /** A serializer plugin, tried before the built-in one (ServiceLoader finds others). */
    public KernelContext serializer(final Serializer serializer) {
        serializers.add(Objects.requireNonNull(serializer, "serializer"));
        return this;
    }

    /** A listener told of every task, actor and placement-group transition (ServiceLoader finds others). */
    public KernelContext listener(final KernelListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** A provider of node resources, asked once per node at start (ServiceLoader finds others). */
    public KernelContext resourceProvider(final ResourceProvider provider) {
        resourceProviders.add(Objects.requireNonNull(provider, "resourceProvider"));
        return this;
    }

    /** How worker threads are made (default: daemon platform threads; else the first one ServiceLoader finds). */
    public KernelContext workerLauncher(final WorkerLauncher launcher) {
        this.workerLauncher = Objects.requireNonNull(launcher, "workerLauncher");
        return this;
    }

    /** A scheduling policy plugin: replaces the built-in policy of its {@link SchedulingPolicy#kind()}. */
    public KernelContext schedulingPolicy(final SchedulingPolicy policy) {
        policies.add(Objects.requireNonNull(policy, "policy"));
        return this;
    }

    /**
     * Fills defaults and validates every field once; the message names the field and its limit.
     *
     * @throws IllegalArgumentException for a value out of range
     */
    public KernelContext conclude() {
        if (concluded) {
            return this;
        }
        if (!Double.isFinite(cpus) || cpus < 0) {
            throw new IllegalArgumentException("cpus " + cpus + " must be >= 0");
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
        workerClasspath = workerClasspath != null ? workerClasspath : System.getProperty("java.class.path");
        if (!(spillThreshold > 0 && spillThreshold <= 1)) {
            throw new IllegalArgumentException("spillThreshold " + spillThreshold + " is outside (0, 1]");
        }
        if (inlineThresholdBytes < 0) {
            throw new IllegalArgumentException("inlineThresholdBytes " + inlineThresholdBytes + " must be >= 0");
        }
        if (objectStoreName == null) {
            objectStoreName = "kernel-" + ProcessHandle.current().pid() + "-" + STORE_SEQUENCE.incrementAndGet();
        }
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
        if (idleStrategy == null) {
            defaultIdleStrategy = true;
            idleStrategy = new BackoffIdleStrategy(64, 16, 1_000, 1_000_000);
        }
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
            nodes.add(new NodeSpec("node-0", resources, labels));
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
                final NodeSpec node = nodes.get(i);
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
                nodes.set(i, new NodeSpec(node.nodeId(), merged, mergedLabels, gpuMemory));
            }
        }
        final java.util.Set<String> ids = new java.util.HashSet<>();
        for (final NodeSpec node : nodes) {
            if (!ids.add(node.nodeId())) {
                throw new IllegalArgumentException("node id '" + node.nodeId() + "' is used twice");
            }
        }
        concluded = true;
        return this;
    }

    public ThreadingMode threadingMode() {
        return threadingMode;
    }

    public IdleStrategy idleStrategy() {
        return idleStrategy;
    }

    /** True when no idle strategy was set: the conductor then backs off the same way but knows when it parks. */
    boolean defaultIdleStrategy() {
        return defaultIdleStrategy;
    }

    public int commandQueueCapacity() {
        return commandQueueCapacity;
    }

    public int maxWorkersPerNode() {
        return maxWorkersPerNode;
    }

    public double spreadThreshold() {
        return spreadThreshold;
    }

    public long seed() {
        return seed;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    public Duration idleWorkerTimeout() {
        return idleWorkerTimeout;
    }

    public NanoClock nanoClock() {
        return nanoClock;
    }

    /** The kernel's GPUs, or null. */
    public GpuDevices gpuDevices() {
        return gpuDevices;
    }

    /** The logical node the kernel's GPUs belong to (its GPU instance i is device i), or null. */
    public String gpuNodeId() {
        return gpuNodeId;
    }

    /** Whether the kernel opened the GPU handle itself ({@link #simulatedGpus}, {@link #discoverGpus}) and closes it. */
    boolean ownsGpuDevices() {
        return ownsGpuDevices;
    }

    public List<NodeSpec> nodes() {
        return List.copyOf(nodes);
    }

    public long objectStoreBytes() {
        return objectStoreBytes;
    }

    public long inlineThresholdBytes() {
        return inlineThresholdBytes;
    }

    public String objectStoreName() {
        return objectStoreName;
    }

    public List<KernelListener> listeners() {
        return List.copyOf(listeners);
    }

    public List<ResourceProvider> resourceProviders() {
        return List.copyOf(resourceProviders);
    }

    public WorkerLauncher workerLauncher() {
        return workerLauncher;
    }

    public List<Serializer> serializers() {
        return List.copyOf(serializers);
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public JournalProvider journalProvider() {
        return journalProvider;
    }

    public JournalOptions journalOptions() {
        return journalOptions;
    }

    public boolean isolated() {
        return isolated;
    }

    public int workerProcesses() {
        return workerProcesses;
    }

    public String workerClasspath() {
        return workerClasspath;
    }

    public List<String> workerJvmOptions() {
        return workerJvmOptions;
    }

    public double spillThreshold() {
        return spillThreshold;
    }

    /** The configured spill directory, or null for the default. */
    public Path spillDirectory() {
        return spillDirectory;
    }

    public MetadataProvider metadataProvider() {
        return metadataProvider;
    }

    public List<SchedulingPolicy> schedulingPolicies() {
        return List.copyOf(policies);
    }
}
