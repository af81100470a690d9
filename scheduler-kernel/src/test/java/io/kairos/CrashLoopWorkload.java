package io.kairos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel on a data directory that fills its store with large objects, says so, and waits to be killed: one round
 * of {@link CrashLoopTest}'s crash loop. Prints the store's name, then FILLED.
 */
public final class CrashLoopWorkload {
    private CrashLoopWorkload() {
    }

    public static void main(final String[] args) throws Exception {
        final Kernel kernel = Kernel.start(new KernelContext().cpus(1).dataDirectory(Path.of(args[0]))
            .objectStoreBytes(32L << 20));
        final List<ObjectRef<byte[]>> kept = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            kept.add(kernel.put(new byte[1 << 20]));  // large: into the shared store
        }
        if (!kept.get(15).isStored()) {
            throw new IllegalStateException("the objects did not go to the store");
        }
        System.out.println(kernel.objectStoreName());
        System.out.println("FILLED");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);  // until the test's kill -9
    }
}
