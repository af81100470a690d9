// Helpers shared by the store tests (not a test source itself: only *_test.cc files are compiled).
#ifndef KAIROS_TESTS_TEST_UTIL_H
#define KAIROS_TESTS_TEST_UTIL_H

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>

#include "kairos/store.h"
#include "store/store_impl.h"

// Expects expr to fail with code and to leave a non-empty kairos_last_error_detail() on this thread.
#define KT_EXPECT_FAILS_WITH(code, expr)                                                              \
    do {                                                                                              \
        const int32_t kt_rc_ = (expr);                                                                \
        EXPECT_EQ(kt_rc_, (code)) << #expr << " gave " << kairos_status_name(kt_rc_) << ": "          \
                                  << kairos_last_error_detail();                                     \
        EXPECT_STRNE(kairos_last_error_detail(), "") << #expr << " left no error detail";             \
    } while (0)

namespace kt {

using Id = std::array<uint8_t, KAIROS_OBJECT_ID_SIZE>;
using Clock = std::chrono::steady_clock;

inline Id make_id(uint64_t a, uint64_t b = 0) {
    Id id{};
    std::memcpy(id.data(), &a, 8);
    std::memcpy(id.data() + 8, &b, 8);
    return id;
}

// The content every test object carries: a function of its id and the byte index, so that any reader (another
// thread, another process, the eviction callback) can verify it without knowing who wrote it.
inline uint8_t content_byte(const Id &id, uint64_t i) {
    uint64_t a, b;
    std::memcpy(&a, id.data(), 8);
    std::memcpy(&b, id.data() + 8, 8);
    const uint64_t x = (a * 0x9e3779b97f4a7c15ull) ^ (b * 0xc2b2ae3d27d4eb4full) ^ (i * 0x165667b19e3779f9ull);
    return static_cast<uint8_t>(x >> 56);
}

inline void fill(uint8_t *data, uint64_t size, const Id &id) {
    for (uint64_t i = 0; i < size; i++) data[i] = content_byte(id, i);
}

inline bool verify(const uint8_t *data, uint64_t size, const Id &id) {
    for (uint64_t i = 0; i < size; i++) {
        if (data[i] != content_byte(id, i)) return false;
    }
    return true;
}

inline uint64_t size_prefix(const uint8_t *data) {
    uint64_t v;
    std::memcpy(&v, data + KAIROS_OBJECT_SIZE_PREFIX_OFFSET, sizeof(v));
    return v;
}

// Creates, fills and seals an object; returns the first failing status.
inline int32_t put(kairos_store *s, const Id &id, uint64_t size) {
    uint8_t *data = nullptr;
    int32_t rc = kairos_store_create_object(s, id.data(), size, &data);
    if (rc != KAIROS_OK) return rc;
    fill(data, size, id);
    return kairos_store_seal(s, id.data());
}

// Gets (pins) an object and checks its size and content; returns the status, or -100 on a content mismatch.
inline int32_t get_verify(kairos_store *s, const Id &id, uint64_t expected_size, int64_t timeout_ns = 0) {
    const uint8_t *data = nullptr;
    uint64_t size = 0;
    const int32_t rc = kairos_store_get(s, id.data(), timeout_ns, &data, &size);
    if (rc != KAIROS_OK) return rc;
    if (size != expected_size || size_prefix(data) != size || !verify(data, size, id)) return -100;
    return KAIROS_OK;
}

inline int32_t contains(kairos_store *s, const Id &id) {
    int32_t out = -1;
    const int32_t rc = kairos_store_contains(s, id.data(), &out);
    return rc == KAIROS_OK ? out : rc;
}

inline kairos_store_stats stats(kairos_store *s) {
    kairos_store_stats st{};
    EXPECT_EQ(kairos_store_stats_get(s, &st), KAIROS_OK);
    return st;
}

inline std::string consistency(kairos_store *s) {
    kairos::store::Store *impl = kairos::store::store_of(s);
    if (impl == nullptr) return "store_of returned null";
    return impl->check_consistency();
}

// "gt-<Suite>.<Test>-<pid>": unique per test and per process.
inline std::string unique_name(const char *suffix = "") {
    const ::testing::TestInfo *info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("gt-") + info->test_suite_name() + "." + info->name() + "-" +
                       std::to_string(::getpid()) + suffix;
    for (char &c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        if (!ok) c = '_';
    }
    return name;
}

inline void unlink_segment(const std::string &name) { ::shm_unlink(("/kairos-" + name).c_str()); }

// Waits for a child with a deadline (a short WNOHANG poll loop); kills it if the deadline passes.
// Returns the raw wait status, or -1 if it had to be killed.
inline int wait_child(pid_t pid, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return -2;
        if (Clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return -1;
        }
        const timespec ts{0, 1000000};  // 1 ms
        ::nanosleep(&ts, nullptr);
    }
}

inline bool exited_ok(int status) { return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0; }

inline std::string describe_status(int status) {
    if (status == -1) return "timed out (killed)";
    if (status < 0) return "waitpid failed";
    if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
}

// Reads one byte from fd, waiting at most timeout; returns the byte, or -1.
inline int read_byte(int fd, int timeout_ms = 10000) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return -1;
    unsigned char c = 0;
    if (::read(fd, &c, 1) != 1) return -1;
    return c;
}

// Polls pred until it holds or the deadline passes (bounded; for observing another thread's state).
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = Clock::now() + timeout;
    while (!pred()) {
        if (Clock::now() > deadline) return false;
        const timespec ts{0, 100000};  // 0.1 ms
        ::nanosleep(&ts, nullptr);
    }
    return true;
}

// Owns a C ABI handle.
struct Handle {
    kairos_store *h = nullptr;
    Handle() = default;
    explicit Handle(kairos_store *s) : h(s) {}
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    ~Handle() { reset(); }
    void reset() {
        if (h != nullptr) kairos_store_free(h);
        h = nullptr;
    }
    kairos_store *get() const { return h; }
    operator kairos_store *() const { return h; }
};

// A fixture with a unique store name; removes a leftover segment of that name afterwards.
class StoreFixture : public ::testing::Test {
protected:
    void SetUp() override { name_ = unique_name(); }
    void TearDown() override { unlink_segment(name_); }

    // Creates the store (asserting success) into handle.
    void create(Handle &handle, uint64_t capacity, uint32_t max_objects = 0) {
        kairos_store *s = nullptr;
        ASSERT_EQ(kairos_store_create(name_.c_str(), capacity, max_objects, &s), KAIROS_OK)
            << kairos_last_error_detail();
        ASSERT_NE(s, nullptr);
        handle.h = s;
    }
    void attach(Handle &handle) {
        kairos_store *s = nullptr;
        ASSERT_EQ(kairos_store_attach(name_.c_str(), &s), KAIROS_OK) << kairos_last_error_detail();
        ASSERT_NE(s, nullptr);
        handle.h = s;
    }

    std::string name_;
};

}  // namespace kt

#endif
