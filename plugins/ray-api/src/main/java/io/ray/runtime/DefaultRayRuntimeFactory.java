package io.ray.runtime;

import io.kairos.ray.KairosRayRuntime;
import io.ray.api.runtime.RayRuntime;
import io.ray.api.runtime.RayRuntimeFactory;

/**
 * The class {@code Ray.init()} loads by name: with {@code kairos-ray-api} on the class path (and not
 * {@code io.ray:ray-runtime}, which has a class of the same name), Ray programs run on an embedded Kairos kernel. The
 * only class of this module in Ray's packages.
 */
public class DefaultRayRuntimeFactory implements RayRuntimeFactory {
    /** Made by {@code Ray.init()} through reflection. */
    public DefaultRayRuntimeFactory() {
    }

    /**
     * Starts a kernel configured from the {@code ray.*} system properties ({@link io.kairos.ray.RaySettings}).
     *
     * @return the runtime
     */
    @Override
    public RayRuntime createRayRuntime() {
        return KairosRayRuntime.startFromSystemProperties();
    }
}
