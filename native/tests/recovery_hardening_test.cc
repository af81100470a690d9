// Hardening of the store against what a crashed or hostile process can leave in a segment, and against failures
// while the segment lock is held: recovery of out-of-arena entries and of an over-full pin table, bounded probes,
// attach's layout checks, allocation-free work under the lock, and name ownership (the owner's flock).
//
// Children never return into GoogleTest: they report through their exit code (0 = success) and _exit.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

// --- allocation fault injection: while t_fail_new > 0 on a thread, that thread's next operator new throws ---
namespace {
thread_local int t_fail_new = 0;
constexpr int kEveryAllocation = 1 << 30;
}
void *operator new(std::size_t n) {
    if (t_fail_new > 0) {
        t_fail_new--;
        throw std::bad_alloc();
    }
    if (void *p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void *operator new[](std::size_t n) { return ::operator new(n); }
void *operator new(std::size_t n, const std::nothrow_t &) noexcept {
    try {
        return ::operator new(n);
    } catch (...) {
        return nullptr;
    }
}
void *operator new[](std::size_t n, const std::nothrow_t &) noexcept { return ::operator new(n, std::nothrow); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }
void operator delete(void *p, const std::nothrow_t &) noexcept { std::free(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { std::free(p); }

namespace {

using kt::contains;
using kt::get_verify;
using kt::Handle;
using kt::Id;
using kt::make_id;
using kt::put;
using kt::stats;
using kairos::store::ObjectEntry;
using kairos::store::PinRecord;
using kairos::store::SegmentHeader;

class RecoveryHardeningTest : public kt::StoreFixture {};

constexpr uint64_t kMiB = 1024 * 1024;

// Forks a child that takes the segment lock through its own attached handle, lets mutate(header) scribble on
// the segment, and is then SIGKILLed while holding the lock. Returns true when that all happened.
template <typename F>
bool die_holding_the_lock(const std::string &name, F mutate) {
    int fds[2];
    if (::pipe(fds) != 0) return false;
    const pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
        ::close(fds[0]);
        kairos_store *c = nullptr;
        if (kairos_store_attach(name.c_str(), &c) != KAIROS_OK) ::_exit(10);
        kairos::store::Store *impl = kairos::store::store_of(c);
        if (impl == nullptr || impl->lock_for_test() != KAIROS_OK) ::_exit(11);
        mutate(impl->header());
        const char locked = 'L';
        if (::write(fds[1], &locked, 1) != 1) ::_exit(12);
        for (;;) ::pause();
    }
    ::close(fds[1]);
    const int got = kt::read_byte(fds[0], 10000);
    ::close(fds[0]);
    ::kill(pid, SIGKILL);
    const int status = kt::wait_child(pid);
    return got == 'L' && status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// Runs body in a child process (bounded); returns its wait status (see kt::describe_status).
template <typename F>
int in_child(F body, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const pid_t pid = ::fork();
    if (pid < 0) return -2;
    if (pid == 0) ::_exit(body());
    return kt::wait_child(pid, timeout);
}

ObjectEntry *entries_of(SegmentHeader *h) {
    return reinterpret_cast<ObjectEntry *>(reinterpret_cast<uint8_t *>(h) + h->entries_offset);
}

// recover() drops an entry whose block starts past the arena's end (a check of the size against the room left
// would wrap around), rather than have the allocator rebuild write a header outside the mapping.
TEST_F(RecoveryHardeningTest, RecoveryDropsAnEntryWhoseBlockLiesPastTheArenaEnd) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    const Id a = make_id(1), b = make_id(2);
    ASSERT_EQ(put(s, a, 1000), KAIROS_OK);
    ASSERT_EQ(put(s, b, 2000), KAIROS_OK);
    SegmentHeader *h0 = kairos::store::store_of(s)->header();
    const uint64_t saved = entries_of(h0)[0].payload_offset;
    ASSERT_TRUE(die_holding_the_lock(name_, [](SegmentHeader *h) {
        // Entry 0 is garbage of the kind the sanity filter exists to drop: a payload offset far past the arena.
        // (Every later locker re-runs the crashing recovery: the store is dead for all processes.)
        entries_of(h)[0].payload_offset = h->arena_offset + h->arena_size + (uint64_t{1} << 40);
    }));
    // The next locker recovers. Do it in a child so that a crash is reported, not fatal to the suite.
    const int status = in_child([&]() -> int {
        kairos_store_stats st{};
        if (kairos_store_stats_get(s, &st) != KAIROS_OK) return 20;
        if (st.recoveries < 1) return 21;
        if (kt::consistency(s) != "") return 22;
        if (contains(s, b) != 1 || contains(s, a) != 0) return 23;
        return 0;
    });
    EXPECT_TRUE(kt::exited_ok(status)) << "recovery of a store with an out-of-arena entry: "
                                       << kt::describe_status(status);
    if (!kt::exited_ok(status)) entries_of(h0)[0].payload_offset = saved;  // let the owner's close recover
}

// attach checks the geometry the code then trusts (table offsets, capacities, arena bounds), not only magic,
// version and total size: a header that places a table outside the segment is refused.
TEST_F(RecoveryHardeningTest, AttachRefusesASegmentWhoseIndexLiesOutsideTheSegment) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    SegmentHeader *h = kairos::store::store_of(s)->header();
    const uint64_t saved = h->index_offset;
    h->index_offset = uint64_t{1} << 44;  // far outside the mapping
    kairos_store *c = nullptr;
    const int32_t rc = kairos_store_attach(name_.c_str(), &c);
    EXPECT_NE(rc, KAIROS_OK) << "attach accepted a segment whose index lies outside it";
    if (rc == KAIROS_OK) {
        const int status = in_child([&]() -> int { return contains(c, make_id(7)) == 0 ? 0 : 30; });
        ADD_FAILURE() << "a lookup through that handle: " << kt::describe_status(status);
    }
    h->index_offset = saved;
    if (c != nullptr) kairos_store_free(c);
}

// recover() keeps at most 3/4 of the pin table, even when more valid-looking records survive, so that a probe for
// an absent key always meets an empty slot.
TEST_F(RecoveryHardeningTest, RecoveryNeverLeavesThePinTableFullSoALookupTerminates) {
    Handle s;
    create(s, kMiB, 64);  // pin_capacity = 256
    SegmentHeader *h0 = kairos::store::store_of(s)->header();
    ASSERT_EQ(h0->pin_capacity, 256u);
    for (uint64_t i = 0; i < 64; i++) ASSERT_EQ(put(s, make_id(i), 100), KAIROS_OK);
    const int32_t me = static_cast<int32_t>(::getpid());
    ASSERT_TRUE(die_holding_the_lock(name_, [me](SegmentHeader *h) {
        // Four clients (slots 2..5) that look alive, each "pinning" all 64 objects: 256 distinct valid records.
        for (uint32_t c = 2; c <= 5; c++) {
            h->clients[c].pid = me;
            h->clients[c].start_time = 0;
            h->clients[c].in_use = 1;
        }
        auto *ps = reinterpret_cast<PinRecord *>(reinterpret_cast<uint8_t *>(h) + h->pins_offset);
        uint32_t k = 0;
        for (uint32_t e = 1; e <= 64; e++) {
            for (uint32_t c = 2; c <= 5; c++) ps[k++] = PinRecord{e, c, 1, 0};
        }
    }));
    // The owner (client 0) gets an object: a new (object, client) pair, so pin_find probes for an absent key.
    const int status = in_child([&]() -> int {
        const uint8_t *d = nullptr;
        const int32_t rc = kairos_store_get(s, make_id(3).data(), 0, &d, nullptr);
        return rc == KAIROS_OK || rc == KAIROS_ERR_STORE_FULL ? 0 : 40;
    }, std::chrono::seconds(3));
    EXPECT_TRUE(kt::exited_ok(status)) << "get after recovering a full pin table: " << kt::describe_status(status);
    // The child may have died holding the lock, with the table full: the owner's close would recover it and then
    // loop forever in unpin's backward shift (no empty slot either). Drop the fake clients and their records.
    for (uint32_t c = 2; c <= 5; c++) std::memset(&h0->clients[c], 0, sizeof(h0->clients[c]));
    std::memset(reinterpret_cast<uint8_t *>(h0) + h0->pins_offset, 0, sizeof(PinRecord) * h0->pin_capacity);
}

// A bad_alloc while the segment lock is held would leave the robust mutex owned by a live thread: every later call,
// in every process, would block forever. Reaping allocates nothing under the lock: it succeeds with every
// allocation failing, and leaves the lock free.
TEST_F(RecoveryHardeningTest, ReapingAllocatesNothingWhileHoldingTheLock) {
    Handle s;
    create(s, kMiB);
    const Id a = make_id(1);
    ASSERT_EQ(put(s, a, 1000), KAIROS_OK);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {  // a client that pins an object and exits without closing
        kairos_store *c = nullptr;
        if (kairos_store_attach(name_.c_str(), &c) != KAIROS_OK) ::_exit(10);
        const uint8_t *d = nullptr;
        if (kairos_store_get(c, a.data(), 0, &d, nullptr) != KAIROS_OK) ::_exit(11);
        ::_exit(0);
    }
    ASSERT_TRUE(kt::exited_ok(kt::wait_child(pid)));

    uint32_t reaped = 0;
    t_fail_new = kEveryAllocation;
    const int32_t rc = kairos_store_reap_dead_clients(s, &reaped);
    t_fail_new = 0;
    EXPECT_EQ(rc, KAIROS_OK) << kairos_status_name(rc) << ": " << kairos_last_error_detail();
    EXPECT_EQ(reaped, 1u);

    // Is the lock free? Ask from another thread (the same thread would deadlock on a relock).
    pthread_mutex_t *lock = &kairos::store::store_of(s)->header()->lock;
    int trc = -1;
    std::thread([&] { trc = pthread_mutex_trylock(lock); if (trc == 0 || trc == EOWNERDEAD) pthread_mutex_unlock(lock); })
        .join();
    EXPECT_NE(trc, EBUSY) << "a failed reap left the store's lock held: every later call would block forever";
    if (trc == EBUSY) {
        pthread_mutex_unlock(lock);  // held by this thread: let the fixture close
    }
    EXPECT_EQ(stats(s).pinned_objects, 0u);
    EXPECT_EQ(kt::consistency(s), "");
}

}  // namespace

namespace {

// A segment a live creator has just made with O_EXCL and not formatted yet (smaller than a header, no magic) is not
// stale: the creator holds its owner lock (flock) from the O_EXCL open on, so of two concurrent creates of one
// name exactly one succeeds and the other gets KAIROS_ERR_EXISTS.
TEST_F(RecoveryHardeningTest, ConcurrentCreatesOfOneNameNeverBothSucceed) {
    constexpr int kRounds = 150;
    int both = 0;
    for (int round = 0; round < kRounds && both == 0; round++) {
        const std::string name = name_ + "-" + std::to_string(round);
        int go[2], done[2], hold[2];
        ASSERT_EQ(::pipe(go), 0);
        ASSERT_EQ(::pipe(done), 0);
        ASSERT_EQ(::pipe(hold), 0);
        pid_t kids[2];
        for (pid_t &kid : kids) {
            kid = ::fork();
            ASSERT_GE(kid, 0);
            if (kid == 0) {
                ::close(go[1]);
                ::close(done[0]);
                ::close(hold[1]);
                kt::read_byte(go[0], 5000);  // start together
                kairos_store *s = nullptr;
                const int32_t rc = kairos_store_create(name.c_str(), KAIROS_STORE_MIN_CAPACITY, 64, &s);
                const char r = rc == KAIROS_OK ? 'Y' : 'N';
                if (::write(done[1], &r, 1) != 1) ::_exit(3);
                kt::read_byte(hold[0], 5000);  // stay alive (an owner) until the parent has both answers
                ::_exit(0);  // no close: it would unlink the name
            }
        }
        ::close(go[0]);
        ::close(done[1]);
        ::close(hold[0]);
        const char start[2] = {'g', 'g'};
        ASSERT_EQ(::write(go[1], start, 2), 2);
        const int r1 = kt::read_byte(done[0], 5000), r2 = kt::read_byte(done[0], 5000);
        ::close(go[1]);
        ::close(hold[1]);  // EOF releases both children
        ::close(done[0]);
        std::string how;
        for (pid_t kid : kids) how += kt::describe_status(kt::wait_child(kid)) + "; ";
        kt::unlink_segment(name);
        ASSERT_TRUE((r1 == 'Y' || r1 == 'N') && (r2 == 'Y' || r2 == 'N')) << "a child did not answer: " << r1 << " "
                                                                          << r2 << " " << how;
        if (r1 == 'Y' && r2 == 'Y') both = round + 1;
    }
    EXPECT_EQ(both, 0) << "two live processes both created the store (round " << both << " of " << kRounds << ")";
}

}  // namespace

namespace {

// Good-fit rounding moves a request of an odd block size into the next second-level list, so a free block of
// exactly the request's size is invisible to the bitmap search; allocate() must still find it (the fallback scan
// of the request's own list).
TEST(TlsfHardening, ExactSizeHoleIsFoundWhenGoodFitRoundingSkipsItsList) {
    using kairos::store::kGranule;
    using kairos::store::Tlsf;
    using kairos::store::TlsfControl;
    constexpr uint64_t kOffset = 4096, kArena = 256 * 1024;
    for (uint64_t granules : {65u, 97u, 129u, 201u, 515u, 1027u}) {
        uint8_t *base = static_cast<uint8_t *>(std::aligned_alloc(4096, kOffset + kArena));
        ASSERT_NE(base, nullptr);
        TlsfControl control{};
        Tlsf::format(base, &control, kOffset, kArena);
        Tlsf t(base, &control);
        const uint64_t hole_payload = (granules - 1) * kGranule;
        const uint64_t a = t.allocate(hole_payload);
        ASSERT_NE(a, 0u);
        // The rest of the arena in one block, so the freed hole is the only free block.
        const uint64_t b = t.allocate(kArena - granules * kGranule - kGranule);
        ASSERT_NE(b, 0u) << granules;
        t.free(a);
        ASSERT_TRUE(t.check().ok) << t.check().error;
        EXPECT_EQ(t.allocate(hole_payload), a) << "a " << granules << "-granule request missed the exact hole";
        EXPECT_TRUE(t.check().ok) << t.check().error;
        std::free(base);
    }
}

}  // namespace

namespace {

using kairos::store::BlockHeader;
using kairos::store::kGranule;
using kairos::store::LiveBlock;
using kairos::store::Tlsf;
using kairos::store::TlsfControl;

// The allocator's rebuild writes nothing outside the arena, whatever blocks it is handed: blocks past the end,
// running over the end, wrapping around, overlapping an earlier one or misaligned are skipped.
TEST(TlsfHardening, RebuildSkipsBlocksOutsideTheArenaOrBelowTheCursor) {
    constexpr uint64_t kOffset = 4096, kArena = 64 * 1024;
    uint8_t *base = static_cast<uint8_t *>(std::aligned_alloc(4096, kOffset + kArena));
    ASSERT_NE(base, nullptr);
    TlsfControl control{};
    Tlsf::format(base, &control, kOffset, kArena);
    Tlsf t(base, &control);
    const uint64_t a = t.allocate(1000), b = t.allocate(3000);
    ASSERT_NE(a, 0u);
    ASSERT_NE(b, 0u);
    const uint64_t a_size = t.header_of_payload(a)->size, b_size = t.header_of_payload(b)->size;
    const std::vector<LiveBlock> live = {
        {a - kGranule, a_size, 1000},
        {b - kGranule, b_size, 3000},
        {a - kGranule + kGranule, 2 * kGranule, 0},             // inside a: below the cursor
        {kOffset + kArena + 10 * kGranule, 2 * kGranule, 0},    // past the end
        {kOffset + kArena - 2 * kGranule, 4 * kGranule, 0},     // runs over the end
        {UINT64_MAX - kGranule + 1, 2 * kGranule, 0},           // wraps around
        {kOffset + kArena - 8 * kGranule + 8, 2 * kGranule, 0}, // misaligned
        {kOffset + kArena - 8 * kGranule, 0, 0},                // empty
    };
    t.rebuild(live);
    const kairos::store::TlsfCheck c = t.check();
    EXPECT_TRUE(c.ok) << c.error;
    EXPECT_EQ(c.used_blocks, 2u);
    EXPECT_EQ(t.used_bytes(), a_size + b_size);
    EXPECT_EQ(t.header_of_payload(a)->payload_size, 1000u);
    EXPECT_EQ(t.header_of_payload(b)->payload_size, 3000u);
    std::free(base);
}

// Every layout field attach trusts is checked: a header that disagrees with the library or with itself is refused
// with KAIROS_ERR_INCOMPATIBLE and a detail naming the field, and the segment is left as it was.
TEST_F(RecoveryHardeningTest, AttachRefusesEveryInconsistentLayoutField) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    ASSERT_EQ(put(s, make_id(1), 100), KAIROS_OK);
    SegmentHeader *h = kairos::store::store_of(s)->header();
    struct Case {
        const char *field;
        void (*mutate)(SegmentHeader *);
    };
    const Case cases[] = {
        {"header_size", [](SegmentHeader *x) { x->header_size += 4096; }},
        {"max_objects", [](SegmentHeader *x) { x->max_objects = 63; }},
        {"max_objects", [](SegmentHeader *x) { x->max_objects = KAIROS_STORE_MAX_OBJECTS + 1; }},
        {"index_capacity", [](SegmentHeader *x) { x->index_capacity -= 1; }},
        {"index_capacity", [](SegmentHeader *x) { x->index_capacity = x->max_objects; }},
        {"pin_capacity", [](SegmentHeader *x) { x->pin_capacity = 128; }},
        {"pin_capacity", [](SegmentHeader *x) { x->pin_capacity += 16; }},
        {"entries_offset", [](SegmentHeader *x) { x->entries_offset = 0; }},
        {"index_offset", [](SegmentHeader *x) { x->index_offset = x->entries_offset; }},
        {"index_offset", [](SegmentHeader *x) { x->entries_offset = UINT64_MAX - 63; }},
        {"pins_offset", [](SegmentHeader *x) { x->pins_offset = x->index_offset; }},
        {"arena_offset", [](SegmentHeader *x) { x->arena_offset = x->pins_offset; }},
        {"arena_size", [](SegmentHeader *x) { x->arena_size -= 4096; }},
        {"arena_size", [](SegmentHeader *x) { x->arena_size = 64; }},
        {"segment_size", [](SegmentHeader *x) { x->segment_size += 4096; }},
        {"allocator", [](SegmentHeader *x) { x->tlsf.arena_offset += 64; }},
        {"allocator", [](SegmentHeader *x) { x->tlsf.arena_size -= 64; }},
    };
    uint8_t saved[80];
    std::memcpy(saved, h, sizeof(saved));  // magic .. owner_pid: the fixed layout fields
    const TlsfControl saved_tlsf = h->tlsf;
    for (const Case &c : cases) {
        c.mutate(h);
        kairos_store *other = nullptr;
        const int32_t rc = kairos_store_attach(name_.c_str(), &other);
        const std::string detail = kairos_last_error_detail();
        std::memcpy(h, saved, sizeof(saved));
        std::memcpy(&h->tlsf, &saved_tlsf, sizeof(TlsfControl));
        EXPECT_EQ(rc, KAIROS_ERR_INCOMPATIBLE) << c.field << ": " << kairos_status_name(rc);
        EXPECT_NE(detail.find(c.field), std::string::npos) << c.field << " not named in: " << detail;
        EXPECT_EQ(other, nullptr);
        if (other != nullptr) kairos_store_free(other);
    }
    EXPECT_EQ(stats(s).clients, 1u);
    Handle ok;
    attach(ok);
    EXPECT_EQ(get_verify(ok, make_id(1), 100), KAIROS_OK);
    EXPECT_EQ(kairos_store_release(ok, make_id(1).data()), KAIROS_OK);
    EXPECT_EQ(kt::consistency(s), "");
}

// A probe of the id index visits at most its capacity: a table with no empty slot (or one naming an entry beyond
// max_objects) gives KAIROS_ERR_CORRUPT with a detail, not a loop without end or a read outside the entries.
TEST_F(RecoveryHardeningTest, ProbesOfACorruptIndexEndWithCorrupt) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    ASSERT_EQ(put(s, make_id(1), 100), KAIROS_OK);
    SegmentHeader *h = kairos::store::store_of(s)->header();
    auto *ix = reinterpret_cast<uint32_t *>(reinterpret_cast<uint8_t *>(h) + h->index_offset);
    const uint32_t cap = h->index_capacity;
    std::vector<uint32_t> saved(ix, ix + cap);
    for (uint32_t fill : {1u, 1000u}) {  // every slot names entry 1 (another id) / an entry past max_objects
        for (uint32_t i = 0; i < cap; i++) ix[i] = fill;
        const int status = in_child([&]() -> int {
            int32_t out = -1;
            if (kairos_store_contains(s, make_id(99).data(), &out) != KAIROS_ERR_CORRUPT) return 50;
            if (std::string(kairos_last_error_detail()).empty()) return 51;
            const uint8_t *d = nullptr;
            if (kairos_store_get(s, make_id(99).data(), 0, &d, nullptr) != KAIROS_ERR_CORRUPT) return 52;
            uint8_t *w = nullptr;
            if (kairos_store_create_object(s, make_id(99).data(), 10, &w) != KAIROS_ERR_CORRUPT) return 53;
            if (kairos_store_release(s, make_id(99).data()) != KAIROS_ERR_CORRUPT) return 54;
            if (kairos_store_delete(s, make_id(99).data()) != KAIROS_ERR_CORRUPT) return 55;
            return 0;
        });
        EXPECT_TRUE(kt::exited_ok(status)) << "index filled with " << fill << ": " << kt::describe_status(status);
    }
    std::copy(saved.begin(), saved.end(), ix);
    EXPECT_EQ(contains(s, make_id(1)), 1);
    EXPECT_EQ(kt::consistency(s), "");
}

// The same for the pin table: a get or release whose probe finds neither its record nor an empty slot ends with
// KAIROS_ERR_CORRUPT.
TEST_F(RecoveryHardeningTest, ProbesOfAFullPinTableEndWithCorrupt) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    ASSERT_EQ(put(s, make_id(1), 100), KAIROS_OK);
    SegmentHeader *h = kairos::store::store_of(s)->header();
    auto *ps = reinterpret_cast<PinRecord *>(reinterpret_cast<uint8_t *>(h) + h->pins_offset);
    for (uint32_t i = 0; i < h->pin_capacity; i++) ps[i] = PinRecord{1, 7, 1, 0};  // no empty slot, no owner's
    const int status = in_child([&]() -> int {
        const uint8_t *d = nullptr;
        if (kairos_store_get(s, make_id(1).data(), 0, &d, nullptr) != KAIROS_ERR_CORRUPT) return 60;
        if (std::string(kairos_last_error_detail()).find("pin table") == std::string::npos) return 61;
        if (kairos_store_release(s, make_id(1).data()) != KAIROS_ERR_CORRUPT) return 62;
        return 0;
    });
    EXPECT_TRUE(kt::exited_ok(status)) << kt::describe_status(status);
    std::memset(ps, 0, sizeof(PinRecord) * h->pin_capacity);
    EXPECT_EQ(get_verify(s, make_id(1), 100), KAIROS_OK);
    EXPECT_EQ(kairos_store_release(s, make_id(1).data()), KAIROS_OK);
    EXPECT_EQ(kt::consistency(s), "");
}

