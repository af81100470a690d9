package io.kairos.cli;

import org.openjdk.jmh.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kairos jmh [args...]}: hands every argument to {@link org.openjdk.jmh.Main}, for full runs, e.g.
 * {@code kairos jmh StoreGet -prof gc} or {@code kairos jmh -h}. JMH exits the JVM itself on a failure.
 */
@Command(name = "jmh", description = {"Runs JMH with these arguments (full runs: 3 forks by default).",
    "Examples: jmh -l   jmh StorePut -p size=64   jmh StoreGet -f 1 -wi 1 -i 3 -prof gc   jmh -h"})
final class JmhCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ARGS", description = "JMH's arguments", arity = "0..*")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Main.main(args.toArray(new String[0]));
        return 0;
    }
}
