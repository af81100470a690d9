import math
import pickle
import random
import struct
import unittest

import numpy as np

import _support  # noqa: F401  (sys.path)
import kairos
from kairos import codec
from kairos.codec import CodecError, JavaSerializedValueError, NotCrossLanguageError, decode, encode

HDR2 = struct.pack("<ii", 2, 0)


def aligned_copy(data: bytes) -> np.ndarray:
    """data in a 64-byte-aligned uint8 array, as the store would hold it."""
    raw = np.zeros(len(data) + 64, np.uint8)
    start = -raw.ctypes.data % 64
    buf = raw[start:start + len(data)]
    buf[:] = np.frombuffer(data, np.uint8)
    return buf


def tensors(value):
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from tensors(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from tensors(v)


class RoundTripTest(unittest.TestCase):
    def assertRoundTrip(self, value, expected=None):
        back = decode(encode(value, format="xlang"))
        self.assertEqualDeep(back, value if expected is None else expected)
        return back

    def assertEqualDeep(self, a, b):
        if isinstance(b, np.ndarray):
            self.assertIsInstance(a, np.ndarray)
            self.assertEqual(a.dtype, b.dtype)
            self.assertEqual(a.shape, b.shape)
            np.testing.assert_array_equal(a, b)
        elif isinstance(b, (list, tuple)):
            self.assertIsInstance(a, list)
            self.assertEqual(len(a), len(b))
            for x, y in zip(a, b):
                self.assertEqualDeep(x, y)
        elif isinstance(b, dict):
            self.assertIsInstance(a, dict)
            self.assertEqual(set(a), set(b))
            for k in b:
                self.assertEqualDeep(a[k], b[k])
        elif isinstance(b, float) and math.isnan(b):
            self.assertTrue(math.isnan(a))
        else:
            self.assertEqual(type(a), type(b) if not isinstance(b, (bytearray, memoryview)) else bytes)
            self.assertEqual(a, b)

    def test_scalars(self):
        for v in [None, True, False, 0, 1, -1, codec.INT64_MIN, codec.INT64_MAX, 0.0, -0.0, 1.5, float("inf"),
                  float("-inf"), float("nan"), 1e-308]:
            with self.subTest(v=v):
                self.assertRoundTrip(v)
        self.assertEqual(math.copysign(1, decode(encode(-0.0))), -1)

    def test_bytes_and_str(self):
        for v in [b"", b"\x00\xff", bytes(range(256)) * 100, "", "héllo ☃ 𝄞", "x" * 10000]:
            with self.subTest(n=len(v)):
                self.assertRoundTrip(v)
        self.assertRoundTrip(bytearray(b"ab"), b"ab")
        self.assertRoundTrip(memoryview(np.arange(3, dtype=np.int32)), np.arange(3, dtype=np.int32).tobytes())

    def test_lists_maps_and_tuples(self):
        self.assertRoundTrip([])
        self.assertRoundTrip({})
        self.assertRoundTrip((1, "a", None), [1, "a", None])
        self.assertRoundTrip({"a": [1, {"b": [b"x", 2.5]}], 3: None, None: True, b"k": "v"})
        back = decode(encode({(1, (2, 3)): "t"}))
        self.assertEqual(back, {(1, (2, 3)): "t"})

    def test_numpy_scalars_become_python_scalars(self):
        self.assertEqual(decode(encode([np.int32(7), np.float32(0.5), np.bool_(True)])), [7, 0.5, True])

    def test_every_dtype(self):
        for code, dt in codec.DTYPES.items():
            with self.subTest(dtype=dt):
                a = (np.arange(24) % 2 if dt.kind == "b" else np.arange(24)).astype(dt).reshape(2, 3, 4)
                back = self.assertRoundTrip(a)
                self.assertEqual(back.dtype, dt)
                self.assertEqual(encode(a)[HDR2.__len__() + 1], code)
        self.assertRoundTrip(np.array([np.nan, -np.inf, 65504], np.float16))

    def test_zero_dim_and_empty_tensors(self):
        self.assertRoundTrip(np.array(3.5))
        self.assertRoundTrip(np.zeros((0,), np.int64))
        self.assertRoundTrip(np.zeros((3, 0, 2), np.float32))
        self.assertRoundTrip([np.zeros((0,)), np.ones(()), "after"])

    def test_non_contiguous_input_is_written_c_contiguous(self):
        base = np.arange(60, dtype=np.int64).reshape(6, 10)
        for a in [base[::2, 1::3], base.T, base[::-1], np.broadcast_to(np.arange(3), (4, 3)), np.asfortranarray(base)]:
            with self.subTest(strides=a.strides):
                back = self.assertRoundTrip(a)
                self.assertTrue(back.flags.c_contiguous)
                head = encode(a)
                ndim = a.ndim
                strides = struct.unpack_from(f"<{ndim}q", head, 8 + 9 + 8 * ndim)
                self.assertEqual(list(strides), codec.c_strides(a.shape, a.itemsize))

    def test_tensor_data_is_64_byte_aligned_from_the_value_start_when_nested(self):
        value = {"a": np.arange(3, dtype=np.int8), "bb": [1, "x" * 7, np.ones((2, 2), np.float64),
                                                           [np.zeros(5, np.uint16), b"y"]],
                 "c": np.array(1.0, np.float32)}
        buf = aligned_copy(encode(value))
        back = decode(buf, copy=False)
        found = list(tensors(back))
        self.assertEqual(len(found), 4)
        for t in found:
            self.assertEqual((t.ctypes.data - buf.ctypes.data) % 64, 0)
            self.assertTrue(np.shares_memory(t, buf))

    def test_copy_false_gives_views_and_copy_true_copies(self):
        data = encode([np.arange(4.0), b"raw"])
        views = decode(data, copy=False)
        self.assertFalse(views[0].flags.writeable)  # bytes input is read-only
        self.assertIsInstance(views[1], memoryview)
        self.assertTrue(views[1].readonly)
        self.assertEqual(bytes(views[1]), b"raw")
        copies = decode(data)
        self.assertTrue(copies[0].flags.writeable)
        self.assertIsInstance(copies[1], bytes)

    def test_exact_layout_of_a_tensor(self):
        a = np.array([[1, 2, 3]], np.int32)
        expected = (HDR2 + bytes([9, 6, 2]) + bytes(6) + struct.pack("<qq", 1, 3) + struct.pack("<qq", 12, 4)
                    + struct.pack("<Q", 12))
        expected += bytes(-len(expected) % 64) + struct.pack("<3i", 1, 2, 3)
        self.assertEqual(encode(a), expected)

    def test_exact_layout_of_scalars_and_containers(self):
        value = [None, False, True, -2, 0.5, b"b", "s", {"k": 1}]
        expected = (HDR2 + bytes([7]) + struct.pack("<Q", 8) + bytes([0, 1, 2]) + bytes([3]) + struct.pack("<q", -2)
                    + bytes([4]) + struct.pack("<d", 0.5) + bytes([5]) + struct.pack("<Q", 1) + b"b"
                    + bytes([6]) + struct.pack("<Q", 1) + b"s"
                    + bytes([8]) + struct.pack("<Q", 1) + bytes([6]) + struct.pack("<Q", 1) + b"k"
                    + bytes([3]) + struct.pack("<q", 1))
        self.assertEqual(encode(value), expected)

    def test_int_outside_int64_is_not_cross_language(self):
        for v in [2 ** 63, -2 ** 63 - 1, [1, 2 ** 100]]:
            with self.subTest(v=v), self.assertRaises(NotCrossLanguageError) as ctx:
                encode(v, format="xlang")
            self.assertIn("-2**63, 2**63 - 1", str(ctx.exception))
        self.assertEqual(decode(encode(2 ** 100)), 2 ** 100)  # auto: pickle
        self.assertEqual(struct.unpack_from("<i", encode(2 ** 100))[0], codec.TYPE_PICKLE)

    def test_values_without_xlang_form_fall_back_to_pickle(self):
        odd = [np.zeros(2, np.complex64), np.zeros(2, object), np.zeros(2, ">i4"),
               np.zeros(2, [("a", "<i4"), ("b", "<f8")]), {1, 2}, 1 + 2j, np.zeros(3, "datetime64[ns]")]
        for v in odd:
            with self.subTest(v=type(v)):
                with self.assertRaises(NotCrossLanguageError):
                    encode(v, format="xlang")
                data = encode(v)
                self.assertEqual(struct.unpack_from("<i", data)[0], codec.TYPE_PICKLE)
                back = decode(data)
                if isinstance(v, np.ndarray):
                    self.assertEqual(back.dtype, v.dtype)
                    np.testing.assert_array_equal(back, v)
                else:
                    self.assertEqual(back, v)
        with self.assertRaises(NotCrossLanguageError):
            encode(np.zeros((1,) * 33), format="xlang")
        self.assertEqual(struct.unpack_from("<i", encode("x", format="pickle"))[0], codec.TYPE_PICKLE)

    def test_cycles_and_deep_nesting_are_refused(self):
        cyclic = []
        cyclic.append(cyclic)
        with self.assertRaises(NotCrossLanguageError):
            encode(cyclic, format="xlang")
        deep = []
        for _ in range(codec.MAX_DEPTH - 1):
            deep = [deep]
        self.assertEqual(len(decode(encode(deep, format="xlang"))), 1)

    def test_seeded_random_round_trips(self):
        rng = random.Random(19)
        dtypes = list(codec.DTYPES.values())

        def gen(depth):
            k = rng.randrange(10 if depth < 4 else 7)
            if k == 0:
                return rng.choice([None, True, False])
            if k == 1:
                return rng.randint(codec.INT64_MIN, codec.INT64_MAX)
            if k == 2:
                return rng.uniform(-1e300, 1e300)
            if k == 3:
                return rng.randbytes(rng.randrange(0, 200))
            if k == 4:
                return "".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x100, 0xD7FF)]))
                               for _ in range(rng.randrange(0, 30)))
            if k in (5, 6):
                dt = rng.choice(dtypes)
                shape = tuple(rng.randrange(0, 5) for _ in range(rng.randrange(0, 4)))
                raw = np.frombuffer(rng.randbytes(int(np.prod(shape)) * dt.itemsize), np.uint8)
                return (raw % 2).astype(dt).reshape(shape) if dt.kind == "b" else raw.view(dt).reshape(shape)
            if k in (7, 8):
                return [gen(depth + 1) for _ in range(rng.randrange(0, 5))]
            return {rng.choice([rng.randrange(1000), str(rng.randrange(1000))]): gen(depth + 1)
                    for _ in range(rng.randrange(0, 5))}

        for i in range(300):
            v = gen(0)
            with self.subTest(i=i):
                data = encode(v, format="xlang")
                back = decode(data)
                self.assertEqual(encode(back, format="xlang"), data)  # NaN-safe: compare the bytes
                for t in tensors(decode(aligned_copy(data), copy=False)):
                    self.assertEqual(t.ctypes.data % 64, 0) if t.size else None


