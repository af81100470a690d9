package io.kairos.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a finished training run left: the metrics rank 0 reported, in order (the last one first to hand as
 * {@link #metrics}), the latest checkpoint, and how many times the group failed and started again.
 *
 * @param history    every report of rank 0, in order (across restarts)
 * @param checkpoint the latest checkpoint's directory, if any was reported
 * @param failures   group failures the run recovered from
 */
public record TrainResult(List<Map<String, Double>> history, Optional<Path> checkpoint, int failures) {
    public TrainResult {
        history = List.copyOf(history);
    }

    /** The last metrics rank 0 reported; empty if it reported none. */
    public Map<String, Double> metrics() {
        return history.isEmpty() ? Map.of() : history.get(history.size() - 1);
    }
}
