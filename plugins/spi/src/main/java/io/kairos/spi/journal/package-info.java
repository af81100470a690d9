/**
 * The journal SPI: where the kernel appends its state transitions (tasks submitted, started, finished, ...) and
 * reads them back to recover after a crash. The records are the kernel's own binary format; a journal stores and
 * returns them unchanged, in order.
 */
package io.kairos.spi.journal;