class Opaque:
    """A class instance: no xlang form."""

    def __init__(self, x):
        self.x = x

    def __eq__(self, other):
        return isinstance(other, Opaque) and other.x == self.x


class RefAndPickleKindsTest(unittest.TestCase):
    def test_ref_layout_and_resolution(self):
        oid = bytes(range(16))
        data = encode([1, codec.Ref(oid, 4096)], format="xlang")
        self.assertEqual(data, HDR2 + bytes([7]) + struct.pack("<Q", 2) + bytes([3]) + struct.pack("<q", 1)
                         + bytes([10]) + oid + struct.pack("<Q", 4096))
        seen = []

        def resolve(object_id, length):
            seen.append((object_id, length))
            return "resolved"

        self.assertEqual(decode(data, resolve_ref=resolve), [1, "resolved"])
        self.assertEqual(len(seen), 1)
        self.assertIsInstance(seen[0][0], kairos.ObjectId)
        self.assertEqual((bytes(seen[0][0]), seen[0][1]), (oid, 4096))

    def test_ref_without_a_resolver_is_a_codec_error(self):
        data = encode({"a": codec.Ref(bytes(16), 1)}, format="xlang")
        with self.assertRaises(CodecError) as ctx:
            decode(data)
        self.assertIn("a store reference needs a store", str(ctx.exception))
        self.assertEqual(ctx.exception.field, "REF")
        with self.assertRaises(CodecError) as ctx:
            decode(data[:-3], resolve_ref=lambda o, n: None)
        self.assertEqual(ctx.exception.field, "REF")

    def test_nested_pickle_only_where_needed(self):
        value = [1, {2, 3}, {"o": Opaque(5), "n": np.arange(3)}, 2 ** 70, np.zeros(2, np.complex64)]
        data = encode(value, format="xlang", nested_pickle=True)
        self.assertEqual(struct.unpack_from("<i", data)[0], codec.TYPE_XLANG)
        back = decode(data)
        self.assertEqual(back[0], 1)
        self.assertEqual(back[1], {2, 3})
        self.assertEqual(back[2]["o"], Opaque(5))
        np.testing.assert_array_equal(back[2]["n"], np.arange(3))
        self.assertEqual(back[3], 2 ** 70)
        self.assertEqual(back[4].dtype, np.complex64)
        # the set's bytes: kind 11, u64 length, the pickle
        body = pickle.dumps({2, 3}, protocol=5)
        self.assertIn(bytes([11]) + struct.pack("<Q", len(body)) + body, data)

    def test_nested_pickle_keeps_tensors_aligned_after_a_rewind(self):
        big = np.arange(5000, dtype=np.float64)  # a piece of its own: the planner flushes before it
        value = [b"x" * 5000, [big, Opaque(1)], np.ones(7, np.int16)]
        data = encode(value, format="xlang", nested_pickle=True)
        back = decode(aligned_copy(data), copy=False)
        self.assertEqual(back[0], b"x" * 5000)
        self.assertEqual(back[1][1], Opaque(1))
        np.testing.assert_array_equal(back[1][0], big)
        np.testing.assert_array_equal(back[2], np.ones(7, np.int16))
        for t in (back[1][0], back[2]):
            self.assertEqual(t.ctypes.data % 64, 0)

    def test_top_level_without_xlang_form(self):
        with self.assertRaises(NotCrossLanguageError):
            encode({1, 2}, format="xlang", nested_pickle=True)
        data = encode({1, 2}, nested_pickle=True)
        self.assertEqual(struct.unpack_from("<i", data)[0], codec.TYPE_PICKLE)
        self.assertEqual(decode(data), {1, 2})
        # without nested_pickle, auto pickles the whole list
        self.assertEqual(struct.unpack_from("<i", encode([{1}]))[0], codec.TYPE_PICKLE)

    def test_malformed_nested_pickle(self):
        with self.assertRaises(CodecError) as ctx:
            decode(HDR2 + bytes([11]) + struct.pack("<Q", 3) + b"\x80\x05x")
        self.assertEqual(ctx.exception.field, "PICKLE")
        with self.assertRaises(CodecError) as ctx:
            decode(HDR2 + bytes([11]) + struct.pack("<Q", 30) + b"\x80\x05x")
        self.assertEqual(ctx.exception.field, "PICKLE length")


