/**
 * GPU device management over the native device ABI: {@link io.kairos.gpu.GpuDevices} discovers devices (CUDA, or
 * simulated ones from a spec such as "2x16GiB"), allocates {@link io.kairos.gpu.DeviceBuffer}s, copies between host
 * and devices and between devices, synchronously or on {@link io.kairos.gpu.GpuStream}s with
 * {@link io.kairos.gpu.GpuEvent}s, and stages through {@link io.kairos.gpu.PinnedBuffer}s.
 */
package io.kairos.gpu;
