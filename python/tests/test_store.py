import gc
import warnings
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import unittest

import numpy as np

import _support
import kairos
from kairos import ObjectId, Store
from kairos.store import PinnedArray


def address(a) -> int:
    return a.__array_interface__["data"][0]


class ObjectIdTest(unittest.TestCase):
    def test_hex_is_the_bytes_in_order_as_java_writes_them(self):
        oid = ObjectId.from_parts(1, -2)
        self.assertEqual(oid.hex(), "0000000000000001" + "fffffffffffffffe")
        self.assertEqual(bytes(oid), bytes.fromhex(oid.hex()))
        self.assertEqual((oid.hi, oid.lo), (1, -2))
        self.assertEqual(ObjectId.from_hex(oid.hex()), oid)
        self.assertEqual(hash(ObjectId.from_hex(oid.hex())), hash(oid))

    def test_invalid_forms(self):
        for bad in ["", "0" * 31, "g" * 32, "0" * 33]:
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                ObjectId.from_hex(bad)
        with self.assertRaises(ValueError):
            ObjectId(b"short")

    def test_random_ids_differ(self):
        self.assertEqual(len({ObjectId.random() for _ in range(1000)}), 1000)


class PutGetTest(_support.StoreTestCase):
    def test_values_round_trip(self):
        for value in [None, 7, -1.5, "text", b"bytes", [1, [2, {"k": (3, 4)}]], {1, 2}, 2 ** 80]:
            with self.subTest(value=value):
                oid = self.store.put(value)
                self.assertTrue(self.store.contains(oid))
                self.assertIn(oid, self.store)
                got = self.store.get(oid)
                expected = [1, [2, {"k": [3, 4]}]] if isinstance(value, list) else value
                self.assertEqual(got, expected)
        self.assertEqual(self.pinned(), 0)

    def test_put_with_an_id_and_lookup_by_hex_and_bytes(self):
        oid = ObjectId.random()
        self.assertEqual(self.store.put("v", object_id=oid), oid)
        self.assertEqual(self.store.get(oid.hex()), "v")
        self.assertEqual(self.store.get(bytes(oid)), "v")
        with self.assertRaises(kairos.ExistsError):
            self.store.put("again", object_id=oid)

    def test_put_xlang_refuses_what_has_no_cross_language_form(self):
        with self.assertRaises(kairos.NotCrossLanguageError):
            self.store.put({1, 2}, format="xlang")
        self.assertEqual(self.store.stats().objects, 0)

    def test_tensor_get_is_zero_copy_read_only_and_aligned(self):
        a = np.arange(1000, dtype=np.float64).reshape(10, 100)
        oid = self.store.put(a)
        got = self.store.get(oid)
        self.assertIsInstance(got, PinnedArray)
        np.testing.assert_array_equal(got, a)
        lo, hi = self.store.segment_range()
        self.assertTrue(lo <= address(got) and address(got) + got.nbytes <= hi)
        self.assertEqual(address(got) % 64, 0)
        self.assertFalse(got.flags.writeable)
        with self.assertRaises(ValueError):
            got[0, 0] = 1
        again = self.store.get(oid)
        self.assertEqual(address(again), address(got))  # the same memory, not a copy
        self.assertIsInstance(got + 1, np.ndarray)
        self.assertNotIsInstance(got + 1, PinnedArray)

    def test_nested_tensors_are_views_of_the_store_aligned(self):
        oid = self.store.put({"a": [np.ones(3, np.int8), "x"], "b": np.zeros((2, 2), np.float32)})
        got = self.store.get(oid)
        lo, hi = self.store.segment_range()
        for t in [got["a"][0], got["b"]]:
            self.assertTrue(lo <= address(t) < hi)
            self.assertEqual(address(t) % 64, 0)
        self.assertEqual(got["a"][1], "x")

    def test_pin_is_held_while_a_view_lives_and_released_when_collected(self):
        oid = self.store.put(np.arange(100, dtype=np.int32))
        got = self.store.get(oid)
        self.assertEqual(self.pinned(), 1)
        self.store.delete(oid)  # pinned: hidden at once, freed at the last release
        self.assertFalse(self.store.contains(oid))
        self.assertEqual(self.store.stats().objects, 1)
        view = got[10:20]
        del got
        gc.collect()
        self.assertEqual(self.store.stats().objects, 1)  # the slice keeps the pin
        np.testing.assert_array_equal(view, np.arange(10, 20))
        del view
        gc.collect()
        self.assertEqual(self.store.stats().objects, 0)
        self.assertEqual(self.pinned(), 0)

    def test_with_block_releases_the_pin_at_exit(self):
        oid = self.store.put(np.arange(10.0))
        with self.store.get(oid) as a:
            self.assertEqual(self.pinned(), 1)
            total = float(a.sum())
            self.assertTrue(a.pinned)
        self.assertEqual(total, 45.0)
        self.assertEqual(self.pinned(), 0)
        self.assertFalse(a.pinned)
        a.release()  # idempotent
        self.store.delete(oid)
        self.assertEqual(self.store.stats().objects, 0)

    def test_values_that_are_not_tensors_are_copied_and_unpinned(self):
        oid = self.store.put([1, "s", b"b" * 10000])
        got = self.store.get(oid)
        self.assertIsInstance(got[2], bytes)
        self.assertEqual(self.pinned(), 0)

    def test_bytes_with_copy_false_are_a_pinned_read_only_memoryview(self):
        oid = self.store.put(b"payload" * 1000)
        view = self.store.get(oid, copy=False)
        self.assertIsInstance(view, memoryview)
        self.assertTrue(view.readonly)
        self.assertEqual(bytes(view[:7]), b"payload")
        self.assertEqual(self.pinned(), 1)
        del view
        gc.collect()
        self.assertEqual(self.pinned(), 0)

    def test_copy_true_copies_everything_and_unpins(self):
        oid = self.store.put(np.arange(5))
        got = self.store.get(oid, copy=True)
        self.assertTrue(got.flags.writeable)
        lo, hi = self.store.segment_range()
        self.assertFalse(lo <= address(got) < hi)
        self.assertEqual(self.pinned(), 0)

    def test_one_pin_for_all_tensors_of_a_value(self):
        oid = self.store.put([np.ones(4), np.zeros(4)])
        first, second = self.store.get(oid)
        self.assertEqual(self.pinned(), 1)
        del first
        gc.collect()
        self.assertEqual(self.pinned(), 1)
        del second
        gc.collect()
        self.assertEqual(self.pinned(), 0)

    def test_put_of_a_non_contiguous_array(self):
        a = np.arange(200, dtype=np.int16).reshape(10, 20)[::3, ::-2]
        got = self.store.get(self.store.put(a))
        np.testing.assert_array_equal(got, a)
        self.assertTrue(got.flags.c_contiguous)

    def test_java_payload_in_the_store(self):
        # what Java's ValueCodec writes for the String "héllo": type id 1, kind STRING, UTF-8
        import struct
        data = struct.pack("<ii", 1, 0) + b"\x03" + "héllo".encode()
        oid = self.store.put_raw(data)
        self.assertEqual(self.store.get(oid), "héllo")
        self.assertEqual(bytes(self.store.get_buffer(oid)), data)
        gc.collect()
        self.assertEqual(self.pinned(), 0)

    def test_dlpack_shares_the_memory(self):
        got = self.store.get(self.store.put(np.arange(16, dtype=np.float32)))
        shared = np.from_dlpack(got)
        self.assertEqual(address(shared), address(got))
        self.assertFalse(shared.flags.writeable)

    def test_torch_shares_the_memory_through_dlpack_and_numpy(self):
        try:
            import torch
        except ImportError:
            self.skipTest("torch is not installed (pip install torch==2.13.0+cpu)")
        got = self.store.get(self.store.put(np.arange(16, dtype=np.float32)))
        self.assertEqual(torch.from_dlpack(got).data_ptr(), address(got))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # torch warns that the array is read-only
            self.assertEqual(torch.from_numpy(got).data_ptr(), address(got))


