"""Checks of unit 06_lstm_gru: one LSTM step, an LSTM over a sequence, and one GRU step.

Keras's layout and gate order: the LSTM's ``Wx (D, 4H)``, ``Wh (H, 4H)``, ``b (4H,)`` hold the
blocks i, f, c, o side by side; the GRU's ``Wx (D, 3H)``, ``Wh (H, 3H)``, ``b (2, 3H)`` hold
z, r, h, with row 0 of ``b`` the input bias and row 1 the recurrent bias (``reset_after=True``).
Each wrong answer the checks name is computed here by a variant of the right formula.
"""

import itertools

import numpy as np

from .core import assert_own_work, call, expect_close, fail, reference, register

register({
    "lstm_step_forward": "rnncourse.reference.lstm:lstm_step_forward",
    "lstm_forward": "rnncourse.reference.lstm:lstm_forward",
    "gru_step_forward": "rnncourse.reference.gru:gru_step_forward",
})

LSTM_ORDER = "ifco"
GRU_ORDER = "zrh"


def _sigmoid(a):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-a))


ACTIVATION = {"sigmoid": _sigmoid, "tanh": np.tanh}
LSTM_ROLES = {"i": "the input gate i", "f": "the forget gate f", "c": "the candidate (block c)",
              "o": "the output gate o"}
GRU_ROLES = {"z": "the update gate z", "r": "the reset gate r", "h": "the candidate h_tilde (block h)"}

LSTM_SHAPES = ("x (N, D) @ Wx (D, 4H) and prev_h (N, H) @ Wh (H, 4H) are both (N, 4H); add b (4H,), then "
               "cut the 4H columns into four blocks of H: a[:, :H] is i, a[:, H:2*H] is f, a[:, 2*H:3*H] is "
               "the candidate c, a[:, 3*H:] is o. prev_c, next_c and next_h are (N, H).")
FORWARD_SHAPES = ("x (N, T, D): x[:, t] is the input at step t, shape (N, D); h0 (N, H); the cell starts "
                  "at zeros (N, H); h (N, T, H) stacks the T new states on axis 1. " + LSTM_SHAPES)
GRU_SHAPES = ("x (N, D) @ Wx (D, 3H) and prev_h (N, H) @ Wh (H, 3H) are both (N, 3H). b has shape (2, 3H): "
              "b[0] (3H,) is added to x @ Wx, b[1] (3H,) to prev_h @ Wh. Blocks of H columns: [:, :H] is z, "
              "[:, H:2*H] is r, [:, 2*H:] is the candidate h.")


# --- shared helpers ------------------------------------------------------------------------

def _call(fn, exercise, shapes, *args):
    """``call`` with overflow warnings of a plain sigmoid silenced, and shapes spelled out on errors."""
    with np.errstate(over="ignore"):
        return call(fn, exercise, *args, explain=f"Shapes: {shapes}")


def _tuple(result, exercise, names):
    """The arrays of a returned tuple ``names + (cache,)``, explained when the tuple is wrong."""
    wanted = f"({', '.join(names)}, cache)"
    if isinstance(result, np.ndarray):
        fail(f"`{exercise}` returned one array; it should return a tuple {wanted}. "
             f"End with `return {', '.join(names)}, cache`.")
    if not isinstance(result, (tuple, list)) or len(result) != len(names) + 1:
        got = f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""
        hint = (f" The cache comes last, after {' and '.join(names)}." if isinstance(result, (tuple, list))
                and len(result) == len(names) else "")
        fail(f"`{exercise}` should return a tuple {wanted}; it returned a {type(result).__name__}{got}.{hint}")
    values = result[:len(names)]
    for name, value in zip(names, values):
        if not isinstance(value, np.ndarray):
            fail(f"{name} should be a numpy array; it is a {type(value).__name__}.")
    return values


