#include "store/store_impl.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <new>
#include <unordered_set>
#include <vector>

namespace kairos::store {
namespace {

constexpr uint32_t kMinMaxObjects = 64;
constexpr uint32_t kDefaultMinObjects = 1024;
constexpr uint32_t kMinPinCapacity = 256;

uint64_t next_pow2(uint64_t v) {
    uint64_t p = 1;
    while (p < v) p <<= 1;
    return p;
}

uint64_t hash_id(const uint8_t *id) {
    uint64_t a, b;
    std::memcpy(&a, id, 8);
    std::memcpy(&b, id + 8, 8);
    uint64_t h = a ^ (b * 0x9e3779b97f4a7c15ull) ^ (b >> 29);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

uint64_t hash_pin(uint32_t entry, uint32_t client) {
    uint64_t h = (uint64_t{entry} << 8 | client) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 31);
}

int64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat); 0 if unknown.
uint64_t process_start_time(int32_t pid) {
    char path[64];
    std::snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = std::fopen(path, "re");
    if (f == nullptr) return 0;
    char buf[1024];
    const size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    const char *p = std::strrchr(buf, ')');
    if (p == nullptr) return 0;
    int field = 2;  // ')' closes field 2
    for (++p; *p != '\0' && field < 22; ++p) {
        if (*p == ' ') field++;
    }
    return std::strtoull(p, nullptr, 10);
}

bool process_alive(int32_t pid, uint64_t start_time) {
    if (pid <= 0) return false;
    if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
    const uint64_t now_start = process_start_time(pid);
    return now_start == 0 || start_time == 0 || now_start == start_time;
}

int32_t validate_name(const char *name, std::string *shm_name) {
    if (name == nullptr) return fail(KAIROS_ERR_INVALID_ARGUMENT, "name is null");
    const size_t len = ::strnlen(name, KAIROS_STORE_NAME_MAX + 1);
    if (len == 0 || len > KAIROS_STORE_NAME_MAX) {
        return fail(KAIROS_ERR_INVALID_ARGUMENT, "name length %zu is outside 1..%d", len, KAIROS_STORE_NAME_MAX);
    }
    for (size_t i = 0; i < len; i++) {
        const char c = name[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        if (!ok) return fail(KAIROS_ERR_INVALID_ARGUMENT, "name has '%c' at %zu; allowed: [A-Za-z0-9._-]", c, i);
    }
    if (name[0] == '.') return fail(KAIROS_ERR_INVALID_ARGUMENT, "name must not start with '.'");
    *shm_name = std::string("/kairos-") + name;
    return KAIROS_OK;
}

void futex_wake_all(uint32_t *word) {
    ::syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

void futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns) {
    timespec ts;
    timespec *tsp = nullptr;
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000;
        ts.tv_nsec = timeout_ns % 1000000000;
        tsp = &ts;
    }
    ::syscall(SYS_futex, word, FUTEX_WAIT, expected, tsp, nullptr, 0);
}

template <typename T>
T atomic_load(const T *p) {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// create / attach / close

int32_t Store::create(const char *name, uint64_t capacity, uint32_t max_objects, std::unique_ptr<Store> *out) {
    std::string shm_name;
    if (int32_t rc = validate_name(name, &shm_name); rc != KAIROS_OK) return rc;
    if (capacity < KAIROS_STORE_MIN_CAPACITY || capacity > KAIROS_STORE_MAX_CAPACITY) {
        return fail(KAIROS_ERR_INVALID_ARGUMENT, "capacity %llu is outside %u..%llu bytes",
                    static_cast<unsigned long long>(capacity), KAIROS_STORE_MIN_CAPACITY,
                    static_cast<unsigned long long>(KAIROS_STORE_MAX_CAPACITY));
    }
    if (max_objects != 0 && (max_objects < kMinMaxObjects || max_objects > KAIROS_STORE_MAX_OBJECTS)) {
        return fail(KAIROS_ERR_INVALID_ARGUMENT, "max_objects %u is outside %u..%u (or 0 for the default)",
                    max_objects, kMinMaxObjects, KAIROS_STORE_MAX_OBJECTS);
    }
    capacity = align_up(capacity, kGranule);
    if (max_objects == 0) {
        max_objects = static_cast<uint32_t>(
            std::min<uint64_t>(KAIROS_STORE_MAX_OBJECTS, std::max<uint64_t>(kDefaultMinObjects, capacity / 4096)));
    }
    const uint64_t index_capacity = next_pow2(uint64_t{max_objects} * 2);
    const uint64_t pin_capacity = std::max<uint64_t>(kMinPinCapacity, next_pow2(uint64_t{max_objects} * 4));
    const uint64_t entries_offset = kHeaderSize;
    const uint64_t index_offset = align_up(entries_offset + sizeof(ObjectEntry) * max_objects, 64);
    const uint64_t pins_offset = align_up(index_offset + sizeof(uint32_t) * index_capacity, 64);
    const uint64_t arena_offset = align_up(pins_offset + sizeof(PinRecord) * pin_capacity, 4096);
    const uint64_t segment_size = arena_offset + capacity;

    int fd = -1;
    for (int attempt = 0; attempt < 2 && fd < 0; attempt++) {
        fd = ::shm_open(shm_name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
        if (fd >= 0) break;
        if (errno != EEXIST) return fail(KAIROS_ERR_IO, "shm_open(%s): %s", shm_name.c_str(), std::strerror(errno));
        // A segment of that name exists: replace it only if its owner is gone.
        int old = ::shm_open(shm_name.c_str(), O_RDWR | O_CLOEXEC, 0600);
        if (old < 0) continue;  // vanished meanwhile: retry
        struct stat st {};
        bool stale = true;
        if (::fstat(old, &st) == 0 && static_cast<uint64_t>(st.st_size) >= sizeof(SegmentHeader)) {
            void *p = ::mmap(nullptr, sizeof(SegmentHeader), PROT_READ, MAP_SHARED, old, 0);
            if (p != MAP_FAILED) {
                const auto *h = static_cast<const SegmentHeader *>(p);
                stale = h->magic != kMagic || !process_alive(h->owner_pid, h->owner_start_time) ||
                        atomic_load(&h->owner_closed) != 0;
                ::munmap(p, sizeof(SegmentHeader));
            }
        }
        ::close(old);
        if (!stale) return fail(KAIROS_ERR_EXISTS, "store '%s' exists and its owner process is alive", name);
        ::shm_unlink(shm_name.c_str());
    }
    if (fd < 0) return fail(KAIROS_ERR_IO, "shm_open(%s): %s", shm_name.c_str(), std::strerror(errno));
    ::fchmod(fd, 0600);
    if (::ftruncate(fd, static_cast<off_t>(segment_size)) != 0) {
        const int err = errno;
        ::close(fd);
        ::shm_unlink(shm_name.c_str());
        return fail(KAIROS_ERR_IO, "ftruncate(%s, %llu): %s", shm_name.c_str(),
                    static_cast<unsigned long long>(segment_size), std::strerror(err));
    }
    void *base = ::mmap(nullptr, segment_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        const int err = errno;
        ::close(fd);
        ::shm_unlink(shm_name.c_str());
        return fail(KAIROS_ERR_IO, "mmap(%s, %llu): %s", shm_name.c_str(),
                    static_cast<unsigned long long>(segment_size), std::strerror(err));
    }

    auto *h = static_cast<SegmentHeader *>(base);
    h->layout_version = KAIROS_STORE_LAYOUT_VERSION;
    h->header_size = static_cast<uint32_t>(kHeaderSize);
    h->segment_size = segment_size;
    h->entries_offset = entries_offset;
    h->index_offset = index_offset;
    h->pins_offset = pins_offset;
    h->arena_offset = arena_offset;
    h->arena_size = capacity;
    h->max_objects = max_objects;
    h->index_capacity = static_cast<uint32_t>(index_capacity);
    h->pin_capacity = static_cast<uint32_t>(pin_capacity);
    h->owner_pid = static_cast<int32_t>(::getpid());
    h->owner_start_time = process_start_time(h->owner_pid);

    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    const int mrc = pthread_mutex_init(&h->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (mrc != 0) {
        ::munmap(base, segment_size);
        ::close(fd);
        ::shm_unlink(shm_name.c_str());
        return fail(KAIROS_ERR_IO, "pthread_mutex_init: %s", std::strerror(mrc));
    }
    Tlsf::format(static_cast<uint8_t *>(base), &h->tlsf, arena_offset, capacity);
    ClientSlot &owner = h->clients[0];
    owner.pid = h->owner_pid;
    owner.start_time = h->owner_start_time;
    owner.in_use = 1;
    owner.attach_count = 1;
    h->clients_attached = 1;
    __atomic_store_n(&h->magic, kMagic, __ATOMIC_RELEASE);
    __atomic_store_n(&h->ready, 1u, __ATOMIC_RELEASE);

    std::unique_ptr<Store> s(new (std::nothrow) Store());
    if (!s) {
        ::munmap(base, segment_size);
        ::close(fd);
        ::shm_unlink(shm_name.c_str());
        return fail(KAIROS_ERR_NO_MEMORY, "out of memory for the store handle");
    }
    s->name_ = name;
    s->fd_ = fd;
    s->base_ = static_cast<uint8_t *>(base);
    s->mapped_size_ = segment_size;
    s->hdr_ = h;
    s->client_ = 0;
    s->owner_ = true;
    s->closed_ = false;
    *out = std::move(s);
    return KAIROS_OK;
}

int32_t Store::attach(const char *name, std::unique_ptr<Store> *out) {
    std::string shm_name;
    if (int32_t rc = validate_name(name, &shm_name); rc != KAIROS_OK) return rc;
    const int fd = ::shm_open(shm_name.c_str(), O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == ENOENT) return fail(KAIROS_ERR_NOT_FOUND, "no store named '%s'", name);
        return fail(KAIROS_ERR_IO, "shm_open(%s): %s", shm_name.c_str(), std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) < kHeaderSize) {
        ::close(fd);
        return fail(KAIROS_ERR_INCOMPATIBLE, "segment '%s' is smaller than a store header", shm_name.c_str());
    }
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    void *base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        const int err = errno;
        ::close(fd);
        return fail(KAIROS_ERR_IO, "mmap(%s): %s", shm_name.c_str(), std::strerror(err));
    }
    auto *h = static_cast<SegmentHeader *>(base);
    auto reject = [&](int32_t status, const char *what) {
        ::munmap(base, size);
        ::close(fd);
        return fail(status, "segment '%s': %s", shm_name.c_str(), what);
    };
    if (atomic_load(&h->magic) != kMagic || atomic_load(&h->ready) != 1) {
        return reject(KAIROS_ERR_INCOMPATIBLE, "not a formatted Kairos store (bad magic)");
    }
    if (h->layout_version != KAIROS_STORE_LAYOUT_VERSION) {
        return reject(KAIROS_ERR_INCOMPATIBLE, "layout version differs from this library's");
    }
    if (h->segment_size != size) return reject(KAIROS_ERR_INCOMPATIBLE, "size differs from its header");

    std::unique_ptr<Store> s(new (std::nothrow) Store());
    if (!s) return reject(KAIROS_ERR_NO_MEMORY, "out of memory for the store handle");
    s->name_ = name;
    s->fd_ = fd;
    s->base_ = static_cast<uint8_t *>(base);
    s->mapped_size_ = size;
    s->hdr_ = h;
    if (int32_t rc = s->lock(); rc != KAIROS_OK) {
        s->fd_ = -1;
        ::munmap(base, size);
        ::close(fd);
        return rc;
    }
    int32_t slot = -1;
    for (int pass = 0; pass < 2 && slot < 0; pass++) {
        for (uint32_t i = 1; i < kMaxClients; i++) {
            if (h->clients[i].in_use == 0) {
                slot = static_cast<int32_t>(i);
                break;
            }
        }
        if (slot < 0 && pass == 0) s->reap_dead_locked();
    }
    if (slot < 0) {
        s->unlock();
        ::munmap(base, size);
        ::close(fd);
        return fail(KAIROS_ERR_TOO_MANY_CLIENTS, "store '%s' already has %u attached clients (the limit)", name,
                    kMaxClients);
    }
    ClientSlot &c = h->clients[slot];
    c.pid = static_cast<int32_t>(::getpid());
    c.start_time = process_start_time(c.pid);
    c.attach_count++;
    c.in_use = 1;
    h->clients_attached++;
    s->unlock();
    s->client_ = static_cast<uint32_t>(slot);
    s->closed_ = false;
    *out = std::move(s);
    return KAIROS_OK;
}

Store::~Store() { close(); }

int32_t Store::close() {
    if (closed_) return KAIROS_OK;
    closed_ = true;
    if (lock() == KAIROS_OK) {
        release_client_locked(client_);
        std::memset(&hdr_->clients[client_], 0, sizeof(ClientSlot));
        if (hdr_->clients_attached > 0) hdr_->clients_attached--;
        if (owner_) __atomic_store_n(&hdr_->owner_closed, 1u, __ATOMIC_RELEASE);
        unlock();
    }
    notify_seal_waiters();
    ::munmap(base_, mapped_size_);
    ::close(fd_);
    if (owner_) {
        std::string shm_name;
        if (validate_name(name_.c_str(), &shm_name) == KAIROS_OK) ::shm_unlink(shm_name.c_str());
    }
    base_ = nullptr;
    hdr_ = nullptr;
    fd_ = -1;
    return KAIROS_OK;
}

// ---------------------------------------------------------------------------------------------------------------
// locking and recovery

int32_t Store::lock() {
    const int rc = pthread_mutex_lock(&hdr_->lock);
    if (rc == 0) return KAIROS_OK;
    if (rc == EOWNERDEAD) {
        recover();
        pthread_mutex_consistent(&hdr_->lock);
        return KAIROS_OK;
    }
    if (rc == ENOTRECOVERABLE) {
        return fail(KAIROS_ERR_CORRUPT, "store '%s': its lock is not recoverable", name_.c_str());
    }
    return fail(KAIROS_ERR_CORRUPT, "store '%s': pthread_mutex_lock: %s", name_.c_str(), std::strerror(rc));
}

void Store::unlock() { pthread_mutex_unlock(&hdr_->lock); }

int32_t Store::lock_for_test() { return lock(); }
void Store::unlock_for_test() { unlock(); }

void Store::recover() {
    SegmentHeader *h = hdr_;
    h->recoveries++;
    ObjectEntry *es = entries();
    const uint32_t high = std::min(h->entries_high_water, h->max_objects);
    h->entries_high_water = high;
    const uint64_t arena_begin = h->arena_offset;
    const uint64_t arena_end = h->arena_offset + h->arena_size;

    // 1. Keep the entries whose fields are sane and whose blocks do not overlap; drop the rest.
    std::vector<uint32_t> live;
    for (uint32_t i = 0; i < high; i++) {
        ObjectEntry &e = es[i];
        if (e.state != kEntryCreating && e.state != kEntrySealed) {
            e.state = kEntryFree;
            continue;
        }
        const uint64_t block = e.payload_offset - kGranule;
        const bool sane = e.payload_offset >= arena_begin + kGranule && e.payload_offset % kGranule == 0 &&
                          e.block_size >= kGranule && e.block_size % kGranule == 0 &&
                          e.block_size <= arena_end - block && e.size <= e.block_size - kGranule &&
                          e.creator >= 0 && e.creator < static_cast<int32_t>(kMaxClients);
        if (!sane) {
            e.state = kEntryFree;
            continue;
        }
        live.push_back(i);
    }
    std::sort(live.begin(), live.end(),
              [es](uint32_t a, uint32_t b) { return es[a].payload_offset < es[b].payload_offset; });
    std::vector<uint32_t> kept;
    uint64_t cursor = arena_begin;
    for (uint32_t i : live) {
        if (es[i].payload_offset - kGranule < cursor) {
            es[i].state = kEntryFree;
            continue;
        }
        cursor = es[i].payload_offset - kGranule + es[i].block_size;
        kept.push_back(i);
    }

    // 2. Rebuild the index (dropping duplicate ids).
    std::memset(index(), 0, sizeof(uint32_t) * h->index_capacity);
    std::vector<uint32_t> indexed;
    for (uint32_t i : kept) {
        if (find(es[i].id) != 0) {
            es[i].state = kEntryFree;
            continue;
        }
        index_insert(i + 1);
        indexed.push_back(i);
    }

    // 3. Pin records: keep those of live sealed entries and attached clients, merge duplicates (a half-done
    //    shift copies a record before clearing it: take the larger count, never the sum), recount pins.
    PinRecord *ps = pins();
    std::vector<PinRecord> records;
    for (uint32_t i = 0; i < h->pin_capacity; i++) {
        const PinRecord r = ps[i];
        if (r.entry == 0 || r.count == 0 || r.entry > high || r.client >= kMaxClients) continue;
        if (es[r.entry - 1].state != kEntrySealed || h->clients[r.client].in_use == 0) continue;
        records.push_back(r);
    }
    std::sort(records.begin(), records.end(), [](const PinRecord &a, const PinRecord &b) {
        return a.entry != b.entry ? a.entry < b.entry : a.client != b.client ? a.client < b.client : a.count > b.count;
    });
    records.erase(std::unique(records.begin(), records.end(),
                              [](const PinRecord &a, const PinRecord &b) {
                                  return a.entry == b.entry && a.client == b.client;  // keeps the larger count
                              }),
                  records.end());
    std::memset(ps, 0, sizeof(PinRecord) * h->pin_capacity);
    h->pins_used = 0;
    for (uint32_t i : indexed) es[i].pins = 0;
    for (const PinRecord &r : records) {
        const uint64_t mask = h->pin_capacity - 1;
        for (uint64_t j = hash_pin(r.entry, r.client) & mask;; j = (j + 1) & mask) {
            if (ps[j].entry == 0) {
                ps[j] = r;
                break;
            }
        }
        h->pins_used++;
        es[r.entry - 1].pins += r.count;
    }

    // 4. Counters, then the LRU list: keep the old order where it is intact, append the rest.
    std::vector<char> is_live(high, 0);
    h->objects = h->sealed_objects = h->pinned_objects = 0;
    for (uint32_t i : indexed) {
        is_live[i] = 1;
        h->objects++;
        if (es[i].state == kEntrySealed) h->sealed_objects++;
        if (es[i].pins > 0) h->pinned_objects++;
    }
    auto evictable = [&](uint32_t i) {
        return is_live[i] && es[i].state == kEntrySealed && es[i].pins == 0 && (es[i].flags & kEntryDeletePending) == 0;
    };
    std::vector<uint32_t> order;
    std::vector<char> seen(high, 0);
    for (uint32_t e = h->lru_head, steps = 0; e != 0 && e <= high && steps < high; steps++) {
        const uint32_t i = e - 1;
        if (seen[i]) break;
        seen[i] = 1;
        if (evictable(i)) order.push_back(i);
        e = es[i].lru_next;
    }
    for (uint32_t i : indexed) {
        if (!seen[i] && evictable(i)) order.push_back(i);
    }
    h->lru_head = h->lru_tail = 0;
    for (uint32_t i : order) lru_push_tail(i + 1);

    // 5. The allocator, from the live blocks; then the free entry list.
    std::vector<LiveBlock> blocks;
    blocks.reserve(indexed.size());
    for (uint32_t i : indexed) {
        blocks.push_back({es[i].payload_offset - kGranule, es[i].block_size, es[i].size});
    }
    Tlsf(base_, &h->tlsf).rebuild(std::move(blocks));
    h->free_entry_head = 0;
    for (uint32_t i = high; i-- > 0;) {
        if (!is_live[i]) {
            es[i].state = kEntryFree;
            es[i].lru_next = h->free_entry_head;
            h->free_entry_head = i + 1;
        }
    }

    // 6. Deletes that were waiting only for pins that are gone now, then the dead clients themselves.
    for (uint32_t i : indexed) {
        if ((es[i].flags & kEntryDeletePending) != 0 && es[i].pins == 0) destroy_entry(i + 1);
    }
    uint32_t attached = 0;
    for (uint32_t c = 0; c < kMaxClients; c++) attached += h->clients[c].in_use != 0;
    h->clients_attached = attached;
    reap_dead_locked();
}

uint32_t Store::reap_dead_locked() {
    uint32_t reaped = 0;
    for (uint32_t c = 0; c < kMaxClients; c++) {
        ClientSlot &slot = hdr_->clients[c];
        if (slot.in_use == 0 || c == client_) continue;
        if (process_alive(slot.pid, slot.start_time)) continue;
        release_client_locked(c);
        std::memset(&slot, 0, sizeof(ClientSlot));
        if (hdr_->clients_attached > 0) hdr_->clients_attached--;
        hdr_->dead_clients_reaped++;
        reaped++;
    }
    return reaped;
}

void Store::release_client_locked(uint32_t client) {
    PinRecord *ps = pins();
    std::vector<std::pair<uint32_t, uint32_t>> held;  // (entry + 1, count)
    for (uint32_t i = 0; i < hdr_->pin_capacity; i++) {
        if (ps[i].entry != 0 && ps[i].client == client) held.emplace_back(ps[i].entry, ps[i].count);
    }
    for (const auto &[e, count] : held) {
        for (uint32_t k = 0; k < count; k++) unpin(e, client);
    }
    ObjectEntry *es = entries();
    for (uint32_t i = 0; i < hdr_->entries_high_water; i++) {
        if (es[i].state == kEntryCreating && es[i].creator == static_cast<int32_t>(client)) destroy_entry(i + 1);
    }
}

int32_t Store::reap_dead_clients(uint32_t *reaped_out) {
    if (int32_t rc = lock(); rc != KAIROS_OK) return rc;
    const uint32_t reaped = reap_dead_locked();
    unlock();
    if (reaped_out != nullptr) *reaped_out = reaped;
    return KAIROS_OK;
}

// ---------------------------------------------------------------------------------------------------------------
// the table: index, entries, LRU, pins

uint32_t Store::find(const uint8_t *id) const {
    const uint32_t *ix = index();
    const ObjectEntry *es = entries();
    const uint64_t mask = hdr_->index_capacity - 1;
    for (uint64_t i = hash_id(id) & mask;; i = (i + 1) & mask) {
        const uint32_t v = ix[i];
        if (v == 0) return 0;
        if (std::memcmp(es[v - 1].id, id, KAIROS_OBJECT_ID_SIZE) == 0) return v;
    }
}

int32_t Store::index_insert(uint32_t e) {
    uint32_t *ix = index();
    const uint64_t mask = hdr_->index_capacity - 1;
    for (uint64_t i = hash_id(entries()[e - 1].id) & mask;; i = (i + 1) & mask) {
        if (ix[i] == 0) {
            ix[i] = e;
            return KAIROS_OK;
        }
    }
}

void Store::index_erase(const uint8_t *id) {
    uint32_t *ix = index();
    const ObjectEntry *es = entries();
    const uint64_t mask = hdr_->index_capacity - 1;
    uint64_t i = hash_id(id) & mask;
    while (ix[i] != 0 && std::memcmp(es[ix[i] - 1].id, id, KAIROS_OBJECT_ID_SIZE) != 0) i = (i + 1) & mask;
    if (ix[i] == 0) return;
    // Backward-shift deletion keeps every probe sequence unbroken without tombstones.
    for (uint64_t j = (i + 1) & mask; ix[j] != 0; j = (j + 1) & mask) {
        const uint64_t home = hash_id(es[ix[j] - 1].id) & mask;
        const bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            ix[i] = ix[j];
            i = j;
        }
    }
    ix[i] = 0;
}

uint32_t Store::alloc_entry() {
    SegmentHeader *h = hdr_;
    if (h->free_entry_head != 0) {
        const uint32_t e = h->free_entry_head;
        h->free_entry_head = entries()[e - 1].lru_next;
        return e;
    }
    if (h->entries_high_water < h->max_objects) return ++h->entries_high_water;
    return 0;
}

void Store::free_entry(uint32_t e) {
    ObjectEntry &entry = entries()[e - 1];
    std::memset(&entry, 0, sizeof(ObjectEntry));
    entry.lru_next = hdr_->free_entry_head;
    hdr_->free_entry_head = e;
}

void Store::lru_push_tail(uint32_t e) {
    ObjectEntry *es = entries();
    es[e - 1].lru_prev = hdr_->lru_tail;
    es[e - 1].lru_next = 0;
    if (hdr_->lru_tail != 0) {
        es[hdr_->lru_tail - 1].lru_next = e;
    } else {
        hdr_->lru_head = e;
    }
    hdr_->lru_tail = e;
}

void Store::lru_remove(uint32_t e) {
    ObjectEntry *es = entries();
    ObjectEntry &entry = es[e - 1];
    if (entry.lru_prev != 0) {
        es[entry.lru_prev - 1].lru_next = entry.lru_next;
    } else {
        hdr_->lru_head = entry.lru_next;
    }
    if (entry.lru_next != 0) {
        es[entry.lru_next - 1].lru_prev = entry.lru_prev;
    } else {
        hdr_->lru_tail = entry.lru_prev;
    }
    entry.lru_prev = entry.lru_next = 0;
}

uint32_t *Store::pin_find(uint32_t e, uint32_t client) {
    PinRecord *ps = pins();
    const uint64_t mask = hdr_->pin_capacity - 1;
    for (uint64_t i = hash_pin(e, client) & mask;; i = (i + 1) & mask) {
        if (ps[i].entry == 0) return nullptr;
        if (ps[i].entry == e && ps[i].client == client) return &ps[i].count;
    }
}

int32_t Store::pin(uint32_t e, uint32_t client) {
    if (uint32_t *count = pin_find(e, client); count != nullptr) {
        if (*count == UINT32_MAX) return fail(KAIROS_ERR_WRONG_STATE, "pin count of this client is at its limit");
        (*count)++;
    } else {
        if (uint64_t{hdr_->pins_used} + 1 > uint64_t{hdr_->pin_capacity} * 3 / 4) {
            return fail(KAIROS_ERR_STORE_FULL, "pin table full: %u (object, client) pairs pinned, limit %u",
                        hdr_->pins_used, hdr_->pin_capacity * 3 / 4);
        }
        PinRecord *ps = pins();
        const uint64_t mask = hdr_->pin_capacity - 1;
        uint64_t i = hash_pin(e, client) & mask;
        while (ps[i].entry != 0) i = (i + 1) & mask;
        ps[i].client = client;
        ps[i].count = 1;
        ps[i].entry = e;
        hdr_->pins_used++;
    }
    ObjectEntry &entry = entries()[e - 1];
    if (entry.pins++ == 0) {
        if ((entry.flags & kEntryDeletePending) == 0) lru_remove(e);
        hdr_->pinned_objects++;
    }
    return KAIROS_OK;
}

int32_t Store::unpin(uint32_t e, uint32_t client) {
    PinRecord *ps = pins();
    const uint64_t mask = hdr_->pin_capacity - 1;
    uint64_t i = hash_pin(e, client) & mask;
    while (ps[i].entry != 0 && !(ps[i].entry == e && ps[i].client == client)) i = (i + 1) & mask;
    if (ps[i].entry == 0) return fail(KAIROS_ERR_WRONG_STATE, "object is not pinned by this client");
    if (--ps[i].count == 0) {
        for (uint64_t j = (i + 1) & mask; ps[j].entry != 0; j = (j + 1) & mask) {
            const uint64_t home = hash_pin(ps[j].entry, ps[j].client) & mask;
            const bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                ps[i] = ps[j];
                i = j;
            }
        }
        std::memset(&ps[i], 0, sizeof(PinRecord));
        hdr_->pins_used--;
    }
    ObjectEntry &entry = entries()[e - 1];
    if (--entry.pins == 0) {
        hdr_->pinned_objects--;
        if ((entry.flags & kEntryDeletePending) != 0) {
            destroy_entry(e);
        } else {
            lru_push_tail(e);
        }
    }
    return KAIROS_OK;
}

