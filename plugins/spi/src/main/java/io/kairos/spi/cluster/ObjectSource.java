package io.kairos.spi.cluster;

import java.nio.ByteBuffer;

/**
 * Where a transport's bulk channel reads the objects this member holds for others
 * ({@link ClusterTransport#serveObjects}). The kernel implements it; the transport calls it on a thread of its own,
 * once per pull, after the puller proved it is a member.
 */
@FunctionalInterface
public interface ObjectSource {
    /**
     * The bytes of an object this member holds for another, kept readable until the handle is closed.
     *
     * @param requester the member that pulls it (the object's owner); only objects held for it are given
     * @param objectId  the object's id
     * @return the object, or null if none is held under that id for that member
     */
    Held open(String requester, long objectId);

    /** An object being sent: its bytes (position 0 to limit) stay valid until {@link #close}. */
    interface Held extends AutoCloseable {
        ByteBuffer bytes();

        /** The transport has sent the bytes (or gave up): the holder may move or free them again. */
        @Override
        void close();
    }
}
