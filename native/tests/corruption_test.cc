// A store whose segment was scribbled on (by another process, a bad image, a stray write) answers KAIROS_ERR_CORRUPT
// and never follows a bad link, offset or size out of its tables or its mapping. Each case here is a crash the
// fuzz_store_corrupt target found (native/fuzz), or the same check on a neighbouring path.
#include <cstring>

#include "test_util.h"

namespace {

using kairos::store::BlockHeader;
using kairos::store::kGranule;
using kairos::store::ObjectEntry;
using kairos::store::SegmentHeader;
using kt::Handle;
using kt::Id;
using kt::make_id;
using kt::put;

class CorruptionTest : public kt::StoreFixture {
protected:
    SegmentHeader *header(kairos_store *s) { return kairos::store::store_of(s)->header(); }
    uint8_t *base(kairos_store *s) { return reinterpret_cast<uint8_t *>(header(s)); }
    ObjectEntry *entries(kairos_store *s) {
        return reinterpret_cast<ObjectEntry *>(base(s) + header(s)->entries_offset);
    }
    // The entry of the only object (the first entry ever used).
    BlockHeader *block_of_first_entry(kairos_store *s) {
        return reinterpret_cast<BlockHeader *>(base(s) + entries(s)[0].payload_offset - kGranule);
    }
};

// fuzz_store_corrupt: a block header whose size was scribbled (here 2^60 bytes) made the free of its object index
// the allocator's list heads with a first-level list of 50 (of 32), writing outside the segment header.
TEST_F(CorruptionTest, FreeingABlockWhoseSizeWasScribbledIsCorruptNotAWildWrite) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    const Id a = make_id(1);
    ASSERT_EQ(put(s, a, 1000), KAIROS_OK);
    block_of_first_entry(s)->size = uint64_t{1} << 60;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CORRUPT, kairos_store_delete(s, a.data()));
    EXPECT_NE(std::string(kairos_last_error_detail()).find("corrupt"), std::string::npos) << kairos_last_error_detail();
    EXPECT_EQ(kairos_store_close(s), KAIROS_OK);
}

// fuzz_store_corrupt: a first-level bitmap bit without any second-level bit made the allocator take the lowest set bit
// of 0 (undefined; a wild list head in practice).
TEST_F(CorruptionTest, AFirstLevelBitWithNoSecondLevelListIsCorrupt) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    SegmentHeader *h = header(s);
    h->tlsf.fl_bitmap |= 1u << 1;  // below the arena's one free block, which sits in a higher list
    h->tlsf.sl_bitmap[1] = 0;
    uint8_t *data = nullptr;
    const Id a = make_id(1);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CORRUPT, kairos_store_create_object(s, a.data(), 100, &data));
    EXPECT_EQ(data, nullptr);
    EXPECT_EQ(kairos_store_close(s), KAIROS_OK);
}

// A free-list link that leaves the arena is never followed.
TEST_F(CorruptionTest, AFreeListHeadOutsideTheArenaIsCorrupt) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    SegmentHeader *h = header(s);
    for (auto &row : h->tlsf.heads) {
        for (uint64_t &head : row) {
            if (head != 0) head = h->segment_size + (uint64_t{1} << 32);
        }
    }
    uint8_t *data = nullptr;
    const Id a = make_id(1);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CORRUPT, kairos_store_create_object(s, a.data(), 100, &data));
    EXPECT_EQ(kairos_store_close(s), KAIROS_OK);
}

// The eviction path: an LRU head beyond the entry table is refused before it is read (or handed to the callback).
TEST_F(CorruptionTest, AnLruHeadBeyondTheEntryTableIsCorrupt) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    ASSERT_EQ(put(s, make_id(1), 40000), KAIROS_OK);
    header(s)->lru_head = 5000;
    uint8_t *data = nullptr;
    const Id b = make_id(2);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CORRUPT, kairos_store_create_object(s, b.data(), 40000, &data));
    EXPECT_EQ(kairos_store_close(s), KAIROS_OK);
}

TEST_F(CorruptionTest, AFreeEntryListHeadBeyondTheTableIsCorrupt) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    const Id a = make_id(1);
    ASSERT_EQ(put(s, a, 100), KAIROS_OK);
    ASSERT_EQ(kairos_store_delete(s, a.data()), KAIROS_OK);  // entry 1 is on the free list now
    header(s)->free_entry_head = 5000;
    uint8_t *data = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CORRUPT, kairos_store_create_object(s, a.data(), 100, &data));
    EXPECT_EQ(kairos_store_close(s), KAIROS_OK);
}

// get never hands out a pointer outside the mapping, whatever the entry says.
TEST_F(CorruptionTest, GetOfAnEntryWhosePayloadLiesOutsideTheArenaIsCorrupt) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    const Id a = make_id(1);
    ASSERT_EQ(put(s, a, 100), KAIROS_OK);
    entries(s)[0].size = uint64_t{1} << 40;
    const uint8_t *data = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CORRUPT, kairos_store_get(s, a.data(), 0, &data, nullptr));
    EXPECT_EQ(data, nullptr);
    entries(s)[0].size = 100;
    EXPECT_EQ(kairos_store_close(s), KAIROS_OK);
}

}  // namespace
