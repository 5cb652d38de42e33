"""The checks of unit 04_bptt pass right answers and name each common mistake.

Every wrong function below makes one mistake that the checks promise to recognise; the test
asserts that the check fails with the explanation of that mistake (and not some other one).
"""

import numpy as np
import pytest

from failures import failure_message
from rnncourse.reference import bptt
from rnncourse.checks import bptt as check
from rnncourse.checks import core


failure = failure_message


# --- rnn_step_backward ------------------------------------------------------------------------

def step_with(derivative="next_h", upstream=True, dWh_from="prev_h", transpose_dprev=False,
              transpose_dx=False, transpose_dWx=False, transpose_dWh=False, db="sum", order=None):
    """A backward step with one of the common mistakes switched on."""
    def wrong(dnext_h, cache):
        x, prev_h, Wx, Wh, next_h = cache
        local = {
            "next_h": 1 - next_h ** 2,
            "pre-activation": 1 - (x @ Wx + prev_h @ Wh) ** 2,           # b is not in the cache
            "tanh of next_h": 1 - np.tanh(next_h) ** 2,
            "prev_h": 1 - prev_h ** 2,
            "none": 1.0,
            "no square": 1 - next_h,
        }[derivative]
        da = dnext_h * local if upstream else local
        dx = da @ Wx if transpose_dx else da @ Wx.T
        dprev_h = da @ Wh if transpose_dprev else da @ Wh.T
        dWx = da.T @ x if transpose_dWx else x.T @ da
        h = next_h if dWh_from == "next_h" else prev_h
        dWh = da.T @ h if transpose_dWh else h.T @ da
        db_ = {"sum": da.sum(axis=0), "mean": da.mean(axis=0), "per example": da}[db]
        grads = (dx, dprev_h, dWx, dWh, db_)
        return grads if order is None else tuple(grads[i] for i in order)
    return wrong


STEP_CHECKS = [check.check_rnn_step_backward_basic, check.check_rnn_step_backward_random]


@pytest.mark.parametrize("check_fn", STEP_CHECKS)
def test_a_right_step_passes(check_fn):
    check_fn(step_with())
    check_fn(lambda *args: list(step_with()(*args)))    # a list of five is accepted as well


@pytest.mark.parametrize("wrong, message", [
    (step_with(derivative="pre-activation"), "from the pre-activation"),
    (step_with(derivative="tanh of next_h"), "as if next_h were the pre-activation"),
    (step_with(derivative="prev_h"), "computed from prev_h"),
    (step_with(derivative="none"), "the tanh derivative is missing"),
    (step_with(derivative="no square"), "with a square"),
    (step_with(upstream=False), "dnext_h is missing"),
    (step_with(dWh_from="next_h"), "dWh was computed from next_h"),
    (step_with(transpose_dWh=True), "dWh is transposed"),
    (step_with(transpose_dprev=True), "dprev_h = da @ Wh is missing a transpose"),
    (step_with(db="mean"), "db is the mean"),
    (step_with(db="per example"), "one row per example"),
    (step_with(order=(0, 1, 3, 2, 4)), "returned dWh in the place of dWx"),
])
@pytest.mark.parametrize("check_fn", STEP_CHECKS)
def test_step_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


def test_step_transposes_that_need_square_shapes():
    """With D != H a transposed dWx has the wrong shape; with D == H only the values show it."""
    assert "the transpose of" in failure(check.check_rnn_step_backward_basic, step_with(transpose_dWx=True))
    assert "dWx is transposed" in failure(check.check_rnn_step_backward_random, step_with(transpose_dWx=True))
    assert "raised ValueError" in failure(check.check_rnn_step_backward_basic, step_with(transpose_dx=True))
    assert "dx = da @ Wx is missing a transpose" in failure(check.check_rnn_step_backward_random,
                                                            step_with(transpose_dx=True))


def test_step_that_changes_its_inputs():
    def in_place_upstream(dnext_h, cache):
        da = dnext_h
        da *= 1 - cache[4] ** 2
        return step_with(derivative="none")(da, cache)

    assert "changed the upstream gradient in place" in failure(check.check_rnn_step_backward_basic,
                                                               in_place_upstream)

    def in_place_cache(dnext_h, cache):
        next_h = cache[4]
        next_h **= 2                                   # now holds next_h**2
        return step_with(derivative="none")(dnext_h * (1 - next_h), cache)

    assert "changed next_h in the cache in place" in failure(check.check_rnn_step_backward_basic, in_place_cache)


def test_step_in_float32_is_named():
    def float32(dnext_h, cache):
        return tuple(g.astype(np.float32) for g in step_with()(dnext_h, cache))

    assert "float32, but the inputs are float64" in failure(check.check_rnn_step_backward_basic, float32)


