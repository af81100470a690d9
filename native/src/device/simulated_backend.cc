// Simulated devices: host memory stands in for device memory, with each device's capacity accounted exactly.
// Stream operations run when they are enqueued, so events are complete once recorded.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "device/backend.h"
#include "store/status.h"

namespace kairos::device {
namespace {

uint64_t round_up(uint64_t value, uint64_t to) { return (value + to - 1) / to * to; }

struct Marker {  // a stream or an event: only its device matters here
    int32_t device;
};

class SimulatedBackend final : public Backend {
public:
    SimulatedBackend(const uint64_t *capacities, int32_t count) : capacity_(capacities, capacities + count),
                                                                  used_(static_cast<size_t>(count), 0) {}

    int32_t kind() const override { return KAIROS_DEVICE_BACKEND_SIMULATED; }
    int32_t count() const override { return static_cast<int32_t>(capacity_.size()); }

    int32_t info(int32_t device, kairos_device_info *out) override {
        std::snprintf(out->name, sizeof(out->name), "Kairos Simulated GPU");
        std::snprintf(out->uuid, sizeof(out->uuid), "GPU-5a1b0000-0000-4000-8000-%012x", static_cast<unsigned>(device));
        std::snprintf(out->pci_bus_id, sizeof(out->pci_bus_id), "SIM:0000:00:00.%d", device);
        out->total_memory = capacity_[static_cast<size_t>(device)];
        out->free_memory = capacity_[static_cast<size_t>(device)] - used_[static_cast<size_t>(device)];
        out->compute_major = 0;
        out->compute_minor = 0;
        return KAIROS_OK;
    }

    int32_t alloc(int32_t device, uint64_t size, uint64_t *out) override {
        const auto d = static_cast<size_t>(device);
        // Compared before rounding too: a size within an alignment of 2^64 rounds up to 0 (wraps).
        const uint64_t rounded = round_up(size, KAIROS_DEVICE_ALIGNMENT);
        if (size > capacity_[d] - used_[d] || rounded > capacity_[d] - used_[d]) {
            return fail(KAIROS_ERR_DEVICE_OUT_OF_MEMORY,
                        "device %d (simulated, %llu bytes): %llu bytes asked for, %llu free", device,
                        static_cast<unsigned long long>(capacity_[d]), static_cast<unsigned long long>(size),
                        static_cast<unsigned long long>(capacity_[d] - used_[d]));
        }
        void *memory = std::aligned_alloc(KAIROS_DEVICE_ALIGNMENT, rounded);
        if (memory == nullptr) {
            return fail(KAIROS_ERR_NO_MEMORY, "device %d (simulated): the host has no %llu bytes to stand in",
                        device, static_cast<unsigned long long>(rounded));
        }
        used_[d] += rounded;
        *out = reinterpret_cast<uint64_t>(memory);
        return KAIROS_OK;
    }

    int32_t release(int32_t device, uint64_t address, uint64_t size) override {
        std::free(reinterpret_cast<void *>(address));
        used_[static_cast<size_t>(device)] -= round_up(size, KAIROS_DEVICE_ALIGNMENT);
        return KAIROS_OK;
    }

    int32_t memset(int32_t, uint64_t address, int32_t value, uint64_t size) override {
        std::memset(reinterpret_cast<void *>(address), value, size);
        return KAIROS_OK;
    }

    int32_t copy(CopyKind, int32_t, void *dst, int32_t, const void *src, uint64_t size, void *) override {
        std::memmove(dst, src, size);
        return KAIROS_OK;
    }

    int32_t stream_create(int32_t device, void **out) override { return marker(device, out); }
    int32_t stream_synchronize(void *) override { return KAIROS_OK; }
    int32_t stream_destroy(void *stream) override {
        delete static_cast<Marker *>(stream);
        return KAIROS_OK;
    }
    int32_t event_create(int32_t device, void **out) override { return marker(device, out); }
    int32_t event_record(void *, void *) override { return KAIROS_OK; }
    int32_t event_query(void *, bool *done) override {
        *done = true;
        return KAIROS_OK;
    }
    int32_t event_synchronize(void *) override { return KAIROS_OK; }
    int32_t event_destroy(void *event) override {
        delete static_cast<Marker *>(event);
        return KAIROS_OK;
    }

    int32_t host_alloc_pinned(uint64_t size, void **out) override {
        // A size within a page of 2^64 would round up to 0 (wraps), and aligned_alloc(4096, 0) may succeed.
        void *memory = size > UINT64_MAX - 4095 ? nullptr : std::aligned_alloc(4096, round_up(size, 4096));
        if (memory == nullptr) {
            return fail(KAIROS_ERR_NO_MEMORY, "pinned host memory: no %llu bytes", static_cast<unsigned long long>(size));
        }
        *out = memory;
        return KAIROS_OK;
    }
    int32_t host_free_pinned(void *ptr) override {
        std::free(ptr);
        return KAIROS_OK;
    }

private:
    static int32_t marker(int32_t device, void **out) {
        auto *m = new (std::nothrow) Marker{device};
        if (m == nullptr) return fail(KAIROS_ERR_NO_MEMORY, "no memory for a stream or event");
        *out = m;
        return KAIROS_OK;
    }

