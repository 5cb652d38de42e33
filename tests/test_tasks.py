"""The generated sequence tasks: shapes, dtypes, targets computed by hand, seeding."""

import numpy as np
import pytest

from rnncourse.data import tasks


def test_sum_task():
    x, y = tasks.sum_task(5, 4, seed=1)
    assert x.shape == (5, 4, 1) and y.shape == (5, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert x.min() >= -1.0 and x.max() < 1.0
    np.testing.assert_allclose(y[2, 0], x[2, 0, 0] + x[2, 1, 0] + x[2, 2, 0] + x[2, 3, 0], rtol=1e-6)


def test_parity_task_by_hand():
    x, y = tasks.parity_task(50, 6, seed=2)
    assert x.shape == (50, 6, 1) and y.shape == (50, 1)
    assert set(np.unique(x)) <= {0.0, 1.0} and set(np.unique(y)) <= {0.0, 1.0}
    for bits, label in zip(x[:, :, 0], y[:, 0]):
        assert label == (1.0 if list(bits).count(1.0) % 2 else 0.0)
    assert 0 < y.mean() < 1                                  # both classes occur


def test_running_parity_is_one_label_per_step():
    x, y = tasks.running_parity_task(3, 8, seed=3)
    assert x.shape == y.shape == (3, 8, 1)
    for n in range(3):
        ones = 0
        for t in range(8):
            ones += int(x[n, t, 0])
            assert y[n, t, 0] == ones % 2
    _, last = tasks.parity_task(3, 8, seed=3)
    np.testing.assert_array_equal(y[:, -1], last)            # the same bits: the last tag is the parity


def test_reverse_task():
    x, y = tasks.reverse_task(4, 5, 7, seed=4)
    assert x.shape == (4, 5, 7) and y.shape == (4, 5)
    assert x.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(x.sum(axis=-1), 1.0)       # one-hot
    np.testing.assert_array_equal(y, np.argmax(x, axis=-1)[:, ::-1])


@pytest.mark.parametrize("task", [tasks.sum_task, tasks.parity_task, tasks.running_parity_task])
def test_seeding(task):
    a, b = task(6, 3, seed=7), task(6, 3, seed=7)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], task(6, 3, seed=8)[0])
    rng = np.random.default_rng(0)
    first, second = task(6, 3, seed=rng), task(6, 3, seed=rng)  # a Generator moves on between calls
    assert not np.array_equal(first[0], second[0])


def test_bad_sizes():
    with pytest.raises(ValueError, match="T must be a positive integer"):
        tasks.sum_task(4, 0)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        tasks.parity_task(2.5, 3)
    with pytest.raises(ValueError, match="V must be"):
        tasks.reverse_task(4, 3, 1)


def test_remember_first_task_by_hand():
    x, y = tasks.remember_first_task(50, lag=6, V=3, seed=1)
    assert x.shape == (50, 7, 3) and y.shape == (50,)
    np.testing.assert_array_equal(x.sum(axis=-1), 1.0)           # one symbol per step
    np.testing.assert_array_equal(np.argmax(x[:, 0], axis=-1), y)  # the answer is the first step
    again, _ = tasks.remember_first_task(50, lag=6, V=3, seed=1)
    np.testing.assert_array_equal(x, again)


def test_neighbours_task_by_hand():
    x, y = tasks.neighbours_task(20, T=5, V=4, seed=2)
    s = np.argmax(x, axis=-1)
    assert y.shape == (20, 5)
    np.testing.assert_array_equal(y[:, 0], s[:, 1] % 4)                 # no left neighbour
    np.testing.assert_array_equal(y[:, 2], (s[:, 1] + s[:, 3]) % 4)
    np.testing.assert_array_equal(y[:, 4], s[:, 3] % 4)                 # no right neighbour


def test_last_symbol_task_by_hand():
    sequences, y = tasks.last_symbol_task(300, max_len=6, V=4, seed=3)
    assert len(sequences) == 300 and y.shape == (300,) and y.dtype == np.int64
    lengths = np.array([len(s) for s in sequences])
    assert lengths.min() == 1 and lengths.max() == 6                        # every length from 1 to max_len
    symbols = np.concatenate(sequences)
    assert symbols.dtype == np.int64 and set(symbols) == {1, 2, 3}          # 0 is kept for padding
    np.testing.assert_array_equal(y, [s[-1] for s in sequences])
    again, _ = tasks.last_symbol_task(300, max_len=6, V=4, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(sequences, again))
    other, _ = tasks.last_symbol_task(300, max_len=6, V=4, seed=4)
    assert not all(len(a) == len(b) and np.array_equal(a, b) for a, b in zip(sequences, other))


def test_last_symbol_task_bad_arguments():
    with pytest.raises(ValueError, match="max_len must be a positive integer"):
        tasks.last_symbol_task(4, 0)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        tasks.last_symbol_task(2.0, 3)
    with pytest.raises(ValueError, match="V must be an integer of at least 2"):
        tasks.last_symbol_task(4, 3, V=1)
