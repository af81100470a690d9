/**
 * Ray's Java API ({@code io.ray:ray-api} 2.39.0) on the Kairos kernel: {@code Ray.init()} finds
 * {@code io.ray.runtime.DefaultRayRuntimeFactory} in this module and starts a {@link io.kairos.ray.KairosRayRuntime} on
 * an embedded {@link io.kairos.Kernel}; {@link io.kairos.ray.RaySettings} says how Ray's configuration keys map to the
 * kernel, and {@link io.kairos.ray.KairosRayRuntime} where the kernel differs from Ray.
 */
package io.kairos.ray;
