package io.kairos.train;

import java.util.Map;

/**
 * What a training run does, as it does it ({@link Trainer.Builder#onEvent}): a group started, rank 0 reported, a group
 * failed (and starts again, or the run ends), the run finished.
 *
 * @param kind     what happened
 * @param group    the group's number in the run (0 for the first, one more after each failure or resize)
 * @param workers  the group's size
 * @param metrics  rank 0's report (REPORTED), else empty
 * @param error    the failure (GROUP_FAILED), else null
 */
public record TrainEvent(Kind kind, int group, int workers, Map<String, Double> metrics, Throwable error) {
    /** The kinds of events. */
    public enum Kind { GROUP_STARTED, REPORTED, GROUP_FAILED, FINISHED }

    public TrainEvent {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
}
