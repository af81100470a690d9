package io.kairos.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kairos node}'s options that do not parse are refused with the option and the bad entry named. */
class NodeCommandTest {
    @Test
    void resourcesAndLabelsParse() {
        assertEquals(Map.of("CPU", 16.0, "GPU", 4.0), NodeCommand.parseAmounts("--resources", "CPU=16, GPU=4"));
        assertEquals(Map.of("zone", "a", "rack", "3"), NodeCommand.parsePairs("--labels", "zone=a,rack=3"));
    }

    @Test
    void anEntryWithoutAnAmountIsNamed() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> NodeCommand.parseAmounts("--resources", "CPU=16,GPU"));
        assertTrue(e.getMessage().contains("--resources: 'GPU' is not NAME=VALUE"), e.getMessage());
    }

    @Test
    void anAmountThatIsNotANumberIsNamed() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> NodeCommand.parseAmounts("--resources", "CPU=lots"));
        assertTrue(e.getMessage().contains("the amount of CPU, 'lots', is not a number"), e.getMessage());
    }

    @Test
    void aNameGivenTwiceIsRefused() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> NodeCommand.parsePairs("--labels", "zone=a,zone=b"));
        assertTrue(e.getMessage().contains("zone is given twice"), e.getMessage());
    }

    @Test
    void theCommandLineRefusesAMalformedControlEndpointWithoutStartingAnything() {
        final int code = KairosCli.commandLine().execute("node", "--control", "localhost:99999", "--secret-file",
            "/nonexistent", "--node-id", "x");
        assertTrue(code != 0, "exit code " + code);
    }
}
