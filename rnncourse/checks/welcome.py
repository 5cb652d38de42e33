"""Checks of unit 00_welcome: the warm-up exercise ``one_hot_encode``."""

import numpy as np

from ..data.text import one_hot
from .harness import Exercise, expect_close, expect_shape, fail

ONE_HOT_ENCODE = Exercise("one_hot_encode", forbids=(one_hot,))


def _check_case(fn, indices, depth):
    expected = one_hot(indices, depth)
    result = ONE_HOT_ENCODE.returns(ONE_HOT_ENCODE.call(fn, indices=indices, depth=depth), "the result")
    expect_shape("the result", result, expected.shape,
                 hint=f"For indices of shape {indices.shape} and depth {depth} the result has one "
                      f"extra axis of length depth, at the end.")
    if not np.issubdtype(result.dtype, np.floating):
        fail(f"the result has dtype {result.dtype}; networks take float inputs, so return floats "
             f"(e.g. `np.zeros(..., dtype=np.float32)`).")
    expect_close("the result", result, expected, mistakes=[
        ("it looks as if you counted indices from 1. Index 0 is the first position.",
         lambda: one_hot(np.clip(indices - 1, 0, depth - 1), depth) * (indices > 0)[..., None]),
    ])


def check_one_hot_encode_basic(fn):
    """Visible: three indices, depth 4."""
    ONE_HOT_ENCODE.own_work(fn)
    _check_case(fn, np.array([0, 2, 1]), 4)


def check_one_hot_encode_shapes(fn):
    """Hidden: indices of 0 to 3 dimensions, depth 1, an empty batch."""
    ONE_HOT_ENCODE.own_work(fn)
    rng = np.random.default_rng(7)
    for shape, depth in [((), 5), ((6,), 1), ((4, 7), 9), ((2, 3, 5), 11), ((0,), 3)]:
        _check_case(fn, rng.integers(0, depth, size=shape), depth)


def check_one_hot_encode_values(fn):
    """Hidden: random batches (every call also checks the input is left unchanged)."""
    ONE_HOT_ENCODE.own_work(fn)
    rng = np.random.default_rng(11)
    for _ in range(5):
        depth = int(rng.integers(2, 30))
        indices = rng.integers(0, depth, size=(int(rng.integers(1, 8)), int(rng.integers(1, 8))))
        _check_case(fn, indices, depth)
