"""The checks of unit 01_recurrence pass right answers and name each common mistake.

Every wrong function below is written as a learner might write it and makes one mistake that
the checks promise to recognise; the test asserts that the check fails with the explanation of
that mistake (and not some other one).
"""

import numpy as np
import pytest
from failures import failure_message

from rnncourse.checks import harness
from rnncourse.checks import recurrence as check
from rnncourse.reference import rnn

pytestmark = pytest.mark.usefixtures("keras_seeded")

failure = failure_message


# --- rnn_step_forward -----------------------------------------------------------------------

def step(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def step_without_bias(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx + prev_h @ Wh), None


def step_bias_outside(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx + prev_h @ Wh) + b, None


def step_relu(x, prev_h, Wx, Wh, b):
    return np.maximum(0, x @ Wx + prev_h @ Wh + b), None


def step_sigmoid(x, prev_h, Wx, Wh, b):
    return 1 / (1 + np.exp(-(x @ Wx + prev_h @ Wh + b))), None


def step_no_activation(x, prev_h, Wx, Wh, b):
    return x @ Wx + prev_h @ Wh + b, None


def step_without_state(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx + b), None


def step_without_input(x, prev_h, Wx, Wh, b):
    return np.tanh(prev_h @ Wh + b), None


def step_wh_transposed(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx + prev_h @ Wh.T + b), None


def step_swapped(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wh + prev_h @ Wx + b), None


def step_column_formula(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx.T + prev_h @ Wh.T + b), None


def step_column_convention(x, prev_h, Wx, Wh, b):
    return np.tanh(Wx.T @ x.T + Wh.T @ prev_h.T + b[:, None]), None   # (H, N)


STEP_CHECKS = [check.check_rnn_step_forward_basic, check.check_rnn_step_forward_square,
               check.check_rnn_step_forward_random]


@pytest.mark.parametrize("check_fn", STEP_CHECKS)
def test_a_right_step_passes(check_fn):
    check_fn(step)
    check_fn(lambda x, prev_h, Wx, Wh, b: list(step(x, prev_h, Wx, Wh, b)))  # a list of two is accepted too


@pytest.mark.parametrize("wrong, message", [
    (step_without_bias, "the bias is missing"),
    (step_bias_outside, "b is added after the tanh"),
    (step_relu, "relu(x Wx + prev_h Wh + b)"),
    (step_sigmoid, "sigmoid(x Wx + prev_h Wh + b)"),
    (step_no_activation, "the pre-activation"),
    (step_without_state, "prev_h is missing"),
    (step_without_input, "the input x is missing"),
    (step_wh_transposed, "prev_h Wh.T"),
])
@pytest.mark.parametrize("check_fn", STEP_CHECKS)
def test_step_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


def test_swapped_weights_are_named_even_where_they_stop_with_a_shape_error():
    """With D != H a swap raises a shape error: the check reruns the answer with D == H and names the
    swap, without numpy's matmul message; with D == H it is named directly."""
    with pytest.raises(harness.AnswerRaised) as raised:
        check.check_rnn_step_forward_basic(step_swapped)
    message = str(raised.value)
    assert isinstance(raised.value.error, ValueError)
    assert "Wx and Wh are swapped" in message and "x (2, 3), Wx (3, 4), Wh (4, 4)" in message
    assert "matmul" not in message and "gufunc" not in message
    assert "Wx and Wh are swapped" in failure(check.check_rnn_step_forward_square, step_swapped)
    assert "column-vector formula" in failure(check.check_rnn_step_forward_square, step_column_formula)


def test_step_returning_only_next_h_or_a_transposed_state():
    assert "returned one array" in failure(check.check_rnn_step_forward_basic, lambda *a: step(*a)[0])
    assert "should return the tuple" in failure(check.check_rnn_step_forward_basic, lambda *a: (step(*a)[0],))
    for check_fn in STEP_CHECKS:   # each check starts with N != H, where (H, N) is not (N, H)
        assert "column convention" in failure(check_fn, step_column_convention)


def test_step_that_changes_its_input_or_is_not_written():
    def in_place(x, prev_h, Wx, Wh, b):
        prev_h *= 0.5
        return step(x, prev_h * 2, Wx, Wh, b)

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_rnn_step_forward_basic(in_place)
    assert changed.value.argument == "prev_h"

    def blank(x, prev_h, Wx, Wh, b):
        raise NotImplementedError()

    with pytest.raises(harness.NotWritten) as unwritten:
        check.check_rnn_step_forward_basic(blank)
    assert "Shapes" not in str(unwritten.value)


@pytest.mark.parametrize("exercise, check_fn", [
    (check.RNN_STEP_FORWARD, check.check_rnn_step_forward_basic),
    (check.RNN_FORWARD, check.check_rnn_forward_basic),
    (check.COUNT_RNN_PARAMETERS, check.check_count_rnn_parameters_basic),
])
def test_every_forbidden_function_is_caught(exercise, check_fn):
    assert exercise.forbids
    for ref in exercise.forbids:
        assert "your own" in failure(check_fn, lambda *a: ref(*a)), ref.__name__
    assert "your own" in failure(check_fn, exercise.forbids[0])    # the reference itself


# --- rnn_forward ----------------------------------------------------------------------------

def forward(x, h0, Wx, Wh, b):
    states, caches, prev_h = [], [], h0
    for t in range(x.shape[1]):
        prev_h, cache = step(x[:, t], prev_h, Wx, Wh, b)
        states.append(prev_h)
        caches.append(cache)
    return np.stack(states, axis=1), caches


def forward_calling(step_fn):
    """A right loop around the learner's (wrong) step."""
    def rnn_forward(x, h0, Wx, Wh, b):
        states, prev_h = [], h0
        for t in range(x.shape[1]):
            prev_h, _ = step_fn(x[:, t], prev_h, Wx, Wh, b)
            states.append(prev_h)
        return np.stack(states, axis=1), None
    return rnn_forward


def forward_time_first(x, h0, Wx, Wh, b):
    h, cache = forward(x, h0, Wx, Wh, b)
    return np.stack([h[:, t] for t in range(x.shape[1])]), cache           # np.stack's default axis 0


def forward_with_h0(x, h0, Wx, Wh, b):
    h, cache = forward(x, h0, Wx, Wh, b)
    return np.concatenate([h0[:, None], h], axis=1), cache


def forward_storing_before_the_step(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h, prev_h = np.zeros((N, T, h0.shape[1])), h0
    for t in range(T):
        h[:, t] = prev_h                                                    # stored before it is updated
        prev_h, _ = step(x[:, t], prev_h, Wx, Wh, b)
    return h, None


def forward_preallocated(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    for t in range(T):
        h[:, t], _ = step(x[:, t], h[:, t - 1], Wx, Wh, b)                  # at t = 0, h[:, -1] is still 0
    return h, None


def forward_from_step_one(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    h[:, 0] = h0
    for t in range(1, T):
        h[:, t], _ = step(x[:, t], h[:, t - 1], Wx, Wh, b)
    return h, None


def forward_last_only(x, h0, Wx, Wh, b):
    prev_h = h0
    for t in range(x.shape[1]):
        prev_h, _ = step(x[:, t], prev_h, Wx, Wh, b)
    return prev_h, None


def forward_from_h0(x, h0, Wx, Wh, b):
    return np.stack([step(x[:, t], h0, Wx, Wh, b)[0] for t in range(x.shape[1])], axis=1), None


def forward_storing_pre_activations(x, h0, Wx, Wh, b):
    states, prev_h = [], h0
    for t in range(x.shape[1]):
        a = x[:, t] @ Wx + prev_h @ Wh + b
        states.append(a)
        prev_h = np.tanh(a)
    return np.stack(states, axis=1), None


def forward_reading_x_t(x, h0, Wx, Wh, b):
    states, prev_h = [], h0
    for t in range(x.shape[1]):
        prev_h, _ = step(x[t], prev_h, Wx, Wh, b)
        states.append(prev_h)
    return np.stack(states, axis=1), None


FORWARD_CHECKS = [check.check_rnn_forward_basic, check.check_rnn_forward_random]


@pytest.mark.parametrize("check_fn", FORWARD_CHECKS)
def test_a_right_forward_passes(check_fn):
    check_fn(forward)


@pytest.mark.parametrize("wrong, message", [
    (forward_with_h0, "h starts with h0"),
    (forward_storing_before_the_step, "h[:, 0] is h0"),
    (forward_last_only, "only the last state"),
    (forward_preallocated, "started from zeros"),
    (forward_calling(step_bias_outside), "each step computes tanh(x Wx + prev_h Wh) + b"),
    (forward_from_h0, "every step starts from h0"),
    (forward_storing_pre_activations, "h holds the pre-activations"),
    (forward_calling(step_without_bias), "the bias is missing"),
    (forward_calling(step_relu), "each step computes relu("),
    (forward_calling(step_sigmoid), "each step computes sigmoid("),
    (forward_calling(step_no_activation), "the pre-activation"),  # with T = 1 the two coincide: see below
    (forward_calling(step_without_state), "prev_h is missing"),
    (forward_calling(step_without_input), "the input x is missing"),
    (forward_calling(step_wh_transposed), "prev_h Wh.T"),
])
@pytest.mark.parametrize("check_fn", FORWARD_CHECKS)
def test_forward_mistakes_are_named(check_fn, wrong, message):
    message_of_failure = failure(check_fn, wrong)
    assert message in message_of_failure
    if wrong.__name__ == "rnn_forward" and check_fn is check.check_rnn_forward_basic:  # a wrong step inside
        assert "fix that one first" in message_of_failure                                # a right loop


def test_a_step_without_activation_is_told_from_stored_pre_activations():
    message = failure(check.check_rnn_forward_basic, forward_calling(step_no_activation))
    assert "each step computes x Wx + prev_h Wh + b, the pre-activation" in message
    message = failure(check.check_rnn_forward_basic, forward_storing_pre_activations)
    assert "h holds the pre-activations" in message


@pytest.mark.parametrize("check_fn, shapes", [
    (check.check_rnn_forward_basic, "(T, N, H) = (3, 2, 5); the course is batch first, (N, T, H) = (2, 3, 5)"),
    (check.check_rnn_forward_random, "(T, N, H) = (1, 3, 4); the course is batch first, (N, T, H) = (3, 1, 4)"),
], ids=["visible", "hidden"])
def test_states_stacked_time_first_show_two_different_shapes(check_fn, shapes):
    """Each forward check meets N != T first, so the message shows two different shapes."""
    message = failure(check_fn, forward_time_first)
    assert "stacked on the wrong axis" in message and shapes in message


def test_forward_mistakes_that_need_square_shapes_are_named_in_the_hidden_check():
    """D == H lets a swap run; N == T (or T == 1) lets x[t] run. Only the hidden check has those shapes."""
    assert "Wx and Wh are swapped" in failure(check.check_rnn_forward_basic, forward_calling(step_swapped))
    assert "Wx and Wh are swapped" in failure(check.check_rnn_forward_random, forward_calling(step_swapped))
    hidden = check.check_rnn_forward_random
    assert "column-vector formula" in failure(hidden, forward_calling(step_column_formula))
    assert "step t reads x[t], which is example t" in failure(hidden, forward_reading_x_t)
    with pytest.raises(harness.AnswerRaised) as raised:                     # N = 2, T = 3: x[t] cannot run
        check.check_rnn_forward_basic(forward_reading_x_t)
    assert "x[:, t] is the input at step t" in str(raised.value)


def test_a_loop_that_skips_the_first_input_is_named():
    """h[:, 0] = h0 and a loop from t = 1: needs T > 1, so the visible check names it."""
    assert "x[:, 0] is never read" in failure(check.check_rnn_forward_basic, forward_from_step_one)


def test_forward_returning_one_array_or_changing_h0():
    assert "returned one array" in failure(check.check_rnn_forward_basic, lambda *args: forward(*args)[0])

    def resets_h0(x, h0, Wx, Wh, b):
        out = forward(x, h0, Wx, Wh, b)
        h0[...] = 0
        return out

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_rnn_forward_basic(resets_h0)
    assert changed.value.argument == "h0"


def test_the_package_loop_is_not_own_work():
    def rnn_forward(x, h0, Wx, Wh, b):
        return rnn.run_over_time(lambda xt, h, *w: (np.tanh(xt @ w[0] + h @ w[1] + w[2]), None),
                                 x, h0, Wx, Wh, b)

    assert "your own" in failure(check.check_rnn_forward_basic, rnn_forward)


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
    (lambda D, H, V: count(D, H, V) > 0, "should return an int"),
    (lambda D, H, V: count(D, H, V) + 1, "Count Wx (D, H)"),
])
def test_count_mistakes_are_named(wrong, message):
    assert message in failure(check.check_count_rnn_parameters_basic, wrong)
    assert message in failure(check.check_count_rnn_parameters_random, wrong)


def test_per_step_copies_say_why_there_is_no_T():
    message = failure(check.check_count_rnn_parameters_basic, lambda D, H, V: 10 * count(D, H, V))
    assert "10 copies" in message and "no T argument" in message


def test_a_model_built_to_be_counted_is_not_own_work():
    from rnncourse.models import rnn_types

    def count_rnn_parameters(input_dim, units, output_dim):
        return rnn_types.build_many_to_many(input_dim, units, output_dim).count_params()

    message = failure(check.check_count_rnn_parameters_basic, count_rnn_parameters)
    assert "rnncourse.models.rnn_types.build_many_to_many" in message
