// The store through its C ABI, within one process (threads included).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
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

class StoreTest : public kt::StoreFixture {};

constexpr uint64_t kMiB = 1024 * 1024;

// ------------------------------------------------------------------------------------------------------------
// versions and names

TEST(StoreAbi, AbiVersionMatchesHeader) { EXPECT_EQ(kairos_store_abi_version(), KAIROS_STORE_ABI_VERSION); }

TEST(StoreAbi, StatusNameNamesEveryCode) {
    const std::pair<int32_t, const char *> names[] = {
        {KAIROS_OK, "KAIROS_OK"},
        {KAIROS_ERR_INVALID_ARGUMENT, "KAIROS_ERR_INVALID_ARGUMENT"},
        {KAIROS_ERR_CLOSED, "KAIROS_ERR_CLOSED"},
        {KAIROS_ERR_EXISTS, "KAIROS_ERR_EXISTS"},
        {KAIROS_ERR_NOT_FOUND, "KAIROS_ERR_NOT_FOUND"},
        {KAIROS_ERR_WRONG_STATE, "KAIROS_ERR_WRONG_STATE"},
        {KAIROS_ERR_STORE_FULL, "KAIROS_ERR_STORE_FULL"},
        {KAIROS_ERR_TIMEOUT, "KAIROS_ERR_TIMEOUT"},
        {KAIROS_ERR_TOO_MANY_CLIENTS, "KAIROS_ERR_TOO_MANY_CLIENTS"},
        {KAIROS_ERR_IO, "KAIROS_ERR_IO"},
        {KAIROS_ERR_INCOMPATIBLE, "KAIROS_ERR_INCOMPATIBLE"},
        {KAIROS_ERR_CORRUPT, "KAIROS_ERR_CORRUPT"},
        {KAIROS_ERR_NO_MEMORY, "KAIROS_ERR_NO_MEMORY"},
        {KAIROS_ERR_NO_DEVICE, "KAIROS_ERR_NO_DEVICE"},
        {KAIROS_ERR_DEVICE_OUT_OF_MEMORY, "KAIROS_ERR_DEVICE_OUT_OF_MEMORY"},
        {KAIROS_ERR_DEVICE, "KAIROS_ERR_DEVICE"},
        {KAIROS_ERR_UNSUPPORTED, "KAIROS_ERR_UNSUPPORTED"},
    };
    for (const auto &[code, name] : names) {
        ASSERT_NE(kairos_status_name(code), nullptr) << code;
        EXPECT_STREQ(kairos_status_name(code), name);
    }
    for (int32_t other : {1, -17, -100, INT32_MIN, INT32_MAX}) {
        ASSERT_NE(kairos_status_name(other), nullptr) << other;
        EXPECT_STREQ(kairos_status_name(other), "KAIROS_ERR_UNKNOWN") << other;
    }
}

// ------------------------------------------------------------------------------------------------------------
// the object life cycle

TEST_F(StoreTest, CreateWriteSealGetReleaseDeleteRoundTrip) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(42, 7);
    const uint64_t size = 12345;
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(s, id.data(), size, &w), KAIROS_OK) << kairos_last_error_detail();
    ASSERT_NE(w, nullptr);
    kt::fill(w, size, id);
    ASSERT_EQ(kairos_store_seal(s, id.data()), KAIROS_OK);

    const uint8_t *r = nullptr;
    uint64_t got_size = 0;
    ASSERT_EQ(kairos_store_get(s, id.data(), 0, &r, &got_size), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_EQ(got_size, size);
    EXPECT_EQ(r, w) << "one process sees the object at the address it wrote it";
    EXPECT_TRUE(kt::verify(r, size, id));
    EXPECT_EQ(stats(s).pinned_objects, 1u);
    ASSERT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
    EXPECT_EQ(stats(s).pinned_objects, 0u);

    // size_out may be null.
    ASSERT_EQ(kairos_store_get(s, id.data(), 0, &r, nullptr), KAIROS_OK);
    ASSERT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);

    const kairos_store_stats st = stats(s);
    EXPECT_EQ(st.objects, 1u);
    EXPECT_EQ(st.sealed_objects, 1u);
    EXPECT_GE(st.bytes_used, size);
    ASSERT_EQ(kairos_store_delete(s, id.data()), KAIROS_OK);
    const kairos_store_stats after = stats(s);
    EXPECT_EQ(after.objects, 0u);
    EXPECT_EQ(after.sealed_objects, 0u);
    EXPECT_EQ(after.bytes_used, 0u);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(StoreTest, SizePrefixBeforePayloadHoldsTheSize) {
    Handle s;
    create(s, kMiB);
    const uint64_t sizes[] = {0, 1, 7, 63, 64, 65, 4096, 100000};
    for (uint64_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        const Id id = make_id(i + 1);
        uint8_t *w = nullptr;
        ASSERT_EQ(kairos_store_create_object(s, id.data(), sizes[i], &w), KAIROS_OK);
        ASSERT_NE(w, nullptr);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(w) % KAIROS_STORE_ALIGNMENT, 0u) << "payload of " << sizes[i];
        EXPECT_EQ(kt::size_prefix(w), sizes[i]) << "unsealed";
        kt::fill(w, sizes[i], id);
        ASSERT_EQ(kairos_store_seal(s, id.data()), KAIROS_OK);
    }
    for (uint64_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        const Id id = make_id(i + 1);
        const uint8_t *r = nullptr;
        ASSERT_EQ(kairos_store_get(s, id.data(), 0, &r, nullptr), KAIROS_OK);
        EXPECT_EQ(kt::size_prefix(r), sizes[i]);
        EXPECT_TRUE(kt::verify(r, sizes[i], id)) << "object of " << sizes[i] << " bytes";
        ASSERT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
    }
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(StoreTest, ContainsOnlySealedUndeletedObjects) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(5);
    EXPECT_EQ(contains(s, id), 0);
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(s, id.data(), 100, &w), KAIROS_OK);
    EXPECT_EQ(contains(s, id), 0) << "unsealed";
    ASSERT_EQ(kairos_store_seal(s, id.data()), KAIROS_OK);
    EXPECT_EQ(contains(s, id), 1);
    ASSERT_EQ(kairos_store_delete(s, id.data()), KAIROS_OK);
    EXPECT_EQ(contains(s, id), 0);
}