void Store::destroy_entry(uint32_t e) {
    ObjectEntry &entry = entries()[e - 1];
    index_erase(entry.id);
    Tlsf(base_, &hdr_->tlsf).free(entry.payload_offset);
    hdr_->objects--;
    if (entry.state == kEntrySealed) hdr_->sealed_objects--;
    free_entry(e);
}

bool Store::evict_one() {
    const uint32_t e = hdr_->lru_head;
    if (e == 0) return false;
    lru_remove(e);
    ObjectEntry &entry = entries()[e - 1];
    if (evict_fn_ != nullptr) evict_fn_(evict_user_, entry.id, base_ + entry.payload_offset, entry.size);
    hdr_->evictions++;
    hdr_->evicted_bytes += entry.size;
    destroy_entry(e);
    return true;
}

int32_t Store::allocate_for(uint64_t size, uint64_t *payload_offset, uint64_t *block_size) {
    Tlsf tlsf(base_, &hdr_->tlsf);
    bool reaped = false;
    for (;;) {
        const uint64_t offset = tlsf.allocate(size);
        if (offset != 0) {
            *payload_offset = offset;
            *block_size = tlsf.header_of_payload(offset)->size;
            return KAIROS_OK;
        }
        if (evict_one()) continue;
        if (!reaped) {
            reaped = true;
            if (reap_dead_locked() > 0) continue;
        }
        hdr_->allocation_failures++;
        return fail(KAIROS_ERR_STORE_FULL,
                    "store full: %llu bytes requested, %llu of %llu bytes in use, %llu objects pinned or unsealed",
                    static_cast<unsigned long long>(size), static_cast<unsigned long long>(tlsf.used_bytes()),
                    static_cast<unsigned long long>(tlsf.arena_size()),
                    static_cast<unsigned long long>(hdr_->objects - hdr_->sealed_objects + hdr_->pinned_objects));
    }
}

