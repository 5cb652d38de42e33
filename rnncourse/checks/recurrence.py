"""Checks of unit 01_recurrence: one RNN step, a whole sequence, and the parameter count.

Shapes as everywhere in the course: ``x (N, D)`` or ``(N, T, D)``, ``h (N, H)``,
``Wx (D, H)``, ``Wh (H, H)``, ``b (H,)``; ``V`` outputs of the Dense layer.
"""

import numpy as np

from ..course.setup import quiet_tensorflow
from .core import assert_own_work, call, expect_close, fail, reference, register

register({
    "rnn_step_forward": "rnncourse.reference.rnn:rnn_step_forward",
    "rnn_forward": "rnncourse.reference.rnn:rnn_forward",
    "count_rnn_parameters": "rnncourse.reference.rnn:count_rnn_parameters",
    "run_over_time": "rnncourse.reference.rnn:run_over_time",  # rnn_forward's loop: not an answer either
})

STEP_SHAPES = ("x (N, D) @ Wx (D, H) is (N, H); prev_h (N, H) @ Wh (H, H) is (N, H); b (H,) is added to "
               "every row. Row vectors, batch first: the input multiplies Wx from the left.")


def _inputs(rng, N, D, H, T=None, dtype=np.float64, zero_h=False):
    """Seeded random inputs: x (N, D) or (N, T, D), h (N, H), Wx, Wh, b."""
    x = rng.standard_normal((N, D) if T is None else (N, T, D))
    h = np.zeros((N, H)) if zero_h else rng.uniform(-1, 1, (N, H))  # a state lies in (-1, 1)
    Wx, Wh, b = 0.6 * rng.standard_normal((D, H)), 0.6 * rng.standard_normal((H, H)), rng.standard_normal(H)
    return tuple(a.astype(dtype) for a in (x, h, Wx, Wh, b))


FORWARD_SHAPES = ("x (N, T, D): x[:, t] is the input at step t, shape (N, D); h0 (N, H); each step "
                  "returns next_h (N, H), and h (N, T, H) stacks them on axis 1. " + STEP_SHAPES)


def _call(fn, exercise, *args):
    """``call``, with the shapes spelled out when the learner's code raised an error."""
    shapes = FORWARD_SHAPES if exercise == "rnn_forward" else STEP_SHAPES
    return call(fn, exercise, *args, explain=f"Shapes: {shapes}")


def _pair(result, exercise, first):
    if isinstance(result, np.ndarray):
        fail(f"`{exercise}` returned one array; it should return a tuple ({first}, cache). "
             f"End with `return {first}, cache`.")
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        fail(f"`{exercise}` should return a tuple ({first}, cache); it returned {type(result).__name__}"
             + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "") + ".")
    value = result[0]
    if not isinstance(value, np.ndarray):
        fail(f"{first} should be a numpy array; it is a {type(value).__name__}.")
    return value


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _step_mistakes(x, prev_h, Wx, Wh, b):
    """What the common wrong versions of one step return, with what to tell the learner."""
    D, H = Wx.shape
    a = x @ Wx + prev_h @ Wh + b                                     # the pre-activation (N, H)
    mistakes = [
        (np.tanh(x @ Wx + prev_h @ Wh),
         "it matches tanh(x Wx + prev_h Wh) without the bias: add b inside the tanh."),
        (np.maximum(a, 0), "it matches relu(x Wx + prev_h Wh + b). This RNN uses tanh: np.tanh(...)."),
        (_sigmoid(a), "it matches sigmoid(x Wx + prev_h Wh + b). This RNN uses tanh, whose outputs lie in "
                      "(-1, 1) and are centred on 0: np.tanh(...)."),
        (a, "it matches x Wx + prev_h Wh + b, the pre-activation: apply the activation, np.tanh(...)."),
        (np.tanh(x @ Wx + b), "it matches tanh(x Wx + b): prev_h is missing. The previous state is what "
                              "gives the RNN its memory: add prev_h @ Wh."),
        (np.tanh(prev_h @ Wh + b), "it matches tanh(prev_h Wh + b): the input x is missing; add x @ Wx."),
        (np.tanh(x @ Wx + prev_h @ Wh.T + b),
         "it matches tanh(x Wx + prev_h Wh.T + b): in the row-vector convention prev_h multiplies Wh "
         "from the left, as it is: prev_h @ Wh (Wh[i, j] connects unit i of prev_h to unit j of next_h)."),
    ]
    if D == H:  # only when the shapes allow these mistakes to run at all
        mistakes += [
            (np.tanh(x @ Wh + prev_h @ Wx + b),
             "it matches tanh(x Wh + prev_h Wx + b): Wx and Wh are swapped. Wx (D, H) reads the input "
             "x; Wh (H, H) reads the previous state prev_h. (Here D == H, so the swap ran without a "
             "shape error.)"),
            (np.tanh(x @ Wx.T + prev_h @ Wh.T + b),
             "it matches tanh(x Wx.T + prev_h Wh.T + b), the column-vector formula: with row vectors "
             "write x @ Wx + prev_h @ Wh, weights as given (Keras's layout)."),
        ]
    return mistakes


