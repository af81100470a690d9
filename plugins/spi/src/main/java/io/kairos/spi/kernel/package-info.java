/** Plugin points of the kernel itself: listeners, resource providers and worker launchers. */
package io.kairos.spi.kernel;
