"""The ctypes layer: one module mirroring ``native/include/kairos/store.h`` and ``common.h``.

Everything that touches ``libkairos.so`` goes through here: the library lookup, the ABI version check at load,
argtypes/restype for every function, the status codes as constants, and :class:`KairosError` raised with the
status name and ``kairos_last_error_detail()``.

Library lookup (first match wins):

1. ``KAIROS_NATIVE_LIB``: a path to a ``libkairos.so`` (like the Java side's ``-Dkairos.native.lib``);
2. ``libkairos.so`` next to this file (a wheel may ship it there);
3. ``<repo>/java-bindings/target/classes/linux-x86-64/libkairos.so`` when the package runs from a checkout.

Set ``KAIROS_DEBUG_LOAD=1`` to print the paths tried.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from pathlib import Path

# --- common.h: status codes ---------------------------------------------------------------------------------------
KAIROS_OK = 0
KAIROS_ERR_INVALID_ARGUMENT = -1
KAIROS_ERR_CLOSED = -2
KAIROS_ERR_EXISTS = -3
KAIROS_ERR_NOT_FOUND = -4
KAIROS_ERR_WRONG_STATE = -5
KAIROS_ERR_STORE_FULL = -6
KAIROS_ERR_TIMEOUT = -7
KAIROS_ERR_TOO_MANY_CLIENTS = -8
KAIROS_ERR_IO = -9
KAIROS_ERR_INCOMPATIBLE = -10
KAIROS_ERR_CORRUPT = -11
KAIROS_ERR_NO_MEMORY = -12
KAIROS_ERR_NO_DEVICE = -13
KAIROS_ERR_DEVICE_OUT_OF_MEMORY = -14
KAIROS_ERR_DEVICE = -15
KAIROS_ERR_UNSUPPORTED = -16

# --- store.h: constants --------------------------------------------------------------------------------------------
KAIROS_STORE_ABI_VERSION = 1
KAIROS_STORE_LAYOUT_VERSION = 1
KAIROS_OBJECT_ID_SIZE = 16
KAIROS_STORE_ALIGNMENT = 64
KAIROS_STORE_NAME_MAX = 200
KAIROS_STORE_MIN_CAPACITY = 64 * 1024
KAIROS_STORE_MAX_CAPACITY = 1 << 40
KAIROS_STORE_MAX_OBJECTS = 1 << 24
KAIROS_STORE_MAX_CLIENTS = 128
KAIROS_OBJECT_SIZE_PREFIX_OFFSET = -8
KAIROS_PREFAULT_RESERVE = 1
KAIROS_PREFAULT_MAP = 2


# --- errors --------------------------------------------------------------------------------------------------------
class KairosError(Exception):
    """A failed call of the C ABI: ``status`` (negative), ``status_name``, ``detail`` and the ``function``."""

    def __init__(self, function: str, status: int, status_name: str, detail: str):
        self.function = function
        self.status = status
        self.status_name = status_name
        self.detail = detail
        super().__init__(f"{function}: {status_name}" + (f": {detail}" if detail else ""))


class InvalidArgumentError(KairosError, ValueError):
    pass


class ClosedError(KairosError):
    pass


class ExistsError(KairosError):
    pass


class NotFoundError(KairosError, LookupError):
    pass


class WrongStateError(KairosError):
    pass


class StoreFullError(KairosError):
    pass


class StoreTimeoutError(KairosError, TimeoutError):
    pass


class TooManyClientsError(KairosError):
    pass


class StoreIOError(KairosError, OSError):
    pass


class IncompatibleError(KairosError):
    pass


class CorruptError(KairosError):
    pass


class NoMemoryError(KairosError, MemoryError):
    pass


class DeviceError(KairosError):
    pass


class UnsupportedError(KairosError):
    pass


_ERRORS = {
    KAIROS_ERR_INVALID_ARGUMENT: InvalidArgumentError,
    KAIROS_ERR_CLOSED: ClosedError,
    KAIROS_ERR_EXISTS: ExistsError,
    KAIROS_ERR_NOT_FOUND: NotFoundError,
    KAIROS_ERR_WRONG_STATE: WrongStateError,
    KAIROS_ERR_STORE_FULL: StoreFullError,
    KAIROS_ERR_TIMEOUT: StoreTimeoutError,
    KAIROS_ERR_TOO_MANY_CLIENTS: TooManyClientsError,
    KAIROS_ERR_IO: StoreIOError,
    KAIROS_ERR_INCOMPATIBLE: IncompatibleError,
    KAIROS_ERR_CORRUPT: CorruptError,
    KAIROS_ERR_NO_MEMORY: NoMemoryError,
    KAIROS_ERR_NO_DEVICE: DeviceError,
    KAIROS_ERR_DEVICE_OUT_OF_MEMORY: DeviceError,
    KAIROS_ERR_DEVICE: DeviceError,
    KAIROS_ERR_UNSUPPORTED: UnsupportedError,
}


def error(function: str, status: int, detail: str | None = None) -> KairosError:
    """The exception for a failed call; detail defaults to this thread's kairos_last_error_detail()."""
    lib = library()
    name = lib.kairos_status_name(status).decode("ascii", "replace")
    if detail is None:
        detail = lib.kairos_last_error_detail().decode("utf-8", "replace")
    return _ERRORS.get(status, KairosError)(function, status, name, detail)


