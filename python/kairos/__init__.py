"""Kairos for Python: a zero-copy client of Kairos's shared-memory object store, and the cross-language value
format (``python/FORMAT.md``).

    import kairos
    kairos.connect("my-store")          # or KAIROS_STORE=my-store in the environment
    ref = kairos.put(numpy_array)       # one copy, straight into the store
    arr = kairos.get(ref)               # a read-only ndarray over the store's memory (no copy)
"""

from __future__ import annotations

import os
import threading
from typing import Any

from ._native import (ClosedError, CorruptError, DeviceError, ExistsError, IncompatibleError, InvalidArgumentError,
                      KairosError, LibraryNotFoundError, NoMemoryError, NotFoundError, StoreFullError,
                      StoreIOError, StoreTimeoutError, TooManyClientsError, UnsupportedError, WrongStateError)
from .codec import CodecError, JavaSerializedValueError, NotCrossLanguageError, decode, encode
from .store import ObjectId, PinnedArray, Store, StoreStats, WritableTensor

__all__ = [
    "connect", "get", "put", "default_store", "Store", "ObjectId", "StoreStats", "PinnedArray", "WritableTensor",
    "encode", "decode", "CodecError", "NotCrossLanguageError", "JavaSerializedValueError", "KairosError",
    "ClosedError", "CorruptError", "DeviceError", "ExistsError", "IncompatibleError", "InvalidArgumentError",
    "LibraryNotFoundError", "NoMemoryError", "NotFoundError", "StoreFullError", "StoreIOError", "StoreTimeoutError",
    "TooManyClientsError", "UnsupportedError", "WrongStateError",
]

_lock = threading.Lock()
_default: Store | None = None
_shared: Store | None = None  # the worker process's store (kairos.worker): connect() never closes it


def connect(store_name: str | None = None) -> Store:
    """Attaches to a store (default: the environment's KAIROS_STORE) and makes it the default store of
    :func:`get` and :func:`put`; a previous default store is closed."""
    global _default
    name = store_name or os.environ.get("KAIROS_STORE")
    if not name:
        raise ValueError("no store name: pass one or set KAIROS_STORE")
    store = Store.attach(name)
    with _lock:
        previous, _default = _default, store
    if previous is not None and previous is not _shared:
        previous.close()
    return store


def _share(store: Store) -> None:
    """Makes store the default store of get/put, never closed by connect() (the worker process's own store)."""
    global _default, _shared
    with _lock:
        previous, _default, _shared = _default, store, store
    if previous is not None and previous is not store:
        previous.close()


def default_store() -> Store:
    """The store :func:`connect` attached (connecting to KAIROS_STORE on first use)."""
    store = _default
    if store is None or store.closed:
        return connect()
    return store


def get(ref, timeout: float | None = None, copy: bool | None = None) -> Any:
    """:meth:`Store.get` on the default store; ref is an ObjectId, 16 bytes or 32 hex digits."""
    return default_store().get(ref, timeout=timeout, copy=copy)


def put(value: Any, object_id=None, format: str = "auto") -> ObjectId:
    """:meth:`Store.put` on the default store."""
    return default_store().put(value, object_id=object_id, format=format)
