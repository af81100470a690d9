// The C ABI: argument checks, the handle's closed/in-flight guard, and no exception ever crossing the boundary.
#include <atomic>
#include <cstring>
#include <memory>
#include <thread>

#include "kairos/store.h"
#include "abi_guard.h"
#include "store/status.h"
#include "store/store_impl.h"

using kairos::fail;
using kairos::store::Store;

namespace {
constexpr uint64_t kHandleMagic = 0x4b4149524f534831ull;  // "KAIROSH1"
constexpr uint64_t kFreedMagic = 0x4b4149524f534830ull;
}  // namespace

// A handle: the store plus what makes a late or concurrent call on a closed handle safe.
struct kairos_store {
    uint64_t magic = kHandleMagic;
    std::atomic<bool> closed{false};
    std::atomic<int64_t> in_flight{0};
    std::unique_ptr<Store> store;
};

namespace kairos::store {
Store *store_of(kairos_store *handle) {
    if (handle == nullptr || handle->magic != kHandleMagic || handle->closed.load(std::memory_order_acquire)) {
        return nullptr;
    }
    return handle->store.get();
}
}  // namespace kairos::store

namespace {

// A call on a store handle (see abi_guard.h).
class Call : public kairos::abi::Call<kairos_store> {
public:
    explicit Call(kairos_store *h) : kairos::abi::Call<kairos_store>(h, kHandleMagic, "store"), h_(h) {}

    Store *store() const { return h_->store.get(); }

private:
    kairos_store *h_;
};

// Every store call: no exception crosses the boundary, and corruption a helper found deep inside (note_corrupt)
// becomes KAIROS_ERR_CORRUPT whatever the call would have returned.
template <typename F>
int32_t guarded(F &&body) noexcept {
    kairos::clear_corrupt();
    return kairos::take_corrupt(kairos::abi::guarded(body, KAIROS_ERR_CORRUPT));
}

int32_t check_id(const uint8_t *id) {
    return id == nullptr ? fail(KAIROS_ERR_INVALID_ARGUMENT, "id is null") : KAIROS_OK;
}

int32_t wrap(std::unique_ptr<Store> s, kairos_store **out) {
    auto *h = new (std::nothrow) kairos_store();
    if (h == nullptr) return fail(KAIROS_ERR_NO_MEMORY, "out of memory for the store handle");
    h->store = std::move(s);
    h->store->set_cancel_flag(&h->closed);
    *out = h;
    return KAIROS_OK;
}

}  // namespace

