"""The checks of unit 01_recurrence pass right answers and name each common mistake.

Every wrong function below makes one mistake that the checks promise to recognise; the test
asserts that the check fails with the explanation of that mistake (and not some other one).
"""

import numpy as np
import pytest

from failures import failure_message
from rnncourse.reference import rnn
from rnncourse.checks import core
from rnncourse.checks import recurrence as check


failure = failure_message


# --- rnn_step_forward -----------------------------------------------------------------------

def step(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def step_with(activation=np.tanh, bias=True, swap=False, transpose=False, transpose_h=False,
              use_h=True, use_x=True):
    """A step with one or more of the common mistakes switched on."""
    def wrong(x, prev_h, Wx, Wh, b):
        A, B = (Wh, Wx) if swap else (Wx, Wh)
        A, B = (A.T, B.T) if transpose else (A, B.T if transpose_h else B)
        a = (x @ A if use_x else 0) + (prev_h @ B if use_h else 0) + (b if bias else 0)
        return activation(a), None
    return wrong


STEP_CHECKS = [check.check_rnn_step_forward_basic, check.check_rnn_step_forward_square,
               check.check_rnn_step_forward_random]
SQUARE_ONLY = [check.check_rnn_step_forward_square]


@pytest.mark.parametrize("check_fn", STEP_CHECKS)
def test_a_right_step_passes(check_fn):
    check_fn(step)
    check_fn(lambda *args: list(step(*args)))          # a list of two is accepted as well


@pytest.mark.parametrize("wrong, message", [
    (step_with(bias=False), "without the bias"),
    (step_with(activation=lambda a: np.maximum(a, 0)), "relu"),
    (step_with(activation=lambda a: 1 / (1 + np.exp(-a))), "sigmoid"),
    (step_with(activation=lambda a: a), "the pre-activation"),
    (step_with(use_h=False), "prev_h is missing"),
    (step_with(use_x=False), "the input x is missing"),
    (step_with(transpose_h=True), "prev_h Wh.T"),
])
@pytest.mark.parametrize("check_fn", STEP_CHECKS)
def test_step_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


def test_swapped_weights_are_named_where_the_shapes_allow_it():
    """With D != H a swap raises a shape error, explained with the shapes; with D == H it is named."""
    basic = failure(check.check_rnn_step_forward_basic, step_with(swap=True))
    assert "raised ValueError" in basic and "x (N, D) @ Wx (D, H)" in basic
    assert "Wx and Wh are swapped" in failure(check.check_rnn_step_forward_square, step_with(swap=True))
    assert "column-vector formula" in failure(check.check_rnn_step_forward_square, step_with(transpose=True))


def test_step_returning_only_next_h_or_a_transposed_state():
    assert "returned one array" in failure(check.check_rnn_step_forward_basic, lambda *a: step(*a)[0])
    assert "should return a tuple" in failure(check.check_rnn_step_forward_basic, lambda *a: (step(*a)[0],))

    def column_convention(x, prev_h, Wx, Wh, b):
        return np.tanh(Wx.T @ x.T + Wh.T @ prev_h.T + b[:, None]), None  # (H, N)

    assert "column convention" in failure(check.check_rnn_step_forward_basic, column_convention)


def test_step_that_changes_its_input_or_is_not_written():
    def in_place(x, prev_h, Wx, Wh, b):
        prev_h *= 0.5
        return step(x, prev_h * 2, Wx, Wh, b)

    assert "in place" in failure(check.check_rnn_step_forward_basic, in_place)

    def blank(x, prev_h, Wx, Wh, b):
        raise NotImplementedError()

    message = failure(check.check_rnn_step_forward_basic, blank)
    assert "not written yet" in message and "Shapes" not in message


def test_the_reference_is_not_own_work():
    assert "your own" in failure(check.check_rnn_step_forward_basic, rnn.rnn_step_forward)
    assert "your own" in failure(check.check_rnn_forward_basic,
                                 lambda x, h0, Wx, Wh, b: rnn.rnn_forward(x, h0, Wx, Wh, b))
    assert "your own" in failure(check.check_count_rnn_parameters_basic, rnn.count_rnn_parameters)


# --- rnn_forward ----------------------------------------------------------------------------

def forward_with(step_fn=step, axis=1, include_h0=False, drop_last=False, from_h0=False,
                 store_pre=False, only_last=False, x_index=lambda x, t: x[:, t]):
    """A forward pass with one of the common mistakes switched on."""
    def wrong(x, h0, Wx, Wh, b):
        states, prev_h = ([h0] if include_h0 else []), h0
        for t in range(x.shape[1]):
            xt = x_index(x, t)
            next_h, _ = step_fn(xt, h0 if from_h0 else prev_h, Wx, Wh, b)
            states.append(xt @ Wx + prev_h @ Wh + b if store_pre else next_h)
            prev_h = next_h
        if drop_last:
            states = states[:-1]
        if only_last:
            return states[-1], None
        return np.stack(states, axis=axis), None
    return wrong


FORWARD_CHECKS = [check.check_rnn_forward_basic, check.check_rnn_forward_random]


@pytest.mark.parametrize("check_fn", FORWARD_CHECKS)
def test_a_right_forward_passes(check_fn):
    check_fn(forward_with())


@pytest.mark.parametrize("wrong, message", [
    (forward_with(axis=0), "stacked on the wrong axis"),
    (forward_with(include_h0=True), "h starts with h0"),
    (forward_with(include_h0=True, drop_last=True), "h[:, 0] is h0"),
    (forward_with(only_last=True), "only the last state"),
    (forward_with(from_h0=True), "every step starts from h0"),
    (forward_with(store_pre=True), "pre-activations"),
    (forward_with(step_with(bias=False)), "without the bias"),
    (forward_with(step_with(activation=lambda a: np.maximum(a, 0))), "relu instead of tanh"),
    (forward_with(step_with(activation=lambda a: 1 / (1 + np.exp(-a)))), "sigmoid instead of tanh"),
    (forward_with(step_with(activation=lambda a: a)), "without any activation"),
    (forward_with(step_with(transpose_h=True)), "with Wh.T"),
])
@pytest.mark.parametrize("check_fn", FORWARD_CHECKS)
def test_forward_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


def test_forward_mistakes_that_need_square_shapes_are_named_in_the_hidden_check():
    """D == H lets a swap run; N == T lets x[t] run. Only the hidden check has those shapes."""
    assert "Wx and Wh swapped" in failure(check.check_rnn_forward_random, forward_with(step_with(swap=True)))
    assert "x[:, t]" in failure(check.check_rnn_forward_random, forward_with(x_index=lambda x, t: x[t]))


def test_forward_returning_one_array_is_explained():
    assert "returned one array" in failure(check.check_rnn_forward_basic,
                                           lambda *args: forward_with()(*args)[0])


# --- count_rnn_parameters -------------------------------------------------------------------

def count(D, H, V):
    return D * H + H * H + H + H * V + V


def test_keras_parameter_count_is_what_keras_says():
    assert check.keras_parameter_count(17, 50, 17) == count(17, 50, 17) == 4267
    assert check.keras_parameter_count(4, 8, 1) == 113


@pytest.mark.parametrize("check_fn", [check.check_count_rnn_parameters_basic,
                                      check.check_count_rnn_parameters_random])
def test_a_right_count_passes(check_fn):
    check_fn(count)
    check_fn(lambda D, H, V: np.int64(count(D, H, V)))  # a numpy integer is an int too


T = 3  # a global that a wrong answer might use


@pytest.mark.parametrize("wrong, message", [
    (lambda D, H, V: D * H + H * H + H * V, "without any bias"),
    (lambda D, H, V: D * H + H * H + H * V + V, "SimpleRNN's bias b (H,) is missing"),
    (lambda D, H, V: D * H + H * H + H + H * V, "Dense layer's bias by (V,) is missing"),
    (lambda D, H, V: D * H + H + H * V + V, "recurrent kernel Wh (H, H) is missing"),
    (lambda D, H, V: 2 * D * H + H + H * V + V, "counted with Wx's shape"),
    (lambda D, H, V: D * H + H * H + H, "the SimpleRNN alone"),
    (lambda D, H, V: D * H + H * H + H + D * V + V, "reads the state h_t"),
    (lambda D, H, V: H * V + V, "the Dense layer alone"),
    (lambda D, H, V: T * (D * H + H * H + H) + H * V + V, "3 copies of Wx, Wh and b"),
    (lambda D, H, V: T * count(D, H, V), "3 copies of all weights"),
    (lambda D, H, V: float(count(D, H, V)), "should return an int"),
    (lambda D, H, V: count(D, H, V) + 1, "Count Wx (D, H)"),
])
def test_count_mistakes_are_named(wrong, message):
    assert message in failure(check.check_count_rnn_parameters_basic, wrong)
    assert message in failure(check.check_count_rnn_parameters_random, wrong)


def test_per_step_copies_say_why_there_is_no_T():
    message = failure(check.check_count_rnn_parameters_basic, lambda D, H, V: 10 * count(D, H, V))
    assert "10 copies" in message and "no T argument" in message


def test_the_package_loop_is_not_own_work():
    from rnncourse.reference import rnn

    def rnn_forward(x, h0, Wx, Wh, b):
        return rnn.run_over_time(lambda xt, h, *w: (np.tanh(xt @ w[0] + h @ w[1] + w[2]), None), x, h0, Wx, Wh, b)

    assert "your own" in failure(check.check_rnn_forward_basic, rnn_forward)