class CreateTensorTest(_support.StoreTestCase):
    def test_fill_and_seal_in_a_with_block(self):
        with self.store.create_tensor(np.float32, (4, 8)) as t:
            lo, hi = self.store.segment_range()
            self.assertTrue(lo <= address(t) < hi)
            self.assertEqual(address(t) % 64, 0)
            t[:] = np.arange(32, dtype=np.float32).reshape(4, 8)
            self.assertFalse(self.store.contains(t.object_id))
        self.assertTrue(self.store.contains(t.object_id))
        self.assertFalse(t.flags.writeable)
        self.assertEqual(self.pinned(), 1)  # the sealed array keeps its object pinned
        got = self.store.get(t.object_id)
        self.assertEqual(address(got), address(t))
        np.testing.assert_array_equal(got, np.arange(32).reshape(4, 8))
        del t, got
        gc.collect()
        self.assertEqual(self.pinned(), 0)

    def test_exception_aborts(self):
        with self.assertRaises(RuntimeError):
            with self.store.create_tensor("int64", (100,)) as t:
                t[:5] = 1
                raise RuntimeError("boom")
        self.assertFalse(self.store.contains(t.object_id))
        self.assertEqual(self.store.stats().objects, 0)
        with self.assertRaises(kairos.NotFoundError):
            self.store.get(t.object_id, timeout=0)

    def test_explicit_seal_abort_and_collected_unsealed(self):
        t = self.store.create_tensor(np.uint16, 3)
        t[:] = [1, 2, 3]
        oid = t.seal()
        with self.assertRaises(kairos.WrongStateError):
            t.seal()
        self.assertEqual(self.store.get(oid, copy=True).tolist(), [1, 2, 3])
        u = self.store.create_tensor(np.uint8, (2, 2))
        u.abort()
        self.assertFalse(self.store.contains(u.object_id))
        w = self.store.create_tensor(np.uint8, (2, 2))
        self.assertEqual(self.store.stats().objects, 2)
        del w
        gc.collect()
        self.assertEqual(self.store.stats().objects, 1)

    def test_unsealed_object_times_out(self):
        t = self.store.create_tensor(np.int8, 8)
        with self.assertRaises(kairos.StoreTimeoutError):
            self.store.get(t.object_id, timeout=0)
        t.abort()

    def test_empty_and_zero_dim(self):
        with self.store.create_tensor(np.float64, (0, 3)) as e:
            pass
        self.assertEqual(self.store.get(e.object_id).shape, (0, 3))
        with self.store.create_tensor(np.int32, ()) as z:
            z[()] = 42
        self.assertEqual(int(self.store.get(z.object_id)), 42)


