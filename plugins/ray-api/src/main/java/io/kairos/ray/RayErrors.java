package io.kairos.ray;

import io.kairos.exception.ActorDiedException;
import io.kairos.exception.GetTimeoutException;
import io.kairos.exception.KairosException;
import io.kairos.exception.ObjectFreedException;
import io.kairos.exception.ObjectLostException;
import io.kairos.exception.PendingCallsLimitExceededException;
import io.kairos.exception.TaskCancelledException;
import io.kairos.exception.TaskFailedException;
import io.kairos.exception.WorkerDiedException;
import io.ray.api.exception.RayActorException;
import io.ray.api.exception.RayException;
import io.ray.api.exception.RayIntentionalSystemExitException;
import io.ray.api.exception.RayTaskException;
import io.ray.api.exception.RayTimeoutException;
import io.ray.api.exception.RayWorkerException;
import io.ray.api.exception.UnreconstructableException;
import io.ray.api.id.ActorId;

/**
 * The kernel's exceptions as Ray's, where Ray throws them (off the hot path: only a failure pays for it).
 *
 * <table>
 *   <caption>mapping</caption>
 *   <tr><th>kernel</th><th>Ray</th></tr>
 *   <tr><td>TaskFailedException (cause: what the task threw)</td><td>RayTaskException with that cause</td></tr>
 *   <tr><td>TaskFailedException of an actor call that threw an Error (the kernel restarts the actor) or left
 *       by Ray.exitActor()</td><td>RayActorException: the actor died in the call</td></tr>
 *   <tr><td>TaskCancelledException</td><td>RayTaskException (its cause the kernel's exception)</td></tr>
 *   <tr><td>ActorDiedException</td><td>RayActorException</td></tr>
 *   <tr><td>WorkerDiedException</td><td>RayWorkerException; RayActorException for an actor's call</td></tr>
 *   <tr><td>ObjectLostException, ObjectFreedException</td><td>UnreconstructableException</td></tr>
 *   <tr><td>GetTimeoutException</td><td>RayTimeoutException</td></tr>
 *   <tr><td>PendingCallsLimitExceededException</td><td>Ray's PendingCallsLimitExceededException</td></tr>
 *   <tr><td>any other (closed kernel, unschedulable)</td><td>RayException</td></tr>
 * </table>
 */
final class RayErrors {
    /** Ray's messages name the process and host a task failed in; here every in-process task runs in this one. */
    static final int PID = (int) ProcessHandle.current().pid();
    static final String HOST = "127.0.0.1";

    private RayErrors() {
    }

    /**
     * Ray's exception for a kernel exception.
     *
     * @param e     the kernel's exception
     * @param actor the actor the failed call went to, or null
     */
    static RuntimeException toRay(final RuntimeException e, final ActorId actor) {
        return toRay(e, actor, null);
    }

    /**
     * Ray's exception for a kernel exception.
     *
     * @param e        the kernel's exception
     * @param actor    the actor the failed call went to, or null
     * @param function the Ray function of the failed task, or null: its name replaces the adapter's in the message
     */
    static RuntimeException toRay(final RuntimeException e, final ActorId actor, final Object function) {
        if (!(e instanceof KairosException)) {
            return e;  // bad input (IllegalArgumentException, ...) passes as is, as in Ray
        }
        if (e instanceof GetTimeoutException) {
            return new RayTimeoutException(e.getMessage(), e);
        }
        if (e instanceof TaskFailedException) {
            final Throwable cause = e.getCause();
            if (cause instanceof ActorDiedException || cause instanceof WorkerDiedException
                || cause instanceof ObjectLostException || cause instanceof ObjectFreedException) {
                return toRay((RuntimeException) cause, actor);
            }
            if (actor != null && (cause instanceof Error || cause instanceof RayIntentionalSystemExitException)) {
                // the actor died in the call: it crashed (and restarts if it may) or called Ray.exitActor()
                return new RayActorException(PID, e.getMessage(), actor, cause);
            }
            final String message = function == null ? e.getMessage()
                : e.getMessage().replace("'" + RayFunctions.KERNEL_TASK_NAME + "'", "'" + RayFunctions.name(function) + "'");
            return new RayTaskException(PID, HOST, message,
                cause instanceof KairosException ? toRay((RuntimeException) cause, actor) : cause);
        }
        if (e instanceof TaskCancelledException) {
            return new RayTaskException(PID, HOST, e.getMessage(), e);
        }
        if (e instanceof ActorDiedException) {
            return actor != null ? new RayActorException(PID, e.getMessage(), actor, e.getCause())
                : new RayActorException(PID, e.getMessage(), e.getCause());
        }
        if (e instanceof WorkerDiedException) {
            // an actor's worker JVM died under a call: to Ray, the actor died (it restarts if it may)
            return actor != null ? new RayActorException(PID, e.getMessage(), actor, e)
                : new RayWorkerException(e.getMessage(), e);
        }
        if (e instanceof ObjectLostException || e instanceof ObjectFreedException) {
            return new UnreconstructableException(e.getMessage(), e);
        }
        if (e instanceof PendingCallsLimitExceededException) {
            final io.ray.api.exception.PendingCallsLimitExceededException ray =
                new io.ray.api.exception.PendingCallsLimitExceededException(e.getMessage());
            ray.actorId = actor;
            ray.initCause(e);
            return ray;
        }
        return new RayException(e.getMessage(), e);
    }
}
