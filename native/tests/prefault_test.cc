// kairos_store_prefault: argument checks, residency (reserved, mapped), content kept (written before and during a prefault, on the
// madvise path and on its fallback), and a close that stops a prefault in flight.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ostream>
#include <thread>
#include <vector>

#include "test_util.h"

namespace {

using kt::get_verify;
using kt::Handle;
using kt::Id;
using kt::make_id;
using kt::put;

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint32_t kAll = KAIROS_PREFAULT_RESERVE | KAIROS_PREFAULT_MAP;

// The two ways prefault populates pages: madvise(MADV_POPULATE_WRITE), and the fallback for kernels before 5.14.
enum class Path { kMadvise, kFallback };
void PrintTo(Path path, std::ostream *os) { *os << (path == Path::kMadvise ? "madvise" : "fallback"); }

class PrefaultTest : public kt::StoreFixture, public ::testing::WithParamInterface<Path> {
protected:
    void SetUp() override {
        kt::StoreFixture::SetUp();
        kairos::store::Store::force_prefault_fallback_for_test(GetParam() == Path::kFallback);
    }
    void TearDown() override {
        kairos::store::Store::force_prefault_fallback_for_test(false);
        kt::StoreFixture::TearDown();
    }

    static uint64_t capacity(kairos_store *s) { return kt::stats(s).capacity; }

    // Resident pages (in the page cache, per mincore) of the arena's range [offset, offset + length).
    static uint64_t resident_pages(kairos_store *s, uint64_t offset, uint64_t length) {
        const kairos::store::SegmentHeader *h = kairos::store::store_of(s)->header();
        const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
        auto *base = reinterpret_cast<uint8_t *>(const_cast<kairos::store::SegmentHeader *>(h));
        const uint64_t begin = (h->arena_offset + offset) / page * page;
        const uint64_t end = (h->arena_offset + offset + length + page - 1) / page * page;
        std::vector<unsigned char> vec((end - begin) / page);
        EXPECT_EQ(::mincore(base + begin, end - begin, vec.data()), 0);
        uint64_t n = 0;
        for (unsigned char v : vec) n += v & 1u;
        return n;
    }

    // Pages of the arena's range [offset, offset + length) mapped in this process's page tables (/proc/self/pagemap's
    // "present" bit), as opposed to merely in the page cache.
    static uint64_t mapped_pages(kairos_store *s, uint64_t offset, uint64_t length) {
        const kairos::store::SegmentHeader *h = kairos::store::store_of(s)->header();
        const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
        const auto base = reinterpret_cast<uintptr_t>(h);
        const uint64_t first = (base + h->arena_offset + offset) / page;
        const uint64_t last = (base + h->arena_offset + offset + length + page - 1) / page;
        const int fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
        EXPECT_GE(fd, 0);
        std::vector<uint64_t> entries(last - first);
        const ssize_t want = static_cast<ssize_t>(entries.size() * sizeof(uint64_t));
        EXPECT_EQ(::pread(fd, entries.data(), static_cast<size_t>(want), static_cast<off_t>(first * 8)), want);
        ::close(fd);
        uint64_t n = 0;
        for (uint64_t e : entries) n += e >> 63;
        return n;
    }
};

TEST_P(PrefaultTest, ChecksEveryArgument) {
    uint64_t populated = 99;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_prefault(nullptr, 0, 4096, kAll, &populated));
    EXPECT_EQ(populated, 0u);
    uint64_t not_a_handle[8] = {0x1234, 0, 0, 0, 0, 0, 0, 0};
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT,
                         kairos_store_prefault(reinterpret_cast<kairos_store *>(not_a_handle), 0, 4096, kAll, nullptr));

    Handle s;
    create(s, 4 * kMiB);
    const uint64_t cap = capacity(s);
    const uint64_t resident_at_create = resident_pages(s, 0, cap);  // the allocator's first block header
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_prefault(s, cap + 1, 0, kAll, &populated));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_prefault(s, 0, cap + 1, kAll, &populated));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_prefault(s, cap / 2, cap / 2 + 1, kAll, &populated));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_prefault(s, 4096, UINT64_MAX, kAll, &populated));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_prefault(s, UINT64_MAX, 1, kAll, &populated));
    for (const uint32_t flags : {0u, 4u, kAll | 8u, 0xffffffffu}) {
        KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_prefault(s, 0, cap, flags, &populated));
    }
    EXPECT_EQ(populated, 0u);
    EXPECT_EQ(resident_pages(s, 0, cap), resident_at_create) << "a refused call populates nothing";

    EXPECT_EQ(kairos_store_prefault(s, cap, 0, kAll, &populated), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_EQ(populated, 0u);
    EXPECT_EQ(kairos_store_prefault(s, 100, 1, kAll, nullptr), KAIROS_OK) << "populated_out may be null";
    EXPECT_EQ(kairos_store_prefault(s, 0, 1, kAll, &populated), KAIROS_OK);
    EXPECT_EQ(populated, static_cast<uint64_t>(::sysconf(_SC_PAGESIZE))) << "whole pages";

    ASSERT_EQ(kairos_store_close(s), KAIROS_OK);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CLOSED, kairos_store_prefault(s, 0, cap, kAll, &populated));
    EXPECT_EQ(populated, 0u);
}

