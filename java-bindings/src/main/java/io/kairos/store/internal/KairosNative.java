package io.kairos.store.internal;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * JNA direct mapping of the whole C ABI ({@code native/include/kairos/store.h}). Handles are {@code long}; out
 * parameters are one-element arrays. Not for hot paths: a JNA direct call costs ~86 ns here (see {@link JniStore}).
 */
public final class KairosNative {
    static {
        Native.register(KairosNative.class, NativeLibraryLoader.library());
    }

    private KairosNative() {
    }

    /** kairos_eviction_fn. */
    public interface EvictionCallback extends Callback {
        void invoke(Pointer user, Pointer id, Pointer data, long size);
    }

    /** Forces the library to load (and the ABI version to be checked by the caller). */
    public static void ensureLoaded() {
        // The static initializer did the work.
    }

    public static native int kairos_store_abi_version();

    public static native String kairos_status_name(int status);

    public static native String kairos_last_error_detail();

    public static native int kairos_store_create(String name, long capacity, int maxObjects, long[] out);

    public static native int kairos_store_attach(String name, long[] out);

    public static native int kairos_store_remove_stale(String name);

    public static native int kairos_store_close(long store);

    public static native int kairos_store_free(long store);

    public static native int kairos_store_create_object(long store, byte[] id, long size, long[] dataOut);

    public static native int kairos_store_seal(long store, byte[] id);

    public static native int kairos_store_abort(long store, byte[] id);

    public static native int kairos_store_get(long store, byte[] id, long timeoutNs, long[] dataOut, long[] sizeOut);

    public static native int kairos_store_release(long store, byte[] id);

    public static native int kairos_store_delete(long store, byte[] id);

    public static native int kairos_store_contains(long store, byte[] id, int[] out);

    /** out receives kairos_store_stats: 12 u64 fields in declaration order. */
    public static native int kairos_store_stats_get(long store, long[] out);

    public static native int kairos_store_set_eviction_callback(long store, EvictionCallback fn, Pointer user);

    public static native int kairos_store_reap_dead_clients(long store, int[] reapedOut);

    public static native int kairos_store_client_id(long store, int[] out);

    /** KAIROS_PREFAULT_RESERVE: allocate the range's tmpfs pages without mapping them. */
    public static final int PREFAULT_RESERVE = 1;
    /** KAIROS_PREFAULT_MAP: map the range's pages writable into this process. */
    public static final int PREFAULT_MAP = 2;

    /** flags: PREFAULT_RESERVE and/or PREFAULT_MAP; populatedOut (may be null) receives the bytes done. */
    public static native int kairos_store_prefault(long store, long offset, long length, int flags,
                                                   long[] populatedOut);
}
