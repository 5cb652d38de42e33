"""The checks of unit 03_architecture pass right answers and name each common mistake."""

import numpy as np
import pytest

from failures import failure_message
from rnncourse.checks import architecture as check
from rnncourse.checks import core


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


def ignores_axis(z, axis=-1):
    return good_softmax(z, axis=-1)


def always_axis_zero(z, axis=-1):
    return good_softmax(z, axis=0)


def whole_array(z, axis=-1):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def no_keepdims(z, axis=-1):
    e = np.exp(z - np.max(z, axis=axis))
    return e / np.sum(e, axis=axis)


def not_normalised(z, axis=-1):
    return np.exp(z)


SOFTMAX_CHECKS = [check.check_softmax_basic, check.check_softmax_axis, check.check_softmax_stable,
                  check.check_softmax_random]


@pytest.mark.parametrize("check_fn", SOFTMAX_CHECKS, ids=lambda f: f.__name__)
def test_right_softmax_passes(check_fn):
    check_fn(good_softmax)


def test_softmax_mistakes_are_named():
    assert "Subtract the max along `axis` first" in failure(check.check_softmax_stable, no_max_subtraction)
    assert "not the max of the whole array" in failure(check.check_softmax_stable, global_max)
    assert "ignores the `axis` argument" in failure(check.check_softmax_axis, ignores_axis)
    assert "normalises along axis 0" in failure(check.check_softmax_basic, always_axis_zero)
    assert "WHOLE array" in failure(check.check_softmax_basic, whole_array)
    assert "never divided" in failure(check.check_softmax_basic, not_normalised)
    assert "keepdims=True" in failure(check.check_softmax_random, no_keepdims)


def test_blank_softmax_is_explained():
    def blank(z, axis=-1):
        raise NotImplementedError()

    assert "not written yet" in failure(check.check_softmax_basic, blank)


def test_softmax_overflow_does_not_warn():
    """The naive answer's overflow is explained by the check, not printed as a RuntimeWarning."""
    with np.errstate(all="raise"):
        assert "overflows" in failure(check.check_softmax_stable, no_max_subtraction)


def test_softmax_calling_the_reference_is_not_own_work():
    from rnncourse.reference import rnn

    def wrapper(z, axis=-1):
        return rnn.softmax(z, axis)

    assert "your own" in failure(check.check_softmax_basic, wrapper)
    assert "your own" in failure(check.check_softmax_basic, rnn.softmax)


def test_softmax_mutating_input_is_caught():
    def mutating(z, axis=-1):
        z -= np.max(z, axis=axis, keepdims=True)
        e = np.exp(z)
        return e / np.sum(e, axis=axis, keepdims=True)

    assert "in place" in failure(check.check_softmax_basic, mutating)


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


def make_forward(step_output=None, softmax_axis=-1, activation=np.tanh, use_h0=True,
                 last_only=False, time_first=False, softmax=good_softmax, use_by=True):
    """A rnn_output_forward with one mistake switched on."""
    def forward(x, h0, Wx, Wh, b, Wy, by):
        h, out = (h0 if use_h0 else np.zeros_like(h0)), []
        for t in range(x.shape[1]):
            prev = h
            a = x[:, t] @ Wx + h @ Wh + b
            h = activation(a)
            source = {"prev": prev, "pre": a}.get(step_output, h)
            out.append(source @ Wy + (by if use_by else 0))
        scores = np.stack(out, axis=0 if time_first else 1)
        if last_only:
            return softmax(scores[:, -1])
        return scores if softmax is None else softmax(scores, axis=softmax_axis)
    return forward


FORWARD_CHECKS = [check.check_rnn_output_forward_basic, check.check_rnn_output_forward_keras,
                  check.check_rnn_output_forward_random]


@pytest.mark.parametrize("check_fn", FORWARD_CHECKS, ids=lambda f: f.__name__)
def test_right_forward_passes(check_fn):
    check_fn(good_forward)


@pytest.mark.parametrize("mistake, message", [
    (dict(softmax_axis=1), "over the time axis"),
    (dict(softmax_axis=0), "over the batch axis"),
    (dict(step_output="prev"), "previous state"),
    (dict(step_output="pre"), "pre-activations"),
    (dict(use_by=False), "without the output bias"),
    (dict(softmax=None), "logits"),
    (dict(use_h0=False), "starts from zeros"),
    (dict(activation=lambda a: np.maximum(a, 0)), "relu"),
    (dict(last_only=True), "only the last step"),
    (dict(time_first=True), "time first"),
])
def test_forward_mistakes_are_named(mistake, message):
    assert message in failure(check.check_rnn_output_forward_basic, make_forward(**mistake))


def test_forward_mistakes_are_named_in_the_keras_check():
    assert "without the output bias" in failure(check.check_rnn_output_forward_keras, make_forward(use_by=False))


def test_forward_one_step_and_batch_of_one_in_hidden_check():
    """T = 1 and N = 1 are in the hidden check: an answer that assumes T > 1 fails there."""
    def assumes_long_sequences(x, h0, Wx, Wh, b, Wy, by):
        if x.shape[1] == 1:
            raise IndexError("index 1 is out of bounds")
        return good_forward(x, h0, Wx, Wh, b, Wy, by)

    check.check_rnn_output_forward_basic(assumes_long_sequences)
    assert "IndexError" in failure(check.check_rnn_output_forward_random, assumes_long_sequences)


def test_forward_that_calls_an_unfinished_softmax_says_so():
    namespace = {"np": np}

    def softmax(z, axis=-1):
        raise NotImplementedError()

    namespace["softmax"] = softmax
    exec("def rnn_output_forward(x, h0, Wx, Wh, b, Wy, by):\n"
         "    h, out = h0, []\n"
         "    for t in range(x.shape[1]):\n"
         "        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)\n"
         "        out.append(softmax(h @ Wy + by))\n"
         "    return np.stack(out, axis=1)\n", namespace)
    assert "calls `softmax`, which is not written yet" in failure(
        check.check_rnn_output_forward_basic, namespace["rnn_output_forward"])

    namespace["softmax"] = always_axis_zero  # a wrong softmax: the failure points to it
    assert "make sure the softmax tests pass first" in failure(
        check.check_rnn_output_forward_basic, namespace["rnn_output_forward"])

    namespace["softmax"] = good_softmax  # a right softmax passes
    check.check_rnn_output_forward_basic(namespace["rnn_output_forward"])


def test_forward_calling_the_package_is_not_own_work():
    from rnncourse.reference import rnn

    def via_rnn_forward(x, h0, Wx, Wh, b, Wy, by):
        h, _ = rnn.rnn_forward(x, h0, Wx, Wh, b)
        return good_softmax(h @ Wy + by)

    def via_reference(x, h0, Wx, Wh, b, Wy, by):
        return rnn.rnn_output_forward(x, h0, Wx, Wh, b, Wy, by)

    assert "rnncourse.reference.rnn.rnn_forward" in failure(check.check_rnn_output_forward_basic, via_rnn_forward)
    assert "your own" in failure(check.check_rnn_output_forward_basic, via_reference)


def test_forward_mutating_input_is_caught():
    def mutating(x, h0, Wx, Wh, b, Wy, by):
        out = good_forward(x, h0, Wx, Wh, b, Wy, by)
        h0[...] = 0  # "resetting" the state for the next call changes the caller's array
        return out

    assert "in place" in failure(check.check_rnn_output_forward_basic, mutating)
