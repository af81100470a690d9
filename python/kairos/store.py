"""A client of the shared-memory object store: zero-copy reads, in-place writes.

Memory ownership. Every read of a tensor (or of a bytes payload with ``copy=False``) is a view of the mapped
segment, and the object is pinned (one ``kairos_store_get`` pin) while any view of it lives:

* a :class:`_Pin` owns the pin and exposes the payload through ``__array_interface__``; every array or
  memoryview made from it keeps it alive through its ``base`` (``memoryview.obj``) chain, and a
  ``weakref.finalize`` on it releases the pin once the last view is collected;
* ``with store.get(oid) as a:`` releases the pin at the end of the block (:meth:`PinnedArray.release`).
  The array object still exists after the block and the segment stays mapped, so touching it does not crash;
  but the object is no longer protected: another process may delete it and its memory may be reused for another
  object. Do not read the array after the block (copy what you need inside it).

A store's handle is closed (and, for the owner, the segment's name removed) when :meth:`Store.close` was called
*and* no view of its memory lives any more: views never point into unmapped memory. Calls made after close
raise :class:`ClosedError` at once.

Thread safety: a Store may be used from any thread.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
import weakref
from typing import Any, NamedTuple

import numpy as np

from . import _native as n
from . import codec

_GET_SLICE_S = 0.25  # a long wait is made of slices this long, so that Ctrl-C is seen between them


class ObjectId:
    """A 16-byte object id. Java writes its two longs big-endian, high first, so :meth:`hex` is the bytes in order
    and reads the same as Java's ``ObjectId.toHex()``."""

    __slots__ = ("_bytes",)

    def __init__(self, data: bytes):
        data = bytes(data)
        if len(data) != n.KAIROS_OBJECT_ID_SIZE:
            raise ValueError(f"an object id is {n.KAIROS_OBJECT_ID_SIZE} bytes, was {len(data)}")
        self._bytes = data

    @classmethod
    def from_hex(cls, hex_digits: str) -> "ObjectId":
        if not isinstance(hex_digits, str) or len(hex_digits) != 2 * n.KAIROS_OBJECT_ID_SIZE:
            raise ValueError(f"an object id's hex form is 32 hex digits, was {hex_digits!r}")
        try:
            return cls(bytes.fromhex(hex_digits))
        except ValueError:
            raise ValueError(f"not hexadecimal: {hex_digits!r}") from None

    @classmethod
    def from_parts(cls, hi: int, lo: int) -> "ObjectId":
        """From Java's two longs (signed or unsigned)."""
        return cls((hi & (2**64 - 1)).to_bytes(8, "big") + (lo & (2**64 - 1)).to_bytes(8, "big"))

    @classmethod
    def random(cls) -> "ObjectId":
        return cls(os.urandom(n.KAIROS_OBJECT_ID_SIZE))

    @property
    def hi(self) -> int:
        """Java's hi, signed."""
        return int.from_bytes(self._bytes[:8], "big", signed=True)

    @property
    def lo(self) -> int:
        return int.from_bytes(self._bytes[8:], "big", signed=True)

    def hex(self) -> str:
        return self._bytes.hex()

    def __bytes__(self) -> bytes:
        return self._bytes

    def __eq__(self, other) -> bool:
        return isinstance(other, ObjectId) and other._bytes == self._bytes

    def __hash__(self) -> int:
        return hash(self._bytes)

    def __repr__(self) -> str:
        return f"ObjectId('{self.hex()}')"

    __str__ = hex


def _id_bytes(object_id) -> bytes:
    if isinstance(object_id, ObjectId):
        return object_id._bytes
    if isinstance(object_id, str):
        return ObjectId.from_hex(object_id)._bytes
    if isinstance(object_id, (bytes, bytearray)) and len(object_id) == n.KAIROS_OBJECT_ID_SIZE:
        return bytes(object_id)
    raise TypeError(f"an object id is an ObjectId, 16 bytes or 32 hex digits, was {object_id!r}")


class StoreStats(NamedTuple):
    """kairos_store_stats."""
    capacity: int
    bytes_used: int
    objects: int
    sealed_objects: int
    pinned_objects: int
    evictions: int
    evicted_bytes: int
    allocation_failures: int
    max_objects: int
    clients: int
    recoveries: int
    dead_clients_reaped: int


class _Handle:
    """The native handle. Freed (closed) once close was asked and no memory holder (_Pin) lives."""

    def __init__(self, ptr: int, name: str):
        self.ptr = ptr
        self.name = name
        self.lock = threading.Lock()
        self.holders = 0
        self.close_asked = False
        self.freed = False

    def add_holder(self) -> None:
        with self.lock:
            self.holders += 1

    def drop_holder(self) -> None:
        with self.lock:
            self.holders -= 1
            free = self.close_asked and self.holders == 0 and not self.freed
            if free:
                self.freed = True
        if free:
            n.library().kairos_store_free(self.ptr)

    def close(self) -> None:
        with self.lock:
            self.close_asked = True
            free = self.holders == 0 and not self.freed
            if free:
                self.freed = True
        if free:
            n.library().kairos_store_free(self.ptr)


