"""A Python class as a stage of a Java dataset (kairos-data's ``Dataset.mapBatches("module:Class", pool, n)``).

The kernel starts one :class:`BatchActor` per actor of the stage's pool, in a Python worker: it makes the user's
class once (a model loaded once), then each call gives it a block of rows, which it passes on in batches of up to
``batch_size`` rows. The class's instances are callables from a batch (a list of rows) to the batch's output rows
(a list, a tuple, or a NumPy array whose first dimension is the rows).
"""

from __future__ import annotations

from .worker import resolve_name


class BatchActor:
    """One actor of a Python stage: the user's callable, made once, applied to the blocks it is given."""

    def __init__(self, class_name: str, batch_size: int, args=None):
        if batch_size < 1:
            raise ValueError(f"batch_size {batch_size} must be >= 1")
        self.fn = resolve_name(class_name)(*(args or []))
        if not callable(self.fn):
            raise TypeError(f"{class_name}() made a {type(self.fn).__name__}, which is not callable: the stage's "
                            f"class needs __call__(self, batch)")
        self.batch_size = batch_size

    def run(self, block):
        """The block's rows through the callable, batch by batch, as one list."""
        out = []
        for start in range(0, len(block), self.batch_size):
            result = self.fn(block[start:start + self.batch_size])
            if result is None:
                raise TypeError("the stage's callable returned None for a batch: return its rows (a list, possibly "
                                "empty)")
            out.extend(result.tolist() if hasattr(result, "tolist") and not isinstance(result, list) else result)
        return out
