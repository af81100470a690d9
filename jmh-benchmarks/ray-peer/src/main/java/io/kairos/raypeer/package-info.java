/**
 * Ray's own Java runtime (LOCAL mode) running the suite's workloads in a JVM of its own: the Ray peer of
 * {@code kairos bench}.
 */
package io.kairos.raypeer;
