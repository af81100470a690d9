package io.kairos.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Paths of the repository, README's "Embedding Kairos" section and its fenced blocks, small POM reading. */
final class EmbeddingFiles {
    static final String SECTION = "## Embedding Kairos";
    static final String EXAMPLE_DIR = "examples/embedding";

    private EmbeddingFiles() {
    }

    static Path root() {
        return Path.of(required("kairos.root")).toAbsolutePath().normalize();
    }

    static Path example() {
        return root().resolve(EXAMPLE_DIR);
    }

    static String version() {
        return required("kairos.version");
    }

    static String required(final String property) {
        final String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run this test through "
                + "Maven (examples/embedding-test/pom.xml sets it for Surefire)");
        }
        return value;
    }

    /** A fenced block of the section: its info string, its text, and the last non-blank line above its fence. */
    record Block(String info, String text, String label, int line) {
    }

    /** The lines of README's "Embedding Kairos" section, up to the next level-2 heading. */
    static List<String> section() throws IOException {
        final List<String> lines = Files.readAllLines(root().resolve("README.md"), StandardCharsets.UTF_8);
        final int start = lines.indexOf(SECTION);
        if (start < 0) {
            throw new AssertionError("README.md has no line '" + SECTION + "'");
        }
        int end = start + 1;
        boolean inFence = false;
        while (end < lines.size()) {
            final String line = lines.get(end);
            if (line.startsWith("```")) {
                inFence = !inFence;
            } else if (!inFence && line.startsWith("## ")) {
                break;
            }
            end++;
        }
        return lines.subList(start, end);
    }

    static List<Block> blocks() throws IOException {
        final List<String> lines = section();
        final List<Block> blocks = new ArrayList<>();
        String label = "";
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i);
            if (line.startsWith("```")) {
                final String info = line.substring(3).trim();
                final StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (j < lines.size() && !lines.get(j).startsWith("```")) {
                    text.append(lines.get(j)).append('\n');
                    j++;
                }
                if (j == lines.size()) {
                    throw new AssertionError("README.md, " + SECTION + ": the block opened by '" + line + "' is never closed");
                }
                blocks.add(new Block(info, text.toString(), label, i));
                i = j;
                label = "";
            } else if (!line.isBlank()) {
                label = line;
            }
        }
        return blocks;
    }

    /** The one block whose label names {@code path} in backticks, e.g. {@code `examples/embedding/pom.xml`}. */
    static Block blockFor(final String path) throws IOException {
        final String tag = "`" + path + "`";
        final List<Block> found = blocks().stream().filter(b -> b.label().contains(tag)).toList();
        if (found.size() != 1) {
            throw new AssertionError("README.md, " + SECTION + ": expected exactly one code block right after a line "
                + "naming " + tag + ", found " + found.size());
        }
        return found.get(0);
    }

    /** The text of the block labelled "It prints:" (the program's expected output). */
    static String expectedOutput() throws IOException {
        final Optional<Block> block = blocks().stream().filter(b -> b.label().trim().equals("It prints:")).findFirst();
        return block.orElseThrow(() -> new AssertionError("README.md, " + SECTION + ": no code block after a line "
            + "'It prints:' (the example's expected output)")).text().strip();
    }

    /** Runs of whitespace as one space, none at the ends: layout differences do not count, tokens do. */
    static String normalise(final String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    /** Where two normalised texts first differ, with some context, for a readable failure. */
    static String firstDifference(final String expected, final String actual) {
        int i = 0;
        while (i < expected.length() && i < actual.length() && expected.charAt(i) == actual.charAt(i)) {
            i++;
        }
        final int from = Math.max(0, i - 60);
        return "first difference at character " + i + " (whitespace-normalised):\n  file:   ..."
            + expected.substring(from, Math.min(expected.length(), i + 60)) + "...\n  README: ..."
            + actual.substring(from, Math.min(actual.length(), i + 60)) + "...";
    }

    static Document parse(final Path pom) throws Exception {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    /** The text of the direct child {@code name} of {@code parent}, or null. */
    static String child(final Element parent, final String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        return null;
    }

    static Element childElement(final Element parent, final String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    static List<Element> children(final Element parent, final String name) {
        final List<Element> result = new ArrayList<>();
        if (parent == null) {
            return result;
        }
        final NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                result.add(e);
            }
        }
        return result;
    }

    /** A property of a POM's {@code <properties>}, as written. */
    static String property(final Path pom, final String name) throws IOException {
        final Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">(.*?)</" + Pattern.quote(name) + ">", Pattern.DOTALL)
            .matcher(Files.readString(pom, StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new AssertionError(pom + " has no <" + name + ">");
        }
        return m.group(1);
    }
}
