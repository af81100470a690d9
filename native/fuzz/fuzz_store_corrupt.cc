// libFuzzer target: a store whose segment is corrupted at random, then attached (and, when the input asks, recovered
// as after a lock holder's death) and used. Another process, a bad disk image or a stray write can leave any bytes
// in /dev/shm; the store must answer with status codes (KAIROS_ERR_INCOMPATIBLE, KAIROS_ERR_CORRUPT, ...), never
// crash, abort, hang or touch memory outside its mapping.
//
// The program: format a small store and fill it (puts, pins, unsealed creates), then apply up to 32 patches, each a
// region of the segment (header fields, allocator control, client slots, entries, index, pin records, block headers
// in the arena, anywhere), an offset in it and a value; then optionally mark the lock's holder dead (the next lock
// runs recover()), attach, and run store calls through both the attached handle and the owner.
//
// Not patched: the pthread mutex's own bytes. A lock word that names a live thread (any nonzero owner without the
// OWNER_DIED bit) makes every locker wait for that thread for good: a hang no status can report, which is the
// process-shared mutex's contract, not the store's. The lock is exercised by setting OWNER_DIED, as a dead holder does.
#include <linux/futex.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "kairos/store.h"
#include "store/layout.h"
#include "store/store_impl.h"

namespace {

using kairos::store::SegmentHeader;

void pick_id(kf::Input &in, uint8_t *id) {
    const uint8_t b = in.u8();
    std::memset(id, 0, KAIROS_OBJECT_ID_SIZE);
    id[0] = static_cast<uint8_t>(b & 15);
    id[15] = static_cast<uint8_t>(b >> 4);
}

void run_ops(kf::Input &in, kairos_store *s, int steps) {
    for (int i = 0; i < steps && !in.done(); i++) {
        const uint8_t op = in.u8();
        uint8_t id[KAIROS_OBJECT_ID_SIZE];
        pick_id(in, id);
        switch (op & 7) {
            case 0: {
                uint8_t *payload = nullptr;
                const uint64_t n = in.u16() % 8192;
                if (kf::check(kairos_store_create_object(s, id, n, &payload)) == KAIROS_OK) {
                    kf::fill(payload, n, id);
                    if (op & 8) kf::check(kairos_store_seal(s, id));
                }
                break;
            }
            case 1: kf::check(kairos_store_seal(s, id)); break;
            case 2: kf::check(kairos_store_abort(s, id)); break;
            case 3: {
                const uint8_t *got = nullptr;
                uint64_t n = 0;
                if (kf::check(kairos_store_get(s, id, 0, &got, &n)) == KAIROS_OK) {
                    volatile uint8_t sink = 0;
                    for (uint64_t k = 0; k < n; k += 997) sink = sink ^ got[k];  // the payload is mapped memory
                    if (n > 0) sink = sink ^ got[n - 1];
                }
                break;
            }
            case 4: kf::check(kairos_store_release(s, id)); break;
            case 5: kf::check(kairos_store_delete(s, id)); break;
            case 6: {
                kairos_store_stats st{};
                int32_t out = 0;
                kf::check(kairos_store_stats_get(s, &st));
                kf::check(kairos_store_contains(s, id, &out));
                break;
            }
            case 7: {
                uint32_t reaped = 0;
                kf::check(kairos_store_reap_dead_clients(s, &reaped));
                break;
            }
        }
    }
}

// A patch: where (a region of the segment), the offset inside it, and what to write.
void patch(kf::Input &in, uint8_t *base, const SegmentHeader &layout) {
    struct Region {
        uint64_t begin, size;
    };
    const uint64_t lock_begin = offsetof(SegmentHeader, lock);
    const uint64_t lock_end = lock_begin + sizeof(pthread_mutex_t);
    const Region regions[] = {
        {0, 128},                                                                  // the layout fields
        {offsetof(SegmentHeader, seal_futex), offsetof(SegmentHeader, tlsf) - offsetof(SegmentHeader, seal_futex)},
        {offsetof(SegmentHeader, tlsf), sizeof(kairos::store::TlsfControl)},       // allocator bitmaps, list heads
        {offsetof(SegmentHeader, clients), sizeof(layout.clients)},                // client slots
        {layout.entries_offset, layout.index_offset - layout.entries_offset},      // object entries
        {layout.index_offset, layout.pins_offset - layout.index_offset},           // id index
        {layout.pins_offset, layout.arena_offset - layout.pins_offset},            // pin records
        {layout.arena_offset, layout.arena_size},                                  // block headers and payloads
    };
    const uint8_t how = in.u8();
    const Region r = regions[how & 7];
    uint64_t at = r.begin + in.u32() % r.size;
    if ((how & 0x30) == 0x10 && r.begin == layout.arena_offset) at &= ~uint64_t{63};  // a block header's start
    at += (how >> 6) * 8 % 64 * ((how & 0x30) == 0x10);                            // one of its fields
    const int width = (how & 0x08) ? 8 : 4;
    if (at + width > layout.segment_size) return;
    if (at < lock_end && at + width > lock_begin) return;  // the mutex: see the file comment
    if ((how & 0x30) == 0x20) {
        base[at] ^= in.u8();  // a flipped byte
    } else if (width == 8) {
        const uint64_t v = (how & 0x30) == 0x30 ? in.u64() : in.u16();  // anything, or a small (plausible) value
        std::memcpy(base + at, &v, 8);
    } else {
        const uint32_t v = (how & 0x30) == 0x30 ? in.u32() : in.u8();
        std::memcpy(base + at, &v, 4);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    kf::Input in(data, size);
    const std::string name = kf::unique_store_name();
    kairos_store *owner = nullptr;
    if (kf::check(kairos_store_create(name.c_str(), KAIROS_STORE_MIN_CAPACITY * (1 + (in.u8() & 3)), 64, &owner)) !=
        KAIROS_OK) {
        kf::bug("create failed:", kairos_last_error_detail());
    }
    run_ops(in, owner, 4 + (in.u8() & 31));  // the state the corruption hits

    kairos::store::Store *store = kairos::store::store_of(owner);
    auto *base = reinterpret_cast<uint8_t *>(store->header());
    const SegmentHeader layout = *store->header();  // where the regions were before any patch
    const int patches = in.u8() & 31;
    for (int i = 0; i < patches; i++) patch(in, base, layout);
    if (in.u8() & 1) {
        // The holder died: glibc's robust mutex reports EOWNERDEAD to the next locker, which runs recover().
        uint32_t word = FUTEX_OWNER_DIED;
        std::memcpy(base + offsetof(SegmentHeader, lock), &word, sizeof word);
    }

    kairos_store *attached = nullptr;
    if (kf::check(kairos_store_attach(name.c_str(), &attached)) == KAIROS_OK) {
        run_ops(in, attached, 64);
    }
    run_ops(in, owner, 64);
    if (attached != nullptr) kf::check(kairos_store_close(attached));
    kf::check(kairos_store_close(owner));
    kairos_store_free(attached);
    kairos_store_free(owner);
    return 0;
}
