"""A Python worker process of the Kairos kernel: ``python3 -m kairos.worker STORE_NAME INLINE_THRESHOLD``.

The kernel starts it, sends it requests on stdin and reads the replies from its stdout (``python/README.md``,
"Worker processes", has the protocol). Each request (a task, an actor's constructor, an actor call) runs on a
thread of its own, so the actors this process hosts, and the concurrent calls of one actor, run at once; each reply
is written as one frame on the request's channel. Arguments that live in the kernel's shared store arrive as REFs
and are read where they lie (zero copy); a result whose encoding is at least INLINE_THRESHOLD bytes is written into
the store and only its id goes back, pinned here until the kernel says it holds it (RELEASE_RESULT); a result that
is an argument's own tensor (returned as it was read) goes back as that argument's id, with no copy at all.

STORE_NAME is the kernel's store ("-": none); it becomes ``KAIROS_STORE`` and the default store of
:func:`kairos.get` / :func:`kairos.put` for the code that runs here (one attached store shared with the worker).
The process's stdout is the protocol: ``print`` (and C-level writes to fd 1) go to stderr; stdin reads as empty.
It exits 0 when its stdin closes, or when its stdout breaks.

Code running here can ask :func:`current_task` what it runs for.
"""

from __future__ import annotations

import importlib
import os
import struct
import sys
import threading
import traceback
from queue import Empty, SimpleQueue
from typing import Any, NamedTuple

MAGIC = 0x4B414952
TASK, CREATE_ACTOR, ACTOR_CALL, DROP_ACTOR, RELEASE_RESULT = 1, 2, 3, 4, 5
OK, THREW = 0, 1
NULL, INLINE, STORED = 0, 1, 2

HELLO = struct.Struct(">iq")  # magic, pid
FRAME = struct.Struct(">qi")  # channel, length
REQUEST = struct.Struct(">iqqi")  # op, task id, actor id, attempt
NOTICE = struct.Struct(">iqq")  # op, a, b
I32 = struct.Struct(">i")
_REPLY_NULL = struct.Struct(">qiBB")  # frame, OK, NULL
_REPLY_INLINE = struct.Struct(">qiBBi")  # frame, OK, INLINE, length
_REPLY_STORED = struct.Struct(">qiBB16si")  # frame, OK, STORED, id, length
_REPLY_THREW = struct.Struct(">qiBi")  # frame, THREW, length
_REPLY_OK = struct.Struct(">qiB")  # frame, OK (CREATE_ACTOR)

_WRITEV_MIN = 1 << 16  # an inline value at least this large is written with writev (no concatenation copy)
_IDLE_THREAD_S = 60.0  # a pool thread idle this long ends


class TaskContext(NamedTuple):
    """What a request runs for (:func:`current_task`)."""
    op: int
    task_id: int
    actor_id: int
    attempt: int
    name: str
    function: str
    gpus: tuple  # device instances the kernel gave it (CUDA_VISIBLE_DEVICES is set from them already)
    channel: int


_context = threading.local()
_worker: "Worker | None" = None


_TASK_OP = struct.pack(">i", TASK)


def current_task() -> TaskContext | None:
    """The request the calling thread serves in this worker process (None elsewhere, and in threads the user
    code started)."""
    return getattr(_context, "task", None)


class _Pool:
    """A cached thread pool (as Java's): a request runs on an idle thread, or on a new one when none is idle, so
    any number of requests run at once (an actor's concurrent calls may wait on each other). Threads idle for
    _IDLE_THREAD_S end. Cheaper per request than ThreadPoolExecutor (no Future)."""

    def __init__(self):
        self._queue = SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0  # threads waiting (or about to wait) on the queue, less the jobs queued for them

    def submit(self, fn, *args) -> None:
        with self._lock:
            queued = self._idle > 0
            if queued:
                self._idle -= 1
        if queued:
            self._queue.put((fn, args))
        else:
            threading.Thread(target=self._run, args=(fn, args), name="kairos-worker-request", daemon=True).start()

    def _run(self, fn, args) -> None:
        queue, lock = self._queue, self._lock
        while True:
            try:
                fn(*args)
            except BaseException:  # pragma: no cover - handle() reports its own failures
                pass
            fn = args = None  # drop the request (and what it pins) before waiting
            with lock:
                self._idle += 1
            while True:
                try:
                    fn, args = queue.get(timeout=_IDLE_THREAD_S)
                    break
                except Empty:
                    with lock:
                        if self._idle > 0:  # no job is queued for this thread: end it
                            self._idle -= 1
                            return
                    # a job was queued for the idle threads just now: take it


