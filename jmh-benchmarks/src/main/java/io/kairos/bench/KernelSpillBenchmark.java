package io.kairos.bench;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.SpillStats;
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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Object spilling against a raw file write and read of the same bytes, in the same run: each operation puts
 * {@value #OBJECTS} objects of 8 MiB (256 MiB) into a kernel whose object store holds 64 MiB, so about 200 MiB go to
 * spill files, then gets every one back (restoring the spilled ones from their files). The peer writes the same 256
 * MiB to a file in 8 MiB writes and reads them back. Time per operation; GB/s = 0.268 / (s/op). The spill and restore
 * rates of the kernel alone ({@link SpillStats}) are printed at the end of each trial.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS, "-Xmx2g"})
public class KernelSpillBenchmark {
    public static final int OBJECTS = 32;
    public static final int OBJECT_BYTES = 8 << 20;

    @State(Scope.Benchmark)
    public static class Spilling {
        Path directory;
        Kernel kernel;
        final byte[][] values = new byte[OBJECTS][];
        final ObjectRef<?>[] refs = new ObjectRef<?>[OBJECTS];

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            directory = Files.createTempDirectory("kairos-bench-spill-");
            kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20).spillDirectory(directory)
                .objectStorePrefault(true));
            KernelBench.awaitStorePrefault(kernel);  // no first-touch page faults in what is measured
            for (int i = 0; i < OBJECTS; i++) {
                values[i] = new byte[OBJECT_BYTES];
                ThreadLocalRandom.current().nextBytes(values[i]);
            }
        }

        @TearDown(Level.Invocation)
        public void free() {
            java.util.Arrays.fill(refs, null);
            System.gc();  // the objects go when their refs are unreachable: free them before the next operation
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            final SpillStats stats = kernel.spillStats();
            System.out.printf("%n# spill %.2f GB/s (%d MiB), restore %.2f GB/s (%d MiB)%n",
                stats.spillBytesPerSecond() / 1e9, stats.spilledBytes() >> 20, stats.restoreBytesPerSecond() / 1e9,
                stats.restoredBytes() >> 20);
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.checkNoKernelThreads();
            KernelBench.deleteTree(directory);
        }
    }

    @State(Scope.Benchmark)
    public static class RawFile {
        Path file;
        final ByteBuffer[] buffers = new ByteBuffer[OBJECTS];

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            file = Files.createTempFile("kairos-bench-raw-", ".bin");
            for (int i = 0; i < OBJECTS; i++) {
                buffers[i] = ByteBuffer.allocateDirect(OBJECT_BYTES);
                final byte[] bytes = new byte[OBJECT_BYTES];
                ThreadLocalRandom.current().nextBytes(bytes);
                buffers[i].put(bytes).flip();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            Files.deleteIfExists(file);
        }
    }

    /** Put 256 MiB into a 64 MiB store (most of it spills), then get it all back. */
    @Benchmark
    public long spill_and_restore_256MiB(final Spilling s) {
        for (int i = 0; i < OBJECTS; i++) {
            s.refs[i] = s.kernel.put(s.values[i]);
        }
        long sum = 0;
        for (int i = 0; i < OBJECTS; i++) {
            sum += ((byte[]) s.refs[i].get()).length;
        }
        return sum;
    }

    /** Peer: write the same 256 MiB to a new file (8 MiB writes) and read it back. */
    @Benchmark
    public long raw_file_write_and_read_256MiB(final RawFile r) throws IOException {
        long sum = 0;
        try (FileChannel channel = FileChannel.open(r.file, StandardOpenOption.WRITE, StandardOpenOption.READ,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            for (final ByteBuffer buffer : r.buffers) {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            long position = 0;
            for (final ByteBuffer buffer : r.buffers) {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    final int n = channel.read(buffer, position);
                    position += n;
                    sum += n;
                }
            }
        }
        return sum;
    }
}
