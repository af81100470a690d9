package io.kairos.bench.plan;

import io.kairos.bench.plan.BenchPlan.Figure;
import io.kairos.bench.plan.BenchPlan.Kind;
import io.kairos.bench.plan.BenchPlan.Source;
import io.kairos.bench.plan.SuitePlan.Fact;
import io.kairos.bench.plan.SuitePlan.Latency;
import io.kairos.bench.plan.SuitePlan.Row;
import io.kairos.bench.plan.SuitePlan.Subject;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster section's figure keys and sizes. Its figures are not JMH steps: {@code io.kairos.cli.ClusterBench}
 * measures them with a real cluster on loopback (control store members and nodes as processes of their own, the
 * driver in the bench JVM) and peers in processes of their own, and records its readings under these keys (a
 * latency's histogram under its base key, its percentiles under base + {@code .p50}, {@code .p99}, {@code .p999}).
 */
public final class Cluster {
    public static final String PREFIX = "cluster.";
    public static final String GROUP = "cluster (loopback, separate processes)";
    /** A trivial task on another node, one at a time. */
    public static final String RTT_KAIROS = "cluster.rtt.kairos";
    /** Raw Aeron UDP ping-pong with the transport's settings (shared driver, backoff idle strategies). */
    public static final String RTT_AERON = "cluster.rtt.aeron";
    /** Raw Aeron UDP ping-pong, each side one busy-spinning thread driving an invoker media driver. */
    public static final String RTT_AERON_SPIN = "cluster.rtt.aeron_spin";
    /** Raw TCP echo, TCP_NODELAY. */
    public static final String RTT_TCP = "cluster.rtt.tcp";
    /** The raw peers' message size. */
    public static final int MESSAGE_BYTES = 256;
    public static final List<Long> SIZES = List.of(1L << 20, 16L << 20, 64L << 20);
    /** The smallest object --long moves too. */
    public static final long LONG_SIZE = 256L << 20;
    /** The objects --long moves too (the driver's and the node's stores get twice the largest, in /dev/shm). */
    public static final List<Long> LONG_SIZES = List.of(LONG_SIZE, 1L << 30);
    public static final String TASKS_3_NODES = "cluster.tasks_3_nodes";
    /** Placement group create + remove through Raft, pipelined; its latency under .p50 and .p99. */
    public static final String CONTROL_PG = "cluster.control.pg_create_remove";
    /** A placement group's life (create, prepare, commit, remove) through Raft, pipelined; .p50 and .p99. */
    public static final String CONTROL_PG_LIFECYCLE = "cluster.control.pg_create_prepare_commit_remove";
    /** Named-actor register + lookup + remove through Raft, pipelined; its latency under .p50 and .p99. */
    public static final String CONTROL_ACTOR = "cluster.control.actor_register_lookup_remove";
    /** Named-actor register + lookup, one request at a time: a lone caller's latency. */
    public static final String CONTROL_ACTOR_SYNC = "cluster.control.actor_register_lookup_one_at_a_time";
    public static final String RECOVERY = "cluster.recovery";
    public static final String NODE_TIMEOUT = "cluster.node_timeout";
    public static final String RTT_MISSING = "the Kairos round trip";

    private Cluster() {
    }

    /** Kairos ("kairos") or the TCP copy ("tcp") moving bytes from a node to the driver. */
    public static String transfer(final String subject, final long bytes) {
        return PREFIX + "transfer." + subject + "." + bytes;
    }

    /** "1MiB", "256MiB", "1GiB". */
    public static String size(final long bytes) {
        if (bytes >= 1L << 30 && (bytes & ((1L << 30) - 1)) == 0) {
            return (bytes >> 30) + "GiB";
        }
        return (bytes >> 20) + "MiB";
    }

    /** Rows, a latency plot, facts and targets whose figures io.kairos.cli.ClusterBench measures. */
    static void section(final SuitePlan suite, final boolean longRun) {
        final BenchPlan plan = suite.plan;
        final List<Row> rows = suite.rows;
        final List<Latency> latencies = suite.latencies;
        final List<Fact> facts = suite.facts;
        final String g = Cluster.GROUP;
        final List<Subject> series = new ArrayList<>();
        for (final String[] subject : List.of(new String[] {"Kairos", Cluster.RTT_KAIROS},
            new String[] {"TCP echo (TCP_NODELAY)", Cluster.RTT_TCP},
            new String[] {"Aeron UDP ping-pong, the transport's settings", Cluster.RTT_AERON},
            new String[] {"Aeron UDP ping-pong, busy spin", Cluster.RTT_AERON_SPIN})) {
            final String name = subject[0];
            for (final String p : List.of("p50", "p99", "p999")) {
                plan.measured.add(new Figure(subject[1] + "." + p, "cluster round trip " + p.replace("p999",
                    "p99.9") + ", " + name, Kind.LATENCY, Source.SCORE));
            }
            series.add(new Subject(name, subject[1]));
        }
        final String rttNote = "a trivial task run on another node (its own JVM), one at a time, get() each; peers: "
            + Cluster.MESSAGE_BYTES + " B messages between the bench JVM and a JVM of their own; Aeron peers are "
            + "ceilings (no scheduling, no objects)";
        for (final String p : List.of("p50", "p99")) {
            rows.add(new Row("cluster_task_round_trip_" + p, g, Kind.LATENCY, Cluster.RTT_KAIROS + "." + p, List.of(
                new Subject(series.get(1).name(), Cluster.RTT_TCP + "." + p),
                new Subject(series.get(2).name(), Cluster.RTT_AERON + "." + p, true),
                new Subject(series.get(3).name(), Cluster.RTT_AERON_SPIN + "." + p, true)), null, null, rttNote));
        }
        latencies.add(new Latency("cluster_task_round_trip", series, null));
        for (final Subject subject : series) {
            facts.add(new Fact(plan.figure(subject.key() + ".p999").label(), subject.key() + ".p999"));
        }

        final List<Long> sizes = new ArrayList<>(Cluster.SIZES);
        if (longRun) {
            sizes.addAll(Cluster.LONG_SIZES);
        }
        for (final long bytes : sizes) {
            final String size = Cluster.size(bytes);
            final String kairos = Cluster.transfer("kairos", bytes);
            final String tcp = Cluster.transfer("tcp", bytes);
            plan.measured.add(new Figure(kairos, "object transfer " + size + ", Kairos", Kind.GIGABYTES_PER_SECOND,
                Source.SCORE));
            plan.measured.add(new Figure(tcp, "object transfer " + size + ", TCP socket copy",
                Kind.GIGABYTES_PER_SECOND, Source.SCORE));
            rows.add(new Row("cluster_object_transfer_" + size, g, Kind.GIGABYTES_PER_SECOND, kairos,
                List.of(new Subject("TCP socket copy", tcp)), null, null,
                "a task on another node returns a byte[]; the driver's get() has it; peer: the same bytes over a TCP "
                    + "socket from another process into a new array"));
            plan.target("cluster object transfer " + size + " >= 0.8x a TCP socket copy", kairos, tcp, 0.8);
        }

        plan.measured.add(new Figure(Cluster.TASKS_3_NODES, "cluster tasks/s, 3 nodes", Kind.OPS_PER_SECOND,
            Source.SCORE));
        rows.add(new Row("cluster_tasks_async_3_nodes", g, Kind.OPS_PER_SECOND, Cluster.TASKS_3_NODES, List.of(), null,
            null, "the driver (CPU 0) submits small tasks at once, then waits for all; 3 nodes of 2 CPUs"));
        final String pipelined = " through Raft (3 members), one client, pipelined: up to 256 ops in flight, up to 64 "
            + "commands per message; latency from an op's first send to its last reply";
        for (final String[] control : List.of(
            new String[] {Cluster.CONTROL_PG, "control store PG create + remove", "one op = a placement group create "
                + "(1 bundle) and its remove" + pipelined + "; Ray's figure: its GCS, PG create+remove"},
            new String[] {Cluster.CONTROL_PG_LIFECYCLE, "control store PG create + prepare + commit + remove",
                "one op = a placement group's life with its two-phase reservation: create (1 bundle), prepare it on "
                    + "a node, commit, remove" + pipelined},
            new String[] {Cluster.CONTROL_ACTOR, "control store named-actor register + lookup + remove",
                "one op = a register, a lookup and a remove of a new named actor (the remove keeps the directory "
                    + "bounded)" + pipelined},
            new String[] {Cluster.CONTROL_ACTOR_SYNC, "control store named-actor register + lookup, one at a time",
                "one op = a register and a lookup of a new named actor, one request at a time, one client: a lone "
                    + "caller's latency (p50/p99 below)"})) {
            plan.measured.add(new Figure(control[0], control[1], Kind.OPS_PER_SECOND, Source.SCORE));
            rows.add(new Row(control[0].replace("cluster.control.", "cluster_control_store_"), g, Kind.OPS_PER_SECOND,
                control[0], List.of(), null, control[0].equals(Cluster.CONTROL_PG) ? 765.0 : null, control[2]));
            for (final String p : List.of("p50", "p99")) {
                final String label = "cluster " + control[1] + " " + p;
                plan.measured.add(new Figure(control[0] + "." + p, label, Kind.LATENCY, Source.SCORE));
                facts.add(new Fact(label, control[0] + "." + p));
            }
        }
        plan.target("control store PG create + remove >= 10,000 ops/s through Raft", Cluster.CONTROL_PG, 10_000, true);
        plan.target("control store named-actor register + lookup + remove >= 10,000 ops/s through Raft",
            Cluster.CONTROL_ACTOR, 10_000, true);
        plan.target("cross-node task round trip p50 <= 30 µs", Cluster.RTT_KAIROS + ".p50", 30_000, false);

        plan.measured.add(new Figure(Cluster.RECOVERY, "recovery after kill -9 of a node (median)", Kind.SECONDS,
            Source.SCORE));
        plan.measured.add(new Figure(Cluster.NODE_TIMEOUT, "cluster node timeout (recovery trials)", Kind.SECONDS,
            Source.SCORE));
        rows.add(new Row("cluster_failure_recovery", g, Kind.SECONDS, Cluster.RECOVERY, List.of(), null, null,
            "from kill -9 of a node running tasks until every task the driver had in flight completed elsewhere; "
                + "median of the trials; the control store's node timeout is a fact below"));
        facts.add(new Fact(plan.figure(Cluster.NODE_TIMEOUT).label(), Cluster.NODE_TIMEOUT));
    }
}
