// The device ABI on the simulated backend (everywhere), and the CUDA backend's "no GPU here" behaviour where the
// library is built with CUDA and the machine has no GPU. Tests that need a real GPU live in device_gpu_test.cc.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "kairos/device.h"

namespace {

class Devices {
public:
    explicit Devices(const char *spec, int32_t backend = KAIROS_DEVICE_BACKEND_SIMULATED) {
        status = kairos_devices_open(backend, spec, &handle);
    }
    ~Devices() { kairos_devices_free(handle); }
    Devices(const Devices &) = delete;
    Devices &operator=(const Devices &) = delete;

    int32_t count() const {
        int32_t n = -1;
        EXPECT_EQ(KAIROS_OK, kairos_devices_count(handle, &n));
        return n;
    }

    kairos_devices *handle = nullptr;
    int32_t status;
};

std::string detail() { return kairos_last_error_detail(); }

constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t kMiB = 1ull << 20;

TEST(DeviceSpec, ParsesCountsSizesAndUnits) {
    Devices d("2x16GiB, 1x512MiB,3GB");
    ASSERT_EQ(KAIROS_OK, d.status) << detail();
    ASSERT_EQ(4, d.count());
    const uint64_t expected[] = {16 * kGiB, 16 * kGiB, 512 * kMiB, 3000000000ull};
    for (int32_t i = 0; i < 4; i++) {
        kairos_device_info info;
        ASSERT_EQ(KAIROS_OK, kairos_devices_info(d.handle, i, &info)) << detail();
        EXPECT_EQ(i, info.index);
        EXPECT_EQ(KAIROS_DEVICE_BACKEND_SIMULATED, info.backend);
        EXPECT_EQ(expected[i], info.total_memory);
        EXPECT_EQ(expected[i], info.free_memory);
        EXPECT_STREQ("Kairos Simulated GPU", info.name);
        EXPECT_EQ(0, std::strncmp(info.uuid, "GPU-", 4));
        EXPECT_EQ(40u, std::strlen(info.uuid)) << info.uuid;
    }
    kairos_device_info a;
    kairos_device_info b;
    ASSERT_EQ(KAIROS_OK, kairos_devices_info(d.handle, 0, &a));
    ASSERT_EQ(KAIROS_OK, kairos_devices_info(d.handle, 1, &b));
    EXPECT_STRNE(a.uuid, b.uuid);
    EXPECT_STRNE(a.pci_bus_id, b.pci_bus_id);
}

TEST(DeviceSpec, EmptyOrZeroMeansNoDevices) {
    for (const char *spec : {"", "0", "  "}) {
        Devices d(spec);
        ASSERT_EQ(KAIROS_OK, d.status) << spec << ": " << detail();
        EXPECT_EQ(0, d.count());
    }
}

TEST(DeviceSpec, RejectsMalformedSpecsNamingTheFault) {
    const char *bad[] = {"x16GiB", "2x", "2x16Gb", "0x1GiB", "2x0GiB", "65x1GiB", "2x2TiB", "1GiB;2GiB",
                         "99999999999999999999x1", "-1x1GiB"};
    for (const char *spec : bad) {
        kairos_devices *handle = nullptr;
        EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_devices_open(KAIROS_DEVICE_BACKEND_SIMULATED, spec, &handle))
            << spec;
        EXPECT_EQ(nullptr, handle);
        EXPECT_NE(std::string::npos, detail().find("simulated spec")) << spec << ": " << detail();
    }
    const std::string longSpec(KAIROS_SIMULATED_SPEC_MAX + 1, '1');
    kairos_devices *handle = nullptr;
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_devices_open(KAIROS_DEVICE_BACKEND_SIMULATED, longSpec.c_str(), &handle));
}

