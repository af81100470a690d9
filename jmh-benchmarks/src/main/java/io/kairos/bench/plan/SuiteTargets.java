package io.kairos.bench.plan;

import java.util.Locale;

/**
 * The goals of issue 15 ("close the ratios"), as targets of the suite: every hot path at least a fraction of the best
 * plain-JDK peer measured in the same run, big copies at the memory limit, and the absolute bounds that go with them;
 * and those of issue 25 (Ray's scalability envelope: many actors, their first call, the largest object).
 * {@code kairos bench} prints each as met or MISSED with its figure, the JSON report carries the verdicts, and
 * {@code kairos bench --check} exits non-zero when one with a result is missed.
 */
final class SuiteTargets {
    private SuiteTargets() {
    }

    static void add(final SuitePlan s) {
        ratio(s, "single_client_tasks_async", SuitePlan.FJP, 0.5);
        ratio(s, "multi_client_tasks_async", SuitePlan.FJP, 0.5);
        ratio(s, "1_1_actor_calls_async", SuitePlan.STE, 0.7);
        ratio(s, "1_1_actor_calls_concurrent", "fixed thread pool (2)", 0.5);
        ratio(s, "n_n_actor_calls_with_arg_async", null, 1.0);
        ratio(s, "single_client_wait_1k_refs", "CompletableFuture.allOf(1k)", 1.0);
        ratio(s, "single_client_put_calls_shared_store", "memory copy 128 KiB", 0.8);
        ratio(s, "multi_client_put_gigabytes", "memory copy 64 MiB, 2 threads", 0.9);
        // a journal adds at most 10%: the journaled rate at least 1 / 1.1 of the same kernel's without one
        ratio(s, "single_client_tasks_async_journaled", SuitePlan.NO_JOURNAL, 1 / 1.1);
        final SuitePlan.Row get = row(s, "store_get_64B");
        s.plan.target("store_get_64B: a get + release <= 40 ns (>= 25,000,000 gets/s)", get.kairosKey(), 25e6, true);
        s.plan.target("1M queued tasks <= 100 B each (retained heap)", "queued.retained", 100, false);
        envelope(s);
    }

    /** Issue 25's goals: Ray's scalability envelope on one kernel. */
    private static void envelope(final SuitePlan s) {
        s.plan.target("many_actors >= 100,000 in-process actors/s created and called once (<= 10 µs each)",
            Envelope.MANY_ACTORS, 100_000, true);
        // "no round slower than the first", with 10% for this machine's noise
        s.plan.target("many_actors: no round slower than the first (slowest round >= 0.9x the first)",
            Envelope.MANY_ACTORS + ".slowest_round", Envelope.MANY_ACTORS + ".first_round", 0.9);
        // first <= 2 x warm, written as warm >= 0.5 x first (a relative target is a lower bound)
        s.plan.target("a new actor's first call within 2x a warm call (warm >= 0.5x first)",
            Envelope.MANY_ACTORS + ".warm_call", Envelope.MANY_ACTORS + ".first_call", 0.5);
        s.plan.target("actors in worker JVMs >= 551 actors/s (Ray's many_actors)", Envelope.ISOLATED, 551, true);
        ratio(s, "large_object_put", null, 0.8);
    }

    /**
     * A row's figure at least {@code fraction} of one of its peers' in the same run.
     *
     * @param peer the peer's name, or null for the row's only peer
     */
    private static void ratio(final SuitePlan s, final String name, final String peer, final double fraction) {
        final SuitePlan.Row row = row(s, name);
        final SuitePlan.Subject subject = row.peers().stream()
            .filter(p -> peer == null ? row.peers().size() == 1 : p.name().equals(peer)).findFirst()
            .orElseThrow(() -> new IllegalStateException("row " + name + " has no peer " + peer + ": "
                + row.peers()));
        s.plan.target(String.format(Locale.ROOT, "%s >= %.2fx %s", name, fraction, subject.name()),
            row.kairosKey(), subject.key(), fraction);
    }

    private static SuitePlan.Row row(final SuitePlan s, final String name) {
        return s.rows.stream().filter(r -> r.name().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalStateException("no row " + name));
    }
}
