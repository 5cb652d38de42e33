"""Checks of unit 07_bidirectional: ``birnn_forward``, the states of a bidirectional RNN.

``birnn_forward(x, h0_fwd, h0_bwd, params_fwd, params_bwd)`` takes ``x (N, T, D)``, two
initial states ``(N, H)`` and two tuples ``(Wx (D, H), Wh (H, H), b (H,))`` and returns
``(N, T, 2H)``: the forward states, then the backward states, both in the input's time order.
"""

import numpy as np

from .core import CheckFailure, assert_own_work, call, expect_close, fail, reference, register

register({
    "birnn_forward": "rnncourse.reference.bidirectional:birnn_forward",
    # the unit-01 RNN is a reference too: an answer that calls it is not the learner's own loop
    "rnn_forward": "rnncourse.reference.rnn:rnn_forward",
    "rnn_step_forward": "rnncourse.reference.rnn:rnn_step_forward",
})

EXERCISE = "birnn_forward"
LAYOUT = ("out[:, t, :H] is the forward state after reading x[:, 0] .. x[:, t]; out[:, t, H:] is the "
          "backward state after reading x[:, T-1] down to x[:, t]. Both halves in the input's time order, "
          "joined with np.concatenate([h_fwd, h_bwd], axis=-1).")


def _case(seed, N, T, D, H, dtype=np.float64, zero_h0=False):
    """Seeded random inputs ``(x, h0_fwd, h0_bwd, params_fwd, params_bwd)``."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, T, D))
    if zero_h0:
        h0_fwd, h0_bwd = np.zeros((N, H)), np.zeros((N, H))
    else:
        h0_fwd, h0_bwd = rng.uniform(-1, 1, (N, H)), rng.uniform(-1, 1, (N, H))  # states lie in (-1, 1)

    def params():
        return tuple((0.6 * rng.standard_normal(s)).astype(dtype) for s in [(D, H), (H, H), (H,)])

    params_fwd, params_bwd = params(), params()
    return x.astype(dtype), h0_fwd.astype(dtype), h0_bwd.astype(dtype), params_fwd, params_bwd


def _run(x, h0, params):
    """States h_1 .. h_T (N, T, H) of a tanh RNN reading x left to right."""
    Wx, Wh, b = params
    states, h = [], h0
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    return np.stack(states, axis=1)


def _backward(x, h0, params):
    """The backward RNN's states in the input's time order: it reads x_T first."""
    return _run(x[:, ::-1], h0, params)[:, ::-1]


def _mistakes(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
    """What the common wrong versions of birnn_forward return, with what to tell the learner."""
    N, T, _ = x.shape
    H = h0_fwd.shape[1]
    fwd = _run(x, h0_fwd, params_fwd)                         # (N, T, H)
    bwd = _backward(x, h0_bwd, params_bwd)                    # (N, T, H), time order
    reading_order = bwd[:, ::-1]                              # as the backward RNN computed them
    zeros = np.zeros_like(h0_fwd)
    cat = lambda a, b: np.concatenate([a, b], axis=-1)  # noqa: E731
    right = cat(fwd, bwd)
    return [
        (cat(fwd, reading_order),
         "the backward states are left in reversed time order. The backward RNN reads x_T first, so its "
         "first state belongs to step T, not step 1: out[:, t, H:] must be the backward state after reading "
         "x[:, T-1] down to x[:, t]. Flip its states back before joining, h_bwd[:, ::-1], as Keras's "
         "Bidirectional does."),
        (cat(bwd, fwd),
         "the forward and backward halves are swapped in the concatenation: the forward states come first "
         "(out[..., :H]), the backward states second (out[..., H:]), as Keras's merge_mode=\"concat\" "
         "joins them."),
        (cat(fwd, _backward(x, h0_bwd, params_fwd)),
         "the backward pass was run with the forward params: each direction has its own weights. The "
         "backward RNN uses params_bwd."),
        (cat(_run(x, h0_fwd, params_bwd), bwd),
         "the forward pass was run with params_bwd: the forward RNN uses params_fwd."),
        (cat(_run(x, h0_fwd, params_bwd), _backward(x, h0_bwd, params_fwd)),
         "params_fwd and params_bwd are swapped: the forward RNN uses params_fwd, the backward one params_bwd."),
        (cat(fwd, _backward(x, h0_fwd, params_bwd)),
         "the backward direction was started from h0_fwd, so both directions share one h0. Each direction "
         "has its own initial state: the backward RNN starts from h0_bwd."),
        (cat(_run(x, h0_bwd, params_fwd), bwd),
         "the forward direction was started from h0_bwd, so both directions share one h0. The forward RNN "
         "starts from h0_fwd, the backward one from h0_bwd."),
        (cat(_run(x, h0_bwd, params_fwd), _backward(x, h0_fwd, params_bwd)),
         "h0_fwd and h0_bwd are swapped: the forward RNN starts from h0_fwd, the backward one from h0_bwd."),
        (cat(_run(x, zeros, params_fwd), _backward(x, zeros, params_bwd)),
         "both directions were started from zeros: start them from the given h0_fwd and h0_bwd."),
        (cat(fwd, _run(x, h0_bwd, params_bwd)),
         "the backward RNN reads the sequence left to right, like the forward one. Feed it the reversed "
         "sequence, x[:, ::-1] (x_T first), then flip its states back into time order."),
        (cat(fwd, _run(x, h0_bwd, params_bwd)[:, ::-1]),
         "the backward states were flipped, but the backward RNN read the sequence left to right: reverse "
         "its INPUT too, x[:, ::-1], so that it reads x_T first; then flip the states it returns."),
        (cat(fwd[:, ::-1], bwd),
         "the forward half is in reversed time order: flip only the backward states, not the forward ones."),
        (right.transpose(1, 0, 2),
         f"the steps are stacked on the wrong axis: the result is time first, (T, N, 2H) = {(T, N, 2 * H)}. "
         f"The course is batch first: (N, T, 2H) = {(N, T, 2 * H)}."),
        (np.stack([fwd, bwd], axis=-1).reshape(N, T, 2 * H),
         "the two halves are interleaved unit by unit: they were stacked on a new last axis and reshaped. "
         "Join them end to end instead: np.concatenate([h_fwd, h_bwd], axis=-1)."),
        (np.concatenate([fwd, bwd], axis=1),
         "the two directions were concatenated on the wrong axis: along time (axis 1), giving 2T steps. "
         "Join them along the last axis, np.concatenate([h_fwd, h_bwd], axis=-1), so that each step has "
         "2H numbers."),
        (np.concatenate([fwd, bwd], axis=0),
         "the two directions were concatenated on the wrong axis: along the batch (axis 0), giving 2N rows. "
         "Join them along the last axis: np.concatenate([h_fwd, h_bwd], axis=-1)."),
        (np.stack([fwd, bwd], axis=-1),
         "the two directions were stacked on a new last axis, (N, T, H, 2). Concatenate them along the "
         "existing last axis instead: np.concatenate([h_fwd, h_bwd], axis=-1), shape (N, T, 2H)."),
        (np.stack([fwd, bwd], axis=0),
         "the two directions were stacked on a new first axis, (2, N, T, H). Concatenate them along the "
         "last axis instead: np.concatenate([h_fwd, h_bwd], axis=-1), shape (N, T, 2H)."),
        (np.stack([fwd, bwd], axis=1),
         "the two directions were stacked on a new axis 1, (N, 2, T, H). Concatenate them along the last "
         "axis instead: np.concatenate([h_fwd, h_bwd], axis=-1), shape (N, T, 2H)."),
        (fwd + bwd,
         "the two directions were added (Keras's merge_mode=\"sum\"). This layer concatenates them: "
         "np.concatenate([h_fwd, h_bwd], axis=-1), shape (N, T, 2H)."),
        ((fwd + bwd) / 2,
         "the two directions were averaged (Keras's merge_mode=\"ave\"). This layer concatenates them: "
         "np.concatenate([h_fwd, h_bwd], axis=-1), shape (N, T, 2H)."),
        (fwd, "only the forward states were returned: add the backward RNN's states after them, (N, T, 2H)."),
        (bwd, "only the backward states were returned: put the forward RNN's states before them, (N, T, 2H)."),
    ]


def _result(fn, args):
    result = call(fn, EXERCISE, *args)
    if isinstance(result, (tuple, list)):
        fail(f"`{EXERCISE}` returned a {type(result).__name__} of length {len(result)}; it should return "
             f"one numpy array of shape (N, T, 2H), without a cache.")
    if not isinstance(result, np.ndarray):
        fail(f"`{EXERCISE}` should return a numpy array of shape (N, T, 2H); it returned a "
             f"{type(result).__name__}.")
    return result


def _check(fn, args, atol=1e-6, rtol=1e-5, expected=None, against="the expected values"):
    """Run the learner's function on ``args``; compare with ``expected`` (the reference by default)."""
    x, h0_fwd, h0_bwd, params_fwd, params_bwd = args
    N, T, _ = x.shape
    H = h0_fwd.shape[1]
    out = _result(fn, args)
    if expected is None:
        expected = reference(EXERCISE)(*args)
    mistakes = _mistakes(*args)
    for wrong, explanation in mistakes:                # mistakes of another shape, which expect_close
        if wrong.shape != expected.shape and out.shape == wrong.shape and np.allclose(out, wrong, atol=atol, rtol=rtol):
            fail(f"out: {explanation}")                 # cannot compare with the expected values
    if out.shape != expected.shape:
        if out.shape == (N, 2 * H):
            fail(f"out has shape {out.shape}: one state per direction, the last. A bidirectional layer "
                 f"with return_sequences=True returns its output at EVERY step: (N, T, 2H) = {(N, T, 2 * H)}. "
                 f"Returning only the last state is unit 02's many-to-one; here every step needs both halves.")
        hint = {4: "np.stack adds a new axis; np.concatenate([h_fwd, h_bwd], axis=-1) joins the halves along "
                   "the last one.",
                2: "keep the time axis: one output per step."}.get(out.ndim, "")
        fail(f"out has shape {out.shape}; expected (N, T, 2H) = {(N, T, 2 * H)} for x of shape (N, T, D) = "
             f"{x.shape} and H = {H}. {LAYOUT} {hint}".rstrip())
    try:
        expect_close(f"out for x of shape {x.shape}", out, expected,
                     mistakes=[m for m in mistakes if m[0].shape == expected.shape], atol=atol, rtol=rtol)
    except CheckFailure as err:
        where = _halves_message(out, expected, H, atol, rtol)
        if where and "differs from" in str(err):       # not a known mistake: say where to look
            raise CheckFailure(f"{err} In short, {where}. {LAYOUT}") from None
        raise
    return out


