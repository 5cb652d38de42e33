"""The checks of unit 03_architecture pass right answers and name each common mistake.

Every wrong function below is written as a learner might write it and makes one mistake that
the checks promise to recognise.
"""

import json
import re

import numpy as np
import pytest
from failures import failure_message

from rnncourse.checks import architecture as check
from rnncourse.checks import harness
from rnncourse.course import release
from rnncourse.reference import rnn

pytestmark = pytest.mark.usefixtures("keras_seeded")

failure = failure_message


# --- softmax -----------------------------------------------------------------------------

def good_softmax(z, axis=-1):
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def no_max_subtraction(z, axis=-1):
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def global_max(z, axis=-1):
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=axis, keepdims=True)


def min_shifted(z, axis=-1):
    e = np.exp(z - np.min(z, axis=axis, keepdims=True))   # a shift, but the wrong one: exponents >= 0
    return e / np.sum(e, axis=axis, keepdims=True)


def ignores_axis(z, axis=-1):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def always_axis_zero(z, axis=-1):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def whole_array(z, axis=-1):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def no_keepdims(z, axis=-1):
    e = np.exp(z - np.max(z, axis=axis))
    return e / np.sum(e, axis=axis)


def sum_without_keepdims(z, axis=-1):
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis)


def not_normalised(z, axis=-1):
    return np.exp(z)


def unnormalised_and_wrong(z, axis=-1):
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return 2 * e / np.sum(e, axis=axis, keepdims=True) + 0.01


SOFTMAX_CHECKS = [check.check_softmax_basic, check.check_softmax_axis, check.check_softmax_stable,
                  check.check_softmax_extremes, check.check_softmax_random]


@pytest.mark.parametrize("check_fn", SOFTMAX_CHECKS, ids=lambda f: f.__name__)
def test_right_softmax_passes(check_fn):
    check_fn(good_softmax)


def visible_checks(unit, function):
    """The check functions that the master's VISIBLE test cells of ``function`` call (hidden parts left out)."""
    path = release.ROOT / "solutions" / unit / f"{unit}.ipynb"
    called = []
    for cell in json.loads(path.read_text())["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and meta["grade_id"].startswith(f"test_{function}"):
            source = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", "".join(cell["source"]),
                            flags=re.S)
            called += [getattr(check, name) for name in re.findall(r"check\.(check_\w+)\(", source)]
    return called


def visible_failure(function, wrong):
    """The message of the first visible test of ``function`` in the 03 master that ``wrong`` fails."""
    for check_fn in visible_checks("03_architecture", function):
        try:
            check_fn(wrong)
        except harness.CheckFailure as err:
            return str(err)
    raise AssertionError(f"{wrong.__name__} passes every visible test of {function}")


@pytest.mark.parametrize("wrong, message", [
    (no_max_subtraction, "as the textbook formula exp(z) / sum(exp(z)) with nothing subtracted does"),
    (min_shifted, "it subtracts the MIN along `axis`"),
    (global_max, "not the max of the whole array"),
])
def test_unstable_softmaxes_fail_a_visible_test_that_names_the_mistake(wrong, message):
    """Overflow (+-1000) and the max per row are the point of the exercise: a visible test shows them."""
    assert check.check_softmax_stable in visible_checks("03_architecture", "softmax")
    for small in [check.check_softmax_basic, check.check_softmax_axis]:
        small(wrong)                                     # small logits alone cannot tell these apart
    assert message in visible_failure("softmax", wrong)


def test_float32_overflow_is_explained_with_its_own_limit():
    """np.exp overflows above about 89 in float32, not 709: the message says which."""
    z32 = np.array([[50.0, 100.0, 150.0], [-150.0, 0.0, -100.0]], dtype=np.float32)
    assert "overflows above about 89 in float32" in failure(lambda fn: check._check_softmax(fn, z32), min_shifted)
    assert "overflows above about 89 in float32" in failure(check.check_softmax_extremes,
                                                            lambda z, axis=-1: no_max_subtraction(z, axis)
                                                            if z.dtype == np.float32 else good_softmax(z, axis))


def test_softmax_mistakes_are_named():
    assert "Subtract the max along `axis` first" in failure(check.check_softmax_stable, no_max_subtraction)
    assert "not the max of the whole array" in failure(check.check_softmax_stable, global_max)
    assert "not the max of the whole array" in failure(check.check_softmax_extremes, global_max)
    assert "ignores the `axis` argument" in failure(check.check_softmax_axis, ignores_axis)
    assert "normalises along axis 0" in failure(check.check_softmax_basic, always_axis_zero)
    assert "WHOLE array" in failure(check.check_softmax_basic, whole_array)
    assert "never divided" in failure(check.check_softmax_basic, not_normalised)
    assert "should sum to 1" in failure(check.check_softmax_basic, unnormalised_and_wrong)


