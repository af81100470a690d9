package io.kairos.store.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

import java.io.File;
import java.io.IOException;
import java.net.URL;

/**
 * Loads libkairos once per JVM, for both JNA and JNI.
 *
 * <p>Where it comes from: the {@value #LIBRARY_PATH_PROP} system property (a path on disk) if set, else the
 * {@code linux-x86-64/libkairos.so} resource on the classpath (inside the java-bindings jar, extracted to {@code jna.tmpdir};
 * straight from {@code target/classes} in a build). The same file is opened by JNA and given to {@link System#load},
 * so the JNI entry points of the hot calls bind to the same library. {@code -Djna.debug_load=true} shows JNA's
 * search.
 */
public final class NativeLibraryLoader {
    /** System property: a libkairos.so on disk to load instead of the one in the jar. */
    public static final String LIBRARY_PATH_PROP = "kairos.native.lib";
    /** The C ABI version these bindings were written for (KAIROS_STORE_ABI_VERSION). */
    public static final int EXPECTED_ABI_VERSION = 1;

    private static final String RESOURCE = "linux-x86-64/libkairos.so";

    private static final NativeLibrary LIBRARY = load();

    private NativeLibraryLoader() {
    }

    /** The loaded library (loading it on first use). */
    public static NativeLibrary library() {
        return LIBRARY;
    }

    private static NativeLibrary load() {
        final String override = System.getProperty(LIBRARY_PATH_PROP);
        if (override != null && !override.isBlank()) {
            final File file = new File(override);
            if (!file.isFile()) {
                throw new UnsatisfiedLinkError(LIBRARY_PATH_PROP + "=" + override + " is not a file");
            }
            return loadBoth(file);
        }
        // JNA's own loader deletes a library it extracted from a jar as soon as it has opened it, leaving nothing
        // for System.load: extract it ourselves, open it both ways, then remove the temporary copy.
        final ClassLoader classLoader = NativeLibraryLoader.class.getClassLoader();
        final URL resource = classLoader.getResource(RESOURCE);
        if (resource == null) {
            throw new UnsatisfiedLinkError(RESOURCE + " is not on the classpath and " + LIBRARY_PATH_PROP
                + " is not set (run -Djna.debug_load=true to see the search)");
        }
        final File file;
        try {
            file = Native.extractFromResourcePath("kairos", classLoader);
        } catch (final IOException e) {
            final UnsatisfiedLinkError error = new UnsatisfiedLinkError("cannot extract " + resource + ": " + e);
            error.initCause(e);
            throw error;
        }
        try {
            return loadBoth(file);
        } finally {
            if (!"file".equals(resource.getProtocol())) {
                file.delete();  // a temporary copy; the mapping outlives the name
            }
        }
    }

    private static NativeLibrary loadBoth(final File file) {
        final String path = file.getAbsolutePath();
        final NativeLibrary library = NativeLibrary.getInstance(path);
        System.load(path);
        return library;
    }
}