class JavaPayloadTest(unittest.TestCase):
    @staticmethod
    def java(kind: int, body: bytes) -> bytes:
        return struct.pack("<ii", 1, 0) + bytes([kind]) + body

    def test_every_readable_kind(self):
        self.assertEqual(decode(self.java(1, b"\x00abc")), b"\x00abc")
        self.assertEqual(decode(self.java(2, b"buf")), b"buf")
        self.assertEqual(decode(self.java(3, "héllo".encode())), "héllo")
        self.assertEqual(decode(self.java(4, struct.pack(">q", -5_000_000_000))), -5_000_000_000)
        self.assertEqual(decode(self.java(5, struct.pack(">i", -7))), -7)
        self.assertEqual(decode(self.java(6, struct.pack(">d", 2.25))), 2.25)
        self.assertEqual(decode(self.java(1, b"")), b"")
        view = decode(self.java(1, b"zz"), copy=False)
        self.assertIsInstance(view, memoryview)
        self.assertEqual(bytes(view), b"zz")

    def test_java_serialized_value_is_a_clear_error(self):
        with self.assertRaises(JavaSerializedValueError) as ctx:
            decode(self.java(7, b"\xac\xed\x00\x05"))
        self.assertIn("a Java-serialized value (class unknown to Python) cannot be read in Python; "
                      "use a cross-language value", str(ctx.exception))

    def test_malformed_java_payloads(self):
        cases = {
            "unknown kind": (self.java(8, b""), "Java kind", 8),
            "no kind": (struct.pack("<ii", 1, 0), "Java kind", 8),
            "long too short": (self.java(4, b"\x00" * 7), "Java body", 9),
            "int too long": (self.java(5, b"\x00" * 5), "Java body", 9),
            "bad utf-8": (self.java(3, b"a\xff"), "Java STRING", 10),
        }
        for name, (data, field, offset) in cases.items():
            with self.subTest(name), self.assertRaises(CodecError) as ctx:
                decode(data)
            self.assertEqual((ctx.exception.field, ctx.exception.offset), (field, offset))


