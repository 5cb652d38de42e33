"""One rule for sizes and counts everywhere: Python and numpy integers >= 1; no bool, no float."""

import numpy as np
import pytest

from rnncourse.data import make_series, sum_task
from rnncourse.draw import draw_unrolled
from rnncourse.reference import random_rnn_params, rnn_backward_truncated, rnn_forward
from rnncourse.validate import positive_int


@pytest.mark.parametrize("value", [1, 7, np.int64(4), np.int32(2), np.uint8(3)])
def test_integers_are_accepted(value):
    assert positive_int("n", value) == int(value) and type(positive_int("n", value)) is int


@pytest.mark.parametrize("value", [0, -2, True, np.bool_(True), 3.0, np.float64(2), "3", None])
def test_everything_else_is_refused_with_the_name(value):
    with pytest.raises(ValueError, match="n must be a positive integer"):
        positive_int("n", value)


_, CACHE = rnn_forward(np.zeros((1, 2, 1)), np.zeros((1, 3)), **random_rnn_params(1, 3))


@pytest.mark.parametrize("call", [lambda v: make_series(n_steps=v), lambda v: sum_task(v, 3),
                                  lambda v: draw_unrolled(T=v),
                                  lambda v: rnn_backward_truncated(np.zeros((1, 2, 3)), CACHE, v)])
def test_the_package_uses_that_rule(call):
    for bad in (True, 3.0):
        with pytest.raises(ValueError, match="must be a positive integer"):
            call(bad)
