/**
 * The benchmark suite's plans: which benchmarks and peers run, with which parameters and targets, for
 * {@code kairos bench}.
 */
package io.kairos.bench.plan;
