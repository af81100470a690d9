package io.kairos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code kairos bench targets REPORT.json}: the targets of a suite run, judged, as the README's targets table
 * (markdown), so the README never states a verdict by hand; {@code --check} exits 4 if one is missed.
 */
@Command(name = "targets", mixinStandardHelpOptions = true,
    description = "Print the targets of a kairos bench JSON report as a markdown table (met / MISSED, with figures).")
final class BenchTargetsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "REPORT", description = "A kairos bench JSON report.")
    Path report;

    @Option(names = "--check", description = "Exit 4 if a target with a result is MISSED.")
    boolean check;

    @Override
    public Integer call() {
        final JsonNode root;
        try {
            root = new ObjectMapper().readTree(report.toFile());
        } catch (final IOException e) {
            System.err.println("kairos bench targets: cannot read " + report + ": " + e.getMessage());
            return 2;
        }
        if (!root.has("targets")) {
            System.err.println("kairos bench targets: " + report + " is not a kairos bench JSON report (no \"targets\")");
            return 2;
        }
        System.out.println("Measured " + root.path("created").asText() + " (" + root.path("mode").asText() + " run, "
            + root.path("timing").asText() + ", " + root.path("machine").path("cpus").asText() + " CPUs): "
            + summary(root));
        System.out.println();
        System.out.println("| target | figure | verdict |");
        System.out.println("|---|---|---|");
        for (final JsonNode t : root.path("targets")) {
            System.out.println("| " + t.path("description").asText() + " | " + t.path("figure").asText() + " | "
                + verdict(t) + " |");
        }
        return check && missed(root) > 0 ? 4 : 0;
    }

    /** The terminal form: a summary line, then one line per target. */
    static List<String> lines(final JsonNode report) {
        final List<String> lines = new ArrayList<>();
        lines.add("Targets: " + summary(report));
        for (final JsonNode t : report.path("targets")) {
            lines.add(String.format(Locale.ROOT, "  %-6s  %s: %s", verdict(t), t.path("description").asText(),
                t.path("figure").asText()));
        }
        return lines;
    }

    /** How many targets with a result were missed. */
    static int missed(final JsonNode report) {
        int missed = 0;
        for (final JsonNode t : report.path("targets")) {
            missed += "MISS".equals(t.path("verdict").asText()) ? 1 : 0;
        }
        return missed;
    }

    private static String summary(final JsonNode report) {
        int met = 0;
        int unknown = 0;
        for (final JsonNode t : report.path("targets")) {
            final String v = t.path("verdict").asText();
            met += "PASS".equals(v) ? 1 : 0;
            unknown += "PASS".equals(v) || "MISS".equals(v) ? 0 : 1;
        }
        final int missed = missed(report);
        return met + " met, " + missed + " MISSED" + (unknown > 0 ? ", " + unknown + " without a result" : "")
            + (missed == 0 && unknown == 0 ? " (all met)" : "");
    }

    private static String verdict(final JsonNode target) {
        return switch (target.path("verdict").asText()) {
            case "PASS" -> "met";
            case "MISS" -> "MISSED";
            default -> "n/a";
        };
    }
}
