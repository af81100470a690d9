"""The cross-language value format (``python/FORMAT.md`` is the reference): encode and decode, on plain bytes
or straight into / out of store memory.

A value is ``int32 type id | int32 reserved = 0 | payload`` (little-endian). Type ids:

* 1 ``TYPE_JAVA``: Java's built-in serializer (``DefaultSerializer``); read-only here.
* 2 ``TYPE_XLANG``: the cross-language format: None, bools, int64, float64, bytes, str, lists, maps and tensors
  (64-byte aligned data, counted from the start of the value).
* 3 ``TYPE_PICKLE``: Python pickle, protocol 5; Python to Python only.

Inside xlang, two kinds reach beyond the format: REF (kind 10, an object of the shared store, written by the
kernel in requests to Python workers; :func:`decode` needs ``resolve_ref`` to read it) and PICKLE (kind 11, a
nested Python-only value; written with ``nested_pickle=True``).

Encoding is planned first (:func:`plan`: sizes and the pieces to write, no copy of the data) and then written
into any writable buffer (:meth:`Encoded.write_into`), so a store put copies tensor data once, straight into the
store. Decoding (:func:`decode`) validates every field and raises :class:`CodecError` naming the offset and the
field; with ``copy=False`` tensors and bytes come back as views of the input buffer.
"""

from __future__ import annotations

import math
import pickle
import struct
from typing import Any

import numpy as np

TYPE_JAVA = 1
TYPE_XLANG = 2
TYPE_PICKLE = 3
HEADER = 8
ALIGNMENT = 64
MAX_NDIM = 32
MAX_DEPTH = 256

# xlang kinds
NONE, FALSE, TRUE, INT, FLOAT, BYTES, STR, LIST, MAP, TENSOR, REF, PICKLE = range(12)

# Java DefaultSerializer kinds
JAVA_BYTES, JAVA_BUFFER, JAVA_STRING, JAVA_LONG, JAVA_INT, JAVA_DOUBLE, JAVA_JAVA = range(1, 8)

#: xlang dtype code -> numpy dtype (little-endian)
DTYPES = {
    1: np.dtype("|b1"), 2: np.dtype("|i1"), 3: np.dtype("|u1"), 4: np.dtype("<i2"), 5: np.dtype("<u2"),
    6: np.dtype("<i4"), 7: np.dtype("<u4"), 8: np.dtype("<i8"), 9: np.dtype("<u8"), 10: np.dtype("<f2"),
    11: np.dtype("<f4"), 12: np.dtype("<f8"),
}
#: numpy dtype.str -> xlang dtype code
DTYPE_CODES = {dt.str: code for code, dt in DTYPES.items()}

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1

_U64 = struct.Struct("<Q")
_I64 = struct.Struct("<q")
_F64 = struct.Struct("<d")
_HEADER = struct.Struct("<ii")
_TENSOR_HEAD = struct.Struct("<BBB6x")  # kind, dtype, ndim, 6 zero bytes
_INLINE_MAX = 4096  # bytes values up to this size are copied into the small-field stream; larger ones go as pieces


class CodecError(ValueError):
    """A value that cannot be decoded (or encoded): ``offset`` and ``field`` say where and what."""

    def __init__(self, message: str, offset: int | None = None, field: str | None = None):
        self.offset = offset
        self.field = field
        where = []
        if field is not None:
            where.append(f"field {field}")
        if offset is not None:
            where.append(f"offset {offset}")
        super().__init__(message + (f" ({', '.join(where)})" if where else ""))


class NotCrossLanguageError(CodecError, TypeError):
    """The value has no cross-language form (``put`` falls back to pickle for these unless told otherwise)."""


class JavaSerializedValueError(CodecError):
    """A type-id-1 value of kind JAVA: Java serialization of a class Python does not know."""


class Ref:
    """A REF (xlang kind 10): an object of the shared store, by id, and its length in bytes. The kernel writes
    these in requests to Python workers; Python encodes one only for tools and tests (:func:`plan` writes a Ref
    as kind 10). :func:`decode` hands each REF to its ``resolve_ref`` callable (object id, length) -> value."""

    __slots__ = ("object_id", "length")

    def __init__(self, object_id, length: int):
        self.object_id = object_id
        self.length = int(length)

    def __repr__(self) -> str:
        return f"Ref({self.object_id!r}, {self.length})"