void Store::notify_seal_waiters() {
    if (hdr_ == nullptr) return;
    __atomic_fetch_add(&hdr_->seal_futex, 1u, __ATOMIC_RELEASE);
    if (atomic_load(&hdr_->seal_waiters) != 0) futex_wake_all(&hdr_->seal_futex);
}

// ---------------------------------------------------------------------------------------------------------------
// object operations

namespace {
// Holds the segment lock for a scope; status() says whether it was taken.
class Locked {
public:
    explicit Locked(Store *store, int32_t (Store::*lock)(), void (Store::*unlock)())
        : store_(store), unlock_(unlock), status_((store->*lock)()) {}
    ~Locked() { release(); }
    Locked(const Locked &) = delete;
    Locked &operator=(const Locked &) = delete;
    int32_t status() const { return status_; }
    void release() {
        if (status_ == KAIROS_OK && store_ != nullptr) (store_->*unlock_)();
        store_ = nullptr;
    }

private:
    Store *store_;
    void (Store::*unlock_)();
    int32_t status_;
};

int32_t not_found() { return fail(KAIROS_ERR_NOT_FOUND, "no object with this id"); }
}  // namespace

#define KAIROS_LOCKED(guard)                                          \
    Locked guard(this, &Store::lock, &Store::unlock);                 \
    if ((guard).status() != KAIROS_OK) return (guard).status()

