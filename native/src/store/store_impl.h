// The store behind the C ABI. One Store per create/attach; it maps the segment and registers a client slot.
//
// Thread safety: every public method may be called from any thread; state in the segment is guarded by the
// segment's robust process-shared mutex. A holder that dies is detected (EOWNERDEAD) and the next locker
// repairs the segment from the object entries (recover()).
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
    // A flag that, once set, makes a waiting get() return KAIROS_ERR_CLOSED (the handle is closing).
    void set_cancel_flag(const std::atomic<bool> *flag) { cancel_ = flag; }
    void set_eviction_callback(kairos_eviction_fn fn, void *user) { evict_fn_ = fn; evict_user_ = user; }

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
    void release_client_locked(uint32_t client);

    ObjectEntry *entries() const { return reinterpret_cast<ObjectEntry *>(base_ + hdr_->entries_offset); }
    uint32_t *index() const { return reinterpret_cast<uint32_t *>(base_ + hdr_->index_offset); }
    PinRecord *pins() const { return reinterpret_cast<PinRecord *>(base_ + hdr_->pins_offset); }

    uint32_t find(const uint8_t *id) const;  // entry index + 1, 0 if absent
    int32_t index_insert(uint32_t entry_plus_one);
    void index_erase(const uint8_t *id);
    uint32_t alloc_entry();
    void free_entry(uint32_t e);
    void lru_push_tail(uint32_t e);
    void lru_remove(uint32_t e);
    int32_t pin(uint32_t e, uint32_t client);
    int32_t unpin(uint32_t e, uint32_t client);
    uint32_t *pin_find(uint32_t e, uint32_t client);
    void destroy_entry(uint32_t e);  // index, allocator, stats; entry returned to the free list
    bool evict_one();
    int32_t allocate_for(uint64_t size, uint64_t *payload_offset, uint64_t *block_size);
    void notify_seal_waiters();

    std::string name_;
    int fd_ = -1;
    uint8_t *base_ = nullptr;
    uint64_t mapped_size_ = 0;
    SegmentHeader *hdr_ = nullptr;
    uint32_t client_ = 0;
    bool owner_ = false;
    bool closed_ = true;
    kairos_eviction_fn evict_fn_ = nullptr;
    void *evict_user_ = nullptr;
    const std::atomic<bool> *cancel_ = nullptr;
};

// Converts a C ABI handle to its Store; null if the handle is null, closed or not a store handle.
Store *store_of(kairos_store *handle);

}  // namespace kairos::store

#endif
