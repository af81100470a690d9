package io.kairos.store;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java mirror of the header agrees with what the native side writes: read with plain NIO, no native call. */
class SegmentLayoutTest {
    @Test
    void aLiveSegmentsHeaderReadsAsDocumented() throws Exception {
        try (SharedObjectStore store = SharedObjectStore.create(StoreNames.unique("layout"), 1 << 20, 256);
             FileChannel channel = FileChannel.open(Path.of(SegmentLayout.segmentPath(store.name())),
                 StandardOpenOption.READ)) {
            final ByteBuffer header = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, 0);
            assertEquals(SegmentLayout.MAGIC, header.getLong(SegmentLayout.MAGIC_OFFSET));
            assertEquals(SegmentLayout.LAYOUT_VERSION, header.getInt(SegmentLayout.LAYOUT_VERSION_OFFSET));
            assertEquals(channel.size(), header.getLong(SegmentLayout.SEGMENT_SIZE_OFFSET));
            assertEquals(1 << 20, header.getLong(SegmentLayout.ARENA_SIZE_OFFSET));
            assertEquals(256, header.getInt(SegmentLayout.MAX_OBJECTS_OFFSET));
            assertEquals(ProcessHandle.current().pid(), header.getInt(SegmentLayout.OWNER_PID_OFFSET));
            final long headerSize = header.getInt(SegmentLayout.HEADER_SIZE_OFFSET);
            final long entries = header.getLong(SegmentLayout.ENTRIES_OFFSET_OFFSET);
            final long index = header.getLong(SegmentLayout.INDEX_OFFSET_OFFSET);
            final long pins = header.getLong(SegmentLayout.PINS_OFFSET_OFFSET);
            final long arena = header.getLong(SegmentLayout.ARENA_OFFSET_OFFSET);
            assertEquals(headerSize, entries);
            assertEquals(entries + 256L * SegmentLayout.ENTRY_SIZE, index);
            assertEquals(index + 4L * header.getInt(SegmentLayout.INDEX_CAPACITY_OFFSET), pins);
            assertTrue(arena >= pins + (long) SegmentLayout.PIN_RECORD_SIZE * header.getInt(SegmentLayout.PIN_CAPACITY_OFFSET));
            assertEquals(channel.size(), arena + (1 << 20));
            assertEquals(0, arena % SegmentLayout.ALIGNMENT);
            assertEquals("KRSSTORE", new String(header.array(), 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        }
    }
}
