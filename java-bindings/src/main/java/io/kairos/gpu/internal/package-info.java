/**
 * The device ABI's native mappings. Internal.
 */
package io.kairos.gpu.internal;
