package io.kairos.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Builds and runs a copy of examples/embedding, README's "Embedding Kairos" project, as an embedder would: its own
 * {@code mvn} (offline) against the Kairos artifacts installed in the local repository. So the reactor must have
 * installed them first ({@code ./kairos test}, i.e. {@code mvn -B install}); when they are missing or are not what
 * this reactor built, the test fails and says so rather than testing stale jars.
 */
class EmbeddingExampleTest {
    /** The goals README tells the reader to run (the test adds -B -o -q, no colours and this build's repository). */
    private static final List<String> GOALS = List.of("compile", "exec:exec");

    /** Reactor outputs the example resolves, each against its installed copy: (artifactId, file in the reactor). */
    private record Artifact(String artifactId, String reactorFile, String extension) {
    }

    private static final List<Artifact> ARTIFACTS = List.of(
        new Artifact("kairos-parent", "pom.xml", "pom"),
        new Artifact("kairos-bom", "bom/pom.xml", "pom"),
        new Artifact("kairos-plugins-spi", "plugins/spi/pom.xml", "pom"),
        new Artifact("kairos-plugins-spi", "plugins/spi/target/kairos-plugins-spi-@V@.jar", "jar"),
        new Artifact("kairos-java-bindings", "java-bindings/pom.xml", "pom"),
        new Artifact("kairos-java-bindings", "java-bindings/target/kairos-java-bindings-@V@.jar", "jar"),
        new Artifact("kairos-scheduler-kernel", "scheduler-kernel/pom.xml", "pom"),
        new Artifact("kairos-scheduler-kernel", "scheduler-kernel/target/kairos-scheduler-kernel-@V@.jar", "jar"));

    @Test
    void exampleBuildsAndRunsAgainstTheInstalledArtifacts() throws Exception {
        final Path repository = Path.of(EmbeddingFiles.required("kairos.local.repository"));
        checkInstalled(repository);
        final String expected = EmbeddingFiles.expectedOutput();

        final Path work = Path.of(EmbeddingFiles.required("kairos.embedding.work"));
        final Path project = work.resolve("project");
        deleteTree(work);
        copyExample(EmbeddingFiles.example(), project);
        final Path log = work.resolve("mvn-output.log");

        final List<String> command = new ArrayList<>(List.of(mvn(), "-B", "-o", "-q", "-Dstyle.color=never",
            "-Dmaven.repo.local=" + repository));
        command.addAll(GOALS);
        final ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));  // the JDK this test runs on
        final long timeoutSeconds = Long.parseLong(EmbeddingFiles.required("kairos.embedding.timeout.seconds"));

        final long start = System.nanoTime();
        final Process process = builder.start();
        final boolean exited;
        try {
            exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        } finally {
            if (process.isAlive()) {
                killTree(process);
            }
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final String output = Files.readString(log, StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*[A-Za-z]", "");
        final String run = "'" + String.join(" ", command) + "' in " + project;
        System.out.printf("embedding example: %s took %.1f s%n", run, seconds);
        if (!exited) {
            fail(run + " did not finish in " + timeoutSeconds + " s (killed with its child processes). Output:\n"
                + tail(output));
        }
        if (process.exitValue() != 0) {
            fail(run + " exited with " + process.exitValue() + ". It runs offline (-o): a plugin or dependency that "
                + "is not in " + repository + " fails it (run ./kairos test once with the network). Output:\n"
                + tail(output));
        }
        final List<String> lines = output.lines().map(String::strip).toList();
        for (final String line : expected.lines().map(String::strip).toList()) {
            if (!lines.contains(line)) {
                fail(run + " did not print '" + line + "' (README's '" + EmbeddingFiles.SECTION
                    + "', the block after 'It prints:'). Output:\n" + tail(output));
            }
        }
    }

    /** Fails, naming each one, when an installed artifact is missing or differs from the reactor's file. */
    private static void checkInstalled(final Path repository) throws IOException {
        final Path root = EmbeddingFiles.root();
        final String version = EmbeddingFiles.version();
        final List<String> problems = new ArrayList<>();
        for (final Artifact artifact : ARTIFACTS) {
            final Path built = root.resolve(artifact.reactorFile().replace("@V@", version));
            final Path installed = repository.resolve("io/kairos").resolve(artifact.artifactId()).resolve(version)
                .resolve(artifact.artifactId() + "-" + version + "." + artifact.extension());
            final String name = "io.kairos:" + artifact.artifactId() + ":" + artifact.extension() + ":" + version;
            if (!Files.isRegularFile(built)) {
                problems.add(name + ": the reactor has not built " + root.relativize(built));
            } else if (!Files.isRegularFile(installed)) {
                problems.add(name + ": not installed (no " + installed + ")");
            } else if (Files.mismatch(built, installed) != -1) {
                final Instant builtAt = Files.getLastModifiedTime(built).toInstant();
                final Instant installedAt = Files.getLastModifiedTime(installed).toInstant();
                problems.add(name + ": the installed copy (" + installedAt + ") is "
                    + (installedAt.isBefore(builtAt) ? "older than" : "not the same as") + " "
                    + root.relativize(built) + " (" + builtAt + ")");
            }
        }
        if (!problems.isEmpty()) {
            fail("The embedding example builds against the Kairos artifacts installed in " + repository
                + ", and they are not the ones this reactor built:\n  " + String.join("\n  ", problems)
                + "\nRun ./kairos test (mvn -B install), not mvn verify or package: install puts each module in the "
                + "local repository before this test runs.");
        }
    }

    private static String mvn() {
        final String home = System.getProperty("kairos.maven.home", "");
        if (!home.isBlank() && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
            return Path.of(home, "bin", "mvn").toString();  // the Maven running this build
        }
        return "mvn";
    }

    /** The example's sources and pom, not its build output. */
    private static void copyExample(final Path from, final Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (final Path path : (Iterable<Path>) paths::iterator) {
                final Path relative = from.relativize(path);
                if (relative.startsWith("target")) {
                    continue;
                }
                final Path target = to.resolve(relative.toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Kills the process and every process it started (the Maven JVM and the program's JVM). */
    private static void killTree(final Process process) throws InterruptedException {
        final List<ProcessHandle> descendants = process.descendants().toList();  // before they are reparented
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        for (final ProcessHandle handle : descendants) {
            handle.onExit().completeOnTimeout(handle, 10, TimeUnit.SECONDS).join();
        }
    }

    private static void deleteTree(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static String tail(final String output) {
        final List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
