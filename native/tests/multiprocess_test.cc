// Several processes sharing one store: attach, cross-process reads and writes, a lock holder killed while holding
// the lock, clients that die without closing, a store whose owner died.
//
// Children never return into GoogleTest: they report through their exit code (0 = success) and _exit.
// Every test forks before it creates any thread.
#include <gtest/gtest.h>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace {

using kt::contains;
using kt::get_verify;
using kt::Handle;
using kt::Id;
using kt::make_id;
using kt::put;
using kt::stats;

class MultiProcessTest : public kt::StoreFixture {};

constexpr uint64_t kMiB = 1024 * 1024;

uint64_t parent_size(uint64_t i) { return 1000 + 3000 * i; }
uint64_t child_size(uint64_t c, uint64_t j) { return 500 + 700 * c + 100 * j; }
constexpr uint64_t kParentObjects = 4;
constexpr uint64_t kChildObjects = 3;

[[noreturn]] void attach_read_create_child(const std::string &name, uint64_t c) {
    kairos_store *s = nullptr;
    if (kairos_store_attach(name.c_str(), &s) != KAIROS_OK) ::_exit(10);
    int32_t client = -1;
    if (kairos_store_client_id(s, &client) != KAIROS_OK || client <= 0) ::_exit(11);
    for (uint64_t i = 0; i < kParentObjects; i++) {
        if (get_verify(s, make_id(1, i), parent_size(i)) != KAIROS_OK) ::_exit(12);
        if (kairos_store_release(s, make_id(1, i).data()) != KAIROS_OK) ::_exit(13);
    }
    for (uint64_t j = 0; j < kChildObjects; j++) {
        if (put(s, make_id(2 + c, j), child_size(c, j)) != KAIROS_OK) ::_exit(14);
    }
    if (kairos_store_free(s) != KAIROS_OK) ::_exit(15);
    ::_exit(0);
}

TEST_F(MultiProcessTest, ChildProcessesAttachReadTheParentsObjectsAndCreateTheirOwn) {
    Handle s;
    create(s, 4 * kMiB);
    for (uint64_t i = 0; i < kParentObjects; i++) ASSERT_EQ(put(s, make_id(1, i), parent_size(i)), KAIROS_OK);

    constexpr uint64_t kChildren = 3;
    std::vector<pid_t> pids;
    for (uint64_t c = 0; c < kChildren; c++) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0) << "fork failed";
        if (pid == 0) attach_read_create_child(name_, c);
        pids.push_back(pid);
    }
    for (uint64_t c = 0; c < kChildren; c++) {
        const int status = kt::wait_child(pids[c]);
        EXPECT_TRUE(kt::exited_ok(status)) << "child " << c << ": " << kt::describe_status(status);
    }
    for (uint64_t c = 0; c < kChildren; c++) {
        for (uint64_t j = 0; j < kChildObjects; j++) {
            EXPECT_EQ(get_verify(s, make_id(2 + c, j), child_size(c, j)), KAIROS_OK) << c << "/" << j;
            EXPECT_EQ(kairos_store_release(s, make_id(2 + c, j).data()), KAIROS_OK);
        }
    }
    const kairos_store_stats st = stats(s);
    EXPECT_EQ(st.clients, 1u) << "every child closed";
    EXPECT_EQ(st.pinned_objects, 0u);
    EXPECT_EQ(st.objects, kParentObjects + kChildren * kChildObjects);
    EXPECT_EQ(st.sealed_objects, st.objects);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(MultiProcessTest, GetInAnotherProcessWakesWhenTheObjectIsSealed) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(5);
    const uint64_t size = 6000;
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(s, id.data(), size, &w), KAIROS_OK);
    kt::fill(w, size, id);

    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        kairos_store *c = nullptr;
        if (kairos_store_attach(name_.c_str(), &c) != KAIROS_OK) ::_exit(10);
        if (get_verify(c, id, size, 15'000'000'000) != KAIROS_OK) ::_exit(11);
        ::_exit(kairos_store_free(c) == KAIROS_OK ? 0 : 12);
    }
    kairos::store::SegmentHeader *hdr = kairos::store::store_of(s)->header();
    const bool waiting =
        kt::eventually([&] { return __atomic_load_n(&hdr->seal_waiters, __ATOMIC_ACQUIRE) > 0; }, std::chrono::seconds(10));
    EXPECT_TRUE(waiting) << "the child was never seen waiting";
    EXPECT_EQ(kairos_store_seal(s, id.data()), KAIROS_OK);  // not ASSERT: the child must still be waited for
    const auto sealed_at = kt::Clock::now();
    const int status = kt::wait_child(pid);
    EXPECT_TRUE(kt::exited_ok(status)) << kt::describe_status(status);
    EXPECT_LT(kt::Clock::now() - sealed_at, std::chrono::seconds(5)) << "the seal should wake the other process";
    EXPECT_EQ(stats(s).pinned_objects, 0u) << "the child's pin went with its close";
}

