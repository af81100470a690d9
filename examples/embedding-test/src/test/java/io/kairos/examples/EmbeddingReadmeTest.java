package io.kairos.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;

/**
 * README's "Embedding Kairos" shows exactly the files of examples/embedding, and the BOM it imports pins every
 * published module: what a reader copies is what {@link EmbeddingExampleTest} builds and runs.
 */
class EmbeddingReadmeTest {
    /**
     * Reactor modules that are tools or tests, not libraries an embedder depends on: not in the BOM. The cluster's
     * control store (kairos-cluster-aeron) joins the BOM when a kernel can join a cluster through it; the Ray API
     * adapter (kairos-ray-api) when README's table of artifacts says what it brings. The Ray example
     * (kairos-example-ray-quickstart) is a program, not a library.
     */
    private static final Set<String> NOT_PUBLISHED = Set.of("kairos-cli", "kairos-jmh-benchmarks", "kairos-ray-peer",
        "kairos-embedding-test", "kairos-example-ray-quickstart", "kairos-jcstress-tests");

    @ParameterizedTest
    @ValueSource(strings = {"pom.xml", "src/main/java/example/Main.java"})
    void readmeShowsTheExampleFileAsItIs(final String file) throws Exception {
        final String path = EmbeddingFiles.EXAMPLE_DIR + "/" + file;
        final String onDisk = EmbeddingFiles.normalise(
            Files.readString(EmbeddingFiles.example().resolve(file), StandardCharsets.UTF_8));
        final String inReadme = EmbeddingFiles.normalise(EmbeddingFiles.blockFor(path).text());
        if (!onDisk.equals(inReadme)) {
            fail("README.md's '" + EmbeddingFiles.SECTION + "' shows " + path + " differently from the file: change "
                + "both together (the test builds and runs the file).\n" + EmbeddingFiles.firstDifference(onDisk, inReadme));
        }
    }

    @Test
    void readmePrintsTheCommandTheTestRuns() throws Exception {
        final boolean shown = EmbeddingFiles.blocks().stream()
            .anyMatch(b -> EmbeddingFiles.normalise(b.text()).contains("mvn -q compile exec:exec"));
        assertTrue(shown, "README's '" + EmbeddingFiles.SECTION + "' should show 'mvn -q compile exec:exec', the "
            + "goals EmbeddingExampleTest runs");
        assertTrue(EmbeddingFiles.expectedOutput().lines().count() >= 1);
    }

    @Test
    void exampleTakesItsJvmFlagsFromTheRootPom() throws Exception {
        for (final String property : List.of("kairos.jvm.flags")) {
            assertEquals(EmbeddingFiles.normalise(EmbeddingFiles.property(EmbeddingFiles.root().resolve("pom.xml"), property)),
                EmbeddingFiles.normalise(EmbeddingFiles.property(EmbeddingFiles.example().resolve("pom.xml"), property)),
                property + " of examples/embedding/pom.xml must be the root pom's (README: JVM flags the stack needs)");
        }
    }

    @Test
    void exampleImportsTheBomOfThisVersion() throws Exception {
        final Element project = EmbeddingFiles.parse(EmbeddingFiles.example().resolve("pom.xml")).getDocumentElement();
        assertNull(EmbeddingFiles.childElement(project, "parent"), "the example is a standalone project");
        final Element managed = EmbeddingFiles.childElement(EmbeddingFiles.childElement(project, "dependencyManagement"),
            "dependencies");
        final Element bom = EmbeddingFiles.children(managed, "dependency").stream()
            .filter(d -> "kairos-bom".equals(EmbeddingFiles.child(d, "artifactId"))).findFirst()
            .orElseThrow(() -> new AssertionError("examples/embedding/pom.xml does not import io.kairos:kairos-bom"));
        assertEquals("io.kairos", EmbeddingFiles.child(bom, "groupId"));
        assertEquals(EmbeddingFiles.version(), EmbeddingFiles.child(bom, "version"),
            "examples/embedding/pom.xml imports another version of the BOM than this reactor's");
        assertEquals("pom", EmbeddingFiles.child(bom, "type"));
        assertEquals("import", EmbeddingFiles.child(bom, "scope"));
    }

    @Test
    void bomPinsEveryPublishedModuleAndNothingElse() throws Exception {
        final Path root = EmbeddingFiles.root();
        final Element parent = EmbeddingFiles.parse(root.resolve("pom.xml")).getDocumentElement();
        final Set<String> published = new TreeSet<>();
        for (final Element module : EmbeddingFiles.children(EmbeddingFiles.childElement(parent, "modules"), "module")) {
            final Element pom = EmbeddingFiles.parse(root.resolve(module.getTextContent().trim()).resolve("pom.xml"))
                .getDocumentElement();
            final String packaging = EmbeddingFiles.child(pom, "packaging");
            final String artifactId = EmbeddingFiles.child(pom, "artifactId");
            // a jar, or a pom that users depend on for what it brings (dependencies, as kairos-data-parquet)
            final boolean dependencyPom = "pom".equals(packaging) && EmbeddingFiles.childElement(pom, "dependencies") != null;
            if ((packaging == null || packaging.equals("jar") || dependencyPom) && !NOT_PUBLISHED.contains(artifactId)) {
                published.add(artifactId);
            }
        }
        assertTrue(published.contains("kairos-scheduler-kernel"), "read no modules from the root pom: " + published);

        final Element bom = EmbeddingFiles.parse(root.resolve("bom/pom.xml")).getDocumentElement();
        assertNull(EmbeddingFiles.childElement(bom, "parent"),
            "bom/pom.xml must have no parent: an importer would get kairos-parent's dependencyManagement too");
        assertEquals("kairos-bom", EmbeddingFiles.child(bom, "artifactId"));
        assertEquals("pom", EmbeddingFiles.child(bom, "packaging"));
        assertEquals(EmbeddingFiles.version(), EmbeddingFiles.child(bom, "version"),
            "bom/pom.xml's version must be kairos-parent's (the BOM has no parent, so it is written there)");
        final Set<String> pinned = new TreeSet<>();
        final List<String> wrong = new ArrayList<>();
        final Element managed = EmbeddingFiles.childElement(EmbeddingFiles.childElement(bom, "dependencyManagement"),
            "dependencies");
        for (final Element dependency : EmbeddingFiles.children(managed, "dependency")) {
            final String id = EmbeddingFiles.child(dependency, "groupId") + ":" + EmbeddingFiles.child(dependency, "artifactId");
            if (!"io.kairos".equals(EmbeddingFiles.child(dependency, "groupId"))) {
                wrong.add(id + " is not a Kairos artifact");
            }
            if (!"${project.version}".equals(EmbeddingFiles.child(dependency, "version"))) {
                wrong.add(id + " has version " + EmbeddingFiles.child(dependency, "version") + ", not ${project.version}");
            }
            pinned.add(EmbeddingFiles.child(dependency, "artifactId"));
        }
        assertEquals(List.of(), wrong, "bom/pom.xml");
        assertEquals(published, pinned, "bom/pom.xml must pin exactly the reactor's published modules (a module that "
            + "is a tool or a test goes in NOT_PUBLISHED here)");

        final String section = String.join("\n", EmbeddingFiles.section());
        for (final String artifactId : pinned) {
            assertTrue(section.contains("`io.kairos:" + artifactId + "`"),
                "README's '" + EmbeddingFiles.SECTION + "' table should say what io.kairos:" + artifactId + " brings");
        }
    }
}
