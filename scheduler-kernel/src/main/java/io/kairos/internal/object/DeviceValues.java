package io.kairos.internal.object;

import java.lang.ref.Cleaner;

/**
 * How the machinery handles device-resident values (the public {@code DeviceObject}) without naming their type: the
 * type installs its {@link Hooks} when it is first loaded, so no value can be one before the hooks are here.
 */
public final class DeviceValues {
    /** What the kernel does with a device-resident value. */
    public interface Hooks {
        boolean isDeviceValue(Object value);

        /** Makes the copy a task on device (-1: without a GPU) reads, before it runs. */
        void stageFor(Object value, int device);

        /** Frees the value's buffers once owner, its holder in the kernel, is unreachable. */
        void freeWith(Object value, Object owner, Cleaner cleaner);
    }

    private static volatile Hooks hooks;

    private DeviceValues() {
    }

    public static void install(final Hooks value) {
        hooks = value;
    }

    public static boolean isDeviceValue(final Object value) {
        final Hooks h = hooks;
        return h != null && value != null && h.isDeviceValue(value);
    }

    public static void stageFor(final Object value, final int device) {
        hooks.stageFor(value, device);
    }

    public static void freeWith(final Object value, final Object owner) {
        hooks.freeWith(value, owner, StoredObjects.cleaner());
    }
}
