package io.kairos.store.internal;

/**
 * JNI entry points (native/src/jni/store_jni.cc) for the calls made once per object on a hot path. Each forwards
 * to the same C function as {@link KairosNative}; ids travel as two longs. Addresses come back as a long, and a
 * negative value is a status code.
 */
public final class JniStore {
    static {
        NativeLibraryLoader.library();
    }

    private JniStore() {
    }

    public static native int abiVersion();

    public static native long createObject(long store, long idHi, long idLo, long size);

    public static native int seal(long store, long idHi, long idLo);

    public static native long get(long store, long idHi, long idLo, long timeoutNs);

    public static native int release(long store, long idHi, long idLo);
}
