// The device C ABI: argument checks, the allocation/stream/event tables every address and id is checked against,
// the closed/in-flight guard, and no exception ever crossing the boundary.
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "device/backend.h"
#include "kairos/device.h"
#include "abi_guard.h"
#include "store/status.h"

using kairos::fail;
using kairos::device::Backend;
using kairos::device::CopyKind;

static_assert(sizeof(kairos_device_info) == 368, "io.kairos.gpu.internal.DeviceNative.INFO_SIZE");
static_assert(offsetof(kairos_device_info, name) == 8, "DeviceNative.INFO_NAME");
static_assert(offsetof(kairos_device_info, uuid) == 264, "DeviceNative.INFO_UUID");
static_assert(offsetof(kairos_device_info, pci_bus_id) == 312, "DeviceNative.INFO_PCI_BUS_ID");
static_assert(offsetof(kairos_device_info, total_memory) == 344, "DeviceNative.INFO_TOTAL_MEMORY");
static_assert(offsetof(kairos_device_info, free_memory) == 352, "DeviceNative.INFO_FREE_MEMORY");
static_assert(offsetof(kairos_device_info, compute_major) == 360, "DeviceNative.INFO_COMPUTE_MAJOR");
static_assert(offsetof(kairos_device_info, compute_minor) == 364, "DeviceNative.INFO_COMPUTE_MINOR");

namespace {
constexpr uint64_t kDevicesMagic = 0x4b4149524f534431ull;  // "KAIROSD1"
constexpr uint64_t kFreedMagic = 0x4b4149524f534430ull;

struct Handle {  // a stream or an event
    int32_t device;
    void *backend;
};
}  // namespace

// Copies run under the shared lock (concurrently); what changes a table takes it exclusively, so a free waits for
// the copies that read its allocation. Close keeps the struct (a late call must still find it closed); free frees it.
struct kairos_devices {
    uint64_t magic = kDevicesMagic;
    std::atomic<bool> closed{false};
    std::atomic<int64_t> in_flight{0};
    std::shared_mutex lock;
    std::unique_ptr<Backend> backend;
    int32_t kind = KAIROS_DEVICE_BACKEND_NONE;
    std::map<uint64_t, uint64_t> allocations[KAIROS_DEVICE_MAX];  // start -> size, per device
    uint64_t allocated[KAIROS_DEVICE_MAX] = {};
    std::unordered_map<uint64_t, Handle> streams;
    std::unordered_map<uint64_t, Handle> events;
    std::unordered_set<void *> pinned;
    uint64_t next_id = 1;
};