class Worker:
    def __init__(self, store, inline_threshold: int, out_fd: int, in_fd: int):
        from . import codec
        from ._native import KairosError
        from .store import ObjectId
        import numpy
        self.np = numpy
        self.codec = codec
        self.KairosError = KairosError
        self.ObjectId = ObjectId
        self.store = store
        self.inline_threshold = inline_threshold
        self.out_fd = out_fd
        self.in_fd = in_fd
        self.write_lock = threading.Lock()
        self.functions: dict[str, Any] = {}
        self.actors: dict[int, Any] = {}
        self.results: dict[bytes, Any] = {}  # id bytes -> the _Pin of a stored result, until RELEASE_RESULT
        self.pool = _Pool()
        self.pid = os.getpid()
        self.closing = False
        self.resolve_ref = self._resolve_ref if store is not None else self._no_store

    # --- the pipes ---------------------------------------------------------------------------------------------
    def hello(self) -> None:
        self._write(HELLO.pack(MAGIC, self.pid))

    def serve(self) -> None:
        """The reader loop (main thread): requests go to the pool, notices are handled here. Returns at EOF."""
        reader = open(self.in_fd, "rb", buffering=1 << 16, closefd=False)
        read = reader.read
        unpack = FRAME.unpack
        submit = self.pool.submit
        handle = self.handle
        while True:
            head = read(12)
            if len(head) < 12:
                return
            channel, length = unpack(head)
            if length < 0:
                print(f"kairos worker {self.pid}: negative frame length {length}; exiting", file=sys.stderr)
                return
            payload = read(length) if length else b""
            if len(payload) < length:
                return
            if channel == 0:
                self.notice(payload)
            elif payload[:4] == _TASK_OP:
                # A plain task runs here, on the reader: the kernel lends a task's process to that task alone (it
                # sends the next one after the reply), so nothing waits behind it, and it saves the hand-off to a
                # pool thread (about 20 us of a ~33 us round trip). Actor calls go to the pool: their actors'
                # calls may run at once.
                handle(channel, payload)
            else:
                submit(handle, channel, payload)

    def _write(self, data) -> None:
        with self.write_lock:
            self._write_locked(data)

    def _write_locked(self, data) -> None:
        try:
            n = os.write(self.out_fd, data)
            if n < len(data):
                view = memoryview(data)[n:]
                while view:
                    view = view[os.write(self.out_fd, view):]
        except OSError:
            self.exit()  # the kernel is gone

    def _writev(self, head: bytes, body) -> None:
        with self.write_lock:
            try:
                n = os.writev(self.out_fd, [head, body])
            except OSError:
                self.exit()
            if n < len(head):
                self._write_locked(head[n:])
                n = len(head)
            if n - len(head) < len(body):
                self._write_locked(memoryview(body)[n - len(head):])

    # --- notices -----------------------------------------------------------------------------------------------
    def notice(self, payload: bytes) -> None:
        if len(payload) < 20:
            return
        op, a, b = NOTICE.unpack_from(payload, 0)
        if op == DROP_ACTOR:
            self.actors.pop(a, None)
        elif op == RELEASE_RESULT:
            pin = self.results.pop(struct.pack(">qq", a, b), None)
            if pin is not None:
                pin.release()
        # other ops: ignored (a newer kernel's)

    # --- requests ----------------------------------------------------------------------------------------------
    def handle(self, channel: int, payload: bytes) -> None:
        op = 0
        try:
            op, task_id, actor_id, attempt = REQUEST.unpack_from(payload, 0)
            pos = 24
            n = I32.unpack_from(payload, pos)[0]
            name = payload[pos + 4:pos + 4 + n].decode()
            pos += 4 + n
            n = I32.unpack_from(payload, pos)[0]
            function = payload[pos + 4:pos + 4 + n].decode()
            pos += 4 + n
            ngpus = I32.unpack_from(payload, pos)[0]
            gpus = struct.unpack_from(f">{ngpus}i", payload, pos + 4) if ngpus else ()
            pos += 4 + 4 * ngpus
            n = I32.unpack_from(payload, pos)[0]
            pos += 4
            if n < 0 or pos + n > len(payload):
                raise ValueError(f"malformed request: arguments of {n} bytes at offset {pos} of a "
                                 f"{len(payload)}-byte request")
            refs = []  # (value, object id, length) of each argument read in place from the store

            def resolve(oid, length):
                value = self.resolve_ref(oid, length)
                refs.append((value, oid, length))
                return value

            args = self.codec.decode(memoryview(payload)[pos:pos + n], resolve_ref=resolve)
            if not isinstance(args, list):
                raise ValueError(f"malformed request: the arguments are a {type(args).__name__}, not a list")
            _context.task = TaskContext(op, task_id, actor_id, attempt, name, function, gpus, channel)
            try:
                if op == TASK:
                    result = self.resolve(function)(*args)
                elif op == ACTOR_CALL:
                    instance = self.actors.get(actor_id)
                    if instance is None:
                        raise LookupError(f"actor {actor_id} is not in worker process {self.pid} (never created "
                                          f"here, or dropped)")
                    result = getattr(instance, function)(*args)
                elif op == CREATE_ACTOR:
                    self.actors[actor_id] = self.resolve(function)(*args)
                    self._write(_REPLY_OK.pack(channel, 1, OK))
                    return
                else:
                    raise ValueError(f"unknown worker request op {op}")
            finally:
                _context.task = None
                args = None  # the arguments' pins go now, not at the next request
            self.reply(channel, result, refs)
        except BaseException as e:
            self.reply_threw(channel, e)

    def reply(self, channel: int, result: Any, refs=()) -> None:
        if result is None:
            self._write(_REPLY_NULL.pack(channel, 2, OK, NULL))
            return
        same = _argument_returned(result, refs, self.np.ndarray)
        if same is not None:  # an argument's own tensor: the kernel already holds it, its id is the reply
            _, oid, length = same
            self._write(_REPLY_STORED.pack(channel, 22, OK, STORED, oid._bytes, length))
            return
        encoded = self.codec.plan(result, "auto", nested_pickle=True)
        nbytes = encoded.nbytes
        if self.store is not None and nbytes >= self.inline_threshold:
            oid = self._store_result(encoded)
            if oid is not None:
                self._write(_REPLY_STORED.pack(channel, 22, OK, STORED, oid, nbytes))
                return
        if nbytes > 0x7FFFFFFF - 6:
            raise ValueError(f"the result is {nbytes} bytes encoded, more than a reply holds inline (no store "
                             f"room for it)")
        head = _REPLY_INLINE.pack(channel, 6 + nbytes, OK, INLINE, nbytes)
        if nbytes < _WRITEV_MIN:
            frame = bytearray(len(head) + nbytes)
            frame[:len(head)] = head
            encoded.write_into(memoryview(frame)[len(head):])
            self._write(frame)
        else:
            body = bytearray(nbytes)
            encoded.write_into(body)
            self._writev(head, body)

    def _store_result(self, encoded) -> bytes | None:
        """Writes the value into the store (create, write in place, seal) and keeps a pin on it; None if the store
        has no room (the value goes inline)."""
        np = self.np
        store = self.store
        oid = os.urandom(16)
        try:
            pin = store._create(oid, encoded.nbytes)
        except self.KairosError:
            return None
        try:
            encoded.write_into(np.asarray(pin))
            store._seal(pin, keep_pinned=True)
        except BaseException:
            pin.release()  # aborts the create unless sealed
            raise
        if not pin.pinned:  # sealed but the pin could not be taken (pin table full): do not hand out an id
            try:
                store.delete(oid)
            except self.KairosError:
                pass
            return None
        self.results[oid] = pin
        return oid

    def reply_threw(self, channel: int, e: BaseException) -> None:
        try:
            body = self.codec.encode(describe(e), format="xlang")
        except BaseException as again:  # pragma: no cover - describe() returns plain strs
            body = self.codec.encode({"type": "RuntimeError", "message": f"the error could not be encoded: "
                                      f"{again!r}", "traceback": ""}, format="xlang")
        self._write(_REPLY_THREW.pack(channel, 5 + len(body), THREW, len(body)) + body)

    # --- names, refs -------------------------------------------------------------------------------------------
    def resolve(self, name: str):
        fn = self.functions.get(name)
        if fn is None:
            fn = resolve_name(name)
            self.functions[name] = fn
        return fn

    def _resolve_ref(self, oid, length: int):
        return self.store.get(oid, timeout=0)

    def _no_store(self, oid, length: int):
        raise self.codec.CodecError(f"a store reference needs a store: worker process {self.pid} was started "
                                    f"without one (STORE_NAME '-'), object {oid}", None, "REF")

    # --- end ---------------------------------------------------------------------------------------------------
    def exit(self) -> None:
        """Releases every pin, detaches from the store and exits 0 (threads the user code started do not keep
        the process)."""
        if not self.closing:
            self.closing = True
            try:
                for pin in list(self.results.values()):
                    pin.release()
                self.results.clear()
                if self.store is not None:
                    from . import _native
                    # releases this client's remaining pins (arrays user code kept) and detaches, at once
                    _native.library().kairos_store_close(self.store._handle.ptr)
            except BaseException as e:  # pragma: no cover
                print(f"kairos worker {self.pid}: closing the store: {e!r}", file=sys.stderr)
        try:
            sys.stderr.flush()
        finally:
            os._exit(0)


