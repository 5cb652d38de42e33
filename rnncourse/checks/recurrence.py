"""Checks of unit 01_recurrence: one RNN step, a whole sequence, and the parameter count.

Shapes as everywhere in the course: ``x (N, D)`` or ``(N, T, D)``, ``h (N, H)``,
``Wx (D, H)``, ``Wh (H, H)``, ``b (H,)``; ``V`` outputs of the Dense layer.
"""

import functools
import itertools

import numpy as np

from ..course.setup import quiet_tensorflow
from ..models import keras_simple_rnn, rnn_types
from ..reference import birnn_forward, rnn, sigmoid
from .harness import AnswerRaised, CheckFailure, Exercise, expect_close, fail, matching_mistake, rnn_inputs

STEP_SHAPES = ("x (N, D) @ Wx (D, H) is (N, H); prev_h (N, H) @ Wh (H, H) is (N, H); b (H,) is added to "
               "every row. Row vectors, batch first: the input multiplies Wx from the left.")
FORWARD_SHAPES = ("x (N, T, D): x[:, t] is the input at step t, shape (N, D); h0 (N, H); each step "
                  "returns next_h (N, H), and h (N, T, H) stacks them on axis 1. " + STEP_SHAPES)

# rnn_forward over one step, and birnn_forward's forward half, compute a step too
RNN_STEP_FORWARD = Exercise("rnn_step_forward", explain=f"Shapes: {STEP_SHAPES}",
                            forbids=(rnn.rnn_step_forward, rnn.rnn_forward, birnn_forward))
# keras_simple_rnn computes the states from h0 = 0
RNN_FORWARD = Exercise("rnn_forward", explain=f"Shapes: {FORWARD_SHAPES}", forbids=(
    rnn.rnn_forward, rnn.rnn_step_forward, rnn.run_over_time, birnn_forward, keras_simple_rnn))


def _cell(seed, **sizes):
    x, h, _, Wx, Wh, b = rnn_inputs(seed, **sizes)                  # a vanilla RNN has no cell state c
    return x, h, Wx, Wh, b


def _next_h(x, prev_h, Wx, Wh, b):
    return rnn.rnn_step_forward(x, prev_h, Wx, Wh, b)[0]


def _pre(x, prev_h, Wx, Wh, b):
    return x @ Wx + prev_h @ Wh + b                                  # the pre-activation (N, H)


# The common wrong steps: (what one computes, what to tell the learner, the step).
WRONG_STEPS = [
    ("tanh(x Wx + prev_h Wh)", "the bias is missing: add b inside the tanh.",
     lambda x, h, Wx, Wh, b: _next_h(x, h, Wx, Wh, 0 * b)),
    ("relu(x Wx + prev_h Wh + b)", "this RNN uses tanh: np.tanh(...).", lambda *a: np.maximum(_pre(*a), 0)),
    ("sigmoid(x Wx + prev_h Wh + b)", "this RNN uses tanh, whose outputs lie in (-1, 1) and are centred "
     "on 0: np.tanh(...).", lambda *a: sigmoid(_pre(*a))),
    ("x Wx + prev_h Wh + b, the pre-activation", "apply the activation, np.tanh(...).", _pre),
    ("tanh(x Wx + b)", "prev_h is missing. The previous state is what gives the RNN its memory: add "
     "prev_h @ Wh.", lambda x, h, Wx, Wh, b: _next_h(x, 0 * h, Wx, Wh, b)),
    ("tanh(prev_h Wh + b)", "the input x is missing: add x @ Wx.",
     lambda x, h, Wx, Wh, b: _next_h(0 * x, h, Wx, Wh, b)),
    ("tanh(x Wx + prev_h Wh.T + b)", "in the row-vector convention prev_h multiplies Wh from the left, as "
     "it is: prev_h @ Wh (Wh[i, j] connects unit i of prev_h to unit j of next_h).",
     lambda x, h, Wx, Wh, b: _next_h(x, h, Wx, Wh.T, b)),
    ("tanh(x Wx + prev_h Wh) + b", "b is added after the tanh; it belongs inside it: np.tanh(x @ Wx + "
     "prev_h @ Wh + b). Added outside, it shifts the state out of (-1, 1).",
     lambda x, h, Wx, Wh, b: _next_h(x, h, Wx, Wh, 0 * b) + b),
    ("tanh(x Wh + prev_h Wx + b)", "Wx and Wh are swapped. Wx (D, H) reads the input x; Wh (H, H) reads the "
     "previous state prev_h.", lambda x, h, Wx, Wh, b: _next_h(x, h, Wh, Wx, b)),
    ("tanh(x Wx.T + prev_h Wh.T + b)", "that is the column-vector formula: with row vectors write x @ Wx + "
     "prev_h @ Wh, weights as given (Keras's layout).", lambda x, h, Wx, Wh, b: _next_h(x, h, Wx.T, Wh.T, b)),
]


