/**
 * JMH benchmarks of the store, the kernel and the policies, named after Ray's microbenchmarks, with their JDK,
 * Disruptor and memory-copy peers.
 */
package io.kairos.bench;