def _argument_returned(result, refs, ndarray):
    """The (value, id, length) of the argument read in place whose whole tensor the result is (that array, or a
    view of all of it, alike), or None. Only read-only arrays qualify: their bytes are the stored object's."""
    if not refs or not isinstance(result, ndarray) or result.flags.writeable:
        return None
    where = result.__array_interface__["data"][0]
    for ref in refs:
        value = ref[0]
        if value is result or (isinstance(value, ndarray) and value.__array_interface__["data"][0] == where
                                and value.shape == result.shape and value.strides == result.strides
                                and value.dtype == result.dtype):
            return ref
    return None


def resolve_name(name: str):
    """``"package.module:Qualified.name"`` -> the object (imported, then attributes along the qualified name)."""
    module_name, colon, qualname = name.partition(":")
    parts = qualname.split(".")
    if (not colon or not module_name or ":" in qualname or any(not p for p in parts)
            or any(not p for p in module_name.split("."))):
        raise ValueError(f"malformed function name {name!r}: expected 'package.module:qualified.name'")
    obj = importlib.import_module(module_name)
    for i, part in enumerate(parts):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            if i == 0:
                raise AttributeError(f"module '{module_name}' has no attribute '{part}'") from None
            raise AttributeError(f"module '{module_name}' has no attribute '{qualname}' "
                                 f"({module_name}.{'.'.join(parts[:i])} has no attribute '{part}')") from None
    return obj


