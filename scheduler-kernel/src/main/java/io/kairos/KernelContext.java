package io.kairos;

import io.kairos.gpu.GpuBackend;
import io.kairos.gpu.GpuDevices;
import io.kairos.internal.setup.SegmentNames;
import io.kairos.spi.journal.JournalOptions;
import io.kairos.spi.journal.JournalProvider;
import io.kairos.spi.kernel.KernelListener;
import io.kairos.spi.metadata.MetadataProvider;
import io.kairos.spi.kernel.ResourceProvider;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.kernel.WorkerLauncher;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.serialization.Serializer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.nio.file.Path;
import java.time.Duration;
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
public final class KernelContext extends KernelSettings {
    /** Default command-queue capacity (submissions and returns in flight). */
    public static final int COMMAND_QUEUE_CAPACITY_DEFAULT = 64 * 1024;
    /** Default cap on worker threads per logical node. */
    public static final int MAX_WORKERS_PER_NODE_DEFAULT = 256;
    /** Default shared object store capacity (made resident at start: see {@link #objectStorePrefault(boolean)}). */
    public static final long OBJECT_STORE_BYTES_DEFAULT = 256L << 20;
    /** Stores up to this many bytes (4 GiB) are prefaulted at start unless {@link #objectStorePrefault} says not. */
    public static final long OBJECT_STORE_PREFAULT_MAX_DEFAULT = 4L << 30;
    /** Values whose serialized size reaches this many bytes go to the shared store (Ray's 100 KiB). */
    public static final long INLINE_THRESHOLD_DEFAULT = 100L << 10;
    /** Default time an idle worker thread above a node's CPU count lives before it is stopped. */
    public static final Duration IDLE_WORKER_TIMEOUT_DEFAULT = Duration.ofSeconds(10);

    private static final AtomicInteger STORE_SEQUENCE = new AtomicInteger();

    /** A context with the defaults: one logical node with this machine's CPUs, a 256 MiB store, no data directory. */
    public KernelContext() {
        // the defaults are the fields' initial values; conclude() fills the rest
    }

    /**
     * A logical node: its id, resources (units) and labels.
     *
     * @param nodeId            the node's id, unique in the kernel
     * @param resources         resource name to amount, in the resource's units
     * @param labels            label key to value, matched by label scheduling strategies
     * @param gpuMemoryByDevice GPU memory of each device in bytes (device i is GPU instance i); empty to split the
     *                          node's GPU_memory evenly over its GPUs
     */
    public record NodeSpec(String nodeId, Map<String, Double> resources, Map<String, String> labels,
                           List<Double> gpuMemoryByDevice) {
        /**
         * Copies the maps and list.
         *
         * @param nodeId            the node's id, unique in the kernel
         * @param resources         resource name to amount, in the resource's units
         * @param labels            label key to value
         * @param gpuMemoryByDevice GPU memory of each device in bytes, or empty
         * @throws NullPointerException if an argument is null
         */
        public NodeSpec {
            Objects.requireNonNull(nodeId, "nodeId");
            resources = Map.copyOf(Objects.requireNonNull(resources, "resources"));
            labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
            gpuMemoryByDevice = List.copyOf(Objects.requireNonNull(gpuMemoryByDevice, "gpuMemoryByDevice"));
        }

        /**
         * A node whose GPU_memory (if any) is split evenly over its GPUs.
         *
         * @param nodeId    the node's id, unique in the kernel
         * @param resources resource name to amount, in the resource's units
         * @param labels    label key to value
         */
        public NodeSpec(final String nodeId, final Map<String, Double> resources, final Map<String, String> labels) {
            this(nodeId, resources, labels, List.of());
        }
    }

    /**
     * The CPUs of the default node ("CPU" resource; fractions allowed).
     *
     * @param cpus &gt;= 0 (default: this machine's available processors)
     * @return this context
     */
    public KernelContext cpus(final double cpus) {
        this.cpus = cpus;
        return this;
    }

