package io.kairos.cluster.aeron;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class TransportDutyTest {
    @TempDir
    Path dir;

    @Test
    void aWakeEndsAParkAtOnce() throws Exception {
        final HotWindowIdleStrategy idle = new HotWindowIdleStrategy(0, TimeUnit.SECONDS.toNanos(30),
            TimeUnit.SECONDS.toNanos(30));
        final Thread t = new Thread(idle::idle);
        t.start();
        Await.condition("the thread parked", idle::parked);
        final long start = System.nanoTime();
        idle.wake();
        t.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(t.isAlive(), "a 30 s park was not ended by wake()");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void withinItsWindowAfterWorkItNeverParks() {
        // a park would take 30 s each: 10,000 idles return at once only if none parks
        final HotWindowIdleStrategy idle = new HotWindowIdleStrategy(TimeUnit.SECONDS.toNanos(20),
            TimeUnit.SECONDS.toNanos(30), TimeUnit.SECONDS.toNanos(30));
        idle.idle(1);
        final long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            idle.idle(0);
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15));
        assertFalse(idle.parked());
    }

    @Test
    void twoDutiesExchangeMessagesEachOnOneThreadAndCloseCleanly() throws Exception {
        for (final TransportIdle mode : TransportIdle.values()) {
            final int portA = freeUdpPort();
            final int portB = freeUdpPort();
            final Path dirA = dir.resolve(mode + "-a");
            final Path dirB = dir.resolve(mode + "-b");
            final ConcurrentLinkedQueue<String> atA = new ConcurrentLinkedQueue<>();
            try (TransportDuty a = TransportDuty.launch(context(dirA), mode, "duty-a");
                 TransportDuty b = TransportDuty.launch(context(dirB), mode, "duty-b");
                 Aeron aeronA = a.connectClient();
                 Aeron aeronB = b.connectClient();
                 Subscription subA = aeronA.addSubscription("aeron:udp?endpoint=localhost:" + portA, 1);
                 Subscription subB = aeronB.addSubscription("aeron:udp?endpoint=localhost:" + portB, 1);
                 Publication toB = aeronA.addPublication("aeron:udp?endpoint=localhost:" + portB, 1);
                 Publication toA = aeronB.addPublication("aeron:udp?endpoint=localhost:" + portA, 1)) {
                final UnsafeBuffer echo = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
                final FragmentHandler echoing = (buffer, offset, length, header) -> {
                    // on b's transport thread: answer from the handler, as a member answers a challenge
                    assertEquals("duty-b", Thread.currentThread().getName());
                    echo.putBytes(0, buffer, offset, length);
                    while (toA.offer(echo, 0, length) < 0) {
                        b.sendNow();
                    }
                    b.sendNow();
                };
                b.receiveWith(() -> subB.poll(echoing, 10));
                final FragmentHandler collecting = (buffer, offset, length, header) ->
                    atA.add(Thread.currentThread().getName() + ":" + buffer.getStringWithoutLengthAscii(offset, length));
                final AtomicLong polls = new AtomicLong();
                a.receiveWith(() -> {
                    polls.incrementAndGet();
                    return subA.poll(collecting, 10);
                });
                Await.condition(mode + ": connected", () -> toB.isConnected() && toA.isConnected());
                final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
                for (int i = 0; i < 100; i++) {
                    final int length = message.putStringWithoutLengthAscii(0, "ping " + i);
                    while (toB.offer(message, 0, length) < 0) {
                        a.sendNow();
                        Thread.yield();
                    }
                    a.sendNow();
                }
                Await.condition(mode + ": 100 echoes", () -> atA.size() == 100);
                int i = 0;
                for (final String got : atA) {
                    assertEquals("duty-a:ping " + i++, got, mode + ": in order, on a's transport thread");
                }
                a.stopReceiving();
                final long after = polls.get();
                final long cycles = a.cycles();
                Await.condition(mode + ": three more cycles", () -> a.cycles() - cycles >= 3);
                assertEquals(after, polls.get(), mode + ": polled after stopReceiving");
                a.close();
                assertFalse(a.thread().isAlive(), mode + ": a's transport thread still runs after close");
            }
            assertFalse(Files.exists(dirA), mode + ": the driver's directory is left behind");
            assertFalse(Files.exists(dirB));
        }
    }

    private static MediaDriver.Context context(final Path dir) {
        return new MediaDriver.Context().aeronDirectoryName(dir.toString()).dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true).termBufferSparseFile(true).publicationTermBufferLength(64 * 1024)
            .ipcTermBufferLength(64 * 1024);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
