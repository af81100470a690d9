package io.kairos.raypeer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's command line: {@code --out FILE [--warmup-ms N] [--measure-ms N] [--rounds N] [--only a,b,...]}.
 *
 * @param out       where the JSON report goes
 * @param warmupMs  warm-up time per benchmark, milliseconds (0 allowed)
 * @param measureMs length of one measured round, milliseconds
 * @param rounds    measured rounds per benchmark
 * @param only      the benchmarks to run, in suite order; all when the option is absent
 */
record SuiteOptions(Path out, long warmupMs, long measureMs, int rounds, List<String> only) {

    static final String USAGE = "usage: RayLocalSuite --out FILE [--warmup-ms N] [--measure-ms N] [--rounds N]"
        + " [--only name1,name2,...]";

    static final long WARMUP_MS_DEFAULT = 1000;
    static final long MEASURE_MS_DEFAULT = 1000;
    static final int ROUNDS_DEFAULT = 3;

    /**
     * Parses the arguments.
     *
     * @param args  the command line
     * @param known the benchmark names, in suite order
     * @return the options; {@code only} keeps the order of {@code known}
     * @throws IllegalArgumentException naming what is wrong
     */
    static SuiteOptions parse(final String[] args, final List<String> known) {
        Path out = null;
        long warmupMs = WARMUP_MS_DEFAULT;
        long measureMs = MEASURE_MS_DEFAULT;
        int rounds = ROUNDS_DEFAULT;
        List<String> only = known;
        for (int i = 0; i < args.length; i += 2) {
            final String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + option);
            }
            final String value = args[i + 1];
            switch (option) {
                case "--out" -> out = Path.of(value);
                case "--warmup-ms" -> warmupMs = number(option, value, 0);
                case "--measure-ms" -> measureMs = number(option, value, 1);
                case "--rounds" -> rounds = (int) Math.min(number(option, value, 1), Integer.MAX_VALUE);
                case "--only" -> only = select(value, known);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out FILE is required");
        }
        return new SuiteOptions(out, warmupMs, measureMs, rounds, only);
    }

    private static long number(final String option, final String value, final long min) {
        final long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " wants a number, got '" + value + "'");
        }
        if (n < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", got " + n);
        }
        return n;
    }

    private static List<String> select(final String value, final List<String> known) {
        final List<String> wanted = new ArrayList<>();
        for (String name : value.split(",")) {
            if (!name.isBlank()) {
                wanted.add(name.strip());
            }
        }
        final List<String> unknown = new ArrayList<>(wanted);
        unknown.removeAll(known);
        if (!unknown.isEmpty() || wanted.isEmpty()) {
            throw new IllegalArgumentException("unknown benchmark(s) " + unknown + " in --only; known: "
                + String.join(",", known));
        }
        final List<String> selected = new ArrayList<>(known);
        selected.retainAll(wanted);
        return List.copyOf(selected);
    }
}