int32_t Store::create_object(const uint8_t *id, uint64_t size, uint8_t **data_out) {
    if (size > hdr_->arena_size - kGranule) {
        return fail(KAIROS_ERR_INVALID_ARGUMENT, "size %llu exceeds the store's largest object, %llu bytes",
                    static_cast<unsigned long long>(size),
                    static_cast<unsigned long long>(hdr_->arena_size - kGranule));
    }
    KAIROS_LOCKED(locked);
    if (find(id) != 0) return fail(KAIROS_ERR_EXISTS, "an object with this id exists");
    uint32_t e = alloc_entry();
    while (e == 0 && evict_one()) e = alloc_entry();
    if (e == 0 && reap_dead_locked() > 0) e = alloc_entry();
    if (e == 0) {
        hdr_->allocation_failures++;
        return fail(KAIROS_ERR_STORE_FULL, "object table full: %u objects (max_objects), none evictable",
                    hdr_->max_objects);
    }
    uint64_t payload_offset = 0, block_size = 0;
    if (int32_t rc = allocate_for(size, &payload_offset, &block_size); rc != KAIROS_OK) {
        free_entry(e);
        return rc;
    }
    ObjectEntry &entry = entries()[e - 1];
    std::memcpy(entry.id, id, KAIROS_OBJECT_ID_SIZE);
    entry.pins = 0;
    entry.payload_offset = payload_offset;
    entry.size = size;
    entry.block_size = block_size;
    entry.lru_prev = entry.lru_next = 0;
    entry.creator = static_cast<int32_t>(client_);
    entry.flags = 0;
    __atomic_store_n(&entry.state, static_cast<uint32_t>(kEntryCreating), __ATOMIC_RELEASE);  // valid from here
    index_insert(e);
    hdr_->objects++;
    *data_out = base_ + payload_offset;
    return KAIROS_OK;
}