def _check_step(fn, x, prev_h, Wx, Wh, b):
    expected, _ = reference("rnn_step_forward")(x, prev_h, Wx, Wh, b)
    next_h = _pair(_call(fn, "rnn_step_forward", x, prev_h, Wx, Wh, b), "rnn_step_forward", "next_h")
    N, H = expected.shape
    if next_h.shape == (H, N) and N != H:
        fail(f"next_h has shape {next_h.shape}; expected (N, H) = {(N, H)}: one row per example. "
             f"Did you use the column convention (Wx.T @ x.T)? {STEP_SHAPES}")
    expect_close("next_h", next_h, expected, mistakes=_step_mistakes(x, prev_h, Wx, Wh, b))


def check_rnn_step_forward_basic(fn):
    """Visible: N = 2 examples, D = 3 inputs, H = 4 hidden units."""
    assert_own_work(fn, "rnn_step_forward")
    _check_step(fn, *_inputs(np.random.default_rng(0), N=2, D=3, H=4))


def check_rnn_step_forward_square(fn):
    """Hidden: D == H, so swapped or transposed weights run without a shape error."""
    assert_own_work(fn, "rnn_step_forward")
    rng = np.random.default_rng(101)
    for N, H in [(3, 5), (1, 2), (4, 4)]:
        _check_step(fn, *_inputs(rng, N=N, D=H, H=H))


def check_rnn_step_forward_random(fn):
    """Hidden: other sizes, one example, one unit, float32, a zero state, large inputs."""
    assert_own_work(fn, "rnn_step_forward")
    rng = np.random.default_rng(102)
    for N, D, H in [(5, 7, 3), (1, 1, 1), (6, 2, 9)]:
        _check_step(fn, *_inputs(rng, N=N, D=D, H=H))
    _check_step(fn, *_inputs(rng, N=3, D=4, H=6, dtype=np.float32))
    _check_step(fn, *_inputs(rng, N=3, D=4, H=6, zero_h=True))
    x, h, Wx, Wh, b = _inputs(rng, N=4, D=3, H=5)
    _check_step(fn, 10 * x, h, Wx, Wh, b)                  # saturated: tanh near +-1


# --- rnn_forward --------------------------------------------------------------------------

def _run(step, x, h0):
    """States h_1 .. h_T (N, T, H) of the recurrence prev_h -> step(x_t, prev_h)."""
    states, prev_h = [], h0
    for t in range(x.shape[1]):
        prev_h = step(x[:, t], prev_h)
        states.append(prev_h)
    return np.stack(states, axis=1)


