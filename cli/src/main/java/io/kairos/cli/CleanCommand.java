package io.kairos.cli;

import io.kairos.store.SharedObjectStore;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kairos clean}: removes the shared-memory segments ({@code /dev/shm/kairos-*}) of this user's stores whose
 * owner process is gone, as every kernel does when it starts; a live owner's segment, another user's, and a file that
 * is not a store's are left alone.
 */
@Command(name = "clean", mixinStandardHelpOptions = true,
    description = "Removes the shared-memory segments of crashed kernels (this user's /dev/shm/kairos-* whose owner "
        + "is gone).")
final class CleanCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        final List<String> removed = SharedObjectStore.removeStaleSegments();
        for (final String name : removed) {
            System.out.println("removed " + SharedObjectStore.SHM_DIRECTORY.resolve("kairos-" + name));
        }
        System.out.println(removed.isEmpty() ? "no stale segment in " + SharedObjectStore.SHM_DIRECTORY
            : "removed " + removed.size() + " stale segment(s)");
        return 0;
    }
}
