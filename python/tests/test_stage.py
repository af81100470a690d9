"""kairos.stage.BatchActor: a Python class as a stage of a Java dataset (kairos-data)."""
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kairos.stage import BatchActor  # noqa: E402


class BatchActorTest(unittest.TestCase):
    def test_a_block_goes_through_in_batches(self):
        actor = BatchActor("worker_fixtures:Doubler", 4)
        self.assertEqual(actor.run(list(range(10))), [2 * x for x in range(10)])
        self.assertEqual(actor.fn.batches, [4, 4, 2], "batches of up to batch_size rows")
        self.assertEqual(BatchActor("worker_fixtures:Doubler", 3, [10]).run([1, 2]), [10, 20])

    def test_a_numpy_array_back_is_its_rows(self):
        class Vectorized:
            def __call__(self, batch):
                return np.asarray(batch) * 3
        actor = BatchActor("worker_fixtures:Doubler", 2)
        actor.fn = Vectorized()
        self.assertEqual(actor.run([1, 2, 3]), [3, 6, 9])
        self.assertIsInstance(actor.run([1])[0], int)

    def test_bad_stages_are_clear_errors(self):
        with self.assertRaisesRegex(ValueError, "batch_size 0"):
            BatchActor("worker_fixtures:Doubler", 0)
        with self.assertRaisesRegex(TypeError, "returned None"):
            BatchActor("worker_fixtures:NoneStage", 2).run([1])
        with self.assertRaisesRegex(ValueError, "malformed"):
            BatchActor("no colon", 1)


if __name__ == "__main__":
    unittest.main()
