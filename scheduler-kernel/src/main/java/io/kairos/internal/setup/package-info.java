/**
 * What a kernel checks before it starts: the JVM flags the stack needs, with an error that lists the missing ones
 * and where to put them. Internal: not for embedders.
 */
package io.kairos.internal.setup;
