package io.kairos.data;

import io.kairos.function.KFunc1;

import java.util.Objects;

/**
 * A dataset's rows grouped by a key ({@link Dataset#groupBy}), to aggregate. Lazy, as a dataset.
 *
 * @param <K> the key's type
 * @param <T> the rows' type
 */
public final class GroupedDataset<K, T> {
    private final Dataset<T> dataset;
    private final KFunc1<? super T, ? extends K> key;

    GroupedDataset(final Dataset<T> dataset, final KFunc1<? super T, ? extends K> key) {
        this.dataset = dataset;
        this.key = key;
    }

    /**
     * One row per key: the key and the aggregation of its rows. Each block folds its rows into an accumulator per
     * key in its task; the accumulators are merged as the blocks complete, then finished. The groups come in the
     * keys' natural order when every key is Comparable and of one class (nulls first), else in no set order.
     *
     * @param aggregator the aggregation, e.g. {@link Aggregator#count()}, {@link Aggregator#mean}, or
     *                   {@link Aggregator#all} of several
     * @param <R>        the aggregation's result type
     * @return the dataset of groups
     */
    public <R> Dataset<Group<K, R>> aggregate(final Aggregator<? super T, ?, R> aggregator) {
        Objects.requireNonNull(aggregator, "aggregator");
        return dataset.exchange(new Exchange.Aggregate(key, aggregator));
    }

    /**
     * The number of rows of each key.
     *
     * @return the dataset of groups, as {@link #aggregate}
     */
    public Dataset<Group<K, Long>> count() {
        return aggregate(Aggregator.count());
    }
}