TEST(DeviceSpec, NullSpecReadsTheEnvironment) {
    ASSERT_EQ(0, setenv("KAIROS_SIMULATED_GPUS", "3x1GiB", 1));
    {
        Devices d(nullptr);
        ASSERT_EQ(KAIROS_OK, d.status) << detail();
        EXPECT_EQ(3, d.count());
    }
    unsetenv("KAIROS_SIMULATED_GPUS");
    Devices none(nullptr);
    EXPECT_EQ(0, none.count());
}

TEST(DeviceOpen, ChecksItsArguments) {
    kairos_devices *handle = nullptr;
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_devices_open(KAIROS_DEVICE_BACKEND_SIMULATED, "1x1GiB", nullptr));
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_devices_open(7, "1x1GiB", &handle));
    EXPECT_NE(std::string::npos, detail().find("backend 7"));
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_devices_open(KAIROS_DEVICE_BACKEND_NONE, "", &handle));
    int32_t n = 0;
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_devices_count(nullptr, &n));
    EXPECT_EQ(KAIROS_OK, kairos_devices_free(nullptr));
    EXPECT_STREQ("KAIROS_ERR_DEVICE_OUT_OF_MEMORY", kairos_status_name(KAIROS_ERR_DEVICE_OUT_OF_MEMORY));
    EXPECT_STREQ("KAIROS_ERR_NO_DEVICE", kairos_status_name(KAIROS_ERR_NO_DEVICE));
    EXPECT_STREQ("KAIROS_ERR_UNSUPPORTED", kairos_status_name(KAIROS_ERR_UNSUPPORTED));
    EXPECT_EQ(KAIROS_DEVICE_ABI_VERSION, kairos_device_abi_version());
}

TEST(DeviceMemory, AllocationsAreAccountedPerDeviceAndRunOutWithAClearError) {
    Devices d("2x1MiB");
    ASSERT_EQ(KAIROS_OK, d.status);
    uint64_t a = 0;
    uint64_t b = 0;
    ASSERT_EQ(KAIROS_OK, kairos_device_alloc(d.handle, 0, 600 * 1024, &a)) << detail();
    EXPECT_EQ(0u, a % KAIROS_DEVICE_ALIGNMENT);
    uint64_t used = 0;
    ASSERT_EQ(KAIROS_OK, kairos_device_allocated(d.handle, 0, &used));
    EXPECT_EQ(600u * 1024, used);
    kairos_device_info info;
    ASSERT_EQ(KAIROS_OK, kairos_devices_info(d.handle, 0, &info));
    EXPECT_EQ(kMiB - 600 * 1024, info.free_memory);

    EXPECT_EQ(KAIROS_ERR_DEVICE_OUT_OF_MEMORY, kairos_device_alloc(d.handle, 0, 600 * 1024, &b));
    EXPECT_EQ(0u, b);
    EXPECT_NE(std::string::npos, detail().find("device 0")) << detail();
    EXPECT_NE(std::string::npos, detail().find("free")) << detail();
    ASSERT_EQ(KAIROS_OK, kairos_device_alloc(d.handle, 1, 600 * 1024, &b)) << "device 1 has its own memory";

    ASSERT_EQ(KAIROS_OK, kairos_device_free(d.handle, 0, a));
    ASSERT_EQ(KAIROS_OK, kairos_device_allocated(d.handle, 0, &used));
    EXPECT_EQ(0u, used);
    ASSERT_EQ(KAIROS_OK, kairos_device_alloc(d.handle, 0, 1000 * 1024, &a)) << "freed memory is available again";
    EXPECT_EQ(KAIROS_ERR_NOT_FOUND, kairos_device_free(d.handle, 0, b)) << "b is device 1's";
    EXPECT_EQ(KAIROS_ERR_NOT_FOUND, kairos_device_free(d.handle, 0, a + 256)) << "not the start of an allocation";
    EXPECT_EQ(KAIROS_OK, kairos_device_free(d.handle, 1, b));
    EXPECT_EQ(KAIROS_ERR_NOT_FOUND, kairos_device_free(d.handle, 1, b)) << "double free";
}