TEST_F(MultiProcessTest, KilledLockHolderIsRecoveredByTheNextLocker) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    const uint64_t size = 12000;
    const Id c_id = make_id(3), a_id = make_id(1), b_id = make_id(2), u_id = make_id(99);
    ASSERT_EQ(put(s, c_id, size), KAIROS_OK);  // first, so it sits at one end of the arena
    ASSERT_EQ(get_verify(s, c_id, size), KAIROS_OK);  // the parent's own pin
    ASSERT_EQ(put(s, a_id, size), KAIROS_OK);
    ASSERT_EQ(put(s, b_id, size), KAIROS_OK);

    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::close(fds[0]);
        kairos_store *c = nullptr;
        if (kairos_store_attach(name_.c_str(), &c) != KAIROS_OK) ::_exit(10);
        if (get_verify(c, a_id, size) != KAIROS_OK) ::_exit(11);
        if (get_verify(c, b_id, size) != KAIROS_OK) ::_exit(12);
        uint8_t *w = nullptr;
        if (kairos_store_create_object(c, u_id.data(), 4000, &w) != KAIROS_OK) ::_exit(13);
        std::memset(w, 0xee, 2000);  // half written
        kairos::store::Store *impl = kairos::store::store_of(c);
        if (impl == nullptr || impl->lock_for_test() != KAIROS_OK) ::_exit(14);
        const char locked = 'L';
        if (::write(fds[1], &locked, 1) != 1) ::_exit(15);
        for (;;) ::pause();
    }
    ::close(fds[1]);
    const int got = kt::read_byte(fds[0], 10000);
    ::close(fds[0]);
    ::kill(pid, SIGKILL);
    const int status = kt::wait_child(pid);
    ASSERT_EQ(got, 'L') << "the child did not take the lock: " << kt::describe_status(status);
    ASSERT_TRUE(status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << kt::describe_status(status);

    // The next operation takes the orphaned lock and repairs the store.
    kairos_store_stats st{};
    ASSERT_EQ(kairos_store_stats_get(s, &st), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_GE(st.recoveries, 1u);
    EXPECT_EQ(st.pinned_objects, 1u) << "only the parent's own pin remains";
    EXPECT_EQ(st.objects, 3u) << "the child's unsealed object is gone";
    EXPECT_EQ(st.sealed_objects, 3u);
    EXPECT_EQ(st.clients, 1u);
    EXPECT_EQ(kt::consistency(s), "");
    const uint8_t *r = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_get(s, u_id.data(), 0, &r, nullptr));

    // The objects the child pinned are evictable again: a big object needs the room of both (the free tail plus
    // either one is too small, whichever of the two the LRU list offers first), and gets it; the parent's pinned
    // object stays.
    const Id big = make_id(50);
    const uint64_t big_size = 45000;
    ASSERT_EQ(put(s, big, big_size), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_EQ(contains(s, a_id), 0);
    EXPECT_EQ(contains(s, b_id), 0);
    EXPECT_EQ(contains(s, c_id), 1);
    EXPECT_EQ(stats(s).evictions, 2u);
    EXPECT_EQ(get_verify(s, big, big_size), KAIROS_OK);
    EXPECT_EQ(kairos_store_release(s, big.data()), KAIROS_OK);
    EXPECT_EQ(kairos_store_release(s, c_id.data()), KAIROS_OK);
    EXPECT_EQ(get_verify(s, c_id, size), KAIROS_OK) << "the parent's object survived intact";
    EXPECT_EQ(kairos_store_release(s, c_id.data()), KAIROS_OK);
    EXPECT_EQ(stats(s).pinned_objects, 0u);
    EXPECT_EQ(kt::consistency(s), "");

    // The store works normally afterwards, and a new client can attach.
    Handle again;
    attach(again);
    EXPECT_EQ(get_verify(again, big, big_size), KAIROS_OK);
    EXPECT_EQ(kairos_store_release(again, big.data()), KAIROS_OK);
    EXPECT_EQ(stats(s).recoveries, st.recoveries) << "no further recovery needed";
}

TEST_F(MultiProcessTest, RecoveryRebuildsStateTheDeadLockHolderLeftHalfWritten) {
    Handle s;
    create(s, kMiB);
    constexpr uint64_t kObjects = 20;
    for (uint64_t i = 0; i < kObjects; i++) ASSERT_EQ(put(s, make_id(i), 1000 + 97 * i), KAIROS_OK);
    ASSERT_EQ(get_verify(s, make_id(0), 1000), KAIROS_OK);  // the parent's pin
    ASSERT_EQ(kairos_store_delete(s, make_id(1).data()), KAIROS_OK);  // leaves a hole in the arena

    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::close(fds[0]);
        kairos_store *c = nullptr;
        if (kairos_store_attach(name_.c_str(), &c) != KAIROS_OK) ::_exit(10);
        if (get_verify(c, make_id(2), 1000 + 97 * 2) != KAIROS_OK) ::_exit(11);
        kairos::store::Store *impl = kairos::store::store_of(c);
        if (impl == nullptr || impl->lock_for_test() != KAIROS_OK) ::_exit(12);
        // Die in the middle of an update: the allocator's lists, the index and the counters are garbage.
        kairos::store::SegmentHeader *h = impl->header();
        h->tlsf.fl_bitmap = 0xffffffffu;
        std::memset(h->tlsf.sl_bitmap, 0xff, sizeof(h->tlsf.sl_bitmap));
        std::memset(h->tlsf.heads, 0x11, sizeof(h->tlsf.heads));
        h->tlsf.used_bytes = 1;
        h->tlsf.used_blocks = 3;
        h->objects = 12345;
        h->sealed_objects = 7;
        h->pinned_objects = 99;
        h->lru_head = 0xffffu;
        h->lru_tail = 0xfffeu;
        std::memset(reinterpret_cast<uint8_t *>(h) + h->index_offset, 0xff, sizeof(uint32_t) * h->index_capacity);
        const char locked = 'L';
        if (::write(fds[1], &locked, 1) != 1) ::_exit(13);
        for (;;) ::pause();
    }
    ::close(fds[1]);
    const int got = kt::read_byte(fds[0], 10000);
    ::close(fds[0]);
    ::kill(pid, SIGKILL);
    const int status = kt::wait_child(pid);
    ASSERT_EQ(got, 'L') << "the child did not take the lock: " << kt::describe_status(status);

    const kairos_store_stats st = stats(s);
    EXPECT_GE(st.recoveries, 1u);
    EXPECT_EQ(st.objects, kObjects - 1);
    EXPECT_EQ(st.sealed_objects, kObjects - 1);
    EXPECT_EQ(st.pinned_objects, 1u);
    EXPECT_EQ(st.clients, 1u);
    EXPECT_EQ(kt::consistency(s), "");
    for (uint64_t i = 2; i < kObjects; i++) {
        EXPECT_EQ(get_verify(s, make_id(i), 1000 + 97 * i), KAIROS_OK) << i;
        EXPECT_EQ(kairos_store_release(s, make_id(i).data()), KAIROS_OK);
    }
    EXPECT_EQ(contains(s, make_id(1)), 0);
    // Allocation works around the surviving objects, through eviction, and the store stays consistent.
    for (uint64_t i = 100; i < 400; i++) ASSERT_EQ(put(s, make_id(i), 8000), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_GT(stats(s).evictions, 0u);
    EXPECT_EQ(contains(s, make_id(0)), 1) << "the parent's pinned object is never evicted";
    EXPECT_EQ(get_verify(s, make_id(0), 1000), KAIROS_OK);
    EXPECT_EQ(kairos_store_release(s, make_id(0).data()), KAIROS_OK);
    EXPECT_EQ(kairos_store_release(s, make_id(0).data()), KAIROS_OK);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(MultiProcessTest, ReapReleasesThePinsAndUnsealedObjectsOfAClientThatExitedWithoutClosing) {
    Handle s;
    create(s, kMiB);
    const Id a_id = make_id(1), b_id = make_id(2), u_id = make_id(3);
    ASSERT_EQ(put(s, a_id, 1000), KAIROS_OK);
    ASSERT_EQ(put(s, b_id, 2000), KAIROS_OK);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        kairos_store *c = nullptr;
        if (kairos_store_attach(name_.c_str(), &c) != KAIROS_OK) ::_exit(10);
        if (get_verify(c, a_id, 1000) != KAIROS_OK) ::_exit(11);
        if (get_verify(c, b_id, 2000) != KAIROS_OK) ::_exit(12);
        if (get_verify(c, b_id, 2000) != KAIROS_OK) ::_exit(13);  // two pins on b
        uint8_t *w = nullptr;
        if (kairos_store_create_object(c, u_id.data(), 3000, &w) != KAIROS_OK) ::_exit(14);
        ::_exit(0);  // no close
    }
    const int status = kt::wait_child(pid);
    ASSERT_TRUE(kt::exited_ok(status)) << kt::describe_status(status);
    // Deleting an object the dead client still pins only hides it until the reap.
    ASSERT_EQ(kairos_store_delete(s, a_id.data()), KAIROS_OK);
    EXPECT_EQ(contains(s, a_id), 0);

    uint32_t reaped = 0;
    ASSERT_EQ(kairos_store_reap_dead_clients(s, &reaped), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_GE(reaped, 1u);
    const kairos_store_stats st = stats(s);
    EXPECT_EQ(st.pinned_objects, 0u);
    EXPECT_EQ(st.clients, 1u);
    EXPECT_GE(st.dead_clients_reaped, 1u);
    EXPECT_EQ(st.objects, 1u) << "the dead client's unsealed object is aborted, the hidden one freed";
    const uint8_t *r = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_get(s, u_id.data(), 0, &r, nullptr));

    // Unpinned now: a delete frees at once.
    const uint64_t used = st.bytes_used;
    ASSERT_EQ(kairos_store_delete(s, b_id.data()), KAIROS_OK);
    EXPECT_LT(stats(s).bytes_used, used);
    ASSERT_EQ(kairos_store_reap_dead_clients(s, &reaped), KAIROS_OK);
    EXPECT_EQ(reaped, 0u) << "nothing left to reap";
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(MultiProcessTest, AttachToAFullClientTableReapsADeadClient) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        kairos_store *c = nullptr;
        ::_exit(kairos_store_attach(name_.c_str(), &c) == KAIROS_OK ? 0 : 10);  // dies attached
    }
    const int status = kt::wait_child(pid);
    ASSERT_TRUE(kt::exited_ok(status)) << kt::describe_status(status);
    // Owner + dead child + these = every slot.
    std::vector<kairos_store *> clients;
    for (int i = 2; i < KAIROS_STORE_MAX_CLIENTS; i++) {
        kairos_store *c = nullptr;
        ASSERT_EQ(kairos_store_attach(name_.c_str(), &c), KAIROS_OK) << i << ": " << kairos_last_error_detail();
        clients.push_back(c);
    }
    kairos_store *extra = nullptr;
    EXPECT_EQ(kairos_store_attach(name_.c_str(), &extra), KAIROS_OK)
        << "the dead child's slot should be reaped: " << kairos_last_error_detail();
    if (extra != nullptr) clients.push_back(extra);
    EXPECT_GE(stats(s).dead_clients_reaped, 1u);
    EXPECT_EQ(stats(s).clients, static_cast<uint64_t>(KAIROS_STORE_MAX_CLIENTS));
    for (kairos_store *c : clients) EXPECT_EQ(kairos_store_free(c), KAIROS_OK);
    EXPECT_EQ(stats(s).clients, 1u);
}

