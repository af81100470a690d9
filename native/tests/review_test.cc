// Review tests: each demonstrates a defect found in review (failing until fixed) or guards a subtle property.
//
// Children never return into GoogleTest: they report through their exit code (0 = success) and _exit.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>

#include "test_util.h"

// --- allocation fault injection: while t_fail_new > 0 on a thread, that thread's next operator new throws ---
namespace {
thread_local int t_fail_new = 0;
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

class ReviewTest : public kt::StoreFixture {};

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

// (1) recover() filters "insane" entries, but `e.block_size <= arena_end - block` underflows when the entry's
// block starts past the arena's end, so the entry is kept and Tlsf::rebuild writes block headers outside the arena.
TEST_F(ReviewTest, RecoveryDropsAnEntryWhoseBlockLiesPastTheArenaEnd) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY, 64);
    const Id a = make_id(1), b = make_id(2);
    ASSERT_EQ(put(s, a, 1000), KAIROS_OK);
    ASSERT_EQ(put(s, b, 2000), KAIROS_OK);
    SegmentHeader *h0 = kairos::store::store_of(s)->header();
    const uint64_t saved = entries_of(h0)[0].payload_offset;
    ASSERT_TRUE(die_holding_the_lock(name_, [](SegmentHeader *h) {
        // Half-written entry 0: its payload offset points far past the arena (a stale or torn write).
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

// (1) attach checks magic, version and total size, but none of the geometry the code then trusts (table
// offsets, capacities, arena bounds). A segment whose header places a table outside the segment is attached
// and the first call dereferences memory outside the mapping.
TEST_F(ReviewTest, AttachRefusesASegmentWhoseIndexLiesOutsideTheSegment) {
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

// (2) recover() keeps every pin record that names a sealed entry and an attached client, with no bound: it can
// fill the pin table completely. pin_find()/unpin() then probe for an absent key forever (no empty slot).
TEST_F(ReviewTest, RecoveryNeverLeavesThePinTableFullSoALookupTerminates) {
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

// (2) Three paths take the segment lock without a scope guard and allocate (std::vector) while holding it:
// reap_dead_clients, close, and lock()->recover(). A bad_alloc there unwinds to guarded(), which reports
// KAIROS_ERR_NO_MEMORY, but the robust mutex stays locked by a live thread: every later call, in every
// process, blocks forever.
TEST_F(ReviewTest, OutOfMemoryWhileReapingDoesNotLeaveTheLockHeld) {
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
    t_fail_new = 1;  // the reap's first allocation (the dead client's pin list) fails
    const int32_t rc = kairos_store_reap_dead_clients(s, &reaped);
    t_fail_new = 0;
    EXPECT_EQ(rc, KAIROS_ERR_NO_MEMORY) << "the injected failure was not hit: " << kairos_status_name(rc);

    // Is the lock free? Ask from another thread (the same thread would deadlock on a relock).
    pthread_mutex_t *lock = &kairos::store::store_of(s)->header()->lock;
    int trc = -1;
    std::thread([&] { trc = pthread_mutex_trylock(lock); if (trc == 0 || trc == EOWNERDEAD) pthread_mutex_unlock(lock); })
        .join();
    EXPECT_NE(trc, EBUSY) << "a failed reap left the store's lock held: every later call would block forever";
    if (trc == EBUSY) {
        pthread_mutex_unlock(lock);  // held by this thread: let the fixture close
    }
}

}  // namespace

namespace {

// (2) Store::create: a competitor that meets EEXIST opens the segment and calls it stale when it is smaller than a
// header or has no magic yet, which is exactly the state of a segment a live creator has just made with O_EXCL
// and not yet formatted. The competitor then unlinks it and creates its own: both calls succeed, and the first
// "owner" holds a segment nobody can attach to. The header promises KAIROS_ERR_EXISTS while the owner lives.
TEST_F(ReviewTest, ConcurrentCreatesOfOneNameNeverBothSucceed) {
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
