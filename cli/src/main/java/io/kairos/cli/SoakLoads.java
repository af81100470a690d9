package io.kairos.cli;

import io.kairos.ActorHandle;
import io.kairos.Kernel;
import io.kairos.ObjectRef;
import io.kairos.PlacementGroup;
import io.kairos.TaskCaller;
import io.kairos.exception.GetTimeoutException;
import io.kairos.exception.KairosException;
import io.kairos.spi.scheduling.PlacementStrategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The soak's loads, one round at a time; each load is driven by one thread (its state is that thread's). Every
 * result is checked against the function of its input: a mismatch is a wrong result, a failure or a get past the
 * timeout a lost task ({@link SoakLedger}).
 */
final class SoakLoads {
    /** Retries of isolated tasks: far more than the kills a task can meet, so a killed worker never loses one. */
    static final int ISOLATED_RETRIES = 1_000;
    /** Restarts of isolated actors (their calls are retried without limit). */
    static final int ISOLATED_RESTARTS = 1_000_000;
    static final int TASK_BATCH = 64;
    static final int CHAIN = 8;
    static final int ACTORS = 4;
    static final int ACTOR_DEPTH = 16;
    static final int ISOLATED_ACTORS = 2;
    static final int ISOLATED_DEPTH = 4;
    static final int ISOLATED_TASKS = 4;
    static final int GROUP_TASKS = 4;

    private final Kernel kernel;
    private final SoakLedger ledger;
    private final Duration timeout;
    private final int largeMin;
    private final int largeMax;
    private final int largeLive;

    private final List<Tracked> actors = new ArrayList<>();
    private final List<Tracked> isolatedActors = new ArrayList<>();
    private final List<Large> live = new ArrayList<>();
    private long largeRounds;

    /** An actor and what its calls returned so far: the incarnation and count the next result must follow. */
    private static final class Tracked {
        final ActorHandle<SoakFunctions.Counter> handle;
        final String name;
        final boolean restartable;
        final Set<Long> pastIncarnations = new HashSet<>();
        long incarnation;
        long count;

        Tracked(final ActorHandle<SoakFunctions.Counter> handle, final String name, final boolean restartable) {
            this.handle = handle;
            this.name = name;
            this.restartable = restartable;
        }
    }

    /** A large object kept alive for a while, with the CRC32 it must read back with. */
    private record Large(ObjectRef<byte[]> ref, long crc, String what) {
    }

    SoakLoads(final Kernel kernel, final SoakLedger ledger, final SoakWorkload.Settings settings) {
        this.kernel = kernel;
        this.ledger = ledger;
        this.timeout = settings.getTimeout();
        this.largeMin = settings.largeMinBytes();
        this.largeMax = settings.largeMaxBytes();
        this.largeLive = settings.largeLive();
        for (int i = 0; i < ACTORS; i++) {
            actors.add(new Tracked(kernel.actor(SoakFunctions.Counter::new).remote(), "actor " + i, false));
        }
        for (int i = 0; i < ISOLATED_ACTORS; i++) {
            isolatedActors.add(new Tracked(kernel.actor(SoakFunctions.Counter::new).setIsolated(true)
                .setMaxRestarts(ISOLATED_RESTARTS).setMaxTaskRetries(-1).remote(), "isolated actor " + i, true));
        }
    }

    // ---- tasks: a timed round trip, a batch, a chain of dependent tasks ----

