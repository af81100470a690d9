package io.kairos;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key-value store and named actors outlive a restart of the kernel on the same data directory. */
@Timeout(60)
class KernelMetadataTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final MemoryJournal journal = new MemoryJournal();
    private final MemoryMetadata metadata = new MemoryMetadata();
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private Kernel start() {
        return Kernel.start(new KernelContext().cpus(2).dataDirectory(dir).journal(journal).metadata(metadata));
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keysAndValuesSurviveARestartInTheirNamespaces() {
        kernel = start();
        final KeyValueStore kv = kernel.kv();
        kv.put("job/1", bytes("RUNNING"));
        kv.put("job/2", bytes("DONE"));
        kv.put("other", bytes("x"));
        kv.namespace("team-b").put("job/1", bytes("theirs"));
        assertTrue(kv.putIfAbsent("job/3", bytes("NEW")));
        assertFalse(kv.putIfAbsent("job/3", bytes("AGAIN")));
        assertTrue(kv.delete("job/2"));
        assertFalse(kv.delete("job/2"));
        kernel.close();

        kernel = start();
        final KeyValueStore again = kernel.kv();
        assertArrayEquals(bytes("RUNNING"), again.get("job/1"));
        assertArrayEquals(bytes("NEW"), again.get("job/3"));
        assertNull(again.get("job/2"));
        assertEquals(List.of("job/1", "job/3"), again.list("job/"));
        assertEquals(List.of("job/1", "job/3", "other"), again.list(""));
        assertEquals(List.of("job/1"), again.namespace("team-b").list(""));
        assertArrayEquals(bytes("theirs"), again.namespace("team-b").get("job/1"));
    }

    @Test
    void badKeysAreRefusedNamingTheLimit() {
        kernel = start();
        final KeyValueStore kv = kernel.kv();
        assertEquals("key must be a non-empty string, was empty",
            assertThrows(IllegalArgumentException.class, () -> kv.put("", bytes("v"))).getMessage());
        final String longKey = "k".repeat(600);
        assertEquals("key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...' is 600 bytes in UTF-8; at most 510 in namespace ''",
            assertThrows(IllegalArgumentException.class, () -> kv.put(longKey, bytes("v"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> kv.namespace("a\0b"));
    }

    @Test
    void withoutAMetadataStoreKvSaysWhatToAdd() {
        kernel = Kernel.start(new KernelContext().cpus(1));
        final IllegalStateException e = assertThrows(IllegalStateException.class, kernel::kv);
        assertTrue(e.getMessage().startsWith("the kernel has no metadata store"), e.getMessage());
    }

    /** A named actor's state. */
    public static final class Counter {
        private int count;

        public Counter(final int start) {
            count = start;
        }

        public int increment() {
            return ++count;
        }
    }

    @Test
    void namedActorsAreCreatedAgainAfterARestartUnlessTheyDied() {
        kernel = start();
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 10).setName("counter").setMaxRestarts(2)
            .remote();
        assertEquals(11, counter.task(Counter::increment).remote().get(WAIT));
        final ActorHandle<Counter> doomed = kernel.actor(Counter::new, 0).setName("doomed").remote();
        assertEquals(1, doomed.task(Counter::increment).remote().get(WAIT));
        kernel.kill(doomed, true);
        kernel.syncJournal(WAIT);
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (kernel.getActor("doomed").isPresent() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        kernel.syncJournal(WAIT);
        kernel.close();

        kernel = start();
        assertEquals(List.of("counter"), kernel.recovery().actors(), kernel.recovery().toString());
        final ActorHandle<Counter> again = kernel.<Counter>getActor("counter").orElseThrow();
        assertEquals(11, again.task(Counter::increment).remote().get(WAIT), "created again from its constructor");
        assertTrue(kernel.getActor("doomed").isEmpty());
        kernel.close();

        kernel = start();
        assertEquals(List.of("counter"), kernel.recovery().actors(), "kept across a second restart too");
    }

    /** An actor with a concurrency group; crashOnce crashes its actor once each time the test arms it. */
    public static final class Grouped {
        static final java.util.concurrent.atomic.AtomicBoolean CRASH_NEXT = new java.util.concurrent.atomic.AtomicBoolean();
        static volatile java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        static volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        public Grouped() {
        }

        public String hold() throws InterruptedException {
            held.countDown();
            return gate.await(30, java.util.concurrent.TimeUnit.SECONDS) ? "released" : "timed out";
        }

        public String ping() {
            return "pong";
        }

        /** An Error (a system failure: the actor restarts) when armed, else "ran": retried only with maxTaskRetries. */
        public String crashOnce() {
            if (CRASH_NEXT.compareAndSet(true, false)) {
                throw new OutOfMemoryError("simulated crash");
            }
            return "ran";
        }
    }

    private static void resetGrouped() {
        Grouped.CRASH_NEXT.set(false);
        Grouped.held = new java.util.concurrent.CountDownLatch(1);
        Grouped.gate = new java.util.concurrent.CountDownLatch(1);
    }

    /** A call in group "io" holds the group's one slot while the default group answers: the group came back. */
    private static void assertGroupRunsBesideTheDefaultOne(final ActorHandle<Grouped> actor) throws Exception {
        resetGrouped();
        final ObjectRef<String> held = actor.task(Grouped::hold).setConcurrencyGroup("io").remote();
        assertTrue(Grouped.held.await(20, java.util.concurrent.TimeUnit.SECONDS), "the call in group io started");
        assertEquals("pong", actor.task(Grouped::ping).remote().get(WAIT), "the default group runs beside it");
        Grouped.gate.countDown();
        assertEquals("released", held.get(WAIT));
    }

    @Test
    void aRecoveredNamedActorKeepsItsMaxTaskRetriesAndConcurrencyGroups() throws Exception {
        kernel = start();
        final ActorHandle<Grouped> actor = kernel.actor(Grouped::new).setName("grouped").setMaxRestarts(5)
            .setMaxTaskRetries(2).setConcurrencyGroup("io", 1).remote();
        assertGroupRunsBesideTheDefaultOne(actor);
        Grouped.CRASH_NEXT.set(true);
        assertEquals("ran", actor.task(Grouped::crashOnce).remote().get(WAIT), "retried on the restarted actor");
        kernel.syncJournal(WAIT);
        kernel.close();

        kernel = start();
        assertEquals(List.of("grouped"), kernel.recovery().actors(), kernel.recovery().toString());
        final ActorHandle<Grouped> again = kernel.<Grouped>getActor("grouped").orElseThrow();
        assertGroupRunsBesideTheDefaultOne(again);
        Grouped.CRASH_NEXT.set(true);
        assertEquals("ran", again.task(Grouped::crashOnce).remote().get(WAIT),
            "the crashed call ran again: maxTaskRetries came back");
        assertEquals("has no concurrency group 'cpu'; its groups are [io]", assertThrows(IllegalArgumentException.class,
            () -> again.task(Grouped::ping).setConcurrencyGroup("cpu").remote()).getMessage()
            .replaceFirst("^.* has no", "has no"));
    }

    @Test
    void anActorKeptBeforeOptionsWereKeptComesBackWithDefaults() {
        kernel = start();
        kernel.actor(Grouped::new).setName("old").setMaxRestarts(5).setMaxTaskRetries(2)
            .setConcurrencyGroup("io", 1).remote();
        kernel.syncJournal(WAIT);
        kernel.close();
        // rewrite the kept record in the first layout: id, maxConcurrency, maxRestarts, maxPendingCalls, constructor
        final java.util.Map<byte[], byte[]> actors = metadata.tables.get("actors");
        final byte[] key = bytes("old");
        final java.nio.ByteBuffer kept = java.nio.ByteBuffer.wrap(actors.get(key)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int constructor = 40;
        for (int groups = kept.getInt(36); groups > 0; groups--) {
            constructor += 4 + kept.getInt(constructor) + 4;
        }
        final java.nio.ByteBuffer old = java.nio.ByteBuffer.allocate(20 + kept.capacity() - constructor)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        old.putLong(kept.getLong(8)).putInt(kept.getInt(16)).putInt(kept.getInt(20)).putInt(kept.getInt(24));
        old.put(kept.array(), constructor, kept.capacity() - constructor);
        actors.put(key, old.array());

        kernel = start();
        assertEquals(List.of("old"), kernel.recovery().actors(), kernel.recovery().toString());
        final ActorHandle<Grouped> again = kernel.<Grouped>getActor("old").orElseThrow();
        assertEquals("pong", again.task(Grouped::ping).remote().get(WAIT));
        assertThrows(IllegalArgumentException.class,
            () -> again.task(Grouped::ping).setConcurrencyGroup("io").remote(), "no groups in the first layout");
    }

    /** Not serializable: cannot be written for a restart. */
    static final class Opaque {
    }

    public static final class Holder {
        public Holder(final Opaque opaque) {
        }
    }

    @Test
    void aNamedActorThatCannotBeKeptIsRefusedAtCreation() {
        kernel = start();
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> kernel.actor(Holder::new, new Opaque()).setName("h").remote());
        assertTrue(e.getMessage().contains("cannot be kept across restarts: argument 0 (" + Opaque.class.getName()
            + ") is not Serializable"), e.getMessage());
        assertTrue(kernel.getActor("h").isEmpty(), "the name is free again");
        kernel.actor(Holder::new, new Opaque()).remote();  // unnamed actors are not kept: fine
    }

    @Test
    void namedPlacementGroupsAndTheTasksQueuedInThemComeBack() {
        KernelRecoveryTest.gate = new java.util.concurrent.CountDownLatch(1);
        kernel = Kernel.start(new KernelContext().cpus(2).dataDirectory(dir).journal(journal).metadata(metadata)
            .closeTimeout(Duration.ofMillis(100)));
        final PlacementGroup pg = kernel.createPlacementGroup("pair", List.of(java.util.Map.of("CPU", 1.0),
            java.util.Map.of("CPU", 1.0)), io.kairos.spi.scheduling.PlacementStrategy.PACK);
        assertTrue(pg.ready(WAIT));
        assertEquals("placement group name 'pair' is taken", assertThrows(IllegalArgumentException.class, () ->
            kernel.createPlacementGroup("pair", List.of(java.util.Map.of("CPU", 1.0)),
                io.kairos.spi.scheduling.PlacementStrategy.PACK)).getMessage());
        final PlacementGroup gone = kernel.createPlacementGroup("gone", List.of(java.util.Map.of("CPU", 0.5)),
            io.kairos.spi.scheduling.PlacementStrategy.PACK);
        kernel.removePlacementGroup(gone);
        kernel.task(KernelRecoveryTest::gated, "pg", 1).setPlacementGroup(pg, 0).remote();
        final ObjectRef<Integer> queued = kernel.task(KernelRecoveryTest::plus, 40, 2).setPlacementGroup(pg, 0).remote();
        kernel.syncJournal(WAIT);
        kernel.close();

        KernelRecoveryTest.gate.countDown();
        kernel = start();
        assertEquals(List.of("pair"), kernel.recovery().placementGroups(), kernel.recovery().toString());
        assertTrue(kernel.getPlacementGroup("gone").isEmpty(), "a removed group is not created again");
        final PlacementGroup again = kernel.getPlacementGroup("pair").orElseThrow();
        assertTrue(again.ready(WAIT));
        assertEquals(2, again.bundleCount());
        assertEquals(42, kernel.recovery().tasks().get(queued.id()).get(WAIT), "the task queued in the group ran");
        assertTrue(kernel.recovery().unrecoverable().isEmpty(), kernel.recovery().unrecoverable().toString());
    }

    static final java.util.concurrent.atomic.AtomicInteger MADE = new java.util.concurrent.atomic.AtomicInteger();

    static int size(final byte[] bytes) {
        return bytes.length;
    }

    static byte[] made(final int seed) {
        MADE.incrementAndGet();
        return SpillTest.pattern(seed);
    }

    @Test
    void spilledResultsOfFinishedTasksAreThereAfterARestart() throws Exception {
        MADE.set(0);
        final Path spill = dir.resolve("spill");
        final KernelContext context = new KernelContext().cpus(2).dataDirectory(dir).journal(journal)
            .metadata(metadata).objectStoreBytes(4L << 20).spillDirectory(spill).closeTimeout(Duration.ofMillis(100));
        kernel = Kernel.start(context);
        final List<ObjectRef<byte[]>> refs = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {  // 16 MiB of results through a 4 MiB store: most are spilled
            refs.add(kernel.task(KernelMetadataTest::made, i).remote());
        }
        for (final ObjectRef<byte[]> ref : refs) {
            ref.get(WAIT);
        }
        assertTrue(kernel.spillStats().spilledObjects() > 32, kernel.spillStats().toString());
        KernelRecoveryTest.gate = new java.util.concurrent.CountDownLatch(1);
        kernel.task(KernelRecoveryTest::gated, "hold", 0).setResource("CPU", 2.0).remote();
        final List<ObjectRef<Integer>> sizes = new java.util.ArrayList<>();
        for (final ObjectRef<byte[]> ref : refs) {  // queued behind the gate: they did not run before the restart
            sizes.add(kernel.task(KernelMetadataTest::size, ref).setResource("CPU", 2.0).remote());
        }
        kernel.syncJournal(WAIT);
        kernel.close();
        KernelRecoveryTest.gate.countDown();

        kernel = Kernel.start(new KernelContext().cpus(2).dataDirectory(dir).journal(journal).metadata(metadata)
            .objectStoreBytes(4L << 20).spillDirectory(spill));
        final java.util.Map<Long, ObjectRef<?>> results = kernel.recovery().results();
        assertTrue(results.size() > 32, "spilled results kept: " + results.size());
        int recomputed = 0;
        for (final ObjectRef<Integer> size : sizes) {
            final ObjectRef<?> again = kernel.recovery().tasks().get(size.id());
            if (again != null && again.failure() == null) {
                assertEquals(256 << 10, again.get(WAIT), "read its argument from the kept spilled result");
                recomputed++;
            }
        }
        assertEquals(results.size(), recomputed, "a task whose argument was kept runs; " + kernel.recovery());
        for (int i = 0; i < refs.size(); i++) {
            final ObjectRef<?> kept = results.get(refs.get(i).id());
            if (kept != null) {
                assertArrayEquals(SpillTest.pattern(i), (byte[]) kept.get(WAIT), "result of task " + i);
            }
        }
        assertEquals(64, MADE.get(), "no task ran again");
    }
}