// Recovery works in place, allocating nothing while it holds the lock: with every allocation failing, the next
// locker still repairs the store (scrambled index, allocator lists and LRU) and keeps every object and pin.
TEST_F(RecoveryHardeningTest, RecoveryAllocatesNothingWhileHoldingTheLock) {
    Handle s;
    create(s, kMiB, 64);
    for (uint64_t i = 0; i < 20; i++) ASSERT_EQ(put(s, make_id(i), 1000 + i), KAIROS_OK);
    for (uint64_t i = 0; i < 3; i++) ASSERT_EQ(get_verify(s, make_id(i), 1000 + i), KAIROS_OK);
    ASSERT_TRUE(die_holding_the_lock(name_, [](SegmentHeader *h) {
        std::memset(reinterpret_cast<uint8_t *>(h) + h->index_offset, 0xa5, sizeof(uint32_t) * h->index_capacity);
        std::memset(h->tlsf.heads, 0x11, sizeof(h->tlsf.heads));
        h->tlsf.fl_bitmap = ~0u;
        h->lru_head = 7;
        h->lru_tail = 3;
        entries_of(h)[6].lru_next = 7;  // a cycle
    }));
    t_fail_new = kEveryAllocation;
    kairos_store_stats st{};
    const int32_t rc = kairos_store_stats_get(s, &st);
    t_fail_new = 0;
    ASSERT_EQ(rc, KAIROS_OK) << kairos_status_name(rc) << ": " << kairos_last_error_detail();
    EXPECT_EQ(st.recoveries, 1u);
    EXPECT_EQ(st.objects, 20u);
    EXPECT_EQ(st.pinned_objects, 3u);
    EXPECT_EQ(kt::consistency(s), "");
    for (uint64_t i = 0; i < 20; i++) {
        EXPECT_EQ(get_verify(s, make_id(i), 1000 + i), KAIROS_OK) << i;
        EXPECT_EQ(kairos_store_release(s, make_id(i).data()), KAIROS_OK);
    }
    for (uint64_t i = 0; i < 3; i++) EXPECT_EQ(kairos_store_release(s, make_id(i).data()), KAIROS_OK);
    EXPECT_EQ(stats(s).pinned_objects, 0u);
    // The arena's free space is whole again: the largest object still fits once everything is deleted.
    for (uint64_t i = 0; i < 20; i++) EXPECT_EQ(kairos_store_delete(s, make_id(i).data()), KAIROS_OK);
    EXPECT_EQ(put(s, make_id(100), kMiB - 64), KAIROS_OK);
    EXPECT_EQ(kt::consistency(s), "");
}

