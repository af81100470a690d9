package io.kairos.cli;

import io.kairos.bench.plan.Cluster;
import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlClient;
import io.kairos.cluster.aeron.PlacementGroupClient;
import io.kairos.cluster.aeron.PlacementGroupTable;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * Control-store operations through Raft, measured from one client ({@link ControlClient}) in this JVM against a group
 * of member processes: placement-group create + remove and named-actor register + lookup pipelined (many in flight,
 * gathered into batches, each op's latency from its first send to its last reply), and register + lookup one at a
 * time (the latency of a lone caller). Each figure: warm-up, then {@code runs} measured runs; the rate is the
 * median run's, the percentiles are over all runs' ops.
 */
final class ControlStoreBench {
    private static final List<Map<String, Long>> ONE_CPU = List.of(Map.of("CPU", 10_000L));
    private static final List<Map<String, Long>> TINY_CPU = List.of(Map.of("CPU", 1L));

    /** A figure: ops/s of each run, and every op's latency (ns). */
    record Figure(List<Double> rates, Histogram latency) {
        double median() {
            final List<Double> sorted = rates.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }

        String summary(final String what) {
            return String.format(Locale.ROOT, "%s %,.0f/s (median of %d: %s), p50 %.0f µs, p99 %.0f µs", what,
                median(), rates.size(), String.join(" ", rates.stream().map(r -> String.format(Locale.ROOT, "%,.0f",
                    r)).toList()), latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3);
        }
    }

    private final ControlClient client;
    private final long warmupNs;
    private final long measureNs;
    private final int runs;
    private final int window;
    private final IdleStrategy idle = new BackoffIdleStrategy(10, 5, 1_000, 100_000);
    private long nextId = 1L << 40;

    /**
     * @param client    a client connected with a window of at least {@code window}.
     * @param warmupMs  before the runs of each figure.
     * @param measureMs each run.
     * @param runs      measured runs per figure.
     * @param window    ops in flight (each op is two requests).
     */
    ControlStoreBench(final ControlClient client, final long warmupMs, final long measureMs, final int runs,
                      final int window) {
        this.client = client;
        this.warmupNs = TimeUnit.MILLISECONDS.toNanos(warmupMs);
        this.measureNs = TimeUnit.MILLISECONDS.toNanos(measureMs);
        this.runs = runs;
        this.window = window;
    }

    /** Placement group create + remove, pipelined: the remove follows its create at once, in the same batch. */
    Figure pgCreateRemove() {
        final PlacementGroupClient pgs = client.placementGroups();
        return pipelined(id -> CompletableFuture.allOf(
            pgs.createAsync(id, "", PlacementGroupTable.Strategy.PACK, ONE_CPU), pgs.removeAsync(id)));
    }

    /**
     * A placement group's whole life, pipelined: create, prepare its bundle on node {@code node} (two-phase: the
     * first phase), commit, remove. The bundle asks 1/10000 CPU, so that the node has room for every group in flight.
     */
    Figure pgLifecycle(final long node) {
        final PlacementGroupClient pgs = client.placementGroups();
        final Map<Integer, Long> placement = Map.of(0, node);
        return pipelined(id -> CompletableFuture.allOf(
            pgs.createAsync(id, "", PlacementGroupTable.Strategy.PACK, TINY_CPU), pgs.prepareAsync(id, placement),
            pgs.commitAsync(id), pgs.removeAsync(id)));
    }

    /**
     * Named actor register + lookup + remove, pipelined; each op a new name, owned by node {@code owner}. The remove
     * keeps the directory bounded ({@link io.kairos.cluster.aeron.ControlState#MAX_ACTORS}) however fast it goes.
     */
    Figure actorRegisterLookupRemove(final long owner) {
        return pipelined(id -> {
            final String name = "bench-actor-" + id;
            return CompletableFuture.allOf(client.registerActorAsync(name, owner, id), client.lookupActorAsync(name),
                client.removeActorAsync(name));
        });
    }

    /** Named actor register + lookup, one request at a time. */
    Figure actorRegisterLookupOneAtATime(final long owner) {
        return oneAtATime(id -> {
            final String name = "bench-actor-sync-" + id;
            client.registerActor(name, owner, id);
            client.lookupActor(name);
            return null;
        });
    }

    /** Control store ops in flight (each 2 to 4 requests: within the client's default window of 1,024 requests). */
    static final int WINDOW = 256;

    /**
     * The cluster section's phase ({@link ClusterBench}): the selected control-store figures against a running
     * cluster with a live node (the actors' owner), one line each to the log.
     */
    static String phase(final String ingress, final ClusterSecret secret, final long warmupMs, final long measureMs,
                        final int runs, final Predicate<String> wants, final Map<String, Double> readings,
                        final Map<String, Histogram> histograms, final PrintStream log) {
        final List<String> results = new ArrayList<>();
        try (ControlStoreQuery query = new ControlStoreQuery(ingress, secret, 10_000)) {
            final ControlClient client = query.client();
            final long owner = client.listNodes().members().stream().filter(m -> m.status().alive()
                    && m.status().totalResources().getOrDefault("CPU", 0L) > 0)  // not the driver: bundles need CPU
                .findFirst().orElseThrow(() -> new IllegalStateException("no live node with CPUs")).nodeId();
            final ControlStoreBench bench = new ControlStoreBench(client, warmupMs, measureMs, runs, WINDOW);
            if (wants.test(Cluster.CONTROL_PG)) {
                results.add(record(readings, histograms, Cluster.CONTROL_PG, bench.pgCreateRemove()));
            }
            if (wants.test(Cluster.CONTROL_PG_LIFECYCLE)) {
                results.add(record(readings, histograms, Cluster.CONTROL_PG_LIFECYCLE, bench.pgLifecycle(owner)));
            }
            if (wants.test(Cluster.CONTROL_ACTOR_SYNC)) {
                results.add(record(readings, histograms, Cluster.CONTROL_ACTOR_SYNC,
                    bench.actorRegisterLookupOneAtATime(owner)));
            }
            if (wants.test(Cluster.CONTROL_ACTOR)) {
                results.add(record(readings, histograms, Cluster.CONTROL_ACTOR,
                    bench.actorRegisterLookupRemove(owner)));
            }
        }
        results.forEach(r -> log.println("    " + r));
        return results.size() + " figures (above)";
    }

    /** Puts the figures' readings under their keys: rate, and .p50/.p99 (ns). */
    static String record(final Map<String, Double> readings, final Map<String, Histogram> histograms,
                         final String key, final Figure figure) {
        readings.put(key, figure.median());
        readings.put(key + ".p50", (double) figure.latency.getValueAtPercentile(50));
        readings.put(key + ".p99", (double) figure.latency.getValueAtPercentile(99));
        histograms.put(key, figure.latency);
        return figure.summary(key.substring(Cluster.PREFIX.length()));
    }

    private Figure pipelined(final LongFunction<CompletableFuture<?>> op) {
        final Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        runPipelined(op, warmupNs, new Histogram(TimeUnit.SECONDS.toNanos(60), 3));
        final List<Double> rates = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            rates.add(runPipelined(op, measureNs, all));
        }
        return new Figure(rates, all);
    }

    /** Keeps {@code window} ops in flight for the duration; ops/s of the ops that completed in it. */
    private double runPipelined(final LongFunction<CompletableFuture<?>> op, final long durationNs,
                                final Histogram latency) {
        final AtomicLong done = new AtomicLong();
        final List<Throwable> failures = new ArrayList<>();
        final int[] inFlight = {0};
        final long t0 = System.nanoTime();
        final long end = t0 + durationNs;
        long now = t0;
        while (now - end < 0) {
            int sent = 0;
            while (inFlight[0] < window) {
                final long start = System.nanoTime();
                inFlight[0]++;
                sent++;
                op.apply(nextId++).whenComplete((ignored, failure) -> {
                    inFlight[0]--;
                    if (failure != null) {
                        failures.add(failure);
                        return;
                    }
                    final long t = System.nanoTime();
                    if (t - end < 0) {
                        done.incrementAndGet();
                        latency.recordValue(Math.max(1, t - start));
                    }
                });
            }
            idle.idle(client.poll() + sent);
            now = System.nanoTime();
            if (!failures.isEmpty()) {
                throw new IllegalStateException(failures.size() + " ops failed, first: " + failures.get(0),
                    failures.get(0));
            }
        }
        final double rate = done.get() * 1e9 / (now - t0);
        while (inFlight[0] > 0) {
            idle.idle(client.poll());
        }
        return rate;
    }

    private Figure oneAtATime(final LongFunction<Object> op) {
        final long warmEnd = System.nanoTime() + warmupNs / 2;
        while (System.nanoTime() - warmEnd < 0) {
            op.apply(nextId++);
        }
        final Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final List<Double> rates = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            final long t0 = System.nanoTime();
            final long end = t0 + measureNs;
            long n = 0;
            long now = t0;
            while (now - end < 0) {
                op.apply(nextId++);
                final long t = System.nanoTime();
                all.recordValue(Math.max(1, t - now));
                now = t;
                n++;
            }
            rates.add(n * 1e9 / (now - t0));
        }
        return new Figure(rates, all);
    }
}