# --- encoding ------------------------------------------------------------------------------------------------------
class Encoded:
    """A planned value: ``nbytes`` in all, written by :meth:`write_into` (tensor data copied once, in C order)."""

    __slots__ = ("type_id", "nbytes", "_pieces")

    def __init__(self, type_id: int, pieces: list, nbytes: int):
        self.type_id = type_id
        self._pieces = pieces
        self.nbytes = nbytes

    def write_into(self, target) -> None:
        """Writes the value at the start of target (a writable buffer of at least nbytes)."""
        dst = target if isinstance(target, np.ndarray) else np.frombuffer(target, np.uint8)
        if dst.dtype != np.uint8 or dst.ndim != 1:
            dst = dst.reshape(-1).view(np.uint8)
        if dst.nbytes < self.nbytes:
            raise ValueError(f"target holds {dst.nbytes} bytes, the value needs {self.nbytes}")
        pos = 0
        for piece in self._pieces:
            if isinstance(piece, np.ndarray):
                n = piece.nbytes
                if n:
                    np.copyto(dst[pos:pos + n].view(piece.dtype).reshape(piece.shape), piece, casting="no")
            else:
                n = len(piece)
                if n:
                    dst[pos:pos + n] = np.frombuffer(piece, np.uint8)
            pos += n

    def tobytes(self) -> bytes:
        out = bytearray(self.nbytes)
        self.write_into(out)
        return bytes(out)


