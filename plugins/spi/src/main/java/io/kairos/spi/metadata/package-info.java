/**
 * The metadata SPI: a small durable key-value store, in named tables, for what the kernel must find again after a
 * restart (named and detached actors, placement groups, jobs, the index of spilled objects) and for the kernel's
 * key-value API.
 */
package io.kairos.spi.metadata;
