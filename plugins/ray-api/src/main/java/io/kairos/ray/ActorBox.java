package io.kairos.ray;

import io.kairos.TaskContext;
import io.ray.api.id.ActorId;

/**
 * What the kernel holds as a Ray actor's instance: the user's object, with the Ray id of its actor and whether this
 * instance was made by a restart. While a constructor or a method of the actor runs, the box is the current one of its
 * thread, which is how {@code Ray.getRuntimeContext()} and {@code Ray.exitActor()} know the actor they are in.
 */
final class ActorBox {
    private static final ThreadLocal<ActorBox> CURRENT = new ThreadLocal<>();

    final ActorId id;
    /** Made by a restart (the creation task's second or later run). */
    final boolean restarted;
    /** The user's actor object; set once the constructor returned. */
    Object instance;

    private ActorBox(final ActorId id, final boolean restarted) {
        this.id = id;
        this.restarted = restarted;
    }

    /** A new box for the constructor running on this thread, made current until {@link #leave(ActorBox)}. */
    static ActorBox creating(final ActorId id) {
        final TaskContext task = TaskContext.current();
        return new ActorBox(id, task != null && task.attempt() > 0);
    }

    /** The box of the actor whose code runs on this thread, or null outside an actor. */
    static ActorBox current() {
        return CURRENT.get();
    }

    /**
     * Makes this box the current one of the thread.
     *
     * @return the box that was current, to give back to {@link #leave(ActorBox)}
     */
    ActorBox enter() {
        final ActorBox previous = CURRENT.get();
        CURRENT.set(this);
        return previous;
    }

    static void leave(final ActorBox previous) {
        CURRENT.set(previous);
    }
}
