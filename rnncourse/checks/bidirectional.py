"""Checks of unit 07_bidirectional: ``birnn_forward``, the states of a bidirectional RNN.

``birnn_forward(x, h0_fwd, h0_bwd, params_fwd, params_bwd)`` takes ``x (N, T, D)``, two
initial states ``(N, H)`` and two tuples ``(Wx (D, H), Wh (H, H), b (H,))`` and returns
``(N, T, 2H)``: the forward states, then the backward states, both in the input's time order.
"""

import functools

import numpy as np

from ..models.convert import keras_bidirectional_rnn
from ..reference import rnn
from ..reference.bidirectional import birnn_forward
from .harness import Exercise, expect_close, fail, rnn_inputs

LAYOUT = ("out[:, t, :H] is the forward state after reading x[:, 0] .. x[:, t]; out[:, t, H:] is the "
          "backward state after reading x[:, T-1] down to x[:, t]. Both halves in the input's time order, "
          "joined with np.concatenate([h_fwd, h_bwd], axis=-1).")
JOIN = "Join them along the last axis instead: np.concatenate([h_fwd, h_bwd], axis=-1), shape (N, T, 2H)."

# each direction is a unit-01 RNN: its loop, its step and the loop runner do the exercise's work too
BIRNN_FORWARD = Exercise(
    "birnn_forward", forbids=(birnn_forward, rnn.rnn_forward, rnn.rnn_step_forward, rnn.run_over_time),
    explain="Shapes: x (N, T, D), h0_fwd and h0_bwd (N, H), params_fwd and params_bwd (Wx (D, H), Wh (H, H), "
            "b (H,)); each direction's state at a step is tanh(x[:, t] @ Wx + h @ Wh + b), (N, H).")


def _case(seed, N, T, D, H, dtype=np.float64, zero_h0=False):
    """Seeded random inputs ``(x, h0_fwd, h0_bwd, params_fwd, params_bwd)``."""
    rng = np.random.default_rng(seed)
    x, h0_fwd, _, *params_fwd = rnn_inputs(rng, N, D, H, T=T, dtype=dtype, zero_state=zero_h0)
    _, h0_bwd, _, *params_bwd = rnn_inputs(rng, N, D, H, T=T, dtype=dtype, zero_state=zero_h0)
    return x, h0_fwd, h0_bwd, tuple(params_fwd), tuple(params_bwd)


