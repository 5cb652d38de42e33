"""Small generated sequence tasks, for training a recurrent network in a few seconds.

Each generator makes ``n`` examples of ``T`` steps and returns float32 inputs ``x`` and the
targets ``y``. ``seed`` is an int or a ``numpy.random.Generator`` (a generator is used as
given, so consecutive calls draw fresh examples): the same seed gives the same data.
Nothing is downloaded.
"""

import numpy as np

from ..validate import positive_int


def _sizes(n, T):
    positive_int("n", n)
    positive_int("T", T)


def sum_task(n, T, seed=0):
    """Many-to-one regression: the sum of a sequence of numbers.

    Returns ``x (n, T, 1)``, values drawn uniformly from [-1, 1), and ``y (n, 1)`` with
    ``y[i] = x[i].sum()``.
    """
    _sizes(n, T)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, T, 1)).astype(np.float32)
    return x, x.sum(axis=1)


def parity_task(n, T, seed=0):
    """Many-to-one classification: is the number of ones in a bit sequence odd?

    Returns ``x (n, T, 1)`` of 0.0/1.0 bits and ``y (n, 1)``: 1.0 if the sequence holds an odd
    number of ones, else 0.0. Every bit matters, however far back it is.
    """
    _sizes(n, T)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=(n, T, 1)).astype(np.float32)
    return x, (x.sum(axis=1) % 2).astype(np.float32)


def running_parity_task(n, T, seed=0):
    """Aligned many-to-many (tagging): the parity of the bits read so far, at every step.

    Returns ``x (n, T, 1)`` of 0.0/1.0 bits and ``y (n, T, 1)`` with ``y[i, t] = (x[i, 0] +
    ... + x[i, t]) % 2``: one label per input step, available as soon as that step is read.
    """
    _sizes(n, T)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=(n, T, 1)).astype(np.float32)
    return x, (np.cumsum(x, axis=1) % 2).astype(np.float32)


def reverse_task(n, T, V, seed=0):
    """Unaligned many-to-many (encoder-decoder): write a sequence of symbols backwards.

    Returns ``x (n, T, V)``, the one-hot encoding of ``n`` random sequences of ``T`` symbols
    from ``0 .. V - 1``, and ``y (n, T)``, int64 indices of the same symbols in reverse order.
    The first output needs the last input, so no output can be written before all is read.
    """
    _sizes(n, T)
    if not isinstance(V, (int, np.integer)) or V < 2:
        raise ValueError(f"V must be an integer of at least 2; got {V!r}")
    rng = np.random.default_rng(seed)
    symbols = rng.integers(0, V, size=(n, T))                  # (n, T)
    x = np.eye(V, dtype=np.float32)[symbols]                   # (n, T, V)
    return x, symbols[:, ::-1].astype(np.int64)


def remember_first_task(n, lag, V=4, seed=0):
    """Many-to-one classification across a gap: which symbol came first, ``lag`` steps ago?

    Returns ``x (n, lag + 1, V)``, one-hot symbols drawn uniformly from ``0 .. V - 1`` (the
    first one to remember, then ``lag`` random distractors), and ``y (n,)`` int64, the first
    symbol. Guessing scores ``1 / V``; solving it means carrying one symbol through ``lag``
    steps. Units 05 (a SimpleRNN fails as the lag grows) and 06 (gated cells do not) share it.
    """
    _sizes(n, lag + 1)
    rng = np.random.default_rng(seed)
    symbols = rng.integers(0, V, size=(n, lag + 1))
    return np.eye(V, dtype=np.float32)[symbols], symbols[:, 0].copy()


def neighbours_task(n, T, V=4, seed=0):
    """Aligned tagging that needs the future: the sum of each step's two neighbours, mod ``V``.

    Returns ``x (n, T, V)``, one-hot symbols ``s_0 .. s_{T-1}``, and ``y (n, T)`` int64 with
    ``y[:, t] = (s_{t-1} + s_{t+1}) % V`` (a missing neighbour counts as 0). A left-to-right
    model has not read ``s_{t+1}`` when it must answer at step t, so it can only guess;
    a bidirectional one has read both sides.
    """
    _sizes(n, T)
    rng = np.random.default_rng(seed)
    symbols = rng.integers(0, V, size=(n, T))
    padded = np.pad(symbols, ((0, 0), (1, 1)))  # zeros before s_0 and after s_{T-1}
    return np.eye(V, dtype=np.float32)[symbols], (padded[:, :-2] + padded[:, 2:]) % V


def last_symbol_task(n, max_len, V=6, seed=0):
    """Many-to-one classification on sequences of different lengths: which symbol came last?

    Returns ``sequences``, a list of ``n`` int64 arrays, sequence ``i`` of shape ``(T_i,)`` with
    ``T_i`` drawn uniformly from ``1 .. max_len`` and symbols drawn uniformly from ``1 .. V - 1``
    (0 never occurs: it is kept for padding), and ``y (n,)`` int64, each sequence's last symbol.
    Read alone, a sequence's final state has just seen the answer; padded after its end and read
    without a mask, the answer must survive every padding step. Unit 07 pads and masks it.
    """
    positive_int("n", n)
    positive_int("max_len", max_len)
    if isinstance(V, (bool, np.bool_)) or not isinstance(V, (int, np.integer)) or V < 2:
        raise ValueError(f"V must be an integer of at least 2 (symbol 0 is kept for padding); got {V!r}")
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, max_len + 1, size=n)
    sequences = [rng.integers(1, V, size=length).astype(np.int64) for length in lengths]
    return sequences, np.array([s[-1] for s in sequences], dtype=np.int64)
