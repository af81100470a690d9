// The TLSF allocator on its own, over a private buffer (no shared memory, no store).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "kairos/store.h"
#include "store/tlsf.h"

namespace {

using kairos::store::BlockHeader;
using kairos::store::kGranule;
using kairos::store::LiveBlock;
using kairos::store::Tlsf;
using kairos::store::TlsfCheck;
using kairos::store::TlsfControl;

constexpr uint64_t kArenaOffset = 4096;

struct LiveAlloc {
    uint64_t payload;
    uint64_t payload_size;
    uint64_t block_end;
    uint8_t tag;
};

// An arena of arena_size bytes at kArenaOffset inside a 64-byte aligned buffer, plus the live-set bookkeeping
// the tests verify the allocator against.
class Arena {
public:
    explicit Arena(uint64_t arena_size) : arena_size_(arena_size) {
        base_ = static_cast<uint8_t *>(std::aligned_alloc(4096, kArenaOffset + arena_size));
        std::memset(base_, 0x5a, kArenaOffset + arena_size);
        std::memset(&control_, 0, sizeof(control_));
        Tlsf::format(base_, &control_, kArenaOffset, arena_size);
    }
    ~Arena() { std::free(base_); }
    Arena(const Arena &) = delete;
    Arena &operator=(const Arena &) = delete;

    Tlsf tlsf() { return Tlsf(base_, &control_); }
    uint8_t *base() const { return base_; }
    TlsfControl &control() { return control_; }
    uint64_t arena_size() const { return arena_size_; }
    uint64_t arena_end() const { return kArenaOffset + arena_size_; }
    const std::map<uint64_t, LiveAlloc> &live() const { return live_; }

    // Allocates and, on success, checks placement against every live block and fills the payload.
    // Returns the payload offset (0 if the allocator had no room).
    uint64_t alloc(uint64_t size, uint8_t tag) {
        Tlsf t = tlsf();
        const uint64_t p = t.allocate(size);
        if (p == 0) return 0;
        EXPECT_EQ(p % KAIROS_STORE_ALIGNMENT, 0u) << "payload offset " << p;
        EXPECT_EQ(reinterpret_cast<uintptr_t>(base_ + p) % KAIROS_STORE_ALIGNMENT, 0u);
        const BlockHeader *h = t.header_of_payload(p);
        const uint64_t block = p - kGranule;
        const uint64_t end = block + h->size;
        EXPECT_GE(block, kArenaOffset);
        EXPECT_LE(end, arena_end());
        EXPECT_EQ(h->size % kGranule, 0u);
        EXPECT_GE(h->size, t.block_size_for(size));
        EXPECT_GE(h->size, size + kGranule);
        EXPECT_EQ(h->payload_size, size) << "the size prefix before the payload";
        EXPECT_EQ(h->is_free, 0u);
        // No overlap with the neighbours in address order.
        auto next = live_.lower_bound(block);
        if (next != live_.end()) {
            EXPECT_LE(end, next->first) << "block [" << block << "," << end << ") overlaps the one at " << next->first;
        }
        if (next != live_.begin()) {
            auto prev = std::prev(next);
            EXPECT_LE(prev->second.block_end, block)
                << "block at " << block << " overlaps [" << prev->first << "," << prev->second.block_end << ")";
        }
        live_[block] = LiveAlloc{p, size, end, tag};
        std::memset(base_ + p, tag, size);
        return p;
    }

    // Verifies the payload still holds its fill (no allocator metadata or other block wrote over it), frees it.
    void release(uint64_t block) {
        auto it = live_.find(block);
        ASSERT_NE(it, live_.end());
        const LiveAlloc a = it->second;
        EXPECT_TRUE(intact(a)) << "payload at " << a.payload << " was overwritten";
        live_.erase(it);
        tlsf().free(a.payload);
    }

    bool intact(const LiveAlloc &a) const {
        const uint8_t *d = base_ + a.payload;
        for (uint64_t i = 0; i < a.payload_size; i++) {
            if (d[i] != a.tag) return false;
        }
        return true;
    }

    // The allocator's own walk agrees with our live set.
    void expect_consistent() {
        Tlsf t = tlsf();
        const TlsfCheck c = t.check();
        ASSERT_TRUE(c.ok) << c.error;
        uint64_t used = 0;
        for (const auto &kv : live_) used += kv.second.block_end - kv.first;
        ASSERT_EQ(c.used_blocks, live_.size());
        ASSERT_EQ(t.used_bytes(), used);
        ASSERT_EQ(c.free_bytes + used, arena_size_);
    }

    void free_all() {
        while (!live_.empty()) release(live_.begin()->first);
    }

