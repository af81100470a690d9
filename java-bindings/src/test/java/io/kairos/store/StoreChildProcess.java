package io.kairos.store;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.time.Duration;

/**
 * The second process of {@link CrossProcessTest}. Usage: {@code <store> verify <count>} checks the parent's
 * objects and writes its own; {@code <store> pin <count>} pins the parent's objects and waits to be killed.
 */
public final class StoreChildProcess {
    private StoreChildProcess() {
    }

    static ObjectId parentObject(final int i) {
        return ObjectId.of(0x7A7A, i);
    }

    static ObjectId childObject(final int i) {
        return ObjectId.of(0x8B8B, i);
    }

    static int sizeOf(final int i) {
        return 1 + i * 997;
    }

    static byte pattern(final int object, final int offset) {
        return (byte) (object * 31 + offset * 7);
    }

    static void fill(final MutableDirectBuffer buffer, final int object) {
        for (int j = 0; j < buffer.capacity(); j++) {
            buffer.putByte(j, pattern(object, j));
        }
    }

    static String check(final DirectBuffer buffer, final int object) {
        if (buffer.capacity() != sizeOf(object)) {
            return "object " + object + " has size " + buffer.capacity() + ", expected " + sizeOf(object);
        }
        for (int j = 0; j < buffer.capacity(); j++) {
            if (buffer.getByte(j) != pattern(object, j)) {
                return "object " + object + " differs at byte " + j;
            }
        }
        return null;
    }

    public static void main(final String[] args) throws Exception {
        final String name = args[0];
        final String mode = args[1];
        final int count = Integer.parseInt(args[2]);
        if ("own".equals(mode)) {  // creates the store and owns it until the test kills this process
            final SharedObjectStore owned = SharedObjectStore.create(name, 4L << 20);
            for (int i = 0; i < count; i++) {
                final MutableDirectBuffer buffer = owned.create(parentObject(i), sizeOf(i));
                fill(buffer, i);
                owned.seal(parentObject(i));
            }
            System.out.println("OWNING");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        final SharedObjectStore store = SharedObjectStore.attach(name);
        if ("verify".equals(mode)) {
            for (int i = 0; i < count; i++) {
                final String error = check(store.get(parentObject(i), Duration.ofSeconds(5)), i);
                store.release(parentObject(i));
                if (error != null) {
                    System.out.println("FAIL " + error);
                    System.exit(1);
                }
            }
            for (int i = 0; i < count; i++) {
                final MutableDirectBuffer buffer = store.create(childObject(i), sizeOf(i));
                fill(buffer, i);
                store.seal(childObject(i));
            }
            store.close();
            System.out.println("OK");
            System.exit(0);
        } else if ("pin".equals(mode)) {
            for (int i = 0; i < count; i++) {
                store.get(parentObject(i), Duration.ofSeconds(5));
            }
            store.create(childObject(0), 1024);  // an unsealed object, abandoned
            System.out.println("PINNED");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);  // parked until the test kills this process
        } else {
            System.out.println("FAIL unknown mode " + mode);
            System.exit(2);
        }
    }
}