def _mistakes(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
    """The common wrong versions: the reference run on swapped inputs, or its halves rearranged."""
    ref, cat = functools.partial(birnn_forward, x), functools.partial(np.concatenate, axis=-1)
    (N, T, _), H, zeros = x.shape, h0_fwd.shape[1], np.zeros_like(h0_fwd)
    right = ref(h0_fwd, h0_bwd, params_fwd, params_bwd)
    fwd, bwd = right[..., :H], right[..., H:]
    left_to_right = ref(h0_bwd, h0_bwd, params_bwd, params_bwd)[..., :H]  # the backward RNN reading x_1 first
    own = ("Each direction has its own weights and initial state: the forward RNN uses params_fwd and starts from "
           "h0_fwd, the backward one uses params_bwd and starts from h0_bwd.")
    return [*[(f"{what}. {own}", lambda a=a: ref(*a)) for what, a in [
        ("the backward pass was run with the forward params", (h0_fwd, h0_bwd, params_fwd, params_fwd)),
        ("the forward pass was run with params_bwd", (h0_fwd, h0_bwd, params_bwd, params_bwd)),
        ("params_fwd and params_bwd are swapped", (h0_fwd, h0_bwd, params_bwd, params_fwd)),
        ("the backward direction was started from h0_fwd, so both directions share one h0",
         (h0_fwd, h0_fwd, params_fwd, params_bwd)),
        ("the forward direction was started from h0_bwd, so both directions share one h0",
         (h0_bwd, h0_bwd, params_fwd, params_bwd)),
        ("h0_fwd and h0_bwd are swapped", (h0_bwd, h0_fwd, params_fwd, params_bwd)),
        ("both directions were started from zeros", (zeros, zeros, params_fwd, params_bwd))]],
        ("the backward states are left in reversed time order. The backward RNN reads x_T first, and the state "
         "after reading x_T alone belongs to the LAST step: out[:, T-1, H:], not out[:, 0, H:]. Flip its states "
         "back before joining, h_bwd[:, ::-1], as Keras's Bidirectional does.", cat([fwd, bwd[:, ::-1]])),
        ("the forward and backward halves are swapped in the concatenation: the forward states come first "
         "(out[..., :H]), as Keras's merge_mode=\"concat\" joins them.", cat([bwd, fwd])),
        ("the backward RNN reads the sequence left to right, like the forward one. Feed it the reversed "
         "sequence, x[:, ::-1] (x_T first), then flip its states back into time order.", cat([fwd, left_to_right])),
        ("the backward states were flipped, but the backward RNN read the sequence left to right: reverse its "
         "INPUT too, x[:, ::-1], so that it reads x_T first; then flip the states it returns.",
         cat([fwd, left_to_right[:, ::-1]])),
        ("the forward half is in reversed time order: flip only the backward states, not the forward ones.",
         cat([fwd[:, ::-1], bwd])),
        (f"the steps are stacked on the wrong axis: the result is time first, (T, N, 2H) = {(T, N, 2 * H)}. "
         f"The course is batch first: (N, T, 2H) = {(N, T, 2 * H)}.", right.transpose(1, 0, 2)),
        (f"the two halves are interleaved unit by unit: they were stacked on a new last axis and reshaped. {JOIN}",
         np.stack([fwd, bwd], axis=-1).reshape(N, T, 2 * H)),
        *[(f"the two directions were concatenated on the wrong axis: along {where}. {JOIN}",
           np.concatenate([fwd, bwd], axis=axis))
          for axis, where in [(1, "time (axis 1), giving 2T steps"), (0, "the batch (axis 0), giving 2N rows")]],
        *[(f"the two directions were stacked on a new {where}. {JOIN}", np.stack([fwd, bwd], axis=axis))
          for axis, where in [(-1, "last axis, (N, T, H, 2)"), (0, "first axis, (2, N, T, H)"),
                              (1, "axis 1, (N, 2, T, H)")]],
        *[(f"the two directions were {how} (Keras's merge_mode=\"{mode}\"). This layer concatenates them. {JOIN}",
           scale * (fwd + bwd)) for how, mode, scale in [("added", "sum", 1), ("averaged", "ave", 0.5)]],
        ("only the forward states were returned: add the backward RNN's states after them, (N, T, 2H).", fwd),
        ("only the backward states were returned: put the forward RNN's states before them, (N, T, 2H).", bwd),
        *[(f"one state per direction, the last, shape (N, 2H) = {(N, 2 * H)}. With return_sequences=True a "
           f"bidirectional layer returns its output at EVERY step: (N, T, 2H) = {(N, T, 2 * H)}. Returning only "
           f"the last state is unit 02's many-to-one; here every step needs both halves.",
           cat([fwd[:, -1], b_last])) for b_last in (bwd[:, 0], bwd[:, -1])],
    ]


def _check(fn, args, expected=None, name=None):
    """Run the answer on ``args``; compare with ``expected`` (the reference by default), naming known mistakes."""
    x, (N, T, _), H = args[0], args[0].shape, args[1].shape[1]
    out = BIRNN_FORWARD.call(fn, **dict(zip(("x", "h0_fwd", "h0_bwd", "params_fwd", "params_bwd"), args)))
    if isinstance(out, (tuple, list)):               # rnn_forward's habit: (h, cache)
        fail(f"`birnn_forward` returned a {type(out).__name__} of length {len(out)}; it should return one "
             f"numpy array of shape (N, T, 2H), without a cache.")
    out = BIRNN_FORWARD.returns(out, "out")
    expected = birnn_forward(*args) if expected is None else expected
    tolerance = {"atol": 1e-5, "rtol": 1e-4} if x.dtype == np.float32 else {"atol": 1e-6, "rtol": 1e-5}
    hint = f"Expected (N, T, 2H) = {(N, T, 2 * H)} for x of shape (N, T, D) = {x.shape} and H = {H}. {LAYOUT}"
    if out.shape == expected.shape:                  # no known mistake: say which half is wrong, and where
        wrong = []
        for half, part in [("forward half out[..., :H]", np.s_[..., :H]),
                           ("backward half out[..., H:]", np.s_[..., H:])]:
            steps = np.flatnonzero(~np.isclose(out[part], expected[part], **tolerance).all(axis=(0, 2)))
            if steps.size:
                wrong.append(f"the {half} is wrong at steps t = {', '.join(map(str, steps[:6]))}"
                             + (", ..." if steps.size > 6 else ""))
        ends = [(np.s_[:, -1, H:], "out[:, T-1, H:] should be the backward state after reading x_T alone: "
                 "tanh(x[:, T-1] @ Wx_bwd + h0_bwd @ Wh_bwd + b_bwd), with params_bwd = (Wx_bwd, Wh_bwd, b_bwd). "),
                (np.s_[:, 0, :H], "out[:, 0, :H] should be the forward state after reading x_1 alone: "
                 "tanh(x[:, 0] @ Wx + h0_fwd @ Wh + b), with params_fwd = (Wx, Wh, b). ")]
        hint = (f"In short, {'; '.join(wrong + ['the other half is right'] * (len(wrong) == 1))}. "
                + "".join(advice for at, advice in ends if not np.allclose(out[at], expected[at], **tolerance))
                + LAYOUT)
    expect_close(name or f"out for x of shape {x.shape}", out, expected, mistakes=_mistakes(*args), hint=hint,
                 **tolerance)


def check_birnn_forward_basic(fn):
    """Visible: N = 2 sequences of T = 4 steps, D = 3, H = 5, from non-zero initial states."""
    BIRNN_FORWARD.own_work(fn)
    _check(fn, _case(0, N=2, T=4, D=3, H=5))


def check_birnn_forward_time_order(fn):
    """Visible: the first and last steps, where the time order of each half is easiest to see (a wrong
    answer is told what out[:, 0, :H] and out[:, T-1, H:] should be)."""
    BIRNN_FORWARD.own_work(fn)
    _check(fn, _case(1, N=3, T=5, D=2, H=4))


def check_birnn_forward_keras(fn):
    """Visible: equals Keras Bidirectional(SimpleRNN(H, return_sequences=True)) with the same weights,
    from zero initial states and from given ones (float32)."""
    BIRNN_FORWARD.own_work(fn)
    x, h0_fwd, h0_bwd, params_fwd, params_bwd = _case(2, N=3, T=6, D=4, H=3, dtype=np.float32)
    layer = keras_bidirectional_rnn(params_fwd, params_bwd).get_layer("bidirectional")
    for what, h0_f, h0_b, state in [("from zero initial states (Keras's default)", 0 * h0_fwd, 0 * h0_bwd, None),
                                    ("from initial_state=[h0_fwd, h0_bwd]", h0_fwd, h0_bwd, [h0_fwd, h0_bwd])]:
        _check(fn, (x, h0_f, h0_b, params_fwd, params_bwd), np.asarray(layer(x, initial_state=state)),
               name=f"out, compared with Keras's Bidirectional(SimpleRNN(3, return_sequences=True)) holding "
                    f"the same weights {what},")


def check_birnn_forward_random(fn):
    """Hidden: N == T, D == H, T = 1, N = 1, H = 1, zero initial states, float32, a long sequence,
    the same weights in both directions; inputs left unchanged."""
    BIRNN_FORWARD.own_work(fn)
    x, h0_fwd, h0_bwd, params_fwd, _ = _case(23, N=2, T=5, D=3, H=3)
    sizes = [(4, 4, 3, 3), (3, 3, 2, 5), (2, 1, 3, 4), (1, 6, 2, 3), (3, 5, 1, 1), (2, 7, 4, 2)]
    for args in [*(_case(seed, *s) for seed, s in enumerate(sizes, start=10)),
                 _case(20, N=3, T=4, D=2, H=3, zero_h0=True), _case(21, N=2, T=5, D=3, H=4, dtype=np.float32),
                 _case(22, N=2, T=40, D=3, H=4),
                 (x, h0_fwd, h0_bwd, params_fwd, params_fwd),                          # one set of weights for both
                 (x, h0_fwd, h0_fwd.copy(), *_case(24, N=2, T=5, D=3, H=3)[3:])]:      # one h0 for both
        _check(fn, args)