int32_t Store::seal(const uint8_t *id) {
    {
        KAIROS_LOCKED(locked);
        const uint32_t e = find(id);
        if (e == 0) return not_found();
        ObjectEntry &entry = entries()[e - 1];
        if (entry.state != kEntryCreating) return fail(KAIROS_ERR_WRONG_STATE, "object is sealed already");
        if (entry.creator != static_cast<int32_t>(client_)) {
            return fail(KAIROS_ERR_WRONG_STATE, "object was created by client %d; only its creator seals it",
                        entry.creator);
        }
        entry.state = kEntrySealed;
        hdr_->sealed_objects++;
        lru_push_tail(e);
    }
    notify_seal_waiters();
    return KAIROS_OK;
}

int32_t Store::abort_object(const uint8_t *id) {
    KAIROS_LOCKED(locked);
    const uint32_t e = find(id);
    if (e == 0) return not_found();
    const ObjectEntry &entry = entries()[e - 1];
    if (entry.state != kEntryCreating || entry.creator != static_cast<int32_t>(client_)) {
        return fail(KAIROS_ERR_WRONG_STATE, "only an unsealed object, by its creator, can be aborted");
    }
    destroy_entry(e);
    return KAIROS_OK;
}

int32_t Store::get(const uint8_t *id, int64_t timeout_ns, const uint8_t **data_out, uint64_t *size_out) {
    const int64_t start = now_ns();
    if (timeout_ns > INT64_MAX - start) timeout_ns = -1;  // a deadline past the clock's range: wait forever
    const int64_t deadline = timeout_ns > 0 ? start + timeout_ns : 0;
    for (;;) {
        uint32_t seen;
        {
            KAIROS_LOCKED(locked);
            const uint32_t e = find(id);
            const ObjectEntry *entry = e != 0 ? &entries()[e - 1] : nullptr;
            const bool deleted = entry != nullptr && (entry->flags & kEntryDeletePending) != 0;
            if (entry != nullptr && !deleted && entry->state == kEntrySealed) {
                const int32_t rc = pin(e, client_);
                if (rc == KAIROS_OK) {
                    *data_out = base_ + entry->payload_offset;
                    if (size_out != nullptr) *size_out = entry->size;
                }
                return rc;
            }
            if (timeout_ns == 0) {
                if (entry == nullptr || deleted) return not_found();
                return fail(KAIROS_ERR_TIMEOUT, "object is not sealed yet (timeout 0)");
            }
            seen = atomic_load(&hdr_->seal_futex);  // read under the lock: a later seal changes it
            __atomic_fetch_add(&hdr_->seal_waiters, 1u, __ATOMIC_ACQ_REL);
        }
        int64_t remaining = -1;
        if (timeout_ns > 0) {
            remaining = deadline - now_ns();
            if (remaining <= 0) {
                __atomic_fetch_sub(&hdr_->seal_waiters, 1u, __ATOMIC_ACQ_REL);
                return fail(KAIROS_ERR_TIMEOUT, "object not sealed within %lld ns",
                            static_cast<long long>(timeout_ns));
            }
        }
        // Bounded slices so that a closing handle (cancel_) is noticed even without a wake.
        const int64_t slice = 100000000;  // 100 ms
        futex_wait(&hdr_->seal_futex, seen, remaining < 0 ? slice : std::min(remaining, slice));
        __atomic_fetch_sub(&hdr_->seal_waiters, 1u, __ATOMIC_ACQ_REL);
        if (cancel_ != nullptr && cancel_->load(std::memory_order_acquire)) {
            return fail(KAIROS_ERR_CLOSED, "store was closed while waiting");
        }
    }
}