TEST(DeviceMemory, BadDevicesAndSizesAreRejected) {
    Devices d("1x1MiB");
    uint64_t a = 0;
    EXPECT_EQ(KAIROS_ERR_NO_DEVICE, kairos_device_alloc(d.handle, 1, 64, &a));
    EXPECT_NE(std::string::npos, detail().find("device 1 is outside 0..0")) << detail();
    EXPECT_EQ(KAIROS_ERR_NO_DEVICE, kairos_device_alloc(d.handle, -1, 64, &a));
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_device_alloc(d.handle, 0, 0, &a));
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_device_alloc(d.handle, 0, 64, nullptr));
    kairos_device_info info;
    EXPECT_EQ(KAIROS_ERR_NO_DEVICE, kairos_devices_info(d.handle, 3, &info));
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_devices_info(d.handle, 0, nullptr));
}

// Found by fuzz_device: a size within an alignment of 2^64 rounded up to 0, passed the capacity check and "allocated"
// 0 bytes recorded as a huge allocation, which memset and the copies then trusted.
TEST(DeviceMemory, ASizeThatWouldWrapWhenRoundedIsOutOfMemory) {
    Devices d("1x16MiB");
    ASSERT_EQ(KAIROS_OK, d.status);
    for (const uint64_t size : {UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 255, UINT64_MAX - 4095}) {
        uint64_t address = 1;
        EXPECT_EQ(KAIROS_ERR_DEVICE_OUT_OF_MEMORY, kairos_device_alloc(d.handle, 0, size, &address)) << size;
        EXPECT_EQ(0u, address);
    }
    uint64_t used = 1;
    ASSERT_EQ(KAIROS_OK, kairos_device_allocated(d.handle, 0, &used));
    EXPECT_EQ(0u, used);
}

// Found by fuzz_device: pinned host memory of a size within a page of 2^64 rounded up to 0 bytes and succeeded.
TEST(DeviceMemory, PinnedHostMemoryOfASizeThatWouldWrapIsOutOfMemory) {
    Devices d("1x16MiB");
    ASSERT_EQ(KAIROS_OK, d.status);
    // Only sizes that wrap: a large one that does not is handed to aligned_alloc, which a sanitizer aborts on.
    for (const uint64_t size : {UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 4094}) {
        void *p = reinterpret_cast<void *>(1);
        EXPECT_EQ(KAIROS_ERR_NO_MEMORY, kairos_host_alloc_pinned(d.handle, size, &p)) << size;
        EXPECT_EQ(nullptr, p);
        EXPECT_NE(std::string::npos, detail().find("pinned host memory")) << detail();
    }
}

TEST(DeviceCopy, HostDeviceAndDeviceToDeviceRoundTripsAcrossDevices) {
    Devices d("2x16MiB");
    const uint64_t size = 3 * kMiB + 17;
    std::vector<uint8_t> in(size);
    for (uint64_t i = 0; i < size; i++) in[i] = static_cast<uint8_t>(i * 31 + 7);
    uint64_t a = 0;
    uint64_t b = 0;
    uint64_t c = 0;
    ASSERT_EQ(KAIROS_OK, kairos_device_alloc(d.handle, 0, size, &a));
    ASSERT_EQ(KAIROS_OK, kairos_device_alloc(d.handle, 0, size, &b));
    ASSERT_EQ(KAIROS_OK, kairos_device_alloc(d.handle, 1, size, &c));
    ASSERT_EQ(KAIROS_OK, kairos_device_copy_to_device(d.handle, 0, a, in.data(), size, 0)) << detail();
    ASSERT_EQ(KAIROS_OK, kairos_device_copy_device(d.handle, 0, b, 0, a, size, 0)) << detail();
    ASSERT_EQ(KAIROS_OK, kairos_device_copy_device(d.handle, 1, c, 0, b, size, 0)) << detail();
    std::vector<uint8_t> out(size, 0);
    ASSERT_EQ(KAIROS_OK, kairos_device_copy_to_host(d.handle, 1, out.data(), c, size, 0)) << detail();
    EXPECT_EQ(in, out);

    ASSERT_EQ(KAIROS_OK, kairos_device_memset(d.handle, 1, c + 100, 0xAB, 50));
    ASSERT_EQ(KAIROS_OK, kairos_device_copy_to_host(d.handle, 1, out.data(), c + 90, 70, 0));
    for (int i = 0; i < 70; i++) {
        EXPECT_EQ(i >= 10 && i < 60 ? 0xAB : in[static_cast<size_t>(90 + i)], out[static_cast<size_t>(i)]) << i;
    }
}