TEST_F(StoreTest, StatsReportCapacityRoundedUpAndDefaultMaxObjects) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY + 1);
    const kairos_store_stats st = stats(s);
    EXPECT_EQ(st.capacity, KAIROS_STORE_MIN_CAPACITY + 64u);
    EXPECT_EQ(st.max_objects, 1024u) << "default: capacity / 4096, at least 1024";
    EXPECT_EQ(st.clients, 1u);
    EXPECT_EQ(st.objects, 0u);
    EXPECT_EQ(st.bytes_used, 0u);
    s.reset();

    Handle big;
    create(big, 8 * kMiB);
    EXPECT_EQ(stats(big).max_objects, 8 * kMiB / 4096);
}

TEST_F(StoreTest, ZeroSizeObjectRoundTrips) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    const Id id = make_id(0);
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(s, id.data(), 0, &w), KAIROS_OK);
    ASSERT_NE(w, nullptr);
    ASSERT_EQ(kairos_store_seal(s, id.data()), KAIROS_OK);
    const uint8_t *r = nullptr;
    uint64_t size = 99;
    ASSERT_EQ(kairos_store_get(s, id.data(), 0, &r, &size), KAIROS_OK);
    EXPECT_NE(r, nullptr);
    EXPECT_EQ(size, 0u);
    EXPECT_EQ(kt::size_prefix(r), 0u);
    ASSERT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
    ASSERT_EQ(kairos_store_delete(s, id.data()), KAIROS_OK);
    EXPECT_EQ(stats(s).bytes_used, 0u);
}

TEST_F(StoreTest, LargestObjectThatFitsAnEmptyStoreCanBeCreated) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    const Id id = make_id(1);
    const uint64_t size = KAIROS_STORE_MIN_CAPACITY - KAIROS_STORE_ALIGNMENT;  // one block header of room
    ASSERT_EQ(put(s, id, size), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_EQ(get_verify(s, id, size), KAIROS_OK);
    ASSERT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(StoreTest, AbortFreesTheObjectAndTheIdCanBeCreatedAgain) {
    Handle s;
    create(s, kMiB);
    const uint64_t before = stats(s).bytes_used;
    const Id id = make_id(77);
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(s, id.data(), 5000, &w), KAIROS_OK);
    EXPECT_GT(stats(s).bytes_used, before);
    EXPECT_EQ(stats(s).objects, 1u);
    ASSERT_EQ(kairos_store_abort(s, id.data()), KAIROS_OK);
    EXPECT_EQ(stats(s).bytes_used, before);
    EXPECT_EQ(stats(s).objects, 0u);
    const uint8_t *r = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_get(s, id.data(), 0, &r, nullptr));
    ASSERT_EQ(put(s, id, 100), KAIROS_OK);
    EXPECT_EQ(get_verify(s, id, 100), KAIROS_OK);
    ASSERT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
}

TEST_F(StoreTest, AbortOfSealedObjectIsWrongState) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(1);
    ASSERT_EQ(put(s, id, 10), KAIROS_OK);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_WRONG_STATE, kairos_store_abort(s, id.data()));
    EXPECT_EQ(contains(s, id), 1);
}

TEST_F(StoreTest, OnlyTheCreatingClientSealsOrAborts) {
    Handle owner, other;
    create(owner, kMiB);
    attach(other);
    const Id id = make_id(1);
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(owner, id.data(), 10, &w), KAIROS_OK);
    EXPECT_NE(kairos_store_seal(other, id.data()), KAIROS_OK);
    EXPECT_NE(kairos_store_abort(other, id.data()), KAIROS_OK);
    EXPECT_EQ(contains(owner, id), 0);
    ASSERT_EQ(kairos_store_seal(owner, id.data()), KAIROS_OK);
    EXPECT_EQ(contains(other, id), 1);
}

TEST_F(StoreTest, EachGetPinsOnceAndEachReleaseDropsOnePin) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(3);
    ASSERT_EQ(put(s, id, 64), KAIROS_OK);
    ASSERT_EQ(get_verify(s, id, 64), KAIROS_OK);
    ASSERT_EQ(get_verify(s, id, 64), KAIROS_OK);
    EXPECT_EQ(stats(s).pinned_objects, 1u) << "pinned_objects counts objects, not pins";
    ASSERT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
    EXPECT_EQ(stats(s).pinned_objects, 1u) << "one pin is still held";
    ASSERT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
    EXPECT_EQ(stats(s).pinned_objects, 0u);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_WRONG_STATE, kairos_store_release(s, id.data()));
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(StoreTest, ClientIdIsZeroForTheOwnerAndDistinctForAttachedClients) {
    Handle owner, a, b;
    create(owner, KAIROS_STORE_MIN_CAPACITY);
    attach(a);
    attach(b);
    int32_t id0 = -1, id1 = -1, id2 = -1;
    ASSERT_EQ(kairos_store_client_id(owner, &id0), KAIROS_OK);
    ASSERT_EQ(kairos_store_client_id(a, &id1), KAIROS_OK);
    ASSERT_EQ(kairos_store_client_id(b, &id2), KAIROS_OK);
    EXPECT_EQ(id0, 0);
    EXPECT_GT(id1, 0);
    EXPECT_GT(id2, 0);
    EXPECT_NE(id1, id2);
    EXPECT_LT(id1, KAIROS_STORE_MAX_CLIENTS);
    EXPECT_EQ(stats(owner).clients, 3u);
    a.reset();
    EXPECT_EQ(stats(owner).clients, 2u);
}

// ------------------------------------------------------------------------------------------------------------
// bad inputs: the documented code and a detail

TEST_F(StoreTest, CreateAndAttachRejectNullArguments) {
    kairos_store *out = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_create(nullptr, kMiB, 0, &out));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_create(name_.c_str(), kMiB, 0, nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_attach(nullptr, &out));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_attach(name_.c_str(), nullptr));
    EXPECT_EQ(out, nullptr);
}

TEST_F(StoreTest, CreateRejectsBadNames) {
    kairos_store *out = nullptr;
    const std::string too_long(KAIROS_STORE_NAME_MAX + 1, 'x');
    for (const std::string &bad : {std::string(""), std::string("a/b"), std::string("/abs"), std::string("a b"),
                                   std::string("a\\b"), std::string("na\xc3\xafve"), too_long}) {
        KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_create(bad.c_str(), kMiB, 0, &out));
        KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_attach(bad.c_str(), &out));
    }
    EXPECT_EQ(out, nullptr);
    // The longest allowed name works.
    std::string longest = name_;
    longest.resize(KAIROS_STORE_NAME_MAX, 'n');
    ASSERT_EQ(kairos_store_create(longest.c_str(), KAIROS_STORE_MIN_CAPACITY, 0, &out), KAIROS_OK)
        << kairos_last_error_detail();
    EXPECT_EQ(kairos_store_free(out), KAIROS_OK);
    kt::unlink_segment(longest);
}

