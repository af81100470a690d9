package io.kairos.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The overloads checked in between the markers of {@code TaskCalls} and {@code ActorCalls} are what
 * {@link CallsGenerator} produces. Files are read under {@link CallsGenerator#moduleDir()} (the module directory under
 * Surefire; {@code -Dkairos.moduleDir=...} overrides it).
 */
class GeneratedCallsTest {

    @Test
    void checkedInOverloadsAreGenerated() throws IOException {
        for (CallsGenerator.Target target : CallsGenerator.TARGETS) {
            Path file = CallsGenerator.moduleDir().resolve(target.path()).toAbsolutePath().normalize();
            String source = Files.readString(file);
            String generated;
            try {
                generated = CallsGenerator.regenerate(source, target.regions());
            } catch (IllegalStateException e) {
                fail(file + ": " + e.getMessage() + "; restore the markers, then regenerate with: "
                        + CallsGenerator.COMMAND);
                return;
            }
            if (!generated.equals(source)) {
                fail(file + " differs from what io.kairos.codegen.CallsGenerator generates ("
                        + firstDifference(source, generated) + "). Do not edit the overloads between the markers by"
                        + " hand; regenerate them from the repository root with: " + CallsGenerator.COMMAND);
            }
        }
    }

    /** Every value/reference combination of every arity: 2^0 + .. + 2^max overloads per family. */
    @Test
    void generatesEveryCombination() {
        assertEquals(127, count(CallsGenerator.overloads(CallsGenerator.TASK)));
        assertEquals(127, count(CallsGenerator.overloads(CallsGenerator.ACTOR)));
        assertEquals(63, count(CallsGenerator.overloads(CallsGenerator.ACTOR_TASK)));
    }

    @Test
    void rewritesOnlyBetweenTheMarkerLines() {
        String head = "/** Overloads end at {@code " + CallsGenerator.END + "}. */\n"
                + "class X {\n    int handWritten;\n\n    " + CallsGenerator.BEGIN + "\n";
        String tail = "    " + CallsGenerator.END + "\n    int alsoHandWritten;\n}\n";
        String source = head + "    stale();\n" + tail;
        assertEquals(head + CallsGenerator.overloads(CallsGenerator.ACTOR_TASK) + tail,
                CallsGenerator.regenerate(source, List.of(CallsGenerator.ACTOR_TASK)));
        assertThrows(IllegalStateException.class, () -> CallsGenerator.regenerate(head, List.of(CallsGenerator.TASK)));
        assertThrows(IllegalStateException.class, () -> CallsGenerator.regenerate(source, List.of()));
    }

    private static long count(String overloads) {
        return overloads.lines().filter(line -> line.startsWith("    public final ")).count();
    }

    private static String firstDifference(String actual, String expected) {
        List<String> a = actual.lines().toList();
        List<String> e = expected.lines().toList();
        for (int i = 0; i < Math.max(a.size(), e.size()); i++) {
            String x = i < a.size() ? a.get(i) : "<end of file>";
            String y = i < e.size() ? e.get(i) : "<end of file>";
            if (!x.equals(y)) {
                return "line " + (i + 1) + " is '" + x.strip() + "', generated '" + y.strip() + "'";
            }
        }
        return "line endings differ";
    }
}
