package io.kairos.store;

import io.kairos.store.internal.NativeLibraryLoader;

/** Second-JVM probe for {@link NativeLibraryOverrideTest}: loads the library and says from where. */
public final class LibraryProbe {
    private LibraryProbe() {
    }

    public static void main(final String[] args) {
        try {
            final String file = NativeLibraryLoader.library().getFile().getAbsolutePath();
            try (SharedObjectStore store = SharedObjectStore.create("jt-probe-" + ProcessHandle.current().pid(), 1 << 20)) {
                store.put(ObjectId.of(1, 1), new byte[] {9});  // a JNI call and a JNA call both work
                System.out.println("LOADED " + file + " " + store.contains(ObjectId.of(1, 1)));
            }
        } catch (final Throwable t) {
            Throwable root = t;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            System.out.println("FAILED " + root);
        }
    }
}
