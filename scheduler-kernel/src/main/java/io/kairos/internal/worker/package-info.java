/**
 * Worker processes: the JVMs isolated tasks and actors run in, their wire protocol and main class, and how a
 * function is named and invoked. Internal: not for embedders.
 */
package io.kairos.internal.worker;