class _Planner:
    __slots__ = ("pieces", "cur", "base", "nested_pickle")

    def __init__(self, nested_pickle: bool = False):
        self.pieces: list = []
        self.cur = bytearray()
        self.base = 0  # bytes in pieces before cur
        self.nested_pickle = nested_pickle  # a nested value without xlang form goes as PICKLE (kind 11)

    def pos(self) -> int:
        return self.base + len(self.cur)

    def flush(self) -> None:
        if self.cur:
            self.pieces.append(bytes(self.cur))
            self.base += len(self.cur)
            self.cur = bytearray()

    def piece(self, piece, n: int) -> None:
        self.flush()
        self.pieces.append(piece)
        self.base += n

    def finish(self, type_id: int) -> Encoded:
        self.flush()
        return Encoded(type_id, self.pieces, self.base)

    def value(self, v: Any, depth: int) -> None:
        if depth and self.nested_pickle:
            try:
                mark = self._mark()
                self._value(v, depth)
            except NotCrossLanguageError:
                self._rewind(mark)
                self.pickled(v)
        else:
            self._value(v, depth)

    def _mark(self) -> tuple[int, int, int]:
        return len(self.pieces), self.base, len(self.cur)

    def _rewind(self, mark: tuple[int, int, int]) -> None:
        """Forgets what was planned since mark (a nested value that turned out to have no xlang form)."""
        npieces, base, ncur = mark
        if len(self.pieces) == npieces:
            del self.cur[ncur:]
        else:  # cur was flushed since mark: its first ncur bytes start the first new piece
            first = self.pieces[npieces] if ncur else b""
            del self.pieces[npieces:]
            self.cur = bytearray(first[:ncur])
        self.base = base

    def pickled(self, v: Any) -> None:
        body = pickle.dumps(v, protocol=5)
        self.cur.append(PICKLE)
        self.cur += _U64.pack(len(body))
        self._bytes(body)

    def _value(self, v: Any, depth: int) -> None:
        cur = self.cur
        if v is None:
            cur.append(NONE)
        elif v is True or v is False or isinstance(v, np.bool_):
            cur.append(TRUE if v else FALSE)
        elif isinstance(v, (int, np.integer)):
            i = int(v)
            if not INT64_MIN <= i <= INT64_MAX:
                raise NotCrossLanguageError(
                    f"int {i} is outside the cross-language int range [-2**63, 2**63 - 1] "
                    f"({INT64_MIN}..{INT64_MAX})", self.pos(), "INT")
            cur.append(INT)
            cur += _I64.pack(i)
        elif isinstance(v, (float, np.floating)):
            cur.append(FLOAT)
            cur += _F64.pack(float(v))
        elif isinstance(v, str):
            try:
                b = v.encode("utf-8")
            except UnicodeEncodeError as e:
                raise NotCrossLanguageError(f"str is not valid Unicode for UTF-8: {e}", self.pos(), "STR") from None
            cur.append(STR)
            cur += _U64.pack(len(b))
            self._bytes(b)
        elif isinstance(v, (bytes, bytearray, memoryview)):
            if isinstance(v, memoryview):
                v = v.cast("B") if v.contiguous else v.tobytes()
            cur.append(BYTES)
            cur += _U64.pack(len(v))
            self._bytes(v)
        elif isinstance(v, np.ndarray):
            self.tensor(v)
        elif isinstance(v, (list, tuple)):
            self._depth(depth)
            cur.append(LIST)
            cur += _U64.pack(len(v))
            for item in v:
                self.value(item, depth + 1)
        elif isinstance(v, dict):
            self._depth(depth)
            cur.append(MAP)
            cur += _U64.pack(len(v))
            for key, item in v.items():
                self.value(key, depth + 1)
                self.value(item, depth + 1)
        elif isinstance(v, Ref):
            oid = bytes(v.object_id)
            if len(oid) != 16 or v.length < 0:
                raise ValueError(f"{v!r}: a REF holds a 16-byte object id and a length >= 0")
            cur.append(REF)
            cur += oid
            cur += _U64.pack(v.length)
        else:
            raise NotCrossLanguageError(f"{type(v).__module__}.{type(v).__qualname__} has no cross-language form",
                                        self.pos(), "kind")

    def _depth(self, depth: int) -> None:
        if depth >= MAX_DEPTH:
            raise NotCrossLanguageError(f"lists and maps nest deeper than {MAX_DEPTH}", self.pos(), "depth")

    def _bytes(self, b) -> None:
        if len(b) <= _INLINE_MAX:
            self.cur += b
        else:
            self.piece(b, len(b))

    def tensor(self, a: np.ndarray) -> None:
        code = DTYPE_CODES.get(a.dtype.str)
        if code is None:
            raise NotCrossLanguageError(f"numpy dtype {a.dtype.str} ({a.dtype}) has no cross-language form "
                                        "(supported: bool, int8..int64, uint8..uint64, float16/32/64, "
                                        "little-endian)", self.pos(), "dtype")
        if a.ndim > MAX_NDIM:
            raise NotCrossLanguageError(f"tensor ndim {a.ndim} exceeds {MAX_NDIM}", self.pos(), "ndim")
        cur = self.cur
        cur += _TENSOR_HEAD.pack(TENSOR, code, a.ndim)
        strides = c_strides(a.shape, a.dtype.itemsize)
        for n in a.shape:
            cur += _I64.pack(n)
        for s in strides:
            cur += _I64.pack(s)
        cur += _U64.pack(a.nbytes)
        pad = -self.pos() % ALIGNMENT
        cur += bytes(pad)
        if a.nbytes:
            self.piece(a, a.nbytes)


def c_strides(shape, itemsize: int) -> list[int]:
    """C-contiguous strides in bytes."""
    strides = [0] * len(shape)
    s = itemsize
    for i in range(len(shape) - 1, -1, -1):
        strides[i] = s
        s *= shape[i]
    return strides


def plan(value: Any, format: str = "auto", nested_pickle: bool = False) -> Encoded:
    """Plans the encoding of value. format: "xlang" (or :class:`NotCrossLanguageError`), "pickle", or "auto"
    (xlang when the value has a cross-language form, else pickle).

    nested_pickle=True: inside xlang lists and maps, a value without a cross-language form is written as a
    nested PICKLE (kind 11) instead of failing (format="xlang") or pickling the whole value (format="auto"); a
    top-level value without xlang form still fails (xlang) or is pickled whole, type id 3 (auto)."""
    if format not in ("auto", "xlang", "pickle"):
        raise ValueError(f"format must be 'auto', 'xlang' or 'pickle', was {format!r}")
    if format != "pickle":
        try:
            p = _Planner(nested_pickle)
            p.cur += _HEADER.pack(TYPE_XLANG, 0)
            p.value(value, 0)
            return p.finish(TYPE_XLANG)
        except NotCrossLanguageError:
            if format == "xlang":
                raise
    body = pickle.dumps(value, protocol=5)
    p = _Planner()
    p.cur += _HEADER.pack(TYPE_PICKLE, 0)
    p.piece(body, len(body))
    return p.finish(TYPE_PICKLE)