def _explain_shape_error(exercise, raised, run, sizes, mistakes, **inputs):
    """``raised`` (AnswerRaised) explained, if it is a shape error that a named mistake makes.

    With D != H, swapped or transposed weights stop at the first product. The answer is run once
    more on inputs of the same sizes but D == H, where such a mistake runs; if its result there
    matches one of ``mistakes(*inputs)``, the returned failure names it. ``run(**inputs)`` returns
    the answer's main array; ``sizes`` names the inputs' shapes for the message.
    """
    if not isinstance(raised.error, ValueError):
        return raised
    try:
        result = run(**inputs)
    except CheckFailure:
        return raised
    expected, wrongs = mistakes(**inputs)
    named = matching_mistake(result, expected, wrongs)
    if named is None:
        return raised
    return AnswerRaised(
        f"`{exercise.name}` stopped with {type(raised.error).__name__}: two arrays whose shapes do not fit "
        f"were multiplied ({sizes}, so D != H). The check ran it again on inputs with D == H, where those "
        f"shapes fit; there {named}", raised.error)


def _step_mistakes(x, prev_h, Wx, Wh, b):
    args = (x, prev_h, Wx, Wh, b)
    return _next_h(*args), [(f"it matches {formula}: {advice}", functools.partial(wrong, *args))
                            for formula, advice, wrong in WRONG_STEPS]


def _check_step(fn, x, prev_h, Wx, Wh, b):
    try:
        result = RNN_STEP_FORWARD.call(fn, x=x, prev_h=prev_h, Wx=Wx, Wh=Wh, b=b)
    except AnswerRaised as raised:
        N, H = prev_h.shape
        square = dict(zip(("x", "prev_h", "Wx", "Wh", "b"), _cell(0, N=N, D=H, H=H)))

        def run(**inputs):
            return RNN_STEP_FORWARD.returns(RNN_STEP_FORWARD.call(fn, **inputs), "next_h", "cache")[0]

        raise _explain_shape_error(RNN_STEP_FORWARD, raised, run, _shapes(x=x, Wx=Wx, Wh=Wh),
                                   _step_mistakes, **square) from None
    next_h, _ = RNN_STEP_FORWARD.returns(result, "next_h", "cache")
    expected, mistakes = _step_mistakes(x, prev_h, Wx, Wh, b)
    N, H = expected.shape
    if next_h.shape == (H, N) != (N, H):                             # so the inputs start with N != H
        fail(f"next_h has shape {next_h.shape}; expected (N, H) = {(N, H)}: one row per example. "
             f"Did you use the column convention (Wx.T @ x.T)? {STEP_SHAPES}")
    expect_close("next_h", next_h, expected, mistakes=mistakes)


def _shapes(**arrays):
    return ", ".join(f"{name} {value.shape}" for name, value in arrays.items())


def check_rnn_step_forward_basic(fn):
    """Visible: N = 2 examples, D = 3 inputs, H = 4 hidden units."""
    RNN_STEP_FORWARD.own_work(fn)
    _check_step(fn, *_cell(0, N=2, D=3, H=4))


def check_rnn_step_forward_square(fn):
    """Hidden: D == H, so swapped or transposed weights run without a shape error."""
    RNN_STEP_FORWARD.own_work(fn)
    rng = np.random.default_rng(101)
    for N, H in [(3, 5), (1, 2), (4, 4)]:
        _check_step(fn, *_cell(rng, N=N, D=H, H=H))


def check_rnn_step_forward_random(fn):
    """Hidden: other sizes, one example, one unit, float32, a zero state, large inputs."""
    RNN_STEP_FORWARD.own_work(fn)
    rng = np.random.default_rng(102)
    for sizes in [dict(N=5, D=7, H=3), dict(N=1, D=1, H=1), dict(N=6, D=2, H=9),
                  dict(N=3, D=4, H=6, dtype=np.float32), dict(N=3, D=4, H=6, zero_state=True)]:
        _check_step(fn, *_cell(rng, **sizes))
    x, h, Wx, Wh, b = _cell(rng, N=4, D=3, H=5)
    _check_step(fn, 10 * x, h, Wx, Wh, b)                            # saturated: tanh near +-1


# --- rnn_forward --------------------------------------------------------------------------

def _run(step, inputs, h0, Wx, Wh, b):
    """States (N, T, H) of the recurrence prev_h -> step(x_t, prev_h, Wx, Wh, b), x_t running over inputs."""
    states = itertools.accumulate(inputs, lambda prev_h, xt: step(xt, prev_h, Wx, Wh, b), initial=h0)
    return np.stack(list(states)[1:], axis=1)