namespace {

// A call on a devices handle (see abi_guard.h).
class Call : public kairos::abi::Call<kairos_devices> {
public:
    explicit Call(kairos_devices *d) : kairos::abi::Call<kairos_devices>(d, kDevicesMagic, "devices") {}
};

template <typename F>
int32_t guarded(F &&body) noexcept {
    return kairos::abi::guarded(body, KAIROS_ERR_DEVICE);
}

int32_t check_device(const kairos_devices *d, int32_t device, const char *field) {
    const int32_t count = d->backend->count();
    if (device < 0 || device >= count) {
        return fail(KAIROS_ERR_NO_DEVICE, "%s %d is outside 0..%d (%d devices)", field, device, count - 1, count);
    }
    return KAIROS_OK;
}

// The range [address, address + size) must lie inside one live allocation of device.
int32_t check_range(const kairos_devices *d, int32_t device, uint64_t address, uint64_t size, const char *field) {
    if (size == 0) return fail(KAIROS_ERR_INVALID_ARGUMENT, "size is 0");
    const auto &table = d->allocations[device];
    auto it = table.upper_bound(address);
    if (it == table.begin()) {
        return fail(KAIROS_ERR_NOT_FOUND, "%s 0x%llx is not inside an allocation of device %d", field,
                    static_cast<unsigned long long>(address), device);
    }
    --it;
    const uint64_t offset = address - it->first;
    if (offset >= it->second) {
        return fail(KAIROS_ERR_NOT_FOUND, "%s 0x%llx is not inside an allocation of device %d", field,
                    static_cast<unsigned long long>(address), device);
    }
    if (size > it->second - offset) {
        return fail(KAIROS_ERR_INVALID_ARGUMENT,
                    "%s 0x%llx + size %llu runs past its allocation of device %d (%llu bytes, %llu left)", field,
                    static_cast<unsigned long long>(address), static_cast<unsigned long long>(size), device,
                    static_cast<unsigned long long>(it->second), static_cast<unsigned long long>(it->second - offset));
    }
    return KAIROS_OK;
}

// The stream's backend handle (null for stream 0); its device must be device when device >= 0.
int32_t find_stream(const kairos_devices *d, uint64_t stream, int32_t device, void **out) {
    *out = nullptr;
    if (stream == 0) return KAIROS_OK;
    const auto it = d->streams.find(stream);
    if (it == d->streams.end()) {
        return fail(KAIROS_ERR_NOT_FOUND, "stream %llu is not a live stream", static_cast<unsigned long long>(stream));
    }
    if (device >= 0 && it->second.device != device) {
        return fail(KAIROS_ERR_INVALID_ARGUMENT, "stream %llu belongs to device %d, not device %d",
                    static_cast<unsigned long long>(stream), it->second.device, device);
    }
    *out = it->second.backend;
    return KAIROS_OK;
}

int32_t copy(kairos_devices *devices, CopyKind kind, int32_t dst_device, void *dst_host, uint64_t dst,
             int32_t src_device, const void *src_host, uint64_t src, uint64_t size, uint64_t stream) {
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    return guarded([&]() -> int32_t {
        std::shared_lock<std::shared_mutex> read(devices->lock);
        int32_t s = KAIROS_OK;
        if (kind != CopyKind::DeviceToHost) {
            if ((s = check_device(devices, dst_device, "dst device")) != KAIROS_OK) return s;
            if ((s = check_range(devices, dst_device, dst, size, "dst")) != KAIROS_OK) return s;
        }
        if (kind != CopyKind::HostToDevice) {
            if ((s = check_device(devices, src_device, "src device")) != KAIROS_OK) return s;
            if ((s = check_range(devices, src_device, src, size, "src")) != KAIROS_OK) return s;
        }
        if (kind == CopyKind::HostToDevice && src_host == nullptr) {
            return fail(KAIROS_ERR_INVALID_ARGUMENT, "src is null");
        }
        if (kind == CopyKind::DeviceToHost && dst_host == nullptr) {
            return fail(KAIROS_ERR_INVALID_ARGUMENT, "dst is null");
        }
        void *backend_stream = nullptr;
        const int32_t stream_device = kind == CopyKind::DeviceToHost ? src_device : dst_device;
        if ((s = find_stream(devices, stream, stream_device, &backend_stream)) != KAIROS_OK) return s;
        void *to = kind == CopyKind::DeviceToHost ? dst_host : reinterpret_cast<void *>(dst);
        const void *from = kind == CopyKind::HostToDevice ? src_host : reinterpret_cast<const void *>(src);
        return devices->backend->copy(kind, dst_device, to, src_device, from, size, backend_stream);
    });
}

int32_t new_handle(kairos_devices *devices, int32_t device, bool stream, uint64_t *out) {
    if (out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, stream ? "out_stream is null" : "out_event is null");
    *out = 0;
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    return guarded([&]() -> int32_t {
        std::unique_lock<std::shared_mutex> write(devices->lock);
        int32_t s = check_device(devices, device, "device");
        if (s != KAIROS_OK) return s;
        void *handle = nullptr;
        s = stream ? devices->backend->stream_create(device, &handle) : devices->backend->event_create(device, &handle);
        if (s != KAIROS_OK) return s;
        const uint64_t id = devices->next_id++;
        (stream ? devices->streams : devices->events).emplace(id, Handle{device, handle});
        *out = id;
        return KAIROS_OK;
    });
}

// Runs body on a live event, under the shared lock; KAIROS_ERR_NOT_FOUND if there is none with that id.
template <typename F>
int32_t with_event(kairos_devices *devices, uint64_t event, F &&body) {
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    return guarded([&]() -> int32_t {
        std::shared_lock<std::shared_mutex> read(devices->lock);
        const auto it = devices->events.find(event);
        if (it == devices->events.end()) {
            return fail(KAIROS_ERR_NOT_FOUND, "event %llu is not a live event", static_cast<unsigned long long>(event));
        }
        return body(it->second);
    });
}

// Takes a stream or an event out of its table and destroys it.
int32_t destroy_handle(kairos_devices *devices, bool stream, uint64_t id) {
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    return guarded([&]() -> int32_t {
        std::unique_lock<std::shared_mutex> write(devices->lock);
        auto &table = stream ? devices->streams : devices->events;
        const auto it = table.find(id);
        if (it == table.end()) {
            return fail(KAIROS_ERR_NOT_FOUND, "%s %llu is not a live %s", stream ? "stream" : "event",
                        static_cast<unsigned long long>(id), stream ? "stream" : "event");
        }
        void *handle = it->second.backend;
        table.erase(it);
        return stream ? devices->backend->stream_destroy(handle) : devices->backend->event_destroy(handle);
    });
}

}  // namespace

