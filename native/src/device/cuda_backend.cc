// The CUDA backend, on the runtime API (linked statically, so libkairos.so needs only the driver, and loads
// without it). No GPU or no driver: a backend of zero devices.
#include <cstdio>
#include <new>

#include "device/backend.h"
#include "store/status.h"

#ifdef KAIROS_WITH_CUDA
#include <cuda_runtime_api.h>
#endif

namespace kairos::device {

#ifdef KAIROS_WITH_CUDA
namespace {

int32_t cuda_fail(cudaError_t error, const char *what, int32_t device) {
    const int32_t status = error == cudaErrorMemoryAllocation ? KAIROS_ERR_DEVICE_OUT_OF_MEMORY : KAIROS_ERR_DEVICE;
    return fail(status, "%s on device %d: %s (%s)", what, device, cudaGetErrorName(error), cudaGetErrorString(error));
}

#define KAIROS_CUDA(call, what, device)                                  \
    do {                                                                 \
        const cudaError_t kairos_cuda_error = (call);                    \
        if (kairos_cuda_error != cudaSuccess) {                          \
            return cuda_fail(kairos_cuda_error, what, device);           \
        }                                                                \
    } while (0)

struct Stream {
    int32_t device;
    cudaStream_t stream;
};

struct Event {
    int32_t device;
    cudaEvent_t event;
};

class CudaBackend final : public Backend {
public:
    CudaBackend() {
        int n = 0;
        if (cudaGetDeviceCount(&n) != cudaSuccess) {
            (void)cudaGetLastError();  // no driver or no device: clear the sticky error, report none
            n = 0;
        }
        count_ = n;
    }

    int32_t kind() const override { return KAIROS_DEVICE_BACKEND_CUDA; }
    int32_t count() const override { return count_; }