def _forward_mistakes(x, h0, Wx, Wh, b):
    """The expected states h (N, T, H) and the common wrong loops, as ``(explanation, wrong)``."""
    expected, weights = rnn.rnn_forward(x, h0, Wx, Wh, b)[0], (Wx, Wh, b)
    (N, T, _), H = x.shape, h0.shape[1]
    steps = x.transpose(1, 0, 2)                                     # x[:, 0], x[:, 1], ...
    previous = np.concatenate([h0[:, None], expected[:, :-1]], axis=1)   # h_0 .. h_{T-1}
    own_step = " (If your rnn_forward calls your rnn_step_forward, fix that one first.)"
    return expected, [
        (f"the states are stacked on the wrong axis: h has shape (T, N, H) = {(T, N, H)}; the course is "
         f"batch first, (N, T, H) = {(N, T, H)}. Write h[:, t] = ..., or np.stack(states, axis=1).",
         expected.transpose(1, 0, 2)),
        (f"h starts with h0: it holds h_0 .. h_T, T + 1 = {T + 1} states. Return only the new states h_1 .. "
         f"h_T; the caller already has h0.", np.concatenate([h0[:, None], expected], axis=1)),
        ("h[:, 0] is h0 and h_T is missing: store each state after computing it (h[:, t] is h_{t+1}, the "
         "state after reading x[:, t]).", previous),
        ("it holds only the last state h_T (N, H); return every state h_1 .. h_T, shape (N, T, H).",
         expected[:, -1]),
        (("the first step started from zeros, not from h0. " if T > 1 else
          "h_1 does not depend on h0: either prev_h is missing from the step (add prev_h @ Wh), or the first "
          "step started from zeros. ") + "If h was made with np.zeros and step t reads h[:, t-1], then at "
         "t = 0 that is h[:, -1], the last slot, still zero. Start from h0: prev_h = h0 before the loop, or "
         "h0 if t == 0 else h[:, t-1].", functools.partial(_run, _next_h, steps, np.zeros_like(h0), *weights)),
        ("h[:, 0] is h0 and x[:, 0] is never read: the loop started at t = 1. Every input x[:, t], t = 0 .. "
         "T-1, gives one new state, stored in h[:, t].",
         lambda: np.concatenate([h0[:, None], _run(_next_h, steps[1:], h0, *weights)], axis=1)),
        ("every step starts from h0: h[:, t] = tanh(x_t Wx + h0 Wh + b). Feed each new state into the next "
         "step (prev_h = next_h inside the loop); that is the recurrence.",
         _next_h(x, h0[:, None], *weights)),                         # h0 (N, 1, H) broadcast over the steps
        ("h holds the pre-activations x_t Wx + h_{t-1} Wh + b. Store the states after the tanh: next_h, not "
         "what goes into np.tanh.", _pre(x, previous, *weights)),
        *[(f"each step computes {formula}, with x = x[:, t]: {advice}{own_step}",
           functools.partial(_run, wrong, steps, h0, *weights))
          for formula, advice, wrong in WRONG_STEPS],
        ("step t reads x[t], which is example t; the input at time t is x[:, t], shape (N, D).",
         functools.partial(_run, _next_h, x[:T], h0, *weights)),     # runs when N == T, or T == 1
    ]


def _check_forward(fn, x, h0, Wx, Wh, b):
    def run(**inputs):
        return RNN_FORWARD.returns(RNN_FORWARD.call(fn, **inputs), "h", "cache")[0]

    try:
        h = run(x=x, h0=h0, Wx=Wx, Wh=Wh, b=b)
    except AnswerRaised as raised:
        (N, T, _), H = x.shape, h0.shape[1]
        square = dict(zip(("x", "h0", "Wx", "Wh", "b"), _cell(0, N=N, T=T, D=H, H=H)))
        raise _explain_shape_error(RNN_FORWARD, raised, run, _shapes(x=x, Wx=Wx, Wh=Wh),
                                   _forward_mistakes, **square) from None
    expected, mistakes = _forward_mistakes(x, h0, Wx, Wh, b)
    expect_close("h", h, expected, mistakes=mistakes)


def check_rnn_forward_basic(fn):
    """Visible: N = 2 sequences of T = 3 steps, D = 4, H = 5, from a non-zero h0."""
    RNN_FORWARD.own_work(fn)
    _check_forward(fn, *_cell(1, N=2, T=3, D=4, H=5))


