package io.kairos.internal.setup;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks that the module flags the stack needs are in effect, before anything reaches for them: without
 * {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED}, Agrona fails deep inside with
 * {@code IllegalAccessError: class org.agrona.UnsafeApi cannot access class jdk.internal.misc.Unsafe}. The error
 * lists every missing flag and where it goes.
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
    private JvmFlagsCheck() {
    }

    /**
     * Throws when a flag the kernel needs is missing from this JVM. (The journal and metadata plugins check their
     * own flags when they open, and name them the same way.)
     *
     * @throws IllegalStateException listing the missing flags and where to add them
     */
    public static void check() {
        final List<Flag> missing = new ArrayList<>();
        for (final Flag flag : KERNEL) {
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
