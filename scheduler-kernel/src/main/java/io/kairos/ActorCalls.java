package io.kairos;

import io.kairos.function.KFunc1;
import io.kairos.function.KFunc2;
import io.kairos.function.KFunc3;
import io.kairos.function.KFunc4;
import io.kairos.function.KFunc5;
import io.kairos.function.KFunc6;

/**
 * The typed {@code task(...)} overloads of {@link ActorHandle}: a method of the actor (e.g. {@code Counter::add}) and
 * its arguments, each a value or an {@link ObjectRef}. Generated: 0 to 5 arguments, every combination.
 *
 * @param <A> the actor's class
 */
abstract class ActorCalls<A> {
    abstract <R> ActorTaskCaller<R> newCall(Object method, int arity, Object[] args);

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <R> ActorTaskCaller<R> task(KFunc1<A, R> method) {
        return newCall(method, 0, TaskCalls.NO_ARGS);
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, R> ActorTaskCaller<R> task(KFunc2<A, T0, R> method, T0 a0) {
        return newCall(method, 1, new Object[] {a0});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, R> ActorTaskCaller<R> task(KFunc2<A, T0, R> method, ObjectRef<? extends T0> a0) {
        return newCall(method, 1, new Object[] {a0});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, R> ActorTaskCaller<R> task(KFunc3<A, T0, T1, R> method, T0 a0, T1 a1) {
        return newCall(method, 2, new Object[] {a0, a1});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, R> ActorTaskCaller<R> task(KFunc3<A, T0, T1, R> method, T0 a0, ObjectRef<? extends T1> a1) {
        return newCall(method, 2, new Object[] {a0, a1});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, R> ActorTaskCaller<R> task(KFunc3<A, T0, T1, R> method, ObjectRef<? extends T0> a0, T1 a1) {
        return newCall(method, 2, new Object[] {a0, a1});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, R> ActorTaskCaller<R> task(KFunc3<A, T0, T1, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1) {
        return newCall(method, 2, new Object[] {a0, a1});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, R> ActorTaskCaller<R> task(KFunc4<A, T0, T1, T2, R> method, T0 a0, T1 a1, T2 a2) {
        return newCall(method, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, R> ActorTaskCaller<R> task(KFunc4<A, T0, T1, T2, R> method, T0 a0, T1 a1, ObjectRef<? extends T2> a2) {
        return newCall(method, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, R> ActorTaskCaller<R> task(KFunc4<A, T0, T1, T2, R> method, T0 a0, ObjectRef<? extends T1> a1, T2 a2) {
        return newCall(method, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, R> ActorTaskCaller<R> task(KFunc4<A, T0, T1, T2, R> method, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2) {
        return newCall(method, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, R> ActorTaskCaller<R> task(KFunc4<A, T0, T1, T2, R> method, ObjectRef<? extends T0> a0, T1 a1, T2 a2) {
        return newCall(method, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, R> ActorTaskCaller<R> task(KFunc4<A, T0, T1, T2, R> method, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2) {
        return newCall(method, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, R> ActorTaskCaller<R> task(KFunc4<A, T0, T1, T2, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2) {
        return newCall(method, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, R> ActorTaskCaller<R> task(KFunc4<A, T0, T1, T2, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2) {
        return newCall(method, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, T0 a0, T1 a1, T2 a2, T3 a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, R> ActorTaskCaller<R> task(KFunc5<A, T0, T1, T2, T3, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3) {
        return newCall(method, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, T1 a1, T2 a2, T3 a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of method on this actor; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> ActorTaskCaller<R> task(KFunc6<A, T0, T1, T2, T3, T4, R> method, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newCall(method, 5, new Object[] {a0, a1, a2, a3, a4});
    }

}
