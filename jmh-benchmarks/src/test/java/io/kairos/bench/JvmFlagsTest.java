package io.kairos.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmFlagsTest {
    @Test
    void stackIsTheRootPomListAndHoldsTheAnnotationConstants() {
        assertTrue(JvmFlags.stack().contains(JvmFlags.ADD_EXPORTS_MISC), JvmFlags.stack().toString());
        assertTrue(JvmFlags.stack().contains(JvmFlags.ENABLE_NATIVE_ACCESS), JvmFlags.stack().toString());
        assertTrue(JvmFlags.stack().stream().allMatch(flag -> flag.startsWith("-")), JvmFlags.stack().toString());
    }

    @Test
    void unsafeMemoryAccessFlagOnlyFromJdk23() {
        assertEquals(Runtime.version().feature() >= 23, JvmFlags.forThisJdk().contains(JvmFlags.SUN_MISC_UNSAFE_ALLOW));
    }

    @Test
    void childJvmGetsThisJvmsJnaTmpDir() {
        final String tmp = System.getProperty(JvmFlags.JNA_TMPDIR_PROP);
        if (tmp != null) {
            assertTrue(JvmFlags.forChildJvm().stream().anyMatch(f -> f.startsWith("-Djna.tmpdir=")
                && f.endsWith(new java.io.File(tmp).getName())), JvmFlags.forChildJvm().toString());
        }
    }
}
