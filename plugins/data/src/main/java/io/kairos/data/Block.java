package io.kairos.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A block of rows as the plan's tasks return it: a list the kernel stores through {@link BlockSerializer} when every
 * row is of a kind it writes directly (numbers, strings, byte and number arrays, {@link Image}s), else through Java
 * serialization as any list.
 */
final class Block extends ArrayList<Object> {
    private static final long serialVersionUID = 1L;

    Block(final int capacity) {
        super(capacity);
    }

    /** The rows as a block (the same list if it is one). */
    static Block of(final List<Object> rows) {
        if (rows instanceof Block) {
            return (Block) rows;
        }
        final Block b = new Block(rows.size());
        b.addAll(rows);
        return b;
    }
}