    void tasks(final SplittableRandom random) {
        final long x = random.nextLong();
        final long start = System.nanoTime();
        final Long probe = await(kernel.task(SoakFunctions::mix, x).remote(), "task mix(" + x + ")");
        ledger.roundTrip(System.nanoTime() - start);
        check(probe, SoakFunctions.mix(x), "task mix(" + x + ")");
        final List<ObjectRef<Long>> batch = new ArrayList<>(TASK_BATCH);
        for (int i = 0; i < TASK_BATCH; i++) {
            batch.add(kernel.task(SoakFunctions::mix, x + i).remote());
        }
        for (int i = 0; i < TASK_BATCH; i++) {
            check(await(batch.get(i), "batch task mix(" + (x + i) + ")"), SoakFunctions.mix(x + i),
                "batch task mix(" + (x + i) + ")");
        }
        ObjectRef<Long> chain = kernel.task(SoakFunctions::mix, x).remote();
        long expected = SoakFunctions.mix(x);
        for (long k = 0; k < CHAIN; k++) {
            chain = kernel.task(SoakFunctions::step, chain, k).remote();
            expected = SoakFunctions.step(expected, k);
        }
        final String what = "chain of " + (CHAIN + 1) + " from " + x;
        check(await(chain, what), expected, what);
    }

    // ---- actors in this JVM: pipelined calls whose counts must follow one another ----

    void actors() {
        calls(actors, ACTOR_DEPTH);
    }

    // ---- worker processes: isolated actors (restarted when killed) and isolated tasks (retried) ----

    void isolated(final SplittableRandom random) {
        final long x = random.nextLong();
        final List<ObjectRef<Long>> tasks = new ArrayList<>(ISOLATED_TASKS);
        for (int i = 0; i < ISOLATED_TASKS; i++) {
            tasks.add(kernel.task(SoakFunctions::mix, x + i).setIsolated(true).setMaxRetries(ISOLATED_RETRIES)
                .remote());
        }
        calls(isolatedActors, ISOLATED_DEPTH);
        for (int i = 0; i < ISOLATED_TASKS; i++) {
            final String what = "isolated task mix(" + (x + i) + ")";
            check(await(tasks.get(i), what), SoakFunctions.mix(x + i), what);
        }
    }

    private void calls(final List<Tracked> tracked, final int depth) {
        final List<List<ObjectRef<long[]>>> pending = new ArrayList<>(tracked.size());
        for (final Tracked actor : tracked) {
            final List<ObjectRef<long[]>> calls = new ArrayList<>(depth);
            for (int i = 0; i < depth; i++) {
                calls.add(actor.handle.task(SoakFunctions.Counter::next).remote());
            }
            pending.add(calls);
        }
        for (int a = 0; a < tracked.size(); a++) {
            final Tracked actor = tracked.get(a);
            for (final ObjectRef<long[]> call : pending.get(a)) {
                final long[] result = await(call, actor.name + " call " + (actor.count + 1));
                if (result != null) {
                    follow(actor, result);
                }
            }
        }
    }

    /** Checks that a call's {incarnation, count} follows the last one: the next count, or 1 of a new incarnation. */
    private void follow(final Tracked actor, final long[] result) {
        final boolean first = actor.count == 0 && actor.pastIncarnations.isEmpty();
        if (!first && result[0] == actor.incarnation) {
            if (result[1] != actor.count + 1) {
                ledger.wrong(actor.name + ": count " + result[1] + " after " + actor.count);
            } else {
                ledger.checked(1);
            }
            actor.count = result[1];
            return;
        }
        if (!first && !actor.restartable) {
            ledger.wrong(actor.name + ": another instance (count " + result[1] + ") after count " + actor.count
                + "; it never restarts");
        } else if (actor.pastIncarnations.contains(result[0])) {
            ledger.wrong(actor.name + ": a call ran on an instance that had been replaced (count " + result[1] + ")");
        } else if (result[1] != 1) {
            ledger.wrong(actor.name + ": a " + (first ? "new" : "restarted") + " instance's first count is "
                + result[1]);
        } else {
            ledger.checked(1);
        }
        if (!first) {
            actor.pastIncarnations.add(actor.incarnation);
        }
        actor.incarnation = result[0];
        actor.count = result[1];
    }

    // ---- large objects: put or made by a task, kept alive a while, read back and read by tasks, CRC checked ----