def test_step_that_returns_too_little_or_is_not_written():
    assert "five arrays" in failure(check.check_rnn_step_backward_basic, lambda d, c: step_with()(d, c)[:4])
    assert "tuple of five" in failure(check.check_rnn_step_backward_basic, lambda d, c: step_with()(d, c)[0])

    def blank(dnext_h, cache):
        raise NotImplementedError()

    assert "not written yet" in failure(check.check_rnn_step_backward_basic, blank)


def test_the_references_are_not_own_work():
    assert "your own" in failure(check.check_rnn_step_backward_basic, bptt.rnn_step_backward)
    assert "your own" in failure(check.check_rnn_backward_basic, lambda dh, cache: bptt.rnn_backward(dh, cache))
    assert "your own" in failure(check.check_rnn_backward_basic,
                                 lambda dh, cache: bptt.rnn_backward_truncated(dh, cache, len(cache)))
    assert "your own" in failure(check.check_numerical_gradient_basic,
                                 lambda f, x, h=1e-5: bptt.numerical_gradient(f, x, h))


# --- rnn_backward -----------------------------------------------------------------------------

def backward_with(step=None, add_upstream=True, carry=True, keep="all", forward_loop=False, average=False,
                  dh0="carried", dx_order="time", dx_axis=1):
    """BPTT with one of the common mistakes switched on."""
    step = step or step_with()

    def wrong(dh, cache):
        N, T, H = dh.shape
        dxs, sums, carried = [None] * T, [0, 0, 0], np.zeros((N, H))
        order = list(range(T)) if forward_loop else list(reversed(range(T)))
        for i, t in enumerate(order):
            if not add_upstream:
                dnext_h = dh[:, T - 1] if i == 0 else carried
            else:
                dnext_h = dh[:, t] + carried if carry else dh[:, t]
            if t == 0 and dh0 == "before the first step":
                into_h1 = dnext_h
            dxs[t], carried, *weights = step(dnext_h, cache[t])
            for k, g in enumerate(weights):
                if keep == "all":
                    sums[k] = sums[k] + g
                elif keep == "last" or (keep == "first" and i == 0):
                    sums[k] = g
        if dx_order == "reversed":
            dxs = dxs[::-1]
        dx = np.stack(dxs, axis=dx_axis)
        if average:
            sums = [s / T for s in sums]
        start = {"carried": carried, "zero": np.zeros((N, H)), "upstream": dh[:, 0]}.get(dh0)
        if dh0 == "before the first step":
            start = into_h1
        if dh0 == "direct path only":
            start = step(dh[:, 0], cache[0])[1]
        return (dx, start, *sums)
    return wrong


BACKWARD_CHECKS = [check.check_rnn_backward_basic, check.check_rnn_backward_random]


@pytest.mark.parametrize("check_fn", BACKWARD_CHECKS)
def test_a_right_backward_passes(check_fn):
    check_fn(backward_with())


@pytest.mark.parametrize("wrong, message", [
    (backward_with(keep="last"), "one time step only"),
    (backward_with(keep="first"), "one time step only"),
    (backward_with(add_upstream=False), "only dh[:, T-1] enters"),
    (backward_with(carry=False), "carried back from later steps is dropped"),
    (backward_with(forward_loop=True), "the loop runs forward in time"),
    (backward_with(average=True), "divided by T"),
    (backward_with(dx_order="reversed"), "reverse time order"),
    (backward_with(dh0="zero"), "dh0 is zero"),
    (backward_with(dh0="upstream"), "dh0 equals dh[:, 0]"),
    (backward_with(dh0="before the first step"), "total gradient of h_1"),
    (backward_with(dh0="direct path only"), "dh0 is missing the recurrent path"),
    (backward_with(step_with(derivative="pre-activation")), "from the pre-activation"),
    (backward_with(step_with(derivative="prev_h")), "computed from prev_h"),
    (backward_with(step_with(derivative="tanh of next_h")), "as if next_h were the pre-activation"),
    (backward_with(step_with(dWh_from="next_h")), "dWh was computed from next_h"),
    (backward_with(step_with(transpose_dprev=True)), "missing a transpose"),
])
@pytest.mark.parametrize("check_fn", BACKWARD_CHECKS)
def test_backward_mistakes_are_named(check_fn, wrong, message):
    text = failure(check_fn, wrong)
    assert message in text
    if "derivative" in message or "next_h" in message or "transpose" in message:
        assert "fix that one first" in text


def test_time_first_dx_is_named():
    assert "time first" in failure(check.check_rnn_backward_basic, backward_with(dx_axis=0))
    assert "time first" in failure(check.check_rnn_backward_random, backward_with(dx_axis=0))