def tensor_header(dtype, shape) -> tuple[bytes, np.dtype, int]:
    """The xlang bytes before a tensor's data (type id header included, padded to 64), its dtype and nbytes:
    what ``Store.create_tensor`` writes before handing out the data."""
    dtype = np.dtype(dtype)
    shape = tuple(int(n) for n in shape)
    if any(n < 0 for n in shape):
        raise ValueError(f"shape {shape} has a negative dimension")
    template = np.lib.stride_tricks.as_strided(np.zeros(1, dtype), shape, [0] * len(shape))
    p = _Planner()
    p.cur += _HEADER.pack(TYPE_XLANG, 0)
    p.tensor(template)
    p.flush()
    head = b"".join(x for x in p.pieces if not isinstance(x, np.ndarray))
    nbytes = math.prod(shape) * dtype.itemsize
    return head, dtype, nbytes


def encode(value: Any, format: str = "auto", nested_pickle: bool = False) -> bytes:
    """The value's bytes (header included); see :func:`plan`."""
    return plan(value, format, nested_pickle).tobytes()


# --- decoding ------------------------------------------------------------------------------------------------------
def decode(data, *, copy: bool = True, resolve_ref=None) -> Any:
    """Decodes a value (header included) from a bytes-like object. copy=False: tensors and bytes come back as
    views of data (read-only when data is); else everything is copied out. resolve_ref: a callable
    (ObjectId, length) -> value that reads a REF (kind 10) from the store; without it a REF is a CodecError."""
    buf = data if isinstance(data, np.ndarray) else np.frombuffer(data, np.uint8)
    if buf.dtype != np.uint8 or buf.ndim != 1:
        buf = buf.reshape(-1).view(np.uint8)
    return decode_buffer(buf, copy_tensors=copy, copy_bytes=copy, resolve_ref=resolve_ref)[0]


def decode_buffer(buf: np.ndarray, *, copy_tensors: bool, copy_bytes: bool,
                  array_type: type = np.ndarray, resolve_ref=None) -> tuple[Any, bool]:
    """Decodes from a 1-d uint8 array; returns (value, whether the value holds views of buf). Views are
    read-only memoryviews (bytes) and array_type instances (tensors; array_type is an ndarray subclass)."""
    d = _Decoder(buf, copy_tensors, copy_bytes, array_type, resolve_ref)
    return d.top(), d.views


_object_id_type = None


def _object_id(data: bytes):
    global _object_id_type
    if _object_id_type is None:
        from .store import ObjectId  # store imports this module: look it up on first use
        _object_id_type = ObjectId
    return _object_id_type(data)