extern "C" {

int32_t kairos_store_abi_version(void) { return KAIROS_STORE_ABI_VERSION; }

const char *kairos_status_name(int32_t status) {
    switch (status) {
        case KAIROS_OK: return "KAIROS_OK";
        case KAIROS_ERR_INVALID_ARGUMENT: return "KAIROS_ERR_INVALID_ARGUMENT";
        case KAIROS_ERR_CLOSED: return "KAIROS_ERR_CLOSED";
        case KAIROS_ERR_EXISTS: return "KAIROS_ERR_EXISTS";
        case KAIROS_ERR_NOT_FOUND: return "KAIROS_ERR_NOT_FOUND";
        case KAIROS_ERR_WRONG_STATE: return "KAIROS_ERR_WRONG_STATE";
        case KAIROS_ERR_STORE_FULL: return "KAIROS_ERR_STORE_FULL";
        case KAIROS_ERR_TIMEOUT: return "KAIROS_ERR_TIMEOUT";
        case KAIROS_ERR_TOO_MANY_CLIENTS: return "KAIROS_ERR_TOO_MANY_CLIENTS";
        case KAIROS_ERR_IO: return "KAIROS_ERR_IO";
        case KAIROS_ERR_INCOMPATIBLE: return "KAIROS_ERR_INCOMPATIBLE";
        case KAIROS_ERR_CORRUPT: return "KAIROS_ERR_CORRUPT";
        case KAIROS_ERR_NO_MEMORY: return "KAIROS_ERR_NO_MEMORY";
        case KAIROS_ERR_NO_DEVICE: return "KAIROS_ERR_NO_DEVICE";
        case KAIROS_ERR_DEVICE_OUT_OF_MEMORY: return "KAIROS_ERR_DEVICE_OUT_OF_MEMORY";
        case KAIROS_ERR_DEVICE: return "KAIROS_ERR_DEVICE";
        case KAIROS_ERR_UNSUPPORTED: return "KAIROS_ERR_UNSUPPORTED";
        default: return "KAIROS_ERR_UNKNOWN";
    }
}

const char *kairos_last_error_detail(void) { return kairos::error_detail(); }

int32_t kairos_store_create(const char *name, uint64_t capacity, uint32_t max_objects, kairos_store **out) {
    return guarded([&]() -> int32_t {
        if (out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out is null");
        *out = nullptr;
        std::unique_ptr<Store> s;
        if (int32_t rc = Store::create(name, capacity, max_objects, &s); rc != KAIROS_OK) return rc;
        return wrap(std::move(s), out);
    });
}

int32_t kairos_store_attach(const char *name, kairos_store **out) {
    return guarded([&]() -> int32_t {
        if (out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out is null");
        *out = nullptr;
        std::unique_ptr<Store> s;
        if (int32_t rc = Store::attach(name, &s); rc != KAIROS_OK) return rc;
        return wrap(std::move(s), out);
    });
}

int32_t kairos_store_remove_stale(const char *name) {
    return guarded([&]() -> int32_t { return Store::remove_stale(name); });
}

int32_t kairos_store_close(kairos_store *store) {
    return guarded([&]() -> int32_t {
        if (store == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "store is null");
        if (store->magic != kHandleMagic) return fail(KAIROS_ERR_INVALID_ARGUMENT, "store is not a live store handle");
        if (store->closed.exchange(true, std::memory_order_seq_cst)) return KAIROS_OK;
        // Wake waiting getters of this handle, then wait for calls in flight to leave.
        store->store->wake_waiters();
        while (store->in_flight.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
        return store->store->close();
    });
}

int32_t kairos_store_free(kairos_store *store) {
    if (store == nullptr) return KAIROS_OK;
    if (store->magic != kHandleMagic) return fail(KAIROS_ERR_INVALID_ARGUMENT, "store is not a live store handle");
    kairos_store_close(store);
    store->magic = kFreedMagic;
    delete store;
    return KAIROS_OK;
}

int32_t kairos_store_create_object(kairos_store *store, const uint8_t *id, uint64_t size, uint8_t **data_out) {
    return guarded([&]() -> int32_t {
        Call call(store);
        if (call.status() != KAIROS_OK) return call.status();
        if (int32_t rc = check_id(id); rc != KAIROS_OK) return rc;
        if (data_out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "data_out is null");
        *data_out = nullptr;
        return call.store()->create_object(id, size, data_out);
    });
}

int32_t kairos_store_seal(kairos_store *store, const uint8_t *id) {
    return guarded([&]() -> int32_t {
        Call call(store);
        if (call.status() != KAIROS_OK) return call.status();
        if (int32_t rc = check_id(id); rc != KAIROS_OK) return rc;
        return call.store()->seal(id);
    });
}

int32_t kairos_store_abort(kairos_store *store, const uint8_t *id) {
    return guarded([&]() -> int32_t {
        Call call(store);
        if (call.status() != KAIROS_OK) return call.status();
        if (int32_t rc = check_id(id); rc != KAIROS_OK) return rc;
        return call.store()->abort_object(id);
    });
}

int32_t kairos_store_get(kairos_store *store, const uint8_t *id, int64_t timeout_ns, const uint8_t **data_out,
                         uint64_t *size_out) {
    return guarded([&]() -> int32_t {
        Call call(store);
        if (call.status() != KAIROS_OK) return call.status();
        if (int32_t rc = check_id(id); rc != KAIROS_OK) return rc;
        if (data_out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "data_out is null");
        *data_out = nullptr;
        return call.store()->get(id, timeout_ns, data_out, size_out);
    });
}

int32_t kairos_store_release(kairos_store *store, const uint8_t *id) {
    return guarded([&]() -> int32_t {
        Call call(store);
        if (call.status() != KAIROS_OK) return call.status();
        if (int32_t rc = check_id(id); rc != KAIROS_OK) return rc;
        return call.store()->release(id);
    });
}

int32_t kairos_store_delete(kairos_store *store, const uint8_t *id) {
    return guarded([&]() -> int32_t {
        Call call(store);
        if (call.status() != KAIROS_OK) return call.status();
        if (int32_t rc = check_id(id); rc != KAIROS_OK) return rc;
        return call.store()->remove(id);
    });
}

int32_t kairos_store_contains(kairos_store *store, const uint8_t *id, int32_t *out) {
    return guarded([&]() -> int32_t {
        Call call(store);
        if (call.status() != KAIROS_OK) return call.status();
        if (int32_t rc = check_id(id); rc != KAIROS_OK) return rc;
        if (out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out is null");
        return call.store()->contains(id, out);
    });
}

int32_t kairos_store_stats_get(kairos_store *store, kairos_store_stats *out) {
    return guarded([&]() -> int32_t {
        Call call(store);
        if (call.status() != KAIROS_OK) return call.status();
        if (out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out is null");
        return call.store()->stats(out);
    });
}

int32_t kairos_store_set_eviction_callback(kairos_store *store, kairos_eviction_fn fn, void *user) {
    return guarded([&]() -> int32_t {
        Call call(store);
        if (call.status() != KAIROS_OK) return call.status();
        return call.store()->set_eviction_callback(fn, user);
    });
}

int32_t kairos_store_reap_dead_clients(kairos_store *store, uint32_t *reaped_out) {
    return guarded([&]() -> int32_t {
        Call call(store);
        if (call.status() != KAIROS_OK) return call.status();
        return call.store()->reap_dead_clients(reaped_out);
    });
}

int32_t kairos_store_client_id(kairos_store *store, int32_t *out) {
    return guarded([&]() -> int32_t {
        Call call(store);
        if (call.status() != KAIROS_OK) return call.status();
        if (out == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "out is null");
        *out = call.store()->client_id();
        return KAIROS_OK;
    });
}

int32_t kairos_store_prefault(kairos_store *store, uint64_t offset, uint64_t length, uint32_t flags,
                              uint64_t *populated_out) {
    return guarded([&]() -> int32_t {
        if (populated_out != nullptr) *populated_out = 0;
        Call call(store);
        if (call.status() != KAIROS_OK) return call.status();
        return call.store()->prefault(offset, length, flags, populated_out);
    });
}

}  // extern "C"
