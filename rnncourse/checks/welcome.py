"""Checks of unit 00_welcome: the warm-up exercise ``one_hot_encode``."""

import numpy as np

from .core import assert_own_work, call, expect_close, expect_shape, fail, reference, register

NAME = "one_hot_encode"
register({NAME: "rnncourse.data:one_hot"})


def _check_case(fn, indices, depth):
    expected = reference(NAME)(indices, depth)
    result = call(fn, NAME, indices, depth)
    if not isinstance(result, np.ndarray):
        fail(f"one_hot_encode should return a numpy array; it returned a {type(result).__name__}.")
    expect_shape("the result", result, expected.shape,
                 hint=f"For indices of shape {indices.shape} and depth {depth} the result has one "
                      f"extra axis of length depth, at the end.")
    if not np.issubdtype(result.dtype, np.floating):
        fail(f"the result has dtype {result.dtype}; networks take float inputs, so return floats "
             f"(e.g. `np.zeros(..., dtype=np.float32)`).")
    expect_close("the result", result, expected, mistakes=[
        (reference(NAME)(np.clip(indices - 1, 0, depth - 1), depth) * (indices > 0)[..., None],
         "it looks as if you counted indices from 1. Index 0 is the first position."),
    ])


def check_one_hot_encode_basic(fn):
    """Visible: three indices, depth 4."""
    assert_own_work(fn, NAME)
    _check_case(fn, np.array([0, 2, 1]), 4)


def check_one_hot_encode_shapes(fn):
    """Hidden: indices of 0 to 3 dimensions, depth 1, an empty batch."""
    assert_own_work(fn, NAME)
    rng = np.random.default_rng(7)
    for shape, depth in [((), 5), ((6,), 1), ((4, 7), 9), ((2, 3, 5), 11), ((0,), 3)]:
        _check_case(fn, rng.integers(0, depth, size=shape), depth)


def check_one_hot_encode_values(fn):
    """Hidden: random batches (every call also checks the input is left unchanged)."""
    assert_own_work(fn, NAME)
    rng = np.random.default_rng(11)
    for _ in range(5):
        depth = int(rng.integers(2, 30))
        indices = rng.integers(0, depth, size=(int(rng.integers(1, 8)), int(rng.integers(1, 8))))
        _check_case(fn, indices, depth)