class LargeTensorTest(_support.StoreTestCase):
    capacity = (256 << 20) + (1 << 20)

    def test_256_mib_round_trip_with_checksum(self):
        src = np.arange(64 << 20, dtype=np.uint32)  # 256 MiB
        src ^= np.uint32(0x9E3779B9)
        expected = hashlib.blake2b(src.data, digest_size=16).hexdigest()
        oid = self.store.put(src)
        del src
        got = self.store.get(oid)
        self.assertEqual(got.nbytes, 256 << 20)
        lo, hi = self.store.segment_range()
        self.assertTrue(lo <= address(got) and address(got) + got.nbytes <= hi)
        self.assertEqual(hashlib.blake2b(got.data, digest_size=16).hexdigest(), expected)


class ErrorsTest(_support.StoreTestCase):
    def test_missing_object(self):
        oid = ObjectId.random()
        with self.assertRaises(kairos.NotFoundError) as ctx:
            self.store.get(oid, timeout=0)
        self.assertIn("KAIROS_ERR_NOT_FOUND", str(ctx.exception))
        with self.assertRaises(kairos.NotFoundError):
            self.store.delete(oid)
        self.assertFalse(self.store.contains(oid))

    def test_timeout(self):
        start = time.monotonic()
        with self.assertRaises(kairos.StoreTimeoutError) as ctx:
            self.store.get(ObjectId.random(), timeout=0.3)
        self.assertGreaterEqual(time.monotonic() - start, 0.29)
        self.assertIn("KAIROS_ERR_TIMEOUT", str(ctx.exception))

    def test_get_waits_for_a_put(self):
        oid = ObjectId.random()
        timer = threading.Timer(0.3, lambda: self.store.put("late", object_id=oid))
        timer.start()
        try:
            self.assertEqual(self.store.get(oid, timeout=10), "late")
        finally:
            timer.join()

    def test_closed_store(self):
        oid = self.store.put(1)
        self.store.close()
        self.store.close()  # idempotent
        for call in [lambda: self.store.get(oid), lambda: self.store.put(2), lambda: self.store.contains(oid),
                     lambda: self.store.stats(), lambda: self.store.delete(oid),
                     lambda: self.store.create_tensor("f4", 3)]:
            with self.assertRaises(kairos.ClosedError) as ctx:
                call()
            self.assertIn("KAIROS_ERR_CLOSED", str(ctx.exception))

    def test_close_with_a_live_view_keeps_the_memory_until_the_view_goes(self):
        name = self.names[0]
        got = self.store.get(self.store.put(np.arange(1000)))
        self.store.close()
        self.assertTrue(os.path.exists(_support.segment_path(name)))
        self.assertEqual(int(got.sum()), 499500)  # still mapped: no crash
        del got
        gc.collect()
        self.assertFalse(os.path.exists(_support.segment_path(name)))

    def test_store_full(self):
        small = self.new_store(64 * 1024)
        with self.assertRaises(kairos.InvalidArgumentError):  # larger than the arena: never fits
            small.put(np.zeros(128 * 1024, np.uint8))
        held = small.get(small.put(np.zeros(40 * 1024, np.uint8)))  # pinned: not evictable
        with self.assertRaises(kairos.StoreFullError):
            small.put(np.zeros(40 * 1024, np.uint8))
        del held
        self.assertGreaterEqual(small.stats().allocation_failures, 1)

    def test_bad_arguments_and_names(self):
        with self.assertRaises(kairos.InvalidArgumentError):
            Store.create(_support.unique_name(), 1024)  # below KAIROS_STORE_MIN_CAPACITY
        with self.assertRaises(kairos.ExistsError):
            Store.create(self.names[0], 1 << 20)
        with self.assertRaises(kairos.NotFoundError):
            Store.attach(_support.unique_name())