TEST_F(StoreTest, CreateRejectsCapacityOutOfRange) {
    kairos_store *out = nullptr;
    for (uint64_t cap : {uint64_t{0}, uint64_t{1}, uint64_t{KAIROS_STORE_MIN_CAPACITY} - 1,
                         uint64_t{KAIROS_STORE_MAX_CAPACITY} + 1, uint64_t{KAIROS_STORE_MAX_CAPACITY} * 2, UINT64_MAX}) {
        KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_create(name_.c_str(), cap, 0, &out));
    }
    EXPECT_EQ(out, nullptr);
    kairos_store *none = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_attach(name_.c_str(), &none));
}

TEST_F(StoreTest, CreateRejectsMaxObjectsOutOfRange) {
    kairos_store *out = nullptr;
    for (uint32_t m : {1u, 2u, 63u, KAIROS_STORE_MAX_OBJECTS + 1u, UINT32_MAX}) {
        KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_create(name_.c_str(), kMiB, m, &out));
    }
    EXPECT_EQ(out, nullptr);
    Handle s;
    create(s, kMiB, 64);
    EXPECT_EQ(stats(s).max_objects, 64u);
}

TEST_F(StoreTest, ObjectCallsRejectNullArguments) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(1);
    ASSERT_EQ(put(s, id, 10), KAIROS_OK);
    uint8_t *w = nullptr;
    const uint8_t *r = nullptr;
    int32_t flag = 0;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_create_object(s, nullptr, 10, &w));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_create_object(s, make_id(2).data(), 10, nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_seal(s, nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_abort(s, nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_get(s, nullptr, 0, &r, nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_get(s, id.data(), 0, nullptr, nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_release(s, nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_delete(s, nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_contains(s, nullptr, &flag));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_contains(s, id.data(), nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_stats_get(s, nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_client_id(s, nullptr));
    // A null handle is refused too (whatever the code), never a crash.
    EXPECT_NE(kairos_store_create_object(nullptr, id.data(), 10, &w), KAIROS_OK);
    EXPECT_NE(kairos_store_get(nullptr, id.data(), 0, &r, nullptr), KAIROS_OK);
    EXPECT_NE(kairos_store_stats_get(nullptr, nullptr), KAIROS_OK);
    // reaped_out may be null.
    EXPECT_EQ(kairos_store_reap_dead_clients(s, nullptr), KAIROS_OK);
    // Nothing was pinned or created by the refused calls.
    const kairos_store_stats st = stats(s);
    EXPECT_EQ(st.objects, 1u);
    EXPECT_EQ(st.pinned_objects, 0u);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(StoreTest, CreateOfAnExistingIdIsExists) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(9);
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(s, id.data(), 10, &w), KAIROS_OK);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_EXISTS, kairos_store_create_object(s, id.data(), 10, &w));
    ASSERT_EQ(kairos_store_seal(s, id.data()), KAIROS_OK);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_EXISTS, kairos_store_create_object(s, id.data(), 20, &w));
    EXPECT_EQ(stats(s).objects, 1u);
}

TEST_F(StoreTest, CreateLargerThanCapacityIsInvalidArgument) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    uint8_t *w = nullptr;
    for (uint64_t size : {uint64_t{KAIROS_STORE_MIN_CAPACITY} + 1, uint64_t{1} << 40, UINT64_MAX, UINT64_MAX - 63}) {
        KT_EXPECT_FAILS_WITH(KAIROS_ERR_INVALID_ARGUMENT, kairos_store_create_object(s, make_id(1).data(), size, &w));
    }
    const kairos_store_stats st = stats(s);
    EXPECT_EQ(st.objects, 0u);
    EXPECT_EQ(st.evictions, 0u);
}

TEST_F(StoreTest, SealTwiceIsWrongState) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(1);
    ASSERT_EQ(put(s, id, 10), KAIROS_OK);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_WRONG_STATE, kairos_store_seal(s, id.data()));
    EXPECT_EQ(stats(s).sealed_objects, 1u);
}

TEST_F(StoreTest, SealOrAbortOfUnknownIdIsNotFound) {
    Handle s;
    create(s, kMiB);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_seal(s, make_id(1).data()));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_abort(s, make_id(1).data()));
}

TEST_F(StoreTest, ReleaseWithoutPinIsWrongState) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(1);
    ASSERT_EQ(put(s, id, 10), KAIROS_OK);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_WRONG_STATE, kairos_store_release(s, id.data()));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_release(s, make_id(2).data()));
    // A pin held by another client is not this client's pin.
    Handle other;
    attach(other);
    ASSERT_EQ(get_verify(other, id, 10), KAIROS_OK);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_WRONG_STATE, kairos_store_release(s, id.data()));
    EXPECT_EQ(kairos_store_release(other, id.data()), KAIROS_OK);
}

TEST_F(StoreTest, DeleteOfUnsealedObjectIsWrongState) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(1);
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(s, id.data(), 10, &w), KAIROS_OK);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_WRONG_STATE, kairos_store_delete(s, id.data()));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_delete(s, make_id(2).data()));
    EXPECT_EQ(stats(s).objects, 1u);
}

TEST_F(StoreTest, GetWithZeroTimeoutOfAbsentIdIsNotFound) {
    Handle s;
    create(s, kMiB);
    const uint8_t *r = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_get(s, make_id(1).data(), 0, &r, nullptr));
}

TEST_F(StoreTest, GetWithZeroTimeoutOfUnsealedIdIsTimeout) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(1);
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(s, id.data(), 10, &w), KAIROS_OK);
    const uint8_t *r = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_TIMEOUT, kairos_store_get(s, id.data(), 0, &r, nullptr));
    EXPECT_EQ(stats(s).pinned_objects, 0u);
}

