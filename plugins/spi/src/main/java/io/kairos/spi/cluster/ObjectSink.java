package io.kairos.spi.cluster;

import java.nio.ByteBuffer;

/**
 * Where a pulled object goes ({@link ClusterTransport#pullObject}). The transport calls it on a thread of its own:
 * {@link #destination} once the holder has said how long the object is, then exactly one of {@link #completed} or
 * {@link #failed} (also when {@link #destination} was never called), and never anything after that. The transport
 * writes into the destination only between those calls, so the kernel frees it only once one of them came.
 */
public interface ObjectSink {
    /**
     * The holder has the object: where its bytes go.
     *
     * @param length how many bytes come
     * @return a buffer with exactly length bytes remaining, written from its position; null to refuse the object
     *         (then {@link #failed} follows)
     */
    ByteBuffer destination(long length);

    /** The whole object is in the destination. */
    void completed();

    /**
     * The pull did not complete.
     *
     * @param missing true if the holder answered that it holds no such object (it is lost there); false if the bulk
     *                channel failed (the member may still hold it: the kernel may ask again another way)
     * @param reason  what happened, for error messages
     */
    void failed(boolean missing, String reason);
}
