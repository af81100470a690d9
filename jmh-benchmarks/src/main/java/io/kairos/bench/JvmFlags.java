package io.kairos.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The JVM flags a benchmark JVM (a JMH fork, or a process a benchmark starts) needs.
 *
 * <p>The list itself is the root pom's {@code kairos.jvm.flags}, copied into {@code jvm-flags.properties} by
 * Maven resource filtering, so Surefire, the launcher script and the benchmarks share one list. Two of them are
 * repeated here as constants only because {@code @Fork(jvmArgsAppend = …)} needs compile-time constants.
 *
 * <p>JMH forks inherit the launching JVM's flags (JMH's default when no {@code -jvmArgs} is given), so a
 * {@code -Djna.tmpdir} given to {@code java} reaches every fork; {@code kairos bench store} passes it explicitly.
 */
public final class JvmFlags {
    /** Agrona 2.x reaches jdk.internal.misc.Unsafe; without it: NoClassDefFoundError UnsafeApi. */
    public static final String ADD_EXPORTS_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** JNA's native calls; quiet on JDK 25. */
    public static final String ENABLE_NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** JDK 23+ only (JDK 17 refuses to start with it). */
    public static final String SUN_MISC_UNSAFE_ALLOW = "--sun-misc-unsafe-memory-access=allow";
    /** System property: where JNA extracts libkairos.so. */
    public static final String JNA_TMPDIR_PROP = "jna.tmpdir";

    private static final List<String> STACK = load();

    private JvmFlags() {
    }

    /** The root pom's kairos.jvm.flags, in order. */
    public static List<String> stack() {
        return STACK;
    }

    /** {@link #stack()} plus {@value #SUN_MISC_UNSAFE_ALLOW} when this JVM is JDK 23 or later. */
    public static List<String> forThisJdk() {
        final List<String> flags = new ArrayList<>(STACK);
        if (Runtime.version().feature() >= 23) {
            flags.add(SUN_MISC_UNSAFE_ALLOW);
        }
        return flags;
    }

    /**
     * {@link #forThisJdk()} plus the {@code -D} properties that must reach a child JVM: {@code jna.tmpdir} (this
     * JVM's, else {@link #defaultJnaTmpDir()}) and {@code kairos.native.lib} / {@code jna.debug_load} when set.
     */
    public static List<String> forChildJvm() {
        final List<String> flags = forThisJdk();
        final String jnaTmpDir = System.getProperty(JNA_TMPDIR_PROP);
        final File tmp = jnaTmpDir != null ? new File(jnaTmpDir) : defaultJnaTmpDir();
        if (tmp != null) {
            flags.add("-D" + JNA_TMPDIR_PROP + "=" + tmp.getAbsolutePath());
        }
        for (final String prop : new String[] {"kairos.native.lib", "jna.debug_load"}) {
            final String value = System.getProperty(prop);
            if (value != null) {
                flags.add("-D" + prop + "=" + value);
            }
        }
        return flags;
    }

    /**
     * {@code jna-tmp} beside the jar these classes were loaded from (cli/target when run from kairos.jar), or
     * null when they were not loaded from a jar file.
     */
    public static File defaultJnaTmpDir() {
        final CodeSource codeSource = JvmFlags.class.getProtectionDomain().getCodeSource();
        if (codeSource == null || codeSource.getLocation() == null) {
            return null;
        }
        try {
            final File location = new File(codeSource.getLocation().toURI());
            return location.isFile() ? new File(location.getParentFile(), "jna-tmp") : null;
        } catch (final URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The java launcher of this JVM. */
    public static String javaExecutable() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    private static List<String> load() {
        final Properties properties = new Properties();
        try (InputStream in = JvmFlags.class.getResourceAsStream("jvm-flags.properties")) {
            if (in == null) {
                throw new IllegalStateException("jvm-flags.properties is missing from the classpath");
            }
            properties.load(in);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final String flags = properties.getProperty("flags", "").trim();
        if (flags.isEmpty() || flags.startsWith("${")) {
            throw new IllegalStateException("jvm-flags.properties was not filtered by Maven: flags=" + flags);
        }
        return List.copyOf(Arrays.asList(flags.split("\\s+")));
    }
}