TEST_F(StoreTest, CallsAfterCloseReturnClosedAndCloseIsIdempotent) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(1);
    ASSERT_EQ(put(s, id, 10), KAIROS_OK);
    ASSERT_EQ(kairos_store_close(s), KAIROS_OK);
    EXPECT_EQ(kairos_store_close(s), KAIROS_OK);
    EXPECT_EQ(kairos::store::store_of(s), nullptr);

    uint8_t *w = nullptr;
    const uint8_t *r = nullptr;
    int32_t flag = 0;
    uint32_t reaped = 0;
    kairos_store_stats st{};
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CLOSED, kairos_store_create_object(s, make_id(2).data(), 10, &w));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CLOSED, kairos_store_seal(s, id.data()));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CLOSED, kairos_store_abort(s, id.data()));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CLOSED, kairos_store_get(s, id.data(), 0, &r, nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CLOSED, kairos_store_get(s, id.data(), -1, &r, nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CLOSED, kairos_store_release(s, id.data()));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CLOSED, kairos_store_delete(s, id.data()));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CLOSED, kairos_store_contains(s, id.data(), &flag));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CLOSED, kairos_store_stats_get(s, &st));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CLOSED, kairos_store_reap_dead_clients(s, &reaped));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_CLOSED, kairos_store_set_eviction_callback(s, nullptr, nullptr));
    EXPECT_EQ(kairos_store_close(s), KAIROS_OK);
    EXPECT_EQ(kairos_store_free(s.h), KAIROS_OK);
    s.h = nullptr;
}

TEST_F(StoreTest, TooManyClientsIsRefused) {
    Handle owner;
    create(owner, KAIROS_STORE_MIN_CAPACITY);
    std::vector<kairos_store *> clients;
    for (int i = 1; i < KAIROS_STORE_MAX_CLIENTS; i++) {
        kairos_store *c = nullptr;
        const int32_t rc = kairos_store_attach(name_.c_str(), &c);
        ASSERT_EQ(rc, KAIROS_OK) << "attach #" << i << ": " << kairos_last_error_detail();
        clients.push_back(c);
    }
    EXPECT_EQ(stats(owner).clients, static_cast<uint64_t>(KAIROS_STORE_MAX_CLIENTS));
    kairos_store *extra = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_TOO_MANY_CLIENTS, kairos_store_attach(name_.c_str(), &extra));
    ASSERT_EQ(kairos_store_free(clients.back()), KAIROS_OK);
    clients.pop_back();
    ASSERT_EQ(kairos_store_attach(name_.c_str(), &extra), KAIROS_OK) << "a freed slot is reused";
    clients.push_back(extra);
    for (kairos_store *c : clients) EXPECT_EQ(kairos_store_free(c), KAIROS_OK);
    EXPECT_EQ(stats(owner).clients, 1u);
}

// ------------------------------------------------------------------------------------------------------------
// store names

TEST_F(StoreTest, SecondCreateOfALiveStoreIsExists) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    ASSERT_EQ(put(s, make_id(1), 10), KAIROS_OK);
    kairos_store *second = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_EXISTS, kairos_store_create(name_.c_str(), KAIROS_STORE_MIN_CAPACITY, 0, &second));
    EXPECT_EQ(second, nullptr);
    EXPECT_EQ(contains(s, make_id(1)), 1) << "the live store is untouched";
}

TEST_F(StoreTest, AttachOfAMissingStoreIsNotFound) {
    kairos_store *out = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_attach(name_.c_str(), &out));
    EXPECT_EQ(out, nullptr);
}

TEST_F(StoreTest, OwnerCloseRemovesTheNameButAttachedClientsKeepTheirMapping) {
    Handle owner, client;
    create(owner, kMiB);
    const Id id = make_id(1);
    ASSERT_EQ(put(owner, id, 3000), KAIROS_OK);
    attach(client);
    ASSERT_EQ(kairos_store_close(owner), KAIROS_OK);
    kairos_store *late = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_attach(name_.c_str(), &late));
    EXPECT_EQ(get_verify(client, id, 3000), KAIROS_OK);
    EXPECT_EQ(kairos_store_release(client, id.data()), KAIROS_OK);
    // The name is free for a new store.
    Handle again;
    create(again, KAIROS_STORE_MIN_CAPACITY);
    EXPECT_EQ(contains(again, id), 0);
}

TEST_F(StoreTest, AttachRefusesASegmentThatIsNotAStoreAndCreateReplacesIt) {
    const std::string shm = "/kairos-" + name_;
    for (off_t size : {off_t{100}, off_t{64 * 1024}}) {
        const int fd = ::shm_open(shm.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::ftruncate(fd, size), 0);
        ::close(fd);
        kairos_store *out = nullptr;
        KT_EXPECT_FAILS_WITH(KAIROS_ERR_INCOMPATIBLE, kairos_store_attach(name_.c_str(), &out));
        EXPECT_EQ(out, nullptr);
        Handle s;
        create(s, KAIROS_STORE_MIN_CAPACITY);  // not a live store: replaced
        EXPECT_EQ(stats(s).objects, 0u);
    }
}

TEST_F(StoreTest, AttachRefusesAnotherLayoutVersion) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    kairos::store::SegmentHeader *h = kairos::store::store_of(s)->header();
    h->layout_version = KAIROS_STORE_LAYOUT_VERSION + 1;
    kairos_store *out = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_INCOMPATIBLE, kairos_store_attach(name_.c_str(), &out));
    h->layout_version = KAIROS_STORE_LAYOUT_VERSION;
    Handle ok;
    attach(ok);
    EXPECT_EQ(stats(s).clients, 2u);
}

// ------------------------------------------------------------------------------------------------------------
// get waits for a seal

// Joins t once done is set; if it never is, the test cannot be finished safely (the thread is blocked in the
// store), so the process fails loudly instead of hanging.
void join_within(std::thread &t, const std::atomic<bool> &done, std::chrono::seconds timeout) {
    if (!kt::eventually([&] { return done.load(); }, timeout)) {
        std::fprintf(stderr, "FATAL: a getter thread did not return within %lld s\n",
                     static_cast<long long>(timeout.count()));
        std::fflush(stderr);
        std::_Exit(3);
    }
    t.join();
}

bool has_seal_waiter(kairos_store *s) {
    kairos::store::Store *impl = kairos::store::store_of(s);
    return impl != nullptr && __atomic_load_n(&impl->header()->seal_waiters, __ATOMIC_ACQUIRE) > 0;
}

TEST_F(StoreTest, GetWaitsUntilAnotherThreadSealsTheObject) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(11);
    const uint64_t size = 7000;
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(s, id.data(), size, &w), KAIROS_OK);
    kt::fill(w, size, id);

    std::atomic<bool> done{false};
    std::atomic<int32_t> rc{1};
    const uint8_t *r = nullptr;
    uint64_t got = 0;
    const auto start = kt::Clock::now();
    std::thread getter([&] {
        rc = kairos_store_get(s, id.data(), 20'000'000'000, &r, &got);
        done = true;
    });
    const bool waiting = kt::eventually([&] { return has_seal_waiter(s); }, std::chrono::seconds(5));
    EXPECT_TRUE(waiting) << "the getter was never seen waiting (seal_waiters stayed 0)";
    EXPECT_FALSE(done.load()) << "get returned before the object was sealed: " << kairos_status_name(rc.load());
    ASSERT_EQ(kairos_store_seal(s, id.data()), KAIROS_OK);
    join_within(getter, done, std::chrono::seconds(25));
    const auto elapsed = kt::Clock::now() - start;
    ASSERT_EQ(rc.load(), KAIROS_OK) << kairos_status_name(rc.load());
    EXPECT_EQ(got, size);
    EXPECT_EQ(r, w);
    EXPECT_TRUE(kt::verify(r, size, id));
    EXPECT_LT(elapsed, std::chrono::seconds(5)) << "the seal should wake the getter promptly";
    EXPECT_EQ(stats(s).pinned_objects, 1u);
    ASSERT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
}

