package io.kairos.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of the house that check themselves, over the main classes of every module (this module sees them all):
 * plugins and the CLI use the public API, never {@code io.kairos.internal}; the plugin SPI depends on nothing of the
 * kernel; no package cycle; only the conductor's package writes the conductor-owned state; no main source file is
 * over 600 lines but generated ones. Each rule is also run against a planted violation, so that it is shown to fail.
 */
class ArchitectureTest {
    /** The types whose mutable state the conductor owns (package-private: named, not imported). */
    static final Set<String> CONDUCTOR_OWNED = Set.of(
        "io.kairos.internal.conductor.TaskSpec",
        "io.kairos.internal.conductor.ActorState",
        "io.kairos.internal.conductor.ObjectState",
        "io.kairos.internal.conductor.GroupState");
    static final String CONDUCTOR_PACKAGE = "io.kairos.internal.conductor";
    private static final int MAX_LINES = 600;

    private static JavaClasses main;
    private static JavaClasses planted;

    @BeforeAll
    static void importClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kairos");
        planted = new ClassFileImporter().importPackages("io.kairos.architecture.planted");
    }

    static ArchRule pluginsAndCliUseThePublicApiOnly() {
        return noClasses().that().resideInAnyPackage("io.kairos.cli..", "io.kairos.spi..", "io.kairos.journal..",
                "io.kairos.metadata..", "io.kairos.cluster..", "io.kairos.data..", "io.kairos.train..",
                "io.kairos.architecture.planted.plugin..")
            .should().dependOnClassesThat().resideInAPackage("io.kairos.internal..")
            .because("plugins and the CLI see the SPI and the public API; the machinery may change under them");
    }

    static ArchRule theSpiDependsOnNothingOfTheKernel() {
        return noClasses().that().resideInAnyPackage("io.kairos.spi..", "io.kairos.architecture.planted.spi..")
            .should().dependOnClassesThat().resideOutsideOfPackages("io.kairos.spi..", "java..",
                "io.kairos.architecture.planted.spi..")
            .because("plugins/spi is the plugin boundary: only the JDK and itself");
    }

    static ArchRule noPackageCycles() {
        return slices().matching("(**)").should().beFreeOfCycles()
            .because("packages are layered: io.kairos over io.kairos.internal.* over io.kairos.exception/function");
    }

    /**
     * Enforced in two parts: outside the conductor's package no code writes a field of a conductor-owned type, and
     * those types declare no public mutable field (so the compiler keeps others from writing them too).
     */
    static ArchRule onlyTheConductorPackageWritesConductorState() {
        return noClasses().that().resideOutsideOfPackages(CONDUCTOR_PACKAGE, "io.kairos.architecture.planted.conductor")
            .should().setFieldWhere(new DescribedPredicate<JavaFieldAccess>("a field of a conductor-owned type") {
                @Override
                public boolean test(final JavaFieldAccess access) {
                    final String owner = access.getTargetOwner().getName();
                    return CONDUCTOR_OWNED.contains(owner)
                        || owner.equals("io.kairos.architecture.planted.conductor.PlantedState");
                }
            });
    }

    static ArchRule conductorStateHasNoPublicMutableField() {
        return fields().that().areDeclaredInClassesThat(new DescribedPredicate<JavaClass>("conductor-owned") {
                @Override
                public boolean test(final JavaClass c) {
                    return CONDUCTOR_OWNED.contains(c.getName())
                        || c.getName().equals("io.kairos.architecture.planted.conductor.PlantedState");
                }
            }).and().arePublic()
            .should().haveModifier(JavaModifier.FINAL);
    }

    @Test
    void pluginsAndTheCliImportNoInternals() {
        pluginsAndCliUseThePublicApiOnly().check(main);
        assertViolated(pluginsAndCliUseThePublicApiOnly(), "PlantedPlugin");
    }

    @Test
    void theSpiDependsOnlyOnTheJdk() {
        theSpiDependsOnNothingOfTheKernel().check(main);
        assertViolated(theSpiDependsOnNothingOfTheKernel(), "PlantedSpi");
    }

    @Test
    void mainCodeHasNoPackageCycle() {
        noPackageCycles().check(main);
        assertViolated(noPackageCycles(), "Cycle");
    }

    @Test
    void onlyTheConductorsPackageWritesTheStateItOwns() {
        onlyTheConductorPackageWritesConductorState().check(main);
        conductorStateHasNoPublicMutableField().check(main);
        assertViolated(onlyTheConductorPackageWritesConductorState(), "PlantedWriter");
        assertViolated(conductorStateHasNoPublicMutableField(), "open");
        for (final String type : CONDUCTOR_OWNED) {
            assertTrue(main.contain(type), type + " is a conductor-owned type: it must exist where the rule looks");
        }
    }

    @Test
    void noMainSourceFileIsOver600LinesButGeneratedOnes() throws IOException {
        final Path root = Path.of(System.getProperty("kairos.root", "..")).toAbsolutePath().normalize();
        final List<String> tooLong = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.walk(root)) {
            for (final Path p : (Iterable<Path>) paths::iterator) {
                final String s = root.relativize(p).toString();
                if (!s.endsWith(".java") || !s.contains("src/main/java/") || s.contains("/target/")) {
                    continue;
                }
                files++;
                final List<String> lines = Files.readAllLines(p);
                final boolean generated = lines.stream().anyMatch(l -> l.trim().startsWith("// GENERATED BY "));
                if (lines.size() > MAX_LINES && !generated) {
                    tooLong.add(s + " (" + lines.size() + " lines)");
                }
            }
        }
        assertTrue(files > 100, "found only " + files + " main source files under " + root);
        assertTrue(tooLong.isEmpty(), "main source files over " + MAX_LINES + " lines: " + tooLong);
    }

    private static void assertViolated(final ArchRule rule, final String expected) {
        final EvaluationResult result = rule.evaluate(planted);
        assertTrue(result.hasViolation(), "the rule must catch the planted violation: " + rule.getDescription());
        final String report = String.join("\n", result.getFailureReport().getDetails());
        assertTrue(report.contains(expected), report);
        assertFalse(report.isEmpty());
    }
}