class _Decoder:
    __slots__ = ("buf", "mv", "end", "copy", "copy_bytes", "array_type", "views", "resolve_ref")

    def __init__(self, buf: np.ndarray, copy_tensors: bool, copy_bytes: bool, array_type: type, resolve_ref=None):
        self.buf = buf
        self.mv = memoryview(buf)
        self.end = len(buf)
        self.copy = copy_tensors
        self.copy_bytes = copy_bytes
        self.array_type = array_type
        self.views = False
        self.resolve_ref = resolve_ref

    def need(self, pos: int, n: int, field: str) -> None:
        if n < 0 or pos + n > self.end:
            raise CodecError(f"{field} needs {n} bytes, {self.end - pos} left", pos, field)

    def u64(self, pos: int, field: str) -> int:
        self.need(pos, 8, field)
        return _U64.unpack_from(self.mv, pos)[0]

    def top(self) -> Any:
        self.need(0, HEADER, "header")
        type_id, reserved = _HEADER.unpack_from(self.mv, 0)
        if reserved != 0:
            raise CodecError(f"reserved header int is {reserved}, must be 0", 4, "reserved")
        if type_id == TYPE_XLANG:
            value, pos = self.value(HEADER, 0)
            if pos != self.end:
                raise CodecError(f"{self.end - pos} bytes after the value", pos, "end")
            return value
        if type_id == TYPE_JAVA:
            return self.java()
        if type_id == TYPE_PICKLE:
            try:
                return pickle.loads(self.mv[HEADER:])
            except Exception as e:
                raise CodecError(f"pickle payload does not load: {type(e).__name__}: {e}", HEADER, "pickle") from e
        raise CodecError(f"unknown type id {type_id} (known: 1 Java, 2 cross-language, 3 pickle)", 0, "type id")

    def bytes_at(self, pos: int, n: int):
        if self.copy_bytes:
            return self.mv[pos:pos + n].tobytes()
        if n:
            self.views = True
        return self.mv[pos:pos + n].toreadonly()

    def str_at(self, pos: int, n: int, field: str) -> str:
        try:
            return str(self.mv[pos:pos + n], "utf-8")
        except UnicodeDecodeError as e:
            raise CodecError(f"string is not UTF-8: {e.reason} at byte {e.start}", pos + e.start, field) from None

    def java(self) -> Any:
        pos = HEADER
        self.need(pos, 1, "Java kind")
        kind = self.mv[pos]
        body, n = pos + 1, self.end - pos - 1
        if kind in (JAVA_BYTES, JAVA_BUFFER):
            return self.bytes_at(body, n)
        if kind == JAVA_STRING:
            return self.str_at(body, n, "Java STRING")
        fixed = {JAVA_LONG: (8, ">q"), JAVA_INT: (4, ">i"), JAVA_DOUBLE: (8, ">d")}.get(kind)
        if fixed is not None:
            if n != fixed[0]:
                raise CodecError(f"Java kind {kind} body is {n} bytes, must be {fixed[0]}", body, "Java body")
            return struct.unpack_from(fixed[1], self.mv, body)[0]
        if kind == JAVA_JAVA:
            raise JavaSerializedValueError(
                "a Java-serialized value (class unknown to Python) cannot be read in Python; "
                "use a cross-language value", pos, "Java kind")
        raise CodecError(f"unknown Java kind {kind}", pos, "Java kind")

    def value(self, pos: int, depth: int) -> tuple[Any, int]:
        self.need(pos, 1, "kind")
        kind = self.mv[pos]
        pos += 1
        if kind == NONE:
            return None, pos
        if kind == FALSE:
            return False, pos
        if kind == TRUE:
            return True, pos
        if kind == INT:
            self.need(pos, 8, "INT")
            return _I64.unpack_from(self.mv, pos)[0], pos + 8
        if kind == FLOAT:
            self.need(pos, 8, "FLOAT")
            return _F64.unpack_from(self.mv, pos)[0], pos + 8
        if kind == BYTES or kind == STR:
            field = "BYTES" if kind == BYTES else "STR"
            n = self.u64(pos, field + " length")
            pos += 8
            if n > self.end - pos:
                raise CodecError(f"{field} length {n} runs past the end ({self.end - pos} bytes left)",
                                 pos - 8, field + " length")
            v = self.bytes_at(pos, n) if kind == BYTES else self.str_at(pos, n, field)
            return v, pos + n
        if kind == LIST or kind == MAP:
            field = "LIST" if kind == LIST else "MAP"
            if depth >= MAX_DEPTH:
                raise CodecError(f"lists and maps nest deeper than {MAX_DEPTH}", pos - 1, "depth")
            count = self.u64(pos, field + " count")
            pos += 8
            per = 1 if kind == LIST else 2
            if count * per > self.end - pos:  # every value takes at least one byte
                raise CodecError(f"{field} count {count} exceeds the bytes left ({self.end - pos})",
                                 pos - 8, field + " count")
            if kind == LIST:
                out = []
                for _ in range(count):
                    item, pos = self.value(pos, depth + 1)
                    out.append(item)
                return out, pos
            out = {}
            for _ in range(count):
                key_pos = pos
                key, pos = self.value(pos, depth + 1)
                if isinstance(key, list):
                    key = _tuples(key)
                try:
                    hash(key)
                except TypeError:
                    raise CodecError(f"map key of type {type(key).__name__} cannot be a Python dict key",
                                     key_pos, "MAP key") from None
                item, pos = self.value(pos, depth + 1)
                out[key] = item
            return out, pos
        if kind == TENSOR:
            return self.tensor(pos - 1)
        if kind == REF:
            self.need(pos, 24, "REF")
            if self.resolve_ref is None:
                raise CodecError("a store reference needs a store (decode without resolve_ref)", pos - 1, "REF")
            oid = _object_id(self.mv[pos:pos + 16].tobytes())
            length = _U64.unpack_from(self.mv, pos + 16)[0]
            return self.resolve_ref(oid, length), pos + 24
        if kind == PICKLE:
            n = self.u64(pos, "PICKLE length")
            pos += 8
            if n > self.end - pos:
                raise CodecError(f"PICKLE length {n} runs past the end ({self.end - pos} bytes left)",
                                 pos - 8, "PICKLE length")
            try:
                return pickle.loads(self.mv[pos:pos + n]), pos + n
            except Exception as e:
                raise CodecError(f"nested pickle does not load: {type(e).__name__}: {e}", pos, "PICKLE") from e
        raise CodecError(f"unknown kind {kind}", pos - 1, "kind")

    def tensor(self, start: int) -> tuple[Any, int]:
        self.need(start, 9, "TENSOR header")
        _, code, ndim = _TENSOR_HEAD.unpack_from(self.mv, start)
        dtype = DTYPES.get(code)
        if dtype is None:
            raise CodecError(f"unknown dtype code {code}", start + 1, "TENSOR dtype")
        if ndim > MAX_NDIM:
            raise CodecError(f"ndim {ndim} exceeds {MAX_NDIM}", start + 2, "TENSOR ndim")
        if any(self.buf[start + 3:start + 9]):
            raise CodecError("reserved bytes are not zero", start + 3, "TENSOR reserved")
        pos = start + 9
        self.need(pos, 16 * ndim + 8, "TENSOR shape, strides and nbytes")
        shape = struct.unpack_from(f"<{ndim}q", self.mv, pos)
        strides = struct.unpack_from(f"<{ndim}q", self.mv, pos + 8 * ndim)
        nbytes = _U64.unpack_from(self.mv, pos + 16 * ndim)[0]
        for i, n in enumerate(shape):
            if n < 0:
                raise CodecError(f"shape[{i}] is {n}", pos + 8 * i, "TENSOR shape")
        pos += 16 * ndim + 8
        data = pos + (-pos % ALIGNMENT)
        if data > self.end:
            raise CodecError("padding to a 64-byte boundary runs past the end", pos, "TENSOR padding")
        if any(self.buf[pos:data]):
            raise CodecError("padding bytes are not zero", pos, "TENSOR padding")
        if nbytes > self.end - data:
            raise CodecError(f"nbytes {nbytes} runs past the end ({self.end - data} bytes left)",
                             pos - 8, "TENSOR nbytes")
        itemsize = dtype.itemsize
        count = math.prod(shape)
        if count == 0:
            arr = np.empty(shape, dtype)
            return (arr.view(self.array_type) if self.array_type is not np.ndarray else arr), data + nbytes
        low = sum(s * (n - 1) for n, s in zip(shape, strides) if s < 0)
        high = sum(s * (n - 1) for n, s in zip(shape, strides) if s > 0) + itemsize
        if low < 0 or high > nbytes:
            raise CodecError(f"shape {list(shape)} with strides {list(strides)} reaches bytes [{low}, {high}) "
                             f"of the {nbytes}-byte data", start + 9 + 8 * ndim, "TENSOR strides")
        if list(strides) == c_strides(shape, itemsize) and nbytes != count * itemsize:
            raise CodecError(f"C-contiguous shape {list(shape)} x itemsize {itemsize} is {count * itemsize} bytes, "
                             f"nbytes says {nbytes}", pos - 8, "TENSOR nbytes")
        if self.copy:
            view = np.ndarray(shape, dtype, buffer=self.buf, offset=data, strides=strides)
            return np.array(view, order="C", copy=True), data + nbytes
        self.views = True
        arr = self.array_type.__new__(self.array_type, shape, dtype, buffer=self.buf, offset=data, strides=strides)
        return arr, data + nbytes


def _tuples(v):
    """Lists as tuples (recursively): map keys encoded from tuples come back as tuples."""
    return tuple(_tuples(x) if isinstance(x, list) else x for x in v)