TEST_F(StoreTest, GetForeverWaitsForAnAbsentObjectUntilItIsCreatedAndSealed) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(12);
    std::atomic<bool> done{false};
    std::atomic<int32_t> rc{1};
    uint64_t got = 0;
    const uint8_t *r = nullptr;
    std::thread getter([&] {
        rc = kairos_store_get(s, id.data(), -1, &r, &got);
        done = true;
    });
    const bool waiting = kt::eventually([&] { return has_seal_waiter(s); }, std::chrono::seconds(5));
    EXPECT_TRUE(waiting) << "the getter was never seen waiting";
    EXPECT_FALSE(done.load()) << "get returned for an absent object: " << kairos_status_name(rc.load());
    ASSERT_EQ(put(s, id, 500), KAIROS_OK);
    join_within(getter, done, std::chrono::seconds(10));
    ASSERT_EQ(rc.load(), KAIROS_OK) << kairos_status_name(rc.load());
    EXPECT_EQ(got, 500u);
    EXPECT_TRUE(kt::verify(r, 500, id));
    ASSERT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
}

TEST_F(StoreTest, GetWithTheLargestTimeoutWaitsUntilSealed) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(15);
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(s, id.data(), 64, &w), KAIROS_OK);
    kt::fill(w, 64, id);
    std::atomic<bool> done{false};
    std::atomic<int32_t> rc{1};
    std::thread getter([&] {
        const uint8_t *r = nullptr;
        rc = kairos_store_get(s, id.data(), INT64_MAX, &r, nullptr);
        done = true;
    });
    const bool waiting = kt::eventually([&] { return has_seal_waiter(s) || done.load(); }, std::chrono::seconds(5));
    EXPECT_TRUE(waiting);
    EXPECT_FALSE(done.load()) << "get(timeout INT64_MAX) returned before the seal: " << kairos_status_name(rc.load());
    ASSERT_EQ(kairos_store_seal(s, id.data()), KAIROS_OK);
    join_within(getter, done, std::chrono::seconds(10));
    ASSERT_EQ(rc.load(), KAIROS_OK) << kairos_status_name(rc.load());
    EXPECT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
}

TEST_F(StoreTest, GetTimesOutWhenNobodySeals) {
    Handle s;
    create(s, kMiB);
    const Id id = make_id(13);
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(s, id.data(), 10, &w), KAIROS_OK);
    const uint8_t *r = nullptr;
    const auto start = kt::Clock::now();
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_TIMEOUT, kairos_store_get(s, id.data(), 50'000'000, &r, nullptr));
    const auto elapsed = kt::Clock::now() - start;
    EXPECT_GE(elapsed, std::chrono::milliseconds(50));
    EXPECT_LT(elapsed, std::chrono::seconds(2));
    EXPECT_EQ(stats(s).pinned_objects, 0u);
}

TEST_F(StoreTest, GetOfAbsentIdTimesOutWhenNobodyCreatesIt) {
    Handle s;
    create(s, kMiB);
    const uint8_t *r = nullptr;
    const auto start = kt::Clock::now();
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_TIMEOUT, kairos_store_get(s, make_id(14).data(), 50'000'000, &r, nullptr));
    const auto elapsed = kt::Clock::now() - start;
    EXPECT_GE(elapsed, std::chrono::milliseconds(50));
    EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST_F(StoreTest, CloseWakesAGetWaitingOnTheSameHandleWithClosed) {
    Handle owner, client;
    create(owner, kMiB);
    attach(client);
    std::atomic<bool> done{false};
    std::atomic<int32_t> rc{1};
    std::thread getter([&] {
        const uint8_t *r = nullptr;
        rc = kairos_store_get(client, make_id(1).data(), -1, &r, nullptr);
        done = true;
    });
    EXPECT_TRUE(kt::eventually([&] { return has_seal_waiter(owner); }, std::chrono::seconds(5)));
    const auto start = kt::Clock::now();
    ASSERT_EQ(kairos_store_close(client), KAIROS_OK);
    join_within(getter, done, std::chrono::seconds(10));
    EXPECT_EQ(rc.load(), KAIROS_ERR_CLOSED) << kairos_status_name(rc.load());
    EXPECT_LT(kt::Clock::now() - start, std::chrono::seconds(2));
    EXPECT_EQ(stats(owner).clients, 1u);
}

// ------------------------------------------------------------------------------------------------------------
// threads

