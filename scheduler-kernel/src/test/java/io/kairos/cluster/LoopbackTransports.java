package io.kairos.cluster;

import io.kairos.spi.cluster.ClusterListener;
import io.kairos.spi.cluster.ClusterNode;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.cluster.ClusterTransport.ActorLocation;
import io.kairos.spi.cluster.ObjectSink;
import io.kairos.spi.cluster.ObjectSource;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Cluster transports joined in one JVM, for testing the kernel's side of a cluster without a network: each member
 * gets its events on a thread of its own, in order, as a real transport delivers them. A member can be made to
 * vanish ({@link #kill}): the others are told it left, as a control store would after missed heartbeats.
 *
 * <p>Large objects go in messages ({@link Bulk#OFF}, what a transport without a bulk channel does), or on a bulk
 * channel that copies from the holder's source on the puller's own thread ({@link Bulk#ON}), or on one that always
 * fails ({@link Bulk#FAILING}: the kernel goes on in messages).
 */
final class LoopbackTransports {
    /** Whether members have a bulk channel for objects, and whether it works. */
    enum Bulk { OFF, ON, FAILING }

    private final Bulk bulk;
    /** Objects that crossed whole on the bulk channel. */
    final java.util.concurrent.atomic.AtomicLong bulkPulls = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final Map<String, ActorLocation> actors = new ConcurrentHashMap<>();
    /** Members that no longer hear the others' availability reports (their view of the others goes stale). */
    private final java.util.Set<String> deafToReports = ConcurrentHashMap.newKeySet();

    LoopbackTransports() {
        this(Bulk.OFF);
    }

    /** Whether members have a working bulk channel. */
    boolean bulk() {
        return bulk == Bulk.ON;
    }

    LoopbackTransports(final Bulk bulk) {
        this.bulk = bulk;
    }

    ClusterTransport transport() {
        return new Member();
    }

    /** The member no longer hears availability reports (AVAILABLE, type 3): its view of the others goes stale. */
    void deafToReports(final String nodeId) {
        deafToReports.add(nodeId);
    }

    /** The member vanishes: nothing more reaches it or comes from it, and the others hear it left. */
    void kill(final String nodeId) {
        final Member gone = members.remove(nodeId);
        if (gone != null) {
            gone.stop();
            for (final Member m : members.values()) {
                m.deliver(() -> m.listener.onNodeLeft(nodeId, "killed by the test"));
            }
        }
    }

    private final class Member implements ClusterTransport {
        private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
        private volatile ClusterListener listener;
        private volatile ClusterNode self;
        private volatile boolean stopped;
        private Thread thread;
        private volatile ObjectSource source;
        private final java.util.concurrent.ExecutorService puller = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
                final Thread t = new Thread(r, "loopback-bulk");
                t.setDaemon(true);
                return t;
            });

        @Override
        public boolean serveObjects(final ObjectSource objects) {
            source = objects;
            return bulk != Bulk.OFF;
        }

        @Override
        public boolean pullObject(final String nodeId, final long objectId, final ObjectSink sink) {
            if (bulk == Bulk.OFF || stopped) {
                return false;
            }
            puller.execute(() -> {
                final Member holder = members.get(nodeId);
                if (bulk == Bulk.FAILING || holder == null || holder.source == null) {
                    sink.failed(false, "no bulk channel to '" + nodeId + "'");
                    return;
                }
                final ObjectSource.Held held = holder.source.open(self.nodeId(), objectId);
                if (held == null) {
                    sink.failed(true, "not held");
                    return;
                }
                try {
                    final ByteBuffer from = held.bytes().duplicate();
                    final ByteBuffer to = sink.destination(from.remaining());
                    if (to == null) {
                        sink.failed(false, "refused");
                        return;
                    }
                    to.put(from);
                } finally {
                    held.close();
                }
                bulkPulls.incrementAndGet();
                sink.completed();
            });
            return true;
        }

        @Override
        public synchronized void join(final ClusterNode node, final ClusterListener events) {
            this.self = node;
            this.listener = events;
            thread = new Thread(this::run, "loopback-" + node.nodeId());
            thread.setDaemon(true);
            thread.start();
            synchronized (LoopbackTransports.this) {
                for (final Member other : members.values()) {
                    events.onNodeJoined(other.self);
                    other.deliver(() -> other.listener.onNodeJoined(node));
                }
                members.put(node.nodeId(), this);
            }
        }

        private void run() {
            while (!stopped) {
                try {
                    inbox.take().run();
                } catch (final InterruptedException e) {
                    return;
                }
            }
        }

        void deliver(final Runnable event) {
            if (!stopped) {
                inbox.add(event);
            }
        }

        void stop() {
            stopped = true;
            puller.shutdown();
            if (thread != null) {
                thread.interrupt();
            }
        }

        @Override
        public boolean send(final String nodeId, final byte[] message, final int offset, final int length) {
            final Member to = members.get(nodeId);
            if (to == null || stopped) {
                return false;
            }
            if (length >= 4 && ByteBuffer.wrap(message, offset, length).order(java.nio.ByteOrder.nativeOrder())
                .getInt(offset) == 3 && deafToReports.contains(nodeId)) {
                return true;  // dropped on the way, as if late
            }
            final byte[] copy = Arrays.copyOfRange(message, offset, offset + length);
            final String from = self.nodeId();
            to.deliver(() -> to.listener.onMessage(from, ByteBuffer.wrap(copy)));
            return true;
        }

        @Override
        public int maxMessageBytes() {
            return 64 << 20;
        }

        @Override
        public void reportAvailable(final Map<String, Double> available) {
        }

        @Override
        public void publishActor(final String name, final String nodeId, final long actorId) {
            actors.put(name, new ActorLocation(nodeId, actorId));
        }

        @Override
        public void unpublishActor(final String name) {
            actors.remove(name);
        }

        @Override
        public ActorLocation lookupActor(final String name) {
            return actors.get(name);
        }

        @Override
        public void close() {
            if (self != null && members.remove(self.nodeId(), this)) {
                for (final Member m : members.values()) {
                    m.deliver(() -> m.listener.onNodeLeft(self.nodeId(), "said goodbye"));
                }
            }
            stop();
        }
    }
}