def check(function: str, status: int) -> None:
    """Raises the KairosError of a status other than KAIROS_OK."""
    if status != KAIROS_OK:
        raise error(function, status)


# --- store.h: types ------------------------------------------------------------------------------------------------
class kairos_store_stats(ctypes.Structure):
    _fields_ = [
        ("capacity", ctypes.c_uint64),
        ("bytes_used", ctypes.c_uint64),
        ("objects", ctypes.c_uint64),
        ("sealed_objects", ctypes.c_uint64),
        ("pinned_objects", ctypes.c_uint64),
        ("evictions", ctypes.c_uint64),
        ("evicted_bytes", ctypes.c_uint64),
        ("allocation_failures", ctypes.c_uint64),
        ("max_objects", ctypes.c_uint64),
        ("clients", ctypes.c_uint64),
        ("recoveries", ctypes.c_uint64),
        ("dead_clients_reaped", ctypes.c_uint64),
    ]


kairos_store_p = ctypes.c_void_p  # kairos_store * (opaque)
_id = ctypes.c_char_p  # const uint8_t id[16]: passed as a 16-byte bytes object
_u8p = ctypes.POINTER(ctypes.c_uint8)

kairos_eviction_fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, _u8p, _u8p, ctypes.c_uint64)

# name -> (restype, argtypes)
_SIGNATURES = {
    "kairos_status_name": (ctypes.c_char_p, [ctypes.c_int32]),
    "kairos_last_error_detail": (ctypes.c_char_p, []),
    "kairos_store_abi_version": (ctypes.c_int32, []),
    "kairos_store_create": (ctypes.c_int32, [ctypes.c_char_p, ctypes.c_uint64, ctypes.c_uint32,
                                             ctypes.POINTER(kairos_store_p)]),
    "kairos_store_attach": (ctypes.c_int32, [ctypes.c_char_p, ctypes.POINTER(kairos_store_p)]),
    "kairos_store_remove_stale": (ctypes.c_int32, [ctypes.c_char_p]),
    "kairos_store_close": (ctypes.c_int32, [kairos_store_p]),
    "kairos_store_free": (ctypes.c_int32, [kairos_store_p]),
    "kairos_store_create_object": (ctypes.c_int32, [kairos_store_p, _id, ctypes.c_uint64,
                                                    ctypes.POINTER(ctypes.c_void_p)]),
    "kairos_store_seal": (ctypes.c_int32, [kairos_store_p, _id]),
    "kairos_store_abort": (ctypes.c_int32, [kairos_store_p, _id]),
    "kairos_store_get": (ctypes.c_int32, [kairos_store_p, _id, ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p),
                                          ctypes.POINTER(ctypes.c_uint64)]),
    "kairos_store_release": (ctypes.c_int32, [kairos_store_p, _id]),
    "kairos_store_delete": (ctypes.c_int32, [kairos_store_p, _id]),
    "kairos_store_contains": (ctypes.c_int32, [kairos_store_p, _id, ctypes.POINTER(ctypes.c_int32)]),
    "kairos_store_stats_get": (ctypes.c_int32, [kairos_store_p, ctypes.POINTER(kairos_store_stats)]),
    "kairos_store_set_eviction_callback": (ctypes.c_int32, [kairos_store_p, kairos_eviction_fn, ctypes.c_void_p]),
    "kairos_store_reap_dead_clients": (ctypes.c_int32, [kairos_store_p, ctypes.POINTER(ctypes.c_uint32)]),
    "kairos_store_client_id": (ctypes.c_int32, [kairos_store_p, ctypes.POINTER(ctypes.c_int32)]),
    "kairos_store_prefault": (ctypes.c_int32, [kairos_store_p, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_uint32,
                                               ctypes.POINTER(ctypes.c_uint64)]),
}


