package io.kairos.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** What a worker asks of its group: the coordinator itself in this JVM, or through {@link GroupClient}. */
interface Group {
    /** Each rank's vector in, their sum (in rank order) out to every rank once all arrived. */
    double[] allReduce(int rank, double[] values) throws InterruptedException, IOException;

    /** Rank is alive. */
    void heartbeat(int rank) throws IOException;

    /** A report; a checkpoint directory (or null) becomes the newest checkpoint, whose place it returns. */
    Path report(int rank, Map<String, Double> metrics, Path checkpoint) throws IOException;

    /** A fresh directory for rank's next checkpoint. */
    Path staging(int rank) throws IOException;
}
