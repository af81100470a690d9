#include "store/tlsf.h"

#include <algorithm>
#include <cstring>

#include "store/status.h"

namespace kairos::store {
namespace {

inline uint32_t msb64(uint64_t v) { return 63u - static_cast<uint32_t>(__builtin_clzll(v)); }
inline uint32_t lsb32(uint32_t v) { return static_cast<uint32_t>(__builtin_ctz(v)); }

// Maps a block size (bytes, multiple of 64) to its first- and second-level list.
inline void mapping(uint64_t size, uint32_t *fl, uint32_t *sl) {
    const uint64_t granules = size / kGranule;
    if (granules < kSlCount) {
        *fl = 0;
        *sl = static_cast<uint32_t>(granules);
    } else {
        const uint32_t m = msb64(granules);
        *fl = m - kSlLog2 + 1;
        *sl = static_cast<uint32_t>((granules >> (m - kSlLog2)) - kSlCount);
    }
}

// A block for payload bytes: one header granule plus the payload, rounded up to a granule.
inline uint64_t align_up_block(uint64_t payload) { return (payload + 2 * kGranule - 1) & ~(kGranule - 1); }

// Rounds a request up so that any block in the list it maps to is big enough ("good fit").
inline uint64_t round_for_search(uint64_t size) {
    const uint64_t granules = size / kGranule;
    if (granules < kSlCount) return size;
    const uint64_t step = (uint64_t{1} << (msb64(granules) - kSlLog2)) * kGranule;
    return (size + step - 1) & ~(step - 1);
}

}  // namespace

void Tlsf::format(uint8_t *base, TlsfControl *control, uint64_t arena_offset, uint64_t arena_size) {
    std::memset(control, 0, sizeof(TlsfControl));
    control->arena_offset = arena_offset;
    control->arena_size = arena_size;
    Tlsf t(base, control);
    BlockHeader *b = t.block(arena_offset);
    std::memset(b, 0, sizeof(BlockHeader));
    b->size = arena_size;
    b->prev_phys = 0;
    b->magic = kBlockMagic;
    b->is_free = 1;
    t.insert_free(arena_offset);
}

uint64_t Tlsf::block_size_for(uint64_t payload_size) const {
    if (payload_size > arena_size_) return 0;
    const uint64_t size = align_up_block(payload_size);
    return size <= arena_size_ ? size : 0;
}

bool Tlsf::valid_block(uint64_t offset, const char *what) const {
    const uint64_t end = arena_end();
    const bool inside = offset >= arena_offset_ && offset < end && (offset - arena_offset_) % kGranule == 0;
    const BlockHeader *b = inside ? block(offset) : nullptr;
    if (b != nullptr && b->magic == kBlockMagic && b->size >= kGranule && b->size % kGranule == 0 &&
        b->size <= end - offset) {
        return true;
    }
    note_corrupt("%s: block at offset %llu is not a block of the arena [%llu, %llu)", what,
                 static_cast<unsigned long long>(offset), static_cast<unsigned long long>(arena_offset_),
                 static_cast<unsigned long long>(end));
    return false;
}

void Tlsf::insert_free(uint64_t offset) {
    BlockHeader *b = block(offset);
    uint32_t fl, sl;
    mapping(b->size, &fl, &sl);
    uint64_t head = c_->heads[fl][sl];
    if (head != 0 && !valid_block(head, "free list head")) head = 0;  // drop the bad list rather than follow it
    b->is_free = 1;
    b->prev_free = 0;
    b->next_free = head;
    if (head != 0) block(head)->prev_free = offset;
    c_->heads[fl][sl] = offset;
    c_->fl_bitmap |= 1u << fl;
    c_->sl_bitmap[fl] |= 1u << sl;
}

void Tlsf::remove_free(uint64_t offset) {
    BlockHeader *b = block(offset);
    uint32_t fl, sl;
    mapping(b->size, &fl, &sl);
    if ((b->prev_free != 0 && !valid_block(b->prev_free, "free list")) ||
        (b->next_free != 0 && !valid_block(b->next_free, "free list"))) {
        return;
    }
    if (b->prev_free != 0) {
        block(b->prev_free)->next_free = b->next_free;
    } else {
        c_->heads[fl][sl] = b->next_free;
        if (b->next_free == 0) {
            c_->sl_bitmap[fl] &= ~(1u << sl);
            if (c_->sl_bitmap[fl] == 0) c_->fl_bitmap &= ~(1u << fl);
        }
    }
    if (b->next_free != 0) block(b->next_free)->prev_free = b->prev_free;
    b->next_free = 0;
    b->prev_free = 0;
    b->is_free = 0;
}

uint64_t Tlsf::find_suitable(uint64_t size) const {
    uint32_t fl, sl;
    mapping(round_for_search(size), &fl, &sl);
    if (fl >= kFlCount) return 0;
    uint32_t sl_map = c_->sl_bitmap[fl] & (~0u << sl);
    if (sl_map == 0) {
        const uint32_t fl_map = fl + 1 < kFlCount ? c_->fl_bitmap & (~0u << (fl + 1)) : 0;
        if (fl_map == 0) return 0;
        fl = lsb32(fl_map);
        sl_map = c_->sl_bitmap[fl];
        if (sl_map == 0) {
            note_corrupt("allocator: first-level list %u is marked non-empty but none of its second-level lists is", fl);
            return 0;
        }
    }
    const uint64_t head = c_->heads[fl][lsb32(sl_map)];
    return head != 0 && valid_block(head, "free list head") ? head : 0;
}

uint64_t Tlsf::allocate(uint64_t payload_size) {
    const uint64_t size = block_size_for(payload_size);
    if (size == 0) return 0;
    uint64_t offset = find_suitable(size);
    if (offset == 0) {
        // The good-fit search rounds up; an exact-size block in the request's own list may still fit.
        uint32_t fl, sl;
        mapping(size, &fl, &sl);
        uint64_t steps = 0;  // a list longer than the arena has blocks is a cycle
        for (uint64_t o = c_->heads[fl][sl]; o != 0 && steps <= arena_size_ / kGranule; o = block(o)->next_free, steps++) {
            if (!valid_block(o, "allocate")) return 0;
            if (block(o)->size >= size) {
                offset = o;
                break;
            }
        }
        if (offset == 0) return 0;
    }
    if (!valid_block(offset, "allocate") || !block(offset)->is_free || block(offset)->size < size) {
        note_corrupt("allocate: the free list of %llu-byte blocks holds a block that is allocated or too small",
                     static_cast<unsigned long long>(size));
        return 0;
    }
    remove_free(offset);
    BlockHeader *b = block(offset);
    const uint64_t remainder = b->size - size;
    if (remainder >= kGranule) {  // split: the tail becomes a free block
        const uint64_t tail_offset = offset + size;
        BlockHeader *tail = block(tail_offset);
        std::memset(tail, 0, sizeof(BlockHeader));
        tail->size = remainder;
        tail->prev_phys = offset;
        tail->magic = kBlockMagic;
        const uint64_t after = tail_offset + remainder;
        if (after < arena_end() && valid_block(after, "allocate")) block(after)->prev_phys = tail_offset;
        b->size = size;
        insert_free(tail_offset);
    }
    b->is_free = 0;
    b->payload_size = payload_size;
    c_->used_bytes += b->size;
    c_->used_blocks += 1;
    return offset + kGranule;
}

void Tlsf::free(uint64_t payload_offset) {
    uint64_t offset = payload_offset - kGranule;
    if (!valid_block(offset, "free")) return;
    BlockHeader *b = block(offset);
    if (b->is_free) {
        note_corrupt("free: block at offset %llu is free already", static_cast<unsigned long long>(offset));
        return;
    }
    c_->used_bytes -= b->size;
    c_->used_blocks -= 1;
    b->payload_size = 0;
    // merge with the next block
    const uint64_t next = offset + b->size;
    if (next < arena_end() && !valid_block(next, "free (next block)")) return;
    if (next < arena_end() && block(next)->is_free) {
        remove_free(next);
        b->size += block(next)->size;
        block(next)->magic = 0;
    }
    // merge with the previous block
    if (b->prev_phys != 0 && (!valid_block(b->prev_phys, "free (previous block)") ||
                              b->prev_phys + block(b->prev_phys)->size != offset)) {
        note_corrupt("free: block at offset %llu: its previous block does not end where it starts",
                     static_cast<unsigned long long>(offset));
        return;
    }
    if (b->prev_phys != 0 && block(b->prev_phys)->is_free) {
        const uint64_t prev = b->prev_phys;
        remove_free(prev);
        block(prev)->size += b->size;
        b->magic = 0;
        offset = prev;
        b = block(prev);
    }
    const uint64_t after = offset + b->size;
    if (after < arena_end() && valid_block(after, "free (following block)")) block(after)->prev_phys = offset;
    insert_free(offset);
}

Tlsf::RebuildCursor Tlsf::begin_rebuild() {
    const uint64_t arena_offset = arena_offset_;
    const uint64_t arena_size = arena_size_;
    std::memset(c_, 0, sizeof(TlsfControl));
    c_->arena_offset = arena_offset;
    c_->arena_size = arena_size;
    RebuildCursor cursor;
    cursor.next = arena_offset;
    cursor.prev = 0;
    return cursor;
}

void Tlsf::emit(RebuildCursor *cursor, uint64_t offset, uint64_t size, bool is_free, uint64_t payload_size) {
    BlockHeader *b = block(offset);
    std::memset(b, 0, sizeof(BlockHeader));
    b->size = size;
    b->prev_phys = cursor->prev;
    b->magic = kBlockMagic;
    b->payload_size = payload_size;
    if (is_free) {
        insert_free(offset);
    } else {
        c_->used_bytes += size;
        c_->used_blocks += 1;
    }
    cursor->prev = offset;
    cursor->next = offset + size;
}

bool Tlsf::rebuild_add(RebuildCursor *cursor, uint64_t block_offset, uint64_t block_size, uint64_t payload_size) {
    const uint64_t end = arena_end();
    // Every comparison is written so that it cannot wrap: offsets and sizes come from a segment that a crashed
    // process may have left half-written.
    const bool fits = block_offset >= cursor->next && block_offset < end && block_offset % kGranule == 0 &&
                      block_size >= kGranule && block_size % kGranule == 0 && block_size <= end - block_offset &&
                      payload_size <= block_size - kGranule;
    if (!fits) return false;
    if (block_offset > cursor->next) emit(cursor, cursor->next, block_offset - cursor->next, true, 0);
    emit(cursor, block_offset, block_size, false, payload_size);
    return true;
}

void Tlsf::end_rebuild(RebuildCursor *cursor) {
    if (cursor->next < arena_end()) emit(cursor, cursor->next, arena_end() - cursor->next, true, 0);
}

void Tlsf::rebuild(std::vector<LiveBlock> live) {
    std::sort(live.begin(), live.end(),
              [](const LiveBlock &a, const LiveBlock &b) { return a.block_offset < b.block_offset; });
    RebuildCursor cursor = begin_rebuild();
    for (const LiveBlock &lb : live) rebuild_add(&cursor, lb.block_offset, lb.block_size, lb.payload_size);
    end_rebuild(&cursor);
}

TlsfCheck Tlsf::check() const {
    TlsfCheck r;
    auto bad = [&r](const std::string &what) {
        if (r.ok) {
            r.ok = false;
            r.error = what;
        }
    };
    uint64_t offset = arena_offset_;
    uint64_t prev = 0;
    bool prev_free = false;
    uint64_t used = 0;
    while (offset < arena_end()) {
        const BlockHeader *b = block(offset);
        if (b->magic != kBlockMagic) return bad("bad magic at " + std::to_string(offset)), r;
        if (b->size < kGranule || b->size % kGranule != 0 || offset + b->size > arena_end())
            return bad("bad size at " + std::to_string(offset)), r;
        if (b->prev_phys != prev) bad("bad prev_phys at " + std::to_string(offset));
        if (b->is_free) {
            if (prev_free) bad("adjacent free blocks at " + std::to_string(offset));
            uint32_t fl, sl;
            mapping(b->size, &fl, &sl);
            bool listed = false;
            for (uint64_t o = c_->heads[fl][sl]; o != 0; o = block(o)->next_free) {
                if (o == offset) {
                    listed = true;
                    break;
                }
            }
            if (!listed) bad("free block not in its list at " + std::to_string(offset));
            r.free_blocks++;
            r.free_bytes += b->size;
            r.largest_free = std::max(r.largest_free, b->size);
        } else {
            r.used_blocks++;
            used += b->size;
        }
        prev_free = b->is_free != 0;
        prev = offset;
        offset += b->size;
    }
    if (offset != arena_end()) bad("blocks do not tile the arena");
    if (used != c_->used_bytes) bad("used_bytes mismatch");
    if (r.used_blocks != c_->used_blocks) bad("used_blocks mismatch");
    uint64_t listed_free = 0;
    for (uint32_t fl = 0; fl < kFlCount; fl++) {
        for (uint32_t sl = 0; sl < kSlCount; sl++) {
            const bool has = c_->heads[fl][sl] != 0;
            if (has != ((c_->sl_bitmap[fl] >> sl) & 1u)) bad("second-level bitmap mismatch");
            for (uint64_t o = c_->heads[fl][sl]; o != 0; o = block(o)->next_free) {
                if (!block(o)->is_free) bad("allocated block on a free list");
                listed_free++;
                if (listed_free > r.free_blocks) return bad("free lists longer than free blocks"), r;
            }
        }
        if ((c_->sl_bitmap[fl] != 0) != ((c_->fl_bitmap >> fl) & 1u)) bad("first-level bitmap mismatch");
    }
    if (listed_free != r.free_blocks) bad("free-list count mismatch");
    return r;
}

}  // namespace kairos::store
