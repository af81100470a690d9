package io.kairos.cluster.aeron;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.kairos.spi.cluster.ClusterNode;

/**
 * A driver's job in the control store's {@link JobTable}, for {@link AeronClusterTransport}: a member that offers no
 * resources is a driver, and right after it registers its node it records its job under the same node id, with its
 * Java command line as the entrypoint. The job ends with the node: SUCCEEDED on the goodbye, FAILED if the control store
 * declares the driver dead. Control thread only.
 */
final class DriverJobs {
    private DriverJobs() {
    }

    /** @return true if the node offers no resources (none, or every amount 0): a driver. */
    static boolean isDriver(final ClusterNode node) {
        for (final Map.Entry<String, Double> e : node.resources().entrySet()) {
            if (e.getValue() != null && e.getValue() != 0.0) {
                return false;
            }
        }
        return true;
    }

    /** @return this JVM's command line ({@code sun.java.command}), cut to {@link ControlState#MAX_NAME_BYTES}. */
    static String entrypoint() {
        return truncate(System.getProperty("sun.java.command", ""), ControlState.MAX_NAME_BYTES);
    }

    /** @return the longest prefix of value whose UTF-8 encoding fits in maxBytes, never splitting a character. */
    static String truncate(final String value, final int maxBytes) {
        if (value.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return value;
        }
        int bytes = 0;
        int end = 0;
        while (end < value.length()) {
            final int cp = value.codePointAt(end);
            final int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return value.substring(0, end);
    }

    /**
     * Records the job of a driver just registered as {@code nodeId}; a node with resources has none. A refusal or a
     * silence is reported and the driver goes on without its job record (the table is for observing, not for running).
     */
    static void register(final ControlClient control, final long nodeId, final ClusterNode node) {
        if (!isDriver(node)) {
            return;
        }
        try {
            new JobClient(control).register(nodeId, entrypoint());
        } catch (final RuntimeException e) {
            System.err.println("kairos: driver '" + node.nodeId() + "': the control store did not record its job: "
                + e.getMessage());
        }
    }
}