    std::vector<uint64_t> capacity_;
    std::vector<uint64_t> used_;
};

// Reads an unsigned decimal; false on overflow or no digits.
bool read_number(const char *&p, uint64_t *out) {
    if (!std::isdigit(static_cast<unsigned char>(*p))) return false;
    uint64_t value = 0;
    while (std::isdigit(static_cast<unsigned char>(*p))) {
        const uint64_t digit = static_cast<uint64_t>(*p - '0');
        if (value > (UINT64_MAX - digit) / 10) return false;
        value = value * 10 + digit;
        ++p;
    }
    *out = value;
    return true;
}

// The multiplier of a unit at p (advancing past it); 0 for an unknown unit.
uint64_t read_unit(const char *&p) {
    static const struct {
        const char *name;
        uint64_t factor;
    } kUnits[] = {{"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"TiB", 1ull << 40},
                  {"KB", 1000ull}, {"MB", 1000ull * 1000}, {"GB", 1000ull * 1000 * 1000},
                  {"TB", 1000ull * 1000 * 1000 * 1000}, {"K", 1ull << 10}, {"M", 1ull << 20}, {"G", 1ull << 30},
                  {"T", 1ull << 40}, {"B", 1}};
    for (const auto &unit : kUnits) {
        const size_t n = std::strlen(unit.name);
        if (std::strncmp(p, unit.name, n) == 0) {
            if (std::isalpha(static_cast<unsigned char>(p[n]))) return 0;  // "16Gb": no unit of ours
            p += n;
            return unit.factor;
        }
    }
    return *p == '\0' || *p == ',' || *p == ' ' ? 1 : 0;
}

}  // namespace

int32_t parse_simulated_spec(const char *spec, uint64_t *capacities, int32_t *count) {
    *count = 0;
    const size_t length = strnlen(spec, KAIROS_SIMULATED_SPEC_MAX + 1);
    if (length > KAIROS_SIMULATED_SPEC_MAX) {
        return fail(KAIROS_ERR_INVALID_ARGUMENT, "simulated spec is longer than %d characters", KAIROS_SIMULATED_SPEC_MAX);
    }
    const char *p = spec;
    while (*p == ' ') ++p;
    if (*p == '\0' || (p[0] == '0' && p[1] == '\0')) return KAIROS_OK;  // no devices
    for (;;) {
        while (*p == ' ') ++p;
        const char *group = p;
        uint64_t first = 0;
        if (!read_number(p, &first)) {
            return fail(KAIROS_ERR_INVALID_ARGUMENT, "simulated spec '%s': expected a number at '%s' (e.g. 2x16GiB)",
                        spec, group);
        }
        uint64_t devices = 1;
        uint64_t bytes = 0;
        if (*p == 'x' || *p == 'X') {
            ++p;
            devices = first;
            if (!read_number(p, &bytes)) {
                return fail(KAIROS_ERR_INVALID_ARGUMENT, "simulated spec '%s': expected a size after 'x' at '%s'", spec, group);
            }
        } else {
            bytes = first;
        }
        const uint64_t factor = read_unit(p);
        if (factor == 0) {
            return fail(KAIROS_ERR_INVALID_ARGUMENT,
                        "simulated spec '%s': unknown unit at '%s' (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)", spec, p);
        }
        if (bytes == 0 || bytes > KAIROS_SIMULATED_DEVICE_MAX_BYTES / factor) {
            return fail(KAIROS_ERR_INVALID_ARGUMENT, "simulated spec '%s': device size at '%s' must be 1 B..1 TiB",
                        spec, group);
        }
        if (devices == 0 || devices > static_cast<uint64_t>(KAIROS_DEVICE_MAX - *count)) {
            return fail(KAIROS_ERR_INVALID_ARGUMENT, "simulated spec '%s': 1..%d devices in all", spec, KAIROS_DEVICE_MAX);
        }
        for (uint64_t i = 0; i < devices; i++) capacities[(*count)++] = bytes * factor;
        while (*p == ' ') ++p;
        if (*p == '\0') return KAIROS_OK;
        if (*p != ',') {
            return fail(KAIROS_ERR_INVALID_ARGUMENT, "simulated spec '%s': unexpected '%s'", spec, p);
        }
        ++p;
    }
}

std::unique_ptr<Backend> make_simulated(const uint64_t *capacities, int32_t count) {
    return std::unique_ptr<Backend>(new (std::nothrow) SimulatedBackend(capacities, count));
}

}  // namespace kairos::device