int32_t Store::release(const uint8_t *id) {
    KAIROS_LOCKED(locked);
    const uint32_t e = find(id);
    return e == 0 ? not_found() : unpin(e, client_);
}

int32_t Store::remove(const uint8_t *id) {
    KAIROS_LOCKED(locked);
    const uint32_t e = find(id);
    ObjectEntry *entry = e != 0 ? &entries()[e - 1] : nullptr;
    if (entry == nullptr || (entry->flags & kEntryDeletePending) != 0) return not_found();
    if (entry->state != kEntrySealed) {
        return fail(KAIROS_ERR_WRONG_STATE, "object is not sealed; its creator aborts it instead");
    }
    if (entry->pins > 0) {
        entry->flags |= kEntryDeletePending;  // freed at the last release
    } else {
        lru_remove(e);
        destroy_entry(e);
    }
    return KAIROS_OK;
}

int32_t Store::contains(const uint8_t *id, int32_t *out) {
    KAIROS_LOCKED(locked);
    const uint32_t e = find(id);
    *out = e != 0 && entries()[e - 1].state == kEntrySealed && (entries()[e - 1].flags & kEntryDeletePending) == 0;
    return KAIROS_OK;
}

int32_t Store::stats(kairos_store_stats *out) {
    KAIROS_LOCKED(locked);
    const SegmentHeader *h = hdr_;
    out->capacity = h->arena_size;
    out->bytes_used = h->tlsf.used_bytes;
    out->objects = h->objects;
    out->sealed_objects = h->sealed_objects;
    out->pinned_objects = h->pinned_objects;
    out->evictions = h->evictions;
    out->evicted_bytes = h->evicted_bytes;
    out->allocation_failures = h->allocation_failures;
    out->max_objects = h->max_objects;
    out->clients = h->clients_attached;
    out->recoveries = h->recoveries;
    out->dead_clients_reaped = h->dead_clients_reaped;
    return KAIROS_OK;
}

