package io.kairos.train;

/** A training run that failed more often than its {@link Trainer.Builder#maxFailures}, or could not start. */
public final class TrainingFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and how often
     * @param cause   the last worker's failure, or null
     */
    public TrainingFailedException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
