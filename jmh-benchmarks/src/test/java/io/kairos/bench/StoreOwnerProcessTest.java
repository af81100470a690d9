package io.kairos.bench;

import io.kairos.store.ObjectNotFoundException;
import io.kairos.store.SharedObjectStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreOwnerProcessTest {
    @Test
    void childOwnsTheStoreUntilItsStdinCloses() throws Exception {
        final String name = StoreNames.unique("owner-test");
        final StoreOwnerProcess.Child owner = StoreOwnerProcess.start(name, StoreCrossProcessGetBenchmark.OBJECTS,
            StoreCrossProcessGetBenchmark.SIZE, Duration.ofSeconds(60));
        try (SharedObjectStore store = SharedObjectStore.attach(name)) {
            StoreCrossProcessGetBenchmark.verify(store);
        } finally {
            owner.close();
        }
        assertEquals(0, owner.exitValue());
        assertThrows(ObjectNotFoundException.class, () -> SharedObjectStore.attach(name));
    }

    @Test
    void aChildThatCannotStartIsReportedWithItsStderr() {
        // An invalid store name: the child fails in create and exits before READY.
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> StoreOwnerProcess.start("bad/name", 1, 64, Duration.ofSeconds(60)));
        assertTrue(e.getMessage().contains("exited before printing READY (exit 1)"), e.getMessage());
        assertTrue(e.getMessage().contains("StoreInvalidArgumentException"), e.getMessage());
    }
}
