package io.kairos.data;

import io.kairos.function.KFunc1;

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
     * The number of rows.
     *
     * @param <T> the rows' type
     * @return the aggregation
     */
    static <T> Aggregator<T, long[], Long> count() {
        return new Aggregator<>() {
            @Override
            public long[] init() {
                return new long[1];
            }

            @Override
            public long[] add(final long[] acc, final T row) {
                acc[0]++;
                return acc;
            }

            @Override
            public long[] merge(final long[] left, final long[] right) {
                left[0] += right[0];
                return left;
            }

            @Override
            public Long finish(final long[] acc) {
                return acc[0];
            }
        };
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
        return new Aggregator<>() {
            @Override
            public double[] init() {
                return new double[1];
            }

            @Override
            public double[] add(final double[] acc, final T row) {
                final Number x = apply(field, row);
                acc[0] += x == null ? 0 : x.doubleValue();
                return acc;
            }

            @Override
            public double[] merge(final double[] left, final double[] right) {
                left[0] += right[0];
                return left;
            }

            @Override
            public Double finish(final double[] acc) {
                return acc[0];
            }
        };
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
        return new Aggregator<>() {
            @Override
            public double[] init() {
                return new double[2];
            }

            @Override
            public double[] add(final double[] acc, final T row) {
                final Number x = apply(field, row);
                if (x != null) {
                    acc[0] += x.doubleValue();
                    acc[1]++;
                }
                return acc;
            }

            @Override
            public double[] merge(final double[] left, final double[] right) {
                left[0] += right[0];
                left[1] += right[1];
                return left;
            }

            @Override
            public Double finish(final double[] acc) {
                return acc[1] == 0 ? Double.NaN : acc[0] / acc[1];
            }
        };
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

    private static <T, V extends Comparable<? super V>> Aggregator<T, Object[], V> extreme(
        final KFunc1<? super T, V> field, final int sign) {
        Objects.requireNonNull(field, "field");
        return new Aggregator<>() {
            @Override
            public Object[] init() {
                return new Object[1];
            }

            @Override
            public Object[] add(final Object[] acc, final T row) {
                return keep(acc, apply(field, row));
            }

            @Override
            public Object[] merge(final Object[] left, final Object[] right) {
                return keep(left, right[0]);
            }

            @SuppressWarnings("unchecked")
            private Object[] keep(final Object[] acc, final Object x) {
                if (x != null && (acc[0] == null || sign * ((V) x).compareTo((V) acc[0]) > 0)) {
                    acc[0] = x;
                }
                return acc;
            }

            @SuppressWarnings("unchecked")
            @Override
            public V finish(final Object[] acc) {
                return (V) acc[0];
            }
        };
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
        return new Aggregator<>() {
            @Override
            public Object[] init() {
                final Object[] acc = new Object[aggs.length];
                for (int i = 0; i < aggs.length; i++) {
                    acc[i] = aggs[i].init();
                }
                return acc;
            }

            @Override
            public Object[] add(final Object[] acc, final T row) {
                for (int i = 0; i < aggs.length; i++) {
                    acc[i] = aggs[i].add(acc[i], row);
                }
                return acc;
            }

            @Override
            public Object[] merge(final Object[] left, final Object[] right) {
                for (int i = 0; i < aggs.length; i++) {
                    left[i] = aggs[i].merge(left[i], right[i]);
                }
                return left;
            }

            @Override
            public List<Object> finish(final Object[] acc) {
                final List<Object> out = new ArrayList<>(aggs.length);
                for (int i = 0; i < aggs.length; i++) {
                    out.add(aggs[i].finish(acc[i]));
                }
                return out;
            }
        };
    }

    /** A field function applied, its checked exception unchecked (KFunc1 may throw). */
    private static <T, V> V apply(final KFunc1<? super T, V> field, final T row) {
        try {
            return field.apply(row);
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Exception e) {
            throw new IllegalStateException("an aggregation's field function failed: " + e, e);
        }
    }
}