TEST(DeviceCopy, EveryAddressIsCheckedAgainstItsAllocation) {
    Devices d("2x1MiB");
    uint64_t a = 0;
    uint64_t other = 0;
    ASSERT_EQ(KAIROS_OK, kairos_device_alloc(d.handle, 0, 4096, &a));
    ASSERT_EQ(KAIROS_OK, kairos_device_alloc(d.handle, 1, 4096, &other));
    std::vector<uint8_t> host(8192);
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_device_copy_to_device(d.handle, 0, a + 1, host.data(), 4096, 0));
    EXPECT_NE(std::string::npos, detail().find("runs past its allocation")) << detail();
    EXPECT_EQ(KAIROS_ERR_NOT_FOUND, kairos_device_copy_to_device(d.handle, 0, a + 4096 + 512, host.data(), 1, 0));
    EXPECT_EQ(KAIROS_ERR_NOT_FOUND, kairos_device_copy_to_host(d.handle, 0, host.data(), other, 16, 0))
        << "an address of device 1 named as device 0's";
    EXPECT_EQ(KAIROS_ERR_NOT_FOUND, kairos_device_copy_to_host(d.handle, 0, host.data(), 12345, 16, 0));
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_device_copy_to_host(d.handle, 0, nullptr, a, 16, 0));
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_device_copy_to_device(d.handle, 0, a, nullptr, 16, 0));
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_device_copy_to_device(d.handle, 0, a, host.data(), 0, 0));
    EXPECT_EQ(KAIROS_ERR_NO_DEVICE, kairos_device_copy_device(d.handle, 2, a, 0, a, 16, 0));
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_device_memset(d.handle, 0, a, 0, 4097));
    EXPECT_EQ(KAIROS_ERR_NOT_FOUND, kairos_device_copy_to_host(d.handle, 0, host.data(), a, 16, 999))
        << "an unknown stream";
    ASSERT_EQ(KAIROS_OK, kairos_device_free(d.handle, 0, a));
    EXPECT_EQ(KAIROS_ERR_NOT_FOUND, kairos_device_copy_to_host(d.handle, 0, host.data(), a, 16, 0))
        << "a freed allocation";
}