def check_rnn_forward_random(fn):
    """Hidden: N == T, D == H, T = 1, a zero h0, float32, a long sequence."""
    RNN_FORWARD.own_work(fn)
    rng = np.random.default_rng(201)
    # first N != T, so that states stacked time first show two different shapes, with T == 1 and
    # D == H, so that x[t] for x[:, t] and swapped weights run without an error (as when N == T)
    for N, T, D, H in [(3, 1, 4, 4), (5, 5, 3, 3), (4, 4, 3, 5), (3, 6, 4, 4), (2, 1, 3, 2), (1, 5, 1, 1)]:
        _check_forward(fn, *_cell(rng, N=N, T=T, D=D, H=H))
    _check_forward(fn, *_cell(rng, N=3, T=4, D=2, H=6, zero_state=True))
    _check_forward(fn, *_cell(rng, N=2, T=7, D=3, H=4, dtype=np.float32))
    _check_forward(fn, *_cell(rng, N=2, T=50, D=3, H=4))


# --- count_rnn_parameters -----------------------------------------------------------------

def keras_parameter_count(input_dim, units, output_dim):
    """``count_params()`` of Keras ``SimpleRNN(units)`` + ``Dense(output_dim)`` on sequences of
    ``input_dim`` features (of any length: the count does not depend on T)."""
    _, keras = quiet_tensorflow()
    model = keras.Sequential([keras.Input((None, input_dim)), keras.layers.SimpleRNN(units),
                              keras.layers.Dense(output_dim)])
    return model.count_params()


# the package's counts, and its models of this shape whose count_params() is the answer
COUNT_RNN_PARAMETERS = Exercise("count_rnn_parameters", forbids=(
    rnn.count_rnn_parameters, rnn_types.count_parameters, rnn_types.build_many_to_one,
    rnn_types.build_many_to_many, keras_simple_rnn, keras_parameter_count))


def _check_count(fn, D, H, V):
    result = COUNT_RNN_PARAMETERS.call(fn, input_dim=D, units=H, output_dim=V)
    if isinstance(result, bool) or not isinstance(result, (int, np.integer)):
        fail(f"count_rnn_parameters should return an int; it returned {result!r} "
             f"({type(result).__name__}). A count is a whole number: use int arithmetic or int(...).")
    expected, dense = keras_parameter_count(D, H, V), H * V + V      # dense: Wy (H, V) and by (V,)
    if result == expected:
        return
    shown = f"count_rnn_parameters({D}, {H}, {V}) is {result}; Keras counts {expected}"
    matching = [explanation for explanation, wrong in [
        ("that is the count without any bias: SimpleRNN has b (H,) and Dense has by (V,), and Keras counts "
         "both.", expected - H - V),
        ("the SimpleRNN's bias b (H,) is missing.", expected - H),
        ("the Dense layer's bias by (V,) is missing.", expected - V),
        ("the recurrent kernel Wh (H, H) is missing: it maps h_{t-1} to h_t.", expected - H * H),
        ("Wh was counted with Wx's shape (D, H); it maps a state to a state, so it is (H, H).",
         expected - H * H + D * H),
        ("that is the SimpleRNN alone: add the Dense layer, Wy (H, V) and by (V,).", expected - dense),
        ("the Dense layer reads the state h_t (H numbers), not the input: Wy is (H, V).",
         expected - H * V + D * V),
        ("that is the Dense layer alone: add the SimpleRNN's Wx (D, H), Wh (H, H) and b (H,).", dense),
    ] if result == wrong]
    if len(matching) == 1:                          # with tiny sizes, several mistakes give one number
        fail(f"{shown}: {matching[0]}")
    for copies, what in [((result - dense) / (expected - dense), "Wx, Wh and b"),
                         (result / expected, "all weights")]:
        if copies > 1 and copies == int(copies):
            fail(f"{shown}, which is {int(copies)} copies of {what}. The same weights serve every time "
                 f"step; they are stored and counted once, whatever T is (which is why the function has "
                 f"no T argument).")
    fail(f"{shown}. Count Wx (D, H), Wh (H, H), b (H,) for the SimpleRNN and Wy (H, V), by (V,) for the "
         f"Dense layer.")


def check_count_rnn_parameters_basic(fn):
    """Visible: the seed's model (17 characters in and out, 50 units) and the a/b model of the notebook."""
    COUNT_RNN_PARAMETERS.own_work(fn)
    _check_count(fn, 17, 50, 17)
    _check_count(fn, 4, 8, 1)


def check_count_rnn_parameters_random(fn):
    """Hidden: sizes of 1, D == H, large sizes, random sizes; always against Keras."""
    COUNT_RNN_PARAMETERS.own_work(fn)
    rng = np.random.default_rng(301)
    cases = [(3, 64, 10), (100, 7, 2), (2, 300, 40)]
    cases += [tuple(int(n) for n in rng.integers(1, 60, size=3)) for _ in range(3)]
    for D, H, V in cases + [(5, 5, 5), (1, 1, 1)]:                   # last: here different mistakes coincide
        _check_count(fn, D, H, V)
