package io.kairos.spi.journal;

import java.util.Objects;

/**
 * How a journal rolls and what it keeps.
 *
 * @param roll            how often a new file is started
 * @param retainedCycles  how many roll cycles' files to keep (older ones are deleted when a new cycle starts);
 *                        0 keeps all. The kernel writes again what it still needs from older cycles (the tasks not
 *                        yet finished) when it recovers, so keep at least the cycles a run may last.
 */
public record JournalOptions(Roll roll, int retainedCycles) {
    /** Roll cycles. */
    public enum Roll { HOURLY, DAILY }

    public static final JournalOptions DEFAULT = new JournalOptions(Roll.DAILY, 0);

    public JournalOptions {
        Objects.requireNonNull(roll, "roll");
        if (retainedCycles < 0) {
            throw new IllegalArgumentException("retainedCycles must be >= 0 (0 keeps all), was " + retainedCycles);
        }
    }
}
