/**
 * The kernel's journal records: their binary layout, the encoding of task functions and arguments, and the replay
 * that finds what a restarted kernel must run again.
 */
package io.kairos.internal.journal;
