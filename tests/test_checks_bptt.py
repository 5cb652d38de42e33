"""The checks of unit 04_bptt pass right answers and name each common mistake.

Every wrong function below is written as a learner might write it and makes one mistake that
the checks promise to recognise; the test asserts that the check fails with the explanation of
that mistake (and not some other one).
"""

import numpy as np
import pytest
from failures import failure_message

from rnncourse.checks import bptt as check
from rnncourse.checks import harness

failure = failure_message


# --- rnn_step_backward ------------------------------------------------------------------------

def step(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def step_from_pre_activation(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    a = x @ Wx + prev_h @ Wh                            # b is not in the cache
    da = dnext_h * (1 - a ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def step_tanh_without_bias(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - np.tanh(x @ Wx + prev_h @ Wh) ** 2)   # next_h recomputed, without b
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def step_tanh_of_next_h(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - np.tanh(next_h) ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def step_derivative_of_prev_h(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - prev_h ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def step_without_derivative(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    return dnext_h @ Wx.T, dnext_h @ Wh.T, x.T @ dnext_h, prev_h.T @ dnext_h, dnext_h.sum(axis=0)


def step_no_square(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def step_without_upstream(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = 1 - next_h ** 2
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def step_flipped_sign(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (next_h ** 2 - 1)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def step_dWh_from_next_h(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, next_h.T @ da, da.sum(axis=0)


def step_dWh_transposed(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, da.T @ prev_h, da.sum(axis=0)


def step_dprev_h_without_transpose(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, da @ Wh, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def step_dprev_h_is_da(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, da, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def step_dx_without_transpose(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def step_dWx_transposed(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, da @ Wh.T, da.T @ x, prev_h.T @ da, da.sum(axis=0)


def step_db_mean(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.mean(axis=0)


def step_db_per_example(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da


def step_db_keepdims(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0, keepdims=True)


def step_dprev_h_negated(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, -da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


STEP_CHECKS = [check.check_rnn_step_backward_basic, check.check_rnn_step_backward_random]


@pytest.mark.parametrize("check_fn", STEP_CHECKS)
def test_a_right_step_passes(check_fn):
    check_fn(step)
    check_fn(lambda dnext_h, cache: list(step(dnext_h, cache)))    # a list of five is accepted as well


@pytest.mark.parametrize("wrong, message", [
    (step_from_pre_activation, "from the pre-activation"),
    (step_tanh_without_bias, "without the bias"),
    (step_tanh_of_next_h, "as if next_h were the pre-activation"),
    (step_derivative_of_prev_h, "computed from prev_h"),
    (step_without_derivative, "the tanh derivative is missing"),
    (step_no_square, "with a square"),
    (step_without_upstream, "dnext_h is missing"),
    (step_flipped_sign, "db differs from the expected values"),
    (step_dWh_from_next_h, "dWh was computed from next_h"),
    (step_dWh_transposed, "dWh is transposed"),
    (step_dprev_h_without_transpose, "dprev_h = da @ Wh is missing a transpose"),
    (step_dprev_h_is_da, "dprev_h equals da"),
    (step_db_mean, "db is the mean"),
    (step_db_per_example, "one row per example"),
    (step_db_keepdims, "keepdims=True) keeps the summed axis"),
    (step_dWx_transposed, "dWx is transposed"),                 # by its values, whatever the shapes
])
@pytest.mark.parametrize("check_fn", STEP_CHECKS)
def test_step_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


@pytest.mark.parametrize("check_fn", STEP_CHECKS)
@pytest.mark.parametrize("wrong, name", [(step_flipped_sign, "db"), (step_dprev_h_negated, "dprev_h")])
def test_a_flipped_sign_is_named_before_the_gradient_check(check_fn, wrong, name):
    message = failure(check_fn, wrong)
    assert message.startswith(f"{name} differs") and "It has the opposite sign everywhere" in message


def test_a_transpose_that_needs_square_shapes():
    """da @ Wx raises where D != H (the visible check); the hidden check starts with D == H."""
    assert "raised ValueError" in failure(check.check_rnn_step_backward_basic, step_dx_without_transpose)
    assert "dx = da @ Wx is missing a transpose" in failure(check.check_rnn_step_backward_random,
                                                            step_dx_without_transpose)


def test_a_transposed_shape_with_other_values_is_named_by_its_shape():
    def wrong(dnext_h, cache):
        x, prev_h, Wx, Wh, next_h = cache
        da = 2 * dnext_h * (1 - next_h ** 2)            # an unknown factor, and dWx transposed
        return da @ Wx.T, da @ Wh.T, da.T @ x, prev_h.T @ da, da.sum(axis=0)

    message = failure(check.check_rnn_step_backward_basic, wrong)
    assert "dWx has shape (4, 3); expected (3, 4)" in message and "the transpose" in message


def test_gradients_in_the_wrong_order_are_named():
    def swapped(dnext_h, cache):
        x, prev_h, Wx, Wh, next_h = cache
        da = dnext_h * (1 - next_h ** 2)
        return da @ Wx.T, da @ Wh.T, prev_h.T @ da, x.T @ da, da.sum(axis=0)

    def weights_first(dnext_h, cache):
        x, prev_h, Wx, Wh, next_h = cache
        da = dnext_h * (1 - next_h ** 2)
        dx, dprev_h, dWx, dWh, db = da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)
        return dWx, dWh, db, dx, dprev_h

    def swapped_and_no_square(dnext_h, cache):     # values off too: recognised by the shapes
        x, prev_h, Wx, Wh, next_h = cache
        da = dnext_h * (1 - next_h)
        return da @ Wh.T, da @ Wx.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)

    for check_fn in STEP_CHECKS:
        message = failure(check_fn, swapped)
        assert "dWx and dWh are swapped" in message
        assert "(dx, dprev_h, dWx, dWh, db), in this order" in message
    message = failure(check.check_rnn_step_backward_basic, weights_first)
    assert "you returned (dWx, dWh, db, dx, dprev_h)" in message and "has shape" not in message
    assert "dx and dprev_h are swapped" in failure(check.check_rnn_step_backward_basic, swapped_and_no_square)


def test_step_that_changes_its_inputs():
    def in_place_upstream(dnext_h, cache):
        da = dnext_h
        da *= 1 - cache[4] ** 2
        return step_without_derivative(da, cache)

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_rnn_step_backward_basic(in_place_upstream)
    assert changed.value.argument == "dnext_h"
    assert "`da = dnext_h` followed by `da *= ...`" in str(changed.value)

    def in_place_cache(dnext_h, cache):
        next_h = cache[4]
        next_h **= 2                                   # now holds next_h**2
        return step_without_derivative(dnext_h * (1 - next_h), cache)

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_rnn_step_backward_basic(in_place_cache)
    assert changed.value.argument == "cache"
    assert "changed next_h in the cache in place" in str(changed.value)


def test_step_in_float32_is_named():
    def float32(dnext_h, cache):
        return tuple(g.astype(np.float32) for g in step(dnext_h, cache))

    assert "float32, but the inputs are float64" in failure(check.check_rnn_step_backward_basic, float32)


def test_step_that_returns_too_little_or_is_not_written():
    assert "it returned tuple of length 4" in failure(check.check_rnn_step_backward_basic,
                                                      lambda dnext_h, cache: step(dnext_h, cache)[:4])
    assert "returned one array" in failure(check.check_rnn_step_backward_basic,
                                           lambda dnext_h, cache: step(dnext_h, cache)[0])

    def blank(dnext_h, cache):
        raise NotImplementedError()

    with pytest.raises(harness.NotWritten):
        check.check_rnn_step_backward_basic(blank)


@pytest.mark.parametrize("exercise, check_fn", [
    (check.RNN_STEP_BACKWARD, check.check_rnn_step_backward_basic),
    (check.RNN_BACKWARD, check.check_rnn_backward_basic),
    (check.NUMERICAL_GRADIENT, check.check_numerical_gradient_basic),
])
def test_every_forbidden_function_is_caught(exercise, check_fn):
    assert exercise.forbids
    for ref in exercise.forbids:
        assert "your own" in failure(check_fn, lambda *a: ref(*a)), ref.__name__
    assert "your own" in failure(check_fn, exercise.forbids[0])    # the reference itself


# --- rnn_backward -----------------------------------------------------------------------------

def backward_with(rnn_step_backward):
    """rnn_backward as the notebook asks for it, calling the learner's own rnn_step_backward."""
    def rnn_backward(dh, cache):
        N, T, H = dh.shape
        dx, dWx, dWh, db = [None] * T, 0, 0, 0
        carried = np.zeros((N, H))
        for t in reversed(range(T)):
            dx[t], carried, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + carried, cache[t])
            dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
        return np.stack(dx, axis=1), carried, dWx, dWh, db
    return rnn_backward


backward = backward_with(step)


def backward_keeping_the_last_step(dh, cache):
    N, T, H = dh.shape
    dx, carried = [None] * T, np.zeros((N, H))
    for t in reversed(range(T)):
        dx[t], carried, dWx, dWh, db = step(dh[:, t] + carried, cache[t])
    return np.stack(dx, axis=1), carried, dWx, dWh, db


def backward_keeping_the_first_step(dh, cache):
    N, T, H = dh.shape
    dx, carried, dWx = [None] * T, np.zeros((N, H)), None
    for t in reversed(range(T)):
        dx[t], carried, dWx_t, dWh_t, db_t = step(dh[:, t] + carried, cache[t])
        if dWx is None:
            dWx, dWh, db = dWx_t, dWh_t, db_t
    return np.stack(dx, axis=1), carried, dWx, dWh, db


def backward_from_the_last_upstream_only(dh, cache):
    N, T, H = dh.shape
    dx, dWx, dWh, db = [None] * T, 0, 0, 0
    carried = dh[:, T - 1]
    for t in reversed(range(T)):
        dx[t], carried, dWx_t, dWh_t, db_t = step(carried, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return np.stack(dx, axis=1), carried, dWx, dWh, db


def backward_without_carry(dh, cache):
    N, T, H = dh.shape
    dx, dWx, dWh, db = [None] * T, 0, 0, 0
    for t in reversed(range(T)):
        dx[t], dprev_h, dWx_t, dWh_t, db_t = step(dh[:, t], cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return np.stack(dx, axis=1), dprev_h, dWx, dWh, db


def backward_forward_in_time(dh, cache):
    N, T, H = dh.shape
    dx, dWx, dWh, db = [None] * T, 0, 0, 0
    carried = np.zeros((N, H))
    for t in range(T):
        dx[t], carried, dWx_t, dWh_t, db_t = step(dh[:, t] + carried, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return np.stack(dx, axis=1), carried, dWx, dWh, db


def backward_stopping_at_1(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx, dWx, dWh, db = np.zeros((N, T, D)), 0, 0, 0
    carried = np.zeros((N, H))
    for t in range(T - 1, 0, -1):
        dx[:, t], carried, dWx_t, dWh_t, db_t = step(dh[:, t] + carried, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, carried, dWx, dWh, db


def backward_with_the_previous_cache(dh, cache):
    N, T, H = dh.shape
    dx, dWx, dWh, db = [None] * T, 0, 0, 0
    carried = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[t], carried, dWx_t, dWh_t, db_t = step(dh[:, t] + carried, cache[t - 1])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return np.stack(dx, axis=1), carried, dWx, dWh, db


def backward_with_the_previous_upstream(dh, cache):
    N, T, H = dh.shape
    dx, dWx, dWh, db = [None] * T, 0, 0, 0
    carried = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[t], carried, dWx_t, dWh_t, db_t = step(dh[:, t - 1] + carried, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return np.stack(dx, axis=1), carried, dWx, dWh, db


def backward_averaged(dh, cache):
    dx, dh0, dWx, dWh, db = backward(dh, cache)
    T = dh.shape[1]
    return dx, dh0, dWx / T, dWh / T, db / T


def backward_dx_in_visiting_order(dh, cache):
    N, T, H = dh.shape
    dxs, dWx, dWh, db = [], 0, 0, 0
    carried = np.zeros((N, H))
    for t in reversed(range(T)):
        dx_t, carried, dWx_t, dWh_t, db_t = step(dh[:, t] + carried, cache[t])
        dxs.append(dx_t)
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return np.stack(dxs, axis=1), carried, dWx, dWh, db


def backward_time_first(dh, cache):
    dx, dh0, dWx, dWh, db = backward(dh, cache)
    return np.swapaxes(dx, 0, 1), dh0, dWx, dWh, db


def backward_dh0_zero(dh, cache):
    dx, dh0, dWx, dWh, db = backward(dh, cache)
    return dx, np.zeros_like(dh0), dWx, dWh, db


def backward_dh0_is_first_upstream(dh, cache):
    dx, dh0, dWx, dWh, db = backward(dh, cache)
    return dx, dh[:, 0], dWx, dWh, db


def backward_dh0_before_the_first_step(dh, cache):
    N, T, H = dh.shape
    dx, dWx, dWh, db = [None] * T, 0, 0, 0
    carried = np.zeros((N, H))
    for t in reversed(range(T)):
        dnext_h = dh[:, t] + carried
        dx[t], carried, dWx_t, dWh_t, db_t = step(dnext_h, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return np.stack(dx, axis=1), dnext_h, dWx, dWh, db


def backward_dh0_direct_path_only(dh, cache):
    dx, dh0, dWx, dWh, db = backward(dh, cache)
    return dx, step(dh[:, 0], cache[0])[1], dWx, dWh, db


BACKWARD_CHECKS = [check.check_rnn_backward_basic, check.check_rnn_backward_random]


@pytest.mark.parametrize("check_fn", BACKWARD_CHECKS)
def test_a_right_backward_passes(check_fn):
    check_fn(backward)


@pytest.mark.parametrize("wrong, message", [
    (backward_keeping_the_last_step, "one time step only"),
    (backward_keeping_the_first_step, "one time step only"),
    (backward_from_the_last_upstream_only, "only dh[:, T-1] enters"),
    (backward_without_carry, "carried back from later steps is dropped"),
    (backward_forward_in_time, "the loop runs forward in time"),
    (backward_stopping_at_1, "the loop stops before t = 0"),
    (backward_with_the_previous_cache, "step t was run with cache[t-1]"),
    (backward_with_the_previous_upstream, "step t was given dh[:, t-1]"),
    (backward_averaged, "divided by T"),
    (backward_dx_in_visiting_order, "reverse time order"),
    (backward_time_first, "time first"),
    (backward_dh0_zero, "dh0 is zero"),
    (backward_dh0_is_first_upstream, "dh0 equals dh[:, 0]"),
    (backward_dh0_before_the_first_step, "total gradient of h_1"),
    (backward_dh0_direct_path_only, "dh0 is missing the recurrent path"),
])
@pytest.mark.parametrize("check_fn", BACKWARD_CHECKS)
def test_backward_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


@pytest.mark.parametrize("wrong_step, message", [
    (step_from_pre_activation, "from the pre-activation"),
    (step_tanh_without_bias, "without the bias"),
    (step_derivative_of_prev_h, "computed from prev_h"),
    (step_tanh_of_next_h, "as if next_h were the pre-activation"),
    (step_without_derivative, "the tanh derivative is missing"),
    (step_without_upstream, "dnext_h is missing"),
    (step_dWh_from_next_h, "dWh was computed from next_h"),
    (step_dprev_h_without_transpose, "missing a transpose"),
    (step_dprev_h_is_da, "dprev_h equals da"),
    (step_dWx_transposed, "dWx is transposed"),
    (step_db_mean, "db is the mean"),
])
@pytest.mark.parametrize("check_fn", BACKWARD_CHECKS)
def test_a_wrong_step_inside_backward_is_named(check_fn, wrong_step, message):
    text = failure(check_fn, backward_with(wrong_step))
    assert message in text and "fix that one first" in text


def test_backward_shapes_and_order():
    message = failure(check.check_rnn_backward_basic, backward_with(step_db_keepdims))
    assert "db has shape (1, 5); expected (5,)" in message and "keepdims=True" in message
    per_example = backward_with(step_db_per_example)
    assert "one row per example" in failure(check.check_rnn_backward_basic, per_example)

    def dh0_last(dh, cache):
        dx, dh0, dWx, dWh, db = backward(dh, cache)
        return dx, dWx, dWh, db, dh0

    message = failure(check.check_rnn_backward_basic, dh0_last)
    assert "you returned (dx, dWx, dWh, db, dh0)" in message and "(dx, dh0, dWx, dWh, db)" in message


def test_backward_that_writes_into_dh():
    def into_dh(dh, cache):
        N, T, H = dh.shape
        dx, dWx, dWh, db = [None] * T, 0, 0, 0
        carried = np.zeros((N, H))
        for t in reversed(range(T)):
            dnext_h = dh[:, t]
            dnext_h += carried                          # a view: this writes into dh
            dx[t], carried, dWx_t, dWh_t, db_t = step(dnext_h, cache[t])
            dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
        return np.stack(dx, axis=1), carried, dWx, dWh, db

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_rnn_backward_basic(into_dh)
    assert changed.value.argument == "dh" and "dh[:, t] is a view into dh" in str(changed.value)

    def into_a_cache(dh, cache):
        cache[1][4][...] = 0                            # the next_h of step 1
        return backward(dh, cache)

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_rnn_backward_basic(into_a_cache)
    assert changed.value.argument == "cache" and "next_h in the cache of step t = 1" in str(changed.value)


def test_backward_in_float32_is_named():
    def float32(dh, cache):
        return tuple(g.astype(np.float32) for g in backward(dh, cache))

    assert "float32, but the inputs are float64" in failure(check.check_rnn_backward_basic, float32)


def test_an_unknown_mistake_is_reported_by_the_gradient_check():
    """A mistake the checks do not know is reported as the asserted relative error, with the limit."""
    def slightly_off(dh, cache):
        dx, dh0, dWx, dWh, db = backward(dh, cache)
        return dx, dh0, dWx * (1 + 1e-5), dWh, db

    message = failure(check.check_rnn_backward_basic, slightly_off)
    assert "dWx: relative error" in message and "below 1e-06" in message and "fix that one first" in message

    def step_slightly_off(dnext_h, cache):
        dx, dprev_h, dWx, dWh, db = step(dnext_h, cache)
        return dx, dprev_h + 1e-6, dWx, dWh, db

    message = failure(check.check_rnn_step_backward_basic, step_slightly_off)
    assert "dprev_h: relative error" in message and "below 1e-07" in message


# --- numerical_gradient -----------------------------------------------------------------------

def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def by_copies(f, x, h=1e-5):                            # never touches x: also right
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def forward_difference(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        base = f(x)
        x[i] = old + h
        grad[i] = (f(x) - base) / h
        x[i] = old
    return grad


def backward_difference(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        base = f(x)
        x[i] = old - h
        grad[i] = (base - f(x)) / h
        x[i] = old
    return grad


def divided_by_h(f, x, h=1e-5):
    return numerical_gradient(f, x, h) * 2


def half_steps(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h / 2
        plus = f(x)
        x[i] = old - h / 2
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def back_to_x(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] += h
        plus = f(x)
        x[i] -= h                                       # back to x, not on to x - h
        grad[i] = (plus - f(x)) / (2 * h)
        x[i] = old
    return grad


def all_at_once(f, x, h=1e-5):
    return np.full(x.shape, (f(x + h) - f(x - h)) / (2 * h))


def copy_not_used(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        moved = x.copy()
        moved[i] += h
        grad[i] = (f(x) - f(x)) / (2 * h)
    return grad


def not_restored(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        plus = f(x)
        x[i] -= 2 * h
        grad[i] = (plus - f(x)) / (2 * h)
    return grad


def restored_by_arithmetic(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        plus = f(x)
        x[i] -= 2 * h
        grad[i] = (plus - f(x)) / (2 * h)
        x[i] += h                                       # old + h - 2h + h need not be old
    return grad


def ignores_h(f, x, h=1e-5):
    return numerical_gradient(f, x)


NUMGRAD_CHECKS = [check.check_numerical_gradient_basic, check.check_numerical_gradient_random]


@pytest.mark.parametrize("check_fn", NUMGRAD_CHECKS)
def test_a_right_numerical_gradient_passes(check_fn):
    check_fn(numerical_gradient)
    check_fn(by_copies)


@pytest.mark.parametrize("wrong, message", [
    (forward_difference, "forward difference"),
    (backward_difference, "backward difference"),
    (divided_by_h, "divide by 2 * h"),
    (half_steps, "it is half the gradient"),
    (back_to_x, "the second evaluation is at x itself"),
    (all_at_once, "all entries of x were moved at once"),
    (copy_not_used, "unchanged x"),
])
@pytest.mark.parametrize("check_fn", NUMGRAD_CHECKS)
def test_numerical_gradient_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


@pytest.mark.parametrize("wrong, message", [
    (not_restored, "x is not restored"),
    (restored_by_arithmetic, "restored only approximately"),
])
@pytest.mark.parametrize("check_fn", NUMGRAD_CHECKS)
def test_an_x_left_changed_is_named(check_fn, wrong, message):
    with pytest.raises(harness.ArgumentChanged) as changed:
        check_fn(wrong)
    assert changed.value.argument == "x" and message in str(changed.value)


def test_an_ignored_step_is_named():
    assert "use the argument h" in failure(check.check_numerical_gradient_basic, ignores_h)


def test_numerical_gradient_of_the_wrong_shape_or_type():
    def flat(f, x, h=1e-5):
        return numerical_gradient(f, x, h).ravel()

    message = failure(check.check_numerical_gradient_basic, flat)
    assert "has shape (6,); expected (2, 3)" in message and "the shape of x" in message
    assert "numpy array" in failure(check.check_numerical_gradient_basic,
                                    lambda f, x, h=1e-5: numerical_gradient(f, x, h).tolist())


# --- temporal_softmax_loss: a learner's right answer, and learner-written mistakes ----------------

def loss_right(scores, y, mask=None):
    N = scores.shape[0]
    mask = np.ones(y.shape) if mask is None else mask
    z = scores - scores.max(axis=2, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=2, keepdims=True))
    n, t = np.meshgrid(np.arange(N), np.arange(y.shape[1]), indexing="ij")
    loss = -(log_probs[n, t, y] * mask).sum() / N
    dscores = np.exp(log_probs)
    dscores[n, t, y] -= 1
    return loss, dscores * mask[:, :, None] / N


def loss_log_of_softmax(scores, y, mask=None):
    N = scores.shape[0]
    mask = np.ones(y.shape) if mask is None else mask
    z = scores - scores.max(axis=2, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=2, keepdims=True)
    n, t = np.meshgrid(np.arange(N), np.arange(y.shape[1]), indexing="ij")
    with np.errstate(divide="ignore"):
        loss = -(np.log(probs[n, t, y]) * mask).sum() / N
    dscores = probs.copy()
    dscores[n, t, y] -= 1
    return loss, dscores * mask[:, :, None] / N


def loss_naive(scores, y, mask=None):
    N = scores.shape[0]
    mask = np.ones(y.shape) if mask is None else mask
    with np.errstate(over="ignore", invalid="ignore"):
        probs = np.exp(scores) / np.exp(scores).sum(axis=2, keepdims=True)
    n, t = np.meshgrid(np.arange(N), np.arange(y.shape[1]), indexing="ij")
    dscores = probs.copy()
    dscores[n, t, y] -= 1
    return -(np.log(probs[n, t, y]) * mask).sum() / N, dscores * mask[:, :, None] / N


def loss_mean_over_time(scores, y, mask=None):
    loss, dscores = loss_right(scores, y, mask)
    return loss / y.shape[1], dscores


def loss_without_mask(scores, y, mask=None):
    return loss_right(scores, y, None)


def loss_dscores_not_averaged(scores, y, mask=None):
    loss, dscores = loss_right(scores, y, mask)
    return loss, dscores * scores.shape[0]


def loss_dscores_softmax_only(scores, y, mask=None):
    loss, _ = loss_right(scores, y, mask)
    z = np.exp(scores - scores.max(axis=2, keepdims=True))
    mask = np.ones(y.shape) if mask is None else mask
    return loss, z / z.sum(axis=2, keepdims=True) * mask[:, :, None] / scores.shape[0]


def test_a_right_loss_passes():
    check.check_temporal_softmax_loss_basic(loss_right)
    check.check_temporal_softmax_loss_random(loss_right)


@pytest.mark.parametrize("answer, words", [
    (loss_naive, "overflows"),
    (loss_log_of_softmax, "rounds to 0"),
    (loss_mean_over_time, "averaged over time as well"),
    (loss_without_mask, "the mask is ignored"),
    (loss_dscores_not_averaged, "dscores: it is not divided by N"),
    (loss_dscores_softmax_only, "subtract 1 at the target"),
])
def test_loss_mistakes_are_named_by_the_visible_check(answer, words):
    assert words in failure_message(check.check_temporal_softmax_loss_basic, answer)


def test_the_reference_loss_is_not_own_work():
    from rnncourse.reference import bptt as reference
    assert "your own" in failure_message(check.check_temporal_softmax_loss_basic, reference.temporal_softmax_loss)
