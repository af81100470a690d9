"""Python tasks and actors for the Java tests of Python workers (PythonWorkerTest)."""

import os
import threading
import time

import numpy as np

import kairos


def add(a, b):
    return a + b


def double(x):
    return 2 * x


def describe(value):
    """The Python type and repr of an argument, as a list [type name, repr]."""
    return [type(value).__name__, repr(value)]


def tensor_info(array):
    """[data address, whether it lies inside the store's segment, int sum, read-only?, dtype, shape]."""
    address = array.__array_interface__["data"][0]
    lo, hi = kairos.default_store().segment_range()
    return [address, lo <= address and address + array.nbytes <= hi, int(array.sum(dtype=np.int64)),
            not array.flags.writeable, str(array.dtype), list(array.shape)]


def same(array):
    return array


def same_when(array, path):
    """Says it runs (path + ".started"), then returns its argument once the file at path exists (the test frees the
    argument's ref meanwhile)."""
    with open(path + ".started", "w"):
        pass
    deadline = time.monotonic() + 30
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError(path + " did not appear in 30 s")
        time.sleep(0.001)
    return array


def same_view(array):
    return array.view()


def tail(array):
    return array[1:]


def arange(n, dtype="float32"):
    return np.arange(n, dtype=dtype)


def scale(array, factor):
    return array * factor


def fail(message):
    raise ValueError(message)


def pid_then_wait(marker):
    """First attempt: writes its pid to marker and waits (to be killed); a retry finds the marker and returns."""
    if os.path.exists(marker):
        return "retried in " + str(os.getpid())
    with open(marker + ".tmp", "w") as f:
        f.write(str(os.getpid()))
    os.rename(marker + ".tmp", marker)
    time.sleep(60)
    return "not killed"


def env(name):
    return os.environ.get(name)


def make_set():
    return {1, 2, 3}


def size_of(collection):
    return len(collection)


class Counter:
    def __init__(self, start=0):
        self.value = start

    def add(self, n):
        self.value += n
        return self.value

    def pid(self):
        return os.getpid()


class Rendezvous:
    """Calls of meet() return only once `parties` of them run at once."""

    def __init__(self, parties):
        self.barrier = threading.Barrier(parties, timeout=20)

    def meet(self):
        return self.barrier.wait()


class TorchModel:
    """A tiny PyTorch module on CPU: its input and output tensors go through the store."""

    def __init__(self, n):
        import torch
        torch.manual_seed(0)
        self.torch = torch
        self.layer = torch.nn.Linear(n, 2, dtype=torch.float32)

    def forward(self, array):
        with self.torch.no_grad():
            out = self.layer(self.torch.from_numpy(np.array(array)))
        return out.numpy()
