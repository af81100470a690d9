"""Shared by the tests: the checkout's package first on sys.path, unique store names, a no-leak check."""

import gc
import itertools
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import kairos  # noqa: E402

_counter = itertools.count()


def unique_name() -> str:
    return f"pytest-{os.getpid()}-{next(_counter)}"


def segment_path(name: str) -> str:
    return f"/dev/shm/kairos-{name}"


class StoreTestCase(unittest.TestCase):
    """Each test gets its own store (self.store), closed in tearDown, which then checks no segment is left."""

    capacity = 8 << 20

    def setUp(self):
        self.names = []
        self.store = self.new_store(self.capacity)

    def new_store(self, capacity, max_objects=None):
        name = unique_name()
        self.names.append(name)
        store = kairos.Store.create(name, capacity, max_objects)
        self.addCleanup(store.close)
        return store

    def tearDown(self):
        # cleanups run after tearDown: close here, collect the views, then check
        self.doCleanups()
        gc.collect()
        for name in self.names:
            self.assertFalse(os.path.exists(segment_path(name)), f"segment of {name} left in /dev/shm")

    def pinned(self, store=None):
        return (store or self.store).stats().pinned_objects