TEST_F(MultiProcessTest, SecondCreateFromAnotherProcessWhileTheOwnerLivesIsExists) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    ASSERT_EQ(put(s, make_id(1), 10), KAIROS_OK);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        kairos_store *c = nullptr;
        const int32_t rc = kairos_store_create(name_.c_str(), KAIROS_STORE_MIN_CAPACITY, 0, &c);
        ::_exit(rc == KAIROS_ERR_EXISTS && c == nullptr ? 0 : 10);
    }
    const int status = kt::wait_child(pid);
    EXPECT_TRUE(kt::exited_ok(status)) << kt::describe_status(status);
    EXPECT_EQ(contains(s, make_id(1)), 1);
}

// A child creates the store `name`, puts an object and dies without closing: its segment stays behind.
void leave_a_dead_owners_segment(const std::string &name) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        kairos_store *c = nullptr;
        if (kairos_store_create(name.c_str(), KAIROS_STORE_MIN_CAPACITY, 0, &c) != KAIROS_OK) ::_exit(10);
        if (put(c, make_id(1), 100) != KAIROS_OK) ::_exit(11);
        ::_exit(0);
    }
    const int status = kt::wait_child(pid);
    ASSERT_TRUE(kt::exited_ok(status)) << kt::describe_status(status);
    ASSERT_EQ(::access(("/dev/shm/kairos-" + name).c_str(), F_OK), 0) << "the dead owner's segment should remain";
}

