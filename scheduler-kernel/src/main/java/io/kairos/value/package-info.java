/**
 * Values with a form both Java and Python read: {@link io.kairos.value.Tensor} (a NumPy array in Python, viewing the
 * shared store) and {@link io.kairos.value.PythonValue} (a Python object Java holds and passes on). The format is
 * {@code python/FORMAT.md}.
 */
package io.kairos.value;
