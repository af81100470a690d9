#include "store/store_impl.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/file.h>
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


// Takes (or tries) an flock, retrying on EINTR; 0 or errno.
int flock_fd(int fd, int operation) {
    for (;;) {
        if (::flock(fd, operation) == 0) return 0;
        if (errno != EINTR) return errno;
    }
}

// Whether the name /dev/shm/<shm_name> refers now to the file open as fd (the same inode).
bool name_refers_to(const std::string &shm_name, int fd) {
    struct stat mine {};
    struct stat named {};
    if (::fstat(fd, &mine) != 0) return false;
    const int probe = ::shm_open(shm_name.c_str(), O_RDONLY | O_CLOEXEC, 0);
    if (probe < 0) return false;
    const bool same = ::fstat(probe, &named) == 0 && named.st_dev == mine.st_dev && named.st_ino == mine.st_ino;
    ::close(probe);  // another open file description: closing it leaves any flock held through fd in place
    return same;
}

bool is_pow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

// The end of the region [offset, offset + count * unit), false if it wraps.
bool region_end(uint64_t offset, uint64_t count, uint64_t unit, uint64_t *end) {
    uint64_t bytes = 0;
    return !__builtin_mul_overflow(count, unit, &bytes) && !__builtin_add_overflow(offset, bytes, end);
}

// Checks every layout field that the store trusts: sizes, capacities and the order of the regions, so that every
// table and the arena lie inside the mapping of `size` bytes. Returns false with a message in why.
bool check_geometry(const SegmentHeader *h, uint64_t size, char *why, size_t why_size) {
    auto bad = [&](const char *format, auto... args) {
        std::snprintf(why, why_size, format, args...);
        return false;
    };
    using ull = unsigned long long;
    if (h->header_size != kHeaderSize) {
        return bad("header_size %u differs from this library's %llu", h->header_size, ull{kHeaderSize});
    }
    if (h->segment_size != size) {
        return bad("segment_size %llu differs from the segment's size %llu", ull{h->segment_size}, ull{size});
    }
    const uint64_t max_objects = h->max_objects;
    if (max_objects < kMinMaxObjects || max_objects > KAIROS_STORE_MAX_OBJECTS) {
        return bad("max_objects %llu is outside %u..%u", ull{max_objects}, kMinMaxObjects, KAIROS_STORE_MAX_OBJECTS);
    }
    if (!is_pow2(h->index_capacity) || h->index_capacity < 2 * max_objects) {
        return bad("index_capacity %u is not a power of two >= 2 x max_objects (%llu)", h->index_capacity,
                   ull{2 * max_objects});
    }
    const uint64_t min_pins = std::max<uint64_t>(kMinPinCapacity, 4 * max_objects);
    if (!is_pow2(h->pin_capacity) || h->pin_capacity < min_pins) {
        return bad("pin_capacity %u is not a power of two >= max(%u, 4 x max_objects) = %llu", h->pin_capacity,
                   kMinPinCapacity, ull{min_pins});
    }
    if (h->arena_size < KAIROS_STORE_MIN_CAPACITY || h->arena_size > KAIROS_STORE_MAX_CAPACITY ||
        h->arena_size % kGranule != 0) {
        return bad("arena_size %llu is not a multiple of %llu in %u..%llu", ull{h->arena_size}, ull{kGranule},
                   KAIROS_STORE_MIN_CAPACITY, ull{KAIROS_STORE_MAX_CAPACITY});
    }
    const uint64_t offsets[] = {h->entries_offset, h->index_offset, h->pins_offset, h->arena_offset};
    for (uint64_t offset : offsets) {
        if (offset % 64 != 0) return bad("a table offset (%llu) is not 64-byte aligned", ull{offset});
    }
    uint64_t entries_end = 0, index_end = 0, pins_end = 0, arena_end = 0;
    if (h->entries_offset < h->header_size) {
        return bad("entries_offset %llu lies inside the header (%u bytes)", ull{h->entries_offset}, h->header_size);
    }
    if (!region_end(h->entries_offset, max_objects, sizeof(ObjectEntry), &entries_end) ||
        h->index_offset < entries_end) {
        return bad("index_offset %llu lies before the end of the entries (%llu)", ull{h->index_offset},
                   ull{entries_end});
    }
    if (!region_end(h->index_offset, h->index_capacity, sizeof(uint32_t), &index_end) || h->pins_offset < index_end) {
        return bad("pins_offset %llu lies before the end of the index (%llu)", ull{h->pins_offset}, ull{index_end});
    }
    if (!region_end(h->pins_offset, h->pin_capacity, sizeof(PinRecord), &pins_end) || h->arena_offset < pins_end) {
        return bad("arena_offset %llu lies before the end of the pin table (%llu)", ull{h->arena_offset},
                   ull{pins_end});
    }
    if (!region_end(h->arena_offset, h->arena_size, 1, &arena_end) || arena_end != h->segment_size) {
        return bad("arena_offset %llu + arena_size %llu differs from segment_size %llu", ull{h->arena_offset},
                   ull{h->arena_size}, ull{h->segment_size});
    }
    if (h->tlsf.arena_offset != h->arena_offset || h->tlsf.arena_size != h->arena_size) {
        return bad("the allocator's arena (%llu, %llu bytes) differs from the header's (%llu, %llu bytes)",
                   ull{h->tlsf.arena_offset}, ull{h->tlsf.arena_size}, ull{h->arena_offset}, ull{h->arena_size});
    }
    return true;
}

// Holds the segment lock for a scope; status() says whether it was taken. Every path that can throw (allocate)
// while holding the lock must hold it through this guard, so that unwinding unlocks.
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

// A flag bit recover() uses while it walks the LRU list (cleared before it returns).
constexpr uint32_t kEntryRecoverySeen = 1u << 31;
// Marks a pin record that recover() has not re-placed yet (PinRecord::reserved is 0 otherwise).
constexpr uint32_t kPinPending = 0x50454e44u;  // "PEND"


}  // namespace

#define KAIROS_LOCKED(guard)                                          \
    Locked guard(this, &Store::lock, &Store::unlock);                 \
    if ((guard).status() != KAIROS_OK) return (guard).status()

