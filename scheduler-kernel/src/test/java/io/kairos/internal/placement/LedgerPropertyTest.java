package io.kairos.internal.placement;

import io.kairos.internal.cluster.InstanceLedger;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.kairos.internal.cluster.ResourceRegistry.CPU;
import static io.kairos.internal.cluster.ResourceRegistry.GPU;
import static io.kairos.internal.cluster.ResourceRegistry.GPU_MEMORY;
import static io.kairos.spi.scheduling.FixedPoint.SCALE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property (issue 16, item 5): any sequence of allocate/release leaves every ledger at its start. A node's ledger
 * ({@link LogicalNode}: amounts, GPU instances and their GPU memory) and placement-group bundles reserved out of it
 * ({@link Bundle}) go through random interleavings of allocations that fit or not (fractional amounts, fractional,
 * whole and k.x GPUs, GPU memory, resources the node lacks, over-long and short demand arrays), CPU given back while
 * blocked and taken again, releases in random order, bundles reserved and returned; at every step each ledger's
 * available amounts equal its totals less what its held allocations hold (an exact model), and lie within
 * [0, total]; a failed allocation changes nothing; after releasing everything, available equals total exactly.
 *
 * <p>Case i uses seed {@code BASE_SEED + i}; a failure names its seed, {@link #replay(long)} runs one again.
 */
@Timeout(30)
class LedgerPropertyTest {
    static final long BASE_SEED = 0x16_05_02L;
    static final int CASES = 300;
    static final int STEPS = 150;

    /** How many allocations fitted, were refused, and bundles were reserved, over all cases (not vacuous). */
    static long fitted;
    static long refused;
    static long reserved;

    @Test
    void anySequenceOfAllocateAndReleaseLeavesEveryLedgerAtItsStart() {
        fitted = 0;
        refused = 0;
        reserved = 0;
        io.kairos.property.SeededCases.run("ledger property", LedgerPropertyTest.class, BASE_SEED, CASES,
            LedgerPropertyTest::replay);
        System.out.println("ledger property: fitted " + fitted + ", refused " + refused + ", bundles " + reserved);
        assertTrue(fitted > CASES * 10L && refused > CASES * 5L && reserved > CASES,
            "the generators exercise the ledgers: fitted " + fitted + ", refused " + refused + ", bundles " + reserved);
    }

    /** A ledger under test and the allocations held out of it, in the order taken. */
    private static final class Tracked {
        final InstanceLedger ledger;
        final Bundle bundle;
        final List<ResourceAllocation> held = new ArrayList<>();

        Tracked(final InstanceLedger ledger, final Bundle bundle) {
            this.ledger = ledger;
            this.bundle = bundle;
        }
    }

    static void replay(final long seed) {
        new Run(new SplittableRandom(seed)).run();
    }

    private static final class Run {
        final SplittableRandom random;
        final ResourceRegistry registry = new ResourceRegistry();
        final LogicalNode node;
        final int resources;
        final Tracked nodeTracked;
        final List<Tracked> bundles = new ArrayList<>();
        /** Released allocations, to be reused (allocate into). */
        final List<ResourceAllocation> spare = new ArrayList<>();
        final Map<ResourceAllocation, Boolean> blocked = new IdentityHashMap<>();
        boolean oversubscribed;
        int bundleIndex;

        Run(final SplittableRandom random) {
            this.random = random;
            final Map<String, Double> totals = new LinkedHashMap<>();
            totals.put("CPU", random.nextInt(1, 64_0000) / 10_000.0);
            final int gpus = random.nextInt(4) == 0 ? 0 : random.nextInt(1, 9);
            if (gpus > 0) {
                totals.put("GPU", (double) gpus);
            }
            final List<Double> perInstance = new ArrayList<>();
            if (gpus > 0 && random.nextBoolean()) {
                double sum = 0;
                for (int i = 0; i < gpus; i++) {
                    final double bytes = random.nextInt(1, 81) * (double) (1L << 30);
                    perInstance.add(bytes);
                    sum += bytes;
                }
                totals.put("GPU_memory", sum);
            } else if (gpus > 0 && random.nextBoolean()) {
                totals.put("GPU_memory", random.nextInt(1, 1000) * 1_000_003.0);  // split evenly, remainder to GPU 0
            }
            if (random.nextBoolean()) {
                totals.put("memory", random.nextInt(1, 1 << 20) * 4096.0);
            }
            for (int c = random.nextInt(0, 3); c > 0; c--) {
                totals.put("custom_" + c, random.nextInt(1, 100_000) / 1000.0);
            }
            node = new LogicalNode(0, "node-0", Map.of(), totals, perInstance, registry);
            registry.register("absent_" + random.nextInt(3));  // a resource the node lacks
            resources = registry.count();
            nodeTracked = new Tracked(node, null);
        }

        void run() {
            final long[] startAvailable = node.availableAmounts();
            final long[] total = totals(node);
            assertArrayEquals(total, startAvailable, "a new node has all of its totals available");
            check();
            for (int step = 0; step < STEPS; step++) {
                final int op = random.nextInt(20);
                if (op < 8) {
                    allocate(pickLedger());
                } else if (op < 13) {
                    releaseOne(pickLedger());
                } else if (op < 15) {
                    reserveBundle();
                } else if (op < 17) {
                    returnBundle();
                } else if (op < 19) {
                    blockOrUnblock(pickLedger());
                } else {
                    releaseTwice(pickLedger());
                }
                check();
            }
            // Release everything, in random order: bundle tasks, bundles, then the node's own allocations.
            while (!bundles.isEmpty()) {
                final Tracked b = bundles.get(random.nextInt(bundles.size()));
                while (!b.held.isEmpty()) {
                    releaseOne(b);
                    check();
                }
                b.bundle.returnToNode();
                nodeTracked.held.remove(b.bundle.reservation());
                bundles.remove(b);
                check();
            }
            while (!nodeTracked.held.isEmpty()) {
                releaseOne(nodeTracked);
                check();
            }
            assertArrayEquals(total, node.availableAmounts(), "fixed point: everything released, all available");
            for (int i = 0; i < node.gpuInstances(); i++) {
                assertEquals(SCALE, node.gpuInstanceAvailable(i), "GPU instance " + i + " whole again");
                assertEquals(node.gpuInstanceMemory(i), node.gpuInstanceMemoryAvailable(i),
                    "GPU instance " + i + " memory whole again");
            }
            assertEquals(0.0, node.utilization(), "utilization back to 0");
        }

        Tracked pickLedger() {
            final int i = random.nextInt(bundles.size() + 1);
            return i == bundles.size() ? nodeTracked : bundles.get(i);
        }

        long[] demand(final InstanceLedger ledger) {
            final long[] demand = new long[random.nextInt(0, resources + 3)];
            for (int r = 0; r < demand.length; r++) {
                if (random.nextInt(3) == 0) {
                    continue;  // most resources not asked for
                }
                final long total = r < resources ? ledger.total(r) : 0;
                final long amount;
                switch (random.nextInt(8)) {
                    case 0: amount = -random.nextLong(0, SCALE * 4); break;  // ignored
                    case 1: amount = random.nextLong(1, SCALE); break;  // a fraction
                    case 2: amount = random.nextLong(1, 5) * SCALE; break;  // whole units
                    case 3: amount = random.nextLong(1, 4) * SCALE + random.nextLong(1, SCALE); break;  // k.x
                    case 4: amount = total + random.nextLong(1, SCALE); break;  // more than the ledger has
                    default: amount = total <= 0 ? random.nextLong(1, SCALE) : random.nextLong(1, total / 2 + 2);
                }
                demand[r] = amount;
            }
            if (demand.length > GPU_MEMORY && demand[GPU_MEMORY] > 0 && random.nextBoolean()) {
                demand[GPU_MEMORY] = random.nextLong(1, 1L << 40);  // bytes-scale GPU memory
            }
            return demand;
        }

        void allocate(final Tracked t) {
            if (t.bundle != null && t.bundle.isReturned()) {
                return;
            }
            final long[] demand = demand(t.ledger);
            final long[] before = snapshot(t.ledger);
            final long[] nodeBefore = snapshot(node);
            final boolean fits = t.ledger.fits(demand);
            final ResourceAllocation allocation;
            if (!spare.isEmpty() && random.nextBoolean()) {
                final ResourceAllocation reused = spare.remove(random.nextInt(spare.size()));
                allocation = t.ledger.allocate(demand, reused) ? reused : null;
                if (allocation == null) {
                    spare.add(reused);
                }
            } else {
                allocation = t.ledger.allocate(demand);
            }
            assertEquals(fits, allocation != null, "allocate agrees with fits for " + Arrays.toString(demand));
            if (allocation == null) {
                refused++;
                assertArrayEquals(before, snapshot(t.ledger), "a demand that does not fit changes nothing");
                assertArrayEquals(nodeBefore, snapshot(node), "a demand that does not fit changes nothing on the node");
                return;
            }
            assertTrue(allocation.held());
            for (int r = 0; r < demand.length; r++) {
                if (r != GPU && r != GPU_MEMORY) {
                    assertEquals(Math.max(demand[r], 0), allocation.amount(r), "allocated amount of resource " + r);
                }
            }
            if (demand.length > GPU && demand[GPU] > 0) {
                long gpu = 0;
                for (int i = 0; i < allocation.gpuInstanceCount(); i++) {
                    gpu += allocation.gpuAmount(i);
                }
                assertTrue(gpu >= demand[GPU], "GPU instances hold at least the demand");
                assertEquals(allocation.amount(GPU), gpu, "GPU amount is what the instances hold");
            }
            t.held.add(allocation);
            fitted++;
        }

        void releaseOne(final Tracked t) {
            if (t.held.isEmpty()) {
                return;
            }
            final int i = random.nextInt(t.held.size());
            final ResourceAllocation allocation = t.held.get(i);
            if (t == nodeTracked && isReservation(allocation)) {
                return;  // a bundle's reservation goes back through returnToNode
            }
            t.held.remove(i);
            t.ledger.release(allocation);
            blocked.remove(allocation);
            spare.add(allocation);
        }

        void releaseTwice(final Tracked t) {
            if (spare.isEmpty()) {
                return;
            }
            final ResourceAllocation released = spare.get(random.nextInt(spare.size()));
            final long[] before = snapshot(t.ledger);
            assertThrows(IllegalStateException.class, () -> t.ledger.release(released),
                "releasing an allocation that is not held");
            assertArrayEquals(before, snapshot(t.ledger), "a refused release changes nothing");
        }

        void blockOrUnblock(final Tracked t) {
            if (t.held.isEmpty()) {
                return;
            }
            final ResourceAllocation allocation = t.held.get(random.nextInt(t.held.size()));
            if (t == nodeTracked && isReservation(allocation)) {
                return;
            }
            if (allocation.cpuReleased()) {
                t.ledger.reacquireCpuAfterBlocked(allocation);
                blocked.remove(allocation);
                oversubscribed |= t.ledger.available(CPU) < 0;
            } else {
                t.ledger.releaseCpuWhileBlocked(allocation);
                blocked.put(allocation, Boolean.TRUE);
            }
        }

        void reserveBundle() {
            final long[] demand = demand(node);
            final long[] before = snapshot(node);
            final Bundle bundle = Bundle.reserve(node, bundleIndex++, demand);
            if (bundle == null) {
                assertArrayEquals(before, snapshot(node), "a bundle that does not fit changes nothing");
                return;
            }
            nodeTracked.held.add(bundle.reservation());
            reserved++;
            bundles.add(new Tracked(bundle, bundle));
        }

        void returnBundle() {
            if (bundles.isEmpty()) {
                return;
            }
            final Tracked b = bundles.get(random.nextInt(bundles.size()));
            final long[] before = snapshot(node);
            if (!b.held.isEmpty()) {
                assertThrows(IllegalStateException.class, b.bundle::returnToNode, "a bundle still in use");
                assertArrayEquals(before, snapshot(node), "a refused return changes nothing");
                return;
            }
            b.bundle.returnToNode();
            assertTrue(b.bundle.isReturned());
            assertThrows(IllegalStateException.class, () -> b.bundle.allocate(new long[] {1}),
                "a returned bundle allocates nothing");
            nodeTracked.held.remove(b.bundle.reservation());
            bundles.remove(b);
        }

        boolean isReservation(final ResourceAllocation allocation) {
            for (final Tracked b : bundles) {
                if (b.bundle.reservation() == allocation) {
                    return true;
                }
            }
            return false;
        }

        /** Every ledger: available = total - what its held allocations hold, within [0, total]. */
        void check() {
            checkLedger(nodeTracked, "node");
            for (final Tracked b : bundles) {
                checkLedger(b, "bundle " + b.bundle.index());
            }
            // the node's GPU instances
            final long[] free = new long[node.gpuInstances()];
            final long[] memFree = new long[node.gpuInstances()];
            for (int i = 0; i < free.length; i++) {
                free[i] = SCALE;
                memFree[i] = node.gpuInstanceMemory(i);
            }
            for (final ResourceAllocation a : nodeTracked.held) {
                for (int i = 0; i < a.gpuInstanceCount(); i++) {
                    free[a.gpuInstance(i)] -= a.gpuAmount(i);
                    memFree[a.gpuInstance(i)] -= a.gpuMemory(i);
                }
            }
            for (int i = 0; i < free.length; i++) {
                assertEquals(free[i], node.gpuInstanceAvailable(i), "GPU instance " + i + " free share");
                assertEquals(memFree[i], node.gpuInstanceMemoryAvailable(i), "GPU instance " + i + " free memory");
                assertTrue(free[i] >= 0 && free[i] <= SCALE, "GPU instance " + i + " share within [0, 1]");
                assertTrue(memFree[i] >= 0 && memFree[i] <= node.gpuInstanceMemory(i),
                    "GPU instance " + i + " memory within [0, total]");
            }
        }

        void checkLedger(final Tracked t, final String what) {
            final long[] expected = totals(t.ledger);
            for (final ResourceAllocation a : t.held) {
                for (int r = 0; r < expected.length; r++) {
                    if (r == GPU) {
                        for (int i = 0; i < a.gpuInstanceCount(); i++) {
                            expected[r] -= a.gpuAmount(i);
                        }
                    } else if (!(r == CPU && a.cpuReleased())) {
                        expected[r] -= a.amount(r);
                    }
                }
            }
            for (int r = 0; r < expected.length; r++) {
                final long available = t.ledger.available(r);
                assertEquals(expected[r], available, what + " resource " + registry.name(r) + " available");
                assertTrue(available <= t.ledger.total(r), what + " resource " + r + " available above total");
                if (r != CPU || !oversubscribed) {
                    assertTrue(available >= 0, what + " resource " + r + " available below 0: " + available);
                }
            }
        }

        long[] totals(final InstanceLedger ledger) {
            final long[] t = new long[lengthOf(ledger)];
            for (int r = 0; r < t.length; r++) {
                t[r] = ledger.total(r);
            }
            return t;
        }

        long[] snapshot(final InstanceLedger ledger) {
            final int n = lengthOf(ledger);
            final long[] s = new long[n + (ledger == node ? 2 * node.gpuInstances() : 0)];
            for (int r = 0; r < n; r++) {
                s[r] = ledger.available(r);
            }
            if (ledger == node) {
                for (int i = 0; i < node.gpuInstances(); i++) {
                    s[n + 2 * i] = node.gpuInstanceAvailable(i);
                    s[n + 2 * i + 1] = node.gpuInstanceMemoryAvailable(i);
                }
            }
            return s;
        }

        /** The ledger's resource count. */
        int lengthOf(final InstanceLedger ledger) {
            return ledger instanceof Bundle b ? b.reservation().amounts().length : node.availableAmounts().length;
        }
    }

    @Test
    void aLedgerThatRefusesEveryDemandStaysWhole() {
        final ResourceRegistry registry = new ResourceRegistry();
        final LogicalNode node = new LogicalNode(0, "n", Map.of(), Map.of("CPU", 1.0), registry);
        assertNull(node.allocate(new long[] {2 * SCALE}));
        assertEquals(SCALE, node.available(CPU));
    }
}