TEST_F(StoreTest, ConcurrentCreateGetReleaseDeleteFromFourThreadsStaysConsistent) {
    Handle owner, second;
    create(owner, 4 * kMiB);
    attach(second);  // two threads use the owner's handle, two an attached client's handle

    constexpr int kThreads = 4;
    constexpr int kIters = 400;
    constexpr uint64_t kShared = 8;
    auto shared_size = [](uint64_t k) { return 100 + 517 * k; };
    std::atomic<int> errors{0};
    std::mutex first_error_mu;
    std::string first_error;
    auto report = [&](const std::string &what) {
        if (errors.fetch_add(1) == 0) {
            std::lock_guard<std::mutex> g(first_error_mu);
            first_error = what + " (" + kairos_last_error_detail() + ")";
        }
    };
    std::atomic<uint64_t> shared_gets{0};

    auto worker = [&](int t) {
        kairos_store *s = t < 2 ? owner.get() : second.get();
        std::mt19937_64 rng(1000 + static_cast<uint64_t>(t));
        for (int i = 0; i < kIters && errors.load() == 0; i++) {
            // An id of this thread's own: the whole life cycle must succeed.
            const Id own = make_id(100 + static_cast<uint64_t>(t), static_cast<uint64_t>(i));
            const uint64_t size = rng() % 4096;
            int32_t rc = put(s, own, size);
            if (rc != KAIROS_OK) report("put own: " + std::string(kairos_status_name(rc)));
            rc = get_verify(s, own, size);
            if (rc != KAIROS_OK) report("get own: " + std::to_string(rc));
            if (kairos_store_release(s, own.data()) != KAIROS_OK) report("release own");
            if (kairos_store_delete(s, own.data()) != KAIROS_OK) report("delete own");

            // A shared id: any outcome the contract allows, but content always right.
            const uint64_t k = rng() % kShared;
            const Id sid = make_id(7, k);
            switch (rng() % 4) {
            case 0:
                rc = put(s, sid, shared_size(k));
                if (rc != KAIROS_OK && rc != KAIROS_ERR_EXISTS) report("put shared: " + std::string(kairos_status_name(rc)));
                break;
            case 1:
            case 2:
                rc = get_verify(s, sid, shared_size(k));
                if (rc == KAIROS_OK) {
                    shared_gets++;
                    if (kairos_store_release(s, sid.data()) != KAIROS_OK) report("release shared");
                } else if (rc != KAIROS_ERR_NOT_FOUND && rc != KAIROS_ERR_TIMEOUT) {
                    report("get shared: " + std::to_string(rc));
                }
                break;
            default:
                rc = kairos_store_delete(s, sid.data());
                if (rc != KAIROS_OK && rc != KAIROS_ERR_NOT_FOUND && rc != KAIROS_ERR_WRONG_STATE) {
                    report("delete shared: " + std::string(kairos_status_name(rc)));
                }
                break;
            }
        }
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++) threads.emplace_back(worker, t);
    for (std::thread &th : threads) th.join();
    ASSERT_EQ(errors.load(), 0) << first_error;
    EXPECT_GT(shared_gets.load(), 0u);

    kairos_store_stats st = stats(owner);
    EXPECT_EQ(st.pinned_objects, 0u);
    EXPECT_EQ(st.evictions, 0u) << "the store was big enough for the working set";
    EXPECT_EQ(kt::consistency(owner), "");
    for (uint64_t k = 0; k < kShared; k++) {
        const int32_t rc = kairos_store_delete(owner, make_id(7, k).data());
        EXPECT_TRUE(rc == KAIROS_OK || rc == KAIROS_ERR_NOT_FOUND) << kairos_status_name(rc);
    }
    st = stats(owner);
    EXPECT_EQ(st.objects, 0u);
    EXPECT_EQ(st.bytes_used, 0u);
    EXPECT_EQ(kt::consistency(owner), "");
}

// ------------------------------------------------------------------------------------------------------------
// eviction and a full store

struct EvictionLog {
    std::vector<Id> ids;
    std::vector<uint64_t> sizes;
    bool data_ok = true;
};

void record_eviction(void *user, const uint8_t *id, const uint8_t *data, uint64_t size) {
    auto *log = static_cast<EvictionLog *>(user);
    Id i{};
    std::memcpy(i.data(), id, i.size());
    log->ids.push_back(i);
    log->sizes.push_back(size);
    if (data == nullptr || kt::size_prefix(data) != size || !kt::verify(data, size, i)) log->data_ok = false;
}

