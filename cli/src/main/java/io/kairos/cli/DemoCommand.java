package io.kairos.cli;

import io.kairos.ActorHandle;
import io.kairos.DeviceObject;
import io.kairos.GpuResourceProvider;
import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.PlacementGroup;
import io.kairos.TaskContext;
import io.kairos.gpu.DeviceBuffer;
import io.kairos.spi.scheduling.PlacementStrategy;
import io.kairos.spi.scheduling.SchedulingStrategy;
import io.kairos.store.StoreStats;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code kairos demo}: a realistic workload on the embedded default kernel — a DAG of dependent tasks (a map over
 * leaves and a pairwise-sum reduction tree), an actor pipeline, large objects through the shared store, a
 * placement group over two logical nodes, and device-resident objects on two simulated GPUs — with a progress line, then a summary: tasks/s, p50/p99 latency
 * (HdrHistogram) and store use.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Runs a realistic workload on the embedded kernel and prints a summary.")
public final class DemoCommand implements Callable<Integer> {
    static final AtomicLong COMPLETED = new AtomicLong();

    @Option(names = "--leaves", defaultValue = "65536",
        description = "Leaf tasks of the DAG (a power of two; the reduction adds leaves-1 more). Default: ${DEFAULT-VALUE}.")
    int leaves;

    @Option(names = "--pipeline-items", defaultValue = "20000", description = "Items through the actor pipeline.")
    int pipelineItems;

    @Option(names = "--large-objects", defaultValue = "64", description = "4 MiB objects through the shared store.")
    int largeObjects;

    @Option(names = "--latency-samples", defaultValue = "20000", description = "Synchronous round trips timed.")
    int latencySamples;

    @Option(names = "--device-objects", defaultValue = "32",
        description = "16 MiB device-resident objects made on simulated GPUs and consumed on devices and host.")
    int deviceObjects;

    @Option(names = "--ray", description = "Instead: run an unmodified Ray Java program (Ray's \"Getting Started\", "
        + "io.kairos.ray.example.RayQuickStart, which imports only io.ray.api) on Kairos through kairos-ray-api, "
        + "and print its results.")
    boolean ray;

    private final PrintStream out = System.out;
    private final PrintStream progress = System.err;

    // ---- the workload's functions: static, so that method references are serializable and cheap ----

    static long leaf(final long i) {
        COMPLETED.incrementAndGet();
        return i * i % 1_000_003;
    }

    static long sum(final long a, final long b) {
        COMPLETED.incrementAndGet();
        return a + b;
    }

    static long noop(final long x) {
        return x;
    }

    static byte[] makeBlob(final int size, final int seed) {
        final byte[] blob = new byte[size];
        for (int i = 0; i < size; i += 64) {
            blob[i] = (byte) (seed + i);
        }
        return blob;
    }

    static long blobChecksum(final byte[] blob) {
        long sum = 0;
        for (int i = 0; i < blob.length; i += 64) {
            sum += blob[i];
        }
        return sum;
    }

    static DeviceObject makeOnDevice(final int seed) {
        final DeviceBuffer buffer = DeviceObject.allocate(16L << 20);
        buffer.fill(seed & 0x7f);
        return DeviceObject.of(buffer);
    }

    /** The first byte as a consumer on a GPU sees it, plus 1000 x the device it read it on. */
    static long onDevice(final DeviceObject x) {
        final DeviceBuffer local = x.local();
        return local.device() * 1000L + local.read(0, 1)[0];
    }

    static long onHost(final DeviceObject x) {
        return x.host().get((16 << 20) - 1);
    }

    static String whereAmI(final int bundle) {
        return "bundle " + bundle + " on " + TaskContext.current().nodeId();
    }

    /** Ray's node size (system properties, as Ray reads them) unless the user gave one; the program's own main. */
    private int rayProgram() {
        final String cpus = "ray.head-args.0";
        final String store = "ray.head-args.1";
        final boolean defaults = System.getProperty(cpus) == null && System.getProperty(store) == null;
        if (defaults) {
            System.setProperty(cpus, "--num-cpus=4");
            System.setProperty(store, "--object-store-memory=67108864");
        }
        progress.println("kairos demo --ray: " + io.kairos.ray.example.RayQuickStart.class.getName() + " (imports only "
            + "io.ray.api) on Ray's Java API through kairos-ray-api, an embedded kernel; its output:");
        try {
            io.kairos.ray.example.RayQuickStart.main(new String[0]);
        } finally {
            if (defaults) {
                System.clearProperty(cpus);
                System.clearProperty(store);
            }
        }
        return 0;
    }

    /** A pipeline stage: stateful, one call at a time, in order. */
    public static final class Stage {
        private final long factor;
        private long processed;

        public Stage(final long factor) {
            this.factor = factor;
        }

        public long process(final long value) {
            processed++;
            return value * factor + 1;
        }

        public long processed() {
            return processed;
        }
    }

