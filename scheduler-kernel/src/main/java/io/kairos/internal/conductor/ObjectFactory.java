package io.kairos.internal.conductor;

/**
 * Makes the kernel's objects: the public API gives one that makes its {@code ObjectRef}s, so that a task's result is
 * one object, its state and its handle at once.
 */
@FunctionalInterface
public interface ObjectFactory {
    ObjectState create(long id, KernelCore core);
}