class DefaultStoreTest(_support.StoreTestCase):
    def test_connect_from_the_environment_and_module_level_put_get(self):
        old = os.environ.get("KAIROS_STORE")
        os.environ["KAIROS_STORE"] = self.names[0]
        try:
            store = kairos.connect()
            self.assertEqual(store.name, self.names[0])
            self.assertFalse(store.owner)
            ref = kairos.put({"x": np.arange(3)})
            self.assertEqual(self.store.get(ref, copy=True)["x"].tolist(), [0, 1, 2])
            self.assertEqual(kairos.get(ref.hex())["x"].tolist(), [0, 1, 2])
            gc.collect()
            store.close()
        finally:
            if old is None:
                del os.environ["KAIROS_STORE"]
            else:
                os.environ["KAIROS_STORE"] = old


CHILD = r"""
import hashlib, json, sys
import numpy as np
import kairos
store = kairos.Store.attach(sys.argv[1])
got = store.get(sys.argv[2], timeout=10)
lo, hi = store.segment_range()
addr = got.__array_interface__["data"][0]
reply = store.put(np.asarray(got, dtype=np.float64) * 2)
print(json.dumps({"in_segment": lo <= addr and addr + got.nbytes <= hi, "aligned": addr % 64 == 0,
                  "readonly": not got.flags.writeable, "digest": hashlib.blake2b(got.data).hexdigest(),
                  "client": store.client_id(), "pinned": store.stats().pinned_objects, "reply": reply.hex()}))
del got
store.close()
"""


class SecondProcessTest(_support.StoreTestCase):
    def test_another_process_attaches_by_name_and_reads_zero_copy(self):
        a = np.random.default_rng(5).standard_normal((256, 256)).astype(np.float32)
        oid = self.store.put(a)
        env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        out = subprocess.run([sys.executable, "-c", CHILD, self.names[0], oid.hex()], env=env,
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        reply = json.loads(out.stdout)
        self.assertTrue(reply["in_segment"])
        self.assertTrue(reply["aligned"])
        self.assertTrue(reply["readonly"])
        self.assertEqual(reply["pinned"], 1)
        self.assertGreater(reply["client"], 0)
        self.assertEqual(reply["digest"], hashlib.blake2b(a.data).hexdigest())
        np.testing.assert_array_equal(self.store.get(reply["reply"]), a.astype(np.float64) * 2)
        self.assertEqual(self.pinned(), 0)  # the child's pin went with it
        self.assertEqual(self.store.stats().clients, 1)


if __name__ == "__main__":
    unittest.main()