// Closing a client releases every pin it holds by rescanning the pin table in place (no list, no allocation):
// erasing a record shifts later ones back, into the slot just scanned. A table loaded to ~3/4 by three clients,
// with collisions everywhere, ends exactly with the pins of the others.
TEST_F(RecoveryHardeningTest, ClosingClientsWithManyPinsReleasesExactlyTheirPins) {
    Handle s;
    create(s, kMiB, 64);  // pin_capacity 256, at most 192 (object, client) pairs
    for (uint64_t i = 0; i < 64; i++) ASSERT_EQ(put(s, make_id(i), 100), KAIROS_OK);
    Handle c1, c2;
    attach(c1);
    attach(c2);
    for (uint64_t i = 0; i < 64; i++) {
        ASSERT_EQ(get_verify(c1, make_id(i), 100), KAIROS_OK);
        ASSERT_EQ(get_verify(c2, make_id(i), 100), KAIROS_OK);
        ASSERT_EQ(get_verify(c2, make_id(i), 100), KAIROS_OK);
        if (i < 60) ASSERT_EQ(get_verify(s, make_id(i), 100), KAIROS_OK);
    }
    EXPECT_EQ(kt::consistency(s), "");
    t_fail_new = kEveryAllocation;
    const int32_t rc1 = kairos_store_close(c1);
    t_fail_new = 0;
    EXPECT_EQ(rc1, KAIROS_OK) << kairos_last_error_detail();
    EXPECT_EQ(kt::consistency(s), "");
    EXPECT_EQ(stats(s).pinned_objects, 64u);
    EXPECT_EQ(kairos_store_close(c2), KAIROS_OK);
    EXPECT_EQ(kt::consistency(s), "");
    EXPECT_EQ(stats(s).pinned_objects, 60u);
    for (uint64_t i = 0; i < 60; i++) ASSERT_EQ(kairos_store_release(s, make_id(i).data()), KAIROS_OK) << i;
    EXPECT_EQ(stats(s).pinned_objects, 0u);
    EXPECT_EQ(kairos_store_release(s, make_id(0).data()), KAIROS_ERR_WRONG_STATE);
    EXPECT_EQ(kt::consistency(s), "");
}

