"""Python stages for the Java tests of kairos-data (PythonStageTest)."""

import os

import numpy as np

MADE = []


class Triple:
    """A 'model': made once per actor, called with batches of rows."""

    def __init__(self):
        self.k = 3
        self.pid = os.getpid()

    def __call__(self, batch):
        return [x * self.k for x in batch]


class TripleArray:
    """The same, vectorized: a NumPy array in, a NumPy array out."""

    def __call__(self, batch):
        return np.asarray(batch, dtype=np.int64) * 3


class Whoami:
    """Each row becomes [row, the worker's pid]: shows which actor ran it."""

    def __call__(self, batch):
        return [[x, os.getpid()] for x in batch]


class FailsOn13:
    """Raises on a batch holding 13; passes other batches through."""

    def __call__(self, batch):
        if 13 in batch:
            raise ValueError("thirteen is unlucky")
        return batch


class FailsToLoad:
    """A model whose loading fails: the stage's actors cannot be made."""

    def __init__(self):
        raise RuntimeError("weights not found")

    def __call__(self, batch):
        return batch
