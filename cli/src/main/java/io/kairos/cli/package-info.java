/**
 * The {@code kairos} command line (picocli): {@code demo}, {@code bench} and its suite runner and reports,
 * {@code jmh}, {@code state} and {@code timeline}. Uses only the public API.
 */
package io.kairos.cli;