    std::vector<LiveBlock> live_blocks() {
        std::vector<LiveBlock> v;
        Tlsf t = tlsf();
        for (const auto &kv : live_) {
            const BlockHeader *h = t.header_of_payload(kv.second.payload);
            v.push_back(LiveBlock{kv.first, h->size, h->payload_size});
        }
        return v;
    }

private:
    uint8_t *base_ = nullptr;
    TlsfControl control_{};
    uint64_t arena_size_;
    std::map<uint64_t, LiveAlloc> live_;
};

void expect_single_free_block(Arena &a) {
    Tlsf t = a.tlsf();
    const TlsfCheck c = t.check();
    ASSERT_TRUE(c.ok) << c.error;
    EXPECT_EQ(c.free_blocks, 1u);
    EXPECT_EQ(c.used_blocks, 0u);
    EXPECT_EQ(c.largest_free, a.arena_size());
    EXPECT_EQ(c.free_bytes, a.arena_size());
    EXPECT_EQ(t.used_bytes(), 0u);
}

uint64_t random_size(std::mt19937_64 &rng) {
    const uint64_t r = rng() % 100;
    if (r < 5) return 0;
    if (r < 15) return 1 + rng() % 256;                  // tiny
    if (r < 92) return rng() % (64 * 1024 + 1);          // 0..64 KiB
    return 64 * 1024 + rng() % (768 * 1024);             // large
}

TEST(Tlsf, FormatLeavesOneFreeBlockSpanningTheArena) {
    Arena a(1 << 20);
    expect_single_free_block(a);
}

TEST(Tlsf, BlockSizeForZeroIsPositiveAndBlockSizesAreGranules) {
    Arena a(1 << 20);
    Tlsf t = a.tlsf();
    EXPECT_GT(t.block_size_for(0), 0u);
    EXPECT_EQ(t.block_size_for(0) % kGranule, 0u);
    for (uint64_t s : {1ull, 63ull, 64ull, 65ull, 4032ull, 4033ull, 100000ull}) {
        const uint64_t b = t.block_size_for(s);
        EXPECT_GE(b, s + kGranule) << s;
        EXPECT_EQ(b % kGranule, 0u) << s;
    }
    EXPECT_EQ(t.block_size_for(a.arena_size()), 0u) << "a payload the size of the arena can never fit";
    EXPECT_EQ(t.block_size_for(UINT64_MAX), 0u);
    EXPECT_EQ(t.block_size_for(UINT64_MAX - 63), 0u);
}

TEST(Tlsf, ZeroSizeAllocationsAreDistinctAndAligned) {
    Arena a(64 * 1024);
    std::vector<uint64_t> ps;
    for (int i = 0; i < 10; i++) {
        const uint64_t p = a.alloc(0, 0);
        ASSERT_NE(p, 0u);
        ps.push_back(p);
    }
    std::sort(ps.begin(), ps.end());
    EXPECT_EQ(std::unique(ps.begin(), ps.end()), ps.end());
    a.expect_consistent();
    a.free_all();
    expect_single_free_block(a);
}

TEST(Tlsf, RandomAllocFreeNeverOverlapsAndStaysConsistent) {
    Arena a(4 << 20);
    std::mt19937_64 rng(12345);
    uint64_t failures = 0, successes = 0;
    for (int step = 0; step < 5000; step++) {
        const bool do_alloc = a.live().empty() || rng() % 100 < 55;
        if (do_alloc) {
            const uint64_t p = a.alloc(random_size(rng), static_cast<uint8_t>(rng()));
            (p == 0 ? failures : successes)++;
        } else {
            auto it = a.live().begin();
            std::advance(it, static_cast<long>(rng() % a.live().size()));
            a.release(it->first);
        }
        a.expect_consistent();
        if (::testing::Test::HasFailure()) FAIL() << "at step " << step;
    }
    EXPECT_GT(successes, 2000u);
    a.free_all();
    expect_single_free_block(a);
}

TEST(Tlsf, FreeingEverythingInAnyOrderCoalescesToOneBlock) {
    for (uint64_t seed : {1u, 2u, 3u}) {
        Arena a(1 << 20);
        std::mt19937_64 rng(seed);
        while (a.alloc(rng() % 9000, 1) != 0) {
        }
        std::vector<uint64_t> blocks;
        for (const auto &kv : a.live()) blocks.push_back(kv.first);
        std::shuffle(blocks.begin(), blocks.end(), rng);
        for (uint64_t b : blocks) {
            a.release(b);
            a.expect_consistent();
        }
        expect_single_free_block(a);
    }
}

TEST(Tlsf, AllocateFailsWhenTooBigAndSucceedsAfterFrees) {
    Arena a(256 * 1024);
    Tlsf t = a.tlsf();
    EXPECT_EQ(t.allocate(a.arena_size()), 0u);
    EXPECT_EQ(t.allocate(UINT64_MAX), 0u);
    EXPECT_EQ(t.allocate(UINT64_MAX - 63), 0u);
    EXPECT_EQ(t.allocate(uint64_t{1} << 62), 0u);
    a.expect_consistent();

    // Fill with 4 KiB blocks until the allocator says no.
    const uint64_t small = 4096 - kGranule;
    int n = 0;
    while (a.alloc(small, static_cast<uint8_t>(n)) != 0) n++;
    EXPECT_EQ(static_cast<uint64_t>(n), a.arena_size() / 4096) << "4 KiB blocks should tile the arena exactly";
    const uint64_t big = 64 * 1024;
    EXPECT_EQ(t.allocate(big), 0u);
    EXPECT_EQ(t.allocate(small), 0u);
    a.expect_consistent();

    // One freed block of exactly the request's size is reused.
    a.release(std::next(a.live().begin(), 5)->first);
    EXPECT_NE(a.alloc(small, 0x77), 0u) << "an exact-size free block was not found";
    a.expect_consistent();

    a.free_all();
    EXPECT_NE(a.alloc(big, 0x33), 0u);
    a.expect_consistent();
    a.free_all();
    expect_single_free_block(a);
}

TEST(Tlsf, LargestPossibleAllocationFitsAnEmptyArena) {
    Arena a(64 * 1024);
    const uint64_t p = a.alloc(a.arena_size() - kGranule, 9);
    ASSERT_NE(p, 0u);
    EXPECT_EQ(a.alloc(0, 1), 0u);
    a.expect_consistent();
    a.free_all();
    expect_single_free_block(a);
}

TEST(Tlsf, RebuildFromLiveBlocksKeepsThemAllocated) {
    Arena a(2 << 20);
    std::mt19937_64 rng(777);
    for (int i = 0; i < 300; i++) a.alloc(rng() % 20000, static_cast<uint8_t>(i));
    // Free a random half so the arena has holes.
    std::vector<uint64_t> blocks;
    for (const auto &kv : a.live()) blocks.push_back(kv.first);
    std::shuffle(blocks.begin(), blocks.end(), rng);
    for (size_t i = 0; i < blocks.size() / 2; i++) a.release(blocks[i]);
    a.expect_consistent();
    ASSERT_FALSE(a.live().empty());

    std::vector<LiveBlock> live = a.live_blocks();
    const uint64_t used_before = a.tlsf().used_bytes();

    // Simulate a crashed lock holder: scribble over every byte that is not a live payload (block headers
    // included) and over the control's lists and counters.
    uint8_t *base = a.base();
    std::vector<bool> keep(a.arena_size(), false);
    for (const auto &kv : a.live()) {
        for (uint64_t i = 0; i < kv.second.payload_size; i++) keep[kv.second.payload - kArenaOffset + i] = true;
    }
    for (uint64_t i = 0; i < a.arena_size(); i++) {
        if (!keep[i]) base[kArenaOffset + i] = 0xa5;
    }
    TlsfControl &c = a.control();
    c.used_bytes = 12345;
    c.used_blocks = 678;
    c.fl_bitmap = 0xffffffffu;
    std::memset(c.sl_bitmap, 0xff, sizeof(c.sl_bitmap));
    std::memset(c.heads, 0x11, sizeof(c.heads));

    std::shuffle(live.begin(), live.end(), rng);
    a.tlsf().rebuild(live);

    a.expect_consistent();
    EXPECT_EQ(a.tlsf().used_bytes(), used_before);
    for (const auto &kv : a.live()) {
        const BlockHeader *h = a.tlsf().header_of_payload(kv.second.payload);
        EXPECT_EQ(h->is_free, 0u);
        EXPECT_EQ(h->payload_size, kv.second.payload_size);
        EXPECT_TRUE(a.intact(kv.second)) << "rebuild overwrote a live payload";
    }
    // New allocations go around the live blocks.
    while (a.alloc(rng() % 30000, 0xee) != 0) {
    }
    a.expect_consistent();
    a.free_all();
    expect_single_free_block(a);
}

TEST(Tlsf, RebuildWithNoLiveBlocksGivesAnEmptyArena) {
    Arena a(1 << 20);
    a.alloc(1000, 1);
    a.alloc(2000, 2);
    a.tlsf().rebuild({});
    expect_single_free_block(a);
}

TEST(Tlsf, RebuildOfAFullyPackedArenaHasNoFreeBlock) {
    Arena a(64 * 1024);
    while (a.alloc(4096 - kGranule, 3) != 0) {
    }
    std::vector<LiveBlock> live = a.live_blocks();
    a.tlsf().rebuild(live);
    const TlsfCheck c = a.tlsf().check();
    ASSERT_TRUE(c.ok) << c.error;
    EXPECT_EQ(c.free_blocks, 0u);
    EXPECT_EQ(c.used_blocks, live.size());
    a.free_all();
    expect_single_free_block(a);
}

}  // namespace