// ---------------------------------------------------------------------------------------------------------------
// create / attach / close
//
// Ownership of a name: the owner holds flock(LOCK_EX) on its segment from right after the O_EXCL open until
// close (the kernel drops it when the owner dies). A competitor that finds the name taken calls the segment stale
// only if it can take that lock itself: a live owner, even one that has not formatted its segment yet, keeps it.
// A stale segment is unlinked while its lock is held, and only if the name still refers to it, so no competitor
// ever unlinks a live owner's segment; an owner that lost its fresh segment to such an unlink (in the instant
// before its own flock) sees that the name no longer refers to it, and tries again.

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

    constexpr int kAttempts = 16;  // each retry needs a competitor to win a race of a few system calls
    int fd = -1;
    for (int attempt = 0; attempt < kAttempts && fd < 0; attempt++) {
        fd = ::shm_open(shm_name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
        if (fd >= 0) {
            if (const int err = flock_fd(fd, LOCK_EX); err != 0) {
                if (name_refers_to(shm_name, fd)) ::shm_unlink(shm_name.c_str());
                ::close(fd);
                return fail(KAIROS_ERR_IO, "flock(%s): %s", shm_name.c_str(), std::strerror(err));
            }
            if (name_refers_to(shm_name, fd)) break;  // ours, and locked: the name is owned
            ::close(fd);  // a competitor took it for stale before our flock, and unlinked it: try again
            fd = -1;
            continue;
        }
        if (errno != EEXIST) return fail(KAIROS_ERR_IO, "shm_open(%s): %s", shm_name.c_str(), std::strerror(errno));
        // A segment of that name exists: replace it only if nobody holds its owner lock.
        const int old = ::shm_open(shm_name.c_str(), O_RDONLY | O_CLOEXEC, 0);
        if (old < 0) {
            if (errno == ENOENT) continue;  // vanished meanwhile: retry
            return fail(KAIROS_ERR_IO, "shm_open(%s): %s", shm_name.c_str(), std::strerror(errno));
        }
        if (const int err = flock_fd(old, LOCK_EX | LOCK_NB); err != 0) {
            ::close(old);
            if (err == EWOULDBLOCK) {
                return fail(KAIROS_ERR_EXISTS, "store '%s' exists and its owner process is alive", name);
            }
            return fail(KAIROS_ERR_IO, "flock(%s): %s", shm_name.c_str(), std::strerror(err));
        }
        // Stale: its owner is gone (or closed). Unlink it while holding its lock, if the name still refers to it.
        if (name_refers_to(shm_name, old)) ::shm_unlink(shm_name.c_str());
        ::close(old);
    }
    if (fd < 0) {
        return fail(KAIROS_ERR_EXISTS, "store '%s': %d attempts to create it all lost a race with other creators",
                    name, kAttempts);
    }
    // From here the name is ours: give it up (unlink, then release the lock) on any failure.
    auto abandon = [&](void *base) {
        if (base != nullptr) ::munmap(base, segment_size);
        ::shm_unlink(shm_name.c_str());
        ::close(fd);
    };
    if (::fchmod(fd, 0600) != 0) {  // owner only, whatever the umask: another user must not read the objects
        const int err = errno;
        abandon(nullptr);
        return fail(KAIROS_ERR_IO, "fchmod(%s, 0600): %s", shm_name.c_str(), std::strerror(err));
    }
    if (::ftruncate(fd, static_cast<off_t>(segment_size)) != 0) {
        const int err = errno;
        abandon(nullptr);
        return fail(KAIROS_ERR_IO, "ftruncate(%s, %llu): %s", shm_name.c_str(),
                    static_cast<unsigned long long>(segment_size), std::strerror(err));
    }
    void *base = ::mmap(nullptr, segment_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        const int err = errno;
        abandon(nullptr);
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
        abandon(base);
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
        abandon(base);
        return fail(KAIROS_ERR_NO_MEMORY, "out of memory for the store handle");
    }
    s->name_ = name;
    s->shm_name_ = shm_name;
    s->fd_ = fd;
    s->base_ = static_cast<uint8_t *>(base);
    s->mapped_size_ = segment_size;
    s->hdr_ = h;
    s->set_geometry();
    s->client_ = 0;
    s->owner_ = true;
    s->closed_ = false;
    *out = std::move(s);
    return KAIROS_OK;
}

void Store::set_geometry() {
    entries_ = reinterpret_cast<ObjectEntry *>(base_ + hdr_->entries_offset);
    index_ = reinterpret_cast<uint32_t *>(base_ + hdr_->index_offset);
    pins_ = reinterpret_cast<PinRecord *>(base_ + hdr_->pins_offset);
    max_objects_ = hdr_->max_objects;
    index_capacity_ = hdr_->index_capacity;
    pin_capacity_ = hdr_->pin_capacity;
    arena_offset_ = hdr_->arena_offset;
    arena_size_ = hdr_->arena_size;
}