def _halves_message(out, expected, H, atol, rtol):
    """Which half of the output is wrong, and at which steps (None if both are right)."""
    wrong = []
    for name, part in [("forward half out[..., :H]", slice(0, H)), ("backward half out[..., H:]", slice(H, 2 * H))]:
        bad = ~np.isclose(out[..., part], expected[..., part], atol=atol, rtol=rtol).all(axis=(0, 2))
        if bad.any():
            steps = np.flatnonzero(bad).tolist()
            shown = ", ".join(map(str, steps[:6])) + (", ..." if len(steps) > 6 else "")
            wrong.append(f"the {name} is wrong at steps t = {shown}")
    if not wrong:
        return None
    if len(wrong) == 1:
        wrong.append("the other half is right")
    return "; ".join(wrong)


def check_birnn_forward_basic(fn):
    """Visible: N = 2 sequences of T = 4 steps, D = 3, H = 5, from non-zero initial states."""
    assert_own_work(fn, EXERCISE)
    _check(fn, _case(0, N=2, T=4, D=3, H=5))


def check_birnn_forward_time_order(fn):
    """Visible: the first and last steps, where the time order of each half is easiest to see."""
    assert_own_work(fn, EXERCISE)
    x, h0_fwd, h0_bwd, params_fwd, params_bwd = args = _case(1, N=3, T=5, D=2, H=4)
    out = _result(fn, args)
    N, T, _ = x.shape
    H = h0_fwd.shape[1]
    if out.shape != (N, T, 2 * H):
        _check(fn, args)                               # explains the shape
    (Wx, Wh, b), (Wx_b, Wh_b, b_b) = params_fwd, params_bwd
    first_fwd = np.tanh(x[:, 0] @ Wx + h0_fwd @ Wh + b)           # has read x_1 only
    last_bwd = np.tanh(x[:, -1] @ Wx_b + h0_bwd @ Wh_b + b_b)     # has read x_T only
    if not np.allclose(out[:, -1, H:], last_bwd, atol=1e-6, rtol=1e-5):
        if np.allclose(out[:, 0, H:], last_bwd, atol=1e-6, rtol=1e-5):
            fail("out[:, 0, H:] is the backward state after reading x_T alone; that state belongs to the LAST "
                 "step: out[:, T-1, H:]. The backward states are left in reversed time order: flip them back "
                 "(h_bwd[:, ::-1]) before joining.")
        _check(fn, args)                               # names another mistake, if it is a known one
        fail("out[:, T-1, H:] should be the backward state after reading x_T alone: "
             "tanh(x[:, T-1] Wx_bwd + h0_bwd Wh_bwd + b_bwd), with params_bwd = (Wx_bwd, Wh_bwd, b_bwd). "
             + LAYOUT)
    if not np.allclose(out[:, 0, :H], first_fwd, atol=1e-6, rtol=1e-5):
        _check(fn, args)
        fail("out[:, 0, :H] should be the forward state after reading x_1 alone: "
             "tanh(x[:, 0] Wx + h0_fwd Wh + b), with params_fwd = (Wx, Wh, b). " + LAYOUT)
    _check(fn, args)


