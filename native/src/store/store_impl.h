// The store behind the C ABI. One Store per create/attach; it maps the segment and registers a client slot.
//
// Thread safety: every public method may be called from any thread; state in the segment is guarded by the
// segment's robust process-shared mutex. A holder that dies is detected (EOWNERDEAD) and the next locker
// repairs the segment from the object entries (recover()).
//
// The work done under the lock allocates nothing (recover() works in place, using the index table as its
// scratch space), and any path that might throw holds the lock through the Locked scope guard: an out-of-memory
// failure never leaves the robust mutex owned by a live thread, which would block every process for good.
#ifndef KAIROS_STORE_STORE_IMPL_H
#define KAIROS_STORE_STORE_IMPL_H

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "kairos/store.h"
#include "store/layout.h"
#include "store/status.h"
#include "store/tlsf.h"

namespace kairos::store {

class Store {
public:
    static int32_t create(const char *name, uint64_t capacity, uint32_t max_objects, std::unique_ptr<Store> *out);
    static int32_t attach(const char *name, std::unique_ptr<Store> *out);
    static int32_t remove_stale(const char *name);
    ~Store();

    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    int32_t close();
    int32_t create_object(const uint8_t *id, uint64_t size, uint8_t **data_out);
    int32_t seal(const uint8_t *id);
    int32_t abort_object(const uint8_t *id);
    int32_t get(const uint8_t *id, int64_t timeout_ns, const uint8_t **data_out, uint64_t *size_out);
    int32_t release(const uint8_t *id);
    int32_t remove(const uint8_t *id);
    int32_t contains(const uint8_t *id, int32_t *out);
    int32_t stats(kairos_store_stats *out);
    int32_t reap_dead_clients(uint32_t *reaped_out);
    // Reserves and/or maps the arena's pages [offset, offset + length) without changing a byte (kairos_store_prefault);
    // takes no lock. Stops between 2 MiB slices once the handle is closing (cancel_).
    int32_t prefault(uint64_t offset, uint64_t length, uint32_t flags, uint64_t *populated_out);
    // For tests: makes prefault() skip MADV_POPULATE_WRITE and take its fallback (fallocate + touch), process-wide.
    static void force_prefault_fallback_for_test(bool on);
    // A flag that, once set, makes a waiting get() return KAIROS_ERR_CLOSED (the handle is closing).
    void set_cancel_flag(const std::atomic<bool> *flag) { cancel_ = flag; }
    // Sets both halves under the segment lock, the lock evict_one runs under: an eviction sees the old pair or the
    // new one, never a mix.
    int32_t set_eviction_callback(kairos_eviction_fn fn, void *user);

    // Wakes every getter waiting on this segment (they re-check their object, and a closing handle).
    void wake_waiters() { notify_seal_waiters(); }

    int32_t client_id() const { return client_; }
    const std::string &name() const { return name_; }
    SegmentHeader *header() const { return hdr_; }

    // --- for tests and diagnostics ---
    // Takes the segment lock (repairing first if a holder died) and keeps it: a test child calls this and is
    // then killed, to prove the next locker recovers.
    int32_t lock_for_test();
    void unlock_for_test();
    // Verifies the allocator and the table (under the lock): "" if consistent, else what is wrong.
    std::string check_consistency();

private:
    Store() = default;
    int32_t lock();
    void unlock();
    void recover();                 // rebuild table, pins, LRU and allocator from the entries; lock held
    uint32_t reap_dead_locked();    // lock held
    void release_client_locked(uint32_t client);  // allocation-free
    void set_geometry();                          // caches the (validated) layout fields below

    // The tables, at the offsets validated when the segment was created or attached (cached: a scribbled header
    // cannot move them afterwards).
    ObjectEntry *entries() const { return entries_; }
    uint32_t *index() const { return index_; }
    PinRecord *pins() const { return pins_; }

    // Every probe loop visits at most its table's capacity: a table with no empty slot (only a corrupt segment
    // has one) gives KAIROS_ERR_CORRUPT instead of a loop that never ends.
    int32_t find(const uint8_t *id, uint32_t *out) const;  // *out = entry index + 1, 0 if absent
    int32_t index_insert(uint32_t entry_plus_one);
    void index_erase(const uint8_t *id);
    uint32_t alloc_entry();
    void free_entry(uint32_t e);
    // Checks of what the segment says before it is followed; each notes corruption (note_corrupt) when it fails.
    bool valid_link(uint32_t e, const char *what) const;      // an entry index + 1 (0: none) within max_objects
    bool payload_in_arena(const ObjectEntry &entry) const;    // the payload lies inside the arena
    Tlsf tlsf() const { return Tlsf(base_, &hdr_->tlsf, arena_offset_, arena_size_); }
    void lru_push_tail(uint32_t e);
    void lru_remove(uint32_t e);
    int32_t pin(uint32_t e, uint32_t client);
    int32_t unpin(uint32_t e, uint32_t client);
    // The slot of (e, client)'s record (*found) or of the empty slot that ends its probe (!*found).
    int32_t pin_find(uint32_t e, uint32_t client, uint64_t *slot, bool *found) const;
    void pin_erase_slot(uint64_t slot);          // backward-shift deletion
    void drop_pins(uint32_t e, uint32_t count);  // the entry's side of releasing count pins
    void recover_pins(uint32_t high);            // recover() step: in place, at most 3/4 of the table
    void destroy_entry(uint32_t e);  // index, allocator, stats; entry returned to the free list
    bool evict_one();
    int32_t allocate_for(uint64_t size, uint64_t *payload_offset, uint64_t *block_size);
    void notify_seal_waiters();

    std::string name_;
    std::string shm_name_;  // "/kairos-<name>", made at create/attach so that close allocates nothing
    int fd_ = -1;
    uint8_t *base_ = nullptr;
    uint64_t mapped_size_ = 0;
    SegmentHeader *hdr_ = nullptr;
    uint32_t client_ = 0;
    bool owner_ = false;
    bool closed_ = true;
    ObjectEntry *entries_ = nullptr;
    uint32_t *index_ = nullptr;
    PinRecord *pins_ = nullptr;
    uint32_t max_objects_ = 0;
    uint64_t index_capacity_ = 0;
    uint64_t pin_capacity_ = 0;
    uint64_t arena_offset_ = 0;
    uint64_t arena_size_ = 0;
    kairos_eviction_fn evict_fn_ = nullptr;  // both guarded by the segment lock
    void *evict_user_ = nullptr;
    const std::atomic<bool> *cancel_ = nullptr;
};

// Converts a C ABI handle to its Store; null if the handle is null, closed or not a store handle.
Store *store_of(kairos_store *handle);

}  // namespace kairos::store

#endif