// A segment whose owner is gone: removed under its owner lock, by the same rule create() replaces one with, and only
// if it is this user's and a store's (its magic, or empty: a creator that died before it sized it).
int32_t Store::remove_stale(const char *name) {
    std::string shm_name;
    if (int32_t rc = validate_name(name, &shm_name); rc != KAIROS_OK) return rc;
    const int fd = ::shm_open(shm_name.c_str(), O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) {
        if (errno == ENOENT) return fail(KAIROS_ERR_NOT_FOUND, "store '%s' does not exist", name);
        return fail(KAIROS_ERR_IO, "shm_open(%s): %s", shm_name.c_str(), std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return fail(KAIROS_ERR_IO, "fstat(%s): %s", shm_name.c_str(), std::strerror(err));
    }
    if (st.st_uid != ::geteuid()) {
        ::close(fd);
        return fail(KAIROS_ERR_WRONG_STATE, "store '%s' belongs to user %u, not to this user (%u)", name,
                    static_cast<unsigned>(st.st_uid), static_cast<unsigned>(::geteuid()));
    }
    if (const int err = flock_fd(fd, LOCK_EX | LOCK_NB); err != 0) {
        ::close(fd);
        if (err == EWOULDBLOCK) return fail(KAIROS_ERR_EXISTS, "store '%s' has a live owner", name);
        return fail(KAIROS_ERR_IO, "flock(%s): %s", shm_name.c_str(), std::strerror(err));
    }
    uint64_t magic = 0;
    const bool empty = st.st_size == 0;
    if (!empty && (::pread(fd, &magic, sizeof magic, 0) != static_cast<ssize_t>(sizeof magic) || magic != kMagic)) {
        ::close(fd);
        return fail(KAIROS_ERR_WRONG_STATE, "'%s' is not a Kairos store segment (no store magic)", shm_name.c_str());
    }
    const bool ours = name_refers_to(shm_name, fd);
    if (ours) ::shm_unlink(shm_name.c_str());
    ::close(fd);
    return ours ? KAIROS_OK : fail(KAIROS_ERR_NOT_FOUND, "store '%s' was replaced meanwhile", name);
}

int32_t Store::attach(const char *name, std::unique_ptr<Store> *out) {
    std::string shm_name;
    if (int32_t rc = validate_name(name, &shm_name); rc != KAIROS_OK) return rc;
    const int fd = ::shm_open(shm_name.c_str(), O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT) return fail(KAIROS_ERR_NOT_FOUND, "no store named '%s'", name);
        struct stat owner {};
        if (err == EACCES && ::stat(("/dev/shm" + shm_name).c_str(), &owner) == 0) {
            return fail(KAIROS_ERR_IO, "attach store '%s': permission denied: its segment /dev/shm%s belongs to user %u "
                        "with mode 0%o, and this process runs as user %u (a store is attached only by its owner's user)",
                        name, shm_name.c_str(), static_cast<unsigned>(owner.st_uid),
                        static_cast<unsigned>(owner.st_mode & 0777), static_cast<unsigned>(::geteuid()));
        }
        return fail(KAIROS_ERR_IO, "shm_open(%s): %s", shm_name.c_str(), std::strerror(err));
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
        char version[96];
        std::snprintf(version, sizeof(version), "layout version %u, this library reads only version %u",
                      static_cast<unsigned>(h->layout_version), static_cast<unsigned>(KAIROS_STORE_LAYOUT_VERSION));
        return reject(KAIROS_ERR_INCOMPATIBLE, version);
    }
    char why[256];
    if (!check_geometry(h, size, why, sizeof(why))) return reject(KAIROS_ERR_INCOMPATIBLE, why);

    std::unique_ptr<Store> s(new (std::nothrow) Store());
    if (!s) return reject(KAIROS_ERR_NO_MEMORY, "out of memory for the store handle");
    s->name_ = name;
    s->shm_name_ = shm_name;
    s->fd_ = fd;
    s->base_ = static_cast<uint8_t *>(base);
    s->mapped_size_ = size;
    s->hdr_ = h;
    s->set_geometry();
    auto unmap = [&]() {
        s->fd_ = -1;
        s->hdr_ = nullptr;
        ::munmap(base, size);
        ::close(fd);
    };
    int32_t slot = -1;
    {
        Locked locked(s.get(), &Store::lock, &Store::unlock);
        if (locked.status() != KAIROS_OK) {
            unmap();
            return locked.status();
        }
        for (int pass = 0; pass < 2 && slot < 0; pass++) {
            for (uint32_t i = 1; i < kMaxClients; i++) {
                if (h->clients[i].in_use == 0) {
                    slot = static_cast<int32_t>(i);
                    break;
                }
            }
            if (slot < 0 && pass == 0) s->reap_dead_locked();
        }
        if (slot >= 0) {
            ClientSlot &c = h->clients[slot];
            c.pid = static_cast<int32_t>(::getpid());
            c.start_time = process_start_time(c.pid);
            c.attach_count++;
            c.in_use = 1;
            h->clients_attached++;
        }
    }
    if (slot < 0) {
        unmap();
        return fail(KAIROS_ERR_TOO_MANY_CLIENTS, "store '%s' already has %u attached clients (the limit)", name,
                    kMaxClients);
    }
    s->client_ = static_cast<uint32_t>(slot);
    s->closed_ = false;
    *out = std::move(s);
    return KAIROS_OK;
}

Store::~Store() { close(); }

