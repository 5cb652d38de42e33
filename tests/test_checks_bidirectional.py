"""The checks of unit 07_bidirectional pass right answers and name each common mistake.

Every wrong function below makes one mistake that the checks promise to recognise; the test
asserts that the check fails with the explanation of that mistake (and not some other one).
"""

import numpy as np
import pytest
from failures import failure_message

from rnncourse.checks import bidirectional as check
from rnncourse.checks import harness
from rnncourse.reference import bidirectional, rnn

pytestmark = pytest.mark.usefixtures("keras_seeded")

failure = failure_message


def run(x, h0, params):
    """The learner's own loop: a tanh RNN reading x left to right, states (N, T, H)."""
    Wx, Wh, b = params
    h, states = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    return np.stack(states, axis=1)


def good(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
    h_fwd = run(x, h0_fwd, params_fwd)
    h_bwd = run(x[:, ::-1], h0_bwd, params_bwd)[:, ::-1]
    return np.concatenate([h_fwd, h_bwd], axis=-1)


def birnn_with(reverse_input=True, flip_back=True, swap_halves=False, bwd_params="bwd", fwd_params="fwd",
               bwd_h0="bwd", fwd_h0="fwd", join=lambda f, b: np.concatenate([f, b], axis=-1)):
    """A birnn_forward with one or more of the common mistakes switched on."""
    def wrong(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
        params = {"fwd": params_fwd, "bwd": params_bwd}
        h0 = {"fwd": h0_fwd, "bwd": h0_bwd, "zero": np.zeros_like(h0_fwd)}
        h_fwd = run(x, h0[fwd_h0], params[fwd_params])
        h_bwd = run(x[:, ::-1] if reverse_input else x, h0[bwd_h0], params[bwd_params])
        if flip_back:
            h_bwd = h_bwd[:, ::-1]
        return join(h_bwd, h_fwd) if swap_halves else join(h_fwd, h_bwd)
    return wrong


VISIBLE = [check.check_birnn_forward_basic, check.check_birnn_forward_time_order, check.check_birnn_forward_keras]
ALL_CHECKS = VISIBLE + [check.check_birnn_forward_random]


@pytest.mark.parametrize("check_fn", ALL_CHECKS, ids=lambda f: f.__name__)
def test_right_answers_pass(check_fn):
    check_fn(good)
    check_fn(birnn_with())                              # the configurable one, with no mistake on


def test_the_checks_are_all_listed():
    assert sorted(f.__name__ for f in ALL_CHECKS) == sorted(n for n in dir(check) if n.startswith("check_"))


MISTAKES = [
    (birnn_with(flip_back=False), "left in reversed time order"),
    (birnn_with(swap_halves=True), "forward and backward halves are swapped"),
    (birnn_with(bwd_params="fwd"), "backward pass was run with the forward params"),
    (birnn_with(fwd_params="bwd"), "forward pass was run with params_bwd"),
    (birnn_with(fwd_params="bwd", bwd_params="fwd"), "params_fwd and params_bwd are swapped"),
    (birnn_with(bwd_h0="fwd"), "backward direction was started from h0_fwd, so both directions share one h0"),
    (birnn_with(fwd_h0="bwd"), "forward direction was started from h0_bwd, so both directions share one h0"),
    (birnn_with(fwd_h0="bwd", bwd_h0="fwd"), "h0_fwd and h0_bwd are swapped"),
    (birnn_with(reverse_input=False, flip_back=False), "reads the sequence left to right"),
    (birnn_with(reverse_input=False), "reverse its INPUT too"),
    (birnn_with(join=lambda f, b: np.concatenate([f[:, ::-1], b], axis=-1)), "forward half is in reversed time order"),
    (birnn_with(join=lambda f, b: np.concatenate([f, b], axis=-1).transpose(1, 0, 2)), "time first"),
    (birnn_with(join=lambda f, b: np.stack([f, b], axis=-1).reshape(*f.shape[:2], -1)), "interleaved"),
    (birnn_with(join=lambda f, b: np.concatenate([f, b], axis=1)), "concatenated on the wrong axis: along time"),
    (birnn_with(join=lambda f, b: np.concatenate([f, b], axis=0)), "concatenated on the wrong axis: along the batch"),
    (birnn_with(join=lambda f, b: np.stack([f, b], axis=-1)), "stacked on a new last axis"),
    (birnn_with(join=lambda f, b: np.stack([f, b], axis=0)), "stacked on a new first axis"),
    (birnn_with(join=lambda f, b: np.stack([f, b], axis=1)), "stacked on a new axis 1"),
    (birnn_with(join=lambda f, b: f + b), "added"),
    (birnn_with(join=lambda f, b: (f + b) / 2), "averaged"),
    (birnn_with(join=lambda f, b: f), "only the forward states"),
    (birnn_with(join=lambda f, b: b), "only the backward states"),
    (birnn_with(join=lambda f, b: np.concatenate([f[:, -1], b[:, 0]], axis=-1)), "Returning only the last state"),
    (birnn_with(join=lambda f, b: np.concatenate([f[:, -1], b[:, -1]], axis=-1)), "Returning only the last state"),
]


@pytest.mark.parametrize("wrong, message", MISTAKES)
@pytest.mark.parametrize("check_fn", [check.check_birnn_forward_basic, check.check_birnn_forward_random],
                         ids=lambda f: f.__name__)
def test_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


@pytest.mark.parametrize("wrong, message", [m for m in MISTAKES if "h0" not in m[1]])
def test_mistakes_are_named_when_compared_with_keras(wrong, message):
    assert message in failure(check.check_birnn_forward_keras, wrong)


def test_keras_comparison_from_initial_states_names_h0_mistakes():
    message = failure(check.check_birnn_forward_keras, birnn_with(bwd_h0="fwd"))
    assert "initial_state=[h0_fwd, h0_bwd]" in message and "share one h0" in message
    assert "started from zeros" in failure(check.check_birnn_forward_keras, birnn_with(fwd_h0="zero", bwd_h0="zero"))


def test_zero_initial_states_are_named():
    assert "both directions were started from zeros" in failure(
        check.check_birnn_forward_basic, birnn_with(fwd_h0="zero", bwd_h0="zero"))


def test_time_order_check_points_at_the_last_step():
    message = failure(check.check_birnn_forward_time_order, birnn_with(flip_back=False))
    assert "belongs to the LAST step: out[:, T-1, H:]" in message and "reversed time order" in message


def test_an_unknown_mistake_says_which_half_and_which_steps():
    def no_backward_bias(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
        Wx, Wh, b = params_bwd
        return good(x, h0_fwd, h0_bwd, params_fwd, (Wx, Wh, 0 * b))

    message = failure(check.check_birnn_forward_basic, no_backward_bias)
    assert "differs from the expected values" in message
    assert "backward half out[..., H:] is wrong at steps t = 0, 1, 2, 3; the other half is right" in message

    def forward_without_tanh_at_the_end(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
        out = good(x, h0_fwd, h0_bwd, params_fwd, params_bwd)
        out[:, -1, :5] = np.arctanh(np.clip(out[:, -1, :5], -0.999, 0.999))
        return out

    assert "forward half out[..., :H] is wrong at steps t = 3" in failure(
        check.check_birnn_forward_basic, forward_without_tanh_at_the_end)


def test_an_unknown_mistake_is_told_what_the_first_and_last_steps_should_be():
    def no_backward_bias(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
        Wx, Wh, b = params_bwd
        return good(x, h0_fwd, h0_bwd, params_fwd, (Wx, Wh, 0 * b))

    message = failure(check.check_birnn_forward_time_order, no_backward_bias)
    assert "out[:, T-1, H:] should be the backward state after reading x_T alone" in message
    assert "out[:, 0, :H] should be" not in message     # the forward half is right


def test_float32_answers_are_compared_at_float32_precision():
    def in_float32(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
        return good(x, h0_fwd, h0_bwd, params_fwd, params_bwd).astype(np.float32)

    for check_fn in ALL_CHECKS:
        check_fn(in_float32)


def test_a_tuple_with_a_cache_is_explained():
    assert "without a cache" in failure(check.check_birnn_forward_basic, lambda *a: (good(*a), []))
    assert "numpy array" in failure(check.check_birnn_forward_basic, lambda *a: good(*a).tolist()[0][0])


def test_a_wrong_shape_is_explained():
    message = failure(check.check_birnn_forward_basic, lambda *a: good(*a)[:, :, :3])
    assert "has shape (2, 4, 3); expected (2, 4, 10)" in message and "(N, T, 2H) = (2, 4, 10)" in message


def test_calling_a_reference_is_not_own_work():
    def via_rnn(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
        h_fwd, _ = rnn.rnn_forward(x, h0_fwd, *params_fwd)
        h_bwd, _ = rnn.rnn_forward(x[:, ::-1], h0_bwd, *params_bwd)
        return np.concatenate([h_fwd, h_bwd[:, ::-1]], axis=-1)

    assert "rnncourse.reference.rnn.rnn_forward" in failure(check.check_birnn_forward_basic, via_rnn)

    from rnncourse.reference.rnn import rnn_step_forward

    def via_step(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
        def loop(xs, h, params):
            out = []
            for t in range(xs.shape[1]):
                h, _ = rnn_step_forward(xs[:, t], h, *params)
                out.append(h)
            return np.stack(out, axis=1)
        return np.concatenate([loop(x, h0_fwd, params_fwd), loop(x[:, ::-1], h0_bwd, params_bwd)[:, ::-1]], -1)

    assert "rnncourse.reference.rnn.rnn_step_forward" in failure(check.check_birnn_forward_basic, via_step)
    assert "your own" in failure(check.check_birnn_forward_basic, bidirectional.birnn_forward)

    def wrapper(*args):
        return bidirectional.birnn_forward(*args)

    assert "rnncourse.reference.bidirectional.birnn_forward" in failure(check.check_birnn_forward_random, wrapper)


def test_every_forbidden_object_is_caught():
    forbidden = {bidirectional.birnn_forward, rnn.rnn_forward, rnn.rnn_step_forward, rnn.run_over_time}
    assert forbidden <= set(check.BIRNN_FORWARD.forbids)
    for ref in check.BIRNN_FORWARD.forbids:
        for check_fn in ALL_CHECKS:
            assert "your own" in failure(check_fn, lambda *a, ref=ref: ref(*a)), (ref, check_fn)


def test_blank_and_mutating_answers_are_explained():
    def blank(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
        raise NotImplementedError()

    assert "not written yet" in failure(check.check_birnn_forward_basic, blank)

    def reverses_in_place(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
        h_fwd = run(x, h0_fwd, params_fwd)
        x[:] = x[:, ::-1].copy()                        # x is now reversed for the caller too
        return np.concatenate([h_fwd, run(x, h0_bwd, params_bwd)[:, ::-1]], axis=-1)

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_birnn_forward_random(reverses_in_place)
    assert changed.value.argument == "x"

    def flips_h0(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
        h0_bwd *= -1                                    # in place: the caller's h0_bwd changes sign
        return good(x, h0_fwd, -h0_bwd, params_fwd, params_bwd)

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_birnn_forward_basic(flips_h0)
    assert changed.value.argument == "h0_bwd"


def test_check_inputs_are_seeded():
    a, b = check._case(3, 2, 4, 3, 5), check._case(3, 2, 4, 3, 5)
    for u, v in zip(a[:3] + a[3] + a[4], b[:3] + b[3] + b[4]):
        np.testing.assert_array_equal(u, v)