def check_birnn_forward_keras(fn):
    """Visible: equals Keras Bidirectional(SimpleRNN(H, return_sequences=True)) with the same weights,
    from zero initial states and from given ones (float32)."""
    assert_own_work(fn, EXERCISE)
    from ..models.convert import keras_bidirectional_rnn

    x, h0_fwd, h0_bwd, params_fwd, params_bwd = _case(2, N=3, T=6, D=4, H=3, dtype=np.float32)
    layer = keras_bidirectional_rnn(params_fwd, params_bwd).get_layer("bidirectional")
    zeros = np.zeros_like(h0_fwd)
    runs = [("from zero initial states (Keras's default)", zeros, zeros, np.asarray(layer(x))),
            ("from initial_state=[h0_fwd, h0_bwd]", h0_fwd, h0_bwd,
             np.asarray(layer(x, initial_state=[h0_fwd, h0_bwd])))]
    for what, h0_f, h0_b, keras_out in runs:
        try:
            _check(fn, (x, h0_f, h0_b, params_fwd, params_bwd), atol=1e-5, rtol=1e-4, expected=keras_out)
        except CheckFailure as err:
            raise CheckFailure(f"Compared with Keras's Bidirectional(SimpleRNN(3, return_sequences=True)) "
                               f"holding the same weights, {what}: {err}") from None


