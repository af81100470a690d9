package io.kairos.store.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
    /** ELF e_machine of x86-64, the only architecture this jar ships a library for. */
    private static final int EM_X86_64 = 0x3E;

    /** Where the library was loaded from: the override, or the jar's resource (not the temporary copy). */
    private static volatile String source = "(not loaded)";
    /**
     * The library on disk for other processes (a Python worker loads it with ctypes): the file loaded, when load()
     * did not delete it (the override, or a class folder's file), else a copy made on first use.
     */
    private static Path onDisk;

    private static final NativeLibrary LIBRARY = load();

    private NativeLibraryLoader() {
    }

    /** The loaded library (loading it on first use). */
    public static NativeLibrary library() {
        return LIBRARY;
    }

    /**
     * A path to this library that another process can load (Python workers): the override or the class path's file
     * as it is, else a copy extracted from the jar, kept until this JVM exits.
     *
     * @throws UnsatisfiedLinkError if the copy cannot be made
     */
    public static synchronized Path libraryFile() {
        library();
        if (onDisk == null) {
            final URL resource = NativeLibraryLoader.class.getClassLoader().getResource(RESOURCE);
            try {
                final File copy = copyToTemporaryFile(resource);
                copy.deleteOnExit();
                onDisk = copy.toPath();
            } catch (final IOException | RuntimeException e) {
                final UnsatisfiedLinkError error = new UnsatisfiedLinkError("cannot extract " + resource + ": " + e);
                error.initCause(e);
                throw error;
            }
        }
        return onDisk;
    }

    /** Where the library was loaded from, for error messages. */
    public static String source() {
        return source;
    }

    private static NativeLibrary load() {
        final String override = System.getProperty(LIBRARY_PATH_PROP);
        if (override != null && !override.isBlank()) {
            final File file = new File(override);
            if (!file.isFile()) {
                throw new UnsatisfiedLinkError(LIBRARY_PATH_PROP + "=" + override + " is not a file");
            }
            source = file.getAbsolutePath() + " (" + LIBRARY_PATH_PROP + ")";
            final NativeLibrary library = loadBoth(file, source);
            keep(file);
            return library;
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
            final File extracted = Native.extractFromResourcePath("kairos", classLoader);
            // null: JNA was told not to unpack (-Djna.nounpack=true, as jcstress sets in its forked VMs)
            file = extracted != null ? extracted : copyToTemporaryFile(resource);
        } catch (final IOException e) {
            final UnsatisfiedLinkError error = new UnsatisfiedLinkError("cannot extract " + resource + ": " + e);
            error.initCause(e);
            throw error;
        }
        source = resource + " (the jar's library, extracted to " + file + ")";
        try {
            return loadBoth(file, source);
        } finally {
            if ("file".equals(resource.getProtocol())) {
                keep(file);
            } else {
                file.delete();  // a temporary copy; the mapping outlives the name
            }
        }
    }

    private static synchronized void keep(final File file) {
        onDisk = file.getAbsoluteFile().toPath();
    }

    private static File copyToTemporaryFile(final URL resource) throws IOException {
        final String dir = System.getProperty("jna.tmpdir", System.getProperty("java.io.tmpdir"));
        final Path copy = Files.createTempFile(
            Files.createDirectories(Path.of(dir)), "libkairos", ".so");
        try (InputStream in = resource.openStream()) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (final IOException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        return copy.toFile();
    }

    private static NativeLibrary loadBoth(final File file, final String what) {
        final String foreign = notALinuxX8664Library(file);
        if (foreign != null) {
            throw new UnsatisfiedLinkError("libkairos: " + what + " is not a Linux x86-64 shared library: " + foreign);
        }
        final String path = file.getAbsolutePath();
        try {
            final NativeLibrary library = NativeLibrary.getInstance(path);
            System.load(path);
            return library;
        } catch (final UnsatisfiedLinkError e) {
            final UnsatisfiedLinkError error = new UnsatisfiedLinkError("libkairos: cannot load " + what + ": "
                + e.getMessage());
            error.initCause(e);
            throw error;
        }
    }

    /** Null when the file starts as a 64-bit little-endian ELF for x86-64 does; else what it found instead. */
    static String notALinuxX8664Library(final File file) {
        final byte[] head = new byte[20];
        int n = 0;
        try (InputStream in = new java.io.FileInputStream(file)) {
            for (int r; n < head.length && (r = in.read(head, n, head.length - n)) > 0; ) {
                n += r;
            }
        } catch (final IOException e) {
            return "it cannot be read (" + e.getMessage() + ")";
        }
        if (n < head.length || head[0] != 0x7F || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
            final StringBuilder start = new StringBuilder();
            for (int i = 0; i < Math.min(n, 8); i++) {
                start.append(String.format("%02x", head[i] & 0xFF));
            }
            return "found no ELF header (" + n + " bytes read, starting " + start + ")";
        }
        if (head[4] != 2 || head[5] != 1) {
            return "found a " + (head[4] == 1 ? "32-bit" : "class " + head[4]) + (head[5] == 2 ? " big-endian" : "")
                + " ELF file";
        }
        final int machine = (head[18] & 0xFF) | (head[19] & 0xFF) << 8;
        if (machine != EM_X86_64) {
            return "found an ELF file for machine 0x" + Integer.toHexString(machine)
                + (machine == 0xB7 ? " (aarch64)" : "") + ", not x86-64 (0x3e)";
        }
        return null;
    }
}
