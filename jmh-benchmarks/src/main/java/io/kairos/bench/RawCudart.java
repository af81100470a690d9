package io.kairos.bench;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

import java.io.File;

/**
 * The CUDA runtime's own {@code cudaMemcpy}, called straight through JNA with no Kairos code in between: the peer the
 * device bindings' copies are measured against. It runs in the same process as {@code libkairos} and on the same
 * device pointers (both runtimes use the device's primary context, and pinned memory is visible to both through
 * unified addressing). Loads {@code -Dkairos.cudart=/path/libcudart.so}, else {@code libcudart} from the library
 * path, else the toolkit's {@code /usr/local/cuda/lib64}.
 */
final class RawCudart {
    /** {@code cudaMemcpyDefault}: the direction follows from the pointers (unified addressing). */
    static final int MEMCPY_DEFAULT = 4;

    private static volatile boolean registered;

    private RawCudart() {
    }

    static native int cudaMemcpy(long dst, long src, long count, int kind);

    static native int cudaSetDevice(int device);

    static native int cudaDeviceSynchronize();

    /** Binds the natives once; throws with the places it looked if no CUDA runtime library loads. */
    static synchronized void load() {
        if (registered) {
            return;
        }
        final String configured = System.getProperty("kairos.cudart");
        final String[] candidates = configured != null ? new String[] {configured}
            : new String[] {"cudart", "/usr/local/cuda/lib64/libcudart.so"};
        UnsatisfiedLinkError last = null;
        for (final String candidate : candidates) {
            try {
                final NativeLibrary library = candidate.indexOf(File.separatorChar) >= 0
                    ? NativeLibrary.getInstance(new File(candidate).getAbsolutePath())
                    : NativeLibrary.getInstance(candidate);
                Native.register(RawCudart.class, library);
                registered = true;
                return;
            } catch (final UnsatisfiedLinkError e) {
                last = e;
            }
        }
        throw new IllegalStateException("no CUDA runtime library to compare with (tried "
            + String.join(", ", candidates) + "; set -Dkairos.cudart=/path/libcudart.so)", last);
    }

    /** Throws naming the call and the CUDA error code if a call failed. */
    static void check(final int status, final String call) {
        if (status != 0) {
            throw new IllegalStateException(call + " failed with cudaError " + status);
        }
    }
}
