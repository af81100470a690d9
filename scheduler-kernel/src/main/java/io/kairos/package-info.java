/**
 * The Kairos scheduling kernel: one conductor over lock-free Agrona queues owning tasks, objects, actors,
 * resources and placement. Its public API (Kernel, KernelContext, ObjectRef, ActorHandle) lands with the
 * scheduling-kernel issue; this module already builds against the plugin SPI and the object-store bindings.
 */
package io.kairos;
