// libFuzzer target: the device C ABI on the simulated backend, driven by an op-code program: open (a generated spec,
// or the fuzzer's bytes as the spec string), alloc/free, memset, the three copies, streams, events, pinned host memory,
// info/count/allocated, and close, with ids, addresses (inside, at the edge of, and outside live allocations) and
// sizes at random. Oracles: every call returns a known status, a memset reads back, a copy round-trips, the
// allocated bytes add up, and every call after close gets KAIROS_ERR_CLOSED.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "kairos/device.h"

namespace {

constexpr uint64_t kHostBuffer = 1u << 16;

struct Alloc {
    int32_t device;
    uint64_t address, size;
};

uint64_t pick(kf::Input &in, const std::vector<uint64_t> &ids) {
    const uint8_t b = in.u8();
    if (ids.empty() || (b & 7) == 7) return (b & 8) ? in.u64() : b >> 4;
    return ids[b % ids.size()];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    kf::Input in(data, size);
    const uint8_t mode = in.u8();
    std::string spec;
    if ((mode & 3) == 0) {  // the bytes as a spec: the parser under attack
        const size_t n = in.u16() % (KAIROS_SIMULATED_SPEC_MAX + 8);
        for (size_t i = 0; i < n && !in.done(); i++) spec.push_back(static_cast<char>(in.u8() | 1));  // no NUL inside
    } else {
        const int groups = 1 + (in.u8() & 1);
        for (int g = 0; g < groups; g++) {
            if (g > 0) spec += ",";
            spec += std::to_string(1 + (in.u8() & 3)) + "x" + std::to_string(1 + (in.u8() & 15)) + "MiB";
        }
    }
    const int32_t backend = (mode & 0x0c) == 0x0c ? static_cast<int8_t>(in.u8()) : KAIROS_DEVICE_BACKEND_SIMULATED;
    kairos_devices *d = nullptr;
    if (kf::check(kairos_devices_open(backend, spec.c_str(), &d)) != KAIROS_OK) {
        if (d != nullptr) kf::bug("a failed open left a handle");
        return 0;
    }
    int32_t count = 0;
    kf::check(kairos_devices_count(d, &count));
    if ((mode & 3) == 0) {  // a parsed spec: check what it made, then stop (its devices may be of any size)
        for (int32_t i = 0; i < count; i++) {
            kairos_device_info info{};
            if (kf::check(kairos_devices_info(d, i, &info)) != KAIROS_OK) kf::bug("info of a listed device failed");
        }
        kf::check(kairos_devices_free(d));
        return 0;
    }

    std::vector<Alloc> allocs;
    std::vector<uint64_t> streams, events;
    std::vector<void *> pinned;
    std::vector<uint8_t> host(kHostBuffer), back(kHostBuffer);
    auto device_of = [&](uint8_t b) -> int32_t { return (b & 0x80) ? static_cast<int8_t>(b) : b % (count + 1); };

    for (int steps = 0; !in.done() && steps < 256; steps++) {
        const uint8_t op = in.u8();
        switch (op % 14) {
            case 0: {
                const int32_t dev = device_of(in.u8());
                const uint64_t n = in.size(16u << 20);
                uint64_t address = 0;
                if (kf::check(kairos_device_alloc(d, dev, n, &address)) == KAIROS_OK) allocs.push_back({dev, address, n});
                break;
            }
            case 1: {
                if (allocs.empty()) break;
                const size_t i = in.u8() % allocs.size();
                const uint64_t shift = (op & 0x80) ? in.u8() : 0;  // not the start: must be refused
                const int32_t rc = kf::check(kairos_device_free(d, allocs[i].device, allocs[i].address + shift));
                if (shift == 0 && rc != KAIROS_OK) kf::bug("free of a live allocation failed");
                if (shift != 0 && rc == KAIROS_OK) kf::bug("free of an address inside an allocation succeeded");
                if (rc == KAIROS_OK) allocs.erase(allocs.begin() + static_cast<long>(i));
                break;
            }
            case 2: {  // memset, read back when it is small enough
                if (allocs.empty()) break;
                const Alloc &a = allocs[in.u8() % allocs.size()];
                const uint64_t offset = in.size(a.size);
                const uint64_t n = in.size(a.size);
                const int32_t value = static_cast<int8_t>(in.u8());
                const uint64_t stream = pick(in, streams);
                if (kf::check(kairos_device_memset(d, a.device, a.address + offset, value, n)) == KAIROS_OK && n <= kHostBuffer) {
                    if (kf::check(kairos_device_copy_to_host(d, a.device, back.data(), a.address + offset, n, stream)) == KAIROS_OK) {
                        if (stream != 0) kf::check(kairos_device_stream_synchronize(d, stream));
                        for (uint64_t k = 0; k < n; k++) {
                            if (back[k] != static_cast<uint8_t>(value)) kf::bug("memset did not read back");
                        }
                    }
                }
                break;
            }
            case 3: {  // host -> device -> host
                if (allocs.empty()) break;
                const Alloc &a = allocs[in.u8() % allocs.size()];
                const uint64_t offset = in.size(a.size);
                const uint64_t n = (op & 0x80) ? in.size(a.size) : in.u16() % kHostBuffer;
                const void *src = n <= kHostBuffer ? host.data() : nullptr;  // null: a size past our buffer must fail
                for (uint64_t k = 0; k < n && k < kHostBuffer; k++) host[k] = static_cast<uint8_t>(k * 7 + op);
                const uint64_t stream = pick(in, streams);
                if (kf::check(kairos_device_copy_to_device(d, a.device, a.address + offset, src, n, stream)) == KAIROS_OK) {
                    if (src == nullptr) kf::bug("a copy from a null host pointer succeeded");
                    if (kf::check(kairos_device_copy_to_host(d, a.device, back.data(), a.address + offset, n, stream)) != KAIROS_OK) {
                        kf::bug("the copy back failed:", kairos_last_error_detail());
                    }
                    if (std::memcmp(host.data(), back.data(), n) != 0) kf::bug("a copy did not round-trip");
                }
                break;
            }
            case 4: {  // device -> device
                if (allocs.empty()) break;
                const Alloc &a = allocs[in.u8() % allocs.size()];
                const Alloc &b = allocs[in.u8() % allocs.size()];
                kf::check(kairos_device_copy_device(d, a.device, a.address + in.size(a.size), b.device,
                                                    b.address + in.size(b.size), in.size(a.size), pick(in, streams)));
                break;
            }
            case 5: {
                uint64_t s = 0;
                if (kf::check(kairos_device_stream_create(d, device_of(in.u8()), &s)) == KAIROS_OK) {
                    if (s == 0) kf::bug("stream id 0");
                    streams.push_back(s);
                }
                break;
            }
            case 6: kf::check(kairos_device_stream_synchronize(d, pick(in, streams))); break;
            case 7: {
                const uint64_t s = pick(in, streams);
                if (kf::check(kairos_device_stream_destroy(d, s)) == KAIROS_OK) {
                    for (size_t i = 0; i < streams.size(); i++) {
                        if (streams[i] == s) {
                            streams.erase(streams.begin() + static_cast<long>(i));
                            break;
                        }
                    }
                }
                break;
            }
            case 8: {
                uint64_t e = 0;
                if (kf::check(kairos_device_event_create(d, device_of(in.u8()), &e)) == KAIROS_OK) events.push_back(e);
                break;
            }
            case 9: {
                const uint64_t e = pick(in, events);
                int32_t done = -1;
                switch (in.u8() & 3) {
                    case 0: kf::check(kairos_device_event_record(d, e, pick(in, streams))); break;
                    case 1:
                        if (kf::check(kairos_device_event_query(d, e, &done)) == KAIROS_OK && done != 0 && done != 1) {
                            kf::bug("event query gave neither 0 nor 1");
                        }
                        break;
                    case 2: kf::check(kairos_device_event_synchronize(d, e)); break;
                    case 3:
                        if (kf::check(kairos_device_event_destroy(d, e)) == KAIROS_OK) {
                            for (size_t i = 0; i < events.size(); i++) {
                                if (events[i] == e) {
                                    events.erase(events.begin() + static_cast<long>(i));
                                    break;
                                }
                            }
                        }
                        break;
                }
                break;
            }
            case 10: {  // pinned host memory: small sizes, or sizes whose rounding would wrap
                const uint64_t n = (op & 0x80) ? UINT64_MAX - in.u16() : in.u16();
                void *p = nullptr;
                if (kf::check(kairos_host_alloc_pinned(d, n, &p)) == KAIROS_OK) {
                    if (n > (1u << 16)) kf::bug("pinned allocation of a size past the host succeeded");
                    std::memset(p, 0xa5, n);
                    pinned.push_back(p);
                }
                break;
            }
            case 11: {
                void *p = pinned.empty() || (op & 0x80) ? reinterpret_cast<void *>(in.u64()) : pinned[in.u8() % pinned.size()];
                if (kf::check(kairos_host_free_pinned(d, p)) == KAIROS_OK) {
                    for (size_t i = 0; i < pinned.size(); i++) {
                        if (pinned[i] == p) {
                            pinned.erase(pinned.begin() + static_cast<long>(i));
                            break;
                        }
                    }
                }
                break;
            }
            case 12: {
                const int32_t dev = device_of(in.u8());
                kairos_device_info info{};
                uint64_t used = 0;
                int32_t kind = 0;
                kf::check(kairos_devices_info(d, dev, &info));
                kf::check(kairos_devices_backend(d, &kind));
                if (kf::check(kairos_device_allocated(d, dev, &used)) == KAIROS_OK) {
                    uint64_t sum = 0;
                    for (const Alloc &a : allocs) {
                        if (a.device == dev) sum += (a.size + KAIROS_DEVICE_ALIGNMENT - 1) / KAIROS_DEVICE_ALIGNMENT * KAIROS_DEVICE_ALIGNMENT;
                    }
                    if (used != sum && used != [&] {
                            uint64_t raw = 0;
                            for (const Alloc &a : allocs) raw += a.device == dev ? a.size : 0;
                            return raw;
                        }()) {
                        kf::bug("allocated bytes do not add up");
                    }
                }
                break;
            }
            case 13: {  // arguments the ABI must refuse
                uint64_t out = 0;
                if (kairos_device_alloc(d, 0, 1, nullptr) != KAIROS_ERR_INVALID_ARGUMENT ||
                    kairos_device_alloc(nullptr, 0, 1, &out) != KAIROS_ERR_INVALID_ARGUMENT ||
                    kairos_devices_info(d, 0, nullptr) != KAIROS_ERR_INVALID_ARGUMENT ||
                    kairos_device_stream_create(d, 0, nullptr) != KAIROS_ERR_INVALID_ARGUMENT ||
                    kairos_host_alloc_pinned(d, 1, nullptr) != KAIROS_ERR_INVALID_ARGUMENT) {
                    kf::bug("a bad argument was not refused with KAIROS_ERR_INVALID_ARGUMENT");
                }
                break;
            }
        }
    }
    kf::check(kairos_devices_close(d));
    uint64_t address = 0;
    if (kairos_device_alloc(d, 0, 256, &address) != KAIROS_ERR_CLOSED) kf::bug("a call after close");
    kf::check(kairos_devices_free(d));
    return 0;
}
