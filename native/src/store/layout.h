// The segment's binary layout: see the diagram in include/kairos/store.h. Every process maps the same bytes,
// so these structures hold offsets and indices, never pointers. Changing any of them bumps
// KAIROS_STORE_LAYOUT_VERSION.
#ifndef KAIROS_STORE_LAYOUT_H
#define KAIROS_STORE_LAYOUT_H

#include <pthread.h>

#include <cstddef>
#include <cstdint>

#include "kairos/store.h"
#include "store/tlsf.h"

namespace kairos::store {

inline constexpr uint64_t kMagic = 0x45524f545353524bull;  // the segment's first bytes read "KRSSTORE"
inline constexpr uint32_t kMaxClients = KAIROS_STORE_MAX_CLIENTS;

enum EntryState : uint32_t { kEntryFree = 0, kEntryCreating = 1, kEntrySealed = 2 };
enum EntryFlags : uint32_t { kEntryDeletePending = 1u };

// One object. Entries never move: the index, the LRU list and the pin records refer to them by index + 1.
struct ObjectEntry {
    uint8_t id[KAIROS_OBJECT_ID_SIZE];
    uint32_t state;
    uint32_t pins;            // total pins over all clients
    uint64_t payload_offset;  // from the segment base
    uint64_t size;            // payload bytes
    uint64_t block_size;      // TLSF block bytes, header included
    uint32_t lru_prev;        // LRU list of evictable objects (sealed, unpinned); free list when kEntryFree
    uint32_t lru_next;
    int32_t creator;          // client index that created it
    uint32_t flags;
};
static_assert(sizeof(ObjectEntry) == 64, "entries are one cache line");

// (object, client) -> pin count, so a dead client's pins can be released. entry == 0 marks an empty record.
struct PinRecord {
    uint32_t entry;  // entry index + 1
    uint32_t client;
    uint32_t count;
    uint32_t reserved;
};
static_assert(sizeof(PinRecord) == 16, "pin records are 16 bytes");

struct ClientSlot {
    int32_t pid;
    uint32_t in_use;
    uint64_t start_time;  // the process's start time (clock ticks since boot), so a reused pid is not mistaken
    uint64_t attach_count;
    uint64_t reserved;
};

struct alignas(64) SegmentHeader {
    // --- written once by the owner, read-only afterwards ---
    uint64_t magic;
    uint32_t layout_version;
    uint32_t header_size;
    uint64_t segment_size;
    uint64_t entries_offset;
    uint64_t index_offset;
    uint64_t pins_offset;
    uint64_t arena_offset;
    uint64_t arena_size;
    uint32_t max_objects;
    uint32_t index_capacity;  // power of two
    uint32_t pin_capacity;    // power of two
    int32_t owner_pid;
    uint64_t owner_start_time;
    uint32_t ready;           // set last (release) once the segment is formatted
    uint32_t owner_closed;

    // --- process-shared robust lock; everything below it is guarded by it, but the futex words ---
    alignas(64) pthread_mutex_t lock;
    alignas(64) uint32_t seal_futex;    // bumped on every seal/abort/delete; getters wait on it
    uint32_t seal_waiters;              // a hint: waiters present (a dead waiter only costs a spare wake)

    alignas(64) uint64_t objects;
    uint64_t sealed_objects;
    uint64_t pinned_objects;
    uint64_t evictions;
    uint64_t evicted_bytes;
    uint64_t allocation_failures;
    uint64_t recoveries;
    uint64_t dead_clients_reaped;
    uint32_t lru_head;         // entry index + 1; head = least recently used
    uint32_t lru_tail;
    uint32_t free_entry_head;  // entry index + 1
    uint32_t pins_used;
    uint32_t clients_attached;
    uint32_t entries_high_water;  // entries [0, high water) have been used at least once

    alignas(64) TlsfControl tlsf;
    alignas(64) ClientSlot clients[kMaxClients];
};

// The fixed offsets other languages read (Java mirrors them in io.kairos.store.SegmentLayout).
static_assert(offsetof(SegmentHeader, magic) == 0, "layout");
static_assert(offsetof(SegmentHeader, layout_version) == 8, "layout");
static_assert(offsetof(SegmentHeader, header_size) == 12, "layout");
static_assert(offsetof(SegmentHeader, segment_size) == 16, "layout");
static_assert(offsetof(SegmentHeader, entries_offset) == 24, "layout");
static_assert(offsetof(SegmentHeader, index_offset) == 32, "layout");
static_assert(offsetof(SegmentHeader, pins_offset) == 40, "layout");
static_assert(offsetof(SegmentHeader, arena_offset) == 48, "layout");
static_assert(offsetof(SegmentHeader, arena_size) == 56, "layout");
static_assert(offsetof(SegmentHeader, max_objects) == 64, "layout");
static_assert(offsetof(SegmentHeader, index_capacity) == 68, "layout");
static_assert(offsetof(SegmentHeader, pin_capacity) == 72, "layout");
static_assert(offsetof(SegmentHeader, owner_pid) == 76, "layout");
static_assert(offsetof(SegmentHeader, seal_waiters) == 196, "layout: SegmentLayout.SEAL_WAITERS_OFFSET in Java");

inline constexpr uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
inline constexpr uint64_t kHeaderSize = align_up(sizeof(SegmentHeader), 4096);

}  // namespace kairos::store

#endif
