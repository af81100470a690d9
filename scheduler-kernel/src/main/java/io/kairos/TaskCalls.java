package io.kairos;

import io.kairos.function.KFunc0;
import io.kairos.function.KFunc1;
import io.kairos.function.KFunc2;
import io.kairos.function.KFunc3;
import io.kairos.function.KFunc4;
import io.kairos.function.KFunc5;
import io.kairos.function.KFunc6;

/**
 * The typed {@code task(...)} and {@code actor(...)} overloads of {@link Kernel}: every argument may be a value of
 * the function's parameter type or an {@link ObjectRef} to one (resolved before the call runs), as in Ray's Java API.
 * Generated: 0 to 6 arguments, every combination of value and reference.
 */
abstract class TaskCalls {
    abstract <R> TaskCaller<R> newTask(Object function, int arity, Object[] args);

    /** Builds a call of f; .remote() submits it. */
    public final <R> TaskCaller<R> task(KFunc0<R> f) {
        return newTask(f, 0, NO_ARGS);
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, R> TaskCaller<R> task(KFunc1<T0, R> f, T0 a0) {
        return newTask(f, 1, new Object[] {a0});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, R> TaskCaller<R> task(KFunc1<T0, R> f, ObjectRef<? extends T0> a0) {
        return newTask(f, 1, new Object[] {a0});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, R> TaskCaller<R> task(KFunc2<T0, T1, R> f, T0 a0, T1 a1) {
        return newTask(f, 2, new Object[] {a0, a1});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, R> TaskCaller<R> task(KFunc2<T0, T1, R> f, T0 a0, ObjectRef<? extends T1> a1) {
        return newTask(f, 2, new Object[] {a0, a1});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, R> TaskCaller<R> task(KFunc2<T0, T1, R> f, ObjectRef<? extends T0> a0, T1 a1) {
        return newTask(f, 2, new Object[] {a0, a1});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, R> TaskCaller<R> task(KFunc2<T0, T1, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1) {
        return newTask(f, 2, new Object[] {a0, a1});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, R> TaskCaller<R> task(KFunc3<T0, T1, T2, R> f, T0 a0, T1 a1, T2 a2) {
        return newTask(f, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, R> TaskCaller<R> task(KFunc3<T0, T1, T2, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2) {
        return newTask(f, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, R> TaskCaller<R> task(KFunc3<T0, T1, T2, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2) {
        return newTask(f, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, R> TaskCaller<R> task(KFunc3<T0, T1, T2, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2) {
        return newTask(f, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, R> TaskCaller<R> task(KFunc3<T0, T1, T2, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2) {
        return newTask(f, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, R> TaskCaller<R> task(KFunc3<T0, T1, T2, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2) {
        return newTask(f, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, R> TaskCaller<R> task(KFunc3<T0, T1, T2, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2) {
        return newTask(f, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, R> TaskCaller<R> task(KFunc3<T0, T1, T2, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2) {
        return newTask(f, 3, new Object[] {a0, a1, a2});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, T0 a0, T1 a1, T2 a2, T3 a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, R> TaskCaller<R> task(KFunc4<T0, T1, T2, T3, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3) {
        return newTask(f, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, T1 a1, T2 a2, T3 a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, R> TaskCaller<R> task(KFunc5<T0, T1, T2, T3, T4, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newTask(f, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, T2 a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds a call of f; .remote() submits it. */
    public final <T0, T1, T2, T3, T4, T5, R> TaskCaller<R> task(KFunc6<T0, T1, T2, T3, T4, T5, R> f, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newTask(f, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    abstract <A> ActorCreator<A> newActor(Object constructor, int arity, Object[] args);

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <A> ActorCreator<A> actor(KFunc0<A> constructor) {
        return newActor(constructor, 0, NO_ARGS);
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, A> ActorCreator<A> actor(KFunc1<T0, A> constructor, T0 a0) {
        return newActor(constructor, 1, new Object[] {a0});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, A> ActorCreator<A> actor(KFunc1<T0, A> constructor, ObjectRef<? extends T0> a0) {
        return newActor(constructor, 1, new Object[] {a0});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, A> ActorCreator<A> actor(KFunc2<T0, T1, A> constructor, T0 a0, T1 a1) {
        return newActor(constructor, 2, new Object[] {a0, a1});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, A> ActorCreator<A> actor(KFunc2<T0, T1, A> constructor, T0 a0, ObjectRef<? extends T1> a1) {
        return newActor(constructor, 2, new Object[] {a0, a1});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, A> ActorCreator<A> actor(KFunc2<T0, T1, A> constructor, ObjectRef<? extends T0> a0, T1 a1) {
        return newActor(constructor, 2, new Object[] {a0, a1});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, A> ActorCreator<A> actor(KFunc2<T0, T1, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1) {
        return newActor(constructor, 2, new Object[] {a0, a1});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, A> ActorCreator<A> actor(KFunc3<T0, T1, T2, A> constructor, T0 a0, T1 a1, T2 a2) {
        return newActor(constructor, 3, new Object[] {a0, a1, a2});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, A> ActorCreator<A> actor(KFunc3<T0, T1, T2, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2) {
        return newActor(constructor, 3, new Object[] {a0, a1, a2});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, A> ActorCreator<A> actor(KFunc3<T0, T1, T2, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2) {
        return newActor(constructor, 3, new Object[] {a0, a1, a2});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, A> ActorCreator<A> actor(KFunc3<T0, T1, T2, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2) {
        return newActor(constructor, 3, new Object[] {a0, a1, a2});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, A> ActorCreator<A> actor(KFunc3<T0, T1, T2, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2) {
        return newActor(constructor, 3, new Object[] {a0, a1, a2});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, A> ActorCreator<A> actor(KFunc3<T0, T1, T2, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2) {
        return newActor(constructor, 3, new Object[] {a0, a1, a2});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, A> ActorCreator<A> actor(KFunc3<T0, T1, T2, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2) {
        return newActor(constructor, 3, new Object[] {a0, a1, a2});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, A> ActorCreator<A> actor(KFunc3<T0, T1, T2, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2) {
        return newActor(constructor, 3, new Object[] {a0, a1, a2});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, T0 a0, T1 a1, T2 a2, T3 a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, A> ActorCreator<A> actor(KFunc4<T0, T1, T2, T3, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3) {
        return newActor(constructor, 4, new Object[] {a0, a1, a2, a3});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, T1 a1, T2 a2, T3 a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, A> ActorCreator<A> actor(KFunc5<T0, T1, T2, T3, T4, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4) {
        return newActor(constructor, 5, new Object[] {a0, a1, a2, a3, a4});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, T2 a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, T0 a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, T1 a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, T2 a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, T3 a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, T4 a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, T5 a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** Builds an actor created by constructor; .remote() creates it. */
    public final <T0, T1, T2, T3, T4, T5, A> ActorCreator<A> actor(KFunc6<T0, T1, T2, T3, T4, T5, A> constructor, ObjectRef<? extends T0> a0, ObjectRef<? extends T1> a1, ObjectRef<? extends T2> a2, ObjectRef<? extends T3> a3, ObjectRef<? extends T4> a4, ObjectRef<? extends T5> a5) {
        return newActor(constructor, 6, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    static final Object[] NO_ARGS = new Object[0];
}
