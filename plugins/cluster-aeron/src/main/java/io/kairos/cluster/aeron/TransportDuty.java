package io.kairos.cluster.aeron;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * A member's media driver without threads of its own ({@link ThreadingMode#INVOKER}) and the one thread that runs
 * it: each cycle of that thread runs the driver's duty cycle (its conductor, sender and receiver), then polls what
 * arrived ({@link #receiveWith}), then idles as {@link TransportIdle} says. A message thus crosses from one member to
 * another through one thread on each side instead of three (driver sender, driver receiver, subscription poller),
 * and the thread that sends runs the driver's duty cycle itself ({@link #sendNow}): the datagram leaves at once,
 * not when a driver thread next wakes.
 *
 * <p>The driver's duty cycle is not thread-safe: whoever runs it holds {@link #lock}, taken with {@code tryLock} only
 * (a thread that finds it taken leaves the work to its holder and wakes the transport thread), never while polling
 * or handing messages to the kernel, so a handler that waits (a full conductor queue) never stops the driver.
 */
public final class TransportDuty implements AutoCloseable {
    private final MediaDriver driver;
    private final AgentInvoker driverInvoker;
    private final ReentrantLock lock = new ReentrantLock();
    private final IdleStrategy idle;
    private final Thread thread;
    /** The driver's duty cycle under the lock, for Aeron clients that wait on the driver (adding a publication). */
    private final AgentInvoker lockedInvoker;
    private static final IntSupplier NOTHING = () -> 0;
    private volatile IntSupplier receiver = NOTHING;
    /** The client's conductor, run on the transport thread after the driver; null before {@link #connectClient}. */
    private volatile AgentInvoker client;
    private volatile boolean running = true;
    /** Cycles of the transport thread run so far ({@link #stopReceiving} waits for one to end). */
    private volatile long cycles;

    private TransportDuty(final MediaDriver driver, final TransportIdle mode, final String name) {
        this.driver = driver;
        this.driverInvoker = driver.sharedAgentInvoker();
        this.idle = mode.newStrategy();
        this.lockedInvoker = new AgentInvoker(Throwable::printStackTrace, null, new Agent() {
            @Override
            public int doWork() {
                return runDriver();
            }

            @Override
            public String roleName() {
                return "kairos-driver-duty";
            }
        });
        this.lockedInvoker.start();
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Launches the driver (its context's threading mode is set here) and starts the transport thread. */
    public static TransportDuty launch(final MediaDriver.Context context, final TransportIdle mode, final String threadName) {
        return new TransportDuty(MediaDriver.launch(context.threadingMode(ThreadingMode.INVOKER)), mode, threadName);
    }

    /**
     * Connects the member's Aeron client to this driver: its conductor too runs on the transport thread (Aeron asks
     * for it when a client runs the driver's duty cycle: a client that waits on the driver, adding a publication,
     * runs the driver meanwhile, so the transport thread may add one from a message handler).
     */
    public Aeron connectClient() {
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())
            .useConductorAgentInvoker(true).driverAgentInvoker(lockedInvoker));
        client = aeron.conductorAgentInvoker();
        return aeron;
    }

    public String aeronDirectoryName() {
        return driver.aeronDirectoryName();
    }

    /** What the transport thread polls after each duty cycle: the number of messages it handled. */
    public void receiveWith(final IntSupplier poll) {
        this.receiver = poll;
    }

    /**
     * After an offer: runs the driver's duty cycle on the calling thread, so the message leaves now; if another
     * thread runs it, wakes the transport thread instead (it may have read the publication before this offer).
     */
    public void sendNow() {
        if (runDriver() < 0) {
            wake();
        }
    }

    /** Ends the transport thread's park, if it parks. */
    void wake() {
        if (idle instanceof HotWindowIdleStrategy hot) {
            hot.wake();
        }
    }

    /** One driver duty cycle if no other thread runs one; -1 if another does. */
    private int runDriver() {
        if (!lock.tryLock()) {
            return -1;
        }
        try {
            return driverInvoker.invoke();
        } finally {
            lock.unlock();
        }
    }

    /** Stops polling what arrives: once this returns, the transport thread no longer runs {@link #receiveWith}'s. */
    void stopReceiving() {
        receiver = NOTHING;
        if (Thread.currentThread() == thread || !thread.isAlive()) {
            return;
        }
        final long seen = cycles;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cycles - seen < 2 && thread.isAlive() && System.nanoTime() - deadline < 0) {
            wake();
            Thread.yield();
        }
    }

    private void run() {
        while (running) {
            final AgentInvoker conductor = client;
            final int work = Math.max(0, runDriver()) + (conductor != null ? conductor.invoke() : 0);
            idle.idle(work + receiver.getAsInt());
            cycles++;
        }
    }

    /** The transport thread's cycles so far. */
    long cycles() {
        return cycles;
    }

    /** The transport thread, for tests and for its owner to tell it apart. */
    Thread thread() {
        return thread;
    }

    /** Stops the transport thread (waits up to 10 s for it), then closes the driver. */
    @Override
    public void close() {
        running = false;
        wake();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lock.lock();
        try {
            CloseHelper.quietCloseAll(lockedInvoker, driver);
        } finally {
            lock.unlock();
        }
    }
}
