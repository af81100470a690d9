"""The worker process (python -m kairos.worker), driven through its real pipes as the kernel drives it."""

import gc
import itertools
import os
import queue
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import numpy as np

import _support
from kairos import codec, worker
from kairos.codec import Ref

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(TESTS_DIR)
TIMEOUT = 30.0  # for any one reply: generous, the machine may be loaded; a hung worker fails, never hangs

TASK, CREATE_ACTOR, ACTOR_CALL = worker.TASK, worker.CREATE_ACTOR, worker.ACTOR_CALL


class Reply:
    """A parsed reply: status "ok" (kind "null" / "inline" / "stored" / "created") or "threw"."""

    def __init__(self, body: bytes):
        self.body = body
        self.raw = self.oid = self.length = self.error = None
        if body[0] == worker.THREW:
            self.status = "threw"
            (n,) = struct.unpack_from(">i", body, 1)
            assert len(body) == 5 + n, (len(body), n)
            self.error = codec.decode(body[5:])
            return
        assert body[0] == worker.OK, body[:1]
        self.status = "ok"
        if len(body) == 1:
            self.kind = "created"
        elif body[1] == worker.NULL:
            assert len(body) == 2
            self.kind = "null"
        elif body[1] == worker.INLINE:
            self.kind = "inline"
            (n,) = struct.unpack_from(">i", body, 2)
            assert len(body) == 6 + n, (len(body), n)
            self.raw = body[6:]
        elif body[1] == worker.STORED:
            self.kind = "stored"
            assert len(body) == 22
            self.oid = body[2:18]
            (self.length,) = struct.unpack_from(">i", body, 18)
        else:
            raise AssertionError(f"unknown result kind {body[1]}")

    @property
    def type_id(self) -> int:
        return struct.unpack_from("<i", self.raw)[0]

    @property
    def value(self):
        if self.kind == "null":
            return None
        assert self.kind == "inline", self.kind
        return codec.decode(self.raw)

    def __repr__(self):
        return f"Reply({self.status}, {self.error if self.error else self.body[:40]!r})"


