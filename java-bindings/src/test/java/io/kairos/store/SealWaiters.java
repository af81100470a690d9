package io.kairos.store;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Reads a store segment's count of getters waiting for a seal, so a test acts only once its getter waits. */
final class SealWaiters {
    private SealWaiters() {
    }

    /** Waits until at least one getter of the store named storeName waits for a seal; fails after 10 s. */
    static void awaitOne(final String storeName) throws IOException {
        try (FileChannel channel = FileChannel.open(Path.of(SegmentLayout.segmentPath(storeName)),
            StandardOpenOption.READ)) {
            final MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_ONLY, 0, 4096);
            header.order(ByteOrder.nativeOrder());
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (header.getInt(SegmentLayout.SEAL_WAITERS_OFFSET) == 0) {
                if (System.nanoTime() - deadline > 0) {
                    fail("no getter of store '" + storeName + "' was seen waiting for a seal within 10 s");
                }
                Thread.onSpinWait();
            }
        }
    }
}