TEST_F(MultiProcessTest, CreateReplacesAStoreWhoseOwnerDied) {
    ASSERT_NO_FATAL_FAILURE(leave_a_dead_owners_segment(name_));

    Handle s;
    create(s, 2 * KAIROS_STORE_MIN_CAPACITY);
    const kairos_store_stats st = stats(s);
    EXPECT_EQ(st.objects, 0u) << "a fresh store, not the dead owner's";
    EXPECT_EQ(st.capacity, 2u * KAIROS_STORE_MIN_CAPACITY);
    EXPECT_EQ(st.clients, 1u);
    EXPECT_EQ(contains(s, make_id(1)), 0);
    ASSERT_EQ(put(s, make_id(1), 100), KAIROS_OK);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(MultiProcessTest, RemoveStaleRemovesADeadOwnersSegmentOnly) {
    const std::string path = "/dev/shm/kairos-" + name_;
    EXPECT_EQ(kairos_store_remove_stale(name_.c_str()), KAIROS_ERR_NOT_FOUND);
    EXPECT_EQ(kairos_store_remove_stale(nullptr), KAIROS_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(kairos_store_remove_stale("../etc"), KAIROS_ERR_INVALID_ARGUMENT);
    {
        Handle live;
        create(live, KAIROS_STORE_MIN_CAPACITY);
        EXPECT_EQ(kairos_store_remove_stale(name_.c_str()), KAIROS_ERR_EXISTS) << "a live owner keeps its segment";
        EXPECT_EQ(::access(path.c_str(), F_OK), 0);
    }
    ASSERT_NO_FATAL_FAILURE(leave_a_dead_owners_segment(name_));
    EXPECT_EQ(kairos_store_remove_stale(name_.c_str()), KAIROS_OK);
    EXPECT_NE(::access(path.c_str(), F_OK), 0);

    FILE *other = std::fopen(path.c_str(), "w");  // named like a store, but not one
    ASSERT_NE(other, nullptr);
    std::fputs("not a store", other);
    std::fclose(other);
    EXPECT_EQ(kairos_store_remove_stale(name_.c_str()), KAIROS_ERR_WRONG_STATE);
    EXPECT_EQ(::access(path.c_str(), F_OK), 0);
    ::unlink(path.c_str());
}

// Eviction while another process holds a pin: a child attaches and pins one object, the parent then needs the store
// several times over; the pinned object is never evicted nor its memory reused (the child reads it intact after the
// churn, through the pointer its get returned). Once the child has released it (first case) or has died holding it
// (second case: the allocator reaps a dead client's pins once it finds nothing else to evict), it is evicted like any
// other.
struct PinLog {
    std::vector<Id> ids;
};

void record_pin_eviction(void *user, const uint8_t *id, const uint8_t *, uint64_t) {
    Id i{};
    std::memcpy(i.data(), id, i.size());
    static_cast<PinLog *>(user)->ids.push_back(i);
}

// The child: attaches, pins the object, says 'P', waits for 'G' (or is killed), verifies the bytes at the pointer its
// get returned, releases, closes. Exit 0 when the bytes were intact.
[[noreturn]] void pin_child(const std::string &name, const Id &id, uint64_t size, int to_parent, int from_parent) {
    kairos_store *c = nullptr;
    if (kairos_store_attach(name.c_str(), &c) != KAIROS_OK) ::_exit(10);
    const uint8_t *data = nullptr;
    uint64_t got = 0;
    if (kairos_store_get(c, id.data(), 0, &data, &got) != KAIROS_OK || got != size || !kt::verify(data, size, id)) {
        ::_exit(11);
    }
    const char pinned = 'P';
    if (::write(to_parent, &pinned, 1) != 1) ::_exit(12);
    if (kt::read_byte(from_parent, 20000) != 'G') ::_exit(13);
    if (!kt::verify(data, size, id)) ::_exit(14);  // evicted or overwritten under the pin
    if (kairos_store_release(c, id.data()) != KAIROS_OK) ::_exit(15);
    ::_exit(kairos_store_free(c) == KAIROS_OK ? 0 : 16);
}

class PinnedEvictionTest : public MultiProcessTest, public ::testing::WithParamInterface<bool> {};

TEST_P(PinnedEvictionTest, AnObjectAnotherProcessPinsIsNeverEvictedUntilItsPinGoes) {
    const bool child_dies = GetParam();
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    PinLog log;
    ASSERT_EQ(kairos_store_set_eviction_callback(s, record_pin_eviction, &log), KAIROS_OK);
    const uint64_t size = 4096 - KAIROS_STORE_ALIGNMENT;  // one 4 KiB block each: about 14 fit
    const Id pinned = make_id(7);
    ASSERT_EQ(put(s, pinned, size), KAIROS_OK);  // the oldest: the first eviction would take it
    int up[2], down[2];
    ASSERT_EQ(::pipe(up), 0);
    ASSERT_EQ(::pipe(down), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::close(up[0]);
        ::close(down[1]);
        pin_child(name_, pinned, size, up[1], down[0]);
    }
    ::close(up[1]);
    ::close(down[0]);
    const int said = kt::read_byte(up[0], 20000);
    if (said != 'P') ::kill(pid, SIGKILL);
    ASSERT_EQ(said, 'P') << "the child did not pin: " << kt::describe_status(kt::wait_child(pid));

    for (uint64_t i = 0; i < 100; i++) {  // about seven stores' worth
        const int32_t rc = put(s, make_id(1000 + i), size);
        EXPECT_EQ(rc, KAIROS_OK) << i << ": " << kairos_last_error_detail();
        if (rc != KAIROS_OK) break;
    }
    EXPECT_GE(log.ids.size(), 80u) << "the churn evicted";
    EXPECT_EQ(std::count(log.ids.begin(), log.ids.end(), pinned), 0) << "a pinned object was evicted";
    EXPECT_EQ(contains(s, pinned), 1);
    EXPECT_EQ(stats(s).pinned_objects, 1u) << "the child's pin";

    int status;
    if (child_dies) {
        ::kill(pid, SIGKILL);
        status = kt::wait_child(pid);
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << kt::describe_status(status);
    } else {
        const char go = 'G';
        EXPECT_EQ(::write(down[1], &go, 1), 1);
        status = kt::wait_child(pid);
        EXPECT_TRUE(kt::exited_ok(status)) << "the child found its pinned bytes changed: " << kt::describe_status(status);
    }
    ::close(up[0]);
    ::close(down[1]);

    // Released, it goes with the next evictions. A dead client's pin is reaped when the allocator finds nothing else
    // to evict: the parent pins what it puts, so the room runs out.
    const uint64_t reaped = stats(s).dead_clients_reaped;
    std::vector<Id> held;
    for (uint64_t i = 0; i < 100 && contains(s, pinned) == 1; i++) {
        const Id id = make_id(2000 + i);
        ASSERT_EQ(put(s, id, size), KAIROS_OK) << i << ": " << kairos_last_error_detail();
        if (child_dies) {
            ASSERT_EQ(get_verify(s, id, size), KAIROS_OK);
            held.push_back(id);
        }
    }
    EXPECT_EQ(contains(s, pinned), 0) << "unpinned, it is evicted like any other";
    EXPECT_EQ(std::count(log.ids.begin(), log.ids.end(), pinned), 1);
    if (child_dies) EXPECT_EQ(stats(s).dead_clients_reaped, reaped + 1) << "the dead child's pin was reaped";
    for (const Id &id : held) EXPECT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
    EXPECT_EQ(stats(s).pinned_objects, 0u);
    EXPECT_EQ(kt::consistency(s), "");
}

INSTANTIATE_TEST_SUITE_P(ChildReleasesOrDies, PinnedEvictionTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool> &info) {
                             return info.param ? std::string("ChildDies") : std::string("ChildReleases");
                         });

}  // namespace