TEST(DeviceStreams, AsyncCopiesAndEventsOnStreams) {
    Devices d("2x4MiB");
    uint64_t s0 = 0;
    uint64_t s1 = 0;
    uint64_t e0 = 0;
    ASSERT_EQ(KAIROS_OK, kairos_device_stream_create(d.handle, 0, &s0)) << detail();
    ASSERT_EQ(KAIROS_OK, kairos_device_stream_create(d.handle, 1, &s1));
    ASSERT_EQ(KAIROS_OK, kairos_device_event_create(d.handle, 0, &e0));
    EXPECT_NE(0u, s0);
    EXPECT_NE(s0, s1);
    void *pinned = nullptr;
    ASSERT_EQ(KAIROS_OK, kairos_host_alloc_pinned(d.handle, kMiB, &pinned)) << detail();
    std::memset(pinned, 0x5C, kMiB);
    uint64_t a = 0;
    uint64_t b = 0;
    ASSERT_EQ(KAIROS_OK, kairos_device_alloc(d.handle, 0, kMiB, &a));
    ASSERT_EQ(KAIROS_OK, kairos_device_alloc(d.handle, 1, kMiB, &b));
    ASSERT_EQ(KAIROS_OK, kairos_device_copy_to_device(d.handle, 0, a, pinned, kMiB, s0)) << detail();
    ASSERT_EQ(KAIROS_OK, kairos_device_event_record(d.handle, e0, s0)) << detail();
    ASSERT_EQ(KAIROS_OK, kairos_device_event_synchronize(d.handle, e0));
    int32_t done = 0;
    ASSERT_EQ(KAIROS_OK, kairos_device_event_query(d.handle, e0, &done));
    EXPECT_EQ(1, done);
    ASSERT_EQ(KAIROS_OK, kairos_device_copy_device(d.handle, 1, b, 0, a, kMiB, s1)) << detail();
    std::vector<uint8_t> out(kMiB);
    ASSERT_EQ(KAIROS_OK, kairos_device_copy_to_host(d.handle, 1, out.data(), b, kMiB, s1));
    ASSERT_EQ(KAIROS_OK, kairos_device_stream_synchronize(d.handle, s1));
    EXPECT_EQ(0x5C, out[0]);
    EXPECT_EQ(0x5C, out[kMiB - 1]);

    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_device_copy_to_device(d.handle, 0, a, pinned, 16, s1))
        << "a stream of device 1 for a copy to device 0";
    EXPECT_NE(std::string::npos, detail().find("belongs to device 1")) << detail();
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_device_event_record(d.handle, e0, 0));
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_device_event_record(d.handle, e0, s1));
    EXPECT_EQ(KAIROS_ERR_NO_DEVICE, kairos_device_stream_create(d.handle, 5, &s0));
    EXPECT_EQ(KAIROS_ERR_INVALID_ARGUMENT, kairos_device_stream_create(d.handle, 0, nullptr));

    EXPECT_EQ(KAIROS_OK, kairos_device_event_destroy(d.handle, e0));
    EXPECT_EQ(KAIROS_ERR_NOT_FOUND, kairos_device_event_query(d.handle, e0, &done));
    EXPECT_EQ(KAIROS_OK, kairos_device_stream_destroy(d.handle, s1));
    EXPECT_EQ(KAIROS_ERR_NOT_FOUND, kairos_device_stream_synchronize(d.handle, s1));
    EXPECT_EQ(KAIROS_OK, kairos_host_free_pinned(d.handle, pinned));
    EXPECT_EQ(KAIROS_ERR_NOT_FOUND, kairos_host_free_pinned(d.handle, pinned));
    // s0 and the allocations are left for close to free (LeakSanitizer checks it does)
}

TEST(DeviceClose, FreesWhatIsLeftAndLateCallsGetClosed) {
    kairos_devices *handle = nullptr;
    ASSERT_EQ(KAIROS_OK, kairos_devices_open(KAIROS_DEVICE_BACKEND_SIMULATED, "1x8MiB", &handle));
    uint64_t a = 0;
    uint64_t s = 0;
    void *pinned = nullptr;
    ASSERT_EQ(KAIROS_OK, kairos_device_alloc(handle, 0, kMiB, &a));
    ASSERT_EQ(KAIROS_OK, kairos_device_stream_create(handle, 0, &s));
    ASSERT_EQ(KAIROS_OK, kairos_host_alloc_pinned(handle, 4096, &pinned));
    ASSERT_EQ(KAIROS_OK, kairos_devices_close(handle));
    ASSERT_EQ(KAIROS_OK, kairos_devices_close(handle)) << "idempotent";
    int32_t n = 0;
    EXPECT_EQ(KAIROS_ERR_CLOSED, kairos_devices_count(handle, &n));
    EXPECT_EQ(KAIROS_ERR_CLOSED, kairos_device_alloc(handle, 0, 64, &a));
    EXPECT_EQ(KAIROS_ERR_CLOSED, kairos_device_free(handle, 0, a));
    EXPECT_EQ(KAIROS_OK, kairos_devices_free(handle));
}