def type_name(cls: type) -> str:
    module = getattr(cls, "__module__", None)
    qualname = getattr(cls, "__qualname__", cls.__name__)
    return qualname if module in (None, "builtins") else f"{module}.{qualname}"


def describe(e: BaseException) -> dict:
    """The THREW value: {"type", "message", "traceback"} (the worker's own frames left out)."""
    try:
        message = str(e)
    except BaseException as again:
        message = f"<str() of the exception failed: {type(again).__name__}>"
    tb = e.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    try:
        text = "".join(traceback.format_exception(type(e), e, tb if tb is not None else e.__traceback__))
    except BaseException as again:  # pragma: no cover
        text = f"<the traceback could not be formatted: {type(again).__name__}>"
    return {"type": _utf8(type_name(type(e))), "message": _utf8(message), "traceback": _utf8(text)}


def _utf8(s: str) -> str:
    return s.encode("utf-8", "replace").decode("utf-8")


def main(argv: list[str]) -> int:
    """Entry point: STORE_NAME INLINE_THRESHOLD."""
    global _worker
    # stdout is the protocol: keep a private copy of fd 1, point fd 1 at stderr, and stdin at /dev/null (the
    # private copies are not inherited by processes the user code starts)
    out_fd = os.dup(1)
    in_fd = os.dup(0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdin = open(os.devnull)
    if len(argv) != 2:
        print("usage: python3 -m kairos.worker STORE_NAME INLINE_THRESHOLD", file=sys.stderr)
        return 2
    store_name, threshold = argv[0], int(argv[1])
    store = None
    if store_name == "-":
        os.environ.pop("KAIROS_STORE", None)
    else:
        os.environ["KAIROS_STORE"] = store_name
        import kairos
        store = kairos.Store.attach(store_name)
        kairos._share(store)
    _worker = worker = Worker(store, threshold, out_fd, in_fd)
    worker.hello()
    worker.serve()
    worker.exit()
    return 0  # pragma: no cover - exit() does not return


if __name__ == "__main__":
    # run main from the importable module kairos.worker (not this __main__ copy), so that current_task() and the
    # worker's state are the ones user code sees when it imports kairos.worker
    from kairos import worker as _module
    sys.exit(_module.main(sys.argv[1:]))
