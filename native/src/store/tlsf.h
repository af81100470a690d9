// TLSF (two-level segregated fit) allocator over the arena of a shared segment.
//
// Everything is an offset from the segment base, never a pointer, so every process's mapping agrees.
// Allocation and free are O(1): two bitmap scans and constant list work. Blocks are multiples of 64 bytes,
// start with a 64-byte BlockHeader, and their payload is 64-byte aligned. Free neighbours always coalesce.
//
// Thread safety: none. The store calls it with the segment lock held.
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
    Tlsf(uint8_t *base, TlsfControl *control) : base_(base), c_(control) {}

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
    // Blocks may come in any order; overlapping or out-of-arena blocks must have been filtered out by the caller.
    void rebuild(std::vector<LiveBlock> live);

    // Walks the arena and verifies every invariant (sizes, links, coalescing, free lists, bitmaps).
    TlsfCheck check() const;

    uint64_t used_bytes() const { return c_->used_bytes; }
    uint64_t arena_size() const { return c_->arena_size; }

private:
    BlockHeader *block(uint64_t offset) const { return reinterpret_cast<BlockHeader *>(base_ + offset); }
    uint64_t arena_end() const { return c_->arena_offset + c_->arena_size; }
    void insert_free(uint64_t offset);
    void remove_free(uint64_t offset);
    uint64_t find_suitable(uint64_t size) const;

    uint8_t *base_;
    TlsfControl *c_;
};

}  // namespace kairos::store

#endif