def _forward_mistakes(x, h0, Wx, Wh, b, expected):
    N, T, D = x.shape
    H = h0.shape[1]
    from_h0 = np.tanh(x @ Wx + (h0 @ Wh)[:, None] + b)               # every step reads h0
    pre = _run(lambda xt, h: np.tanh(xt @ Wx + h @ Wh + b), x, h0)
    pre_activations = np.concatenate([h0[:, None], pre[:, :-1]], axis=1) @ Wh + x @ Wx + b
    check_step = " (If your rnn_forward calls your rnn_step_forward, fix that one first.)"
    mistakes = [
        (expected.transpose(1, 0, 2),
         f"the states are stacked on the wrong axis: h has shape (T, N, H) = {(T, N, H)}; the course "
         f"is batch first, (N, T, H) = {(N, T, H)}. Write h[:, t] = ..., or np.stack(states, axis=1)."),
        (np.concatenate([h0[:, None], expected], axis=1),
         f"h starts with h0: it holds h_0 .. h_T, T + 1 = {T + 1} states. Return only the new states "
         f"h_1 .. h_T; the caller already has h0."),
        (np.concatenate([h0[:, None], expected[:, :-1]], axis=1),
         "h[:, 0] is h0 and h_T is missing: store each state after computing it (h[:, t] is h_{t+1}, "
         "the state after reading x[:, t])."),
        (expected[:, -1], "it holds only the last state h_T (N, H); return every state h_1 .. h_T, "
                          "shape (N, T, H)."),
        (from_h0, "every step starts from h0: h[:, t] = tanh(x_t Wx + h0 Wh + b). Feed each new state "
                  "into the next step (prev_h = next_h inside the loop); that is the recurrence."),
        (pre_activations,
         "h holds the pre-activations x_t Wx + h_{t-1} Wh + b. Store the states after the tanh: "
         "next_h, not what goes into np.tanh."),
        (_run(lambda xt, h: np.tanh(xt @ Wx + h @ Wh), x, h0),
         "the states are computed without the bias b." + check_step),
        (_run(lambda xt, h: np.maximum(xt @ Wx + h @ Wh + b, 0), x, h0),
         "the states are computed with relu instead of tanh." + check_step),
        (_run(lambda xt, h: _sigmoid(xt @ Wx + h @ Wh + b), x, h0),
         "the states are computed with sigmoid instead of tanh." + check_step),
        (_run(lambda xt, h: xt @ Wx + h @ Wh + b, x, h0),
         "the states are computed without any activation: apply np.tanh at every step." + check_step),
        (_run(lambda xt, h: np.tanh(xt @ Wx + h @ Wh.T + b), x, h0),
         "the states are computed with Wh.T: with row vectors it is prev_h @ Wh." + check_step),
    ]
    if D == H:
        mistakes.append((_run(lambda xt, h: np.tanh(xt @ Wh + h @ Wx + b), x, h0),
                         "the states are computed with Wx and Wh swapped: x_t @ Wx + prev_h @ Wh." + check_step))
    if N == T:
        mistakes.append((_run(lambda xt, h: np.tanh(xt @ Wx + h @ Wh + b), x.transpose(1, 0, 2), h0),
                         "step t reads x[t], which is example t; the input at time t is x[:, t], shape (N, D)."))
    return mistakes


def _check_forward(fn, x, h0, Wx, Wh, b):
    expected, _ = reference("rnn_forward")(x, h0, Wx, Wh, b)
    h = _pair(_call(fn, "rnn_forward", x, h0, Wx, Wh, b), "rnn_forward", "h")
    mistakes = _forward_mistakes(x, h0, Wx, Wh, b, expected)
    for wrong, explanation in mistakes:                # the wrong shapes, which expect_close
        if wrong.shape != expected.shape and h.shape == wrong.shape and np.allclose(h, wrong):
            fail(f"h: {explanation}")                  # cannot compare with the expected values
    expect_close("h", h, expected, mistakes=[m for m in mistakes if m[0].shape == expected.shape])


def check_rnn_forward_basic(fn):
    """Visible: N = 2 sequences of T = 3 steps, D = 4, H = 5, from a non-zero h0."""
    assert_own_work(fn, "rnn_forward")
    x, h0, Wx, Wh, b = _inputs(np.random.default_rng(1), N=2, T=3, D=4, H=5)
    _check_forward(fn, x, h0, Wx, Wh, b)


def check_rnn_forward_random(fn):
    """Hidden: N == T, D == H, T = 1, a zero h0, float32, a long sequence."""
    assert_own_work(fn, "rnn_forward")
    rng = np.random.default_rng(201)
    # first N == T and D == H, where x[t] for x[:, t] and swapped weights run without an error
    for N, T, D, H in [(5, 5, 3, 3), (4, 4, 3, 5), (3, 6, 4, 4), (2, 1, 3, 2), (1, 5, 1, 1)]:
        _check_forward(fn, *_inputs(rng, N=N, T=T, D=D, H=H))
    _check_forward(fn, *_inputs(rng, N=3, T=4, D=2, H=6, zero_h=True))
    _check_forward(fn, *_inputs(rng, N=2, T=7, D=3, H=4, dtype=np.float32))
    _check_forward(fn, *_inputs(rng, N=2, T=50, D=3, H=4))


