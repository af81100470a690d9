package io.kairos.raypeer;

import io.ray.api.ActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.PlacementGroups;
import io.ray.api.Ray;
import io.ray.api.WaitResult;
import io.ray.api.options.PlacementGroupCreationOptions;
import io.ray.api.placementgroup.PlacementGroup;
import io.ray.api.placementgroup.PlacementStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * The benchmarks of Ray's {@code ray_perf.py}, written against Ray's Java API, in suite order.
 *
 * <p>Sized for 2 cores: {@value #CLIENTS} client threads, {@value #ACTORS} actors, batches of {@value #BATCH}.
 * Every object a benchmark creates is freed with {@code Ray.internal().free(refs, true)} as part of the
 * operation: LOCAL mode's object store ({@code LocalModeObjectStore}) keeps every object until freed, its
 * {@code removeLocalReference} does nothing, so dropped refs alone would fill the heap. Every get and wait
 * carries a timeout, so a hung operation fails the benchmark instead of hanging the process.
 *
 * <p>What LOCAL mode is (Ray 2.39, read from its classes and confirmed by running it), so the figures are read
 * right:
 * <ul>
 *   <li>A get or wait of an object not yet there polls the store with {@code Thread.sleep(1)}: a synchronous
 *       task or actor call takes about 1.1 ms, whatever the work.</li>
 *   <li>Each normal task runs on an unbounded cached thread pool, and finishing tasks serialise on one lock
 *       ({@code LocalModeTaskSubmitter.onObjectPut}): a batch of 1000 can start hundreds of threads (thousands
 *       over a run; they die after 60 s idle), and task rates swing widely from round to round.</li>
 *   <li>A {@code byte[]} is stored by reference and a get returns the same array: the put and get of
 *       "Plasma" and gigabyte objects copy nothing, so their GB/s are not a memory bandwidth.</li>
 *   <li>A placement group is a map entry, ready at once: nothing is reserved or scheduled.</li>
 *   <li>Any other value is serialised (FST/msgpack) and kept, about 200 bytes per small object.</li>
 * </ul>
 */
final class RayBenchmarks {

    static final int CLIENTS = 2;
    static final int ACTORS = 4;
    static final int BATCH = 1000;
    static final int PLASMA_BYTES = 128 * 1024;
    static final int LARGE_BYTES = 64 * 1024 * 1024;
    static final long GET_TIMEOUT_MS = 60_000;
    static final int PLACEMENT_GROUP_WAIT_S = 60;
    /** Plasma-sized puts are freed after this many: 8 MiB pending at most. */
    private static final int PLASMA_FREE_BATCH = 64;
    private static final Integer ZERO = 0;

    /** How a benchmark's rate is reported. */
    enum Unit {
        /** Operations per second; an operation returns the operations it did. */
        OPS("ops/s", 1.0),
        /** Gigabytes (1e9 bytes) per second; an operation returns the bytes it moved. */
        GB("GB/s", 1e9);

        final String label;
        final double divisor;

        Unit(final String label, final double divisor) {
            this.label = label;
            this.divisor = divisor;
        }
    }

    /** A benchmark set up and ready to run; {@link #close()} frees what set-up made. */
    interface Fixture extends AutoCloseable {

        /**
         * Runs one operation.
         *
         * @return the units done: operations, or bytes for {@link Unit#GB}
         * @throws Exception when the operation fails or times out
         */
        long run() throws Exception;

        @Override
        default void close() {
        }

        /** The operation, with {@code release} run on close. */
        static Fixture of(final Fixture operation, final Runnable release) {
            return new Fixture() {
                @Override
                public long run() throws Exception {
                    return operation.run();
                }

                @Override
                public void close() {
                    release.run();
                }
            };
        }
    }

    /**
     * One benchmark.
     *
     * @param name           the fixed name the caller matches on
     * @param unit           how the score is reported
     * @param recordsLatency whether the operation records each call's latency into the histogram it is given
     * @param setUp          makes the fixture; given the latency histogram (nanoseconds)
     */
    record Spec(String name, Unit unit, boolean recordsLatency, Function<Histogram, Fixture> setUp) {
    }

    static final List<Spec> ALL = List.of(
        new Spec("single_client_tasks_sync", Unit.OPS, true, RayBenchmarks::tasksSync),
        new Spec("single_client_tasks_async", Unit.OPS, false, h -> RayBenchmarks::tasksBatch),
        new Spec("multi_client_tasks_async", Unit.OPS, false, h -> multiClient(c -> tasksBatch())),
        new Spec("1_1_actor_calls_sync", Unit.OPS, true, RayBenchmarks::actorCallsSync),
        new Spec("1_1_actor_calls_async", Unit.OPS, false, h -> actorCalls(actors(1, 1), null)),
        new Spec("1_1_actor_calls_concurrent", Unit.OPS, false, h -> actorCalls(actors(1, 16), null)),
        new Spec("1_n_actor_calls_async", Unit.OPS, false, h -> actorCalls(actors(ACTORS, 1), null)),
        new Spec("n_n_actor_calls_async", Unit.OPS, false, h -> multiClientActorCalls(false)),
        new Spec("n_n_actor_calls_with_arg_async", Unit.OPS, false, h -> multiClientActorCalls(true)),
        new Spec("single_client_put_calls", Unit.OPS, false, h -> puts(ZERO, BATCH)),
        new Spec("single_client_get_calls", Unit.OPS, false, h -> gets(ZERO)),
        new Spec("single_client_put_calls_Plasma_Store", Unit.OPS, false,
            h -> puts(new byte[PLASMA_BYTES], PLASMA_FREE_BATCH)),
        new Spec("single_client_get_calls_Plasma_Store", Unit.OPS, false, h -> gets(new byte[PLASMA_BYTES])),
        new Spec("single_client_put_gigabytes", Unit.GB, false, h -> largePuts(1)),
        new Spec("multi_client_put_gigabytes", Unit.GB, false, h -> largePuts(CLIENTS)),
        new Spec("single_client_wait_1k_refs", Unit.OPS, false, h -> waits()),
        new Spec("placement_group_create_removal", Unit.OPS, false, h -> placementGroups()));

    private RayBenchmarks() {
    }

    static List<String> names() {
        return ALL.stream().map(Spec::name).toList();
    }

    private static Fixture tasksSync(final Histogram latencies) {
        final Releaser releaser = new Releaser(BATCH);
        return Fixture.of(() -> {
            final long start = System.nanoTime();
            final ObjectRef<Integer> ref = Ray.task(RayLocalSuite::noop).remote();
            ref.get(GET_TIMEOUT_MS);
            latencies.recordValue(System.nanoTime() - start);
            releaser.add(ref);
            return 1;
        }, releaser::close);
    }

    private static Fixture actorCallsSync(final Histogram latencies) {
        final ActorHandle<Echo> actor = actors(1, 1).get(0);
        final Releaser releaser = new Releaser(BATCH);
        return Fixture.of(() -> {
            final long start = System.nanoTime();
            final ObjectRef<Integer> ref = actor.task(Echo::echo).remote();
            ref.get(GET_TIMEOUT_MS);
            latencies.recordValue(System.nanoTime() - start);
            releaser.add(ref);
            return 1;
        }, releaser::close);
    }

    private static long tasksBatch() {
        final List<ObjectRef<Integer>> refs = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            refs.add(Ray.task(RayLocalSuite::noop).remote());
        }
        return getAndFree(refs);
    }

    /** {@value #BATCH} calls spread round-robin over the actors from {@code first}, then one get of all. */
    private static long callsBatch(final List<ActorHandle<Echo>> actors, final int first, final ObjectRef<Integer> arg) {
        final List<ObjectRef<Integer>> refs = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            final ActorHandle<Echo> actor = actors.get((first + i) % actors.size());
            refs.add(arg == null ? actor.task(Echo::echo).remote() : actor.task(Echo::echoArg, arg).remote());
        }
        return getAndFree(refs);
    }

    private static Fixture actorCalls(final List<ActorHandle<Echo>> actors, final ObjectRef<Integer> arg) {
        return () -> callsBatch(actors, 0, arg);
    }

    private static Fixture multiClientActorCalls(final boolean withArg) {
        final List<ActorHandle<Echo>> actors = actors(ACTORS, 1);
        final ObjectRef<Integer> arg = withArg ? Ray.put(1) : null;
        final Clients clients = new Clients();
        return Fixture.of(() -> clients.run(c -> callsBatch(actors, c, arg)), () -> {
            clients.close();
            if (arg != null) {
                free(List.of(arg));
            }
        });
    }

    private static Fixture multiClient(final ClientOperation operation) {
        final Clients clients = new Clients();
        return Fixture.of(() -> clients.run(operation), clients::close);
    }

    private static Fixture puts(final Object value, final int freeBatch) {
        final Releaser releaser = new Releaser(freeBatch);
        return Fixture.of(() -> {
            releaser.add(Ray.put(value));
            return 1;
        }, releaser::close);
    }

    private static Fixture gets(final Object value) {
        final ObjectRef<Object> ref = Ray.put(value);
        return Fixture.of(() -> {
            Ray.get(ref, GET_TIMEOUT_MS);
            return 1;
        }, () -> free(List.of(ref)));
    }

    /** Each client puts its own preallocated {@value #LARGE_BYTES}-byte array, freed at once. */
    private static Fixture largePuts(final int clientCount) {
        final byte[][] arrays = new byte[clientCount][LARGE_BYTES];
        final ClientOperation put = c -> {
            free(List.of(Ray.put(arrays[c])));
            return LARGE_BYTES;
        };
        return clientCount == 1 ? () -> put.run(0) : multiClient(put);
    }

    private static Fixture waits() {
        final List<ObjectRef<Integer>> refs = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            refs.add(Ray.put(ZERO));
        }
        return Fixture.of(() -> {
            final WaitResult<Integer> result = Ray.wait(refs, BATCH, (int) GET_TIMEOUT_MS);
            if (result.getReady().size() != BATCH) {
                throw new IllegalStateException("wait returned " + result.getReady().size() + " of " + BATCH);
            }
            return 1;
        }, () -> free(refs));
    }

    private static Fixture placementGroups() {
        final PlacementGroupCreationOptions options = new PlacementGroupCreationOptions.Builder()
            .setBundles(List.of(Map.of("CPU", 1.0)))
            .setStrategy(PlacementStrategy.PACK)
            .build();
        return () -> {
            final PlacementGroup group = PlacementGroups.createPlacementGroup(options);
            if (!group.wait(PLACEMENT_GROUP_WAIT_S)) {
                throw new IllegalStateException("placement group not ready in " + PLACEMENT_GROUP_WAIT_S + " s");
            }
            PlacementGroups.removePlacementGroup(group.getId());
            return 1;
        };
    }

    /** Creates the actors and waits until each has answered one call. */
    private static List<ActorHandle<Echo>> actors(final int count, final int maxConcurrency) {
        final List<ActorHandle<Echo>> actors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            actors.add(maxConcurrency > 1
                ? Ray.actor(Echo::new).setMaxConcurrency(maxConcurrency).remote()
                : Ray.actor(Echo::new).remote());
        }
        final List<ObjectRef<Integer>> ready = new ArrayList<>(count);
        for (ActorHandle<Echo> actor : actors) {
            ready.add(actor.task(Echo::echo).remote());
        }
        getAndFree(ready);
        return actors;
    }

    private static long getAndFree(final List<ObjectRef<Integer>> refs) {
        final int got = Ray.get(refs, GET_TIMEOUT_MS).size();
        free(refs);
        return got;
    }

    private static void free(final List<? extends ObjectRef<?>> refs) {
        Ray.internal().free(new ArrayList<>(refs), true);
    }

    /** Frees refs in batches, and the rest on close. Not thread-safe: one per client. */
    private static final class Releaser implements AutoCloseable {
        private final List<ObjectRef<?>> pending;
        private final int batch;

        Releaser(final int batch) {
            this.batch = batch;
            this.pending = new ArrayList<>(batch);
        }

        void add(final ObjectRef<?> ref) {
            pending.add(ref);
            if (pending.size() >= batch) {
                close();
            }
        }

        @Override
        public void close() {
            if (!pending.isEmpty()) {
                Ray.internal().free(pending, true);
                pending.clear();
            }
        }
    }

    /** What one client does in one operation of a multi-client benchmark. */
    @FunctionalInterface
    interface ClientOperation {
        long run(int client) throws Exception;
    }

    /**
     * {@value #CLIENTS} client threads. One operation runs the client operation once on every client at the same
     * time and ends when all have finished (as {@code ray_perf.py} gets all its clients' batches).
     */
    private static final class Clients implements AutoCloseable {
        private final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS, task -> {
            final Thread thread = new Thread(task, "ray-peer-client");
            thread.setDaemon(true);
            return thread;
        });

        long run(final ClientOperation operation) throws Exception {
            final List<Future<Long>> done = new ArrayList<>(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                final int client = c;
                done.add(pool.submit(() -> operation.run(client)));
            }
            long units = 0;
            try {
                for (Future<Long> future : done) {
                    units += future.get(2 * GET_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                }
            } finally {
                done.forEach(future -> future.cancel(true));
            }
            return units;
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }
}
