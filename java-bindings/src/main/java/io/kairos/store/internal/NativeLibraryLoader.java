package io.kairos.store.internal;

import com.sun.jna.NativeLibrary;

import java.io.File;

/**
 * Loads libkairos once per JVM, for both JNA and JNI.
 *
 * <p>Where it comes from: the {@value #LIBRARY_PATH_PROP} system property (a path on disk) if set, else JNA's
 * lookup, which finds {@code linux-x86-64/libkairos.so} on the classpath (inside the java-bindings jar, extracted to
 * {@code jna.tmpdir}). {@code -Djna.debug_load=true} shows JNA's search. The same file is then given to
 * {@link System#load} so that the JNI entry points of the hot calls bind to it too.
 */
public final class NativeLibraryLoader {
    /** System property: a libkairos.so on disk to load instead of the one in the jar. */
    public static final String LIBRARY_PATH_PROP = "kairos.native.lib";
    /** The C ABI version these bindings were written for (KAIROS_STORE_ABI_VERSION). */
    public static final int EXPECTED_ABI_VERSION = 1;

    private static final NativeLibrary LIBRARY = load();

    private NativeLibraryLoader() {
    }

    /** The loaded library (loading it on first use). */
    public static NativeLibrary library() {
        return LIBRARY;
    }

    private static NativeLibrary load() {
        final String override = System.getProperty(LIBRARY_PATH_PROP);
        final NativeLibrary library;
        if (override != null && !override.isBlank()) {
            final File file = new File(override);
            if (!file.isFile()) {
                throw new UnsatisfiedLinkError(LIBRARY_PATH_PROP + "=" + override + " is not a file");
            }
            library = NativeLibrary.getInstance(file.getAbsolutePath());
        } else {
            library = NativeLibrary.getInstance("kairos");
        }
        final File file = library.getFile();
        if (file == null) {
            throw new UnsatisfiedLinkError("JNA loaded libkairos but cannot name its file, so JNI cannot bind it");
        }
        System.load(file.getAbsolutePath());
        return library;
    }
}
