package io.kairos.ray.example;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An unmodified Ray Java program (Ray's "Getting Started" example) runs on Kairos and prints Ray's results. */
class RayQuickStartTest {
    @Test
    void theProgramImportsOnlyRaysApi() throws IOException {
        final Path source = Path.of("src/main/java/io/kairos/ray/example/RayQuickStart.java");
        final List<String> imports = Files.readAllLines(source).stream().filter(l -> l.startsWith("import "))
            .collect(Collectors.toList());
        assertTrue(imports.stream().allMatch(l -> l.startsWith("import io.ray.api.") || l.startsWith("import java.")),
            imports.toString());
    }

    @Test
    void theProgramRunsAndPrintsItsResults() {
        final PrintStream out = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setProperty("ray.head-args.0", "--object-store-memory=67108864");
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            RayQuickStart.main(new String[0]);
        } finally {
            System.setOut(out);
            System.clearProperty("ray.head-args.0");
        }
        final String printed = captured.toString(StandardCharsets.UTF_8);
        out.print(printed);
        assertEquals(List.of("[0, 1, 4, 9]", "[1, 1, 1, 1]"), printed.lines().collect(Collectors.toList()));
    }
}