extern "C" {

int32_t kairos_device_abi_version(void) { return KAIROS_DEVICE_ABI_VERSION; }

int32_t kairos_device_cuda_compiled(void) { return kairos::device::cuda_compiled() ? 1 : 0; }

int32_t kairos_devices_open(int32_t backend, const char *simulated_spec, kairos_devices **out) {
    return guarded([&]() -> int32_t {
        kairos::clear_error_detail();
        if (out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out is null");
        *out = nullptr;
        if (backend != KAIROS_DEVICE_BACKEND_AUTO && backend != KAIROS_DEVICE_BACKEND_CUDA
            && backend != KAIROS_DEVICE_BACKEND_SIMULATED) {
            return fail(KAIROS_ERR_INVALID_ARGUMENT, "backend %d is not AUTO (0), CUDA (1) or SIMULATED (2)", backend);
        }
        if (simulated_spec == nullptr) {
            simulated_spec = std::getenv("KAIROS_SIMULATED_GPUS");
            if (simulated_spec == nullptr) simulated_spec = "";
        }
        uint64_t capacities[KAIROS_DEVICE_MAX];
        int32_t simulated = 0;
        if (backend != KAIROS_DEVICE_BACKEND_CUDA) {
            const int32_t s = kairos::device::parse_simulated_spec(simulated_spec, capacities, &simulated);
            if (s != KAIROS_OK) return s;
        }
        auto handle = std::make_unique<kairos_devices>();
        if (backend == KAIROS_DEVICE_BACKEND_CUDA || backend == KAIROS_DEVICE_BACKEND_AUTO) {
            if (!kairos::device::cuda_compiled() && backend == KAIROS_DEVICE_BACKEND_CUDA) {
                return fail(KAIROS_ERR_UNSUPPORTED, "backend CUDA: this library was built without CUDA");
            }
            auto cuda = kairos::device::make_cuda();
            if (cuda != nullptr && (backend == KAIROS_DEVICE_BACKEND_CUDA || cuda->count() > 0)) {
                handle->kind = KAIROS_DEVICE_BACKEND_CUDA;
                handle->backend = std::move(cuda);
            }
        }
        if (handle->backend == nullptr) {
            handle->backend = kairos::device::make_simulated(capacities, simulated);
            if (handle->backend == nullptr) return fail(KAIROS_ERR_NO_MEMORY, "no memory for the backend");
            handle->kind = simulated > 0 || backend == KAIROS_DEVICE_BACKEND_SIMULATED ? KAIROS_DEVICE_BACKEND_SIMULATED
                                                                                       : KAIROS_DEVICE_BACKEND_NONE;
        }
        if (handle->backend->count() > KAIROS_DEVICE_MAX) {
            return fail(KAIROS_ERR_UNSUPPORTED, "%d devices: at most %d are managed", handle->backend->count(),
                        KAIROS_DEVICE_MAX);
        }
        *out = handle.release();
        return KAIROS_OK;
    });
}

int32_t kairos_devices_close(kairos_devices *devices) {
    return guarded([&]() -> int32_t {
        kairos::clear_error_detail();
        if (devices == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "devices is null");
        if (devices->magic != kDevicesMagic) {
            return fail(KAIROS_ERR_INVALID_ARGUMENT, "devices is not a live devices handle");
        }
        if (devices->closed.exchange(true, std::memory_order_seq_cst)) return KAIROS_OK;
        while (devices->in_flight.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
        std::unique_lock<std::shared_mutex> write(devices->lock);
        Backend &backend = *devices->backend;
        int32_t first_failure = KAIROS_OK;
        const auto keep = [&](int32_t s) {
            if (s != KAIROS_OK && first_failure == KAIROS_OK) first_failure = s;
        };
        for (auto &[id, e] : devices->events) keep(backend.event_destroy(e.backend));
        for (auto &[id, s] : devices->streams) keep(backend.stream_destroy(s.backend));
        for (int32_t d = 0; d < KAIROS_DEVICE_MAX; d++) {
            for (auto &[address, size] : devices->allocations[d]) keep(backend.release(d, address, size));
            devices->allocations[d].clear();
            devices->allocated[d] = 0;
        }
        for (void *p : devices->pinned) keep(backend.host_free_pinned(p));
        devices->events.clear();
        devices->streams.clear();
        devices->pinned.clear();
        devices->backend.reset();
        return first_failure;
    });
}

int32_t kairos_devices_free(kairos_devices *devices) {
    if (devices == nullptr) return KAIROS_OK;
    if (devices->magic != kDevicesMagic) return fail(KAIROS_ERR_INVALID_ARGUMENT, "devices is not a live devices handle");
    const int32_t status = kairos_devices_close(devices);
    devices->magic = kFreedMagic;
    delete devices;
    return status;
}

int32_t kairos_devices_backend(kairos_devices *devices, int32_t *out) {
    if (out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out is null");
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    *out = devices->kind;
    return KAIROS_OK;
}

int32_t kairos_devices_count(kairos_devices *devices, int32_t *out) {
    if (out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out is null");
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    *out = devices->backend->count();
    return KAIROS_OK;
}

int32_t kairos_devices_info(kairos_devices *devices, int32_t device, kairos_device_info *out) {
    if (out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out is null");
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    return guarded([&]() -> int32_t {
        std::shared_lock<std::shared_mutex> read(devices->lock);
        const int32_t s = check_device(devices, device, "device");
        if (s != KAIROS_OK) return s;
        std::memset(out, 0, sizeof(*out));
        out->index = device;
        out->backend = devices->kind;
        return devices->backend->info(device, out);
    });
}

int32_t kairos_device_alloc(kairos_devices *devices, int32_t device, uint64_t size, uint64_t *out_address) {
    if (out_address == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out_address is null");
    *out_address = 0;
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    return guarded([&]() -> int32_t {
        std::unique_lock<std::shared_mutex> write(devices->lock);
        int32_t s = check_device(devices, device, "device");
        if (s != KAIROS_OK) return s;
        if (size == 0) return fail(KAIROS_ERR_INVALID_ARGUMENT, "size is 0");
        uint64_t address = 0;
        if ((s = devices->backend->alloc(device, size, &address)) != KAIROS_OK) return s;
        devices->allocations[device].emplace(address, size);
        devices->allocated[device] += size;
        *out_address = address;
        return KAIROS_OK;
    });
}

int32_t kairos_device_free(kairos_devices *devices, int32_t device, uint64_t address) {
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    return guarded([&]() -> int32_t {
        std::unique_lock<std::shared_mutex> write(devices->lock);
        const int32_t s = check_device(devices, device, "device");
        if (s != KAIROS_OK) return s;
        auto &table = devices->allocations[device];
        const auto it = table.find(address);
        if (it == table.end()) {
            return fail(KAIROS_ERR_NOT_FOUND, "address 0x%llx is not the start of a live allocation of device %d",
                        static_cast<unsigned long long>(address), device);
        }
        const uint64_t size = it->second;
        table.erase(it);
        devices->allocated[device] -= size;
        return devices->backend->release(device, address, size);
    });
}

int32_t kairos_device_allocated(kairos_devices *devices, int32_t device, uint64_t *out) {
    if (out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out is null");
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    return guarded([&]() -> int32_t {
        std::shared_lock<std::shared_mutex> read(devices->lock);
        const int32_t s = check_device(devices, device, "device");
        if (s != KAIROS_OK) return s;
        *out = devices->allocated[device];
        return KAIROS_OK;
    });
}

int32_t kairos_device_memset(kairos_devices *devices, int32_t device, uint64_t address, int32_t value, uint64_t size) {
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    return guarded([&]() -> int32_t {
        std::shared_lock<std::shared_mutex> read(devices->lock);
        int32_t s = check_device(devices, device, "device");
        if (s != KAIROS_OK) return s;
        if ((s = check_range(devices, device, address, size, "address")) != KAIROS_OK) return s;
        return devices->backend->memset(device, address, value & 0xff, size);
    });
}

int32_t kairos_device_copy_to_device(kairos_devices *devices, int32_t device, uint64_t address, const void *src,
                                     uint64_t size, uint64_t stream) {
    return copy(devices, CopyKind::HostToDevice, device, nullptr, address, -1, src, 0, size, stream);
}

int32_t kairos_device_copy_to_host(kairos_devices *devices, int32_t device, void *dst, uint64_t address,
                                   uint64_t size, uint64_t stream) {
    return copy(devices, CopyKind::DeviceToHost, -1, dst, 0, device, nullptr, address, size, stream);
}

int32_t kairos_device_copy_device(kairos_devices *devices, int32_t dst_device, uint64_t dst, int32_t src_device,
                                  uint64_t src, uint64_t size, uint64_t stream) {
    return copy(devices, CopyKind::DeviceToDevice, dst_device, nullptr, dst, src_device, nullptr, src, size, stream);
}

int32_t kairos_device_stream_create(kairos_devices *devices, int32_t device, uint64_t *out_stream) {
    return new_handle(devices, device, true, out_stream);
}

int32_t kairos_device_stream_synchronize(kairos_devices *devices, uint64_t stream) {
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    return guarded([&]() -> int32_t {
        std::shared_lock<std::shared_mutex> read(devices->lock);
        if (stream == 0) return fail(KAIROS_ERR_INVALID_ARGUMENT, "stream is 0");
        void *s = nullptr;
        const int32_t status = find_stream(devices, stream, -1, &s);
        return status != KAIROS_OK ? status : devices->backend->stream_synchronize(s);
    });
}

int32_t kairos_device_stream_destroy(kairos_devices *devices, uint64_t stream) {
    return destroy_handle(devices, true, stream);
}

int32_t kairos_device_event_create(kairos_devices *devices, int32_t device, uint64_t *out_event) {
    return new_handle(devices, device, false, out_event);
}

int32_t kairos_device_event_record(kairos_devices *devices, uint64_t event, uint64_t stream) {
    return with_event(devices, event, [&](const Handle &e) -> int32_t {
        if (stream == 0) return fail(KAIROS_ERR_INVALID_ARGUMENT, "stream is 0: an event is recorded on a stream");
        void *s = nullptr;
        const int32_t status = find_stream(devices, stream, e.device, &s);
        return status != KAIROS_OK ? status : devices->backend->event_record(e.backend, s);
    });
}

int32_t kairos_device_event_query(kairos_devices *devices, uint64_t event, int32_t *out_done) {
    if (out_done == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out_done is null");
    return with_event(devices, event, [&](const Handle &e) -> int32_t {
        bool done = false;
        const int32_t s = devices->backend->event_query(e.backend, &done);
        *out_done = done ? 1 : 0;
        return s;
    });
}

int32_t kairos_device_event_synchronize(kairos_devices *devices, uint64_t event) {
    return with_event(devices, event, [&](const Handle &e) { return devices->backend->event_synchronize(e.backend); });
}

int32_t kairos_device_event_destroy(kairos_devices *devices, uint64_t event) {
    return destroy_handle(devices, false, event);
}

int32_t kairos_host_alloc_pinned(kairos_devices *devices, uint64_t size, void **out) {
    if (out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out is null");
    *out = nullptr;
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    return guarded([&]() -> int32_t {
        if (size == 0) return fail(KAIROS_ERR_INVALID_ARGUMENT, "size is 0");
        std::unique_lock<std::shared_mutex> write(devices->lock);
        void *p = nullptr;
        const int32_t s = devices->backend->host_alloc_pinned(size, &p);
        if (s != KAIROS_OK) return s;
        devices->pinned.insert(p);
        *out = p;
        return KAIROS_OK;
    });
}

int32_t kairos_host_free_pinned(kairos_devices *devices, void *ptr) {
    Call call(devices);
    if (call.status() != KAIROS_OK) return call.status();
    return guarded([&]() -> int32_t {
        std::unique_lock<std::shared_mutex> write(devices->lock);
        if (devices->pinned.erase(ptr) == 0) {
            return fail(KAIROS_ERR_NOT_FOUND, "ptr %p is not pinned memory of this handle", ptr);
        }
        return devices->backend->host_free_pinned(ptr);
    });
}

}  // extern "C"