def check_birnn_forward_random(fn):
    """Hidden: N == T, D == H, T = 1, N = 1, H = 1, zero initial states, float32, a long sequence,
    the same weights in both directions; inputs left unchanged."""
    assert_own_work(fn, EXERCISE)
    sizes = [(4, 4, 3, 3), (3, 3, 2, 5), (2, 1, 3, 4), (1, 6, 2, 3), (3, 5, 1, 1), (2, 7, 4, 2)]
    for seed, (N, T, D, H) in enumerate(sizes, start=10):
        _check(fn, _case(seed, N, T, D, H))
    _check(fn, _case(20, N=3, T=4, D=2, H=3, zero_h0=True))
    _check(fn, _case(21, N=2, T=5, D=3, H=4, dtype=np.float32), atol=1e-5, rtol=1e-4)
    _check(fn, _case(22, N=2, T=40, D=3, H=4))
    x, h0_fwd, h0_bwd, params_fwd, _ = _case(23, N=2, T=5, D=3, H=3)
    _check(fn, (x, h0_fwd, h0_bwd, params_fwd, params_fwd))          # one set of weights for both
    _check(fn, (x, h0_fwd, h0_fwd.copy(), *_case(24, N=2, T=5, D=3, H=3)[3:]))  # one h0 for both
