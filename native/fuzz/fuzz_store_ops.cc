// libFuzzer target: the store's C ABI driven by an op-code program. Every entry point (create, attach, put: create +
// seal, get, release, delete, abort, contains, stats, eviction (a create that needs room), the eviction callback,
// reap, prefault, close) with random sizes, ids and orders, over an owner and a second attached handle.
// Oracles: every call returns a known status (with a detail when it fails), every object got has its size and
// content, a pinned object stays intact until released, the store's tables are consistent after every program, and
// the owner's close removes the segment.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "kairos/store.h"
#include "store/store_impl.h"

namespace {

struct Pin {
    uint8_t id[KAIROS_OBJECT_ID_SIZE];
    const uint8_t *data;
    uint64_t size;
};

struct Client {
    kairos_store *handle = nullptr;
    std::vector<Pin> pins;
};

uint64_t g_evicted = 0;

void on_evict(void *user, const uint8_t *id, const uint8_t *data, uint64_t size) {
    auto *count = static_cast<uint64_t *>(user);
    ++*count;
    // Only sealed objects are evicted, and this program seals only filled ones (ids of the random kind included).
    if (!kf::verify(data, size, id)) kf::bug("evicted object's content differs");
}

void pick_id(kf::Input &in, uint8_t *id) {
    const uint8_t b = in.u8();
    std::memset(id, 0, KAIROS_OBJECT_ID_SIZE);
    if ((b & 0xf0) == 0xf0) {
        in.bytes(id, KAIROS_OBJECT_ID_SIZE);
    } else {
        id[0] = static_cast<uint8_t>(b & 15);
        id[15] = static_cast<uint8_t>(b & 15);
    }
}

void verify_pins(const Client &c) {
    for (const Pin &p : c.pins) {
        if (!kf::verify(p.data, p.size, p.id)) kf::bug("a pinned object changed before its release");
    }
}

void drop_pin(Client &c, const uint8_t *id) {
    for (size_t i = 0; i < c.pins.size(); i++) {
        if (std::memcmp(c.pins[i].id, id, KAIROS_OBJECT_ID_SIZE) == 0) {
            c.pins.erase(c.pins.begin() + static_cast<long>(i));
            return;
        }
    }
    kf::bug("release succeeded without a pin this client took");
}

void close_client(Client &c) {
    if (c.handle == nullptr) return;
    verify_pins(c);
    kf::check(kairos_store_close(c.handle));
    if (kairos_store_close(c.handle) != KAIROS_OK) kf::bug("a second close is not a no-op");
    uint8_t id[KAIROS_OBJECT_ID_SIZE] = {};
    int32_t out = 0;
    if (kairos_store_contains(c.handle, id, &out) != KAIROS_ERR_CLOSED) kf::bug("a call on a closed handle");
    kairos_store_free(c.handle);
    c.handle = nullptr;
    c.pins.clear();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    kf::Input in(data, size);
    const uint64_t capacity = KAIROS_STORE_MIN_CAPACITY * (1 + (in.u8() & 15));
    const uint32_t max_objects = 64u << (in.u8() & 3);
    const std::string name = kf::unique_store_name();
    Client clients[2];
    if (kf::check(kairos_store_create(name.c_str(), capacity, max_objects, &clients[0].handle)) != KAIROS_OK) {
        kf::bug("create failed:", kairos_last_error_detail());
    }
    kairos_store_stats stats{};
    kf::check(kairos_store_stats_get(clients[0].handle, &stats));
    const uint64_t largest = stats.capacity - 64;
    bool owner_closed = false;

    for (int steps = 0; !in.done() && steps < 512 && !owner_closed; steps++) {
        const uint8_t op = in.u8();
        Client &c = clients[(op >> 7) != 0 && clients[1].handle != nullptr ? 1 : 0];
        uint8_t id[KAIROS_OBJECT_ID_SIZE];
        switch (op & 15) {
            case 0:    // create, filled but not sealed
            case 14: {  // put: create, fill, seal
                pick_id(in, id);
                const uint64_t n = in.size(largest);
                uint8_t *payload = nullptr;
                const int32_t rc = kf::check(kairos_store_create_object(c.handle, id, n, &payload));
                if (rc == KAIROS_OK) {
                    if (payload == nullptr) kf::bug("create gave no payload");
                    uint64_t prefix;
                    std::memcpy(&prefix, payload + KAIROS_OBJECT_SIZE_PREFIX_OFFSET, sizeof prefix);
                    if (prefix != n) kf::bug("size prefix differs from the size created");
                    kf::fill(payload, n, id);
                    if ((op & 15) == 14 && kf::check(kairos_store_seal(c.handle, id)) != KAIROS_OK) {
                        kf::bug("seal of a fresh create failed:", kairos_last_error_detail());
                    }
                } else if (payload != nullptr) {
                    kf::bug("a failed create left a payload");
                }
                break;
            }
            case 1: pick_id(in, id); kf::check(kairos_store_seal(c.handle, id)); break;
            case 2: pick_id(in, id); kf::check(kairos_store_abort(c.handle, id)); break;
            case 3: {
                pick_id(in, id);
                const uint8_t t = in.u8();
                const int64_t timeout = (t & 7) == 7 ? 1000 : 0;  // never a long wait: one thread
                const uint8_t *got = nullptr;
                uint64_t got_size = 0;
                const int32_t rc = kf::check(kairos_store_get(c.handle, id, timeout, &got, (t & 8) ? nullptr : &got_size));
                if (rc == KAIROS_OK) {
                    uint64_t prefix;
                    std::memcpy(&prefix, got + KAIROS_OBJECT_SIZE_PREFIX_OFFSET, sizeof prefix);
                    if ((t & 8) == 0 && prefix != got_size) kf::bug("size prefix differs from get's size");
                    if (!kf::verify(got, prefix, id)) kf::bug("got object's content differs");
                    Pin p{};
                    std::memcpy(p.id, id, sizeof p.id);
                    p.data = got;
                    p.size = prefix;
                    c.pins.push_back(p);
                }
                break;
            }
            case 4:
                pick_id(in, id);
                if (kf::check(kairos_store_release(c.handle, id)) == KAIROS_OK) drop_pin(c, id);
                break;
            case 5: pick_id(in, id); kf::check(kairos_store_delete(c.handle, id)); break;
            case 6: {
                pick_id(in, id);
                int32_t out = -1;
                if (kf::check(kairos_store_contains(c.handle, id, &out)) == KAIROS_OK && out != 0 && out != 1) {
                    kf::bug("contains gave neither 0 nor 1");
                }
                break;
            }
            case 7:
                if (kf::check(kairos_store_stats_get(c.handle, &stats)) == KAIROS_OK) {
                    if (stats.bytes_used > stats.capacity || stats.sealed_objects > stats.objects ||
                        stats.pinned_objects > stats.objects || stats.objects > stats.max_objects) {
                        kf::bug("stats out of range");
                    }
                }
                break;
            case 8:  // attach the second client, or close it
                if (clients[1].handle == nullptr) {
                    if (kf::check(kairos_store_attach(name.c_str(), &clients[1].handle)) != KAIROS_OK) {
                        kf::bug("attach failed:", kairos_last_error_detail());
                    }
                } else {
                    close_client(clients[1]);
                }
                break;
            case 9:
                kf::check(kairos_store_set_eviction_callback(c.handle, (op & 0x40) ? nullptr : on_evict, &g_evicted));
                break;
            case 10: {
                uint32_t reaped = 1;
                kf::check(kairos_store_reap_dead_clients(c.handle, (op & 0x40) ? nullptr : &reaped));
                break;
            }
            case 11: {
                const uint64_t offset = in.size(stats.capacity);
                const uint64_t length = (op & 0x40) ? in.u64() : in.u16();
                uint64_t populated = 0;
                kf::check(kairos_store_prefault(c.handle, offset, length, in.u8() & 7, &populated));
                break;
            }
            case 12: {
                int32_t cid = -1;
                kf::check(kairos_store_client_id(c.handle, &cid));
                if (cid < 0 || cid >= KAIROS_STORE_MAX_CLIENTS) kf::bug("client id out of range");
                break;
            }
            case 13: {  // arguments the ABI must refuse
                pick_id(in, id);
                uint8_t *payload = nullptr;
                const uint8_t *got = nullptr;
                int32_t out = 0;
                if (kairos_store_create_object(c.handle, nullptr, 1, &payload) != KAIROS_ERR_INVALID_ARGUMENT ||
                    kairos_store_create_object(c.handle, id, 1, nullptr) != KAIROS_ERR_INVALID_ARGUMENT ||
                    kairos_store_get(c.handle, id, 0, nullptr, nullptr) != KAIROS_ERR_INVALID_ARGUMENT ||
                    kairos_store_get(c.handle, nullptr, 0, &got, nullptr) != KAIROS_ERR_INVALID_ARGUMENT ||
                    kairos_store_contains(c.handle, id, nullptr) != KAIROS_ERR_INVALID_ARGUMENT ||
                    kairos_store_stats_get(c.handle, nullptr) != KAIROS_ERR_INVALID_ARGUMENT ||
                    kairos_store_release(nullptr, id) != KAIROS_ERR_INVALID_ARGUMENT ||
                    kairos_store_delete(c.handle, nullptr) != KAIROS_ERR_INVALID_ARGUMENT ||
                    kairos_store_contains(nullptr, id, &out) != KAIROS_ERR_INVALID_ARGUMENT) {
                    kf::bug("a bad argument was not refused with KAIROS_ERR_INVALID_ARGUMENT");
                }
                break;
            }
            case 15:  // a close of the owner ends the program (every later call gets KAIROS_ERR_CLOSED)
                if ((op & 0x70) == 0x70) owner_closed = true;
                break;
        }
    }

    for (Client &c : clients) {
        if (c.handle != nullptr) verify_pins(c);
    }
    const std::string consistency = kairos::store::store_of(clients[0].handle)->check_consistency();
    if (!consistency.empty()) kf::bug("inconsistent store:", consistency.c_str());
    close_client(clients[1]);
    close_client(clients[0]);
    const int fd = ::shm_open(("/kairos-" + name).c_str(), O_RDONLY, 0);
    if (fd >= 0 || errno != ENOENT) kf::bug("the owner's close left the segment in /dev/shm");
    return 0;
}
