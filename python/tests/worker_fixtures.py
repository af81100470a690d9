"""Functions and classes the worker tests run in a worker process (python -m kairos.worker), by name."""

import os
import sys
import threading
import time

import numpy as np

import kairos
from kairos import worker


def add(a, b):
    return a + b


def echo(x):
    return x


def whole_view(a):
    return a.view()


def first_half(a):
    return a[:len(a) // 2]


def nothing():
    return None


def make_dict(n):
    return {"n": n, "squares": [i * i for i in range(n)], "name": f"d{n}", "ok": True, "pi": 3.5}


class BadInput(Exception):
    pass


def fail_with_value_error(message):
    raise ValueError(message)


def fail_with_own_error(message):
    raise BadInput(message)


class Outer:
    class Inner:
        @staticmethod
        def triple(x):
            return 3 * x


def array_info(a):
    """The argument's data address, the worker's mapping of the store, and facts about the array."""
    lo, hi = kairos.default_store().segment_range()
    return {"address": a.ctypes.data, "lo": lo, "hi": hi, "sum": float(a.sum()), "writeable": a.flags.writeable,
            "type": type(a).__name__, "shape": list(a.shape)}


def arange(n):
    return np.arange(n, dtype=np.float64)


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return isinstance(other, Point) and (other.x, other.y) == (self.x, self.y)


def make_set():
    return {1, 2, 3}


def make_point():
    return Point(1, 2)


def list_with_set():
    return [1, "two", {3}]


class Counter:
    def __init__(self, start):
        self.value = start
        self.kept = None

    def incr(self, by=1):
        self.value += by
        return self.value

    def keep(self, a):
        """Keeps an argument (a store view) in the actor's state."""
        self.kept = a
        return float(a.sum())


_barrier = threading.Barrier(3)


def meet(i):
    """Returns only when three calls wait here at once."""
    _barrier.wait(timeout=20)
    return i


class Meeting:
    """An actor whose meet() calls return only when three run at once."""

    def meet(self, i):
        return meet(i)


def noisy():
    print("noise from print " * 20)
    sys.stdout.write("noise from sys.stdout\n")
    sys.stdout.flush()
    os.write(1, b"noise written to fd 1\n")
    sys.__stdout__.write("noise from sys.__stdout__\n")
    sys.__stdout__.flush()
    return "quiet"


def environment(key):
    return os.environ.get(key)


def task_info():
    t = worker.current_task()
    return {"task_id": t.task_id, "actor_id": t.actor_id, "attempt": t.attempt, "name": t.name,
            "function": t.function, "gpus": list(t.gpus)}


def put_value(x):
    return kairos.put(x).hex()


def read_stdin():
    return sys.stdin.read()


def linger():
    threading.Thread(target=time.sleep, args=(600,), daemon=False).start()
    return "started"


def unpicklable():
    return [1, lambda: 0]


class Doubler:
    """A Python stage of a dataset (kairos.stage): batches in, rows out."""

    def __init__(self, factor=2):
        self.factor = factor
        self.batches = []

    def __call__(self, batch):
        self.batches.append(len(batch))
        return [x * self.factor for x in batch]


class NoneStage:
    def __call__(self, batch):
        return None
