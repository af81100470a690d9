package io.kairos.store;

/**
 * The fixed part of a store segment's header, as the C side lays it out ({@code native/include/kairos/store.h},
 * checked there by static_asserts), so tools can read a segment without the native library. All fields are
 * little-endian; offsets are from the start of the segment, {@code /dev/shm/kairos-<name>}.
 *
 * <pre>
 *   0        8             12           16             24               32             40           48
 *   +--------+-------------+------------+--------------+----------------+--------------+------------+
 *   | magic  | layout ver. | header size| segment size | entries offset | index offset | pins offset|
 *   +--------+-------------+------------+--------------+----------------+--------------+------------+
 *   48             56           64            68               72             76          80
 *   +--------------+------------+-------------+----------------+--------------+-----------+
 *   | arena offset | arena size | max objects | index capacity | pin capacity | owner pid | ... lock, stats,
 *   +--------------+------------+-------------+----------------+--------------+-----------+     TLSF, clients
 *   header size: object entries (64 B each) | id index (u32) | pin records (16 B) | arena (TLSF blocks)
 * </pre>
 */
public final class SegmentLayout {
    /** The segment's first 8 bytes: "KRSSTORE". */
    public static final long MAGIC = 0x45524f545353524bL;
    /** The layout version this library reads and writes. */
    public static final int LAYOUT_VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int LAYOUT_VERSION_OFFSET = 8;
    public static final int HEADER_SIZE_OFFSET = 12;
    public static final int SEGMENT_SIZE_OFFSET = 16;
    public static final int ENTRIES_OFFSET_OFFSET = 24;
    public static final int INDEX_OFFSET_OFFSET = 32;
    public static final int PINS_OFFSET_OFFSET = 40;
    public static final int ARENA_OFFSET_OFFSET = 48;
    public static final int ARENA_SIZE_OFFSET = 56;
    public static final int MAX_OBJECTS_OFFSET = 64;
    public static final int INDEX_CAPACITY_OFFSET = 68;
    public static final int PIN_CAPACITY_OFFSET = 72;
    public static final int OWNER_PID_OFFSET = 76;
    /** How many getters wait for a seal (a hint the store keeps for its wake-ups; tests wait on it). */
    public static final int SEAL_WAITERS_OFFSET = 196;

    /** Bytes of each object entry, block header and pin record. */
    public static final int ENTRY_SIZE = 64;
    public static final int BLOCK_HEADER_SIZE = 64;
    public static final int PIN_RECORD_SIZE = 16;
    /** Payload alignment. */
    public static final int ALIGNMENT = 64;

    private SegmentLayout() {
    }

    /** The file that backs a store of this name. */
    public static String segmentPath(final String storeName) {
        return "/dev/shm/kairos-" + storeName;
    }
}
