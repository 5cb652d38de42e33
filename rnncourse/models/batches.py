"""Validation data for ``model.fit``, batched once instead of at every epoch."""

from ..course.setup import quiet_tensorflow
from ..validate import positive_int


def fixed_batches(X, y, batch_size=32):
    """``(X, y)`` as a ``tf.data.Dataset`` of batches ``(X (B, ...), y (B, ...))``, in order, cached.

    Pass it as ``model.fit(..., validation_data=fixed_batches(X_val, y_val, B))``. Given arrays,
    Keras converts them into a new input pipeline at every epoch's validation; this one is built
    once. The batches are the ones Keras cuts from the arrays (``B`` rows each in order, the last
    one smaller), so the validation losses are the same. Training is not affected either way.
    """
    positive_int("batch_size", batch_size)
    if len(X) != len(y):
        raise ValueError(f"X and y must have one row per example; got {len(X)} and {len(y)} rows")
    tf, _ = quiet_tensorflow()
    return tf.data.Dataset.from_tensor_slices((X, y)).batch(batch_size).cache()