    void largeObjects(final SplittableRandom random) {
        final long seed = random.nextLong();
        final int size = largeMin + random.nextInt(largeMax - largeMin + 1);
        final long round = largeRounds++;
        final Large made;
        if (round % 2 == 0) {
            final byte[] bytes = SoakFunctions.blob(seed, size);
            made = new Large(kernel.put(bytes), SoakFunctions.crc(bytes), "put blob(" + seed + ", " + size + ")");
        } else {
            final ObjectRef<byte[]> ref = kernel.task(SoakFunctions::blob, seed, size).remote();
            made = new Large(ref, SoakFunctions.crc(SoakFunctions.blob(seed, size)),
                "task blob(" + seed + ", " + size + ")");
        }
        live.add(made);
        if (live.size() > largeLive) {
            live.remove(0);
        }
        final Large read = live.get(random.nextInt(live.size()));
        final byte[] bytes = await(read.ref, "get of " + read.what);
        if (bytes != null) {
            check(SoakFunctions.crc(bytes), read.crc, "CRC32 of the get of " + read.what);
        }
        final Large argument = live.get(random.nextInt(live.size()));
        final boolean isolated = round % 4 == 3;
        final TaskCaller<Long> crc = kernel.task(SoakFunctions::crc, argument.ref);
        if (isolated) {
            crc.setIsolated(true).setMaxRetries(ISOLATED_RETRIES);
        }
        final String what = (isolated ? "isolated " : "") + "task crc(" + argument.what + ")";
        check(await(crc.remote(), what), argument.crc, what);
        ledger.largeObject();
    }

    // ---- placement groups: created, used by tasks in each bundle, removed ----

    void placementGroup(final SplittableRandom random) {
        final PlacementGroup group = kernel.createPlacementGroup(
            List.of(Map.of("CPU", 0.5), Map.of("CPU", 0.5)), PlacementStrategy.PACK);
        try {
            if (!group.ready(timeout)) {
                ledger.lost("placement group " + group.id() + " not ready within " + timeout.toSeconds() + " s");
                return;
            }
            final long x = random.nextLong();
            final List<ObjectRef<Long>> refs = new ArrayList<>();
            for (int b = 0; b < group.bundleCount(); b++) {
                for (int i = 0; i < GROUP_TASKS; i++) {
                    refs.add(kernel.task(SoakFunctions::mix, x + b * GROUP_TASKS + i).setResource("CPU", 0.5)
                        .setPlacementGroup(group, b).remote());
                }
            }
            for (int i = 0; i < refs.size(); i++) {
                final String what = "task mix(" + (x + i) + ") in placement group " + group.id();
                check(await(refs.get(i), what), SoakFunctions.mix(x + i), what);
            }
        } catch (final KairosException e) {
            ledger.lost("placement group " + group.id() + ": " + e);
        } finally {
            kernel.removePlacementGroup(group);
        }
        ledger.groupDone();
    }

    // ---- worker kills ----

    /** kill -9 of a random worker process (none when none runs). */
    void killWorker(final SplittableRandom random) {
        final List<Long> pids = kernel.workerProcessIds();
        if (pids.isEmpty()) {
            return;
        }
        final long pid = pids.get(random.nextInt(pids.size()));
        if (pid != ProcessHandle.current().pid()
            && ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) {
            ledger.killed();
        }
    }

    // ----

    /** The value, or null (counted lost) when it failed or was not back within the timeout. */
    private <T> T await(final ObjectRef<T> ref, final String what) {
        try {
            return ref.get(timeout);
        } catch (final GetTimeoutException e) {
            ledger.lost(what + ": not back within " + timeout.toSeconds() + " s");
        } catch (final KairosException e) {
            ledger.lost(what + " failed: " + e);
        }
        return null;
    }

    private void check(final Long actual, final long expected, final String what) {
        if (actual == null) {
            return;  // counted lost by await
        }
        if (actual != expected) {
            ledger.wrong(what + " = " + actual + ", expected " + expected);
        } else {
            ledger.checked(1);
        }
    }
}
