package io.kairos.cli;

import io.kairos.JournalHistory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code kairos state DATA_DIR [--tasks STATE]}: what a kernel's journal says, as {@code ray list tasks} does: how
 * many tasks are in each state, the actors, and the tasks of one state.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
    description = "Lists the tasks and actors a kernel's journal recorded, by state.")
final class StateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DATA_DIR", description = "the kernel's data directory (KernelContext.dataDirectory)")
    Path dataDirectory;

    @Option(names = "--tasks", paramLabel = "STATE",
        description = "list the tasks in this state: ${COMPLETION-CANDIDATES}")
    JournalHistory.TaskState listed;

    @Option(names = "--limit", description = "list at most this many (default ${DEFAULT-VALUE})")
    int limit = 50;

    @Override
    public Integer call() {
        final JournalHistory history = JournalHistory.read(dataDirectory);
        System.out.println("tasks (" + history.tasks().size() + "):");
        for (final Map.Entry<JournalHistory.TaskState, Integer> e : history.taskCounts().entrySet()) {
            System.out.printf(Locale.ROOT, "  %-14s %d%n", e.getKey(), e.getValue());
        }
        System.out.println("actors (" + history.actors().size() + "):");
        for (final JournalHistory.ActorRecord actor : history.actors()) {
            System.out.printf(Locale.ROOT, "  %-8d %s%n", actor.id(), actor.state());
        }
        if (listed != null) {
            System.out.println(listed + " tasks:");
            history.tasks(listed).stream().limit(limit).forEach(t -> System.out.printf(Locale.ROOT,
                "  %-8d %-40s node %d, %d attempt(s)%n", t.id(), t.name(), t.node(), t.attempts()));
        }
        return 0;
    }
}