class WorkerProcess:
    """A worker process and the kernel's side of its protocol. Every wait is bounded (TIMEOUT)."""

    def __init__(self, test: unittest.TestCase, store_name: str, threshold: int = 4096, env: dict | None = None):
        self.test = test
        self.stderr = tempfile.TemporaryFile()
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = os.pathsep.join([PYTHON_DIR, TESTS_DIR])
        full_env.pop("KAIROS_STORE", None)
        full_env.update(env or {})
        self.proc = subprocess.Popen([sys.executable, "-m", "kairos.worker", store_name, str(threshold)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     env=full_env, bufsize=0)
        test.addCleanup(self.kill)
        self.channels = itertools.count(1)
        self.replies: dict[int, queue.Queue] = {}
        self.lock = threading.Lock()
        self.hello: queue.Queue = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # --- pipes -----------------------------------------------------------------------------------------------------
    def _read_exact(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            chunk = self.proc.stdout.read(n - len(out))
            if not chunk:
                raise EOFError
            out += chunk
        return bytes(out)

    def _read(self) -> None:
        try:
            self.hello.put(struct.unpack(">iq", self._read_exact(12)))
            while True:
                channel, n = struct.unpack(">qi", self._read_exact(12))
                self._queue(channel).put(self._read_exact(n))
        except (EOFError, OSError, ValueError):
            pass

    def _queue(self, channel: int) -> queue.Queue:
        with self.lock:
            return self.replies.setdefault(channel, queue.Queue())

    def wait_hello(self) -> tuple[int, int]:
        try:
            return self.hello.get(timeout=TIMEOUT)
        except queue.Empty:
            self.test.fail(f"no hello from the worker in {TIMEOUT} s; stderr: {self.stderr_text()}")

    def send_frame(self, channel: int, payload: bytes) -> None:
        self.proc.stdin.write(struct.pack(">qi", channel, len(payload)) + payload)

    def request(self, op: int, function: str, args=(), actor_id: int = 0, gpus=(), task_id: int = 7,
                attempt: int = 0, name: str = "test-task", raw_args: bytes | None = None) -> int:
        """Sends a request on a new channel; returns the channel."""
        channel = next(self.channels)
        encoded = raw_args if raw_args is not None else codec.encode(list(args), "xlang", nested_pickle=True)
        name_b, fn_b = name.encode(), function.encode()
        payload = (struct.pack(">iqqi", op, task_id, actor_id, attempt) + struct.pack(">i", len(name_b)) + name_b
                   + struct.pack(">i", len(fn_b)) + fn_b + struct.pack(">i", len(gpus))
                   + struct.pack(f">{len(gpus)}i", *gpus) + struct.pack(">i", len(encoded)) + encoded)
        self.send_frame(channel, payload)
        return channel

    def reply(self, channel: int, timeout: float = TIMEOUT) -> Reply:
        try:
            return Reply(self._queue(channel).get(timeout=timeout))
        except queue.Empty:
            self.test.fail(f"no reply on channel {channel} in {timeout} s; stderr: {self.stderr_text()}")

    def call(self, function: str, *args, op: int = TASK, **kw) -> Reply:
        return self.reply(self.request(op, function, args, **kw))

    def value(self, function: str, *args, **kw):
        r = self.call(function, *args, **kw)
        self.test.assertEqual(r.status, "ok", r.error)
        return r.value

    def notice(self, op: int, a: int, b: int = 0) -> None:
        self.send_frame(0, struct.pack(">iqq", op, a, b))

    def close_stdin(self) -> int:
        self.proc.stdin.close()
        return self.proc.wait(timeout=TIMEOUT)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        self.reader.join(timeout=TIMEOUT)
        self.stderr.close()

    def stderr_text(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")


def wait_until(predicate, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


class WorkerTestCase(_support.StoreTestCase):
    capacity = 8 << 20

    def start(self, threshold: int = 4096, env: dict | None = None, store: bool = True) -> WorkerProcess:
        w = WorkerProcess(self, self.store.name if store else "-", threshold, env)
        magic, pid = w.wait_hello()
        self.assertEqual(magic, worker.MAGIC)
        self.assertEqual(pid, w.proc.pid)
        return w

    def put_ref(self, value) -> Ref:
        oid = self.store.put(value, format="xlang")
        length = len(self.store.get_buffer(oid))
        gc.collect()
        return Ref(oid, length)


class TaskTest(WorkerTestCase):
    def test_hello_and_values(self):
        w = self.start()
        self.assertEqual(w.value("worker_fixtures:add", 2, 3), 5)
        self.assertEqual(w.value("worker_fixtures:add", "ab", "cd"), "abcd")
        self.assertEqual(w.value("worker_fixtures:add", [1], [2, 3]), [1, 2, 3])
        self.assertEqual(w.value("worker_fixtures:make_dict", 3),
                         {"n": 3, "squares": [0, 1, 4], "name": "d3", "ok": True, "pi": 3.5})
        self.assertEqual(w.value("worker_fixtures:Outer.Inner.triple", 5), 15)
        self.assertEqual(w.value("operator:mul", 6, 7), 42)
        r = w.call("worker_fixtures:nothing")
        self.assertEqual((r.status, r.kind), ("ok", "null"))
        r = w.call("worker_fixtures:echo", b"bytes")
        self.assertEqual((r.kind, r.type_id, r.value), ("inline", codec.TYPE_XLANG, b"bytes"))

    def test_large_inline_frames_and_frames_back_to_back(self):
        w = self.start(threshold=64 << 20)  # nothing goes to the store: 3 MiB both ways inline
        big = bytes(range(256)) * (3 << 12)
        self.assertEqual(w.value("worker_fixtures:add", big, b"!"), big + b"!")
        # requests sent back to back are read one after another from what the pipe holds
        channels = [w.request(TASK, "worker_fixtures:add", (i, 1)) for i in range(50)]
        self.assertEqual([w.reply(c).value for c in channels], list(range(1, 51)))

    def test_task_info_and_gpus(self):
        w = self.start(env={"CUDA_VISIBLE_DEVICES": "3,5"})
        self.assertEqual(w.value("worker_fixtures:environment", "CUDA_VISIBLE_DEVICES"), "3,5")
        self.assertEqual(w.value("worker_fixtures:environment", "KAIROS_STORE"), self.store.name)
        info = w.value("worker_fixtures:task_info", gpus=(3, 5), task_id=99, attempt=2, name="my-task")
        self.assertEqual(info, {"task_id": 99, "actor_id": 0, "attempt": 2, "name": "my-task",
                                "function": "worker_fixtures:task_info", "gpus": [3, 5]})

    def test_exceptions(self):
        w = self.start()
        r = w.call("worker_fixtures:fail_with_value_error", "bad value")
        self.assertEqual(r.status, "threw")
        self.assertEqual(set(r.error), {"type", "message", "traceback"})
        self.assertEqual((r.error["type"], r.error["message"]), ("ValueError", "bad value"))
        self.assertIn("fail_with_value_error", r.error["traceback"])
        self.assertIn("ValueError: bad value", r.error["traceback"])
        self.assertNotIn("kairos/worker.py", r.error["traceback"])  # the worker's own frames are left out
        r = w.call("worker_fixtures:fail_with_own_error", "custom")
        self.assertEqual((r.error["type"], r.error["message"]), ("worker_fixtures.BadInput", "custom"))

    def test_name_errors(self):
        w = self.start()
        r = w.call("no_such_module_xyz:f")
        self.assertEqual((r.status, r.error["type"]), ("threw", "ModuleNotFoundError"))
        self.assertIn("no_such_module_xyz", r.error["message"])
        r = w.call("worker_fixtures:nope")
        self.assertEqual((r.error["type"], r.error["message"]),
                         ("AttributeError", "module 'worker_fixtures' has no attribute 'nope'"))
        r = w.call("worker_fixtures:Outer.Missing.f")
        self.assertEqual(r.error["type"], "AttributeError")
        self.assertIn("'Outer.Missing.f'", r.error["message"])
        for bad in ["worker_fixtures.add", ":add", "worker_fixtures:", "worker_fixtures:Outer..f",
                    "a..b:f", "a:b:c", ""]:
            with self.subTest(bad=bad):
                r = w.call(bad)
                self.assertEqual(r.error["type"], "ValueError")
                self.assertIn(repr(bad), r.error["message"])
        r = w.call("worker_fixtures:add", 1)
        self.assertEqual(r.error["type"], "TypeError")
        self.assertIn("add()", r.error["message"])
        # the worker goes on serving
        self.assertEqual(w.value("worker_fixtures:add", 1, 1), 2)

    def test_malformed_arguments_are_a_threw_reply(self):
        w = self.start()
        r = w.reply(w.request(TASK, "worker_fixtures:echo", raw_args=codec.encode("not a list")))
        self.assertEqual((r.error["type"]), "ValueError")
        r = w.reply(w.request(TASK, "worker_fixtures:echo", raw_args=b"\x02\x00\x00\x00\x00\x00\x00\x00\x63"))
        self.assertEqual(r.error["type"], "kairos.codec.CodecError")
        self.assertEqual(w.value("worker_fixtures:echo", 1), 1)

    def test_non_xlang_results(self):
        w = self.start()
        r = w.call("worker_fixtures:make_set")
        self.assertEqual((r.type_id, r.value), (codec.TYPE_PICKLE, {1, 2, 3}))
        r = w.call("worker_fixtures:make_point")
        self.assertEqual(r.type_id, codec.TYPE_PICKLE)
        self.assertEqual((r.value.x, r.value.y), (1, 2))
        r = w.call("worker_fixtures:list_with_set")
        self.assertEqual(r.type_id, codec.TYPE_XLANG)
        self.assertIn(bytes([codec.PICKLE]), r.raw)
        self.assertEqual(r.value, [1, "two", {3}])
        r = w.call("worker_fixtures:unpicklable")
        self.assertEqual(r.status, "threw")
        # PICKLE arguments (a value Java got from a Python task and passes on) arrive unpickled
        self.assertEqual(w.value("worker_fixtures:echo", {4, 5}), {4, 5})

    def test_print_does_not_corrupt_the_protocol(self):
        w = self.start()
        self.assertEqual(w.value("worker_fixtures:noisy"), "quiet")
        self.assertEqual(w.value("worker_fixtures:read_stdin"), "")  # stdin is not the protocol's pipe
        self.assertEqual(w.value("worker_fixtures:add", 1, 2), 3)
        self.assertEqual(w.close_stdin(), 0)
        err = w.stderr_text()
        for text in ["noise from print", "noise from sys.stdout", "noise written to fd 1", "noise from sys.__stdout__"]:
            self.assertIn(text, err)

    def test_user_code_shares_the_store(self):
        w = self.start()
        hex_id = w.value("worker_fixtures:put_value", [1, "x"])
        self.assertEqual(self.store.get(hex_id), [1, "x"])


class StoreTransferTest(WorkerTestCase):
    def test_ref_arguments_are_read_zero_copy(self):
        w = self.start()
        a = np.arange(100_000, dtype=np.float64)
        ref = self.put_ref(a)
        info = w.value("worker_fixtures:array_info", ref)
        self.assertTrue(info["lo"] <= info["address"] < info["hi"], info)
        self.assertEqual(info["address"] % 64, 0)
        self.assertEqual((info["sum"], info["writeable"], info["type"], info["shape"]),
                         (float(a.sum()), False, "PinnedArray", [100_000]))
        # a REF inside a nested argument too, next to inline values
        self.assertEqual(w.value("worker_fixtures:add", [ref.length], [self.put_ref("small")]), [ref.length, "small"])
        # the worker's pin on the argument went with the call
        self.assertTrue(wait_until(lambda: self.pinned() == 0), self.store.stats())

    def test_an_argument_returned_as_it_was_goes_back_by_its_id(self):
        w = self.start(threshold=1024)
        a = np.arange(100_000, dtype=np.float32)
        ref = self.put_ref(a)
        objects = self.store.stats().objects
        for fn in ("worker_fixtures:echo", "worker_fixtures:whole_view"):
            r = w.call(fn, ref)
            self.assertEqual((r.kind, kairos_id(r.oid), r.length), ("stored", ref.object_id, ref.length), fn)
            self.assertEqual(self.store.stats().objects, objects, "nothing written")
        # a part of it, or a new array, is a new object
        part = w.call("worker_fixtures:first_half", ref)
        self.assertEqual(part.kind, "stored")
        self.assertNotEqual(kairos_id(part.oid), ref.object_id)
        np.testing.assert_array_equal(self.store.get(part.oid, copy=True), a[:50_000])
        # the worker holds no pin for a returned argument: only the part's, until RELEASE_RESULT
        self.assertTrue(wait_until(lambda: self.pinned() == 1), self.store.stats())

    def test_missing_ref_object_is_a_threw_reply(self):
        w = self.start()
        r = w.call("worker_fixtures:echo", Ref(bytes(16), 10))
        self.assertEqual(r.error["type"], "kairos._native.NotFoundError")

    def test_large_result_is_stored_and_pinned_until_released(self):
        w = self.start(threshold=4096)
        small = w.call("worker_fixtures:arange", 10)
        self.assertEqual(small.kind, "inline")
        r = w.call("worker_fixtures:arange", 10_000)
        self.assertEqual(r.kind, "stored")
        self.assertEqual(r.length, len(self.store.get_buffer(r.oid)))
        np.testing.assert_array_equal(self.store.get(r.oid, copy=True), np.arange(10_000, dtype=np.float64))
        gc.collect()
        self.assertEqual(self.pinned(), 1)  # the worker's pin
        self.store.delete(r.oid)  # pinned: hidden, its memory kept until the last release
        self.assertEqual(self.store.stats().objects, 1)
        oid = kairos_id(r.oid)
        w.notice(worker.RELEASE_RESULT, oid.hi, oid.lo)
        self.assertTrue(wait_until(lambda: self.pinned() == 0), self.store.stats())
        self.assertEqual(self.store.stats().objects, 0)
        w.notice(worker.RELEASE_RESULT, oid.hi, oid.lo)  # again: nothing to do
        w.notice(99, 1, 2)  # unknown notice: ignored
        self.assertEqual(w.value("worker_fixtures:add", 1, 2), 3)

    def test_result_too_large_for_the_store_goes_inline(self):
        w = self.start(threshold=1024)
        r = w.call("worker_fixtures:arange", (9 << 20) // 8)  # 9 MiB, the store holds 8
        self.assertEqual(r.kind, "inline")
        self.assertEqual(r.value.shape, ((9 << 20) // 8,))
        self.assertEqual(self.store.stats().objects, 0)

    def test_without_a_store(self):
        w = self.start(threshold=16, store=False)
        r = w.call("worker_fixtures:arange", 100)
        self.assertEqual(r.kind, "inline")
        self.assertIsNone(w.value("worker_fixtures:environment", "KAIROS_STORE"))
        r = w.call("worker_fixtures:echo", Ref(bytes(16), 10))
        self.assertEqual(r.error["type"], "kairos.codec.CodecError")
        self.assertIn("a store reference needs a store", r.error["message"])

    def test_eof_exits_0_and_leaves_no_pin(self):
        w = self.start(threshold=4096)
        self.assertEqual(w.call("worker_fixtures:Counter", 0, op=CREATE_ACTOR, actor_id=1).kind, "created")
        ref = self.put_ref(np.ones(1000))
        self.assertEqual(w.value("keep", ref, op=ACTOR_CALL, actor_id=1), 1000.0)
        self.assertEqual(w.call("worker_fixtures:arange", 10_000).kind, "stored")  # pinned, never released
        self.assertEqual(w.value("worker_fixtures:linger"), "started")  # a non-daemon thread sleeps on
        gc.collect()
        self.assertEqual(self.pinned(), 2)
        start = time.monotonic()
        self.assertEqual(w.close_stdin(), 0)
        self.assertLess(time.monotonic() - start, 10)
        self.assertEqual(self.pinned(), 0)
        self.assertEqual(self.store.stats().clients, 1)  # only the owner: the worker detached


def kairos_id(raw: bytes):
    from kairos import ObjectId
    return ObjectId(raw)


class ActorTest(WorkerTestCase):
    def call_actor(self, w, actor_id, method, *args):
        return w.reply(w.request(ACTOR_CALL, method, args, actor_id=actor_id))

    def test_actors_keep_state_and_are_dropped(self):
        w = self.start()
        for actor_id, start in [(1, 10), (2, 100)]:
            r = w.reply(w.request(CREATE_ACTOR, "worker_fixtures:Counter", [start], actor_id=actor_id))
            self.assertEqual((r.status, r.kind), ("ok", "created"))
        self.assertEqual(self.call_actor(w, 1, "incr").value, 11)
        self.assertEqual(self.call_actor(w, 1, "incr", 5).value, 16)
        self.assertEqual(self.call_actor(w, 2, "incr").value, 101)
        self.assertEqual(self.call_actor(w, 1, "incr").value, 17)
        r = self.call_actor(w, 1, "no_method")
        self.assertEqual(r.error["type"], "AttributeError")
        w.notice(worker.DROP_ACTOR, 1)
        r = self.call_actor(w, 1, "incr")
        self.assertEqual(r.error["type"], "LookupError")
        self.assertIn("actor 1", r.error["message"])
        self.assertEqual(self.call_actor(w, 2, "incr").value, 102)
        r = self.call_actor(w, 3, "incr")
        self.assertEqual(r.error["type"], "LookupError")

    def test_failing_constructor(self):
        w = self.start()
        r = w.reply(w.request(CREATE_ACTOR, "worker_fixtures:Counter", [], actor_id=5))
        self.assertEqual(r.error["type"], "TypeError")
        self.assertEqual(self.call_actor(w, 5, "incr").error["type"], "LookupError")

    def test_concurrent_actor_calls_run_at_once(self):
        w = self.start()
        self.assertIsNone(w.reply(w.request(CREATE_ACTOR, "worker_fixtures:Meeting", [], actor_id=9)).error)
        channels = [w.request(ACTOR_CALL, "meet", [i], actor_id=9) for i in range(3)]
        self.assertEqual([w.reply(c).value for c in channels], [0, 1, 2])

    def test_tasks_run_one_after_another_on_the_reader(self):
        # The kernel lends a task's process to one task at a time; the worker runs tasks on its reader thread, so
        # several sent at once are answered in order, each on its channel.
        w = self.start()
        channels = {w.request(TASK, "worker_fixtures:add", [i, 1]): i + 1 for i in range(200)}
        for c, expected in channels.items():
            self.assertEqual(w.reply(c).value, expected)


if __name__ == "__main__":
    unittest.main()
