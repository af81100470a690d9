/**
 * The conductor and the state it owns: tasks, objects, actors and placement groups as the kernel keeps them, the
 * worker threads it hands work to, the journal agent, and {@code KernelCore}, the machinery behind the public Kernel.
 * Only the conductor thread mutates the conductor-owned state types. Internal: not for embedders.
 */
package io.kairos.internal.conductor;
