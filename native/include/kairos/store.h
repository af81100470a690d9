/*
 * Kairos shared-memory object store: the C ABI.
 *
 * This is the only surface other languages see. Every function returns a status code (KAIROS_OK or a negative
 * KAIROS_ERR_*), checks every argument, and never aborts or throws across the boundary. When a call fails,
 * kairos_last_error_detail() gives a message for the calling thread that names the field and the limit.
 *
 * One store is one shared-memory segment, /dev/shm/kairos-<name> (mode 0600). The object table lives inside
 * the segment, so any process that attaches finds and reads objects with no round trip to another process.
 *
 * Segment layout (layout version KAIROS_STORE_LAYOUT_VERSION; every offset is from the start of the segment):
 *
 *   0                                                                  header_size (a multiple of 4096)
 *   +----------------------------------------------------------------+
 *   | 0 magic "KRSSTORE" | 8 layout version u32 | 12 header size u32 |  header: sizes and offsets, the robust
 *   | 16 segment size | 24 entries | 32 index | 40 pins offsets (u64)|  process-shared mutex, the seal futex,
 *   | 48 arena offset | 56 arena size | 64 max objects u32 | ...    |  statistics, LRU list ends, TLSF bitmaps
 *   | robust mutex | futex | stats | LRU | TLSF | client slots       |  and free lists, attached clients
 *   +----------------------------------------------------------------+ entries_offset
 *   | object entries [max_objects] x 64 B: id, state, pins, block,   |  stable slots (never move), linked into
 *   | data size, LRU prev/next, creator client                        |  the LRU list and an entry free list
 *   +----------------------------------------------------------------+ index_offset
 *   | id index [2 * max_objects rounded to a power of two] x u32      |  open addressing, linear probing
 *   +----------------------------------------------------------------+ pins_offset
 *   | pin records [>= 4 x max_objects, power of 2] x 16 B             |  (object, client, count): who pins what
 *   +----------------------------------------------------------------+ arena_offset (64-byte aligned)
 *   | arena: TLSF blocks. Each block = 64 B block header + payload.   |
 *   | The 8 bytes just before a payload hold its size (u64, LE).      |
 *   +----------------------------------------------------------------+ segment_size
 *
 * Object life cycle: create (writable, unsealed) -> seal (immutable) -> get/release (pinned while got) -> delete.
 * An unsealed object is either sealed or aborted by its creator. A pinned object is never evicted; deleting a
 * pinned object hides it at once and frees it at its last release.
 *
 * Thread safety: every function may be called from any thread of any attached process.
 */
#ifndef KAIROS_STORE_H
#define KAIROS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "kairos/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** ABI version: bumped on any incompatible change of this header. Check kairos_store_abi_version() at load. */
#define KAIROS_STORE_ABI_VERSION 1
/** Version of the segment layout; attach refuses a segment of another version. */
#define KAIROS_STORE_LAYOUT_VERSION 1

#define KAIROS_OBJECT_ID_SIZE 16
/** Payloads are aligned to this many bytes. */
#define KAIROS_STORE_ALIGNMENT 64
/** Store names: 1..KAIROS_STORE_NAME_MAX characters of [A-Za-z0-9._-], not starting with '.'. */
#define KAIROS_STORE_NAME_MAX 200
/** Smallest and largest arena capacity accepted by kairos_store_create. */
#define KAIROS_STORE_MIN_CAPACITY (64u * 1024u)
#define KAIROS_STORE_MAX_CAPACITY (1ull << 40)
/** Largest max_objects accepted (0 asks for the default: capacity / 4096, at least 1024). */
#define KAIROS_STORE_MAX_OBJECTS (1u << 24)
/** How many processes (clients) may be attached at once, the owner included. */
#define KAIROS_STORE_MAX_CLIENTS 128
/** Offset, from a payload pointer, of the u64 that holds the payload size. */
#define KAIROS_OBJECT_SIZE_PREFIX_OFFSET (-8)


typedef struct kairos_store kairos_store; /* an opaque handle: one per create or attach */

