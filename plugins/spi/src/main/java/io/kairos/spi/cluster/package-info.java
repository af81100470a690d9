/**
 * Joining kernels into a cluster: the membership and messaging a cluster plugin provides (the built-in one runs on
 * Aeron and Aeron Cluster). The kernel decides what the messages mean; a transport only moves them.
 */
@Experimental
package io.kairos.spi.cluster;

import io.kairos.spi.Experimental;
