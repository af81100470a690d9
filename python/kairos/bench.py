"""A tiny benchmark: getting a large tensor from the store (zero copy) against copying it and reading it from a file.

    python3 -m kairos.bench [--size-mib 1024] [--runs 7] [--dir /tmp]

Creates its own store (size + 64 MiB), puts one tensor (one copy into the store), then times, as medians of
--runs runs: get of the tensor (zero copy: pin, decode the header, make the view; the pin is released after each
run), numpy.copy of the same array in process memory, and reading it from a file (np.fromfile; the file was just
written, so it reads from the page cache). Also times a full pass over the data (sum) through the store view and
through an ordinary array, to show the view reads at memory speed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time

import numpy as np

from .store import Store


def identity(value):
    """Returns its argument: the Java suite's tensor round trip (Java -> Python -> Java) calls it as a Python task."""
    return value


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _fmt(seconds: float, nbytes: int | None = None) -> str:
    unit, value = ("us", seconds * 1e6) if seconds < 1e-3 else ("ms", seconds * 1e3)
    rate = f"{nbytes / seconds / 2 ** 30:8.1f} GiB/s" if nbytes else " " * 14
    return f"{value:10.2f} {unit}   {rate}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python3 -m kairos.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="where the file for the file read goes")
    args = parser.parse_args(argv)
    nbytes = args.size_mib << 20
    need = nbytes + (64 << 20)
    free = shutil.disk_usage("/dev/shm").free
    if free < need:
        raise SystemExit(f"/dev/shm has {free >> 20} MiB free, the store needs {need >> 20} MiB: use --size-mib")

    src = np.arange(nbytes // 8, dtype=np.uint64)
    name = f"bench-{os.getpid()}"
    with Store.create(name, need) as store:
        start = time.perf_counter()
        store.prefault()  # the arena's tmpfs pages, reserved and mapped: the put then pays no first touch
        prefault_s = time.perf_counter() - start
        start = time.perf_counter()
        oid = store.put(src)
        put_s = time.perf_counter() - start

        def get():
            a = store.get(oid)
            assert a.nbytes == nbytes
            a.release()

        get_s = _median(get, args.runs)
        copy_s = _median(lambda: np.copy(src), args.runs)
        path = os.path.join(args.dir, f"kairos-bench-{os.getpid()}.bin")
        try:
            src.tofile(path)
            file_s = _median(lambda: np.fromfile(path, np.uint64), args.runs)
        finally:
            os.unlink(path)
        with store.get(oid) as view:
            sum_view_s = _median(lambda: view.sum(), max(3, args.runs // 2))
        sum_src_s = _median(lambda: src.sum(), max(3, args.runs // 2))
        stats = store.stats()

    print(f"kairos bench: a {args.size_mib} MiB uint64 tensor, medians of {args.runs} runs")
    print(f"  prefault of the store's arena                 {_fmt(prefault_s, need)}  (one run)")
    print(f"  put (one copy into the store)                 {_fmt(put_s, nbytes)}  (one run)")
    print(f"  get, zero copy (pin + header + view + unpin)  {_fmt(get_s)}")
    print(f"  numpy.copy in process memory                  {_fmt(copy_s, nbytes)}")
    print(f"  np.fromfile (page cache warm)                 {_fmt(file_s, nbytes)}")
    print(f"  sum over the store view                       {_fmt(sum_view_s, nbytes)}")
    print(f"  sum over an ordinary array                    {_fmt(sum_src_s, nbytes)}")
    print(f"  get vs numpy.copy: {copy_s / get_s:,.0f}x faster; vs file read: {file_s / get_s:,.0f}x faster")
    print(f"  store: capacity {stats.capacity >> 20} MiB, used {stats.bytes_used >> 20} MiB")


if __name__ == "__main__":
    main()