# --- loading -------------------------------------------------------------------------------------------------------
class LibraryNotFoundError(ImportError):
    """No libkairos.so could be loaded, or the one found has another ABI version."""


_lock = threading.Lock()
_lib: ctypes.CDLL | None = None


def candidate_paths() -> list[Path]:
    """Where the library is looked for, in order."""
    paths = []
    env = os.environ.get("KAIROS_NATIVE_LIB")
    if env:
        paths.append(Path(env))
    here = Path(__file__).resolve().parent
    paths.append(here / "libkairos.so")
    paths.append(here.parent.parent / "java-bindings" / "target" / "classes" / "linux-x86-64" / "libkairos.so")
    return paths


def library() -> ctypes.CDLL:
    """The loaded library (loaded and checked on first use)."""
    global _lib
    lib = _lib
    if lib is not None:
        return lib
    with _lock:
        if _lib is None:
            _lib = _load()
        return _lib


def _load() -> ctypes.CDLL:
    debug = os.environ.get("KAIROS_DEBUG_LOAD") == "1"
    tried = []
    env_set = bool(os.environ.get("KAIROS_NATIVE_LIB"))
    for i, path in enumerate(candidate_paths()):
        if not path.is_file():
            tried.append(f"{path} (absent)")
            if i == 0 and env_set:
                raise LibraryNotFoundError(f"KAIROS_NATIVE_LIB={path} is not a file")
            continue
        try:
            lib = ctypes.CDLL(str(path))
        except OSError as e:
            tried.append(f"{path} ({e})")
            continue
        if debug:
            print(f"kairos: loaded {path}", file=sys.stderr)
        _declare(lib, path)
        version = lib.kairos_store_abi_version()
        if version != KAIROS_STORE_ABI_VERSION:
            raise LibraryNotFoundError(f"{path} has store ABI version {version}, this package needs "
                                       f"{KAIROS_STORE_ABI_VERSION}")
        return lib
    if debug:
        print("kairos: no libkairos.so; tried " + "; ".join(tried), file=sys.stderr)
    raise LibraryNotFoundError("libkairos.so not found; set KAIROS_NATIVE_LIB to its path (tried: "
                               + "; ".join(tried) + ")")


def _declare(lib: ctypes.CDLL, path: Path) -> None:
    for name, (restype, argtypes) in _SIGNATURES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise LibraryNotFoundError(f"{path} lacks {name}: not a libkairos.so of this ABI") from None
        fn.restype = restype
        fn.argtypes = argtypes