def test_backward_that_writes_into_dh():
    def into_dh(dh, cache):
        N, T, H = dh.shape
        dx, sums, carried = [None] * T, [0, 0, 0], np.zeros((N, H))
        for t in reversed(range(T)):
            dnext_h = dh[:, t]
            dnext_h += carried                          # a view: this writes into dh
            dx[t], carried, *weights = step_with()(dnext_h, cache[t])
            sums = [s + g for s, g in zip(sums, weights)]
        return (np.stack(dx, axis=1), carried, *sums)

    assert "dh[:, t] is a view into dh" in failure(check.check_rnn_backward_basic, into_dh)


def test_backward_in_float32_is_named():
    def float32(dh, cache):
        return tuple(g.astype(np.float32) for g in backward_with()(dh, cache))

    assert "float32, but the inputs are float64" in failure(check.check_rnn_backward_basic, float32)


def test_an_unknown_mistake_is_reported_by_the_gradient_check():
    """A mistake the checks do not know is reported as the asserted relative error, with the limit."""
    def slightly_off(dh, cache):
        dx, dh0, dWx, dWh, db = backward_with()(dh, cache)
        return dx, dh0, dWx * (1 + 1e-5), dWh, db

    message = failure(check.check_rnn_backward_basic, slightly_off)
    assert "dWx: relative error" in message and "below 1e-06" in message

    def step_slightly_off(dnext_h, cache):
        dx, dprev_h, dWx, dWh, db = step_with()(dnext_h, cache)
        return dx, dprev_h + 1e-6, dWx, dWh, db

    message = failure(check.check_rnn_step_backward_basic, step_slightly_off)
    assert "dprev_h: relative error" in message and "below 1e-07" in message


# --- numerical_gradient -----------------------------------------------------------------------

def numgrad_with(kind="centred", restore="exact", ignore_h=False):
    """numerical_gradient with one of the common mistakes switched on."""
    def wrong(f, x, h=1e-5):
        step = 1e-5 if ignore_h else h
        grad = np.zeros(x.shape)
        if kind == "all at once":
            return np.full(x.shape, (f(x + step) - f(x - step)) / (2 * step))
        for i in np.ndindex(x.shape):
            old = x[i]
            if kind == "forward":
                base = f(x)
                x[i] = old + step
                grad[i] = (f(x) - base) / step
            elif kind == "copy not used":
                moved = x.copy()
                moved[i] += step
                grad[i] = (f(x) - f(x)) / (2 * step)
            else:
                x[i] += step
                plus = f(x)
                if kind == "back to x":
                    x[i] -= step
                else:
                    x[i] -= 2 * step
                minus = f(x)
                grad[i] = (plus - minus) / (step if kind == "divide by h" else 2 * step)
                if kind == "back to x":
                    x[i] -= step                       # so that the final += leaves x as it was
            if restore == "exact":
                x[i] = old
            elif restore == "arithmetic":
                x[i] += step
        return grad
    return wrong


NUMGRAD_CHECKS = [check.check_numerical_gradient_basic, check.check_numerical_gradient_random]


@pytest.mark.parametrize("check_fn", NUMGRAD_CHECKS)
def test_a_right_numerical_gradient_passes(check_fn):
    check_fn(numgrad_with())

    def by_copies(f, x, h=1e-5):                         # never touches x: also right
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            plus, minus = x.copy(), x.copy()
            plus[i] += h
            minus[i] -= h
            grad[i] = (f(plus) - f(minus)) / (2 * h)
        return grad

    check_fn(by_copies)


@pytest.mark.parametrize("wrong, message", [
    (numgrad_with(kind="forward"), "forward difference"),
    (numgrad_with(kind="divide by h"), "divide by 2 * h"),
    (numgrad_with(kind="back to x"), "the second evaluation is at x itself"),
    (numgrad_with(kind="all at once"), "all entries of x were moved at once"),
    (numgrad_with(kind="copy not used"), "unchanged x"),
    (numgrad_with(restore="none"), "x is not restored"),
    (numgrad_with(restore="arithmetic"), "restored only approximately"),
])
@pytest.mark.parametrize("check_fn", NUMGRAD_CHECKS)
def test_numerical_gradient_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


def test_an_ignored_step_is_named():
    assert "use the argument h" in failure(check.check_numerical_gradient_basic, numgrad_with(ignore_h=True))


def test_numerical_gradient_of_the_wrong_shape():
    assert "expected (2, 3), the shape of x" in failure(
        check.check_numerical_gradient_basic, lambda f, x, h=1e-5: numgrad_with()(f, x, h).ravel())
    assert "numpy array" in failure(check.check_numerical_gradient_basic,
                                    lambda f, x, h=1e-5: numgrad_with()(f, x, h).tolist())
