package io.kairos.cli;

import io.kairos.JournalHistory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code kairos timeline DATA_DIR [-o FILE]}: the run recorded in a kernel's journal as a Chrome trace (open it in
 * chrome://tracing or Perfetto), as {@code ray timeline} does.
 */
@Command(name = "timeline", mixinStandardHelpOptions = true,
    description = "Writes the tasks a kernel's journal recorded as a Chrome trace (chrome://tracing, Perfetto).")
final class TimelineCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DATA_DIR", description = "the kernel's data directory (KernelContext.dataDirectory)")
    Path dataDirectory;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "where to write (default: timeline.json)")
    Path output = Path.of("timeline.json");

    @Override
    public Integer call() throws Exception {
        final JournalHistory history = JournalHistory.read(dataDirectory);
        try (Writer out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            history.writeChromeTrace(out);
        }
        System.out.println("kairos: " + history.tasks().size() + " tasks from " + history.records()
            + " journal records -> " + output);
        return 0;
    }
}
