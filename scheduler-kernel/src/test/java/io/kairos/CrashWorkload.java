package io.kairos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The kernel process of {@link JournalCrashTest}: {@code first DIR LOG N} submits N tasks on a kernel journaling
 * into DIR, syncs the journal, prints "SUBMITTED" and waits for them; {@code recover DIR LOG} starts a kernel on DIR,
 * prints "RECOVERED ids..." (the tasks it submits again), "KV progress ACTOR label" (the key-value entry and the named
 * actor the first kernel made), waits for every recovered result, then prints "DONE".
 * Each task spins for 200 us and appends "generation taskId index" to LOG (one small O_APPEND write: atomic).
 */
public final class CrashWorkload {
    private CrashWorkload() {
    }

    public static int work(final int index, final String log) throws IOException {
        final long until = System.nanoTime() + 200_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        final String line = System.getProperty("kairos.generation") + " " + TaskContext.current().taskId() + " "
            + index + "\n";
        Files.write(Path.of(log), line.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE,
            StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return index;
    }

    /** A named actor kept across restarts. */
    public static final class Keeper {
        private final String label;

        public Keeper(final String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static void main(final String[] args) throws Exception {
        final Path dir = Path.of(args[1]);
        final String log = args[2];
        try (Kernel kernel = Kernel.start(new KernelContext().cpus(2).dataDirectory(dir))) {
            if (args[0].equals("first")) {
                final int count = Integer.parseInt(args[3]);
                kernel.kv().put("progress", "submitting".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                kernel.actor(Keeper::new, "kept").setName("keeper").remote();
                final List<ObjectRef<Integer>> refs = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    refs.add(kernel.task(CrashWorkload::work, i, log).remote());
                }
                kernel.syncJournal(Duration.ofSeconds(30));
                System.out.println("SUBMITTED");
                System.out.flush();
                for (final ObjectRef<Integer> ref : refs) {
                    ref.get(Duration.ofSeconds(60));
                }
            } else {
                final Recovery recovery = kernel.recovery();
                final StringBuilder ids = new StringBuilder("RECOVERED ").append(recovery.endedBefore());
                for (final Long id : recovery.tasks().keySet()) {
                    ids.append(' ').append(id);
                }
                System.out.println(ids);
                final byte[] progress = kernel.kv().get("progress");
                System.out.println("KV " + (progress == null ? "none"
                    : new String(progress, java.nio.charset.StandardCharsets.UTF_8)) + " ACTOR "
                    + kernel.<Keeper>getActor("keeper").map(a -> a.task(Keeper::label).remote()
                        .get(Duration.ofSeconds(30))).orElse("none"));
                System.out.flush();
                for (final Map.Entry<Long, ObjectRef<?>> entry : recovery.tasks().entrySet()) {
                    entry.getValue().get(Duration.ofSeconds(60));
                }
                if (!recovery.unrecoverable().isEmpty()) {
                    System.out.println("UNRECOVERABLE " + recovery.unrecoverable());
                }
            }
            System.out.println("DONE");
            System.out.flush();
        }
    }
}