# --- count_rnn_parameters -----------------------------------------------------------------

def keras_parameter_count(input_dim, units, output_dim):
    """``count_params()`` of Keras ``SimpleRNN(units)`` + ``Dense(output_dim)`` on sequences of
    ``input_dim`` features (of any length: the count does not depend on T)."""
    _, keras = quiet_tensorflow()
    model = keras.Sequential([keras.Input((None, input_dim)), keras.layers.SimpleRNN(units),
                              keras.layers.Dense(output_dim)])
    return model.count_params()


def _count_mistakes(D, H, V):
    rnn, dense = D * H + H * H + H, H * V + V
    return [
        (D * H + H * H + H * V, "that is the count without any bias: SimpleRNN has b (H,) and Dense "
                                "has by (V,), and Keras counts both."),
        (D * H + H * H + dense, "the SimpleRNN's bias b (H,) is missing."),
        (rnn + H * V, "the Dense layer's bias by (V,) is missing."),
        (D * H + H + dense, "the recurrent kernel Wh (H, H) is missing: it maps h_{t-1} to h_t."),
        (2 * D * H + H + dense, "Wh was counted with Wx's shape (D, H); it maps a state to a state, "
                                "so it is (H, H)."),
        (rnn, "that is the SimpleRNN alone: add the Dense layer, Wy (H, V) and by (V,)."),
        (rnn + D * V + V, "the Dense layer reads the state h_t (H numbers), not the input: Wy is (H, V)."),
        (dense, "that is the Dense layer alone: add the SimpleRNN's Wx (D, H), Wh (H, H) and b (H,)."),
    ]


def _check_count(fn, D, H, V):
    result = call(fn, "count_rnn_parameters", D, H, V)
    if isinstance(result, bool) or not isinstance(result, (int, np.integer)):
        fail(f"count_rnn_parameters should return an int; it returned {result!r} "
             f"({type(result).__name__}). A count is a whole number: use int arithmetic or int(...).")
    expected = keras_parameter_count(D, H, V)
    if result == expected:
        return
    shown = f"count_rnn_parameters({D}, {H}, {V}) is {result}; Keras counts {expected}"
    mistakes = _count_mistakes(D, H, V)
    matching = [explanation for wrong, explanation in mistakes if result == wrong]
    if len(matching) == 1:                             # with tiny sizes, several mistakes give one number
        fail(f"{shown}: {matching[0]}")
    rnn, dense = D * H + H * H + H, H * V + V
    for copies, per_step in [((result - dense) / rnn, "Wx, Wh and b"), (result / expected, "all weights")]:
        if copies > 1 and copies == int(copies):
            fail(f"{shown}, which is {int(copies)} copies of {per_step}. The same weights serve every "
                 f"time step; they are stored and counted once, whatever T is (which is why the "
                 f"function has no T argument).")
    fail(f"{shown}. Count Wx (D, H), Wh (H, H), b (H,) for the SimpleRNN and Wy (H, V), by (V,) for "
         f"the Dense layer.")


def check_count_rnn_parameters_basic(fn):
    """Visible: the seed's model (17 characters in and out, 50 units) and the a/b model of the notebook."""
    assert_own_work(fn, "count_rnn_parameters")
    _check_count(fn, 17, 50, 17)
    _check_count(fn, 4, 8, 1)


def check_count_rnn_parameters_random(fn):
    """Hidden: sizes of 1, D == H, large sizes, random sizes; always against Keras."""
    assert_own_work(fn, "count_rnn_parameters")
    rng = np.random.default_rng(301)
    cases = [(3, 64, 10), (100, 7, 2), (2, 300, 40)]
    cases += [tuple(int(n) for n in rng.integers(1, 60, size=3)) for _ in range(3)]
    cases += [(5, 5, 5), (1, 1, 1)]                    # last: here different mistakes coincide
    for D, H, V in cases:
        _check_count(fn, D, H, V)