# _Pin modes: what its finalizer does with the object
_RELEASE, _ABORT, _NOTHING = "release", "abort", "nothing"


def _finish_pin(handle: _Handle, oid: bytes, state: list) -> None:
    mode, state[0] = state[0], _NOTHING
    try:
        if mode == _RELEASE:
            n.library().kairos_store_release(handle.ptr, oid)
        elif mode == _ABORT:
            n.library().kairos_store_abort(handle.ptr, oid)
    finally:
        handle.drop_holder()


class _Pin:
    """Owns one object's pin (or its unsealed create) and exposes its payload to NumPy (``__array_interface__``).
    Arrays made from it keep it alive; when it is collected (or :meth:`release` is called) the pin is released
    (the create aborted)."""

    __slots__ = ("__array_interface__", "object_id", "size", "_state", "_finalizer", "__weakref__")

    def __init__(self, handle: _Handle, oid: bytes, address: int, size: int, writable: bool, mode: str):
        handle.add_holder()
        self.object_id = oid
        self.size = size
        self._state = [mode]
        self._finalizer = weakref.finalize(self, _finish_pin, handle, oid, self._state)
        self.__array_interface__ = {"version": 3, "shape": (size,), "typestr": "|u1",
                                    "data": (address, not writable)}

    @property
    def pinned(self) -> bool:
        return self._state[0] == _RELEASE

    def release(self) -> None:
        """Releases the pin (aborts the create) now; idempotent."""
        self._finalizer()


def _pin_of(obj) -> _Pin | None:
    while obj is not None:
        if isinstance(obj, _Pin):
            return obj
        if isinstance(obj, memoryview):
            obj = obj.obj
        else:
            obj = getattr(obj, "base", None)
    return None


class PinnedArray(np.ndarray):
    """A read-only ndarray over store memory; the object stays pinned while the array (or a view of it) lives.

    ``with store.get(oid) as a: ...`` releases the pin at the end of the block: afterwards the array must not be
    read (see the module's doc). Results of computations on it (ufuncs, reductions) are plain ndarrays.
    DLPack: ``np.from_dlpack(a)`` and ``torch.from_dlpack(a)`` with a DLPack 1.0 consumer share the memory,
    marked read-only; legacy (unversioned) DLPack refuses read-only arrays. ``torch.from_numpy(a)`` shares it
    too, with torch's warning that the array is not writable (torch tensors have no read-only flag: do not
    write through them).
    """

    def __enter__(self) -> "PinnedArray":
        return self

    def __exit__(self, *exc) -> bool:
        self.release()
        return False

    def release(self) -> None:
        """Releases the object's pin now (for every view of it); idempotent. Do not read the array afterwards."""
        pin = _pin_of(self)
        if pin is not None:
            pin.release()

    @property
    def pinned(self) -> bool:
        pin = _pin_of(self)
        return pin is not None and pin.pinned

    def __array_wrap__(self, obj, context=None, return_scalar=False):
        obj = obj.view(np.ndarray)
        return obj[()] if return_scalar else obj


class WritableTensor(np.ndarray):
    """A writable ndarray over an unsealed store object (from :meth:`Store.create_tensor`). Fill it, then
    :meth:`seal` it (or use it as a context manager: sealed on normal exit, aborted on an exception). After the
    seal the array is read-only and keeps the object pinned while it lives, like a :class:`PinnedArray`. An array
    collected unsealed is aborted."""

    object_id: ObjectId

    def __enter__(self) -> "WritableTensor":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            self.seal()
        else:
            self.abort()
        return False

    def seal(self) -> ObjectId:
        self._store._seal(self._pin, keep_pinned=True)
        self.flags.writeable = False
        return self.object_id

    def abort(self) -> None:
        self.flags.writeable = False
        self._pin.release()

    def __array_wrap__(self, obj, context=None, return_scalar=False):
        obj = obj.view(np.ndarray)
        return obj[()] if return_scalar else obj