typedef struct kairos_store_stats {
    uint64_t capacity;            /* arena bytes */
    uint64_t bytes_used;          /* arena bytes in allocated blocks, block headers included */
    uint64_t objects;             /* objects in the table, sealed or not (pending deletes included) */
    uint64_t sealed_objects;
    uint64_t pinned_objects;      /* objects with at least one pin */
    uint64_t evictions;           /* objects evicted since the store was created */
    uint64_t evicted_bytes;
    uint64_t allocation_failures; /* creates that failed with KAIROS_ERR_STORE_FULL */
    uint64_t max_objects;
    uint64_t clients;             /* attached processes, the owner included */
    uint64_t recoveries;          /* times a dead lock holder's state was repaired */
    uint64_t dead_clients_reaped; /* clients found dead whose pins and creates were released */
} kairos_store_stats;

/**
 * Called once per evicted object, in the process whose allocation triggered the eviction, while the store's
 * lock is held: data is readable only during the call (spill it here), and the callback must not call back
 * into this store.
 */
typedef void (*kairos_eviction_fn)(void *user, const uint8_t *id, const uint8_t *data, uint64_t size);

/** The ABI version of the loaded library (KAIROS_STORE_ABI_VERSION it was built with). */
KAIROS_API int32_t kairos_store_abi_version(void);

/**
 * Creates the store and its segment, and becomes its owner (client 0).
 * capacity: arena bytes, KAIROS_STORE_MIN_CAPACITY..KAIROS_STORE_MAX_CAPACITY (rounded up to 64).
 * max_objects: 0 for the default, else 64..KAIROS_STORE_MAX_OBJECTS.
 * A segment of that name whose owner process is gone is replaced; one whose owner lives gives KAIROS_ERR_EXISTS.
 * Ownership is an flock(LOCK_EX) the owner holds on the segment from its creation until close (the kernel drops it
 * when the owner dies; a child forked by the owner shares it while it keeps the inherited descriptor): a segment is
 * replaced only if that lock is free, so of concurrent creates of one name exactly one succeeds.
 */
KAIROS_API int32_t kairos_store_create(const char *name, uint64_t capacity, uint32_t max_objects,
                                       kairos_store **out);

/**
 * Attaches to an existing store as a new client. KAIROS_ERR_INCOMPATIBLE if the segment is not a formatted store of
 * this layout version or its header's layout (sizes, capacities, table offsets, arena bounds) is inconsistent.
 */
KAIROS_API int32_t kairos_store_attach(const char *name, kairos_store **out);

/**
 * Removes the segment of a store whose owner process is gone (a crashed kernel's), as create() would before it
 * reuses the name: only if this user owns it, it is a store's segment (or empty), and nobody holds its owner lock.
 * KAIROS_OK: removed; KAIROS_ERR_EXISTS: its owner lives; KAIROS_ERR_NOT_FOUND: no such segment;
 * KAIROS_ERR_WRONG_STATE: another user's, or not a store's.
 */
KAIROS_API int32_t kairos_store_remove_stale(const char *name);

/**
 * Detaches: releases this client's pins, aborts its unsealed creates, unmaps; the owner also removes the name
 * (processes still attached keep their mapping). Idempotent. The small handle itself stays allocated so that a
 * late call returns KAIROS_ERR_CLOSED rather than touching freed memory; call kairos_store_free when no other
 * thread can use the handle any more.
 */
KAIROS_API int32_t kairos_store_close(kairos_store *store);

/** Closes if needed and frees the handle. The handle must not be used afterwards. */
KAIROS_API int32_t kairos_store_free(kairos_store *store);

/** Creates an unsealed object of size bytes (0 allowed) and returns its writable payload. Evicts if needed. */
KAIROS_API int32_t kairos_store_create_object(kairos_store *store, const uint8_t *id, uint64_t size,
                                              uint8_t **data_out);

/** Seals an object this client created: it becomes immutable and visible to get. Wakes waiting getters. */
KAIROS_API int32_t kairos_store_seal(kairos_store *store, const uint8_t *id);

/** Aborts an unsealed object this client created: its memory is freed and the id may be created again. */
KAIROS_API int32_t kairos_store_abort(kairos_store *store, const uint8_t *id);

/**
 * Gets a sealed object, pinning it for this client until kairos_store_release. If the object is absent or not
 * sealed yet, waits up to timeout_ns for it to be sealed (0: do not wait; KAIROS_ERR_NOT_FOUND if absent,
 * KAIROS_ERR_TIMEOUT if unsealed; a wait that ends unsatisfied gives KAIROS_ERR_TIMEOUT). timeout_ns < 0 waits
 * forever. size_out may be null (the size also sits at KAIROS_OBJECT_SIZE_PREFIX_OFFSET).
 * Pins are recorded per (object, client) pair, in a table that holds at least 3 x max_objects pairs; a get that
 * needs a new pair when it is full fails with KAIROS_ERR_STORE_FULL ("pin table full").
 */
