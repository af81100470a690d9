package io.kairos.metadata.lmdb;

import io.kairos.spi.metadata.MetadataException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The child JVM of the cross-process tests. Modes:
 * <ul>
 *   <li>{@code read DIR N}: checks keys 0..N-1 of tables "a" and "b" (written by {@link #key}/{@link #value}), then
 *       writes key "from-child" in table "c"; prints "OK N"</li>
 *   <li>{@code loop DIR}: puts key i into table "acks" for i = 0, 1, ... until killed, printing "ack i" after each
 *       put returned</li>
 *   <li>{@code open DIR}: opens and closes a store; prints "OPENED" or the MetadataException's message</li>
 * </ul>
 * Exit status 0 when all is well, 2 on a check that failed, 3 on a MetadataException.
 */
public final class LmdbChild {
    private LmdbChild() {
    }

    static byte[] key(final int i) {
        return String.format("key-%08d", i).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(final int i) {
        return ("value-" + i + "-" + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
    }

    public static void main(final String[] args) {
        final Path dir = Path.of(args[1]);
        try {
            switch (args[0]) {
                case "read" -> read(dir, Integer.parseInt(args[2]));
                case "loop" -> loop(dir);
                case "open" -> {
                    new LmdbMetadataStore(dir).close();
                    System.out.println("OPENED");
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
        } catch (final MetadataException e) {
            System.out.println("MetadataException: " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
        System.out.flush();
        System.exit(0);
    }

    private static void read(final Path dir, final int n) {
        try (LmdbMetadataStore store = new LmdbMetadataStore(dir)) {
            for (final String table : new String[] {"a", "b"}) {
                for (int i = 0; i < n; i++) {
                    final byte[] got = store.get(table, key(i));
                    if (!Arrays.equals(value(i), got)) {
                        System.out.println("MISMATCH " + table + " " + i + ": "
                                + (got == null ? "null" : new String(got, StandardCharsets.UTF_8)));
                        System.out.flush();
                        System.exit(2);
                    }
                }
            }
            final int[] count = {0};
            store.scan("a", "key-".getBytes(StandardCharsets.UTF_8), (k, v) -> count[0]++);
            if (count[0] != n) {
                System.out.println("SCAN saw " + count[0] + " of " + n);
                System.out.flush();
                System.exit(2);
            }
            store.put("c", "from-child".getBytes(StandardCharsets.UTF_8), "hello".getBytes(StandardCharsets.UTF_8));
        }
        System.out.println("OK " + n);
    }

    private static void loop(final Path dir) {
        final LmdbMetadataStore store = new LmdbMetadataStore(dir);
        System.out.println("READY");
        System.out.flush();
        for (int i = 0; ; i++) {
            store.put("acks", key(i), value(i));
            System.out.println("ack " + i);
            System.out.flush();
        }
    }
}