TEST_F(StoreTest, EvictionRemovesLeastRecentlyUsedFirstAndReportsEachObject) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    EvictionLog log;
    ASSERT_EQ(kairos_store_set_eviction_callback(s, record_eviction, &log), KAIROS_OK);
    const uint64_t size = 4096 - KAIROS_STORE_ALIGNMENT;  // one 4 KiB block each

    // Fill until the first eviction: it must take object 0, the least recently used.
    uint64_t n = 0;
    for (; n < 64; n++) {
        ASSERT_EQ(put(s, make_id(n), size), KAIROS_OK) << n << ": " << kairos_last_error_detail();
        if (stats(s).evictions > 0) break;
    }
    ASSERT_LT(n, 64u) << "a 64 KiB store never evicted";
    n++;  // ids 0..n-1 were created
    ASSERT_GE(n, 10u);
    ASSERT_EQ(log.ids.size(), 1u);
    EXPECT_EQ(log.ids[0], make_id(0));

    // Make 1 and 2 the most recently used; pin 3 (the next least recently used).
    for (uint64_t i : {1u, 2u}) {
        ASSERT_EQ(get_verify(s, make_id(i), size), KAIROS_OK);
        ASSERT_EQ(kairos_store_release(s, make_id(i).data()), KAIROS_OK);
    }
    ASSERT_EQ(get_verify(s, make_id(3), size), KAIROS_OK);

    // Three more objects evict 4, 5, 6, in that order.
    for (uint64_t i = n; i < n + 3; i++) ASSERT_EQ(put(s, make_id(i), size), KAIROS_OK) << kairos_last_error_detail();
    ASSERT_GE(log.ids.size(), 4u);
    EXPECT_EQ(log.ids.size(), 4u) << "evicted more than the room needed";
    EXPECT_EQ(log.ids[1], make_id(4));
    EXPECT_EQ(log.ids[2], make_id(5));
    EXPECT_EQ(log.ids[3], make_id(6));
    for (uint64_t i : {1u, 2u, 3u, 7u}) EXPECT_EQ(contains(s, make_id(i)), 1) << i;
    for (uint64_t i : {0u, 4u, 5u, 6u}) EXPECT_EQ(contains(s, make_id(i)), 0) << i;
    for (uint64_t sz : log.sizes) EXPECT_EQ(sz, size);
    EXPECT_TRUE(log.data_ok) << "the callback saw wrong data";

    // Churn through many more objects: the pinned one survives all of it.
    for (uint64_t i = 0; i < 40; i++) ASSERT_EQ(put(s, make_id(1000 + i), size), KAIROS_OK);
    EXPECT_EQ(contains(s, make_id(3)), 1);
    for (const Id &e : log.ids) EXPECT_NE(e, make_id(3)) << "a pinned object was evicted";
    EXPECT_TRUE(log.data_ok);
    kairos_store_stats st = stats(s);
    EXPECT_EQ(st.evictions, log.ids.size());
    uint64_t evicted_payload = 0;
    for (uint64_t sz : log.sizes) evicted_payload += sz;
    EXPECT_GE(st.evicted_bytes, evicted_payload);
    EXPECT_EQ(st.pinned_objects, 1u);
    ASSERT_EQ(kairos_store_release(s, make_id(3).data()), KAIROS_OK);

    // Without a callback, evictions still happen and are counted.
    ASSERT_EQ(kairos_store_set_eviction_callback(s, nullptr, nullptr), KAIROS_OK);
    const size_t calls = log.ids.size();
    for (uint64_t i = 0; i < 5; i++) ASSERT_EQ(put(s, make_id(2000 + i), size), KAIROS_OK);
    EXPECT_EQ(log.ids.size(), calls);
    EXPECT_GT(stats(s).evictions, st.evictions);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(StoreTest, CreateIsStoreFullWhileEveryObjectIsPinnedAndSucceedsAfterRelease) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    const uint64_t size = 16000;
    for (uint64_t i = 0; i < 3; i++) {
        ASSERT_EQ(put(s, make_id(i), size), KAIROS_OK);
        ASSERT_EQ(get_verify(s, make_id(i), size), KAIROS_OK);
    }
    const kairos_store_stats before = stats(s);
    uint8_t *w = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_STORE_FULL, kairos_store_create_object(s, make_id(9).data(), 20000, &w));
    kairos_store_stats st = stats(s);
    EXPECT_EQ(st.allocation_failures, before.allocation_failures + 1);
    EXPECT_EQ(st.evictions, 0u);
    EXPECT_EQ(st.objects, 3u) << "a failed create leaves nothing behind";
    for (uint64_t i = 0; i < 3; i++) EXPECT_EQ(contains(s, make_id(i)), 1);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_abort(s, make_id(9).data()));

    for (uint64_t i = 0; i < 3; i++) ASSERT_EQ(kairos_store_release(s, make_id(i).data()), KAIROS_OK);
    ASSERT_EQ(put(s, make_id(9), 20000), KAIROS_OK) << kairos_last_error_detail();
    st = stats(s);
    EXPECT_GE(st.evictions, 1u);
    EXPECT_EQ(st.allocation_failures, before.allocation_failures + 1);
    EXPECT_EQ(get_verify(s, make_id(9), 20000), KAIROS_OK);
    EXPECT_EQ(kairos_store_release(s, make_id(9).data()), KAIROS_OK);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(StoreTest, CreateIsStoreFullWhileEveryObjectIsUnsealedAndSucceedsAfterAbort) {
    Handle s;
    create(s, KAIROS_STORE_MIN_CAPACITY);
    const uint64_t size = 16000;
    uint8_t *w = nullptr;
    for (uint64_t i = 0; i < 3; i++) ASSERT_EQ(kairos_store_create_object(s, make_id(i).data(), size, &w), KAIROS_OK);
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_STORE_FULL, kairos_store_create_object(s, make_id(9).data(), 20000, &w));
    EXPECT_EQ(stats(s).allocation_failures, 1u);
    for (uint64_t i = 0; i < 3; i++) ASSERT_EQ(kairos_store_abort(s, make_id(i).data()), KAIROS_OK);
    ASSERT_EQ(put(s, make_id(9), 20000), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_EQ(stats(s).evictions, 0u);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(StoreTest, FullObjectTableEvictsTheLeastRecentlyUsedObject) {
    Handle s;
    create(s, kMiB, 64);
    EvictionLog log;
    ASSERT_EQ(kairos_store_set_eviction_callback(s, record_eviction, &log), KAIROS_OK);
    for (uint64_t i = 0; i < 64; i++) ASSERT_EQ(put(s, make_id(i), 100), KAIROS_OK) << i;
    EXPECT_EQ(stats(s).objects, 64u);
    EXPECT_EQ(stats(s).evictions, 0u);
    ASSERT_EQ(get_verify(s, make_id(0), 100), KAIROS_OK);  // 0 becomes the most recently used
    ASSERT_EQ(kairos_store_release(s, make_id(0).data()), KAIROS_OK);
    ASSERT_EQ(put(s, make_id(64), 100), KAIROS_OK) << kairos_last_error_detail();
    kairos_store_stats st = stats(s);
    EXPECT_EQ(st.objects, 64u);
    EXPECT_EQ(st.evictions, 1u);
    ASSERT_EQ(log.ids.size(), 1u);
    EXPECT_EQ(log.ids[0], make_id(1));
    EXPECT_TRUE(log.data_ok);
    EXPECT_EQ(contains(s, make_id(1)), 0);
    EXPECT_EQ(contains(s, make_id(0)), 1);
    EXPECT_EQ(contains(s, make_id(64)), 1);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(StoreTest, FullObjectTableWithNothingEvictableIsStoreFull) {
    Handle s;
    create(s, kMiB, 64);
    for (uint64_t i = 0; i < 64; i++) {
        ASSERT_EQ(put(s, make_id(i), 100), KAIROS_OK) << i;
        ASSERT_EQ(get_verify(s, make_id(i), 100), KAIROS_OK);
    }
    uint8_t *w = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_STORE_FULL, kairos_store_create_object(s, make_id(64).data(), 100, &w));
    kairos_store_stats st = stats(s);
    EXPECT_EQ(st.allocation_failures, 1u);
    EXPECT_EQ(st.objects, 64u);
    EXPECT_EQ(st.evictions, 0u);
    ASSERT_EQ(kairos_store_release(s, make_id(10).data()), KAIROS_OK);
    ASSERT_EQ(put(s, make_id(64), 100), KAIROS_OK) << kairos_last_error_detail();
    EXPECT_EQ(contains(s, make_id(10)), 0);
    for (uint64_t i = 0; i < 64; i++) {
        if (i != 10) {
            EXPECT_EQ(kairos_store_release(s, make_id(i).data()), KAIROS_OK);
        }
    }
    EXPECT_EQ(stats(s).pinned_objects, 0u);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(StoreTest, CreateDeleteChurnOnASmallTableKeepsEveryObjectFindable) {
    Handle s;
    create(s, kMiB, 64);
    // A sliding window of live objects over a 64-entry table: ids are created and deleted in an order that
    // leaves every kind of probe chain behind, and every live id must stay findable after each delete.
    constexpr uint64_t kWindow = 56;
    std::mt19937_64 rng(99);
    std::vector<Id> live;
    for (uint64_t i = 0; i < 3000; i++) {
        const Id id = make_id(rng(), i);
        ASSERT_EQ(put(s, id, i % 200), KAIROS_OK) << i << ": " << kairos_last_error_detail();
        live.push_back(id);
        if (live.size() > kWindow) {
            const size_t victim = rng() % live.size();
            ASSERT_EQ(kairos_store_delete(s, live[victim].data()), KAIROS_OK) << i;
            live.erase(live.begin() + static_cast<long>(victim));
        }
        for (const Id &x : live) ASSERT_EQ(contains(s, x), 1) << "lost an id after step " << i;
        if (i % 500 == 0) {
            ASSERT_EQ(kt::consistency(s), "") << i;
        }
    }
    const kairos_store_stats st = stats(s);
    EXPECT_EQ(st.objects, kWindow);
    EXPECT_EQ(st.evictions, 0u);
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(StoreTest, ThreeClientsCanEachPinEveryObjectAndTheNextPinPairIsRefused) {
    Handle owner;
    create(owner, kMiB, 64);
    constexpr int kClients = 3;  // the pin table holds 3 x max_objects (object, client) pairs
    Handle clients[kClients - 1];
    for (Handle &c : clients) attach(c);
    std::vector<kairos_store *> all{owner.get()};
    for (Handle &c : clients) all.push_back(c.get());
    for (uint64_t i = 0; i < 64; i++) ASSERT_EQ(put(owner, make_id(i), 100), KAIROS_OK);
    for (size_t c = 0; c < all.size(); c++) {
        for (uint64_t i = 0; i < 64; i++) {
            ASSERT_EQ(get_verify(all[c], make_id(i), 100), KAIROS_OK)
                << "client " << c << ", object " << i << ": " << kairos_last_error_detail();
        }
    }
    EXPECT_EQ(stats(owner).pinned_objects, 64u);
    Handle fourth;
    attach(fourth);
    const uint8_t *r = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_STORE_FULL, kairos_store_get(fourth, make_id(0).data(), 0, &r, nullptr));
    EXPECT_NE(std::string(kairos_last_error_detail()).find("pin table full"), std::string::npos);
    for (kairos_store *c : all) {
        for (uint64_t i = 0; i < 64; i++) ASSERT_EQ(kairos_store_release(c, make_id(i).data()), KAIROS_OK);
    }
    EXPECT_EQ(stats(owner).pinned_objects, 0u);
    ASSERT_EQ(get_verify(fourth, make_id(0), 100), KAIROS_OK) << "room again once pins are released";
    ASSERT_EQ(kairos_store_release(fourth, make_id(0).data()), KAIROS_OK);
    EXPECT_EQ(kt::consistency(owner), "");
}

// ------------------------------------------------------------------------------------------------------------
// deleting pinned objects; closing a client

TEST_F(StoreTest, DeletingAPinnedObjectHidesItAndFreesItAtTheLastRelease) {
    Handle s;
    create(s, kMiB);
    ASSERT_EQ(put(s, make_id(100), 500), KAIROS_OK);  // a bystander
    const kairos_store_stats before = stats(s);
    const Id id = make_id(1);
    const uint64_t size = 10000;
    ASSERT_EQ(put(s, id, size), KAIROS_OK);
    const uint8_t *r = nullptr;
    ASSERT_EQ(kairos_store_get(s, id.data(), 0, &r, nullptr), KAIROS_OK);
    ASSERT_EQ(kairos_store_get(s, id.data(), 0, &r, nullptr), KAIROS_OK);  // two pins
    const uint64_t used_with = stats(s).bytes_used;
    EXPECT_GT(used_with, before.bytes_used);

    ASSERT_EQ(kairos_store_delete(s, id.data()), KAIROS_OK);
    EXPECT_EQ(contains(s, id), 0);
    const uint8_t *r2 = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_get(s, id.data(), 0, &r2, nullptr));
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_delete(s, id.data()));
    EXPECT_EQ(stats(s).bytes_used, used_with) << "freed while still pinned";
    EXPECT_EQ(stats(s).objects, before.objects + 1) << "objects counts pending deletes";
    EXPECT_TRUE(kt::verify(r, size, id)) << "a pinned object's memory must stay intact after delete";

    ASSERT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
    EXPECT_EQ(stats(s).bytes_used, used_with);
    EXPECT_TRUE(kt::verify(r, size, id));
    ASSERT_EQ(kairos_store_release(s, id.data()), KAIROS_OK);
    const kairos_store_stats after = stats(s);
    EXPECT_EQ(after.bytes_used, before.bytes_used);
    EXPECT_EQ(after.objects, before.objects);
    EXPECT_EQ(after.pinned_objects, 0u);
    EXPECT_EQ(after.evictions, 0u) << "a delete is not an eviction";
    EXPECT_NE(kairos_store_release(s, id.data()), KAIROS_OK);
    ASSERT_EQ(put(s, id, 50), KAIROS_OK) << "the id is free again";
    EXPECT_EQ(kt::consistency(s), "");
}