std::string Store::check_consistency() {
    if (lock() != KAIROS_OK) return "lock failed";
    std::string error;
    const TlsfCheck tc = Tlsf(base_, &hdr_->tlsf).check();
    if (!tc.ok) error = "allocator: " + tc.error;
    const ObjectEntry *es = entries();
    uint64_t objects = 0, sealed = 0, pinned = 0, pin_sum_entries = 0;
    for (uint32_t i = 0; i < hdr_->entries_high_water && error.empty(); i++) {
        const ObjectEntry &e = es[i];
        if (e.state == kEntryFree) continue;
        objects++;
        sealed += e.state == kEntrySealed;
        pinned += e.pins > 0;
        pin_sum_entries += e.pins;
        if (find(e.id) != i + 1) error = "entry " + std::to_string(i) + " not reachable through the index";
        const BlockHeader *b = Tlsf(base_, &hdr_->tlsf).header_of_payload(e.payload_offset);
        if (b->is_free || b->size != e.block_size) error = "entry " + std::to_string(i) + " block mismatch";
    }
    uint64_t pin_sum_records = 0;
    for (uint32_t i = 0; i < hdr_->pin_capacity; i++) pin_sum_records += pins()[i].entry != 0 ? pins()[i].count : 0;
    if (error.empty() && objects != hdr_->objects) error = "objects counter mismatch";
    if (error.empty() && sealed != hdr_->sealed_objects) error = "sealed counter mismatch";
    if (error.empty() && pinned != hdr_->pinned_objects) error = "pinned counter mismatch";
    if (error.empty() && pin_sum_entries != pin_sum_records) error = "pin records disagree with entry pins";
    if (error.empty() && tc.used_blocks != objects) error = "allocated blocks disagree with objects";
    uint64_t lru_len = 0;
    for (uint32_t e = hdr_->lru_head; e != 0 && error.empty(); e = es[e - 1].lru_next) {
        const ObjectEntry &x = es[e - 1];
        if (x.state != kEntrySealed || x.pins != 0) error = "non-evictable object on the LRU list";
        if (++lru_len > objects) error = "LRU list cycles";
    }
    unlock();
    return error;
}

}  // namespace kairos::store