KAIROS_API int32_t kairos_store_get(kairos_store *store, const uint8_t *id, int64_t timeout_ns,
                                    const uint8_t **data_out, uint64_t *size_out);

/** Releases one pin this client holds on the object. */
KAIROS_API int32_t kairos_store_release(kairos_store *store, const uint8_t *id);

/**
 * Deletes a sealed object: KAIROS_OK if it was deleted (or, if pinned, hidden now and freed at its last release),
 * KAIROS_ERR_NOT_FOUND if absent, KAIROS_ERR_WRONG_STATE if it is unsealed (abort it instead).
 */
KAIROS_API int32_t kairos_store_delete(kairos_store *store, const uint8_t *id);

/** *out = 1 if a sealed, not deleted object has this id, else 0. */
KAIROS_API int32_t kairos_store_contains(kairos_store *store, const uint8_t *id, int32_t *out);

/** Fills *out with the store's counters (read under the lock: a consistent snapshot). */
KAIROS_API int32_t kairos_store_stats_get(kairos_store *store, kairos_store_stats *out);

/**
 * Sets (or, with fn null, clears) this handle's eviction callback. fn and user change together, under the store's
 * lock: an eviction calls the old pair or the new one, never a mix. Must not be called from the callback itself.
 */
KAIROS_API int32_t kairos_store_set_eviction_callback(kairos_store *store, kairos_eviction_fn fn, void *user);

/** Releases the pins and aborts the unsealed creates of clients whose process is gone; *reaped_out may be null. */
KAIROS_API int32_t kairos_store_reap_dead_clients(kairos_store *store, uint32_t *reaped_out);

/** This handle's client index (0 for the owner). */
KAIROS_API int32_t kairos_store_client_id(kairos_store *store, int32_t *out);

/** kairos_store_prefault: allocate the range's tmpfs pages (fallocate), without mapping them. */
#define KAIROS_PREFAULT_RESERVE 1u
/** kairos_store_prefault: map the range's pages writable into this process (allocating any not reserved yet). */
#define KAIROS_PREFAULT_MAP 2u

/**
 * Makes resident the pages of the arena that hold bytes [offset, offset + length) (offsets from the arena's start;
 * the arena is kairos_store_stats.capacity bytes), so that writes into them pay no first-touch page fault: a first
 * touch of a tmpfs page costs more than copying 4 KiB into it. flags: KAIROS_PREFAULT_RESERVE, KAIROS_PREFAULT_MAP or
 * both (both: reserve the whole range, then map it).
 *   RESERVE allocates the pages in /dev/shm (fallocate): about twice as fast as faulting them in, and a write into a
 *   reserved page then pays half a first touch. Pages are shared, so this serves every attached process.
 *   MAP maps them writable into this process with madvise(MADV_POPULATE_WRITE) (Linux 5.14+), or, where the kernel
 *   refuses it, reserves them and writes each with an atomic add of 0. A write into a mapped page pays no fault.
 * To populate a large arena while puts run, reserve all of it first, then map it: puts then never pay a full first
 * touch. Neither phase changes a byte, so a prefault is safe while any thread or process writes, reads, creates or
 * deletes objects in the range, and it takes no lock: creates and gets never wait for it. It works in 2 MiB slices and
 * stops at the next slice once the handle is closed (KAIROS_ERR_CLOSED), so a close waits for one slice at most.
 * The pages stay allocated: the range takes tmpfs memory from then on, objects in it or not.
 * populated_out (may be null) receives the bytes done by the last phase asked for, in whole pages, also when the call
 * stops part way.
 * KAIROS_ERR_INVALID_ARGUMENT for other flags, offset > capacity or length > capacity - offset (length 0 does
 * nothing); KAIROS_ERR_NO_MEMORY if memory or /dev/shm's space runs out; KAIROS_ERR_UNSUPPORTED for RESERVE alone on
 * a file system without fallocate; KAIROS_ERR_IO for another failure of the system.
 */
KAIROS_API int32_t kairos_store_prefault(kairos_store *store, uint64_t offset, uint64_t length, uint32_t flags,
                                         uint64_t *populated_out);

#ifdef __cplusplus
}
#endif

#endif /* KAIROS_STORE_H */
