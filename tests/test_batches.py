"""``models.fixed_batches``: validation data batched once gives Keras's own validation losses."""

import numpy as np
import pytest

from rnncourse import models

pytestmark = pytest.mark.usefixtures("keras_seeded")


def test_the_batches_are_the_rows_in_order_and_the_last_is_smaller():
    X, y = np.arange(14.0).reshape(7, 2), np.arange(7)
    batches = [(a.numpy(), b.numpy()) for a, b in models.fixed_batches(X, y, batch_size=3)]
    assert [len(b) for _, b in batches] == [3, 3, 1]
    np.testing.assert_array_equal(np.concatenate([a for a, _ in batches]), X)
    np.testing.assert_array_equal(np.concatenate([b for _, b in batches]), y)


def test_fit_records_the_same_validation_losses_and_trains_the_same_weights():
    import keras
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 6, 1)).astype(np.float32), rng.normal(size=(40, 1)).astype(np.float32)
    X_val, y_val = rng.normal(size=(23, 6, 1)).astype(np.float32), rng.normal(size=(23, 1)).astype(np.float32)
    runs = []
    for validation in ((X_val, y_val), models.fixed_batches(X_val, y_val, batch_size=8)):
        keras.utils.set_random_seed(0)
        model = models.build_forecaster(6, 4)
        history = model.fit(X, y, epochs=3, batch_size=8, validation_data=validation, validation_batch_size=8,
                            verbose=0)
        runs.append((history.history["val_loss"], model.get_weights()))
    (arrays_loss, arrays_weights), (batches_loss, batches_weights) = runs
    assert batches_loss == arrays_loss                              # to the last bit
    for a, b in zip(arrays_weights, batches_weights):
        np.testing.assert_array_equal(a, b)


def test_mismatched_rows_are_refused():
    with pytest.raises(ValueError, match="one row per example"):
        models.fixed_batches(np.zeros((3, 2)), np.zeros(4))
