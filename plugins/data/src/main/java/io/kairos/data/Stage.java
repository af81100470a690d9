package io.kairos.data;

import io.kairos.function.KFunc0;
import io.kairos.function.KFunc1;

import java.util.ArrayList;
import java.util.List;

/**
 * A stage of a plan. The first runs as one task per split (its operators fused after the read); a later one is a
 * function in an actor pool, called once per block (a Java function made in each actor, its operators fused after
 * it; or a Python class, whose rows come back to Java for a task stage of the operators after it), or a task per
 * block (the operators after a Python stage).
 *
 * @param factory     makes the stage's Java function in each actor (null otherwise)
 * @param pythonClass the stage's Python class, "module:Class" (null otherwise)
 * @param pool        the actors (null for a task stage)
 * @param batchSize   rows per call of the function within a block (0 for a task stage)
 * @param ops         the row operators fused after it
 */
record Stage(KFunc0<? extends KFunc1<?, ?>> factory, String pythonClass, ActorPool pool, int batchSize,
             List<Ops.Op> ops) {
    static Stage tasks() {
        return new Stage(null, null, null, 0, List.of());
    }

    boolean isActors() {
        return pool != null;
    }

    boolean isPython() {
        return pythonClass != null;
    }

    Stage with(final Ops.Op op) {
        final List<Ops.Op> chain = new ArrayList<>(ops);
        chain.add(op);
        return new Stage(factory, pythonClass, pool, batchSize, List.copyOf(chain));
    }

    /** An actor of a pool stage: the function made once, applied to each block it is given. */
    static final class PoolActor {
        private final Ops.Op batches;
        private final List<Ops.Op> ops;

        @SuppressWarnings({"unchecked", "rawtypes"})
        PoolActor(final KFunc0<? extends KFunc1<?, ?>> factory, final List<Ops.Op> ops, final Integer batchSize)
            throws Exception {
            final KFunc1 fn = factory.apply();
            if (fn == null) {
                throw new IllegalStateException("the actor pool stage's factory returned null");
            }
            this.batches = Ops.mapBatches(fn, batchSize);
            this.ops = ops;
        }

        /** The call: the block through the function, then the fused operators. */
        static List<Object> call(final PoolActor actor, final List<Object> block, final Integer index)
            throws Exception {
            return Block.of(Ops.applyAll(actor.ops, actor.batches.apply(block, index), index));
        }
    }
}