def test_a_missing_keepdims_is_explained_whether_or_not_it_raises():
    """Where the dropped axis does not broadcast, numpy raises: that is explained, not shown raw."""
    for wrong in [no_keepdims, sum_without_keepdims]:
        message = failure(check.check_softmax_basic, wrong)         # z (2, 3), axis -1: (2,) vs (2, 3)
        assert "without `keepdims=True`: np.max(z, axis=-1) has shape (2,)" in message
        assert "does not broadcast against z (2, 3)" in message
    # a square array: the dropped axis broadcasts along the wrong one, and the values are named
    assert "broadcasts along the wrong axis" in failure(check.check_softmax_random, no_keepdims)
    assert "broadcasts along the wrong axis" in failure(check.check_softmax_random, sum_without_keepdims)


def test_an_unrelated_error_is_not_blamed_on_keepdims():
    def index_error(z, axis=-1):
        return good_softmax(z, axis)[z.shape[0]]

    with pytest.raises(harness.AnswerRaised) as raised:
        check.check_softmax_basic(index_error)
    assert isinstance(raised.value.error, IndexError) and "most likely" not in str(raised.value)


def test_blank_softmax_is_explained():
    def blank(z, axis=-1):
        raise NotImplementedError()

    assert "not written yet" in failure(check.check_softmax_basic, blank)


def test_softmax_overflow_does_not_warn(capsys):
    """The naive answer's overflow is explained by the check, not printed as a RuntimeWarning."""
    with np.errstate(all="raise"):
        assert "overflows" in failure(check.check_softmax_stable, no_max_subtraction)
    assert "RuntimeWarning" not in capsys.readouterr().out


def test_softmax_calling_the_reference_is_not_own_work():
    def wrapper(z, axis=-1):
        return rnn.softmax(z, axis)

    assert "your own" in failure(check.check_softmax_basic, wrapper)
    assert "your own" in failure(check.check_softmax_basic, rnn.softmax)


def test_softmax_mutating_input_is_caught():
    def mutating(z, axis=-1):
        z -= np.max(z, axis=axis, keepdims=True)
        e = np.exp(z)
        return e / np.sum(e, axis=axis, keepdims=True)

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_softmax_basic(mutating)
    assert changed.value.argument == "z"


def test_softmax_wrong_shape_is_explained():
    assert "keeps the shape of z" in failure(check.check_softmax_basic,
                                             lambda z, axis=-1: good_softmax(z, axis).sum(axis=axis))


# --- rnn_output_forward ------------------------------------------------------------------

def good_forward(x, h0, Wx, Wh, b, Wy, by):
    h, out = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        out.append(good_softmax(h @ Wy + by))
    return np.stack(out, axis=1)


def softmax_over_time(x, h0, Wx, Wh, b, Wy, by):
    h, scores = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        scores.append(h @ Wy + by)
    return good_softmax(np.stack(scores, axis=1), axis=1)


def softmax_over_batch(x, h0, Wx, Wh, b, Wy, by):
    h, out = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        out.append(good_softmax(h @ Wy + by, axis=0))
    return np.stack(out, axis=1)


def output_before_update(x, h0, Wx, Wh, b, Wy, by):
    h, out = h0, []
    for t in range(x.shape[1]):
        out.append(good_softmax(h @ Wy + by))
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
    return np.stack(out, axis=1)


def output_from_pre_activation(x, h0, Wx, Wh, b, Wy, by):
    h, out = h0, []
    for t in range(x.shape[1]):
        a = x[:, t] @ Wx + h @ Wh + b
        out.append(good_softmax(a @ Wy + by))
        h = np.tanh(a)
    return np.stack(out, axis=1)


def without_output_bias(x, h0, Wx, Wh, b, Wy, by):
    h, out = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        out.append(good_softmax(h @ Wy))
    return np.stack(out, axis=1)


def logits(x, h0, Wx, Wh, b, Wy, by):
    h, out = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        out.append(h @ Wy + by)
    return np.stack(out, axis=1)


def from_zeros(x, h0, Wx, Wh, b, Wy, by):
    return good_forward(x, np.zeros_like(h0), Wx, Wh, b, Wy, by)


def relu_states(x, h0, Wx, Wh, b, Wy, by):
    h, out = h0, []
    for t in range(x.shape[1]):
        h = np.maximum(0, x[:, t] @ Wx + h @ Wh + b)
        out.append(good_softmax(h @ Wy + by))
    return np.stack(out, axis=1)


def last_step_only(x, h0, Wx, Wh, b, Wy, by):
    h = h0
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
    return good_softmax(h @ Wy + by)


