package io.kairos.cluster.aeron;

import io.kairos.spi.cluster.ObjectSink;
import io.kairos.spi.cluster.ObjectSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bulk channel on its own, on loopback: objects cross whole into direct and heap buffers; a missing object is
 * said to be missing; only a member that proves the secret (and the name it pulls for) gets anything; a holder that
 * is not the member named is not believed; a silent stranger is dropped after the timeout; closing fails what waits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BulkChannelTest {
    private static final ClusterSecret SECRET = ClusterSecret.of("a test secret of 32 bytes, or so".getBytes());
    private static final ClusterSecret OTHER = ClusterSecret.of("another secret, of 32 bytes or so".getBytes());

    private final List<BulkChannel> channels = new ArrayList<>();
    /** What node-a holds, by owner and id. */
    private final Map<String, byte[]> held = new ConcurrentHashMap<>();
    private final List<String> opened = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() {
        channels.forEach(BulkChannel::close);
    }

    private BulkChannel channel(final String name, final ClusterSecret secret) throws Exception {
        final BulkChannel c = new BulkChannel(name, secret, source(), "localhost", 2_000);
        channels.add(c);
        return c;
    }

    private ObjectSource source() {
        return (requester, id) -> {
            opened.add(requester + "/" + id);
            final byte[] bytes = held.get(requester + "/" + id);
            return bytes == null ? null : new ObjectSource.Held() {
                @Override
                public ByteBuffer bytes() {
                    return ByteBuffer.wrap(bytes);
                }

                @Override
                public void close() {
                }
            };
        };
    }

    private static byte[] random(final int n, final long seed) {
        final byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** A sink into a direct or heap buffer; its outcome as a future. */
    private static final class Sink implements ObjectSink {
        final boolean direct;
        final CompletableFuture<Object> outcome = new CompletableFuture<>();
        ByteBuffer to;

        Sink(final boolean direct) {
            this.direct = direct;
        }

        @Override
        public ByteBuffer destination(final long length) {
            to = direct ? ByteBuffer.allocateDirect((int) length) : ByteBuffer.allocate((int) length);
            return to;
        }

        @Override
        public void completed() {
            final byte[] bytes = new byte[to.capacity()];
            to.duplicate().clear().get(bytes);
            assertTrue(outcome.complete(bytes), "a second end");
        }

        @Override
        public void failed(final boolean missing, final String reason) {
            assertTrue(outcome.complete((missing ? "missing: " : "failed: ") + reason), "a second end");
        }

        Object await() throws Exception {
            return outcome.get(30, TimeUnit.SECONDS);
        }
    }

    private static InetSocketAddress at(final BulkChannel c) {
        return new InetSocketAddress("localhost", c.port());
    }

    @Test
    void objectsCrossWholeIntoDirectAndHeapBuffers() throws Exception {
        final BulkChannel a = channel("node-a", SECRET);
        final BulkChannel b = channel("node-b", SECRET);
        final byte[] big = random(24 << 20, 1);
        final byte[] small = random(1000, 2);
        held.put("node-b/1", big);
        held.put("node-b/2", small);
        final Sink direct = new Sink(true);
        final Sink heap = new Sink(false);
        final Sink empty = new Sink(true);
        assertTrue(b.pull("node-a", at(a), 1, direct));
        assertTrue(b.pull("node-a", at(a), 2, heap));
        held.put("node-b/3", new byte[0]);
        assertTrue(b.pull("node-a", at(a), 3, empty));
        assertArrayEquals(big, (byte[]) direct.await());
        assertArrayEquals(small, (byte[]) heap.await());
        assertArrayEquals(new byte[0], (byte[]) empty.await());
        assertEquals(3, b.pulled()[0]);
        assertEquals(big.length + small.length, b.pulled()[1]);
    }

    @Test
    void aMissingObjectIsSaidToBeMissingAndTheChannelGoesOn() throws Exception {
        final BulkChannel a = channel("node-a", SECRET);
        final BulkChannel b = channel("node-b", SECRET);
        held.put("node-c/7", random(100, 3));  // held for another owner: node-b does not get it
        final Sink other = new Sink(true);
        assertTrue(b.pull("node-a", at(a), 7, other));
        assertTrue(String.valueOf(other.await()).startsWith("missing: "), () -> String.valueOf(other.outcome));
        held.put("node-b/8", random(100, 4));
        final Sink mine = new Sink(true);
        assertTrue(b.pull("node-a", at(a), 8, mine));
        assertArrayEquals(held.get("node-b/8"), (byte[]) mine.await());
        assertTrue(opened.contains("node-b/7"), () -> "asked for: " + opened);
    }

    @Test
    void aPullerWithoutTheSecretGetsNothing() throws Exception {
        final BulkChannel a = channel("node-a", SECRET);
        final BulkChannel rogue = channel("node-b", OTHER);
        held.put("node-b/1", random(100, 5));
        final Sink sink = new Sink(true);
        assertTrue(rogue.pull("node-a", at(a), 1, sink));
        final Object outcome = sink.await();
        assertTrue(String.valueOf(outcome).startsWith("failed: "), () -> String.valueOf(outcome));
        Await.condition("the rogue refused at node-a", () -> a.refusals() > 0);
        assertTrue(opened.isEmpty(), () -> "opened for a rogue: " + opened);
    }

    @Test
    void aHolderThatIsNotTheMemberNamedIsNotBelieved() throws Exception {
        final BulkChannel a = channel("node-a", SECRET);
        final BulkChannel b = channel("node-b", SECRET);
        held.put("node-b/1", random(100, 6));
        final Sink sink = new Sink(true);
        assertTrue(b.pull("node-x", at(a), 1, sink));  // node-a's port, taken for node-x's
        final Object outcome = sink.await();
        assertTrue(String.valueOf(outcome).contains("did not prove it is member 'node-x'"), () -> String.valueOf(outcome));
        assertTrue(opened.isEmpty(), () -> "opened: " + opened);
    }

    @Test
    void aSilentStrangerIsDroppedAfterTheTimeout() throws Exception {
        final BulkChannel a = channel("node-a", SECRET);
        try (Socket s = new Socket()) {
            s.connect(at(a), 2_000);
            s.setSoTimeout(20_000);
            final long t0 = System.nanoTime();
            final InputStream in = s.getInputStream();
            assertEquals(-1, in.read());  // closed by node-a, not timed out here
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15));
        }
        Await.condition("the stranger refused", () -> a.refusals() > 0);
    }

    @Test
    void closingFailsPullsThatWaitAndRefusesNewOnes() throws Exception {
        final BulkChannel a = channel("node-a", SECRET);
        final BulkChannel b = channel("node-b", SECRET);
        a.close();
        final Sink sink = new Sink(true);
        assertTrue(b.pull("node-a", at(a), 1, sink));
        assertTrue(String.valueOf(sink.await()).startsWith("failed: "));
        b.close();
        assertFalse(b.pull("node-a", at(a), 1, new Sink(true)));
    }

    @Test
    void aMemberThatLeavesFailsItsPulls() throws Exception {
        final BulkChannel a = channel("node-a", SECRET);
        final BulkChannel b = channel("node-b", SECRET);
        held.put("node-b/1", random(100, 7));
        final Sink first = new Sink(true);
        assertTrue(b.pull("node-a", at(a), 1, first));
        assertArrayEquals(held.get("node-b/1"), (byte[]) first.await());
        a.left("node-b");  // node-a hears node-b left: its connection from node-b closes
        b.left("node-a");
        final Sink again = new Sink(true);  // a new incarnation of node-a: a new connection
        assertTrue(b.pull("node-a", at(a), 1, again));
        assertArrayEquals(held.get("node-b/1"), (byte[]) again.await());
    }

    @Test
    void aKeptConnectionTheHolderClosedIsOpenedAgain() throws Exception {
        final BulkChannel a = channel("node-a", SECRET);
        final BulkChannel b = channel("node-b", SECRET);
        held.put("node-b/1", random(100, 8));
        final Sink first = new Sink(true);
        assertTrue(b.pull("node-a", at(a), 1, first));
        assertArrayEquals(held.get("node-b/1"), (byte[]) first.await());
        a.left("node-b");  // node-a drops its side only (as if it had restarted its server); node-b keeps its own
        final Sink again = new Sink(true);
        assertTrue(b.pull("node-a", at(a), 1, again));
        assertArrayEquals(held.get("node-b/1"), (byte[]) again.await());
    }

    @Test
    void aMemberListeningElsewhereNowIsPulledFromThere() throws Exception {
        final BulkChannel a = channel("node-a", SECRET);
        final BulkChannel b = channel("node-b", SECRET);
        final BulkChannel a2 = channel("node-a", SECRET);  // node-a again, a new incarnation on another port
        held.put("node-b/1", random(100, 9));
        final Sink first = new Sink(true);
        assertTrue(b.pull("node-a", at(a), 1, first));
        assertArrayEquals(held.get("node-b/1"), (byte[]) first.await());
        a.close();
        final Sink again = new Sink(true);
        assertTrue(b.pull("node-a", at(a2), 1, again));
        assertArrayEquals(held.get("node-b/1"), (byte[]) again.await());
    }
}