// The owner's close allocates nothing either, and removes the name even when every allocation fails.
TEST_F(RecoveryHardeningTest, OwnerCloseAllocatesNothingAndRemovesTheName) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    ASSERT_EQ(put(s, make_id(1), 100), KAIROS_OK);
    t_fail_new = kEveryAllocation;
    const int32_t rc = kairos_store_close(s);
    t_fail_new = 0;
    EXPECT_EQ(rc, KAIROS_OK) << kairos_last_error_detail();
    EXPECT_NE(::access(("/dev/shm/kairos-" + name_).c_str(), F_OK), 0) << "the closed owner's name remains";
}

// A segment of the name that nobody holds the owner lock on is stale, whatever it holds (here: 100 bytes that
// are not a store), and create replaces it; one whose owner lock is held (by a live owner, formatted or not) is
// not: KAIROS_ERR_EXISTS, and the segment is left alone.
TEST_F(RecoveryHardeningTest, CreateReplacesASegmentOnlyWhenNobodyHoldsItsOwnerLock) {
    const std::string shm_name = "/kairos-" + name_;
    const int fd = ::shm_open(shm_name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    ASSERT_EQ(::ftruncate(fd, 100), 0);
    ASSERT_EQ(::flock(fd, LOCK_EX), 0);  // as a live owner that has not formatted its segment yet

    kairos_store *c = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_EXISTS, kairos_store_create(name_.c_str(), KAIROS_STORE_MIN_CAPACITY, 0, &c));
    EXPECT_EQ(c, nullptr);
    struct stat mine {}, named {};
    ASSERT_EQ(::fstat(fd, &mine), 0);
    ASSERT_EQ(::stat(("/dev/shm/kairos-" + name_).c_str(), &named), 0) << "the live owner's segment was removed";
    EXPECT_EQ(named.st_ino, mine.st_ino);

    ASSERT_EQ(::flock(fd, LOCK_UN), 0);  // as if its owner died
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    EXPECT_EQ(put(s, make_id(1), 10), KAIROS_OK);
    ASSERT_EQ(::stat(("/dev/shm/kairos-" + name_).c_str(), &named), 0);
    EXPECT_NE(named.st_ino, mine.st_ino) << "the stale segment was not replaced";
    ::close(fd);
}

}  // namespace