    /**
     * The GPUs of the default node, as a bare "GPU" resource count with no devices behind it (for device-backed GPUs
     * see {@link #gpus(GpuDevices)}).
     *
     * @param gpus &gt;= 0 (default 0)
     * @return this context
     */
    public KernelContext gpus(final int gpus) {
        this.gpus = gpus;
        return this;
    }

    /**
     * The memory of the default node, as the "memory" resource, in bytes.
     *
     * @param memoryBytes &gt;= 0 (default 0: no memory resource)
     * @return this context
     */
    public KernelContext memoryBytes(final long memoryBytes) {
        this.memoryBytes = memoryBytes;
        return this;
    }

    /**
     * A custom resource of the default node, e.g. ("accelerator_tpu", 4).
     *
     * @param name   the resource's name, not null
     * @param amount how much the node has, in the resource's units
     * @return this context
     */
    public KernelContext resource(final String name, final double amount) {
        customResources.put(Objects.requireNonNull(name, "resource name"), amount);
        return this;
    }

    /**
     * A label of the default node.
     *
     * @param key   the label's key, not null
     * @param value the label's value, not null
     * @return this context
     */
    public KernelContext label(final String key, final String value) {
        labels.put(Objects.requireNonNull(key, "label key"), Objects.requireNonNull(value, "label value"));
        return this;
    }

    /**
     * Adds a logical node (then the defaults above are not used to make "node-0").
     *
     * @param nodeId    the node's id, unique in the kernel ({@link #conclude()} rejects a duplicate)
     * @param resources resource name to amount, in the resource's units, e.g. {"CPU": 4.0}
     * @param labels    label key to value
     * @return this context
     */
    public KernelContext node(final String nodeId, final Map<String, Double> resources, final Map<String, String> labels) {
        nodes.add(new NodeSpec(nodeId, resources, labels));
        return this;
    }

    /**
     * Joins the kernel to a cluster of kernels through this transport ({@code AeronClusterTransport} in
     * kairos-cluster-aeron): it registers with the control store at start and leaves at close. The kernel is one
     * node: with resources it runs work others send it, with none ({@code cpus(0)}) it is a driver. Tasks that do
     * not fit here go to other members by the same policies; their results come back to this kernel, which owns
     * them. The node's id is the member's id: name it with {@link #node}, or it is "host-pid".
     *
     * @param transport not null; the kernel closes it
     * @return this context
     */
    public KernelContext cluster(final ClusterTransport transport) {
        this.cluster = Objects.requireNonNull(transport, "cluster transport");
        return this;
    }

    /**
     * Which threads run the conductor.
     *
     * @param mode not null (default {@link ThreadingMode#DEDICATED})
     * @return this context
     */
    public KernelContext threadingMode(final ThreadingMode mode) {
        this.threadingMode = Objects.requireNonNull(mode, "threadingMode");
        return this;
    }

    /**
     * How the conductor idles when it has no work.
     *
     * @param idleStrategy not null (default: back off, spinning, yielding, then parking up to 1 ms)
     * @return this context
     */
    public KernelContext idleStrategy(final IdleStrategy idleStrategy) {
        this.idleStrategy = Objects.requireNonNull(idleStrategy, "idleStrategy");
        return this;
    }

    /**
     * The capacity of the conductor's command queue (submissions and returns in flight).
     *
     * @param capacity a power of two &gt;= 1024 (default {@value #COMMAND_QUEUE_CAPACITY_DEFAULT})
     * @return this context
     */
    public KernelContext commandQueueCapacity(final int capacity) {
        this.commandQueueCapacity = capacity;
        return this;
    }

    /**
     * How long a submitter waits, backing off, for room in a full command queue before it gives up with a
     * {@link io.kairos.exception.CommandQueueFullException} (the conductor is then stalled: nothing drains the queue).
     *
     * @param timeout more than zero (default 30 s)
     * @return this context
     */
    public KernelContext commandQueueTimeout(final Duration timeout) {
        this.commandQueueTimeout = Objects.requireNonNull(timeout, "commandQueueTimeout");
        return this;
    }

