package io.kairos.data;

import io.kairos.function.KFunc0;
import io.kairos.function.KFunc1;
import io.kairos.function.KFunc2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An aggregation for {@link GroupedDataset#aggregate}: each block folds its rows into one accumulator per key, where
 * the block was made ({@link #add}); the accumulators of a key from every block are then merged ({@link #merge}) and
 * finished into the group's value. Only the accumulators travel, so a group-by over a dataset far larger than memory
 * holds one accumulator per key. merge must be associative and commutative: blocks complete in any order.
 *
 * <p>Serializable, as are its accumulators: they travel in and out of the blocks' tasks.
 *
 * @param <T> the rows' type
 * @param <A> the accumulator's type (may be mutable: add and merge may change and return their first argument)
 * @param <R> the result's type
 */
public interface Aggregator<T, A, R> extends Serializable {
    /**
     * A new, empty accumulator.
     *
     * @return it
     */
    A init();

    /**
     * The accumulator with one more row.
     *
     * @param acc the accumulator
     * @param row the row
     * @return the accumulator (acc changed, or a new one)
     */
    A add(A acc, T row);

    /**
     * Two accumulators as one.
     *
     * @param left  one
     * @param right the other
     * @return the accumulator (left changed, or a new one)
     */
    A merge(A left, A right);

    /**
     * The group's value from its accumulator.
     *
     * @param acc the accumulator of every row of the group
     * @return the value
     */
    R finish(A acc);

    /**
     * An aggregation from its four functions (serializable lambdas), e.g. a count:
     * {@code Aggregator.of(() -> new long[1], (a, row) -> { a[0]++; return a; }, (a, b) -> { a[0] += b[0]; return a; },
     * a -> a[0])}.
     *
     * @param init   a new, empty accumulator
     * @param add    the accumulator with one more row
     * @param merge  two accumulators as one
     * @param finish the group's value from its accumulator
     * @param <T>    the rows' type
     * @param <A>    the accumulator's type
     * @param <R>    the result's type
     * @return the aggregation
     */
    static <T, A, R> Aggregator<T, A, R> of(final KFunc0<A> init, final KFunc2<A, T, A> add,
                                            final KFunc2<A, A, A> merge, final KFunc1<A, R> finish) {
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(add, "add");
        Objects.requireNonNull(merge, "merge");
        Objects.requireNonNull(finish, "finish");
        return new Aggregator<>() {
            @Override
            public A init() {
                try {
                    return init.apply();
                } catch (final RuntimeException e) {
                    throw e;
                } catch (final Exception e) {
                    throw failed(e);
                }
            }

            @Override
            public A add(final A acc, final T row) {
                try {
                    return add.apply(acc, row);
                } catch (final RuntimeException e) {
                    throw e;
                } catch (final Exception e) {
                    throw failed(e);
                }
            }

            @Override
            public A merge(final A left, final A right) {
                try {
                    return merge.apply(left, right);
                } catch (final RuntimeException e) {
                    throw e;
                } catch (final Exception e) {
                    throw failed(e);
                }
            }

            @Override
            public R finish(final A acc) {
                try {
                    return finish.apply(acc);
                } catch (final RuntimeException e) {
                    throw e;
                } catch (final Exception e) {
                    throw failed(e);
                }
            }
        };
    }

    /**
     * The number of rows.
     *
     * @param <T> the rows' type
     * @return the aggregation
     */
    static <T> Aggregator<T, long[], Long> count() {
        return of(() -> new long[1], (a, row) -> {
            a[0]++;
            return a;
        }, (a, b) -> {
            a[0] += b[0];
            return a;
        }, a -> a[0]);
    }

    /**
     * The sum of a number of each row (as doubles; a null number counts as none).
     *
     * @param field the row's number, not null
     * @param <T>   the rows' type
     * @return the aggregation
     */
    static <T> Aggregator<T, double[], Double> sum(final KFunc1<? super T, ? extends Number> field) {
        Objects.requireNonNull(field, "field");
        return of(() -> new double[1], (a, row) -> {
            final Number x = field.apply(row);
            a[0] += x == null ? 0 : x.doubleValue();
            return a;
        }, (a, b) -> {
            a[0] += b[0];
            return a;
        }, a -> a[0]);
    }

    /**
     * The mean of a number of each row (rows with a null number are left out; NaN for a group with none).
     *
     * @param field the row's number, not null
     * @param <T>   the rows' type
     * @return the aggregation
     */
    static <T> Aggregator<T, double[], Double> mean(final KFunc1<? super T, ? extends Number> field) {
        Objects.requireNonNull(field, "field");
        return of(() -> new double[2], (a, row) -> {
            final Number x = field.apply(row);
            if (x != null) {
                a[0] += x.doubleValue();
                a[1]++;
            }
            return a;
        }, (a, b) -> {
            a[0] += b[0];
            a[1] += b[1];
            return a;
        }, a -> a[1] == 0 ? Double.NaN : a[0] / a[1]);
    }

    /**
     * The least of a comparable value of each row (nulls left out; null for a group with none).
     *
     * @param field the row's value, not null
     * @param <T>   the rows' type
     * @param <V>   the value's type
     * @return the aggregation
     */
    static <T, V extends Comparable<? super V>> Aggregator<T, Object[], V> min(final KFunc1<? super T, V> field) {
        return extreme(field, -1);
    }

    /**
     * The greatest of a comparable value of each row (nulls left out; null for a group with none).
     *
     * @param field the row's value, not null
     * @param <T>   the rows' type
     * @param <V>   the value's type
     * @return the aggregation
     */
    static <T, V extends Comparable<? super V>> Aggregator<T, Object[], V> max(final KFunc1<? super T, V> field) {
        return extreme(field, 1);
    }

    @SuppressWarnings("unchecked")
    private static <T, V extends Comparable<? super V>> Aggregator<T, Object[], V> extreme(
        final KFunc1<? super T, V> field, final int sign) {
        Objects.requireNonNull(field, "field");
        final KFunc2<Object[], Object, Object[]> keep = (a, x) -> {
            if (x != null && (a[0] == null || sign * ((V) x).compareTo((V) a[0]) > 0)) {
                a[0] = x;
            }
            return a;
        };
        return of(() -> new Object[1], (a, row) -> keep.apply(a, field.apply(row)), (a, b) -> keep.apply(a, b[0]),
            a -> (V) a[0]);
    }

    /**
     * Several aggregations at once: the group's value is the list of their results, in the order given.
     *
     * @param aggregators the aggregations, at least one
     * @param <T>         the rows' type
     * @return the aggregation
     */
    @SafeVarargs
    @SuppressWarnings({"unchecked", "rawtypes"})
    static <T> Aggregator<T, Object[], List<Object>> all(final Aggregator<? super T, ?, ?>... aggregators) {
        if (aggregators.length == 0) {
            throw new IllegalArgumentException("Aggregator.all: no aggregator given");
        }
        final Aggregator[] aggs = aggregators.clone();
        return of(() -> {
            final Object[] acc = new Object[aggs.length];
            for (int i = 0; i < aggs.length; i++) {
                acc[i] = aggs[i].init();
            }
            return acc;
        }, (acc, row) -> {
            for (int i = 0; i < aggs.length; i++) {
                acc[i] = aggs[i].add(acc[i], row);
            }
            return acc;
        }, (left, right) -> {
            for (int i = 0; i < aggs.length; i++) {
                left[i] = aggs[i].merge(left[i], right[i]);
            }
            return left;
        }, acc -> {
            final List<Object> out = new ArrayList<>(aggs.length);
            for (int i = 0; i < aggs.length; i++) {
                out.add(aggs[i].finish(acc[i]));
            }
            return out;
        });
    }

    /** An aggregation function's checked exception, unchecked (the KFuncs may throw). */
    private static IllegalStateException failed(final Exception e) {
        return new IllegalStateException("an aggregation's function failed: " + e, e);
    }
}
