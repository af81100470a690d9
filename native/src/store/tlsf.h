// TLSF (two-level segregated fit) allocator over the arena of a shared segment.
//
// Everything is an offset from the segment base, never a pointer, so every process's mapping agrees.
// Allocation and free are O(1): two bitmap scans and constant list work. Blocks are multiples of 64 bytes,
// start with a 64-byte BlockHeader, and their payload is 64-byte aligned. Free neighbours always coalesce.
//
// Thread safety: none. The store calls it with the segment lock held.
//
// The arena lives in shared memory that another process (or a stray write) may have scribbled on. Before following
// an offset read from it (a free-list link, a neighbour, a list head) allocate and free check that it names a block
// inside the arena, aligned, with a sane size and the block magic; on a bad one they note corruption
// (kairos::note_corrupt: the store's call then returns KAIROS_ERR_CORRUPT) and write nothing through it.
#ifndef KAIROS_STORE_TLSF_H
#define KAIROS_STORE_TLSF_H

#include <cstdint>
#include <string>
#include <vector>

namespace kairos::store {

inline constexpr uint64_t kGranule = 64;          // alignment and size unit
inline constexpr uint32_t kSlLog2 = 5;            // 32 second-level lists per first level
inline constexpr uint32_t kSlCount = 1u << kSlLog2;
inline constexpr uint32_t kFlCount = 32;          // enough for 2^40-byte arenas
inline constexpr uint32_t kBlockMagic = 0x4b424c4bu;  // "KBLK"

// The 64-byte header at the start of every block. The last field is the payload-size prefix that the C ABI
// documents (KAIROS_OBJECT_SIZE_PREFIX_OFFSET): it sits just before the payload.
struct BlockHeader {
    uint64_t size;        // whole block, header included; multiple of kGranule
    uint64_t prev_phys;   // offset of the previous physical block, 0 for the first
    uint64_t next_free;   // free-list links, valid while free; 0 = none
    uint64_t prev_free;
    uint32_t is_free;
    uint32_t magic;
    uint64_t reserved[2];
    uint64_t payload_size;
};
static_assert(sizeof(BlockHeader) == kGranule, "block header is one granule");

// Allocator state; lives inside the segment header.
struct TlsfControl {
    uint64_t arena_offset;
    uint64_t arena_size;
    uint64_t used_bytes;   // bytes in allocated blocks, headers included
    uint64_t used_blocks;
    uint32_t fl_bitmap;
    uint32_t pad;
    uint32_t sl_bitmap[kFlCount];
    uint64_t heads[kFlCount][kSlCount];
};

struct LiveBlock {
    uint64_t block_offset;
    uint64_t block_size;
    uint64_t payload_size;
};

struct TlsfCheck {
    bool ok = true;
    std::string error;
    uint64_t free_blocks = 0;
    uint64_t used_blocks = 0;
    uint64_t free_bytes = 0;
    uint64_t largest_free = 0;
};

class Tlsf {
public:
    Tlsf(uint8_t *base, TlsfControl *control)
        : base_(base), c_(control), arena_offset_(control->arena_offset), arena_size_(control->arena_size) {}
    // With the arena's bounds as the store validated them at create/attach, not as the control block says now.
    Tlsf(uint8_t *base, TlsfControl *control, uint64_t arena_offset, uint64_t arena_size)
        : base_(base), c_(control), arena_offset_(arena_offset), arena_size_(arena_size) {}

    // Lays out an empty arena: one free block spanning it. arena_offset and arena_size are multiples of 64.
    static void format(uint8_t *base, TlsfControl *control, uint64_t arena_offset, uint64_t arena_size);

    // The block size (header included) needed for a payload; 0 if the payload can never fit an arena this big.
    uint64_t block_size_for(uint64_t payload_size) const;

    // Allocates a block for payload_size bytes; returns the payload's offset (64-byte aligned), 0 if no room.
    uint64_t allocate(uint64_t payload_size);

    // Frees the block whose payload starts at payload_offset, coalescing with free neighbours.
    void free(uint64_t payload_offset);

    BlockHeader *header_of_payload(uint64_t payload_offset) const {
        return reinterpret_cast<BlockHeader *>(base_ + payload_offset - kGranule);
    }

    // Rebuilds every header and free list from the blocks that are known live (after a crashed lock holder).
    // Blocks may come in any order. A block that is misaligned, overlaps the one before it (in offset order), or
    // does not lie wholly inside the arena is skipped, never written. Allocates (a sorted copy): tests and tools.
    void rebuild(std::vector<LiveBlock> live);

    // The same, allocation-free, for a caller that already has the blocks in ascending offset order:
    // begin_rebuild(), rebuild_add() per block, end_rebuild(). rebuild_add returns false, and writes nothing, for
    // a block it skips (see rebuild). Until end_rebuild the arena is not a valid heap.
    struct RebuildCursor {
        uint64_t next = 0;  // the first byte not yet covered by an emitted block
        uint64_t prev = 0;  // offset of the last emitted block, 0 for none
    };
    RebuildCursor begin_rebuild();
    bool rebuild_add(RebuildCursor *cursor, uint64_t block_offset, uint64_t block_size, uint64_t payload_size);
    void end_rebuild(RebuildCursor *cursor);

    // Walks the arena and verifies every invariant (sizes, links, coalescing, free lists, bitmaps).
    TlsfCheck check() const;

    uint64_t used_bytes() const { return c_->used_bytes; }
    uint64_t arena_size() const { return arena_size_; }

private:
    BlockHeader *block(uint64_t offset) const { return reinterpret_cast<BlockHeader *>(base_ + offset); }
    uint64_t arena_end() const { return arena_offset_ + arena_size_; }
    // Whether offset names a block inside the arena (aligned, sane size, block magic); notes corruption if not.
    bool valid_block(uint64_t offset, const char *what) const;
    void insert_free(uint64_t offset);
    void remove_free(uint64_t offset);
    void emit(RebuildCursor *cursor, uint64_t offset, uint64_t size, bool is_free, uint64_t payload_size);
    uint64_t find_suitable(uint64_t size) const;

    uint8_t *base_;
    TlsfControl *c_;
    uint64_t arena_offset_;
    uint64_t arena_size_;
};

}  // namespace kairos::store

#endif
