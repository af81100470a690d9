package io.kairos.internal.cluster;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceRegistryTest {
    private final ResourceRegistry registry = new ResourceRegistry();

    @Test
    void builtInResourcesHaveFixedIndices() {
        assertEquals(ResourceRegistry.CPU, registry.indexOf("CPU"));
        assertEquals(ResourceRegistry.GPU, registry.indexOf("GPU"));
        assertEquals(ResourceRegistry.MEMORY, registry.indexOf("memory"));
        assertEquals(ResourceRegistry.OBJECT_STORE_MEMORY, registry.indexOf("object_store_memory"));
        assertEquals(ResourceRegistry.GPU_MEMORY, registry.indexOf("GPU_memory"));
        assertEquals(5, registry.count());
        assertEquals("object_store_memory", registry.name(3));
    }

    @Test
    void registerAppendsACustomResource() {
        assertEquals(5, registry.register("TPU"));
        assertEquals(6, registry.register("accelerator_type:A100"));
        assertEquals(7, registry.count());
        assertEquals("TPU", registry.name(5));
    }

    @Test
    void registerReturnsTheExistingIndex() {
        final int tpu = registry.register("TPU");
        assertEquals(tpu, registry.register("TPU"));
        assertEquals(ResourceRegistry.GPU, registry.register("GPU"));
        assertEquals(6, registry.count());
    }

    @Test
    void registerRejectsAnEmptyName() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.register(""));
        assertEquals("resource name must be non-empty, was empty", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> registry.register(null));
    }

    @Test
    void registerRejectsCharactersOutsideThePattern() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> registry.register("my resource"));
        assertEquals("resource name 'my resource' must match [A-Za-z0-9_./:-]{1,64}", e.getMessage());
    }

    @Test
    void registerRejectsNamesLongerThan64() {
        registry.register("a".repeat(64));
        assertThrows(IllegalArgumentException.class, () -> registry.register("a".repeat(65)));
    }

    @Test
    void indexOfAnUnknownResourceIsMinusOne() {
        assertEquals(-1, registry.indexOf("TPU"));
        assertEquals(-1, registry.indexOf(null));
    }

    @Test
    void nameOfAnIndexOutOfRangeNamesTheRange() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.name(9));
        assertEquals("resource index 9 is outside 0..4", e.getMessage());
    }

    @Test
    void demandIsFixedPointIndexedByResource() {
        final int tpu = registry.register("TPU");
        final long[] demand = registry.demand(Map.of("CPU", 2.0, "GPU", 0.25, "TPU", 1.0));
        assertEquals(registry.count(), demand.length);
        assertEquals(20_000, demand[ResourceRegistry.CPU]);
        assertEquals(2_500, demand[ResourceRegistry.GPU]);
        assertEquals(0, demand[ResourceRegistry.MEMORY]);
        assertEquals(10_000, demand[tpu]);
    }

    @Test
    void demandRejectsAnUnknownResourceListingTheKnownOnes() {
        registry.register("FPGA");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> registry.demand(Map.of("TPU", 1.0)));
        assertEquals("unknown resource 'TPU'; known: CPU, GPU, memory, object_store_memory, GPU_memory, FPGA", e.getMessage());
    }

    @Test
    void demandRejectsANegativeAmountNamingTheResourceAndLimit() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> registry.demand(Map.of("CPU", -1.0)));
        assertEquals("resource 'CPU' amount -1.0 is outside 0..70368744177664", e.getMessage());
    }

    @Test
    void demandRejectsNaN() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> registry.demand(Map.of("memory", Double.NaN)));
        assertTrue(e.getMessage().startsWith("resource 'memory' amount NaN"), e.getMessage());
    }

    @Test
    void demandRejectsAnAmountAboveTheMaximum() {
        assertThrows(IllegalArgumentException.class, () -> registry.demand(Map.of("memory", 0x1p47)));
    }

    @Test
    void demandRejectsAnAmountBelowTheSmallestUnit() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> registry.demand(Map.of("GPU", 0.00001)));
        assertEquals("resource 'GPU' amount 1.0E-5 is below the smallest unit 0.0001", e.getMessage());
    }

    @Test
    void demandRejectsANullAmount() {
        final Map<String, Double> amounts = new LinkedHashMap<>();
        amounts.put("CPU", null);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.demand(amounts));
        assertEquals("resource 'CPU' amount must be a number, was null", e.getMessage());
    }

    @Test
    void demandRejectsAFractionalGpuAboveOne() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> registry.demand(Map.of("GPU", 1.5)));
        assertEquals("GPU 1.5: amounts above 1 must be whole numbers", e.getMessage());
    }

    @Test
    void demandAcceptsWholeGpusAndFractionsUpToOne() {
        assertEquals(30_000, registry.demand(Map.of("GPU", 3.0))[ResourceRegistry.GPU]);
        assertEquals(10_000, registry.demand(Map.of("GPU", 1.0))[ResourceRegistry.GPU]);
        assertEquals(1, registry.demand(Map.of("GPU", 0.0001))[ResourceRegistry.GPU]);
    }

    @Test
    void anEmptyDemandIsAllZeros() {
        assertArrayEquals(new long[5], registry.demand(Map.of()));
    }

    @Test
    void formatPrintsUnits() {
        assertEquals("2.0", ResourceRegistry.format(20_000));
        assertEquals("0.5", ResourceRegistry.format(5_000));
        assertEquals("0.0001", ResourceRegistry.format(1));
        assertEquals("1073741824.0", ResourceRegistry.format(1_073_741_824L * 10_000));
        assertEquals("-1.5", ResourceRegistry.format(-15_000));
    }
}
