package io.kairos.ray;

import io.kairos.NodeInfo;
import io.ray.api.Ray;
import io.ray.api.runtime.RayRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ray.init(), Ray.shutdown(), Ray.isInitialized() and the configuration read from system properties. */
class RayInitTest {
    @AfterEach
    void shutdown() {
        RayTestSupport.shutdown();
    }

    @Test
    void initStartsAKernelAndShutdownClosesIt() {
        assertFalse(Ray.isInitialized());
        RayTestSupport.init();
        assertTrue(Ray.isInitialized());
        final RayRuntime runtime = Ray.internal();
        assertInstanceOf(KairosRayRuntime.class, runtime);
        final KairosRayRuntime kairos = (KairosRayRuntime) runtime;
        assertFalse(kairos.kernel().isClosed());
        Ray.shutdown();
        assertFalse(Ray.isInitialized());
        assertTrue(kairos.kernel().isClosed());
        assertThrows(IllegalStateException.class, () -> Ray.put(1));
    }

    @Test
    void initAgainAfterShutdownStartsANewJob() {
        RayTestSupport.init();
        final String first = Ray.getRuntimeContext().getCurrentJobId().toString();
        Ray.shutdown();
        RayTestSupport.init();
        assertNotEquals(first, Ray.getRuntimeContext().getCurrentJobId().toString());
        assertEquals(42, (int) Ray.put(42).get());
    }

    @Test
    void headArgsGiveTheEmbeddedNodeItsResources() {
        RayTestSupport.init(Map.of("ray.head-args.4", "--memory=1000000", "ray.head-args.5", "--labels={\"zone\": \"a\"}"));
        final List<NodeInfo> nodes = RayTestSupport.runtime().kernel().resources();
        assertEquals(1, nodes.size());
        final Map<String, Double> total = nodes.get(0).total();
        assertEquals(4.0, total.get("CPU"));
        assertEquals(2.0, total.get("GPU"));
        assertEquals(2.0, total.get("custom"));
        assertEquals(1_000_000.0, total.get("memory"));
        final io.ray.api.runtimecontext.NodeInfo info = Ray.getRuntimeContext().getAllNodeInfo().get(0);
        assertTrue(info.isAlive);
        assertEquals(4.0, info.resources.get("CPU"));
        assertEquals("a", info.labels.get("zone"));
        assertEquals(Ray.getRuntimeContext().getCurrentNodeId(), info.nodeId);
    }

    @Test
    void namespaceAndJobIdComeFromTheirKeys() {
        RayTestSupport.init(Map.of("ray.job.namespace", "ns-1", "ray.job.id", "0000abcd"));
        assertEquals("ns-1", Ray.getRuntimeContext().getNamespace());
        assertEquals("0000abcd", Ray.getRuntimeContext().getCurrentJobId().toString());
    }

    @Test
    void withoutANamespaceOneIsMadeUp() {
        final Map<String, String> props = new java.util.HashMap<>(Map.of("ray.job.namespace", ""));
        RayTestSupport.init(props);
        assertFalse(Ray.getRuntimeContext().getNamespace().isEmpty());
    }

    @Test
    void runModeLocalIsLocalMode() {
        RayTestSupport.init(Map.of("ray.run-mode", "LOCAL"));
        assertTrue(Ray.getRuntimeContext().isLocalMode());
        Ray.shutdown();
        RayTestSupport.init(Map.of("ray.run-mode", "CLUSTER"));
        assertFalse(Ray.getRuntimeContext().isLocalMode());
    }

    @Test
    void unknownOptionsAreLoggedNotFatal() {
        try (RayTestSupport.LogCapture log = new RayTestSupport.LogCapture()) {
            RayTestSupport.init(Map.of("ray.no-such-option", "x", "ray.logging.level", "DEBUG"));
            assertTrue(Ray.isInitialized());
            final String text = log.text();
            assertTrue(text.contains("WARNING unknown Ray option ray.no-such-option=x"), text);
            assertFalse(text.contains("unknown Ray option ray.logging.level"), text);
        }
    }

    @Test
    void aMalformedOptionFailsInitNamingTheKey() {
        final RuntimeException e = assertThrows(RuntimeException.class,
            () -> RayTestSupport.init(Map.of("ray.head-args.0", "--num-cpus=many")));
        assertTrue(e.getCause().getMessage().contains("--num-cpus"), e.getCause().getMessage());
        assertFalse(Ray.isInitialized());
    }

    @Test
    void settingsReadListsItemByItemOrAsOneString() {
        final Properties p = new Properties();
        p.setProperty("ray.head-args", "--num-cpus 3 --num-gpus=1 --block");
        p.setProperty("ray.job.jvm-options.1", "-Xss2m");
        p.setProperty("ray.job.jvm-options.0", "-Xmx256m");
        p.setProperty("ray.job.code-search-path", "/a.jar:/b");
        p.setProperty("kairos.ray.task.max-retries", "1");
        final RaySettings s = RaySettings.from(p, 7);
        assertEquals(3.0, s.cpus);
        assertEquals(1, s.gpus);
        assertEquals(List.of("-Xmx256m", "-Xss2m"), s.jvmOptions);
        assertEquals(List.of("/a.jar", "/b"), s.codeSearchPath);
        assertEquals(1, s.taskMaxRetries);
        assertEquals(io.ray.api.id.JobId.fromInt(7), s.jobId);
    }

    @Test
    void olderRaysResourcesKeyIsRead() {
        final Properties p = new Properties();
        p.setProperty("ray.resources", "CPU:2,GPU:1,accel:3");
        final RaySettings s = RaySettings.from(p, 1);
        final Map<String, Double> node = s.kernelContext().conclude().nodes().get(0).resources();
        assertEquals(2.0, node.get("CPU"));
        assertEquals(1.0, node.get("GPU"));
        assertEquals(3.0, node.get("accel"));
    }
}