class Store:
    """One store handle: from :meth:`create` (the owner) or :meth:`attach`. A context manager; close is
    idempotent."""

    def __init__(self, handle: _Handle, owner: bool):
        self._handle = handle
        self.name = handle.name
        self.owner = owner
        self._closed = False
        self._finalizer = weakref.finalize(self, handle.close)

    # --- life cycle ------------------------------------------------------------------------------------------------
    @classmethod
    def create(cls, name: str, capacity: int, max_objects: int | None = None) -> "Store":
        """Creates the store (segment /dev/shm/kairos-<name>) and owns it; capacity: arena bytes."""
        out = n.kairos_store_p()
        n.check("kairos_store_create", n.library().kairos_store_create(
            name.encode(), int(capacity), int(max_objects or 0), ctypes.byref(out)))
        return cls(_Handle(out.value, name), owner=True)

    @classmethod
    def attach(cls, name: str) -> "Store":
        out = n.kairos_store_p()
        n.check("kairos_store_attach", n.library().kairos_store_attach(name.encode(), ctypes.byref(out)))
        return cls(_Handle(out.value, name), owner=False)

    @staticmethod
    def remove_stale(name: str) -> bool:
        """Removes a crashed owner's segment: True if removed, False if there was none (an error if it lives)."""
        status = n.library().kairos_store_remove_stale(name.encode())
        if status == n.KAIROS_ERR_NOT_FOUND:
            return False
        n.check("kairos_store_remove_stale", status)
        return True

    def close(self) -> None:
        """Detaches (the owner also removes the name). Memory still viewed by live arrays stays mapped until the
        last of them is collected; every call on this Store raises ClosedError from now on."""
        self._closed = True
        self._finalizer()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.name!r}, {'owner' if self.owner else 'attached'}{', closed' if self._closed else ''})"

    def _ptr(self, function: str) -> int:
        if self._closed:
            raise n.error(function, n.KAIROS_ERR_CLOSED, f"store '{self.name}' is closed")
        return self._handle.ptr

    # --- objects ---------------------------------------------------------------------------------------------------
    def put(self, value: Any, object_id=None, format: str = "auto") -> ObjectId:
        """Encodes value straight into a new object and seals it. format: "auto" (cross-language when the value
        has a form there, else pickle), "xlang" (an error otherwise) or "pickle". Tensor data is copied once."""
        encoded = codec.plan(value, format)
        oid = ObjectId.random() if object_id is None else ObjectId(_id_bytes(object_id))
        pin = self._create(oid._bytes, encoded.nbytes)
        try:
            encoded.write_into(np.asarray(pin))
            self._seal(pin, keep_pinned=False)
        except BaseException:
            pin.release()  # aborts the create unless it was sealed
            raise
        return oid

    def put_raw(self, data, object_id=None) -> ObjectId:
        """Stores an already encoded value (header included, e.g. bytes a Java process sent) as it is."""
        src = np.frombuffer(data, np.uint8)
        oid = ObjectId.random() if object_id is None else ObjectId(_id_bytes(object_id))
        pin = self._create(oid._bytes, src.nbytes)
        try:
            np.asarray(pin)[:] = src
            self._seal(pin, keep_pinned=False)
        except BaseException:
            pin.release()
            raise
        return oid

    def create_tensor(self, dtype, shape, object_id=None) -> WritableTensor:
        """A new unsealed tensor object of dtype and shape, as a writable ndarray over store memory (C order)."""
        head, dtype, nbytes = codec.tensor_header(dtype, shape if isinstance(shape, (tuple, list)) else (shape,))
        oid = ObjectId.random() if object_id is None else ObjectId(_id_bytes(object_id))
        pin = self._create(oid._bytes, len(head) + nbytes)
        buf = np.asarray(pin)
        buf[:len(head)] = np.frombuffer(head, np.uint8)
        shape = tuple(int(x) for x in (shape if isinstance(shape, (tuple, list)) else (shape,)))
        arr = WritableTensor.__new__(WritableTensor, shape, dtype, buffer=buf, offset=len(head))
        arr.object_id = oid
        arr._pin = pin
        arr._store = self
        return arr

    def _create(self, oid: bytes, size: int) -> _Pin:
        ptr = self._ptr("kairos_store_create_object")
        data = ctypes.c_void_p()
        n.check("kairos_store_create_object",
                n.library().kairos_store_create_object(ptr, oid, size, ctypes.byref(data)))
        return _Pin(self._handle, oid, data.value or 0, size, writable=True, mode=_ABORT)

    def _seal(self, pin: _Pin, keep_pinned: bool) -> None:
        if pin._state[0] != _ABORT:
            raise n.error("kairos_store_seal", n.KAIROS_ERR_WRONG_STATE, "the object was sealed or aborted already")
        ptr = self._ptr("kairos_store_seal")
        lib = n.library()
        n.check("kairos_store_seal", lib.kairos_store_seal(ptr, pin.object_id))
        pin._state[0] = _NOTHING
        if keep_pinned:
            data, size = ctypes.c_void_p(), ctypes.c_uint64()
            if lib.kairos_store_get(ptr, pin.object_id, 0, ctypes.byref(data), ctypes.byref(size)) == n.KAIROS_OK:
                pin._state[0] = _RELEASE
        if pin._state[0] == _NOTHING:
            pin.release()  # drops the holder

    def get(self, object_id, timeout: float | None = None, copy: bool | None = None) -> Any:
        """The object's value, waiting up to timeout seconds for it to be sealed (None: forever; 0: not at all).

        copy=None: tensors are zero-copy read-only :class:`PinnedArray` views (the object pinned while they
        live), everything else is copied out; copy=False: bytes too come back as read-only memoryviews of the
        store; copy=True: everything is copied and the pin released at once.
        Raises NotFoundError (absent, timeout 0), StoreTimeoutError, ClosedError, CodecError.
        """
        oid = _id_bytes(object_id)
        address, size = self._get_pinned(oid, timeout)
        pin = _Pin(self._handle, oid, address, size, writable=False, mode=_RELEASE)
        try:
            value, views = codec.decode_buffer(np.asarray(pin), copy_tensors=copy is True,
                                               copy_bytes=copy is not False, array_type=PinnedArray)
        except BaseException:
            pin.release()
            raise
        if not views:
            pin.release()
        return value

    def get_buffer(self, object_id, timeout: float | None = None) -> memoryview:
        """The object's raw bytes (header included) as a read-only memoryview of the store, pinned while it
        lives."""
        oid = _id_bytes(object_id)
        address, size = self._get_pinned(oid, timeout)
        pin = _Pin(self._handle, oid, address, size, writable=False, mode=_RELEASE)
        return memoryview(np.asarray(pin)).toreadonly()

    def _get_pinned(self, oid: bytes, timeout: float | None) -> tuple[int, int]:
        lib = n.library()
        data, size = ctypes.c_void_p(), ctypes.c_uint64()
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        while True:
            ptr = self._ptr("kairos_store_get")
            if deadline is None:
                wait = _GET_SLICE_S
            else:
                wait = min(_GET_SLICE_S, max(0.0, deadline - time.monotonic()))
            status = lib.kairos_store_get(ptr, oid, int(wait * 1e9), ctypes.byref(data), ctypes.byref(size))
            if status == n.KAIROS_OK:
                return data.value or 0, size.value
            if status == n.KAIROS_ERR_TIMEOUT and (deadline is None or time.monotonic() < deadline):
                continue
            raise n.error("kairos_store_get", status)

    def delete(self, object_id) -> None:
        """Deletes a sealed object (a pinned one is hidden now and freed at its last release)."""
        oid = _id_bytes(object_id)
        n.check("kairos_store_delete", n.library().kairos_store_delete(self._ptr("kairos_store_delete"), oid))

    def contains(self, object_id) -> bool:
        out = ctypes.c_int32()
        n.check("kairos_store_contains", n.library().kairos_store_contains(
            self._ptr("kairos_store_contains"), _id_bytes(object_id), ctypes.byref(out)))
        return out.value == 1

    __contains__ = contains

    def stats(self) -> StoreStats:
        out = n.kairos_store_stats()
        n.check("kairos_store_stats_get", n.library().kairos_store_stats_get(
            self._ptr("kairos_store_stats_get"), ctypes.byref(out)))
        return StoreStats(*(getattr(out, f) for f in StoreStats._fields))

    def client_id(self) -> int:
        out = ctypes.c_int32()
        n.check("kairos_store_client_id", n.library().kairos_store_client_id(
            self._ptr("kairos_store_client_id"), ctypes.byref(out)))
        return out.value

    def reap_dead_clients(self) -> int:
        out = ctypes.c_uint32()
        n.check("kairos_store_reap_dead_clients", n.library().kairos_store_reap_dead_clients(
            self._ptr("kairos_store_reap_dead_clients"), ctypes.byref(out)))
        return out.value

    def prefault(self, offset: int = 0, length: int | None = None,
                 flags: int = n.KAIROS_PREFAULT_RESERVE | n.KAIROS_PREFAULT_MAP) -> int:
        """Makes arena pages resident (kairos_store_prefault); the whole arena by default. Returns bytes done."""
        if length is None:
            length = self.stats().capacity - offset
        out = ctypes.c_uint64()
        n.check("kairos_store_prefault", n.library().kairos_store_prefault(
            self._ptr("kairos_store_prefault"), offset, length, flags, ctypes.byref(out)))
        return out.value

    def segment_range(self) -> tuple[int, int]:
        """[start, end) of this process's mapping of the segment (from /proc/self/maps): a diagnostic, e.g. to
        check that an array's data lies in the store."""
        path = f"/dev/shm/kairos-{self.name}"
        self._ptr("segment_range")
        ranges = []
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and fields[5].rstrip("\n").removesuffix(" (deleted)") == path:
                    lo, hi = fields[0].split("-")
                    ranges.append((int(lo, 16), int(hi, 16)))
        if not ranges:
            raise LookupError(f"no mapping of {path} in this process")
        return min(r[0] for r in ranges), max(r[1] for r in ranges)