def time_first(x, h0, Wx, Wh, b, Wy, by):
    h, out = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        out.append(good_softmax(h @ Wy + by))
    return np.stack(out)                                             # np.stack's default axis 0


FORWARD_CHECKS = [check.check_rnn_output_forward_basic, check.check_rnn_output_forward_keras,
                  check.check_rnn_output_forward_random]


@pytest.mark.parametrize("check_fn", FORWARD_CHECKS, ids=lambda f: f.__name__)
def test_right_forward_passes(check_fn):
    check_fn(good_forward)


@pytest.mark.parametrize("wrong, message", [
    (softmax_over_time, "over the time axis"),
    (softmax_over_batch, "over the batch axis"),
    (output_before_update, "previous state"),
    (output_from_pre_activation, "pre-activations"),
    (without_output_bias, "without the output bias"),
    (logits, "logits"),
    (from_zeros, "starts from zeros"),
    (relu_states, "relu"),
    (last_step_only, "only the last step"),
    (time_first, "time first"),
])
def test_forward_mistakes_are_named(wrong, message):
    assert message in failure(check.check_rnn_output_forward_basic, wrong)


def test_forward_mistakes_are_named_in_the_keras_check():
    assert "without the output bias" in failure(check.check_rnn_output_forward_keras, without_output_bias)


def test_forward_one_step_and_batch_of_one_in_hidden_check():
    """T = 1 and N = 1 are in the hidden check: an answer that assumes T > 1 fails there."""
    def assumes_long_sequences(x, h0, Wx, Wh, b, Wy, by):
        if x.shape[1] == 1:
            raise IndexError("index 1 is out of bounds")
        return good_forward(x, h0, Wx, Wh, b, Wy, by)

    check.check_rnn_output_forward_basic(assumes_long_sequences)
    with pytest.raises(harness.AnswerRaised) as raised:
        check.check_rnn_output_forward_random(assumes_long_sequences)
    assert isinstance(raised.value.error, IndexError)


def learners_forward(softmax):
    """The learner's rnn_output_forward, calling the ``softmax`` of their notebook."""
    namespace = {"np": np, "softmax": softmax}
    exec("def rnn_output_forward(x, h0, Wx, Wh, b, Wy, by):\n"
         "    h, out = h0, []\n"
         "    for t in range(x.shape[1]):\n"
         "        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)\n"
         "        out.append(softmax(h @ Wy + by))\n"
         "    return np.stack(out, axis=1)\n", namespace)
    return namespace["rnn_output_forward"]


def test_forward_that_calls_an_unfinished_or_wrong_softmax_says_so():
    def softmax(z, axis=-1):
        raise NotImplementedError()

    assert "calls `softmax`, which is not written yet" in failure(
        check.check_rnn_output_forward_basic, learners_forward(softmax))
    assert "make sure the softmax tests pass first" in failure(      # a wrong softmax: pointed to
        check.check_rnn_output_forward_basic, learners_forward(always_axis_zero))
    with pytest.raises(harness.AnswerRaised) as raised:              # an error in it keeps its class
        check.check_rnn_output_forward_basic(learners_forward(lambda z: z[99]))
    assert isinstance(raised.value.error, IndexError) and "softmax tests pass first" in str(raised.value)
    check.check_rnn_output_forward_basic(learners_forward(good_softmax))  # a right softmax passes


def test_forward_calling_the_package_is_not_own_work():
    def via_rnn_forward(x, h0, Wx, Wh, b, Wy, by):
        h, _ = rnn.rnn_forward(x, h0, Wx, Wh, b)
        return good_softmax(h @ Wy + by)

    def via_reference(x, h0, Wx, Wh, b, Wy, by):
        return rnn.rnn_output_forward(x, h0, Wx, Wh, b, Wy, by)

    message = failure(check.check_rnn_output_forward_basic, via_rnn_forward)
    assert "rnncourse.reference.rnn.rnn_forward" in message
    assert "your own" in failure(check.check_rnn_output_forward_basic, via_reference)


@pytest.mark.parametrize("exercise, check_fn", [
    (check.SOFTMAX, check.check_softmax_basic),
    (check.RNN_OUTPUT_FORWARD, check.check_rnn_output_forward_basic),
])
def test_every_forbidden_function_is_caught(exercise, check_fn):
    assert exercise.forbids
    for ref in exercise.forbids:
        assert "your own" in failure(check_fn, lambda *a: ref(*a)), ref.__name__


def test_forward_mutating_input_is_caught():
    def mutating(x, h0, Wx, Wh, b, Wy, by):
        out = good_forward(x, h0, Wx, Wh, b, Wy, by)
        h0[...] = 0  # "resetting" the state for the next call changes the caller's array
        return out

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_rnn_output_forward_basic(mutating)
    assert changed.value.argument == "h0"