    /**
     * The most worker threads a logical node runs (workers beyond its CPUs start while tasks are blocked in get).
     *
     * @param max 1 to 32,768 (default {@value #MAX_WORKERS_PER_NODE_DEFAULT})
     * @return this context
     */
    public KernelContext maxWorkersPerNode(final int max) {
        this.maxWorkersPerNode = max;
        return this;
    }

    /**
     * The hybrid policy's utilisation threshold: pack below it, spread above.
     *
     * @param threshold a share of a node's resources, 0 to 1 (default 0.5)
     * @return this context
     */
    public KernelContext spreadThreshold(final double threshold) {
        this.spreadThreshold = threshold;
        return this;
    }

    /**
     * Seed of the scheduler's random choices (top-k), so runs repeat.
     *
     * @param seed any value (default 42)
     * @return this context
     */
    public KernelContext seed(final long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * How long close() waits for running tasks before interrupting them.
     *
     * @param timeout not null or negative (default 10 s; zero: interrupt at once)
     * @return this context
     */
    public KernelContext closeTimeout(final Duration timeout) {
        this.closeTimeout = Objects.requireNonNull(timeout, "closeTimeout");
        return this;
    }

    /**
     * How long a node's worker thread may sit idle before it is stopped, once the node has more workers than CPUs
     * (workers beyond that are started while tasks are blocked in get).
     *
     * @param timeout more than zero (default 10 s)
     * @return this context
     */
    public KernelContext idleWorkerTimeout(final Duration timeout) {
        this.idleWorkerTimeout = Objects.requireNonNull(timeout, "idleWorkerTimeout");
        return this;
    }

    /**
     * The GPUs the kernel schedules and keeps device-resident objects on ({@link DeviceObject}): their resources
     * and accelerator type go to the first logical node ({@link GpuResourceProvider}). The embedder owns the handle
     * and closes it after the kernel.
     *
     * @param devices the devices, not null (default: none)
     * @return this context
     */
    public KernelContext gpus(final GpuDevices devices) {
        this.gpuDevices = Objects.requireNonNull(devices, "gpus");
        return this;
    }

    /**
     * Simulated GPUs for the kernel, e.g. "2x16GiB" (see {@link GpuDevices#simulated}): the kernel opens the handle
     * when it starts and closes it when it closes; otherwise as {@link #gpus(GpuDevices)}. A context so configured
     * starts one kernel.
     *
     * @param spec the devices, e.g. "2x16GiB", not null
     * @return this context
     */
    public KernelContext simulatedGpus(final String spec) {
        this.gpuBackend = GpuBackend.SIMULATED;
        this.gpuSpec = Objects.requireNonNull(spec, "simulatedGpus");
        return this;
    }

    /**
     * The machine's GPUs for the kernel: CUDA devices, else those {@value GpuDevices#SIMULATED_GPUS_ENV} describes,
     * else none (see {@link GpuDevices#discover}); the kernel owns the handle, as with {@link #simulatedGpus}.
     *
     * @return this context
     */
    public KernelContext discoverGpus() {
        this.gpuBackend = GpuBackend.AUTO;
        this.gpuSpec = null;
        return this;
    }

    /**
     * The conductor's clock, for its timers; tests pass a clock they advance.
     *
     * @param clock not null (default: System.nanoTime)
     * @return this context
     */
    public KernelContext nanoClock(final NanoClock clock) {
        this.nanoClock = Objects.requireNonNull(clock, "nanoClock");
        return this;
    }

    /**
     * The shared object store's capacity in bytes; 0 keeps every object on the heap (no store).
     *
     * @param bytes 0, or 64 KiB to 1 TiB (default {@value #OBJECT_STORE_BYTES_DEFAULT}, 256 MiB)
     * @return this context
     */
    public KernelContext objectStoreBytes(final long bytes) {
        this.objectStoreBytes = bytes;
        return this;
    }

    /**
     * Whether the kernel makes its shared object store resident at start (prefault): the first write to a page of a
     * fresh tmpfs segment costs more than a put's copy (0.38 to 1.6 GB/s here, against 19 GB/s into written pages).
     * A daemon thread, {@code kairos-prefault-NAME}, goes over the store twice, 64 MiB per native call: it reserves
     * the pages in /dev/shm ({@code fallocate}), then maps them ({@code madvise(MADV_POPULATE_WRITE)}, or a touch of
     * each page that keeps its bytes). Start does not wait for it, no put is blocked by it, close stops it. It costs
     * the store's whole capacity from /dev/shm at start, and a core for 0.5 to 3 s per GiB here; with less room in
     * /dev/shm than the store, it does nothing. Default: on up to {@value #OBJECT_STORE_PREFAULT_MAX_DEFAULT} bytes.
     *
     * @param prefault true: prefault the store whatever its size; false: never (pages are taken as puts write them)
     * @return this context
     */
    public KernelContext objectStorePrefault(final boolean prefault) {
        this.objectStorePrefault = prefault;
        return this;
    }

    /**
     * Values whose serialized size reaches this go to the shared store; smaller ones stay on the heap.
     *
     * @param bytes &gt;= 0 (default {@value #INLINE_THRESHOLD_DEFAULT}, 100 KiB)
     * @return this context
     */
    public KernelContext inlineThresholdBytes(final long bytes) {
        this.inlineThresholdBytes = bytes;
        return this;
    }

    /**
     * The store's name, /dev/shm/kairos-NAME (default: kernel-KEY with KEY from the data directory's path, so a
     * restart after a crash reuses the segment; without a data directory kernel-PID-N, unique in this process).
     *
     * @param name the NAME part, not null
     * @return this context
     */
    public KernelContext objectStoreName(final String name) {
        this.objectStoreName = Objects.requireNonNull(name, "objectStoreName");
        return this;
    }

    /**
     * Where the kernel keeps its durable state (the journal under {@code journal/}); a kernel started again on the
     * same directory runs again the tasks that were submitted and did not end ({@link Kernel#recovery()}). None by
     * default: nothing is journaled.
     *
     * @param directory the directory, not null
     * @return this context
     */
    public KernelContext dataDirectory(final Path directory) {
        this.dataDirectory = Objects.requireNonNull(directory, "dataDirectory");
        return this;
    }

    /**
     * The journal plugin, used when a data directory is set.
     *
     * @param provider not null (default: the first {@link JournalProvider} ServiceLoader finds, e.g. Chronicle
     *                 Queue's)
     * @return this context
     */
    public KernelContext journal(final JournalProvider provider) {
        this.journalProvider = Objects.requireNonNull(provider, "journal");
        return this;
    }

    /**
     * How the journal rolls its files and how many it keeps.
     *
     * @param options not null (default {@link JournalOptions#DEFAULT}: daily, all kept)
     * @return this context
     */
    public KernelContext journalOptions(final JournalOptions options) {
        this.journalOptions = Objects.requireNonNull(options, "journalOptions");
        return this;
    }

    /**
     * The metadata plugin for {@link Kernel#kv()} and named actors kept across restarts (default: the first
     * {@link MetadataProvider} ServiceLoader finds, e.g. LMDB's; none: no kv, named actors not kept).
     *
     * @param provider not null
     * @return this context
     */
    public KernelContext metadata(final MetadataProvider provider) {
        this.metadataProvider = Objects.requireNonNull(provider, "metadata");
        return this;
    }

    /**
     * The share of the object store this kernel's objects may take before the least recently used are spilled to
     * files.
     *
     * @param threshold more than 0, up to 1 (default 0.8)
     * @return this context
     */
    public KernelContext spillThreshold(final double threshold) {
        this.spillThreshold = threshold;
        return this;
    }

    /**
     * Where spilled objects go (default: {@code spill/} under the data directory, else a temporary directory deleted
     * at close).
     *
     * @param directory the directory, not null
     * @return this context
     */
    public KernelContext spillDirectory(final Path directory) {
        this.spillDirectory = Objects.requireNonNull(directory, "spillDirectory");
        return this;
    }

    /**
     * Runs every task and actor in worker processes (default false: in threads of this JVM; a task or actor can ask
     * with setIsolated).
     *
     * @param isolated true for worker processes
     * @return this context
     */
    public KernelContext isolated(final boolean isolated) {
        this.isolated = isolated;
        return this;
    }

    /**
     * How many worker processes to start with the kernel, ahead of demand.
     *
     * @param count 0 to 256 (default 0: started on first use)
     * @return this context
     */
    public KernelContext workerProcesses(final int count) {
        this.workerProcesses = count;
        return this;
    }

    /**
     * How many actors one worker process hosts at once; above 1, a process whose actors are all gone is reused.
     *
     * @param actors 1 (default: a process per actor, ended with it) to 1,024
     * @return this context
     */
    public KernelContext actorsPerWorkerProcess(final int actors) {
        this.actorsPerWorkerProcess = actors;
        return this;
    }

    /**
     * The class path of worker processes.
     *
     * @param classpath not null (default: this JVM's {@code java.class.path})
     * @return this context
     */
    public KernelContext workerClasspath(final String classpath) {
        this.workerClasspath = Objects.requireNonNull(classpath, "workerClasspath");
        return this;
    }

    /**
     * Extra JVM options for worker processes, e.g. "-Xmx2g".
     *
     * @param options the options, copied; not null (default: none)
     * @return this context
     */
    public KernelContext workerJvmOptions(final List<String> options) {
        this.workerJvmOptions = List.copyOf(options);
        return this;
    }

    /**
     * How Python workers ({@link Kernel#pyTask}, {@link Kernel#pyActor}) start: the interpreter, and the directories
     * they import from, before the {@code kairos} package's own and the inherited PYTHONPATH.
     *
     * @param executable the interpreter (default: $KAIROS_PYTHON, else "python3" on the PATH)
     * @param pythonPath the job's module directories, copied (default: none)
     * @return this context
     */
    public KernelContext python(final String executable, final List<Path> pythonPath) {
        this.pythonExecutable = Objects.requireNonNull(executable, "executable");
        this.pythonPath = List.copyOf(pythonPath);
        return this;
    }

    /**
     * A serializer plugin, tried before the built-in one (ServiceLoader finds others).
     *
     * @param serializer not null
     * @return this context
     */
    public KernelContext serializer(final Serializer serializer) {
        serializers.add(Objects.requireNonNull(serializer, "serializer"));
        return this;
    }

    /**
     * A listener told of every task, actor and placement-group transition (ServiceLoader finds others).
     *
     * @param listener not null
     * @return this context
     */
    public KernelContext listener(final KernelListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * A provider of node resources, asked once per node at start (ServiceLoader finds others).
     *
     * @param provider not null
     * @return this context
     */
    public KernelContext resourceProvider(final ResourceProvider provider) {
        resourceProviders.add(Objects.requireNonNull(provider, "resourceProvider"));
        return this;
    }

    /**
     * How worker threads are made.
     *
     * @param launcher not null (default: the first one ServiceLoader finds, else daemon platform threads)
     * @return this context
     */
    public KernelContext workerLauncher(final WorkerLauncher launcher) {
        this.workerLauncher = Objects.requireNonNull(launcher, "workerLauncher");
        return this;
    }

    /**
     * A scheduling policy plugin: replaces the built-in policy of its {@link SchedulingPolicy#kind()}.
     *
     * @param policy not null
     * @return this context
     */
    public KernelContext schedulingPolicy(final SchedulingPolicy policy) {
        policies.add(Objects.requireNonNull(policy, "policy"));
        return this;
    }

    /**
     * Fills defaults and validates every field once; the message names the field and its limit.
     *
     * @return this context
     * @throws IllegalArgumentException for a value out of range
     */
    public KernelContext conclude() {
        if (concluded) {
            return this;
        }
        validate();
        workerClasspath = workerClasspath != null ? workerClasspath : System.getProperty("java.class.path");
        if (objectStoreName == null) {  // stable for a data directory: a restart after a crash reuses the segment
            objectStoreName = dataDirectory != null ? SegmentNames.forDirectory(dataDirectory)
                : "kernel-" + ProcessHandle.current().pid() + "-" + STORE_SEQUENCE.incrementAndGet();
        }
        loadPlugins();
        concludeIdleStrategy();
        resolveNodes();
        concluded = true;
        return this;
    }
}
