package io.kairos.data;

import io.kairos.ActorCreator;
import io.kairos.ActorHandle;
import io.kairos.Kernel;
import io.kairos.ObjectRef;
import io.kairos.PythonActor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * The streaming executor. The first stage is one task per split, running its fused operators ({@link Ops.Fused});
 * each later stage is an actor pool ({@link ActorPool}), one call per block. All stages run at once, block by block:
 * a block done at one stage waits for the next, the last stage's blocks are consumed as they come (in split order
 * when asked), and every block is freed from the store as soon as the next stage (or the consumer) has read it
 * ({@link ObjectRef#free}).
 *
 * <p>Memory: a new split starts only while the blocks in flight (running, waiting between stages, done and not yet
 * consumed; an actor call counts its input and its output) fit the memory budget, counted at the largest block seen:
 * the consumer's pace holds the producers back, and the most downstream work always goes first (a waiting block is
 * given to an actor before a new split starts), so the pipeline drains and the store holds at most the budget of its
 * blocks however large the dataset. Nothing is spilled.
 *
 * <p>One consumer thread drives it (each {@link #hasNext}/{@link #next} moves the pipeline). {@link #close} cancels
 * what has not run, frees what is done, and lets the actors go.
 */
final class BlockStream implements Iterator<List<Object>>, AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(20);
    /** Blocks in flight at most per task the window allows, whatever their size (inline blocks use no store). */
    private static final int BLOCKS_PER_WINDOW_SLOT = 4;

    private final Kernel kernel;
    private final List<Split> splits;
    private final List<ObjectRef<List<Object>>> inputs;
    private final int sources;
    private final List<Stage> stages;
    private final RunOptions options;
    private final Pool[] pools;
    private final List<Block> running = new ArrayList<>();
    private final List<ArrayDeque<Block>> waiting = new ArrayList<>();
    private final TreeMap<Integer, Block> outputs = new TreeMap<>();
    private int runningTasks;
    private int runningCalls;
    /** Per stage: its work running now, and the bytes of its blocks not yet read by the next stage or the consumer. */
    private final int[] runningAt;
    private final long[] queuedBytes;
    /** Whether a block is done: until then no block size is known. */
    private boolean sized;
    private int waitingBlocks;
    private int next;
    private int nextOutput;
    private long largestBlock;
    private long blocks;
    private long errored;
    private boolean closed;
    private final Progress progress;

    /** A block on its way: the object a stage makes (or made) of it, and the input a running call reads. */
    private static final class Block {
        final int index;
        int stage;
        ObjectRef<List<Object>> ref;
        ObjectRef<List<Object>> input;
        long inputBytes;
        long bytes;
        long started;
        Pool.Member actor;

        Block(final int index, final ObjectRef<List<Object>> ref) {
            this.index = index;
            this.ref = ref;
        }
    }

    /**
     * A run over splits (each read by a task) or over blocks already in the store (an exchange's: each freed once its
     * first-stage task has read it, or handed on as it is when that stage has no operator).
     */
    BlockStream(final Kernel kernel, final List<Split> splits, final List<ObjectRef<List<Object>>> inputs,
                final List<Stage> stages, final RunOptions options) {
        this.kernel = kernel;
        this.splits = splits;
        this.inputs = inputs == null ? null : new ArrayList<>(inputs);
        this.sources = inputs == null ? splits.size() : inputs.size();
        this.stages = stages;
        this.options = options;
        this.pools = new Pool[stages.size()];
        this.runningAt = new int[stages.size()];
        this.queuedBytes = new long[stages.size()];
        for (int s = 0; s < stages.size(); s++) {
            waiting.add(new ArrayDeque<>());
            if (stages.get(s).isActors()) {
                pools[s] = new Pool(kernel, stages.get(s));
            }
        }
        this.progress = new Progress(stages.size(), options.progress() ? System.err : null, options.memoryBudget());
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (next < sources || !running.isEmpty() || waitingBlocks > 0 || !outputs.isEmpty()) {
            return true;
        }
        close();  // read to its end: the pools' actors go now, not when the reader remembers to close
        return false;
    }

    /**
     * The next block's rows; an empty list when the blocks left were all failed ones skipped within
     * {@code maxErroredBlocks} (hasNext could not know they would fail).
     */
    @Override
    public List<Object> next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the dataset has no more blocks");
        }
        for (;;) {
            if (!hasNext()) {
                return List.of();
            }
            final Block out = nextBlock();
            if (out != null) {
                final List<Object> rows = consume(out);
                if (rows != null) {
                    return rows;
                }
            }
        }
    }

    /**
     * The next block's object itself, not read: the caller owns it (and frees it). For an exchange, which keeps its
     * input in the store until it reads it.
     */
    ObjectRef<List<Object>> nextRef() {
        for (;;) {
            if (!hasNext()) {
                throw new NoSuchElementException("the dataset has no more blocks");
            }
            final Block out = nextBlock();
            if (out != null) {
                progress.freed(out.ref.storedBytes());
                queuedBytes[out.stage] -= out.bytes;
                blocks++;
                return out.ref;
            }
        }
    }

    /** Moves the pipeline; the next output block if one is ready (in order when asked), else waits and gives null. */
    private Block nextBlock() {
        pump();
        final Block out = options.preserveOrder() ? outputs.remove(nextOutput)
            : outputs.isEmpty() ? null : outputs.pollFirstEntry().getValue();
        if (out != null) {
            nextOutput++;
            return out;
        }
        awaitAny();
        return null;
    }

    /** The block's rows (null for a failed block within {@code maxErroredBlocks}: it is skipped). */
    private List<Object> consume(final Block out) {
        List<Object> rows;
        try {
            rows = out.ref.get();
        } catch (final RuntimeException e) {
            if (errored >= options.maxErroredBlocks()) {
                close();
                throw e;
            }
            errored++;
            progress.errored(out.index, e);
            rows = null;
        }
        progress.freed(out.ref.storedBytes());
        queuedBytes[out.stage] -= out.bytes;
        out.ref.free();  // its store memory back now: the next task may use it
        if (rows != null) {
            blocks++;
            progress.consumed(rows.size());
        }
        return rows;
    }

    /** Moves the pipeline: finished work forward, waiting blocks to free actors (downstream first), new splits. */
    private void pump() {
        for (int i = running.size() - 1; i >= 0; i--) {
            final Block b = running.get(i);
            if (done(b.ref)) {
                running.remove(i);
                finished(b);
            }
        }
        final long now = System.nanoTime();
        for (int s = stages.size() - 1; s >= 1; s--) {
            final ArrayDeque<Block> queue = waiting.get(s);
            final Pool pool = pools[s];
            if (pool == null) {  // a task per block (the operators after a Python stage)
                while (!queue.isEmpty() && runningCalls < options.maxTasksInFlight() && stageFits(s)) {
                    final Block b = queue.poll();
                    waitingBlocks--;
                    b.input = b.ref;
                    b.inputBytes = b.ref.storedBytes();
                    b.started = now;
                    b.ref = kernel.task(Ops::runBlock, b.input, stages.get(s).ops(), b.index)
                        .setMaxRetries(options.retries()).setRetryExceptions(options.retries() > 0).remote();
                    b.stage = s;
                    runningCalls++;
                    runningAt[s]++;
                    running.add(b);
                }
                continue;
            }
            Pool.Member actor;
            while (!queue.isEmpty() && stageFits(s) && (actor = pool.free(queue.peek().ref)) != null) {
                final Block b = queue.poll();
                waitingBlocks--;
                b.input = b.ref;
                b.inputBytes = b.ref.storedBytes();
                b.started = now;
                b.ref = actor.call(b.input, b.index);
                b.stage = s;
                b.actor = actor;
                runningCalls++;
                runningAt[s]++;
                running.add(b);
            }
            pool.scale(queue.size(), now);
        }
        while (next < sources && runningTasks < options.maxTasksInFlight() && fits() && stageFits(0)) {
            final Block b = start(next);
            b.started = now;
            next++;
            runningTasks++;
            runningAt[0]++;
            running.add(b);
        }
        progress.tick(now, this);
    }

    /** The first stage's work for source i: its split read by a task, or its stored block through the operators. */
    private Block start(final int i) {
        final List<Ops.Op> ops = stages.get(0).ops();
        if (inputs == null) {
            return new Block(i, kernel.task(Ops.Fused::run, new Ops.Fused(splits.get(i), ops, i))
                .setMaxRetries(options.retries()).setRetryExceptions(options.retries() > 0).remote());
        }
        final ObjectRef<List<Object>> block = inputs.set(i, null);
        if (ops.isEmpty()) {
            return new Block(i, block);  // ready: nothing to run on it at this stage
        }
        final Block b = new Block(i, kernel.task(Ops::runBlock, block, ops, i).setMaxRetries(options.retries())
            .setRetryExceptions(options.retries() > 0).remote());
        b.input = block;
        b.inputBytes = block.storedBytes();
        return b;
    }

    /**
     * Whether stage s may start one more block: its blocks waiting for the next stage (or the consumer), and one of
     * the largest size for each of its running blocks and the new one, fit its share of the budget (the budget over
     * the stages); a stage with nothing waiting and nothing running may always start one.
     */
    private boolean stageFits(final int s) {
        if (queuedBytes[s] == 0 && runningAt[s] == 0) {
            return true;
        }
        if (!sized) {  // no block is done yet, so none has a size: one wave over the CPUs
            return runningAt[s] < Math.max(1, (options.maxTasksInFlight() - 2) / 2);
        }
        return queuedBytes[s] + (runningAt[s] + 1) * largestBlock <= options.memoryBudget() / stages.size();
    }

    /** Whether one more block fits the budget (at least one is always in flight, so the pipeline moves). */
    private boolean fits() {
        final int objects = running.size() + runningCalls + waitingBlocks + outputs.size();
        return objects == 0 || objects < BLOCKS_PER_WINDOW_SLOT * options.maxTasksInFlight()
            && (objects + 1) * largestBlock <= options.memoryBudget();
    }

    private void finished(final Block b) {
        if (b.input != null) {
            b.input.free();  // the call has read it
            b.input = null;
            progress.freed(b.inputBytes);
            if (b.stage > 0) {
                queuedBytes[b.stage - 1] -= b.inputBytes;
            }
        }
        runningAt[b.stage]--;
        if (b.stage > 0) {
            runningCalls--;
        } else {
            runningTasks--;
        }
        if (b.actor != null) {
            b.actor.done(System.nanoTime());
            b.actor = null;
        }
        final long bytes = b.ref.storedBytes();
        sized = true;
        b.bytes = bytes;
        queuedBytes[b.stage] += bytes;
        progress.done(b.stage, System.nanoTime() - b.started, bytes, queuedBytes[b.stage]);
        if (bytes > largestBlock) {
            largestBlock = bytes;
            if (bytes > options.memoryBudget()) {
                close();
                throw new IllegalArgumentException("the memory budget of " + options.memoryBudget() + " bytes is "
                    + "below one block (" + bytes + " bytes): raise Dataset.memoryBudget or make blocks smaller");
            }
        }
        final int nextStage = b.stage + 1;
        if (nextStage == stages.size()) {
            outputs.put(b.index, b);
        } else {
            waiting.get(nextStage).add(b);
            waitingBlocks++;
        }
    }

    private void awaitAny() {
        if (running.isEmpty()) {
            return;  // nothing runs: the next pump starts something (or the stream ended)
        }
        final List<ObjectRef<List<Object>>> refs = new ArrayList<>(running.size());
        for (final Block b : running) {
            refs.add(b.ref);
        }
        kernel.wait(refs, 1, POLL, false);
    }

    /**
     * Whether a block's task is done: its value is here, or (on a cluster) held by the member that made it, where the
     * next stage's task or actor call reads it without pulling it here.
     */
    private static boolean done(final ObjectRef<?> ref) {
        return ref.isReady() || ref.isHeldElsewhere();
    }

    /** Blocks consumed so far. */
    long blocks() {
        return blocks;
    }

    /** The largest block seen, in bytes in the store (0 while every block was small enough to stay inline). */
    long largestBlock() {
        return largestBlock;
    }

    /** Actors alive now, over every pool stage. */
    int actors() {
        int n = 0;
        for (final Pool p : pools) {
            n += p == null ? 0 : p.members.size();
        }
        return n;
    }

    /** The most actors alive at once so far, over every pool stage. */
    int peakActors() {
        int n = 0;
        for (final Pool p : pools) {
            n += p == null ? 0 : p.peak;
        }
        return n;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (final Block b : running) {
            kernel.cancel(b.ref, false);
            if (b.input != null && done(b.input)) {
                b.input.free();
            }
        }
        for (final ArrayDeque<Block> queue : waiting) {
            for (final Block b : queue) {
                b.ref.free();
            }
        }
        for (final Block b : outputs.values()) {
            b.ref.free();
        }
        if (inputs != null) {
            for (int i = next; i < inputs.size(); i++) {
                inputs.get(i).free();  // an exchange's blocks not run
            }
        }
        running.clear();
        outputs.clear();
        for (final Pool p : pools) {
            if (p != null) {
                p.closeAll();
            }
        }
        progress.end(this, options.onStats());
    }

    /** How the run went so far (or went, once closed). */
    DatasetStats stats() {
        return progress.stats(this);
    }

    /** Blocks queued before stage s (waiting for an actor or a task slot). */
    int queued(final int s) {
        return waiting.get(s).size();
    }

    /** Blocks whose work at stage s runs now. */
    int runningAt(final int s) {
        int n = 0;
        for (final Block b : running) {
            n += b.stage == s ? 1 : 0;
        }
        return n;
    }

    /** Actors alive now at stage s (0 for a task stage). */
    int actorsAt(final int s) {
        return pools[s] == null ? 0 : pools[s].members.size();
    }

    /** The most actors alive at once so far at stage s (0 for a task stage). */
    int peakActorsAt(final int s) {
        return pools[s] == null ? 0 : pools[s].peak;
    }

    /** The stages' names, for progress lines. */
    String stageName(final int s) {
        final Stage st = stages.get(s);
        return st.isPython() ? "python " + st.pythonClass() : st.isActors() ? "pool" : s == 0 ? "read+ops" : "ops";
    }

    int sources() {
        return sources;
    }

    long erroredBlocks() {
        return errored;
    }

    /** The actors of one pool stage. */
    private static final class Pool {
        private final Kernel kernel;
        private final Stage stage;
        private final List<Member> members = new ArrayList<>();
        private int peak;

        /**
         * One actor and its calls in flight (at most two: it is fed up to two blocks ahead). An actor added to grow the
         * pool is fed once it is alive: one that cannot be placed (no GPU left) holds no block, and goes when idle.
         */
        final class Member {
            final ActorHandle<?> handle;
            final boolean initial;
            int inFlight;
            long idleSince;

            Member(final ActorHandle<?> handle, final long now, final boolean initial) {
                this.handle = handle;
                this.idleSince = now;
                this.initial = initial;
            }

            boolean feedable() {
                return initial || handle.isAlive();
            }

            @SuppressWarnings("unchecked")
            ObjectRef<List<Object>> call(final ObjectRef<List<Object>> block, final int index) {
                inFlight++;
                if (stage.isPython()) {
                    final ObjectRef<?> out = ((ActorHandle<PythonActor>) handle).task("run", block).remote();
                    return (ObjectRef<List<Object>>) out;
                }
                return ((ActorHandle<Stage.PoolActor>) handle).task(Stage.PoolActor::call, block, index).remote();
            }

            void done(final long now) {
                if (--inFlight == 0) {
                    idleSince = now;
                }
            }
        }

        Pool(final Kernel kernel, final Stage stage) {
            this.kernel = kernel;
            this.stage = stage;
            for (int i = 0; i < stage.pool().min(); i++) {
                add(System.nanoTime(), true);
            }
        }

        private void add(final long now, final boolean initial) {
            final ActorHandle<?> handle;
            if (stage.isPython()) {
                final ActorCreator<PythonActor> creator = kernel.pyActor("kairos.stage:BatchActor",
                    stage.pythonClass(), stage.batchSize());
                handle = withResources(creator).remote();
            } else {
                handle = withResources(kernel.actor(Stage.PoolActor::new, stage.factory(), stage.ops(),
                    stage.batchSize())).remote();
            }
            members.add(new Member(handle, now, initial));
            peak = Math.max(peak, members.size());
        }

        private <A> ActorCreator<A> withResources(final ActorCreator<A> creator) {
            return stage.pool().resources().isEmpty() ? creator : creator.setResources(stage.pool().resources());
        }

        /**
         * The actor with room for another call that should take this block: on a cluster, the least loaded one on the
         * node that holds the block (it reads the block there, nothing moves), else the least loaded; null if none has
         * room.
         */
        Member free(final ObjectRef<?> block) {
            final String holder = block == null ? null : block.heldOnNode();
            Member best = null;
            Member near = null;
            for (final Member m : members) {
                if (m.inFlight < 2 && m.feedable()) {
                    if (best == null || m.inFlight < best.inFlight) {
                        best = m;
                    }
                    if (holder != null && (near == null || m.inFlight < near.inFlight)
                        && holder.equals(m.handle.nodeId())) {
                        near = m;
                    }
                }
            }
            return near != null ? near : best;
        }

        /** The least loaded actor with room for another call, or null. */
        Member free() {
            return free(null);
        }

        /**
         * One actor more while blocks wait, every actor is fed and none is still being created; one less when one has
         * been idle too long.
         */
        void scale(final int queued, final long now) {
            if (queued > 0 && members.size() < stage.pool().max() && free() == null && allFeedable()) {
                add(now, false);
                return;
            }
            if (members.size() > stage.pool().min()) {
                for (int i = 0; i < members.size(); i++) {
                    final Member m = members.get(i);
                    if (m.inFlight == 0 && now - m.idleSince > stage.pool().idleTimeout().toNanos()) {
                        members.remove(i);
                        kernel.kill(m.handle, true);
                        return;
                    }
                }
            }
        }

        private boolean allFeedable() {
            for (final Member m : members) {
                if (!m.feedable()) {
                    return false;
                }
            }
            return true;
        }

        void closeAll() {
            for (final Member m : members) {
                kernel.kill(m.handle, true);
            }
            members.clear();
        }
    }
}