    @Override
    public Integer call() {
        if (ray) {
            return rayProgram();
        }
        if (Integer.bitCount(leaves) != 1) {
            throw new IllegalArgumentException("--leaves " + leaves + " must be a power of two");
        }
        final long started = System.nanoTime();
        final KernelContext context = new KernelContext()
            .node("node-a", Map.of("CPU", 2.0), Map.of("zone", "a"))
            .node("node-b", Map.of("CPU", 2.0, "GPU", 1.0), Map.of("zone", "b"))
            .simulatedGpus("2x8GiB")  // node-a's GPUs: device objects live there
            .objectStoreBytes(512L << 20);
        final List<String> summary = new ArrayList<>();
        try (Kernel kernel = Kernel.start(context)) {
            summary.add(placementGroup(kernel));
            summary.add(deviceObjects(kernel));
            summary.add(dag(kernel));
            summary.add(pipeline(kernel));
            summary.add(largeObjects(kernel));
            summary.add(latency(kernel));
            final StoreStats store = kernel.objectStoreStats();
            summary.add(String.format(Locale.ROOT, "%-22s %s: %d objects now, %.1f MiB used of %.0f MiB, %d evictions",
                "object store", kernel.objectStoreName(), store.objects(), store.bytesUsed() / 1048576.0,
                store.capacity() / 1048576.0, store.evictions()));
        }
        progress.print("\r" + " ".repeat(78) + "\r");
        out.println();
        out.println("Kairos demo: 2 logical nodes x 2 CPUs (node-a with 2 simulated GPUs, node-b with 1 GPU), JDK " + Runtime.version() + ", "
            + Runtime.getRuntime().availableProcessors() + " CPUs");
        out.println();
        summary.forEach(out::println);
        out.printf(Locale.ROOT, "%ntotal %.1f s%n", (System.nanoTime() - started) / 1e9);
        return 0;
    }

    private String placementGroup(final Kernel kernel) {
        final PlacementGroup group = kernel.createPlacementGroup(
            List.of(Map.of("CPU", 1.0, "GPU", 0.5), Map.of("CPU", 1.0, "GPU", 0.5)), PlacementStrategy.STRICT_SPREAD);
        if (!group.ready(Duration.ofSeconds(30))) {
            throw new IllegalStateException("the placement group was not ready in 30 s");
        }
        final String a = kernel.task(DemoCommand::whereAmI, 0).setResource("GPU", 0.5).setPlacementGroup(group, 0)
            .remote().get();
        final String b = kernel.task(DemoCommand::whereAmI, 1).setResource("GPU", 0.5).setPlacementGroup(group, 1)
            .remote().get();
        kernel.removePlacementGroup(group);
        return String.format(Locale.ROOT, "%-22s STRICT_SPREAD of 2 bundles: %s, %s", "placement group", a, b);
    }

    private String deviceObjects(final Kernel kernel) {
        final SchedulingStrategy onSimulatedGpus = SchedulingStrategy.nodeLabels(
            Map.of(GpuResourceProvider.ACCELERATOR_TYPE, "SIMULATED"), Map.of());
        // an actor holding half of device 0 all along: producers (0.75 GPU) then land on device 1, and consumers
        // read in place (0.75, device 1) or after a device-to-device copy (0.5, device 0's half)
        final ActorHandle<Stage> resident = kernel.actor(Stage::new, 1L).setResource("GPU", 0.5)
            .setSchedulingStrategy(onSimulatedGpus).remote();
        resident.task(Stage::process, 0L).remote().get();
        final long start = System.nanoTime();
        long checks = 0;
        final List<DeviceObject> made = new ArrayList<>();
        for (int i = 0; i < deviceObjects; i++) {
            final ObjectRef<DeviceObject> x = kernel.task(DemoCommand::makeOnDevice, i).setResource("GPU", 0.75)
                .setResource(GpuResourceProvider.GPU_MEMORY, (double) (16 << 20))
                .setSchedulingStrategy(onSimulatedGpus).remote();
            final ObjectRef<Long> gpu = kernel.task(DemoCommand::onDevice, x).setResource("GPU", i % 2 == 0 ? 0.75 : 0.5)
                .setSchedulingStrategy(onSimulatedGpus).remote();
            final ObjectRef<Long> host = kernel.task(DemoCommand::onHost, x).remote();
            if (gpu.get() % 1000 != (i & 0x7f) || host.get() != (i & 0x7f)) {
                throw new IllegalStateException("device object " + i + " read back wrong");
            }
            made.add(x.get());
            checks += 2;
            showProgress("device objects", i, deviceObjects, start);
        }
        kernel.kill(resident, true);
        final double seconds = (System.nanoTime() - start) / 1e9;
        final long d2d = made.stream().mapToLong(DeviceObject::deviceCopies).sum();
        final long toHost = made.stream().mapToLong(DeviceObject::hostCopies).sum();
        return String.format(Locale.ROOT, "%-22s %d x 16 MiB on 2 simulated GPUs, %d reads in %.2f s: %d on the same "
            + "device (no copy), %d device-to-device copies, %d host copies", "device objects", deviceObjects, checks,
            seconds, deviceObjects - d2d, d2d, toHost);
    }

