package io.kairos.ray;

import io.ray.api.Ray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Starts Ray (on Kairos) with system properties as a Ray Java program would be started, and stops it. */
final class RayTestSupport {
    /** The embedded node of most tests: 4 CPUs, 2 GPUs, a custom resource, a 64 MiB store. */
    static final Map<String, String> DEFAULTS = Map.of(
        "ray.job.namespace", "kairos-test",
        "ray.head-args.0", "--num-cpus=4",
        "ray.head-args.1", "--num-gpus=2",
        "ray.head-args.2", "--resources={\"custom\": 2}",
        "ray.head-args.3", "--object-store-memory=67108864");

    private static final List<String> SET = new ArrayList<>();

    private RayTestSupport() {
    }

    static void init() {
        init(Map.of());
    }

    /** Ray.init() with the defaults and these properties over them. */
    static void init(final Map<String, String> properties) {
        initWithout(properties, List.of());
    }

    /** Ray.init() with the defaults but the keys dropped, and these properties over them. */
    static void initWithout(final Map<String, String> properties, final List<String> dropped) {
        final Map<String, String> all = new LinkedHashMap<>(DEFAULTS);
        dropped.forEach(all::remove);
        all.putAll(properties);
        all.forEach((k, v) -> {
            System.setProperty(k, v);
            SET.add(k);
        });
        try {
            Ray.init();
        } finally {
            clearProperties();
        }
    }

    static void shutdown() {
        Ray.shutdown();
        clearProperties();
    }

    private static void clearProperties() {
        SET.forEach(System::clearProperty);
        SET.clear();
    }

    static KairosRayRuntime runtime() {
        return (KairosRayRuntime) Ray.internal();
    }

    /** Collects what the adapter logs (System.Logger goes to java.util.logging by default). */
    static final class LogCapture extends Handler implements AutoCloseable {
        final List<LogRecord> records = new ArrayList<>();
        private final Logger logger = Logger.getLogger("io.kairos.ray");

        LogCapture() {
            logger.addHandler(this);
        }

        synchronized String text() {
            final StringBuilder b = new StringBuilder();
            records.forEach(r -> b.append(r.getLevel()).append(' ').append(r.getMessage()).append('\n'));
            return b.toString();
        }

        @Override
        public synchronized void publish(final LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }

    /** Opens every latch (so no task or call stays parked on one) and forgets them. */
    static void openAndClear(final java.util.Map<String, java.util.concurrent.CountDownLatch> latches) {
        latches.values().forEach(l -> {
            while (l.getCount() > 0) {
                l.countDown();
            }
        });
        latches.clear();
    }
}
