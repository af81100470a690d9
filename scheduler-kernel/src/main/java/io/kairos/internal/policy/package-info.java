/**
 * The built-in scheduling policies, one class per strategy as Ray's raylet has them (hybrid, spread, node affinity,
 * node labels), and the composite that dispatches on the request's strategy and lets plugin policies replace them.
 * All run on the conductor thread and allocate nothing when they place a request.
 */
package io.kairos.internal.policy;