    private String dag(final Kernel kernel) {
        final int total = 2 * leaves - 1;
        COMPLETED.set(0);
        final long start = System.nanoTime();
        List<ObjectRef<Long>> level = new ArrayList<>(leaves);
        long expected = 0;
        for (int i = 0; i < leaves; i++) {
            level.add(kernel.task(DemoCommand::leaf, (long) i).remote());
            expected += (long) i * i % 1_000_003;
        }
        while (level.size() > 1) {
            final List<ObjectRef<Long>> next = new ArrayList<>(level.size() / 2);
            for (int i = 0; i < level.size(); i += 2) {
                next.add(kernel.task(DemoCommand::sum, level.get(i), level.get(i + 1)).remote());
            }
            level = next;
            showProgress("DAG", COMPLETED.get(), total, start);
        }
        final ObjectRef<Long> root = level.get(0);
        while (!root.isReady()) {
            showProgress("DAG", COMPLETED.get(), total, start);
            kernel.wait(List.of(root), 1, Duration.ofMillis(200));
        }
        final long result = root.get();
        final double seconds = (System.nanoTime() - start) / 1e9;
        if (result != expected) {
            throw new IllegalStateException("the DAG summed to " + result + ", expected " + expected);
        }
        return String.format(Locale.ROOT, "%-22s %,d tasks (%,d leaves + reduction tree) in %.2f s: %,.0f tasks/s, result checked",
            "task DAG", total, leaves, seconds, total / seconds);
    }

    private String pipeline(final Kernel kernel) {
        final ActorHandle<Stage> first = kernel.actor(Stage::new, 2L).setName("stage-1").remote();
        final ActorHandle<Stage> second = kernel.actor(Stage::new, 3L).setName("stage-2").remote();
        final ActorHandle<Stage> third = kernel.actor(Stage::new, 5L).setName("stage-3").remote();
        final long start = System.nanoTime();
        final List<ObjectRef<Long>> outputs = new ArrayList<>(pipelineItems);
        for (int i = 0; i < pipelineItems; i++) {
            final ObjectRef<Long> a = first.task(Stage::process, (long) i).remote();
            final ObjectRef<Long> b = second.task(Stage::process, a).remote();
            outputs.add(third.task(Stage::process, b).remote());
            if ((i & 1023) == 0) {
                showProgress("actor pipeline", i, pipelineItems, start);
            }
        }
        long checksum = 0;
        for (final ObjectRef<Long> ref : outputs) {
            checksum += ref.get();
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final long processed = third.task(Stage::processed).remote().get();
        long expected = 0;
        for (long i = 0; i < pipelineItems; i++) {
            expected += ((i * 2 + 1) * 3 + 1) * 5 + 1;
        }
        if (checksum != expected || processed != pipelineItems) {
            throw new IllegalStateException("pipeline checksum " + checksum + ", expected " + expected);
        }
        return String.format(Locale.ROOT, "%-22s 3 actors x %,d items (%,d calls) in %.2f s: %,.0f calls/s, in order",
            "actor pipeline", pipelineItems, 3L * pipelineItems, seconds, 3L * pipelineItems / seconds);
    }

    private String largeObjects(final Kernel kernel) {
        final int size = 4 << 20;
        final long start = System.nanoTime();
        final List<ObjectRef<Long>> sums = new ArrayList<>();
        for (int i = 0; i < largeObjects; i++) {
            final ObjectRef<byte[]> blob = kernel.task(DemoCommand::makeBlob, size, i).remote();
            sums.add(kernel.task(DemoCommand::blobChecksum, blob).remote());
            showProgress("large objects", i, largeObjects, start);
        }
        kernel.get(sums);
        final double seconds = (System.nanoTime() - start) / 1e9;
        final double gib = (double) largeObjects * size / (1L << 30);
        return String.format(Locale.ROOT, "%-22s %d x 4 MiB results via the shared store in %.2f s (%.2f GiB/s produced and consumed)",
            "large objects", largeObjects, seconds, gib / seconds);
    }

    private String latency(final Kernel kernel) {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (int i = 0; i < 2_000; i++) {
            kernel.task(DemoCommand::noop, (long) i).remote().get();  // warm-up
        }
        final long start = System.nanoTime();
        for (int i = 0; i < latencySamples; i++) {
            final long t0 = System.nanoTime();
            kernel.task(DemoCommand::noop, (long) i).remote().get();
            histogram.recordValue(System.nanoTime() - t0);
            if ((i & 1023) == 0) {
                showProgress("latency", i, latencySamples, start);
            }
        }
        return String.format(Locale.ROOT, "%-22s submit+get of a no-op task, %,d samples: p50 %.1f us, p99 %.1f us, max %.1f us",
            "task latency", latencySamples, histogram.getValueAtPercentile(50) / 1e3,
            histogram.getValueAtPercentile(99) / 1e3, histogram.getMaxValue() / 1e3);
    }

    private void showProgress(final String phase, final long done, final long total, final long startNanos) {
        final double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        progress.printf(Locale.ROOT, "\r%-16s %,10d / %,d  (%,.0f/s)   ", phase, done, total, done / seconds);
    }
}
