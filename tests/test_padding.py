"""rnncourse.data.padding: comparing a model's outputs on a padded batch with each sequence run alone."""

import numpy as np
import pytest

from rnncourse import data
from rnncourse.data.padding import difference_from_alone


def counting_model(batch):
    # per step: a running count of the steps read (padding counts too); per sequence: the total
    steps = np.cumsum(np.ones(batch.shape[:2]), axis=1)[..., None]      # (n, T, 1)
    return {"every step": steps, "total": steps[:, -1]}                 # (n, T, 1), (n, 1)


def test_per_step_outputs_are_compared_at_real_steps_and_per_sequence_outputs_whole():
    batch = np.array([[1, 2, 3, 4], [5, 6, 0, 0], [7, 0, 0, 0]])
    gaps = difference_from_alone(counting_model, batch, np.array([4, 2, 1]))
    np.testing.assert_array_equal(gaps["every step"], [0, 0, 0])          # padding comes after the real steps
    np.testing.assert_array_equal(gaps["total"], [0, 2, 3])               # the total counted the padding


def test_array_and_list_outputs_and_features():
    batch = np.zeros((2, 3, 5))                                          # (N, T, D)
    lengths = np.array([3, 1])
    per_step = difference_from_alone(lambda b: np.cumsum(np.ones(b.shape[:2]), axis=1)[..., None], batch, lengths)
    assert isinstance(per_step, np.ndarray) and per_step.shape == (2,)
    np.testing.assert_array_equal(per_step, 0)
    both = difference_from_alone(lambda b: [b.sum(axis=1), np.full((len(b), 2), b.shape[1])], batch, lengths)
    assert isinstance(both, list) and len(both) == 2
    np.testing.assert_array_equal(both[1], [0, 2])


def test_the_batch_is_not_changed():
    sequences, _ = data.last_symbol_task(5, max_len=4, seed=0)
    lengths = np.array([len(s) for s in sequences])
    batch = np.zeros((5, 4), np.int64)
    for i, s in enumerate(sequences):
        batch[i, :len(s)] = s
    before = batch.copy()
    difference_from_alone(counting_model, batch, lengths)
    np.testing.assert_array_equal(batch, before)


@pytest.mark.parametrize("lengths, message", [([2, 2], "shape"), ([0, 2, 1], "between 1 and T"),
                                              ([4, 1, 1], "between 1 and T"), ([1.0, 2.0, 3.0], "integer")])
def test_bad_lengths(lengths, message):
    with pytest.raises(ValueError, match=message):
        difference_from_alone(counting_model, np.ones((3, 3), np.int64), np.array(lengths))
