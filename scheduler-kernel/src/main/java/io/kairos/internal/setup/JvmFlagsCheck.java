package io.kairos.internal.setup;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks that the module flags the stack needs are in effect, before anything reaches for them: without
 * {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED}, Agrona fails deep inside with
 * {@code IllegalAccessError: class org.agrona.UnsafeApi cannot access class jdk.internal.misc.Unsafe}; without
 * Chronicle's or lmdbjava's flags, their plugins fail as obscurely. The error lists every missing flag and where it
 * goes.
 */
public final class JvmFlagsCheck {
    /** A module flag: what it is for, and how to test it in this JVM. */
    record Flag(String text, String module, String pkg, boolean opens, String why) {
        boolean inEffect() {
            final Module target = JvmFlagsCheck.class.getModule();  // the unnamed module: ALL-UNNAMED
            return ModuleLayer.boot().findModule(module)
                .map(m -> opens ? m.isOpen(pkg, target) : m.isExported(pkg, target))
                .orElse(true);  // a module this JVM lacks (e.g. jdk.compiler in a JRE) cannot be granted anyway
        }
    }

    static final List<Flag> KERNEL = List.of(
        new Flag("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "java.base", "jdk.internal.misc", false,
            "Agrona's queues and buffers"));
    static final List<Flag> CHRONICLE = List.of(
        new Flag("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "java.base", "jdk.internal.ref", false,
            "Chronicle Queue (journal)"),
        new Flag("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "java.base", "sun.nio.ch", false,
            "Chronicle Queue (journal)"),
        new Flag("--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "jdk.compiler",
            "com.sun.tools.javac.file", false, "Chronicle Queue (journal)"),
        new Flag("--add-opens=java.base/java.lang=ALL-UNNAMED", "java.base", "java.lang", true,
            "Chronicle Queue (journal)"),
        new Flag("--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "java.base", "java.lang.reflect", true,
            "Chronicle Queue (journal)"));
    static final List<Flag> LMDB = List.of(
        new Flag("--add-opens=java.base/java.nio=ALL-UNNAMED", "java.base", "java.nio", true,
            "lmdbjava (metadata store)"));

    private JvmFlagsCheck() {
    }

    /**
     * Throws when a flag that the kernel, or a plugin it was given, needs is missing from this JVM.
     *
     * @param journal  the journal plugin's class name, or null
     * @param metadata the metadata plugin's class name, or null
     * @throws IllegalStateException listing the missing flags and where to add them
     */
    public static void check(final String journal, final String metadata) {
        final List<Flag> needed = new ArrayList<>(KERNEL);
        if (journal != null && journal.startsWith("io.kairos.journal.chronicle.")) {
            needed.addAll(CHRONICLE);
        }
        if (metadata != null && metadata.startsWith("io.kairos.metadata.lmdb.")) {
            needed.addAll(LMDB);
        }
        final List<Flag> missing = new ArrayList<>();
        for (final Flag flag : needed) {
            if (!flag.inEffect()) {
                missing.add(flag);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(message(missing));
        }
    }

    static String message(final List<Flag> missing) {
        final StringBuilder flags = new StringBuilder();
        final StringBuilder list = new StringBuilder();
        for (final Flag flag : missing) {
            flags.append(flags.length() == 0 ? "" : " ").append(flag.text());
            list.append("\n  ").append(flag.text()).append("   (").append(flag.why()).append(')');
        }
        return "Kairos cannot start: this JVM lacks " + missing.size() + " flag(s) the stack needs:" + list
            + "\nAdd them to"
            + "\n  the java command:  java " + flags + " -cp ... your.Main"
            + "\n  Maven Surefire:    <argLine>" + flags + "</argLine>"
            + "\n  Gradle:            jvmArgs(\"" + flags.toString().replace(" ", "\", \"") + "\")  (tasks and"
            + " application { applicationDefaultJvmArgs })"
            + "\n  or run a jar whose manifest carries them (Add-Exports/Add-Opens), such as cli/target/kairos.jar."
            + "\nAlso add --enable-native-access=ALL-UNNAMED on JDK 22+ and --sun-misc-unsafe-memory-access=allow on"
            + " JDK 23+. The README's \"JVM flags the stack needs\" says why each is needed.";
    }
}