TEST_P(PrefaultTest, MakesTheRangeResidentAndOnlyIt) {
    Handle s;
    create(s, 16 * kMiB);
    const uint64_t cap = capacity(s);
    const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    // A fresh arena has no page yet but those of the allocator's block headers (at its ends).
    const uint64_t head_before = resident_pages(s, 0, 3 * kMiB);
    const uint64_t tail_before = resident_pages(s, 9 * kMiB, cap - 9 * kMiB);
    ASSERT_LE(head_before + tail_before, 2u);
    ASSERT_EQ(resident_pages(s, 3 * kMiB, 5 * kMiB + 1), 0u);

    uint64_t populated = 0;
    ASSERT_EQ(kairos_store_prefault(s, 3 * kMiB + 1, 5 * kMiB, kAll, &populated), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_EQ(populated, 5 * kMiB + page) << "[3 MiB + 1, 8 MiB + 1) spans 5 MiB of pages and one more";
    EXPECT_EQ(resident_pages(s, 3 * kMiB, 5 * kMiB + 1), (5 * kMiB) / page + 1);
    EXPECT_EQ(resident_pages(s, 0, 3 * kMiB), head_before) << "nothing before the range";
    EXPECT_EQ(resident_pages(s, 9 * kMiB, cap - 9 * kMiB), tail_before) << "nothing after it";

    ASSERT_EQ(kairos_store_prefault(s, 0, cap, kAll, &populated), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_EQ(populated, (cap + page - 1) / page * page);
    EXPECT_EQ(resident_pages(s, 0, cap), (cap + page - 1) / page);
    EXPECT_EQ(mapped_pages(s, 0, cap), (cap + page - 1) / page);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_P(PrefaultTest, ReserveAllocatesThePagesAndMapMapsThem) {
    Handle s;
    create(s, 8 * kMiB);
    const uint64_t cap = capacity(s);
    const uint64_t pages = (cap + 4095) / 4096;
    uint64_t populated = 0;
    ASSERT_EQ(kairos_store_prefault(s, 0, cap, KAIROS_PREFAULT_RESERVE, &populated), KAIROS_OK)
        << kairos_last_error_detail();
    EXPECT_EQ(populated, pages * 4096);
    struct stat st {};
    ASSERT_EQ(::stat(("/dev/shm/kairos-" + name_).c_str(), &st), 0);
    EXPECT_GE(static_cast<uint64_t>(st.st_blocks) * 512, cap) << "reserved: the arena's pages are allocated in /dev/shm";
    EXPECT_LE(mapped_pages(s, 0, cap), 2u) << "but not mapped here (the allocator's headers aside)";
    ASSERT_EQ(kairos_store_prefault(s, 0, cap, KAIROS_PREFAULT_MAP, &populated), KAIROS_OK)
        << kairos_last_error_detail();
    EXPECT_EQ(populated, pages * 4096);
    EXPECT_EQ(mapped_pages(s, 0, cap), pages) << "mapped: every page is in this process's page tables";
    EXPECT_EQ(resident_pages(s, 0, cap), pages);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_P(PrefaultTest, KeepsContentWrittenBeforeAndDuringIt) {
    Handle s;
    create(s, 64 * kMiB);
    const uint64_t cap = capacity(s);
    // Before: objects of sizes that start and end inside pages, spread over the arena's first part.
    std::vector<std::pair<Id, uint64_t>> objects;
    for (uint64_t i = 0; i < 64; i++) {
        const uint64_t size = 1000 + i * 9'001;
        objects.emplace_back(make_id(i + 1), size);
        ASSERT_EQ(put(s, objects.back().first, size), KAIROS_OK) << kairos_last_error_detail();
    }

    // During: one thread prefaults the whole arena again and again while this one creates, writes, seals and
    // deletes objects all over it.
    std::atomic<bool> stop{false};
    std::atomic<int> passes{0};
    std::atomic<int32_t> prefault_rc{KAIROS_OK};
    std::thread prefaulter([&] {
        const uint32_t cycle[] = {KAIROS_PREFAULT_RESERVE, KAIROS_PREFAULT_MAP, kAll};
        while (!stop.load()) {
            const int32_t rc = kairos_store_prefault(s, 0, cap, cycle[passes.load() % 3], nullptr);
            if (rc != KAIROS_OK) {
                prefault_rc = rc;
                return;
            }
            passes++;
        }
    });
    std::vector<std::pair<Id, uint64_t>> during;
    const auto deadline = kt::Clock::now() + std::chrono::seconds(20);
    for (uint64_t i = 0; (i < 2000 || passes.load() < 3) && kt::Clock::now() < deadline; i++) {
        const Id id = make_id(1000 + i);
        const uint64_t size = 4096 * (1 + i % 7) + (i * 131) % 4096;
        ASSERT_EQ(put(s, id, size), KAIROS_OK) << kairos_last_error_detail();
        during.emplace_back(id, size);
        if (during.size() > 200) {  // keep the store from filling (no eviction of what we verify)
            ASSERT_EQ(get_verify(s, during.front().first, during.front().second), KAIROS_OK);
            ASSERT_EQ(kairos_store_release(s, during.front().first.data()), KAIROS_OK);
            ASSERT_EQ(kairos_store_delete(s, during.front().first.data()), KAIROS_OK);
            during.erase(during.begin());
        }
    }
    stop = true;
    prefaulter.join();
    EXPECT_EQ(prefault_rc.load(), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_GE(passes.load(), 3) << "the prefaults ran while the puts did";

    for (const auto &[id, size] : objects) EXPECT_EQ(get_verify(s, id, size), KAIROS_OK) << "written before";
    for (const auto &[id, size] : during) EXPECT_EQ(get_verify(s, id, size), KAIROS_OK) << "written during";
    EXPECT_EQ(kt::stats(s).evictions, 0u);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_P(PrefaultTest, AnAttachedClientPrefaultsTheSamePages) {
    Handle owner;
    create(owner, 8 * kMiB);
    const Id id = make_id(7);
    ASSERT_EQ(put(owner, id, 3 * kMiB), KAIROS_OK);
    Handle client;
    attach(client);
    uint64_t populated = 0;
    ASSERT_EQ(kairos_store_prefault(client, 0, capacity(client), kAll, &populated), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_GE(populated, capacity(client));
    EXPECT_EQ(resident_pages(owner, 0, capacity(owner)), resident_pages(client, 0, capacity(client)));
    EXPECT_EQ(get_verify(client, id, 3 * kMiB), KAIROS_OK);
    EXPECT_EQ(get_verify(owner, id, 3 * kMiB), KAIROS_OK);
}

TEST_P(PrefaultTest, CloseStopsAPrefaultInFlightAndWaitsForIt) {
    Handle s;
    create(s, 256 * kMiB);
    const uint64_t cap = capacity(s);
    std::atomic<bool> started{false};
    std::atomic<int32_t> rc{1};
    uint64_t populated = 0;
    std::thread prefaulter([&] {
        started = true;
        rc = kairos_store_prefault(s, 0, cap, kAll, &populated);
    });
    ASSERT_TRUE(kt::eventually([&] { return started.load(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto t0 = kt::Clock::now();
    ASSERT_EQ(kairos_store_close(s), KAIROS_OK);  // waits for the call in flight: no page is touched after the unmap
    const auto close_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(kt::Clock::now() - t0).count();
    prefaulter.join();
    EXPECT_TRUE(rc.load() == KAIROS_OK || rc.load() == KAIROS_ERR_CLOSED) << kairos_status_name(rc.load());
    if (rc.load() == KAIROS_ERR_CLOSED) EXPECT_LT(populated, cap) << "it stopped part way";
    EXPECT_LT(close_ms, 2000) << "close waits for one 2 MiB slice, not for the whole arena";
    std::printf("[          ] prefault ended with %s after %llu of %llu bytes; close took %lld ms\n",
                kairos_status_name(rc.load()), static_cast<unsigned long long>(populated),
                static_cast<unsigned long long>(cap), static_cast<long long>(close_ms));
}

INSTANTIATE_TEST_SUITE_P(BothPaths, PrefaultTest, ::testing::Values(Path::kMadvise, Path::kFallback),
                         [](const ::testing::TestParamInfo<Path> &info) {
                             return info.param == Path::kMadvise ? "Madvise" : "Fallback";
                         });

}  // namespace
