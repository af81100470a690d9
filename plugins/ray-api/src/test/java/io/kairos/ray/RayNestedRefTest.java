package io.kairos.ray;

import io.ray.api.ObjectRef;
import io.ray.api.Ray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Refs inside values (Ray's nested object refs): put, returned by tasks, passed to tasks, through the shared store. */
class RayNestedRefTest {
    /** More than the kernel keeps inline: a value holding it goes to the shared store, serialized. */
    private static final int LARGE = 1 << 20;

    @BeforeAll
    static void init() {
        RayTestSupport.init();
    }

    @AfterAll
    static void shutdown() {
        RayTestSupport.shutdown();
    }

    /** A large value with refs in it. */
    static final class Holder implements Serializable {
        private static final long serialVersionUID = 1L;
        final byte[] payload;
        final List<ObjectRef<Integer>> refs;

        Holder(final byte[] payload, final List<ObjectRef<Integer>> refs) {
            this.payload = payload;
            this.refs = refs;
        }
    }

    static int square(final int x) {
        return x * x;
    }

    static List<ObjectRef<Integer>> squares(final int n) {
        final List<ObjectRef<Integer>> refs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            refs.add(Ray.task(RayNestedRefTest::square, i).remote());
        }
        return refs;
    }

    static int sumOf(final List<ObjectRef<Integer>> refs) {
        int sum = 0;
        for (final ObjectRef<Integer> ref : refs) {
            sum += ref.get();
        }
        return sum;
    }

    @Test
    void aPutListOfRefsGetsBackRefsThatResolve() {
        final List<ObjectRef<Integer>> inner = List.of(Ray.put(3), Ray.task(RayNestedRefTest::square, 4).remote());
        final List<ObjectRef<Integer>> back = Ray.put(inner).get();
        assertEquals(List.of(3, 16), Ray.get(back));
    }

    @Test
    void aLargeValueWithRefsGoesThroughTheStoreAndItsRefsResolve() {
        final byte[] payload = new byte[LARGE];
        payload[LARGE - 1] = 7;
        final List<ObjectRef<Integer>> inner = List.of(Ray.put(5), Ray.task(RayNestedRefTest::square, 6).remote());
        final Holder back = Ray.put(new Holder(payload, inner)).get();
        assertNotSame(payload, back.payload, "the value did not go through the shared store");
        assertArrayEquals(payload, back.payload);
        assertEquals(List.of(5, 36), Ray.get(back.refs));
        assertSame(inner.get(0), back.refs.get(0), "a ref reads back as the same ref");
    }

    @Test
    void aTaskReturnsRefsAndAnotherTaskTakesThemInAList() {
        final List<ObjectRef<Integer>> refs = Ray.task(RayNestedRefTest::squares, 4).remote().get();
        assertEquals(List.of(0, 1, 4, 9), Ray.get(refs));
        // nested refs are passed as refs (Ray resolves only top-level arguments): the task gets them itself
        assertEquals(14, Ray.task(RayNestedRefTest::sumOf, refs).remote().get());
    }

    @Test
    void aSerializedRefDoesNotReadBackInAnotherJob() throws IOException, ClassNotFoundException {
        final ObjectRef<Integer> ref = Ray.put(1);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(ref);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertSame(ref, in.readObject());
        }
        final byte[] otherJob = bytes.toByteArray();
        final byte[] job = RayTestSupport.runtime().jobId.getBytes();
        // the job id's bytes in the stream (the serial form's byte[]), changed to another job's
        final int at = indexOf(otherJob, job);
        assertTrue(at > 0, "the job id is not in the serial form");
        otherJob[at] ^= 0x5a;
        final InvalidObjectException e = assertThrows(InvalidObjectException.class, () -> {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(otherJob))) {
                in.readObject();
            }
        });
        assertTrue(e.getMessage().contains("ObjectRef(") && e.getMessage().contains("cannot be read here"),
            e.getMessage());
    }

    private static int indexOf(final byte[] haystack, final byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