TEST_F(StoreTest, DeletedPinnedObjectIsFreedWhenItsPinnerCloses) {
    Handle owner, client;
    create(owner, kMiB);
    attach(client);
    const uint64_t before = stats(owner).bytes_used;
    const Id id = make_id(1);
    ASSERT_EQ(put(owner, id, 9000), KAIROS_OK);
    ASSERT_EQ(get_verify(client, id, 9000), KAIROS_OK);
    ASSERT_EQ(kairos_store_delete(owner, id.data()), KAIROS_OK);
    EXPECT_GT(stats(owner).bytes_used, before);
    ASSERT_EQ(kairos_store_close(client), KAIROS_OK);
    EXPECT_EQ(stats(owner).bytes_used, before);
    EXPECT_EQ(stats(owner).objects, 0u);
    EXPECT_EQ(kt::consistency(owner), "");
}

TEST_F(StoreTest, CloseReleasesTheClientsPinsAndAbortsItsUnsealedObjects) {
    Handle owner, client;
    create(owner, kMiB);
    attach(client);
    ASSERT_EQ(put(owner, make_id(1), 100), KAIROS_OK);
    ASSERT_EQ(get_verify(client, make_id(1), 100), KAIROS_OK);
    ASSERT_EQ(put(client, make_id(2), 100), KAIROS_OK);
    uint8_t *w = nullptr;
    ASSERT_EQ(kairos_store_create_object(client, make_id(3).data(), 100, &w), KAIROS_OK);
    EXPECT_EQ(stats(owner).pinned_objects, 1u);
    EXPECT_EQ(stats(owner).objects, 3u);
    ASSERT_EQ(kairos_store_close(client), KAIROS_OK);
    const kairos_store_stats st = stats(owner);
    EXPECT_EQ(st.pinned_objects, 0u);
    EXPECT_EQ(st.objects, 2u) << "the unsealed object is aborted; the sealed ones stay";
    EXPECT_EQ(st.clients, 1u);
    EXPECT_EQ(contains(owner, make_id(2)), 1);
    const uint8_t *r = nullptr;
    KT_EXPECT_FAILS_WITH(KAIROS_ERR_NOT_FOUND, kairos_store_get(owner, make_id(3).data(), 0, &r, nullptr));
    EXPECT_EQ(kt::consistency(owner), "");
}

}  // namespace
