package io.kairos.bench;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.Recovery;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Recovery time for {@value #TASKS} tasks: a kernel starts on a data directory whose journal (Chronicle) holds
 * {@value #TASKS} submitted tasks that never ended (the kernel that submitted them was closed while they waited), reads
 * the journal and submits them again. {@link #recover_10k_tasks}: until {@code Kernel.start} returns (replay and
 * resubmission); {@link #recover_and_complete_10k_tasks}: until every recovered task has completed. Each invocation
 * works on a fresh copy of the same journal.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
public class KernelRecoveryBenchmark {
    public static final int TASKS = 10_000;
    /** Closed while the journal is made (the first task holds the gate), open when it is recovered. */
    private static final CountDownLatch GATE = new CountDownLatch(1);

    static int holdGate() throws InterruptedException {
        GATE.await();
        return 0;
    }

    static int noop(final int x) {
        return x;
    }

    @State(Scope.Benchmark)
    public static class Journal {
        Path template;
        Path directory;
        Kernel kernel;

        @Setup(Level.Trial)
        public void makeJournal() throws IOException {
            template = Files.createTempDirectory("kairos-bench-recovery-");
            try (Kernel first = Kernel.start(new KernelContext().cpus(2).resource("gate", 1)
                .dataDirectory(template).closeTimeout(Duration.ofMillis(100)))) {
                first.task(KernelRecoveryBenchmark::holdGate).setResource("gate", 1.0).remote();
                for (int i = 1; i < TASKS; i++) {
                    first.task(KernelRecoveryBenchmark::noop, i).setResource("gate", 1.0).remote();
                }
                first.syncJournal(Duration.ofSeconds(60));
            }  // closed while they wait for the gate: none ended
            GATE.countDown();  // recovered, the first task returns at once
        }

        @Setup(Level.Invocation)
        public void copy() throws IOException {
            directory = Files.createTempDirectory("kairos-bench-recovery-run-");
            try (Stream<Path> paths = Files.walk(template)) {
                for (final Path source : paths.toList()) {
                    final Path target = directory.resolve(template.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else if (!source.getFileName().toString().endsWith(".lock")) {
                        Files.copy(source, target);
                    }
                }
            }
        }

        Kernel start() {
            kernel = Kernel.start(new KernelContext().cpus(2).resource("gate", TASKS).dataDirectory(directory)
                .closeTimeout(Duration.ofMillis(100)));
            return kernel;
        }

        @TearDown(Level.Invocation)
        public void close() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.deleteTree(directory);
        }

        @TearDown(Level.Trial)
        public void deleteTemplate() {
            KernelBench.deleteTree(template);
        }
    }

    /** Kernel.start on the journal: replay and resubmission of {@value #TASKS} tasks. */
    @Benchmark
    public Recovery recover_10k_tasks(final Journal j) {
        final Recovery recovery = j.start().recovery();
        if (recovery.tasks().size() != TASKS || !recovery.unrecoverable().isEmpty()) {
            throw new IllegalStateException("recovered " + recovery);
        }
        return recovery;
    }

    /** Kernel.start on the journal, then every recovered task completes. */
    @Benchmark
    public int recover_and_complete_10k_tasks(final Journal j) {
        int done = 0;
        for (final Map.Entry<Long, ObjectRef<?>> entry : j.start().recovery().tasks().entrySet()) {
            entry.getValue().get(Duration.ofSeconds(60));
            done++;
        }
        return done;
    }
}