TEST(DeviceConcurrency, ConcurrentAllocsCopiesAndFreesStayConsistent) {
    Devices d("2x64MiB");
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++) {
        threads.emplace_back([&, t] {
            std::vector<uint8_t> buffer(64 * 1024, static_cast<uint8_t>(t));
            std::vector<uint8_t> back(buffer.size());
            for (int i = 0; i < 200; i++) {
                uint64_t a = 0;
                const int32_t device = (t + i) % 2;
                if (kairos_device_alloc(d.handle, device, buffer.size(), &a) != KAIROS_OK
                    || kairos_device_copy_to_device(d.handle, device, a, buffer.data(), buffer.size(), 0) != KAIROS_OK
                    || kairos_device_copy_to_host(d.handle, device, back.data(), a, back.size(), 0) != KAIROS_OK
                    || back != buffer || kairos_device_free(d.handle, device, a) != KAIROS_OK) {
                    failures++;
                }
            }
        });
    }
    for (auto &thread : threads) thread.join();
    EXPECT_EQ(0, failures.load());
    for (int32_t device = 0; device < 2; device++) {
        uint64_t used = 1;
        ASSERT_EQ(KAIROS_OK, kairos_device_allocated(d.handle, device, &used));
        EXPECT_EQ(0u, used);
    }
}

TEST(DeviceCuda, ABuildWithCudaLoadsAndReportsWhatItFinds) {
    kairos_devices *handle = nullptr;
    const int32_t status = kairos_devices_open(KAIROS_DEVICE_BACKEND_CUDA, "", &handle);
    if (kairos_device_cuda_compiled() == 0) {
        EXPECT_EQ(KAIROS_ERR_UNSUPPORTED, status);
        EXPECT_NE(std::string::npos, detail().find("without CUDA"));
        GTEST_SKIP() << "this library was built without the CUDA backend";
    }
    ASSERT_EQ(KAIROS_OK, status) << "no GPU or no driver must give zero devices, not fail: " << detail();
    int32_t n = -1;
    ASSERT_EQ(KAIROS_OK, kairos_devices_count(handle, &n));
    EXPECT_GE(n, 0);
    int32_t backend = -1;
    ASSERT_EQ(KAIROS_OK, kairos_devices_backend(handle, &backend));
    EXPECT_EQ(KAIROS_DEVICE_BACKEND_CUDA, backend);
    uint64_t a = 0;
    if (n == 0) {
        EXPECT_EQ(KAIROS_ERR_NO_DEVICE, kairos_device_alloc(handle, 0, 64, &a));
    }
    EXPECT_EQ(KAIROS_OK, kairos_devices_free(handle));
}

TEST(DeviceAuto, FallsBackToTheSimulatedSpecWhenCudaFindsNothing) {
    kairos_devices *handle = nullptr;
    ASSERT_EQ(KAIROS_OK, kairos_devices_open(KAIROS_DEVICE_BACKEND_AUTO, "2x1GiB", &handle)) << detail();
    int32_t backend = -1;
    int32_t n = -1;
    ASSERT_EQ(KAIROS_OK, kairos_devices_backend(handle, &backend));
    ASSERT_EQ(KAIROS_OK, kairos_devices_count(handle, &n));
    if (backend == KAIROS_DEVICE_BACKEND_CUDA) {
        EXPECT_GT(n, 0) << "AUTO takes CUDA only when it finds a device";
    } else {
        EXPECT_EQ(KAIROS_DEVICE_BACKEND_SIMULATED, backend);
        EXPECT_EQ(2, n);
    }
    kairos_devices_free(handle);
    ASSERT_EQ(KAIROS_OK, kairos_devices_open(KAIROS_DEVICE_BACKEND_AUTO, "", &handle));
    ASSERT_EQ(KAIROS_OK, kairos_devices_backend(handle, &backend));
    ASSERT_EQ(KAIROS_OK, kairos_devices_count(handle, &n));
    EXPECT_TRUE(backend == KAIROS_DEVICE_BACKEND_NONE ? n == 0 : n > 0);
    kairos_devices_free(handle);
}

}  // namespace