    int32_t info(int32_t device, kairos_device_info *out) override {
        cudaDeviceProp p{};
        KAIROS_CUDA(cudaGetDeviceProperties(&p, device), "cudaGetDeviceProperties", device);
        std::snprintf(out->name, sizeof(out->name), "%s", p.name);
        const auto *u = reinterpret_cast<const unsigned char *>(p.uuid.bytes);
        std::snprintf(out->uuid, sizeof(out->uuid),
                      "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
                      u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
        KAIROS_CUDA(cudaDeviceGetPCIBusId(out->pci_bus_id, static_cast<int>(sizeof(out->pci_bus_id)), device),
                    "cudaDeviceGetPCIBusId", device);
        KAIROS_CUDA(cudaSetDevice(device), "cudaSetDevice", device);
        size_t free_bytes = 0;
        size_t total_bytes = 0;
        KAIROS_CUDA(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo", device);
        out->total_memory = total_bytes;
        out->free_memory = free_bytes;
        out->compute_major = p.major;
        out->compute_minor = p.minor;
        return KAIROS_OK;
    }

    int32_t alloc(int32_t device, uint64_t size, uint64_t *out) override {
        KAIROS_CUDA(cudaSetDevice(device), "cudaSetDevice", device);
        void *memory = nullptr;
        const cudaError_t error = cudaMalloc(&memory, size);
        if (error != cudaSuccess) {
            (void)cudaGetLastError();
            if (error == cudaErrorMemoryAllocation) {
                size_t free_bytes = 0;
                size_t total_bytes = 0;
                (void)cudaMemGetInfo(&free_bytes, &total_bytes);
                return fail(KAIROS_ERR_DEVICE_OUT_OF_MEMORY, "device %d: %llu bytes asked for, %llu free of %llu",
                            device, static_cast<unsigned long long>(size), static_cast<unsigned long long>(free_bytes),
                            static_cast<unsigned long long>(total_bytes));
            }
            return cuda_fail(error, "cudaMalloc", device);
        }
        *out = reinterpret_cast<uint64_t>(memory);
        return KAIROS_OK;
    }

    int32_t release(int32_t device, uint64_t address, uint64_t) override {
        KAIROS_CUDA(cudaSetDevice(device), "cudaSetDevice", device);
        KAIROS_CUDA(cudaFree(reinterpret_cast<void *>(address)), "cudaFree", device);
        return KAIROS_OK;
    }

    int32_t memset(int32_t device, uint64_t address, int32_t value, uint64_t size) override {
        KAIROS_CUDA(cudaSetDevice(device), "cudaSetDevice", device);
        KAIROS_CUDA(cudaMemset(reinterpret_cast<void *>(address), value, size), "cudaMemset", device);
        return KAIROS_OK;
    }

    int32_t copy(CopyKind kind, int32_t dst_device, void *dst, int32_t src_device, const void *src, uint64_t size,
                 void *stream) override {
        const int32_t device = kind == CopyKind::DeviceToHost ? src_device : dst_device;
        KAIROS_CUDA(cudaSetDevice(device), "cudaSetDevice", device);
        const cudaStream_t s = stream != nullptr ? static_cast<Stream *>(stream)->stream : nullptr;
        if (kind == CopyKind::DeviceToDevice && dst_device != src_device) {
            if (stream != nullptr) {
                KAIROS_CUDA(cudaMemcpyPeerAsync(dst, dst_device, src, src_device, size, s), "cudaMemcpyPeerAsync", device);
            } else {
                KAIROS_CUDA(cudaMemcpyPeer(dst, dst_device, src, src_device, size), "cudaMemcpyPeer", device);
            }
            return KAIROS_OK;
        }
        const cudaMemcpyKind k = kind == CopyKind::HostToDevice   ? cudaMemcpyHostToDevice
                                 : kind == CopyKind::DeviceToHost ? cudaMemcpyDeviceToHost
                                                                  : cudaMemcpyDeviceToDevice;
        if (stream != nullptr) {
            KAIROS_CUDA(cudaMemcpyAsync(dst, src, size, k, s), "cudaMemcpyAsync", device);
        } else {
            KAIROS_CUDA(cudaMemcpy(dst, src, size, k), "cudaMemcpy", device);
        }
        return KAIROS_OK;
    }

    int32_t stream_create(int32_t device, void **out) override {
        KAIROS_CUDA(cudaSetDevice(device), "cudaSetDevice", device);
        auto *s = new (std::nothrow) Stream{device, nullptr};
        if (s == nullptr) return fail(KAIROS_ERR_NO_MEMORY, "no memory for a stream");
        const cudaError_t error = cudaStreamCreateWithFlags(&s->stream, cudaStreamNonBlocking);
        if (error != cudaSuccess) {
            delete s;
            return cuda_fail(error, "cudaStreamCreateWithFlags", device);
        }
        *out = s;
        return KAIROS_OK;
    }
    int32_t stream_synchronize(void *stream) override {
        auto *s = static_cast<Stream *>(stream);
        KAIROS_CUDA(cudaStreamSynchronize(s->stream), "cudaStreamSynchronize", s->device);
        return KAIROS_OK;
    }
    int32_t stream_destroy(void *stream) override {
        auto *s = static_cast<Stream *>(stream);
        const cudaError_t error = cudaStreamDestroy(s->stream);
        const int32_t device = s->device;
        delete s;
        KAIROS_CUDA(error, "cudaStreamDestroy", device);
        return KAIROS_OK;
    }

    int32_t event_create(int32_t device, void **out) override {
        KAIROS_CUDA(cudaSetDevice(device), "cudaSetDevice", device);
        auto *e = new (std::nothrow) Event{device, nullptr};
        if (e == nullptr) return fail(KAIROS_ERR_NO_MEMORY, "no memory for an event");
        const cudaError_t error = cudaEventCreateWithFlags(&e->event, cudaEventDisableTiming);
        if (error != cudaSuccess) {
            delete e;
            return cuda_fail(error, "cudaEventCreateWithFlags", device);
        }
        *out = e;
        return KAIROS_OK;
    }
    int32_t event_record(void *event, void *stream) override {
        auto *e = static_cast<Event *>(event);
        KAIROS_CUDA(cudaEventRecord(e->event, static_cast<Stream *>(stream)->stream), "cudaEventRecord", e->device);
        return KAIROS_OK;
    }
    int32_t event_query(void *event, bool *done) override {
        auto *e = static_cast<Event *>(event);
        const cudaError_t error = cudaEventQuery(e->event);
        if (error == cudaErrorNotReady) {
            (void)cudaGetLastError();
            *done = false;
            return KAIROS_OK;
        }
        KAIROS_CUDA(error, "cudaEventQuery", e->device);
        *done = true;
        return KAIROS_OK;
    }
    int32_t event_synchronize(void *event) override {
        auto *e = static_cast<Event *>(event);
        KAIROS_CUDA(cudaEventSynchronize(e->event), "cudaEventSynchronize", e->device);
        return KAIROS_OK;
    }
    int32_t event_destroy(void *event) override {
        auto *e = static_cast<Event *>(event);
        const cudaError_t error = cudaEventDestroy(e->event);
        const int32_t device = e->device;
        delete e;
        KAIROS_CUDA(error, "cudaEventDestroy", device);
        return KAIROS_OK;
    }

    int32_t host_alloc_pinned(uint64_t size, void **out) override {
        KAIROS_CUDA(cudaMallocHost(out, size), "cudaMallocHost", -1);
        return KAIROS_OK;
    }
    int32_t host_free_pinned(void *ptr) override {
        KAIROS_CUDA(cudaFreeHost(ptr), "cudaFreeHost", -1);
        return KAIROS_OK;
    }

private:
    int32_t count_ = 0;
};

}  // namespace

std::unique_ptr<Backend> make_cuda() { return std::unique_ptr<Backend>(new (std::nothrow) CudaBackend()); }
bool cuda_compiled() { return true; }

#else

std::unique_ptr<Backend> make_cuda() { return nullptr; }
bool cuda_compiled() { return false; }

#endif

}  // namespace kairos::device