def _inputs(seed, N, D, H, blocks, T=None, dtype=np.float64, zero_state=False, gru_bias=False):
    """Seeded random inputs x, h (and c for the LSTM), Wx, Wh, b."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, D) if T is None else (N, T, D))
    h = np.zeros((N, H)) if zero_state else rng.uniform(-1, 1, (N, H))   # a state lies in (-1, 1)
    c = np.zeros((N, H)) if zero_state else 1.5 * rng.standard_normal((N, H))  # a cell is unbounded
    Wx = 0.6 * rng.standard_normal((D, blocks * H))
    Wh = 0.6 * rng.standard_normal((H, blocks * H))
    b = rng.standard_normal((2, blocks * H) if gru_bias else blocks * H)
    return tuple(a.astype(dtype) for a in (x, h, c, Wx, Wh, b))


def _order_name(order):
    return ", ".join(order)


# --- lstm_step_forward ---------------------------------------------------------------------

def lstm_variant(x, prev_h, prev_c, Wx, Wh, b, order=LSTM_ORDER, acts=None, cell="right", out="right",
                 bias=True, swap_weights=False):
    """One LSTM step with a mistake switched on; returns ``(next_h, next_c)``.

    ``order``: the roles of the four column blocks, in the order the answer reads them
    (Keras: "ifco"). ``acts``: activations by role. ``cell``/``out``: how next_c and next_h
    are formed. ``bias``: whether b is added. ``swap_weights``: x @ Wh + prev_h @ Wx.
    """
    H = prev_h.shape[1]
    A, B = (Wh, Wx) if swap_weights else (Wx, Wh)
    a = x @ A + prev_h @ B + (b if bias else 0)
    block = {role: a[:, k * H:(k + 1) * H] for k, role in enumerate(order)}
    act = {"i": "sigmoid", "f": "sigmoid", "c": "tanh", "o": "sigmoid", **(acts or {})}
    i, f, g, o = (ACTIVATION[act[role]](block[role]) for role in "ifco")
    next_c = {"right": f * prev_c + i * g,
              "no_forget": prev_c + i * g,
              "forget_after": f * (prev_c + i * g),
              "no_input_gate": f * prev_c + g,
              "coupled": f * prev_c + (1 - f) * g}[cell]
    next_h = {"right": o * np.tanh(next_c),
              "no_tanh": o * next_c,
              "old_cell": o * np.tanh(prev_c),
              "no_output_gate": np.tanh(next_c),
              "tanh_outside": np.tanh(o * next_c)}[out]
    return next_h, next_c


_ORDER_NOTES = {
    "fico": ("the first two blocks are swapped, so the forget gate multiplies the candidate (it is applied to "
             "the input) and the input gate multiplies prev_c. In Keras block 0 is the input gate i, which "
             "scales what is written: i * g; block 1 is the forget gate f, which scales what is kept: f * prev_c."),
    "ifoc": ("that is the order i, f, o, c (CS231n's assignment writes i, f, o, g). Keras puts the candidate "
             "third and the output gate last: i, f, c, o."),
    "icfo": ("that is the order i, c, f, o (TensorFlow 1's BasicLSTMCell, which calls the candidate j). Keras "
             "uses i, f, c, o."),
}

_LSTM_CELL_MISTAKES = {
    "no_forget": "next_c = prev_c + i * g: the forget gate is missing. It scales the old cell: "
                 "next_c = f * prev_c + i * g.",
    "forget_after": "next_c = f * (prev_c + i * g): the forget gate is applied to the new input as well. It "
                    "scales only the old cell; the new part is added after: f * prev_c + i * g.",
    "no_input_gate": "next_c = f * prev_c + g: the input gate is missing. It scales the candidate before it is "
                     "added: f * prev_c + i * g.",
    "coupled": "next_c = f * prev_c + (1 - f) * g couples writing to forgetting (the GRU does that). The LSTM "
               "has its own input gate: next_c = f * prev_c + i * g.",
}

_LSTM_OUT_MISTAKES = {
    "no_tanh": "next_h = o * next_c: next_h comes from next_c without the tanh. Squash the cell first: "
               "next_h = o * tanh(next_c) (the cell is unbounded; h lies in (-1, 1)).",
    "old_cell": "next_h = o * tanh(prev_c) uses the old cell. Update the cell first, then read it: "
                "next_h = o * tanh(next_c).",
    "no_output_gate": "next_h = tanh(next_c): the output gate is missing: next_h = o * tanh(next_c).",
    "tanh_outside": "next_h = tanh(o * next_c): the output gate belongs outside the tanh: o * tanh(next_c).",
}


def _wrong_activation(act, role):
    right = "tanh" if role == "c" else "sigmoid"
    what = ("squashes the candidate into (-1, 1), so the cell can also be decreased" if role == "c"
            else "gives a gate a value in (0, 1): a fraction to let through")
    return (f"it matches {LSTM_ROLES[role]} computed with {act}; use {right}, which {what}. "
            f"(sigmoid for i, f, o; tanh for the candidate and for the cell before the output gate.)")


def _lstm_step_mistakes(args, which):
    """``[(wrong, explanation)]`` for next_h (which=0) or next_c (which=1) on these inputs."""
    x, prev_h, prev_c, Wx, Wh, b = args
    D, H = Wx.shape[0], prev_h.shape[1]
    variants = []
    for order in ("fico", "ifoc", "icfo"):
        variants.append(({"order": order}, _ORDER_NOTES[order]))
    for cell, explanation in _LSTM_CELL_MISTAKES.items():
        variants.append(({"cell": cell}, explanation))
    for out, explanation in _LSTM_OUT_MISTAKES.items():
        variants.append(({"out": out}, explanation))
    for role in "ifco":
        act = "sigmoid" if role == "c" else "tanh"
        variants.append(({"acts": {role: act}}, _wrong_activation(act, role)))
    variants.append(({"acts": {"i": "tanh", "f": "tanh", "o": "tanh"}},
                     "it matches tanh for every block. The gates i, f, o use sigmoid (a fraction in (0, 1)); "
                     "only the candidate uses tanh."))
    variants.append(({"bias": False}, "it matches the answer without the bias: add b (4H,) to x Wx + prev_h Wh."))
    if D == H:
        variants.append(({"swap_weights": True}, "it matches x @ Wh + prev_h @ Wx: Wx and Wh are swapped. Wx "
                                                  "(D, 4H) reads x, Wh (H, 4H) reads prev_h. (Here D == H, so the "
                                                  "swap ran without a shape error.)"))
    for order in itertools.permutations(LSTM_ORDER):   # any other order of the blocks
        order = "".join(order)
        if order != LSTM_ORDER and order not in _ORDER_NOTES:
            variants.append(({"order": order}, f"the four blocks are read in the order {_order_name(order)}. "
                                               f"Keras's order is i, f, c, o: a[:, :H] is i, a[:, H:2*H] f, "
                                               f"a[:, 2*H:3*H] the candidate, a[:, 3*H:] o."))
    return [(lstm_variant(*args, **kw)[which], explanation) for kw, explanation in variants]


def _check_lstm_step(fn, args, atol=1e-6, rtol=1e-5):
    expected_h, expected_c, _ = reference("lstm_step_forward")(*args)
    result = _call(fn, "lstm_step_forward", LSTM_SHAPES, *args)
    next_h, next_c = _tuple(result, "lstm_step_forward", ("next_h", "next_c"))
    if (next_h.shape == expected_c.shape and next_c.shape == expected_h.shape
            and np.allclose(next_h, expected_c, atol=atol) and np.allclose(next_c, expected_h, atol=atol)):
        fail("next_h and next_c are swapped: return (next_h, next_c, cache), in that order.")
    expect_close("next_c", next_c, expected_c, mistakes=_lstm_step_mistakes(args, 1), atol=atol, rtol=rtol)
    expect_close("next_h", next_h, expected_h, mistakes=_lstm_step_mistakes(args, 0), atol=atol, rtol=rtol)


def check_lstm_step_forward_basic(fn):
    """Visible: N = 2, D = 3, H = 4, a random state and cell."""
    assert_own_work(fn, "lstm_step_forward")
    x, h, c, Wx, Wh, b = _inputs(0, N=2, D=3, H=4, blocks=4)
    _check_lstm_step(fn, (x, h, c, Wx, Wh, b))


def check_lstm_step_forward_random(fn):
    """Hidden: D == H, one unit, one example, float32, a zero state, large inputs, Keras parity."""
    assert_own_work(fn, "lstm_step_forward")
    for seed, (N, D, H) in enumerate([(3, 5, 5), (4, 2, 6), (1, 3, 2), (5, 1, 1), (2, 7, 3)], start=10):
        x, h, c, Wx, Wh, b = _inputs(seed, N, D, H, blocks=4)
        _check_lstm_step(fn, (x, h, c, Wx, Wh, b))
    x, h, c, Wx, Wh, b = _inputs(20, 3, 4, 5, blocks=4, zero_state=True)
    _check_lstm_step(fn, (x, h, c, Wx, Wh, b))
    x, h, c, Wx, Wh, b = _inputs(21, 3, 4, 5, blocks=4)
    _check_lstm_step(fn, (5 * x, h, c, Wx, Wh, b))                         # saturated gates
    args = _inputs(22, 4, 3, 5, blocks=4, dtype=np.float32)
    _check_lstm_step(fn, args, atol=1e-5, rtol=1e-4)
    x, h, c, Wx, Wh, b = _inputs(23, 3, 2, 4, blocks=4, zero_state=True, dtype=np.float32)
    keras_h = _keras_lstm_states(x[:, None], Wx, Wh, b)[:, 0]              # Keras starts from zeros
    next_h = _tuple(_call(fn, "lstm_step_forward", LSTM_SHAPES, x, h, c, Wx, Wh, b),
                    "lstm_step_forward", ("next_h", "next_c"))[0]
    expect_close("next_h compared with a Keras LSTM holding the same weights", next_h, keras_h,
                 atol=1e-5, rtol=1e-4)


# --- lstm_forward --------------------------------------------------------------------------

def _keras_lstm_states(x, Wx, Wh, b):
    from ..models.convert import keras_lstm
    return np.asarray(keras_lstm(Wx, Wh, b)(x.astype(np.float32)))


def _lstm_run(x, h0, c0, step, carry_c=True, carry_h=True, keep="h"):
    """States of the recurrence with ``step(x_t, h, c) -> (h, c)``: h's (or c's) (N, T, H)."""
    h, c, kept = h0, c0, []
    for t in range(x.shape[1]):
        new_h, new_c = step(x[:, t], h, c)
        kept.append(new_h if keep == "h" else new_c)
        h = new_h if carry_h else h0
        c = new_c if carry_c else c0
    return np.stack(kept, axis=1)


def _forward_mistakes(x, h0, Wx, Wh, b, expected):
    N, T, D = x.shape
    H = h0.shape[1]
    zeros = np.zeros_like(h0)

    def run(c0=zeros, carry_c=True, carry_h=True, keep="h", data=x, **variant):
        step = lambda xt, h, c: lstm_variant(xt, h, c, Wx, Wh, b, **variant)  # noqa: E731
        return _lstm_run(data, h0, c0, step, carry_c, carry_h, keep)

    fix_step = " (If your lstm_forward calls your lstm_step_forward, make its tests pass first.)"
    mistakes = [
        (expected.transpose(1, 0, 2),
         f"the states are stacked on the wrong axis: h has shape (T, N, H) = {(T, N, H)}; the course is "
         f"batch first, (N, T, H) = {(N, T, H)}. Write h[:, t] = next_h, or np.stack(states, axis=1)."),
        (np.concatenate([h0[:, None], expected], axis=1),
         f"h starts with h0: it holds T + 1 = {T + 1} states. Return only the new states h_1 .. h_T."),
        (np.concatenate([h0[:, None], expected[:, :-1]], axis=1),
         "h[:, 0] is h0 and h_T is missing: store each state after computing it."),
        (expected[:, -1], "it holds only the last state h_T (N, H); return every state, shape (N, T, H)."),
        (run(keep="c"), "h holds the cell states c_1 .. c_T. Return the hidden states h_t = o * tanh(c_t); "
                        "the cell stays inside the LSTM."),
        (run(c0=h0), "the cell starts from h0. Keras (and this exercise) starts the cell at zeros: "
                     "c = np.zeros_like(h0), while h starts from h0."),
        (run(carry_c=False), "every step starts from a zero cell: carry next_c into the next step "
                             "(prev_c = next_c), as you carry next_h. The cell is the LSTM's memory."),
        (run(carry_h=False), "every step reads h0: feed each new state into the next step (prev_h = next_h)."),
        (run(order="ifoc"), "the states are computed with the gate order i, f, o, c; Keras's is i, f, c, o."
                            + fix_step),
        (run(order="fico"), "the states are computed with the input and forget gates swapped (Keras: i, f, c, "
                            "o)." + fix_step),
        (run(out="no_tanh"), "the states are computed as o * c_t, without the tanh of the cell." + fix_step),
        (run(cell="no_forget"), "the states are computed without the forget gate." + fix_step),
        (run(bias=False), "the states are computed without the bias b." + fix_step),
    ]
    if N == T:
        mistakes.append((run(data=x.transpose(1, 0, 2)),
                         "step t reads x[t], which is example t; the input at time t is x[:, t], shape (N, D)."))
    return mistakes


def _check_forward(fn, args, atol=1e-6, rtol=1e-5):
    x, h0, Wx, Wh, b = args
    expected, _ = reference("lstm_forward")(*args)
    result = _call(fn, "lstm_forward", FORWARD_SHAPES, *args)
    if isinstance(result, (tuple, list)) and len(result) == 3:
        fail("`lstm_forward` should return a tuple (h, cache) of two; it returned three things. Return the "
             "hidden states h (N, T, H) and one cache (keep the cells inside the cache if you need them).")
    (h,) = _tuple(result, "lstm_forward", ("h",))
    mistakes = _forward_mistakes(x, h0, Wx, Wh, b, expected)
    for wrong, explanation in mistakes:                 # the wrong shapes first: expect_close cannot
        if wrong.shape != expected.shape and h.shape == wrong.shape and np.allclose(h, wrong, atol=atol):
            fail(f"h: {explanation}")
    expect_close("h", h, expected, mistakes=[m for m in mistakes if m[0].shape == expected.shape],
                 atol=atol, rtol=rtol)


def _forward_inputs(seed, N, T, D, H, dtype=np.float64, zero_h0=False):
    x, h0, _, Wx, Wh, b = _inputs(seed, N, D, H, blocks=4, T=T, dtype=dtype, zero_state=zero_h0)
    return x, h0, Wx, Wh, b


def check_lstm_forward_basic(fn):
    """Visible: N = 2 sequences of T = 3 steps, D = 4, H = 5, from a non-zero h0."""
    assert_own_work(fn, "lstm_forward")
    _check_forward(fn, _forward_inputs(1, N=2, T=3, D=4, H=5))


def check_lstm_forward_keras(fn):
    """Visible: equals Keras LSTM(return_sequences=True) with the same weights, from h0 = 0."""
    assert_own_work(fn, "lstm_forward")
    x, h0, Wx, Wh, b = _forward_inputs(2, N=3, T=6, D=2, H=4, dtype=np.float32, zero_h0=True)
    _check_forward(fn, (x, h0, Wx, Wh, b), atol=1e-5, rtol=1e-4)       # names a known mistake first
    (h,) = _tuple(_call(fn, "lstm_forward", FORWARD_SHAPES, x, h0, Wx, Wh, b), "lstm_forward", ("h",))
    expect_close("h compared with a Keras LSTM holding the same weights", h, _keras_lstm_states(x, Wx, Wh, b),
                 atol=1e-5, rtol=1e-4)


def check_lstm_forward_random(fn):
    """Hidden: N == T, D == H, T = 1, N = 1, H = 1, a zero h0, float32, a long sequence."""
    assert_own_work(fn, "lstm_forward")
    for seed, (N, T, D, H) in enumerate([(4, 4, 3, 3), (3, 3, 2, 5), (2, 1, 3, 2), (1, 6, 2, 3),
                                         (3, 5, 1, 1)], start=30):
        _check_forward(fn, _forward_inputs(seed, N, T, D, H))
    _check_forward(fn, _forward_inputs(40, 3, 4, 2, 6, zero_h0=True))
    _check_forward(fn, _forward_inputs(41, 2, 7, 3, 4, dtype=np.float32), atol=1e-5, rtol=1e-4)
    _check_forward(fn, _forward_inputs(42, 2, 60, 3, 4))


# --- gru_step_forward ----------------------------------------------------------------------

def gru_variant(x, prev_h, Wx, Wh, b, order=GRU_ORDER, acts=None, update="right", candidate="right",
                bias="right", swap_weights=False):
    """One GRU step with a mistake switched on; returns next_h.

    ``order``: the roles of the three column blocks as the answer reads them (Keras: "zrh").
    ``update``: how z mixes prev_h and h_tilde. ``candidate``: where the reset gate and the
    recurrent bias go. ``bias``: "right", "swapped" rows, "input_only", or "none".
    """
    H = prev_h.shape[1]
    A, B = (Wh, Wx) if swap_weights else (Wx, Wh)
    b_in, b_rec = {"right": (b[0], b[1]), "swapped": (b[1], b[0]), "input_only": (b[0], 0 * b[1]),
                   "none": (0 * b[0], 0 * b[1])}[bias]
    roles = {role: k for k, role in enumerate(order)}

    def cols(role):
        return slice(roles[role] * H, (roles[role] + 1) * H)

    ax = x @ A + b_in
    ah = prev_h @ B + b_rec
    act = {"z": "sigmoid", "r": "sigmoid", "h": "tanh", **(acts or {})}
    z = ACTIVATION[act["z"]](ax[:, cols("z")] + ah[:, cols("z")])
    r = ACTIVATION[act["r"]](ax[:, cols("r")] + ah[:, cols("r")])
    x_part, rec_product, rec_bias = ax[:, cols("h")], (prev_h @ B)[:, cols("h")], b_rec[cols("h")]
    pre = {"right": x_part + r * (rec_product + rec_bias),
           "reset_before": x_part + (r * prev_h) @ B[:, cols("h")] + rec_bias,
           "bias_outside": x_part + r * rec_product + rec_bias,
           "no_reset": x_part + rec_product + rec_bias}[candidate]
    h_tilde = ACTIVATION[act["h"]](pre)
    return {"right": z * prev_h + (1 - z) * h_tilde,
            "swapped": z * h_tilde + (1 - z) * prev_h,
            "no_mix": h_tilde,
            "dropped_prev": (1 - z) * h_tilde,
            "added": prev_h + (1 - z) * h_tilde}[update]


_GRU_MISTAKES = [
    ({"update": "swapped"},
     "it matches z * h_tilde + (1 - z) * prev_h: the update is interpolated the wrong way round. In Keras "
     "(and PyTorch) z is the fraction of the old state that is kept: next_h = z * prev_h + (1 - z) * h_tilde. "
     "(Some texts swap the roles of z and 1 - z; Keras's weights only fit Keras's formula.)"),
    ({"candidate": "reset_before"},
     "the reset gate is applied before the recurrent product, (r * prev_h) @ Wh_h: that is Keras's "
     "reset_after=False. This GRU (Keras's default, reset_after=True) applies it after the product, "
     "recurrent bias included: r * (prev_h @ Wh_h + b[1]_h)."),
    ({"candidate": "bias_outside"},
     "the recurrent bias of the candidate is added outside the reset gate (for example by adding b[0] + b[1] "
     "in one go): with reset_after=True it sits inside, h_tilde = tanh(x Wx_h + b[0]_h + r * (prev_h Wh_h + "
     "b[1]_h)). Keep the input part and the recurrent part, each with its own bias row, separate."),
    ({"bias": "swapped"},
     "the two rows of b are swapped: b[0] is the input bias (added to x @ Wx) and b[1] the recurrent bias "
     "(added to prev_h @ Wh, inside the reset gate for the candidate)."),
    ({"bias": "input_only"}, "the recurrent bias b[1] is missing: b has two rows, b[0] for x @ Wx and b[1] for "
                             "prev_h @ Wh."),
    ({"bias": "none"}, "it matches the answer without any bias: add b[0] to x @ Wx and b[1] to prev_h @ Wh."),
    ({"candidate": "no_reset"}, "the reset gate is missing from the candidate: h_tilde = tanh(x Wx_h + b[0]_h + "
                                "r * (prev_h Wh_h + b[1]_h))."),
    ({"order": "rzh"},
     "z and r are swapped: that is PyTorch's order (r, z, n). Keras's blocks are z, r, h: [:, :H] is the "
     "update gate z, [:, H:2*H] the reset gate r, [:, 2*H:] the candidate."),
    ({"update": "no_mix"}, "next_h is h_tilde alone: mix it with the old state, z * prev_h + (1 - z) * h_tilde."),
    ({"update": "dropped_prev"}, "next_h = (1 - z) * h_tilde: the kept part z * prev_h is missing."),
    ({"update": "added"}, "next_h = prev_h + (1 - z) * h_tilde: the old state must be scaled by z, "
                          "next_h = z * prev_h + (1 - z) * h_tilde, so that next_h stays in (-1, 1)."),
    ({"acts": {"h": "sigmoid"}}, "the candidate h_tilde is computed with sigmoid; use tanh (values in (-1, 1))."),
    ({"acts": {"z": "tanh"}}, "the update gate z is computed with tanh; gates use sigmoid (a fraction in (0, 1))."),
    ({"acts": {"r": "tanh"}}, "the reset gate r is computed with tanh; gates use sigmoid (a fraction in (0, 1))."),
]


def _gru_mistakes(args):
    x, prev_h, Wx, Wh, b = args
    D, H = Wx.shape[0], prev_h.shape[1]
    variants = list(_GRU_MISTAKES)
    if not np.any(prev_h):    # from a zero state, reset before / bias outside / no reset all give x + b[1]
        variants.insert(0, ({"candidate": "bias_outside"},
                            "from prev_h = 0 the candidate should be tanh(x Wx_h + b[0]_h + r * b[1]_h), but yours "
                            "adds all of b[1]_h: with reset_after=True the recurrent bias sits inside the reset "
                            "gate's product, r * (prev_h @ Wh_h + b[1]_h)."))
    if D == H:
        variants.append(({"swap_weights": True}, "it matches x @ Wh + prev_h @ Wx: Wx and Wh are swapped. Wx "
                                                 "(D, 3H) reads x, Wh (H, 3H) reads prev_h. (Here D == H.)"))
    for order in itertools.permutations(GRU_ORDER):
        order = "".join(order)
        if order not in (GRU_ORDER, "rzh"):
            variants.append(({"order": order}, f"the three blocks are read in the order {_order_name(order)}. "
                                               f"Keras's order is z, r, h."))
    return [(gru_variant(*args, **kw), explanation) for kw, explanation in variants]


def _gru_inputs(seed, N, D, H, dtype=np.float64, zero_state=False):
    x, h, _, Wx, Wh, b = _inputs(seed, N, D, H, blocks=3, dtype=dtype, zero_state=zero_state, gru_bias=True)
    return x, h, Wx, Wh, b


def _check_gru_step(fn, args, atol=1e-6, rtol=1e-5):
    x, prev_h, Wx, Wh, b = args
    expected, _ = reference("gru_step_forward")(*args)
    result = _call(fn, "gru_step_forward", GRU_SHAPES, *args)
    (next_h,) = _tuple(result, "gru_step_forward", ("next_h",))
    expect_close("next_h", next_h, expected, mistakes=_gru_mistakes(args), atol=atol, rtol=rtol)


def _keras_gru_states(x, h0, Wx, Wh, b):
    from ..models.convert import keras_gru
    layer = keras_gru(Wx, Wh, b).get_layer("gru")
    return np.asarray(layer(x.astype(np.float32), initial_state=h0.astype(np.float32)))


def check_gru_step_forward_basic(fn):
    """Visible: N = 3, D = 2, H = 4, a random state, both bias rows non-zero.

    N is neither 2 nor 3H, so a bias of shape (2, 3H) added whole raises an error instead of
    broadcasting silently over the rows.
    """
    assert_own_work(fn, "gru_step_forward")
    _check_gru_step(fn, _gru_inputs(0, N=3, D=2, H=4))


def check_gru_step_forward_keras(fn):
    """Visible: run over a sequence, the steps equal a Keras GRU with the same weights and h0."""
    assert_own_work(fn, "gru_step_forward")
    rng = np.random.default_rng(5)
    _, h0, Wx, Wh, b = _gru_inputs(5, N=3, D=2, H=4, dtype=np.float32)
    x = rng.standard_normal((3, 5, 2)).astype(np.float32)
    keras_h = _keras_gru_states(x, h0, Wx, Wh, b)                              # (N, T, H)
    prev_h = h0
    for t in range(x.shape[1]):
        args = (x[:, t], prev_h, Wx, Wh, b)
        _check_gru_step(fn, args, atol=1e-5, rtol=1e-4)                         # names a known mistake
        (prev_h,) = _tuple(_call(fn, "gru_step_forward", GRU_SHAPES, *args), "gru_step_forward", ("next_h",))
        expect_close(f"next_h at step {t + 1} compared with a Keras GRU holding the same weights",
                     prev_h, keras_h[:, t], atol=1e-5, rtol=1e-4)


def check_gru_step_forward_random(fn):
    """Hidden: D == H, one unit, one example, float32, a zero state, large inputs."""
    assert_own_work(fn, "gru_step_forward")
    for seed, (N, D, H) in enumerate([(3, 5, 5), (4, 2, 6), (1, 3, 2), (5, 1, 1), (2, 7, 3)], start=50):
        _check_gru_step(fn, _gru_inputs(seed, N, D, H))
    _check_gru_step(fn, _gru_inputs(60, 3, 4, 5, zero_state=True))
    x, h, Wx, Wh, b = _gru_inputs(61, 3, 4, 5)
    _check_gru_step(fn, (5 * x, h, Wx, Wh, b))
    _check_gru_step(fn, _gru_inputs(62, 4, 3, 5, dtype=np.float32), atol=1e-5, rtol=1e-4)