class MalformedTest(unittest.TestCase):
    def tensor(self, code=6, ndim=1, shape=(3,), strides=(4,), nbytes=12, reserved=bytes(6), data=None,
               pad_byte=0):
        head = HDR2 + bytes([9, code, ndim]) + reserved
        head += struct.pack(f"<{len(shape)}q", *shape) + struct.pack(f"<{len(strides)}q", *strides)
        head += struct.pack("<Q", nbytes)
        head += bytes([pad_byte]) * (-len(head) % 64)
        return head + (bytes(nbytes) if data is None else data)

    def test_well_formed_helper(self):
        np.testing.assert_array_equal(decode(self.tensor()), np.zeros(3, np.int32))

    def test_each_error_names_the_field_and_offset(self):
        deep = b"".join(bytes([7]) + struct.pack("<Q", 1) for _ in range(codec.MAX_DEPTH + 1)) + bytes([0])
        cases = {
            "short header": (b"\x02\x00\x00", "header", 0),
            "reserved": (struct.pack("<ii", 2, 1) + b"\x00", "reserved", 4),
            "unknown type id": (struct.pack("<ii", 99, 0), "type id", 0),
            "empty payload": (HDR2, "kind", 8),
            "unknown kind": (HDR2 + b"\x0c", "kind", 8),
            "REF truncated": (HDR2 + b"\x0a" + bytes(23), "REF", 9),
            "INT truncated": (HDR2 + b"\x03" + b"\x00" * 7, "INT", 9),
            "FLOAT truncated": (HDR2 + b"\x04", "FLOAT", 9),
            "BYTES length truncated": (HDR2 + b"\x05\x01", "BYTES length", 9),
            "BYTES past end": (HDR2 + b"\x05" + struct.pack("<Q", 5) + b"abc", "BYTES length", 9),
            "huge BYTES length": (HDR2 + b"\x05" + struct.pack("<Q", 2 ** 64 - 1), "BYTES length", 9),
            "STR not utf-8": (HDR2 + b"\x06" + struct.pack("<Q", 2) + b"a\xc3", "STR", 18),
            "LIST count": (HDR2 + b"\x07" + struct.pack("<Q", 3) + b"\x00\x00", "LIST count", 9),
            "LIST item truncated": (HDR2 + b"\x07" + struct.pack("<Q", 1) + b"\x03\x00", "INT", 18),
            "MAP count": (HDR2 + b"\x08" + struct.pack("<Q", 1) + b"\x00", "MAP count", 9),
            "MAP unhashable key": (HDR2 + b"\x08" + struct.pack("<Q", 1) + b"\x08" + struct.pack("<Q", 0) + b"\x00",
                                   "MAP key", 17),
            "too deep": (HDR2 + deep, "depth", 8 + 9 * codec.MAX_DEPTH),
            "trailing bytes": (HDR2 + b"\x00\x00", "end", 9),
            "unknown dtype": (self.tensor(code=13), "TENSOR dtype", 9),
            "dtype 0": (self.tensor(code=0), "TENSOR dtype", 9),
            "ndim > 32": (self.tensor(ndim=33, shape=(1,) * 33, strides=(4,) * 33, nbytes=4), "TENSOR ndim", 10),
            "tensor reserved": (self.tensor(reserved=b"\x00\x01" + bytes(4)), "TENSOR reserved", 11),
            "tensor header truncated": (HDR2 + bytes([9, 6]), "TENSOR header", 8),
            "shape truncated": (HDR2 + bytes([9, 6, 2]) + bytes(6) + bytes(20), "TENSOR shape, strides and nbytes", 17),
            "negative shape": (self.tensor(shape=(-1,), nbytes=0), "TENSOR shape", 17),
            "padding not zero": (self.tensor(pad_byte=1), "TENSOR padding", 41),
            "nbytes past end": (self.tensor(data=bytes(8)), "TENSOR nbytes", 33),
            "c-contiguous nbytes mismatch": (self.tensor(nbytes=16), "TENSOR nbytes", 33),
            "strides past the data": (self.tensor(strides=(8,)), "TENSOR strides", 25),
            "negative strides below the data": (self.tensor(strides=(-4,)), "TENSOR strides", 25),
            "huge shape": (self.tensor(shape=(2 ** 62,)), "TENSOR strides", 25),
        }
        for name, (data, field, offset) in cases.items():
            with self.subTest(name):
                with self.assertRaises(CodecError) as ctx:
                    decode(data)
                self.assertEqual((ctx.exception.field, ctx.exception.offset), (field, offset), str(ctx.exception))
                self.assertIn(f"offset {offset}", str(ctx.exception))

    def test_pickle_payload_that_does_not_load(self):
        with self.assertRaises(CodecError) as ctx:
            decode(struct.pack("<ii", 3, 0) + b"\x80\x05garbage")
        self.assertEqual(ctx.exception.field, "pickle")

    def test_readers_honour_strides(self):
        data = struct.pack("<6i", 0, 1, 2, 3, 4, 5)
        f_order = decode(self.tensor(ndim=2, shape=(2, 3), strides=(4, 8), nbytes=24, data=data))
        np.testing.assert_array_equal(f_order, np.array([[0, 2, 4], [1, 3, 5]]))
        broadcast = decode(self.tensor(ndim=2, shape=(3, 2), strides=(0, 4), nbytes=8, data=data[:8]))
        np.testing.assert_array_equal(broadcast, [[0, 1]] * 3)
        nonzero_empty = decode(self.tensor(shape=(0,), strides=(4,), nbytes=0, data=b""))
        self.assertEqual(nonzero_empty.shape, (0,))

    def test_negative_strides_reaching_before_the_data_are_refused(self):
        # element 0 sits at the data's first byte, so element i of a stride -4 is at byte -4 * i
        with self.assertRaises(CodecError):
            decode(self.tensor(shape=(2,), strides=(-4,), nbytes=8, data=bytes(8)))

    def test_seeded_mutation_fuzz_raises_only_codec_errors(self):
        rng = random.Random(1919)
        seeds = [encode(v, format="xlang") for v in [
            [1, "two", b"three", {"four": 4.0}], np.arange(12, dtype=np.int16).reshape(3, 4),
            {"t": [np.ones((2, 2)), np.zeros(0, np.uint8), np.array(True)]}, [None, True, False, [[[]]]]]]
        seeds += [JavaPayloadTest.java(3, b"text"), JavaPayloadTest.java(4, bytes(8))]
        outcomes = {"ok": 0, "error": 0}
        for i in range(3000):
            data = bytearray(rng.choice(seeds))
            for _ in range(rng.randrange(1, 4)):
                op = rng.randrange(3)
                if op == 0 and data:
                    data[rng.randrange(len(data))] = rng.randrange(256)
                elif op == 1:
                    del data[rng.randrange(len(data) + 1):]
                else:
                    pos = rng.randrange(len(data) + 1)
                    data[pos:pos] = rng.randbytes(rng.randrange(1, 9))
            try:
                decode(bytes(data), copy=rng.random() < 0.5)
                outcomes["ok"] += 1
            except CodecError:
                outcomes["error"] += 1
            except Exception as e:  # pragma: no cover - the failure being tested
                self.fail(f"iteration {i}: {type(e).__name__}: {e} on {bytes(data)!r}")
        self.assertGreater(outcomes["error"], 1000)


if __name__ == "__main__":
    unittest.main()
