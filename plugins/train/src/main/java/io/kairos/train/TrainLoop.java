package io.kairos.train;

import java.io.Serializable;

/**
 * A JVM training loop, run once by every worker of the group with its own {@link TrainContext} (rank, world size,
 * rendezvous, the latest checkpoint to resume from). A method reference or a lambda without captured state travels
 * to the workers by name, as the kernel's tasks do.
 */
@FunctionalInterface
public interface TrainLoop extends Serializable {
    /**
     * Runs this rank's part of the training.
     *
     * @param context the worker's context
     * @throws Exception any failure: the whole group stops and, within {@link Trainer.Builder#maxFailures}, starts
     *                   again from the latest checkpoint
     */
    void run(TrainContext context) throws Exception;
}
