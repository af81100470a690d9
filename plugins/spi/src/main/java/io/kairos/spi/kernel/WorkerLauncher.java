package io.kairos.spi.kernel;

/**
 * Starts the threads that run a node's workers. The built-in launcher makes daemon platform threads; a plugin can
 * pin them to cores, give them priorities, or put them in a thread group of the embedder's.
 */
public interface WorkerLauncher {
    /**
     * A new, unstarted thread that will run workerLoop (the kernel starts it).
     *
     * @param nodeId the logical node the worker belongs to
     * @param name   the thread name the kernel suggests, e.g. "kairos-worker-node-0-3"
     */
    Thread newWorkerThread(Runnable workerLoop, String nodeId, String name);
}
