// A device backend: what differs between CUDA and the simulated devices. The ABI layer (device_abi.cc) checks
// every argument and device address before a backend is called, and serialises what must be serialised.
#ifndef KAIROS_DEVICE_BACKEND_H
#define KAIROS_DEVICE_BACKEND_H

#include <cstdint>
#include <memory>
#include <string>

#include "kairos/device.h"

namespace kairos::device {

enum class CopyKind { HostToDevice, DeviceToHost, DeviceToDevice };

class Backend {
public:
    virtual ~Backend() = default;

    virtual int32_t kind() const = 0;
    virtual int32_t count() const = 0;
    // Fills everything but index and backend, which the caller sets.
    virtual int32_t info(int32_t device, kairos_device_info *out) = 0;

    virtual int32_t alloc(int32_t device, uint64_t size, uint64_t *out) = 0;
    // size: what was asked of alloc (the ABI layer keeps it).
    virtual int32_t release(int32_t device, uint64_t address, uint64_t size) = 0;
    virtual int32_t memset(int32_t device, uint64_t address, int32_t value, uint64_t size) = 0;
    // device is the destination's for HostToDevice and DeviceToDevice, the source's for DeviceToHost.
    virtual int32_t copy(CopyKind kind, int32_t dst_device, void *dst, int32_t src_device, const void *src,
                         uint64_t size, void *stream) = 0;

    virtual int32_t stream_create(int32_t device, void **out) = 0;
    virtual int32_t stream_synchronize(void *stream) = 0;
    virtual int32_t stream_destroy(void *stream) = 0;
    virtual int32_t event_create(int32_t device, void **out) = 0;
    virtual int32_t event_record(void *event, void *stream) = 0;
    virtual int32_t event_query(void *event, bool *done) = 0;
    virtual int32_t event_synchronize(void *event) = 0;
    virtual int32_t event_destroy(void *event) = 0;

    virtual int32_t host_alloc_pinned(uint64_t size, void **out) = 0;
    virtual int32_t host_free_pinned(void *ptr) = 0;
};

// Parses "NxSIZE[,NxSIZE...]" into device capacities; KAIROS_ERR_INVALID_ARGUMENT naming the fault.
int32_t parse_simulated_spec(const char *spec, uint64_t *capacities, int32_t *count);

std::unique_ptr<Backend> make_simulated(const uint64_t *capacities, int32_t count);

// CUDA: null when the library was built without it. A machine with no GPU or driver gives a backend of 0 devices.
std::unique_ptr<Backend> make_cuda();
bool cuda_compiled();

}  // namespace kairos::device

#endif
