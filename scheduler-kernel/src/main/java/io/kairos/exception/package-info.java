/**
 * The exceptions the kernel throws to its callers, all {@link io.kairos.exception.KairosException}s (unchecked): a
 * failed, cancelled or unschedulable task, a dead actor or worker, a lost object, a get that timed out, a closed kernel.
 */
package io.kairos.exception;