int32_t Store::close() {
    if (closed_) return KAIROS_OK;
    closed_ = true;
    {
        Locked locked(this, &Store::lock, &Store::unlock);  // allocation-free inside, but guarded all the same
        if (locked.status() == KAIROS_OK) {
            release_client_locked(client_);
            std::memset(&hdr_->clients[client_], 0, sizeof(ClientSlot));
            if (hdr_->clients_attached > 0) hdr_->clients_attached--;
            if (owner_) __atomic_store_n(&hdr_->owner_closed, 1u, __ATOMIC_RELEASE);
        }
    }
    notify_seal_waiters();
    ::munmap(base_, mapped_size_);
    if (owner_) {
        // Unlink before closing fd, which releases the owner lock: until then no competitor can take the name for
        // stale, so this unlink can only remove our own segment (checked too, against an outside unlink).
        if (name_refers_to(shm_name_, fd_)) ::shm_unlink(shm_name_.c_str());
    }
    ::close(fd_);
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

// Repairs the segment after a lock holder died mid-update, from the object entries (the source of truth). Runs with
// the lock held, so it allocates nothing: the index table serves as its scratch space until step 4 rebuilds it.
void Store::recover() {
    SegmentHeader *h = hdr_;
    h->recoveries++;
    ObjectEntry *es = entries();
    const uint32_t high = std::min(h->entries_high_water, max_objects_);
    h->entries_high_water = high;
    const uint64_t arena_begin = arena_offset_;
    const uint64_t arena_end = arena_offset_ + arena_size_;

    // 1. Keep the entries whose fields are sane (every comparison safe from wrap-around: the block must start
    //    inside the arena before its size is compared with the room left), listing them in the index's memory.
    uint32_t *list = index();  // index_capacity >= 2 x max_objects slots: room for every entry
    uint32_t n = 0;
    for (uint32_t i = 0; i < high; i++) {
        ObjectEntry &e = es[i];
        if (e.state != kEntryCreating && e.state != kEntrySealed) {
            e.state = kEntryFree;
            continue;
        }
        const bool sane = e.payload_offset >= arena_begin + kGranule && e.payload_offset % kGranule == 0 &&
                          e.payload_offset - kGranule < arena_end && e.block_size >= kGranule &&
                          e.block_size % kGranule == 0 && e.block_size <= arena_end - (e.payload_offset - kGranule) &&
                          e.size <= e.block_size - kGranule && e.creator >= 0 &&
                          e.creator < static_cast<int32_t>(kMaxClients);
        if (!sane) {
            e.state = kEntryFree;
            continue;
        }
        list[n++] = i;
    }

    // 2. Drop the entries whose blocks overlap an earlier one (in offset order).
    std::sort(list, list + n, [es](uint32_t a, uint32_t b) { return es[a].payload_offset < es[b].payload_offset; });
    uint32_t kept = 0;
    uint64_t cursor = arena_begin;
    for (uint32_t k = 0; k < n; k++) {
        const uint32_t i = list[k];
        if (es[i].payload_offset - kGranule < cursor) {
            es[i].state = kEntryFree;
            continue;
        }
        cursor = es[i].payload_offset - kGranule + es[i].block_size;
        list[kept++] = i;
    }
    n = kept;

    // 3. The allocator, from the live blocks in offset order (it skips, and we drop, any it would not accept).
    h->tlsf.arena_offset = arena_offset_;
    h->tlsf.arena_size = arena_size_;
    Tlsf tlsf = this->tlsf();
    Tlsf::RebuildCursor rebuild = tlsf.begin_rebuild();
    for (uint32_t k = 0; k < n; k++) {
        ObjectEntry &e = es[list[k]];
        if (!tlsf.rebuild_add(&rebuild, e.payload_offset - kGranule, e.block_size, e.size)) e.state = kEntryFree;
    }
    tlsf.end_rebuild(&rebuild);

    // 4. The index (the list is done with), dropping duplicate ids; then the free entry list.
    std::memset(index(), 0, sizeof(uint32_t) * index_capacity_);
    for (uint32_t i = 0; i < high; i++) {
        ObjectEntry &e = es[i];
        if (e.state == kEntryFree) continue;
        uint32_t found = 0;
        if (find(e.id, &found) != KAIROS_OK || found != 0 || index_insert(i + 1) != KAIROS_OK) {
            tlsf.free(e.payload_offset);
            e.state = kEntryFree;
        }
    }
    h->free_entry_head = 0;
    for (uint32_t i = high; i-- > 0;) {
        if (es[i].state == kEntryFree) {
            es[i].lru_next = h->free_entry_head;
            h->free_entry_head = i + 1;
        }
    }

    // 5. Pin records, then each entry's pin count from them.
    recover_pins(high);

    // 6. Counters, then the LRU list: keep the old order where it is intact, append the rest.
    h->objects = h->sealed_objects = h->pinned_objects = 0;
    for (uint32_t i = 0; i < high; i++) {
        if (es[i].state == kEntryFree) continue;
        h->objects++;
        if (es[i].state == kEntrySealed) h->sealed_objects++;
        if (es[i].pins > 0) h->pinned_objects++;
    }
    auto evictable = [es](uint32_t i) {
        return es[i].state == kEntrySealed && es[i].pins == 0 && (es[i].flags & kEntryDeletePending) == 0;
    };
    for (uint32_t i = 0; i < high; i++) es[i].flags &= ~kEntryRecoverySeen;
    uint32_t e = h->lru_head;
    h->lru_head = h->lru_tail = 0;
    for (uint32_t steps = 0; e != 0 && e <= high && steps < high; steps++) {
        const uint32_t i = e - 1;
        if ((es[i].flags & kEntryRecoverySeen) != 0) break;
        es[i].flags |= kEntryRecoverySeen;
        e = es[i].lru_next;                     // read before the push rewrites it
        if (evictable(i)) lru_push_tail(i + 1);  // rewrites only entries visited already
    }
    for (uint32_t i = 0; i < high; i++) {
        if ((es[i].flags & kEntryRecoverySeen) == 0 && evictable(i)) lru_push_tail(i + 1);
        es[i].flags &= ~kEntryRecoverySeen;
    }

    // 7. Deletes that were waiting only for pins that are gone now, then the dead clients themselves.
    for (uint32_t i = 0; i < high; i++) {
        if (es[i].state != kEntryFree && (es[i].flags & kEntryDeletePending) != 0 && es[i].pins == 0) {
            destroy_entry(i + 1);
        }
    }
    uint32_t attached = 0;
    for (uint32_t c = 0; c < kMaxClients; c++) attached += h->clients[c].in_use != 0;
    h->clients_attached = attached;
    reap_dead_locked();
}

// Keeps the pin records of live sealed entries and attached clients, merging duplicates (a half-done shift copies a
// record before clearing it: the larger count wins, never the sum), and at most 3/4 of the table, so that every
// probe meets an empty slot. In place: the records to keep are marked pending, then each is taken out of its slot
// and placed from its home. A placement may land on a pending slot: it takes it and carries the record found there
// on. No placed record's probe path ever crosses a pending slot, so a slot a pending record leaves empty breaks
// no path.
void Store::recover_pins(uint32_t high) {
    SegmentHeader *h = hdr_;
    ObjectEntry *es = entries();
    PinRecord *ps = pins();
    const uint64_t cap = pin_capacity_, mask = cap - 1, limit = cap * 3 / 4;
    for (uint64_t j = 0; j < cap; j++) {
        PinRecord &r = ps[j];
        const bool keep = r.entry != 0 && r.count != 0 && r.entry <= high && r.client < kMaxClients &&
                          es[r.entry - 1].state == kEntrySealed && h->clients[r.client].in_use != 0;
        if (keep) {
            r.reserved = kPinPending;
        } else {
            std::memset(&r, 0, sizeof(PinRecord));
        }
    }
    uint64_t placed = 0;
    for (uint64_t j = 0; j < cap; j++) {
        if (ps[j].reserved != kPinPending) continue;
        PinRecord r = ps[j];
        std::memset(&ps[j], 0, sizeof(PinRecord));
        for (bool carrying = true; carrying;) {
            carrying = false;
            r.reserved = 0;
            uint64_t s = hash_pin(r.entry, r.client) & mask;
            for (uint64_t probes = 0; probes < cap; probes++, s = (s + 1) & mask) {
                PinRecord &slot = ps[s];
                if (slot.entry != 0 && slot.reserved != kPinPending) {  // placed
                    if (slot.entry == r.entry && slot.client == r.client) {
                        slot.count = std::max(slot.count, r.count);
                        break;
                    }
                    continue;
                }
                if (placed >= limit) break;  // the table keeps 3/4 at most: this record is dropped
                const PinRecord displaced = slot;
                slot = r;
                placed++;
                if (displaced.entry != 0) {  // a pending record: place it in turn
                    r = displaced;
                    carrying = true;
                }
                break;
            }
        }
    }
    h->pins_used = static_cast<uint32_t>(placed);
    for (uint32_t i = 0; i < high; i++) es[i].pins = 0;
    for (uint64_t j = 0; j < cap; j++) {
        if (ps[j].entry == 0) continue;
        uint32_t &pins = es[ps[j].entry - 1].pins;
        pins = ps[j].count > UINT32_MAX - pins ? UINT32_MAX : pins + ps[j].count;
    }
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

// Releases every pin the client holds and aborts its unsealed creates. Scans the pin table in place: erasing a
// record shifts later records of its cluster back, possibly into the current slot, so the scan looks at that slot
// again after an erase. (A shift never moves a record the scan has not seen yet into a slot it has passed.)
void Store::release_client_locked(uint32_t client) {
    PinRecord *ps = pins();
    for (uint64_t i = 0; i < pin_capacity_;) {
        if (ps[i].entry == 0 || ps[i].client != client) {
            i++;
            continue;
        }
        const uint32_t e = ps[i].entry;
        const uint32_t count = ps[i].count;
        pin_erase_slot(i);
        drop_pins(e, count);
    }
    ObjectEntry *es = entries();
    const uint32_t high = std::min(hdr_->entries_high_water, max_objects_);
    for (uint32_t i = 0; i < high; i++) {
        if (es[i].state == kEntryCreating && es[i].creator == static_cast<int32_t>(client)) destroy_entry(i + 1);
    }
}

int32_t Store::reap_dead_clients(uint32_t *reaped_out) {
    uint32_t reaped = 0;
    {
        KAIROS_LOCKED(locked);
        reaped = reap_dead_locked();
    }
    if (reaped_out != nullptr) *reaped_out = reaped;
    return KAIROS_OK;
}

int32_t Store::set_eviction_callback(kairos_eviction_fn fn, void *user) {
    KAIROS_LOCKED(locked);
    evict_fn_ = fn;
    evict_user_ = user;
    return KAIROS_OK;
}

// ---------------------------------------------------------------------------------------------------------------
// the table: index, entries, LRU, pins

int32_t Store::find(const uint8_t *id, uint32_t *out) const {
    const uint32_t *ix = index();
    const ObjectEntry *es = entries();
    const uint64_t cap = index_capacity_, mask = cap - 1;
    uint64_t i = hash_id(id) & mask;
    for (uint64_t probes = 0; probes < cap; probes++, i = (i + 1) & mask) {
        const uint32_t v = ix[i];
        if (v == 0) {
            *out = 0;
            return KAIROS_OK;
        }
        if (v > max_objects_) {
            return fail(KAIROS_ERR_CORRUPT, "store '%s': index slot %llu holds entry %u, beyond max_objects %u",
                        name_.c_str(), static_cast<unsigned long long>(i), v, max_objects_);
        }
        if (std::memcmp(es[v - 1].id, id, KAIROS_OBJECT_ID_SIZE) == 0) {
            *out = v;
            return KAIROS_OK;
        }
    }
    return fail(KAIROS_ERR_CORRUPT, "store '%s': id index has no empty slot (%llu probed); the segment is corrupt",
                name_.c_str(), static_cast<unsigned long long>(cap));
}

int32_t Store::index_insert(uint32_t e) {
    uint32_t *ix = index();
    const uint64_t cap = index_capacity_, mask = cap - 1;
    uint64_t i = hash_id(entries()[e - 1].id) & mask;
    for (uint64_t probes = 0; probes < cap; probes++, i = (i + 1) & mask) {
        if (ix[i] == 0) {
            ix[i] = e;
            return KAIROS_OK;
        }
    }
    return fail(KAIROS_ERR_CORRUPT, "store '%s': id index has no empty slot (%llu probed); the segment is corrupt",
                name_.c_str(), static_cast<unsigned long long>(cap));
}

void Store::index_erase(const uint8_t *id) {
    uint32_t *ix = index();
    const ObjectEntry *es = entries();
    const uint64_t cap = index_capacity_, mask = cap - 1;
    auto entry_id = [&](uint32_t v) { return v <= max_objects_ ? es[v - 1].id : nullptr; };
    uint64_t i = hash_id(id) & mask;
    uint64_t probes = 0;
    for (; probes < cap && ix[i] != 0; probes++, i = (i + 1) & mask) {
        const uint8_t *other = entry_id(ix[i]);
        if (other != nullptr && std::memcmp(other, id, KAIROS_OBJECT_ID_SIZE) == 0) break;
    }
    if (probes == cap || ix[i] == 0) return;  // absent
    // Backward-shift deletion keeps every probe sequence unbroken without tombstones. At most cap - 1 slots follow.
    uint64_t j = (i + 1) & mask;
    for (uint64_t n = 1; n < cap && ix[j] != 0; n++, j = (j + 1) & mask) {
        const uint8_t *other = entry_id(ix[j]);
        if (other == nullptr) continue;  // garbage: leave it where it is
        const uint64_t home = hash_id(other) & mask;
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
        if (e > max_objects_ || entries()[e - 1].state != kEntryFree) {
            note_corrupt("the free entry list names entry %u, which is beyond max_objects %u or in use", e, max_objects_);
            return 0;
        }
        h->free_entry_head = entries()[e - 1].lru_next;
        return e;
    }
    if (h->entries_high_water < max_objects_) return ++h->entries_high_water;
    return 0;
}


void Store::free_entry(uint32_t e) {
    ObjectEntry &entry = entries()[e - 1];
    std::memset(&entry, 0, sizeof(ObjectEntry));
    entry.lru_next = hdr_->free_entry_head;
    hdr_->free_entry_head = e;
}

bool Store::valid_link(uint32_t e, const char *what) const {
    if (e <= max_objects_) return true;
    note_corrupt("%s names entry %u, beyond max_objects %u", what, e, max_objects_);
    return false;
}

bool Store::payload_in_arena(const ObjectEntry &entry) const {
    const uint64_t end = arena_offset_ + arena_size_;
    if (entry.payload_offset >= arena_offset_ + kGranule && entry.payload_offset < end &&
        (entry.payload_offset - arena_offset_) % kGranule == 0 && entry.size <= end - entry.payload_offset) {
        return true;
    }
    note_corrupt("an entry's payload (offset %llu, %llu bytes) lies outside the arena",
                 static_cast<unsigned long long>(entry.payload_offset), static_cast<unsigned long long>(entry.size));
    return false;
}

void Store::lru_push_tail(uint32_t e) {
    ObjectEntry *es = entries();
    if (!valid_link(hdr_->lru_tail, "the LRU list's tail")) return;
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
    if (!valid_link(entry.lru_prev, "an LRU link") || !valid_link(entry.lru_next, "an LRU link")) return;
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

int32_t Store::pin_find(uint32_t e, uint32_t client, uint64_t *slot, bool *found) const {
    const PinRecord *ps = pins();
    const uint64_t cap = pin_capacity_, mask = cap - 1;
    uint64_t i = hash_pin(e, client) & mask;
    for (uint64_t probes = 0; probes < cap; probes++, i = (i + 1) & mask) {
        if (ps[i].entry == 0 || (ps[i].entry == e && ps[i].client == client)) {
            *slot = i;
            *found = ps[i].entry != 0;
            return KAIROS_OK;
        }
    }
    return fail(KAIROS_ERR_CORRUPT, "store '%s': pin table has no empty slot (%llu probed); the segment is corrupt",
                name_.c_str(), static_cast<unsigned long long>(cap));
}

void Store::pin_erase_slot(uint64_t i) {
    PinRecord *ps = pins();
    const uint64_t cap = pin_capacity_, mask = cap - 1;
    // Backward-shift deletion keeps every probe sequence unbroken without tombstones. At most cap - 1 slots follow.
    uint64_t j = (i + 1) & mask;
    for (uint64_t n = 1; n < cap && ps[j].entry != 0; n++, j = (j + 1) & mask) {
        const uint64_t home = hash_pin(ps[j].entry, ps[j].client) & mask;
        const bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            ps[i] = ps[j];
            i = j;
        }
    }
    std::memset(&ps[i], 0, sizeof(PinRecord));
    if (hdr_->pins_used > 0) hdr_->pins_used--;
}

void Store::drop_pins(uint32_t e, uint32_t count) {
    if (e == 0 || e > max_objects_) return;
    ObjectEntry &entry = entries()[e - 1];
    if (entry.pins == 0) return;
    entry.pins = count >= entry.pins ? 0 : entry.pins - count;
    if (entry.pins == 0) {
        if (hdr_->pinned_objects > 0) hdr_->pinned_objects--;
        if ((entry.flags & kEntryDeletePending) != 0) {
            destroy_entry(e);
        } else {
            lru_push_tail(e);
        }
    }
}

int32_t Store::pin(uint32_t e, uint32_t client) {
    uint64_t i = 0;
    bool found = false;
    if (int32_t rc = pin_find(e, client, &i, &found); rc != KAIROS_OK) return rc;
    PinRecord *ps = pins();
    if (found) {
        if (ps[i].count == UINT32_MAX) return fail(KAIROS_ERR_WRONG_STATE, "pin count of this client is at its limit");
        ps[i].count++;
    } else {
        const uint64_t limit = pin_capacity_ * 3 / 4;
        if (uint64_t{hdr_->pins_used} + 1 > limit) {
            return fail(KAIROS_ERR_STORE_FULL, "pin table full: %u (object, client) pairs pinned, limit %llu",
                        hdr_->pins_used, static_cast<unsigned long long>(limit));
        }
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
    uint64_t i = 0;
    bool found = false;
    if (int32_t rc = pin_find(e, client, &i, &found); rc != KAIROS_OK) return rc;
    if (!found) return fail(KAIROS_ERR_WRONG_STATE, "object is not pinned by this client");
    PinRecord *ps = pins();
    if (--ps[i].count == 0) pin_erase_slot(i);
    drop_pins(e, 1);
    return KAIROS_OK;
}

void Store::destroy_entry(uint32_t e) {
    ObjectEntry &entry = entries()[e - 1];
    index_erase(entry.id);
    tlsf().free(entry.payload_offset);
    hdr_->objects--;
    if (entry.state == kEntrySealed) hdr_->sealed_objects--;
    free_entry(e);
}

bool Store::evict_one() {
    const uint32_t e = hdr_->lru_head;
    if (e == 0 || !valid_link(e, "the LRU list's head")) return false;
    ObjectEntry &entry = entries()[e - 1];
    if (entry.state != kEntrySealed || entry.pins != 0) {
        note_corrupt("the LRU list holds entry %u, which is not sealed and unpinned", e);
        return false;
    }
    if (!payload_in_arena(entry)) return false;
    lru_remove(e);
    if (evict_fn_ != nullptr) {
        try {
            evict_fn_(evict_user_, entry.id, base_ + entry.payload_offset, entry.size);
        } catch (...) {
            // A callback must not throw; if one does, the eviction still completes (the table stays consistent).
        }
    }
    hdr_->evictions++;
    hdr_->evicted_bytes += entry.size;
    destroy_entry(e);
    return true;
}


int32_t Store::allocate_for(uint64_t size, uint64_t *payload_offset, uint64_t *block_size) {
    Tlsf tlsf = this->tlsf();
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

int32_t Store::create_object(const uint8_t *id, uint64_t size, uint8_t **data_out) {
    if (size > arena_size_ - kGranule) {
        return fail(KAIROS_ERR_INVALID_ARGUMENT, "size %llu exceeds the store's largest object, %llu bytes",
                    static_cast<unsigned long long>(size),
                    static_cast<unsigned long long>(arena_size_ - kGranule));
    }
    KAIROS_LOCKED(locked);
    uint32_t existing = 0;
    if (int32_t rc = find(id, &existing); rc != KAIROS_OK) return rc;
    if (existing != 0) return fail(KAIROS_ERR_EXISTS, "an object with this id exists");
    uint32_t e = alloc_entry();
    while (e == 0 && evict_one()) e = alloc_entry();
    if (e == 0 && reap_dead_locked() > 0) e = alloc_entry();
    if (e == 0) {
        hdr_->allocation_failures++;
        return fail(KAIROS_ERR_STORE_FULL, "object table full: %u objects (max_objects), none evictable",
                    max_objects_);
    }
    uint64_t payload_offset = 0, block_size = 0;
    if (int32_t rc = allocate_for(size, &payload_offset, &block_size); rc != KAIROS_OK) {
        free_entry(e);
        return rc;
    }
    ObjectEntry &entry = entries()[e - 1];
    std::memcpy(entry.id, id, KAIROS_OBJECT_ID_SIZE);
    if (int32_t rc = index_insert(e); rc != KAIROS_OK) {  // only a corrupt index has no room
        tlsf().free(payload_offset);
        free_entry(e);
        return rc;
    }
    entry.pins = 0;
    entry.payload_offset = payload_offset;
    entry.size = size;
    entry.block_size = block_size;
    entry.lru_prev = entry.lru_next = 0;
    entry.creator = static_cast<int32_t>(client_);
    entry.flags = 0;
    __atomic_store_n(&entry.state, static_cast<uint32_t>(kEntryCreating), __ATOMIC_RELEASE);  // valid from here
    hdr_->objects++;
    *data_out = base_ + payload_offset;
    return KAIROS_OK;
}

int32_t Store::seal(const uint8_t *id) {
    {
        KAIROS_LOCKED(locked);
        uint32_t e = 0;
        if (int32_t rc = find(id, &e); rc != KAIROS_OK) return rc;
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
    uint32_t e = 0;
    if (int32_t rc = find(id, &e); rc != KAIROS_OK) return rc;
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
            uint32_t e = 0;
            if (int32_t rc = find(id, &e); rc != KAIROS_OK) return rc;
            const ObjectEntry *entry = e != 0 ? &entries()[e - 1] : nullptr;
            const bool deleted = entry != nullptr && (entry->flags & kEntryDeletePending) != 0;
            if (entry != nullptr && !deleted && entry->state == kEntrySealed) {
                if (!payload_in_arena(*entry)) return KAIROS_ERR_CORRUPT;  // never a pointer outside the mapping
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
    uint32_t e = 0;
    if (int32_t rc = find(id, &e); rc != KAIROS_OK) return rc;
    return e == 0 ? not_found() : unpin(e, client_);
}

int32_t Store::remove(const uint8_t *id) {
    KAIROS_LOCKED(locked);
    uint32_t e = 0;
    if (int32_t rc = find(id, &e); rc != KAIROS_OK) return rc;
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
    uint32_t e = 0;
    if (int32_t rc = find(id, &e); rc != KAIROS_OK) return rc;
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

// ---------------------------------------------------------------------------------------------------------------
// prefault: the arena made resident ahead of the puts (the first write to a tmpfs page costs far more than the copy)

namespace {
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14
#endif
constexpr uint64_t kPrefaultSlice = 2ull << 20;  // a closing handle waits for at most one slice
std::atomic<bool> g_populate_refused{false};     // the kernel refused MADV_POPULATE_WRITE once: use the fallback
std::atomic<bool> g_force_prefault_fallback{false};

uint64_t page_bytes() {
    static const uint64_t page = [] {
        const long p = ::sysconf(_SC_PAGESIZE);
        return p > 0 ? static_cast<uint64_t>(p) : uint64_t{4096};
    }();
    return page;
}

// Write-faults every page of [p, p + len) (page-aligned) without changing a byte: an atomic add of 0 is a write
// that keeps whatever another thread or process stores there at the same time.
void touch_pages(uint8_t *p, uint64_t len, uint64_t page) {
    for (uint64_t o = 0; o < len; o += page) {
        __atomic_fetch_add(reinterpret_cast<uint64_t *>(p + o), uint64_t{0}, __ATOMIC_RELAXED);
    }
}
}  // namespace

void Store::force_prefault_fallback_for_test(bool on) { g_force_prefault_fallback.store(on); }

// Two phases, each in slices so that a closing handle waits for one slice at most:
// - RESERVE: fallocate (mode 0, inside the file: keeps every byte) allocates the range's tmpfs pages, about twice as
//   fast as faulting them in, and turns a full /dev/shm into an error here instead of a SIGBUS at some later write.
//   A put that writes a reserved page pays only the zeroing and the mapping, half of a first touch's cost here.
// - MAP: madvise(MADV_POPULATE_WRITE) zeroes what is still to zero and maps every page writable into this process,
//   so that a write into it pays no fault at all. Where the kernel refuses it (before Linux 5.14): reserve the slice,
//   then write each page with an atomic add of 0, which keeps whatever another thread stores there meanwhile.
int32_t Store::prefault(uint64_t offset, uint64_t length, uint32_t flags, uint64_t *populated_out) {
    using ull = unsigned long long;
    if (populated_out != nullptr) *populated_out = 0;
    if (flags == 0 || (flags & ~uint32_t{KAIROS_PREFAULT_RESERVE | KAIROS_PREFAULT_MAP}) != 0) {
        return fail(KAIROS_ERR_INVALID_ARGUMENT,
                    "flags 0x%x: give KAIROS_PREFAULT_RESERVE (1), KAIROS_PREFAULT_MAP (2) or both, nothing else", flags);
    }
    if (offset > arena_size_) {
        return fail(KAIROS_ERR_INVALID_ARGUMENT, "offset %llu is past the end of the arena (%llu bytes)", ull{offset},
                    ull{arena_size_});
    }
    if (length > arena_size_ - offset) {
        return fail(KAIROS_ERR_INVALID_ARGUMENT, "length %llu at offset %llu exceeds the arena: at most %llu bytes",
                    ull{length}, ull{offset}, ull{arena_size_ - offset});
    }
    if (length == 0) return KAIROS_OK;
    const uint64_t page = page_bytes();
    const uint64_t begin = (arena_offset_ + offset) & ~(page - 1);  // from the segment's start, page-aligned
    const uint64_t end = std::min(align_up(arena_offset_ + offset + length, page), align_up(mapped_size_, page));
    auto closing = [&](uint64_t done) -> int32_t {
        if (cancel_ == nullptr || !cancel_->load(std::memory_order_acquire)) return KAIROS_OK;
        return fail(KAIROS_ERR_CLOSED, "store '%s' was closed while prefaulting (%llu bytes done)", name_.c_str(),
                    ull{done});
    };
    // fallocate of [at, at + n) clipped to the file (never past it: that would grow the file). 0, or errno.
    auto reserve = [&](uint64_t at, uint64_t n) -> int {
        const uint64_t file_end = std::min(at + n, mapped_size_);
        if (file_end <= at) return 0;
        int rc;
        do {
            rc = ::fallocate(fd_, 0, static_cast<off_t>(at), static_cast<off_t>(file_end - at));
        } while (rc != 0 && errno == EINTR);
        return rc == 0 ? 0 : errno;
    };
    auto reserve_failed = [&](uint64_t at, int err) {
        return fail(err == ENOSPC || err == ENOMEM ? KAIROS_ERR_NO_MEMORY : KAIROS_ERR_IO,
                    "store '%s': prefault at arena offset %llu: fallocate: %s%s", name_.c_str(),
                    ull{at - arena_offset_}, std::strerror(err),
                    err == ENOSPC ? " (/dev/shm cannot hold the store)" : "");
    };
    auto unsupported = [](int err) { return err == EOPNOTSUPP || err == ENOSYS; };

    const bool map = (flags & KAIROS_PREFAULT_MAP) != 0;
    uint64_t done = 0;
    if ((flags & KAIROS_PREFAULT_RESERVE) != 0) {
        for (uint64_t at = begin; at < end; at += kPrefaultSlice) {
            if (int32_t rc = closing(done); rc != KAIROS_OK) return rc;
            const uint64_t n = std::min(kPrefaultSlice, end - at);
            if (const int err = reserve(at, n); err != 0) {
                if (!unsupported(err)) return reserve_failed(at, err);
                if (!map) return fail(KAIROS_ERR_UNSUPPORTED, "store '%s': fallocate: %s", name_.c_str(),
                                      std::strerror(err));
                break;  // nothing to reserve with: the map phase alone populates the pages
            }
            done += n;
            if (!map && populated_out != nullptr) *populated_out = done;
        }
    }
    if (!map) return KAIROS_OK;
    done = 0;
    for (uint64_t at = begin; at < end; at += kPrefaultSlice) {
        if (int32_t rc = closing(done); rc != KAIROS_OK) return rc;
        const uint64_t n = std::min(kPrefaultSlice, end - at);
        uint8_t *p = base_ + at;
        bool populated = false;
        if (!g_force_prefault_fallback.load(std::memory_order_relaxed) &&
            !g_populate_refused.load(std::memory_order_relaxed)) {
            int rc;
            do {
                rc = ::madvise(p, n, MADV_POPULATE_WRITE);
            } while (rc != 0 && errno == EINTR);
            const int err = errno;
            if (rc == 0) {
                populated = true;
            } else if (err == EINVAL || err == ENOSYS || err == EPERM) {
                g_populate_refused.store(true, std::memory_order_relaxed);  // before Linux 5.14: fall back below
            } else if (err == ENOMEM || err == EFAULT) {  // EFAULT: the fault would have been a SIGBUS (tmpfs full)
                return fail(KAIROS_ERR_NO_MEMORY,
                            "store '%s': prefault of %llu bytes at arena offset %llu: madvise(MADV_POPULATE_WRITE): "
                            "%s (out of memory or of /dev/shm space?)", name_.c_str(), ull{n}, ull{at - arena_offset_},
                            std::strerror(err));
            } else {
                return fail(KAIROS_ERR_IO, "store '%s': prefault at arena offset %llu: madvise(MADV_POPULATE_WRITE): %s",
                            name_.c_str(), ull{at - arena_offset_}, std::strerror(err));
            }
        }
        if (!populated) {
            // Reserve first, so that a full /dev/shm is an error here, not a SIGBUS at the touch; a file system
            // without fallocate is just touched.
            if (const int err = reserve(at, n); err != 0 && !unsupported(err)) return reserve_failed(at, err);
            touch_pages(p, n, page);
        }
        done += n;
        if (populated_out != nullptr) *populated_out = done;
    }
    return KAIROS_OK;
}

std::string Store::check_consistency() {
    Locked locked(this, &Store::lock, &Store::unlock);  // the strings below allocate
    if (locked.status() != KAIROS_OK) return "lock failed";
    std::string error;
    const TlsfCheck tc = tlsf().check();
    if (!tc.ok) error = "allocator: " + tc.error;
    const ObjectEntry *es = entries();
    uint64_t objects = 0, sealed = 0, pinned = 0, pin_sum_entries = 0;
    const uint32_t high = std::min(hdr_->entries_high_water, max_objects_);
    for (uint32_t i = 0; i < high && error.empty(); i++) {
        const ObjectEntry &e = es[i];
        if (e.state == kEntryFree) continue;
        objects++;
        sealed += e.state == kEntrySealed;
        pinned += e.pins > 0;
        pin_sum_entries += e.pins;
        uint32_t found = 0;
        if (find(e.id, &found) != KAIROS_OK || found != i + 1) error = "entry " + std::to_string(i) + " not reachable through the index";
        const BlockHeader *b = tlsf().header_of_payload(e.payload_offset);
        if (b->is_free || b->size != e.block_size) error = "entry " + std::to_string(i) + " block mismatch";
    }
    uint64_t pin_sum_records = 0, pin_records = 0;
    for (uint64_t i = 0; i < pin_capacity_; i++) {
        pin_records += pins()[i].entry != 0;
        pin_sum_records += pins()[i].entry != 0 ? pins()[i].count : 0;
    }
    if (error.empty() && pin_records != hdr_->pins_used) error = "pins_used counter mismatch";
    if (error.empty() && pin_records > pin_capacity_ * 3 / 4) error = "pin table more than 3/4 full";
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
    return error;
}

}  // namespace kairos::store
