package io.kairos;

import io.kairos.exception.ActorDiedException;
import io.kairos.exception.KernelClosedException;
import io.kairos.exception.UnschedulableException;
import io.kairos.function.KFunc1;
import io.kairos.gpu.GpuException;
import io.kairos.spi.journal.JournalException;
import io.kairos.spi.metadata.MetadataException;
import io.kairos.spi.scheduling.PlacementStrategy;
import io.kairos.store.ObjectId;
import io.kairos.store.ObjectNotFoundException;
import io.kairos.store.SegmentLayout;
import io.kairos.store.SharedObjectStore;
import io.kairos.store.StoreException;
import io.kairos.store.StoreInvalidArgumentException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input table of the README ("Bad input"), one row per case: the case's id (B01...) starts the name of the
 * test (or of the parameterized row) that proves it. Each checks the exception's type and that its message names the
 * field and the limit, then that the kernel still works and lost nothing: a task submitted before the bad call returns
 * right, objects put before (inline and in the shared store) read back equal, an actor made before still answers,
 * and a task submitted after runs. Rows proved by tests elsewhere are listed in the README with those tests.
 */
@Timeout(60)
class BadInputTableTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final byte[] LARGE = new byte[64 << 10];

    static {
        new SplittableRandom(16).nextBytes(LARGE);
    }

    @TempDir
    Path dir;

    private Kernel kernel;
    private Kernel other;
    private ObjectRef<Integer> taskBefore;
    private ObjectRef<Integer> smallBefore;
    private ObjectRef<byte[]> largeBefore;
    private ActorHandle<ActorTest.Counter> actorBefore;

    static int twice(final int x) {
        return 2 * x;
    }

    @BeforeEach
    void start() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(1 << 20).inlineThresholdBytes(1024));
        taskBefore = kernel.task(BadInputTableTest::twice, 21).remote();
        smallBefore = kernel.put(41);
        largeBefore = kernel.put(LARGE.clone());
        actorBefore = kernel.actor(ActorTest.Counter::new, 100).remote();
    }

    @AfterEach
    void close() {
        if (other != null) {
            other.close();
        }
        kernel.close();
        final String pid = "-" + ProcessHandle.current().pid() + "-";
        assertTrue(ShmSegments.list().stream().noneMatch(s -> s.contains(pid)),
            "a kernel of this test left its segment in /dev/shm: " + ShmSegments.list());
    }

    /** The kernel still works and lost nothing: what was submitted and put before the bad call is all there. */
    private void assertKernelWorksAndLostNothing() {
        assertEquals(42, taskBefore.get(WAIT), "the task submitted before");
        assertEquals(41, smallBefore.get(WAIT), "the inline object put before");
        assertTrue(largeBefore.isStored(), "the large object lives in the shared store");
        assertArrayEquals(LARGE, largeBefore.get(WAIT), "the stored object put before");
        assertEquals(101, actorBefore.task(ActorTest.Counter::add, 1).remote().get(WAIT), "the actor made before");
        assertEquals(14, kernel.task(BadInputTableTest::twice, 7).remote().get(WAIT), "a task submitted after");
    }

    /** Asserts the type, and that the message holds every excerpt (the field and the limit); returns it. */
    private static <T extends Throwable> T expect(final Class<T> type, final org.junit.jupiter.api.function.Executable call,
                                                  final String... excerpts) {
        final T e = assertThrows(type, call);
        for (final String excerpt : excerpts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(excerpt),
                "message lacks '" + excerpt + "': " + e.getMessage());
        }
        return e;
    }

    /** A row of the table: the call made with the kernel, the exception it must raise, and excerpts of its message. */
    @FunctionalInterface
    interface BadCall {
        void call(Kernel kernel) throws Exception;
    }

    private static Arguments row(final String id, final Class<? extends Throwable> type, final BadCall call,
                                 final String... excerpts) {
        return Arguments.of(id, type, call, excerpts);
    }

    /** Rows that need only a running kernel: options, resources, sizes, names, ids; the bad call is all they do. */
    static Stream<Arguments> rows() {
        final Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        return Stream.of(
            // resources
            row("B01 task resource NaN", iae, k -> k.task(BadInputTableTest::twice, 1).setResource("CPU", Double.NaN),
                "resource 'CPU'", "NaN", "must be finite and >= 0"),
            row("B02 task resource +infinity", iae, k -> k.task(BadInputTableTest::twice, 1)
                .setResource("CPU", Double.POSITIVE_INFINITY), "resource 'CPU'", "Infinity", "must be finite and >= 0"),
            row("B03 task resource beyond the fixed-point range", iae, k -> k.task(BadInputTableTest::twice, 1)
                .setResource("CPU", 1e300).remote(), "resource 'CPU'", "is outside 0..70368744177664"),
            row("B04 task resource below the smallest unit", iae, k -> k.task(BadInputTableTest::twice, 1)
                .setResource("CPU", 1e-9).remote(), "resource 'CPU'", "below the smallest unit 0.0001"),
            row("B05 fractional GPU above 1", iae, k -> k.task(BadInputTableTest::twice, 1).setResource("GPU", 1.5)
                .remote(), "GPU 1.5", "amounts above 1 must be whole numbers"),
            row("B06 resource name null", iae, k -> k.task(BadInputTableTest::twice, 1).setResource(null, 1.0),
                "resource name is null"),
            row("B07 resource name empty", iae, k -> k.task(BadInputTableTest::twice, 1).setResource("", 1.0).remote(),
                "unknown resource ''", "known: CPU"),
            row("B08 actor resource NaN", iae, k -> k.actor(ActorTest.Counter::new, 1).setResource("CPU", Double.NaN),
                "resource 'CPU'", "must be finite and >= 0"),
            row("B09 actor resource unknown", iae, k -> k.actor(ActorTest.Counter::new, 1).setResource("TPU", 1.0)
                .remote(), "unknown resource 'TPU'", "known: CPU"),
            row("B10 actor larger than any node", UnschedulableException.class, k -> k.actor(ActorTest.Counter::new, 1)
                .setResource("CPU", 5.0).remote(), "no node can ever provide CPU: 5.0 requested, the largest node has 2.0"),
            // options out of range
            row("B11 task maxRetries -1", iae, k -> k.task(BadInputTableTest::twice, 1).setMaxRetries(-1),
                "maxRetries -1 must be >= 0"),
            row("B12 actor maxConcurrency 0", iae, k -> k.actor(ActorTest.Counter::new, 1).setMaxConcurrency(0),
                "maxConcurrency 0 is outside 1..1024"),
            row("B13 actor maxConcurrency 2000", iae, k -> k.actor(ActorTest.Counter::new, 1).setMaxConcurrency(2000),
                "maxConcurrency 2000 is outside 1..1024"),
            row("B14 actor maxPendingCalls 0", iae, k -> k.actor(ActorTest.Counter::new, 1).setMaxPendingCalls(0),
                "maxPendingCalls 0 must be -1 (no limit) or >= 1"),
            row("B15 actor maxRestarts -1", iae, k -> k.actor(ActorTest.Counter::new, 1).setMaxRestarts(-1),
                "maxRestarts -1 must be >= 0"),
            row("B16 actor maxTaskRetries -2", iae, k -> k.actor(ActorTest.Counter::new, 1).setMaxTaskRetries(-2),
                "maxTaskRetries -2 must be -1 (no limit) or >= 0"),
            row("B17 concurrency group maxConcurrency 0", iae, k -> k.actor(ActorTest.Counter::new, 1)
                .setConcurrencyGroup("io", 0), "concurrency group 'io'", "maxConcurrency 0 is outside 1..1024"),
            row("B18 get timeout negative", iae, k -> k.put(1).get(Duration.ofSeconds(-1)), "timeout PT-1S is negative"),
            row("B19 get timeout null", iae, k -> k.put(1).get(null), "timeout is null"),
            row("B20 wait numReturns -1", iae, k -> k.wait(List.of(k.put(1)), -1, WAIT), "numReturns -1 is outside 0..1"),
            row("B21 wait timeout negative", iae, k -> k.wait(List.of(k.put(1)), 1, Duration.ofMillis(-5)),
                "timeout PT-0.005S is negative"),
            row("B22 placement group ready timeout negative", iae, k -> k.createPlacementGroup(
                List.of(Map.of("CPU", 0.1)), PlacementStrategy.PACK).ready(Duration.ofSeconds(-1)),
                "timeout PT-1S is negative"),
            // names
            row("B23 actor name empty", iae, k -> k.actor(ActorTest.Counter::new, 1).setName(""),
                "actor name must be non-blank, was ''"),
            row("B24 concurrency group declared twice", iae, k -> k.actor(ActorTest.Counter::new, 1)
                .setConcurrencyGroup("io", 1).setConcurrencyGroup("io", 2), "concurrency group 'io' is declared twice"),
            row("B25 concurrency group name blank", iae, k -> k.actor(ActorTest.Counter::new, 1)
                .setConcurrencyGroup(" ", 1), "concurrency group name must be non-blank"),
            row("B26 placement group name empty", iae, k -> k.createPlacementGroup("", List.of(Map.of("CPU", 1.0)),
                PlacementStrategy.PACK), "placement group name must be non-blank", "was ''"),
            // placement groups
            row("B27 placement group with an empty bundle", iae, k -> k.createPlacementGroup(List.of(Map.of()),
                PlacementStrategy.PACK), "bundle 0 asks for nothing"),
            row("B28 placement group bundle NaN", iae, k -> k.createPlacementGroup(List.of(Map.of("CPU", 1.0),
                Map.of("CPU", Double.NaN)), PlacementStrategy.PACK), "bundle 1: resource 'CPU' amount NaN",
                "is outside 0..70368744177664"),
            row("B29 placement group of 5000 bundles", iae, k -> k.createPlacementGroup(
                Collections.nCopies(5000, Map.of("CPU", 0.001)), PlacementStrategy.SPREAD),
                "bundles holds 5000 bundles; the limit is 4096"),
            row("B30 placement group bundle larger than any node", UnschedulableException.class,
                k -> k.createPlacementGroup(List.of(Map.of("CPU", 64.0)), PlacementStrategy.PACK).ready(WAIT),
                "bundle 0", "no node can ever provide CPU: 64.0 requested, the largest node has 2.0"),
            row("B31 placement group bundleIndex -2", iae, k -> k.task(BadInputTableTest::twice, 1).setPlacementGroup(
                k.createPlacementGroup(List.of(Map.of("CPU", 0.1)), PlacementStrategy.PACK), -2),
                "bundleIndex -2 is outside -1..0"),
            row("B32 placement group null", iae, k -> k.task(BadInputTableTest::twice, 1).setPlacementGroup(null, 0),
                "placement group is null"),
            // ids and refs
            row("B33 get with a null ref in the list", iae, k -> k.get(Arrays.asList(k.put(1), null)), "refs[1] is null"),
            row("B34 cancel a null ref", iae, k -> k.cancel(null, false), "ref is null"),
            row("B35 object id from too few bytes", StoreInvalidArgumentException.class,
                k -> ObjectId.fromBytes(new byte[20], 8), "bytes must hold 16 bytes from offset 8"),
            row("B36 unknown concurrency group in a call", iae, k -> k.actor(ActorTest.Counter::new, 1).remote()
                .task(ActorTest.Counter::add, 1).setConcurrencyGroup("nope").remote(), "no concurrency group 'nope'"),
            row("B37 null function", iae, k -> k.task((KFunc1<Integer, Integer>) null, 1), "function is null"),
            row("B38 kill a null handle", iae, k -> k.kill(null, true), "handle is null"),
            // calls the kernel's set-up does not allow
            row("B39 getActor with a null name", iae, k -> k.getActor(null), "name is null"),
            row("B40 invoker() of a DEDICATED kernel", IllegalStateException.class, Kernel::invoker,
                "invoker() is for ThreadingMode.INVOKER", "DEDICATED"),
            row("B41 syncJournal without a journal", IllegalStateException.class, k -> k.syncJournal(WAIT),
                "the kernel has no journal", "set KernelContext.dataDirectory"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void aBadCallIsRefusedNamingTheFieldAndTheLimit(final String id, final Class<? extends Throwable> type,
                                                    final BadCall call, final String[] excerpts) {
        expect(type, () -> call.call(kernel), excerpts);
        assertKernelWorksAndLostNothing();
    }

    /** Kernel settings: each refused when the kernel starts, naming the field and its limit. */
    static Stream<Arguments> settings() {
        return Stream.of(
            Arguments.of("B42 cpus NaN", new KernelContext().cpus(Double.NaN), "cpus NaN must be finite and >= 0"),
            Arguments.of("B43 cpus +infinity", new KernelContext().cpus(Double.POSITIVE_INFINITY),
                "cpus Infinity must be finite and >= 0"),
            Arguments.of("B44 gpus -1", new KernelContext().gpus(-1), "gpus -1 must be >= 0"),
            Arguments.of("B45 memoryBytes -1", new KernelContext().memoryBytes(-1), "memoryBytes -1 must be >= 0"),
            Arguments.of("B46 custom resource NaN", new KernelContext().cpus(1).resource("disk", Double.NaN),
                "resource 'disk' amount NaN is outside 0..70368744177664"),
            Arguments.of("B47 custom resource with an empty name", new KernelContext().cpus(1).resource("", 1),
                "resource name must be non-empty"),
            Arguments.of("B48 objectStoreBytes -1", new KernelContext().objectStoreBytes(-1),
                "objectStoreBytes -1 must be 0 (no store) or 65536..1099511627776"),
            Arguments.of("B49 objectStoreBytes 1 PiB", new KernelContext().objectStoreBytes(1L << 50),
                "objectStoreBytes 1125899906842624 must be 0 (no store) or 65536..1099511627776"),
            Arguments.of("B50 inlineThresholdBytes -1", new KernelContext().inlineThresholdBytes(-1),
                "inlineThresholdBytes -1 must be >= 0"),
            Arguments.of("B51 commandQueueCapacity 3", new KernelContext().commandQueueCapacity(3),
                "commandQueueCapacity 3 must be a power of two >= 1024"),
            Arguments.of("B52 maxWorkersPerNode 0", new KernelContext().maxWorkersPerNode(0),
                "maxWorkersPerNode 0 is outside 1..32768"),
            Arguments.of("B53 spreadThreshold NaN", new KernelContext().spreadThreshold(Double.NaN),
                "spreadThreshold NaN is outside 0..1"),
            Arguments.of("B54 closeTimeout negative", new KernelContext().closeTimeout(Duration.ofSeconds(-1)),
                "closeTimeout PT-1S is negative"),
            Arguments.of("B55 spillThreshold 0", new KernelContext().spillThreshold(0),
                "spillThreshold 0.0 is outside (0, 1]"),
            Arguments.of("B56 workerProcesses 300", new KernelContext().workerProcesses(300),
                "workerProcesses 300 is outside 0..256"),
            Arguments.of("B57 node id used twice", new KernelContext().node("n", Map.of("CPU", 1.0), Map.of())
                .node("n", Map.of("CPU", 1.0), Map.of()), "node id 'n' is used twice"),
            Arguments.of("B58 node id empty", new KernelContext().node("", Map.of("CPU", 1.0), Map.of()),
                "node id must be non-empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void aBadSettingStopsTheStartNamingTheFieldAndTheLimit(final String id, final KernelContext context,
                                                           final String excerpt) {
        expect(IllegalArgumentException.class, () -> Kernel.start(context).close(), excerpt);
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b59_aSimulatedGpuSpecThatIsNotOneIsNamedWithAnExample() {
        expect(GpuException.class, () -> Kernel.start(new KernelContext().cpus(1).simulatedGpus("garbage")).close(),
            "simulated spec 'garbage'", "expected a number", "(e.g. 2x16GiB)");
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b60_aStoreNameWithASlashIsRefusedNamingTheAllowedCharacters() {
        expect(StoreInvalidArgumentException.class, () -> Kernel.start(new KernelContext().cpus(1)
            .objectStoreBytes(1 << 20).objectStoreName("a/b")).close(), "name has '/' at 1", "allowed: [A-Za-z0-9._-]");
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b61_aStoreNameTooLongIsRefusedNamingTheLimit() {
        expect(StoreInvalidArgumentException.class, () -> Kernel.start(new KernelContext().cpus(1)
            .objectStoreBytes(1 << 20).objectStoreName("x".repeat(201))).close(), "name length 201 is outside 1..200");
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b62_aStoreNameALiveKernelOwnsIsRefused() {
        expect(StoreException.class, () -> Kernel.start(new KernelContext().cpus(1).objectStoreBytes(1 << 20)
            .objectStoreName(kernel.objectStoreName())).close(),
            "store '" + kernel.objectStoreName() + "' exists and its owner process is alive");
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b63_anObjectRefOfAnotherKernelIsRefusedByGetAndCancel() {
        other = Kernel.start(new KernelContext().cpus(1));
        final ObjectRef<Integer> foreign = other.put(5);
        expect(IllegalArgumentException.class, () -> kernel.get(List.of(foreign)), "refs[0] belongs to another kernel");
        expect(IllegalArgumentException.class, () -> kernel.cancel(foreign, true), "ref belongs to another kernel");
        assertEquals(5, foreign.get(WAIT), "the other kernel's object is untouched");
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b64_aPlacementGroupOfAnotherKernelIsRefusedByRemove() {
        other = Kernel.start(new KernelContext().cpus(1));
        final PlacementGroup foreign = other.createPlacementGroup(List.of(Map.of("CPU", 1.0)), PlacementStrategy.PACK);
        expect(IllegalArgumentException.class, () -> kernel.removePlacementGroup(foreign),
            "placement group " + foreign.id() + " belongs to another kernel");
        assertTrue(foreign.ready(WAIT), "the other kernel's group is untouched");
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b65_anUnknownObjectIdInTheStoreIsNotFoundNamingIt() {
        final ObjectId unknown = ObjectId.random();
        try (SharedObjectStore client = SharedObjectStore.attach(kernel.objectStoreName())) {
            expect(ObjectNotFoundException.class, () -> client.get(unknown, Duration.ZERO), unknown.toString());
        }
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b66_anObjectSizeNegativeOrLargerThanTheStoreIsRefusedNamingTheLimit() {
        try (SharedObjectStore client = SharedObjectStore.attach(kernel.objectStoreName())) {
            expect(StoreInvalidArgumentException.class, () -> client.create(ObjectId.random(), -1),
                "size -1 is outside 0..2147483647 bytes");
            expect(StoreInvalidArgumentException.class, () -> client.create(ObjectId.random(), 4L << 20),
                "size 4194304 exceeds the store's largest object");
        }
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b67_aPutOrAnArgumentLargerThanTheStoreStaysOnTheHeapAndReadsBackEqual() {
        final byte[] big = new byte[4 << 20];  // 4 MiB through a 1 MiB store: no error, the value stays on the heap
        new SplittableRandom(67).nextBytes(big);
        final ObjectRef<byte[]> ref = kernel.put(big);
        assertFalse(ref.isStored());
        assertArrayEquals(big, ref.get(WAIT));
        assertEquals(big.length, kernel.task((KFunc1<byte[], Integer>) b -> b.length, big).remote().get(WAIT));
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b68_aSegmentOfAnotherLayoutVersionIsRefusedNamingBothVersions() throws Exception {
        final String name = "bad-version-" + ProcessHandle.current().pid();
        final Path segment = SharedObjectStore.SHM_DIRECTORY.resolve("kairos-" + name);
        try (SharedObjectStore store = SharedObjectStore.create(name, 1 << 20);
             RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            final ObjectId id = ObjectId.random();
            store.put(id, new byte[] {1, 2, 3});
            file.seek(SegmentLayout.LAYOUT_VERSION_OFFSET);
            final int version = Integer.reverseBytes(file.readInt());
            assertEquals(SegmentLayout.LAYOUT_VERSION, version);
            file.seek(SegmentLayout.LAYOUT_VERSION_OFFSET);
            file.writeInt(Integer.reverseBytes(99));
            expect(StoreException.class, () -> SharedObjectStore.attach(name),
                "layout version 99, this library reads only version " + SegmentLayout.LAYOUT_VERSION);
            file.seek(SegmentLayout.LAYOUT_VERSION_OFFSET);
            file.writeInt(Integer.reverseBytes(version));
            try (SharedObjectStore again = SharedObjectStore.attach(name)) {
                assertTrue(again.contains(id), "the refused attach changed nothing");
            }
        }
        assertFalse(Files.exists(segment));
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b69_aSegmentOfGarbageIsRefusedAsNotAStore() throws Exception {
        final String name = "garbage-" + ProcessHandle.current().pid();
        final Path segment = SharedObjectStore.SHM_DIRECTORY.resolve("kairos-" + name);
        final byte[] junk = new byte[64 << 10];
        new SplittableRandom(69).nextBytes(junk);
        Files.write(segment, junk);
        try {
            expect(StoreException.class, () -> SharedObjectStore.attach(name), "segment '/kairos-" + name + "'",
                "not a formatted Kairos store (bad magic)");
            assertArrayEquals(junk, Files.readAllBytes(segment), "the refused attach changed nothing");
        } finally {
            Files.deleteIfExists(segment);
        }
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b70_callsOnAClosedKernelRaiseKernelClosedAndItsObjectsStayReadable() {
        other = Kernel.start(new KernelContext().cpus(1));
        final ObjectRef<Integer> done = other.task(BadInputTableTest::twice, 4).remote();
        assertEquals(8, done.get(WAIT));
        other.close();
        expect(KernelClosedException.class, () -> other.task(BadInputTableTest::twice, 1).remote(), "the kernel is closed");
        expect(KernelClosedException.class, () -> other.put(1), "the kernel is closed");
        expect(KernelClosedException.class, () -> other.actor(ActorTest.Counter::new, 1).remote(), "the kernel is closed");
        expect(KernelClosedException.class, () -> other.createPlacementGroup(List.of(Map.of("CPU", 1.0)),
            PlacementStrategy.PACK), "the kernel is closed");
        expect(KernelClosedException.class, other::resources, "the kernel is closed");
        other.close();  // idempotent
        assertEquals(8, done.get(WAIT), "a result from before the close is still readable");
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b71_callsOnAKilledActorRaiseActorDiedNamingTheActor() {
        final ActorHandle<ActorTest.Counter> victim = kernel.actor(ActorTest.Counter::new, 1).remote();
        assertEquals(2, victim.task(ActorTest.Counter::add, 1).remote().get(WAIT));
        kernel.kill(victim, true);
        final ActorDiedException e = expect(ActorDiedException.class,
            () -> victim.task(ActorTest.Counter::add, 1).remote().get(WAIT), "is dead", "call did not run");
        assertTrue(e.getMessage().contains(String.valueOf(victim.id())), e.getMessage());
        kernel.kill(victim, true);  // killing it again is a no-op
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b72_aTaskInARemovedPlacementGroupFailsNamingTheGroup() {
        final PlacementGroup group = kernel.createPlacementGroup(List.of(Map.of("CPU", 1.0)), PlacementStrategy.PACK);
        assertTrue(group.ready(WAIT));
        kernel.removePlacementGroup(group);
        kernel.removePlacementGroup(group);  // removing it again is a no-op
        expect(UnschedulableException.class, () -> kernel.task(BadInputTableTest::twice, 1).setPlacementGroup(group, 0)
            .remote().get(WAIT), "placement group " + group.id() + " was removed");
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b73_aDuplicatePlacementGroupNameIsRefusedAndTheFirstKeepsItsReservation() {
        final PlacementGroup first = kernel.createPlacementGroup("pg", List.of(Map.of("CPU", 0.5)), PlacementStrategy.PACK);
        expect(IllegalArgumentException.class, () -> kernel.createPlacementGroup("pg", List.of(Map.of("CPU", 1.0)),
            PlacementStrategy.PACK), "placement group name 'pg' is taken");
        assertTrue(first.ready(WAIT));
        assertEquals(first.id(), kernel.getPlacementGroup("pg").orElseThrow().id());
        assertEquals(2, kernel.task(BadInputTableTest::twice, 1).setResource("CPU", 0.5).setPlacementGroup(first, 0)
            .remote().get(WAIT));
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b74_aJournalFileOfGarbageIsNamedAndLeftAsItWas() throws Exception {
        final Path data = dir.resolve("data");
        try (Kernel first = Kernel.start(new KernelContext().cpus(1).dataDirectory(data))) {
            assertEquals(2, first.task(BadInputTableTest::twice, 1).remote().get(WAIT));
            first.syncJournal(WAIT);
        }
        final Path cycle;
        try (Stream<Path> files = Files.list(data.resolve("journal"))) {
            cycle = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        final byte[] garbage = new byte[64 << 10];
        new SplittableRandom(74).nextBytes(garbage);
        garbage[0] = 0x12;  // a header word that is neither a ready header nor "never written"
        garbage[3] = 0x00;
        Files.write(cycle, garbage);
        expect(JournalException.class, () -> Kernel.start(new KernelContext().cpus(1).dataDirectory(data)).close(),
            cycle.getFileName().toString());
        assertArrayEquals(garbage, Files.readAllBytes(cycle), "the refused start changed nothing");
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b75_anLmdbFileOfAnotherFormatIsNamedAndLeftAsItWas() throws Exception {
        final Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("metadata"));
        final byte[] sqlite = new byte[64 << 10];  // an SQLite database's header, then pages of zeros
        final byte[] magic = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, sqlite, 0, magic.length);
        final Path file = Files.write(data.resolve("metadata").resolve("data.mdb"), sqlite);
        expect(MetadataException.class, () -> Kernel.start(new KernelContext().cpus(1).dataDirectory(data)).close(),
            file.toString(), "is not an LMDB file (MDB_INVALID)");
        assertArrayEquals(sqlite, Files.readAllBytes(file), "the refused start changed nothing");
        assertKernelWorksAndLostNothing();
    }

    @Test
    void b76_aSpillDirectoryThatIsAFileIsNamed() throws Exception {
        final Path file = Files.createFile(dir.resolve("spill"));
        expect(java.io.UncheckedIOException.class, () -> Kernel.start(new KernelContext().cpus(1)
            .objectStoreBytes(1 << 20).spillDirectory(file)).close(),
            "spill directory " + file + " cannot be prepared: " + file + " exists and is not a directory");
        assertTrue(Files.isRegularFile(file), "the file is left as it was");
        assertKernelWorksAndLostNothing();
    }
}
