package io.kairos.journal.chronicle;

/** System properties that must be set before the first Chronicle class initialises. */
final class ChronicleDefaults {
    private ChronicleDefaults() {
    }

    static void apply() {
        setIfAbsent("chronicle.analytics.disable", "true");
        setIfAbsent("chronicle.announcer.disable", "true");
    }

    private static void setIfAbsent(final String key, final String value) {
        try {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        } catch (SecurityException ignored) {
            // the JVM flags are then the only way to set them
        }
    }
}
