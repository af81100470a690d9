package io.kairos.spi.cluster;

import java.nio.ByteBuffer;

/**
 * What a {@link ClusterTransport} tells the kernel. Called on the transport's own thread, one call at a time; the
 * kernel hands the events to its conductor and returns quickly.
 */
public interface ClusterListener {
    /** Another member joined (or was already there when this one joined). */
    void onNodeJoined(ClusterNode node);

    /**
     * A member left: it said goodbye, or the control store declared it dead after missing heartbeats. Its messages
     * stop; a member that comes back is joined again as new.
     *
     * @param reason e.g. "missed heartbeats for 5000 ms"
     */
    void onNodeLeft(String nodeId, String reason);

    /**
     * A message another member sent with {@link ClusterTransport#send}, whole and in the order that member sent it.
     *
     * @param message its bytes from position to limit; valid only during the call
     */
    void onMessage(String fromNodeId, ByteBuffer message);

    /**
     * The transport handed over what it had ({@link #onMessage}, one or more) and will poll again: the kernel may act
     * on them now, on this thread (e.g. dispatch a task that arrived rather than wake its scheduler's thread for it).
     * Nothing by default.
     */
    default void onMessagesDelivered() {
    }
}
