/** The serializable function shapes a task can run: {@code KFunc0} to {@code KFunc6} (0 to 6 arguments). */
package io.kairos.function;
