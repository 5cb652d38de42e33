"""Checks of unit 06_lstm_gru: one LSTM step, an LSTM over a sequence, one LSTM step backwards,
and one GRU step.

Keras's layout and gate order: the LSTM's ``Wx (D, 4H)``, ``Wh (H, 4H)``, ``b (4H,)`` hold the
blocks i, f, c, o side by side; the GRU's ``Wx (D, 3H)``, ``Wh (H, 3H)``, ``b (2, 3H)`` hold
z, r, h, with row 0 of ``b`` the input bias and row 1 the recurrent bias (``reset_after=True``).
A wrong order of the blocks is the reference run on weights whose blocks are moved; a wrong
formula, a variant step computed from the reference's gates. The backward step is given the
reference's cache ``(x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c)``; its known mistakes are
variants computed from that cache.
"""

import functools
import itertools

import numpy as np

from ..models.convert import keras_gru, keras_lstm
from ..reference import gru, lstm
from ..reference.lstm import sigmoid
from ..reference.rnn import run_over_time
from .harness import Exercise, close, expect_close, fail, rnn_inputs

LSTM_SHAPES = ("x (N, D) @ Wx (D, 4H) and prev_h (N, H) @ Wh (H, 4H) are both (N, 4H); add b (4H,), then "
               "cut the 4H columns into four blocks of H: a[:, :H] is i, a[:, H:2*H] is f, a[:, 2*H:3*H] is "
               "the candidate c, a[:, 3*H:] is o. prev_c, next_c and next_h are (N, H).")
FORWARD_SHAPES = ("x (N, T, D): x[:, t] is the input at step t, shape (N, D); h0 (N, H); the cell starts "
                  "at zeros (N, H); h (N, T, H) stacks the T new states on axis 1. " + LSTM_SHAPES)
GRU_SHAPES = ("x (N, D) @ Wx (D, 3H) and prev_h (N, H) @ Wh (H, 3H) are both (N, 3H). b has shape (2, 3H): "
              "b[0] (3H,) is added to x @ Wx, b[1] (3H,) to prev_h @ Wh. Blocks of H columns: [:, :H] is z, "
              "[:, H:2*H] is r, [:, 2*H:] is the candidate h.")

# lstm_forward over one step from c0 = prev_c is a step; keras_lstm computes the same states
LSTM_STEP_FORWARD = Exercise("lstm_step_forward", explain=f"Shapes: {LSTM_SHAPES}",
                             forbids=(lstm.lstm_step_forward, lstm.lstm_forward, keras_lstm))
LSTM_FORWARD = Exercise("lstm_forward", explain=f"Shapes: {FORWARD_SHAPES}",
                        forbids=(lstm.lstm_forward, lstm.lstm_step_forward, run_over_time, keras_lstm))
GRU_STEP_FORWARD = Exercise("gru_step_forward", explain=f"Shapes: {GRU_SHAPES}",
                            forbids=(gru.gru_step_forward, gru.gru_forward, keras_gru))
LSTM_ORDER, GRU_ORDER = "".join(lstm.GATES), "".join(gru.GATES)
LSTM_ROLES = {"i": "the input gate i", "f": "the forget gate f", "c": "the candidate (block c)",
              "o": "the output gate o"}
QUIET = dict(over="ignore")          # a plain sigmoid, 1 / (1 + np.exp(-a)), overflows harmlessly


def _reordered(order, keras_order, *weights):
    """``weights`` with their column blocks moved, so that the reference reads role r from the block an
    answer reading the blocks in ``order`` takes it from (``order.index(r)``)."""
    return [np.concatenate([np.split(w, len(order), axis=-1)[order.index(role)] for role in keras_order],
                           axis=-1) for w in weights]


def _orders(keras_order, notes, other):
    """Every other order of the blocks: ``(order, explanation)``, from ``notes`` or ``other(order)``."""
    orders = ("".join(p) for p in itertools.permutations(keras_order))
    return [(o, notes.get(o) or other(", ".join(o))) for o in orders if o != keras_order]


# --- lstm_step_forward ---------------------------------------------------------------------

def _lstm(x, prev_h, prev_c, Wx, Wh, b):
    return lstm.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)[:2]


def _lstm_with(cell=lambda c, i, f, g: f * c + i * g, out=lambda o, c, new: o * np.tanh(new)):
    """A step computing ``next_c = cell(prev_c, i, f, g)`` and ``next_h = out(o, prev_c, next_c)`` from the
    reference's gates."""
    def step(x, prev_h, prev_c, Wx, Wh, b):
        i, f, g, o = lstm.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)[2][5:9]
        next_c = cell(prev_c, i, f, g)
        return out(o, prev_c, next_c), next_c
    return step


def _lstm_activations(**act):
    """A step whose blocks use the activations ``act`` (role -> function) instead of Keras's."""
    def step(x, prev_h, prev_c, Wx, Wh, b):
        blocks = np.split(x @ Wx + prev_h @ Wh + b, 4, axis=1)
        i, f, g, o = (act.get(r, np.tanh if r == "c" else sigmoid)(a) for r, a in zip(LSTM_ORDER, blocks))
        next_c = f * prev_c + i * g
        return o * np.tanh(next_c), next_c
    return step


def _wrong_activation(act, role):
    right = "tanh" if role == "c" else "sigmoid"
    what = ("squashes the candidate into (-1, 1), so the cell can also be decreased" if role == "c"
            else "gives a gate a value in (0, 1): a fraction to let through")
    return (f"it matches {LSTM_ROLES[role]} computed with {act}; use {right}, which {what}. "
            f"(sigmoid for i, f, o; tanh for the candidate and for the cell before the output gate.)")


LSTM_ORDER_NOTES = {
    "fico": ("the first two blocks are swapped, so the forget gate multiplies the candidate (it is applied to "
             "the input) and the input gate multiplies prev_c. In Keras block 0 is the input gate i, which "
             "scales what is written: i * g; block 1 is the forget gate f, which scales what is kept: f * prev_c."),
    "ifoc": ("that is the order i, f, o, c (CS231n's assignment writes i, f, o, g). Keras puts the candidate "
             "third and the output gate last: i, f, c, o."),
    "icfo": ("that is the order i, c, f, o (TensorFlow 1's BasicLSTMCell, which calls the candidate j). Keras "
             "uses i, f, c, o."),
}

# The common wrong steps: (what to tell the learner, the step, returning (next_h, next_c)).
WRONG_LSTM_STEPS = [
    *[(note, lambda x, h, c, Wx, Wh, b, order=order: _lstm(x, h, c, *_reordered(order, LSTM_ORDER, Wx, Wh, b)))
      for order, note in _orders(LSTM_ORDER, LSTM_ORDER_NOTES, lambda o: (
          f"the four blocks are read in the order {o}. Keras's order is i, f, c, o: a[:, :H] is i, a[:, H:2*H] "
          f"f, a[:, 2*H:3*H] the candidate, a[:, 3*H:] o."))],
    ("next_c = prev_c + i * g: the forget gate is missing. It scales the old cell: next_c = f * prev_c + i * g.",
     _lstm_with(cell=lambda c, i, f, g: c + i * g)),
    ("next_c = f * (prev_c + i * g): the forget gate is applied to the new input as well. It scales only the "
     "old cell; the new part is added after: f * prev_c + i * g.", _lstm_with(cell=lambda c, i, f, g: f * (c + i * g))),
    ("next_c = f * prev_c + g: the input gate is missing. It scales the candidate before it is added: "
     "f * prev_c + i * g.", _lstm_with(cell=lambda c, i, f, g: f * c + g)),
    ("next_c = f * prev_c + (1 - f) * g couples writing to forgetting (the GRU does that). The LSTM has its "
     "own input gate: next_c = f * prev_c + i * g.", _lstm_with(cell=lambda c, i, f, g: f * c + (1 - f) * g)),
    ("next_h = o * next_c: next_h comes from next_c without the tanh. Squash the cell first: next_h = "
     "o * tanh(next_c) (the cell is unbounded; h lies in (-1, 1)).", _lstm_with(out=lambda o, c, new: o * new)),
    ("next_h = o * tanh(prev_c) uses the old cell. Update the cell first, then read it: next_h = o * tanh(next_c).",
     _lstm_with(out=lambda o, c, new: o * np.tanh(c))),
    ("next_h = tanh(next_c): the output gate is missing: next_h = o * tanh(next_c).",
     _lstm_with(out=lambda o, c, new: np.tanh(new))),
    ("next_h = tanh(o * next_c): the output gate belongs outside the tanh: o * tanh(next_c).",
     _lstm_with(out=lambda o, c, new: np.tanh(o * new))),
    *[(_wrong_activation(act.__name__, role), _lstm_activations(**{role: act}))
      for role, act in [("i", np.tanh), ("f", np.tanh), ("c", sigmoid), ("o", np.tanh)]],
    ("it matches tanh for every block. The gates i, f, o use sigmoid (a fraction in (0, 1)); only the "
     "candidate uses tanh.", _lstm_activations(i=np.tanh, f=np.tanh, o=np.tanh)),
    ("it matches the answer without the bias: add b (4H,) to x Wx + prev_h Wh.",
     lambda x, h, c, Wx, Wh, b: _lstm(x, h, c, Wx, Wh, 0 * b)),
    ("it matches x @ Wh + prev_h @ Wx: Wx and Wh are swapped. Wx (D, 4H) reads x, Wh (H, 4H) reads prev_h. "
     "(Here D == H, so the swap ran without a shape error.)", lambda x, h, c, Wx, Wh, b: _lstm(x, h, c, Wh, Wx, b)),
]


@np.errstate(**QUIET)
def _check_lstm_step(fn, x, prev_h, prev_c, Wx, Wh, b, atol=1e-6, rtol=1e-5):
    args = (x, prev_h, prev_c, Wx, Wh, b)
    expected_h, expected_c = _lstm(*args)
    result = LSTM_STEP_FORWARD.call(fn, x=x, prev_h=prev_h, prev_c=prev_c, Wx=Wx, Wh=Wh, b=b)
    if isinstance(result, (tuple, list)) and len(result) == 2:
        fail("`lstm_step_forward` should return the tuple (next_h, next_c, cache); it returned two values. "
             "The cache comes last, after next_h and next_c.")
    next_h, next_c, _ = LSTM_STEP_FORWARD.returns(result, "next_h", "next_c", "cache")
    if next_h.shape == next_c.shape and np.allclose(next_h, expected_c) and np.allclose(next_c, expected_h):
        fail("next_h and next_c are swapped: return (next_h, next_c, cache), in that order.")
    for k, name, actual, expected in [(1, "next_c", next_c, expected_c), (0, "next_h", next_h, expected_h)]:
        mistakes = [(why, lambda wrong=wrong, k=k: wrong(*args)[k]) for why, wrong in WRONG_LSTM_STEPS]
        expect_close(name, actual, expected, mistakes=mistakes, atol=atol, rtol=rtol)
    return next_h


def check_lstm_step_forward_basic(fn):
    """Visible: N = 2, D = 3, H = 4, a random state and cell."""
    LSTM_STEP_FORWARD.own_work(fn)
    _check_lstm_step(fn, *rnn_inputs(0, N=2, D=3, H=4, blocks=4))


def check_lstm_step_forward_random(fn):
    """Hidden: D == H, one unit, one example, float32, a zero state, large inputs, Keras parity."""
    LSTM_STEP_FORWARD.own_work(fn)
    for seed, (N, D, H) in enumerate([(3, 5, 5), (4, 2, 6), (1, 3, 2), (5, 1, 1), (2, 7, 3)], start=10):
        _check_lstm_step(fn, *rnn_inputs(seed, N, D, H, blocks=4))
    _check_lstm_step(fn, *rnn_inputs(20, 3, 4, 5, blocks=4, zero_state=True))
    x, h, c, Wx, Wh, b = rnn_inputs(21, 3, 4, 5, blocks=4)
    _check_lstm_step(fn, 5 * x, h, c, Wx, Wh, b)                            # saturated gates
    _check_lstm_step(fn, *rnn_inputs(22, 4, 3, 5, blocks=4, dtype=np.float32), atol=1e-5, rtol=1e-4)
    x, h, c, Wx, Wh, b = rnn_inputs(23, 3, 2, 4, blocks=4, zero_state=True, dtype=np.float32)
    next_h = _check_lstm_step(fn, x, h, c, Wx, Wh, b, atol=1e-5, rtol=1e-4)
    expect_close("next_h compared with a Keras LSTM holding the same weights", next_h,
                 _keras_lstm_states(x[:, None], Wx, Wh, b)[:, 0], atol=1e-5, rtol=1e-4)  # Keras starts at zeros


# --- lstm_forward --------------------------------------------------------------------------

def _sequences(seed, **sizes):
    x, h0, _, Wx, Wh, b = rnn_inputs(seed, blocks=4, **sizes)      # the cell starts at zeros: no c
    return x, h0, Wx, Wh, b


def _keras_lstm_states(x, Wx, Wh, b):
    return np.asarray(keras_lstm(Wx, Wh, b)(x.astype(np.float32)))


def _run(step, x, h0, Wx, Wh, b, carry_h=True, carry_c=True, keep=0):
    """The states (N, T, H) of ``step`` run over x[:, t] from h0 and a zero cell: h's, or c's (keep=1)."""
    h, c, kept = h0, np.zeros_like(h0), []
    for t in range(x.shape[1]):
        new_h, new_c = step(x[:, t], h, c, Wx, Wh, b)
        kept.append((new_h, new_c)[keep])
        h, c = (new_h if carry_h else h0), (new_c if carry_c else np.zeros_like(h0))
    return np.stack(kept, axis=1)


@np.errstate(**QUIET)
def _check_forward(fn, x, h0, Wx, Wh, b, atol=1e-6, rtol=1e-5):
    expected, weights = lstm.lstm_forward(x, h0, Wx, Wh, b)[0], (Wx, Wh, b)
    result = LSTM_FORWARD.call(fn, x=x, h0=h0, Wx=Wx, Wh=Wh, b=b)
    if isinstance(result, (tuple, list)) and len(result) == 3:
        fail("`lstm_forward` should return a tuple (h, cache) of two; it returned three things. Return the "
             "hidden states h (N, T, H) and one cache (keep the cells inside the cache if you need them).")
    h, _ = LSTM_FORWARD.returns(result, "h", "cache")
    (N, T, _), H = x.shape, h0.shape[1]
    run = functools.partial(_run, _lstm, x, h0, *weights)           # the right step, carried or kept wrongly
    own_step = " (If your lstm_forward calls your lstm_step_forward, make its tests pass first.)"
    expect_close("h", h, expected, atol=atol, rtol=rtol, mistakes=[
        (f"the states are stacked on the wrong axis: h has shape (T, N, H) = {(T, N, H)}; the course is batch "
         f"first, (N, T, H) = {(N, T, H)}. Write h[:, t] = next_h, or np.stack(states, axis=1).",
         expected.transpose(1, 0, 2)),
        (f"h starts with h0: it holds T + 1 = {T + 1} states. Return only the new states h_1 .. h_T.",
         np.concatenate([h0[:, None], expected], axis=1)),
        ("h[:, 0] is h0 and h_T is missing: store each state after computing it.",
         np.concatenate([h0[:, None], expected[:, :-1]], axis=1)),
        ("it holds only the last state h_T (N, H); return every state, shape (N, T, H).", expected[:, -1]),
        ("h holds the cell states c_1 .. c_T. Return the hidden states h_t = o * tanh(c_t); the cell stays "
         "inside the LSTM.", functools.partial(run, keep=1)),
        ("the cell starts from h0. Keras (and this exercise) starts the cell at zeros: c = np.zeros_like(h0), "
         "while h starts from h0.", lambda: lstm.lstm_forward(x, h0, *weights, c0=h0)[0]),
        ("every step starts from a zero cell: carry next_c into the next step (prev_c = next_c), as you carry "
         "next_h. The cell is the LSTM's memory.", functools.partial(run, carry_c=False)),
        ("every step reads h0: feed each new state into the next step (prev_h = next_h).",
         functools.partial(run, carry_h=False)),
        *[(f"the states are computed with a wrong step: {why}{own_step}",
           functools.partial(_run, wrong, x, h0, *weights)) for why, wrong in WRONG_LSTM_STEPS],
        ("step t reads x[t], which is example t; the input at time t is x[:, t], shape (N, D).",
         functools.partial(_run, _lstm, x[:T].transpose(1, 0, 2), h0, *weights)),     # runs when N == T
    ])
    return h


def check_lstm_forward_basic(fn):
    """Visible: N = 2 sequences of T = 3 steps, D = 4, H = 5, from a non-zero h0."""
    LSTM_FORWARD.own_work(fn)
    _check_forward(fn, *_sequences(1, N=2, T=3, D=4, H=5))


def check_lstm_forward_keras(fn):
    """Visible: equals Keras LSTM(return_sequences=True) with the same weights, from h0 = 0."""
    LSTM_FORWARD.own_work(fn)
    x, h0, Wx, Wh, b = _sequences(2, N=3, T=6, D=2, H=4, dtype=np.float32, zero_state=True)
    h = _check_forward(fn, x, h0, Wx, Wh, b, atol=1e-5, rtol=1e-4)           # names a known mistake first
    expect_close("h compared with a Keras LSTM holding the same weights", h, _keras_lstm_states(x, Wx, Wh, b),
                 atol=1e-5, rtol=1e-4)


def check_lstm_forward_random(fn):
    """Hidden: N == T, D == H, T = 1, N = 1, H = 1, a zero h0, float32, a long sequence."""
    LSTM_FORWARD.own_work(fn)
    for seed, (N, T, D, H) in enumerate([(4, 4, 3, 3), (3, 3, 2, 5), (2, 1, 3, 2), (1, 6, 2, 3), (3, 5, 1, 1)],
                                        start=30):
        _check_forward(fn, *_sequences(seed, N=N, T=T, D=D, H=H))
    _check_forward(fn, *_sequences(40, N=3, T=4, D=2, H=6, zero_state=True))
    _check_forward(fn, *_sequences(41, N=2, T=7, D=3, H=4, dtype=np.float32), atol=1e-5, rtol=1e-4)
    _check_forward(fn, *_sequences(42, N=2, T=60, D=3, H=4))


# --- gru_step_forward ----------------------------------------------------------------------

def _gru(x, prev_h, Wx, Wh, b):
    return gru.gru_step_forward(x, prev_h, Wx, Wh, b)[0]


def _gru_mixed(update):
    """A step computing ``next_h = update(z, prev_h, h_tilde)`` from the reference's gates."""
    def step(x, prev_h, Wx, Wh, b):
        z, _, h_tilde = gru.gru_step_forward(x, prev_h, Wx, Wh, b)[1][4:7]
        return update(z, prev_h, h_tilde)
    return step


def _gru_with(candidate=lambda a, r, h, W, bias: a + r * (h @ W + bias), **act):
    """A step whose candidate pre-activation is ``candidate(x Wx_h + b[0]_h, r, prev_h, Wh_h, b[1]_h)``,
    with the activations ``act`` (role -> function) instead of Keras's."""
    def step(x, prev_h, Wx, Wh, b):
        H = prev_h.shape[1]
        (az, ar, ah), (hz, hr, _) = np.split(x @ Wx + b[0], 3, axis=1), np.split(prev_h @ Wh + b[1], 3, axis=1)
        z, r = act.get("z", sigmoid)(az + hz), act.get("r", sigmoid)(ar + hr)
        h_tilde = act.get("h", np.tanh)(candidate(ah, r, prev_h, Wh[:, 2 * H:], b[1, 2 * H:]))
        return z * prev_h + (1 - z) * h_tilde
    return step


def _bias_outside(x, prev_h, Wx, Wh, b):
    """The candidate's recurrent bias b[1]_h moved into b[0]_h: outside the reset gate."""
    H, moved = prev_h.shape[1], b.copy()
    moved[0, 2 * H:], moved[1, 2 * H:] = b[0, 2 * H:] + b[1, 2 * H:], 0
    return _gru(x, prev_h, Wx, Wh, moved)


WRONG_GRU_STEPS = [
    ("the recurrent bias of the candidate is added outside the reset gate (for example by adding b[0] + b[1] in "
     "one go): with reset_after=True it sits inside, h_tilde = tanh(x Wx_h + b[0]_h + r * (prev_h Wh_h + "
     "b[1]_h)). Keep the input part and the recurrent part, each with its own bias row, separate.", _bias_outside),
    ("it matches z * h_tilde + (1 - z) * prev_h: the update is interpolated the wrong way round. In Keras (and "
     "PyTorch) z is the fraction of the old state that is kept: next_h = z * prev_h + (1 - z) * h_tilde. (Some "
     "texts swap the roles of z and 1 - z; Keras's weights only fit Keras's formula.)",
     _gru_mixed(lambda z, h, ht: z * ht + (1 - z) * h)),
    ("the reset gate is applied before the recurrent product, (r * prev_h) @ Wh_h: that is Keras's "
     "reset_after=False. This GRU (Keras's default, reset_after=True) applies it after the product, recurrent "
     "bias included: r * (prev_h @ Wh_h + b[1]_h).",
     _gru_with(candidate=lambda a, r, h, W, bias: a + (r * h) @ W + bias)),
    ("the two rows of b are swapped: b[0] is the input bias (added to x @ Wx) and b[1] the recurrent bias "
     "(added to prev_h @ Wh, inside the reset gate for the candidate).",
     lambda x, h, Wx, Wh, b: _gru(x, h, Wx, Wh, b[::-1])),
    ("the recurrent bias b[1] is missing: b has two rows, b[0] for x @ Wx and b[1] for prev_h @ Wh.",
     lambda x, h, Wx, Wh, b: _gru(x, h, Wx, Wh, b * [[1], [0]])),
    ("it matches the answer without any bias: add b[0] to x @ Wx and b[1] to prev_h @ Wh.",
     lambda x, h, Wx, Wh, b: _gru(x, h, Wx, Wh, 0 * b)),
    ("the reset gate is missing from the candidate: h_tilde = tanh(x Wx_h + b[0]_h + r * (prev_h Wh_h + b[1]_h)).",
     _gru_with(candidate=lambda a, r, h, W, bias: a + h @ W + bias)),
    *[(note, lambda x, h, Wx, Wh, b, order=order: _gru(x, h, *_reordered(order, GRU_ORDER, Wx, Wh, b)))
      for order, note in _orders(GRU_ORDER, {"rzh": (
          "z and r are swapped: that is PyTorch's order (r, z, n). Keras's blocks are z, r, h: [:, :H] is the "
          "update gate z, [:, H:2*H] the reset gate r, [:, 2*H:] the candidate.")},
          lambda o: f"the three blocks are read in the order {o}. Keras's order is z, r, h.")],
    ("next_h is h_tilde alone: mix it with the old state, z * prev_h + (1 - z) * h_tilde.",
     _gru_mixed(lambda z, h, ht: ht)),
    ("next_h = (1 - z) * h_tilde: the kept part z * prev_h is missing.", _gru_mixed(lambda z, h, ht: (1 - z) * ht)),
    ("next_h = prev_h + (1 - z) * h_tilde: the old state must be scaled by z, next_h = z * prev_h + (1 - z) * "
     "h_tilde, so that next_h stays in (-1, 1).", _gru_mixed(lambda z, h, ht: h + (1 - z) * ht)),
    ("the candidate h_tilde is computed with sigmoid; use tanh (values in (-1, 1)).", _gru_with(h=sigmoid)),
    ("the update gate z is computed with tanh; gates use sigmoid (a fraction in (0, 1)).", _gru_with(z=np.tanh)),
    ("the reset gate r is computed with tanh; gates use sigmoid (a fraction in (0, 1)).", _gru_with(r=np.tanh)),
    ("it matches x @ Wh + prev_h @ Wx: Wx and Wh are swapped. Wx (D, 3H) reads x, Wh (H, 3H) reads prev_h. "
     "(Here D == H.)", lambda x, h, Wx, Wh, b: _gru(x, h, Wh, Wx, b)),
]
ZERO_STATE_NOTE = (        # from prev_h = 0, reset before / bias outside / no reset all give x part + b[1]_h
    "from prev_h = 0 the candidate should be tanh(x Wx_h + b[0]_h + r * b[1]_h), but yours adds all of b[1]_h: "
    "with reset_after=True the recurrent bias sits inside the reset gate's product, r * (prev_h @ Wh_h + b[1]_h).")


@np.errstate(**QUIET)
def _check_gru_step(fn, x, prev_h, Wx, Wh, b, atol=1e-6, rtol=1e-5):
    args = (x, prev_h, Wx, Wh, b)
    result = GRU_STEP_FORWARD.call(fn, x=x, prev_h=prev_h, Wx=Wx, Wh=Wh, b=b)
    next_h, _ = GRU_STEP_FORWARD.returns(result, "next_h", "cache")
    notes = [(ZERO_STATE_NOTE, _bias_outside)] if not np.any(prev_h) else []
    expect_close("next_h", next_h, _gru(*args), atol=atol, rtol=rtol, mistakes=[
        (why, functools.partial(wrong, *args)) for why, wrong in notes + WRONG_GRU_STEPS])
    return next_h


def _gru_inputs(seed, N, D, H, T=None, **options):
    x, h, _, Wx, Wh, b = rnn_inputs(seed, N, D, H, T=T, blocks=3, bias_rows=2, **options)
    return x, h, Wx, Wh, b


def check_gru_step_forward_basic(fn):
    """Visible: N = 3, D = 2, H = 4, a random state, both bias rows non-zero.

    N is neither 2 nor 3H, so a bias of shape (2, 3H) added whole raises an error instead of
    broadcasting silently over the rows.
    """
    GRU_STEP_FORWARD.own_work(fn)
    _check_gru_step(fn, *_gru_inputs(0, N=3, D=2, H=4))


def check_gru_step_forward_keras(fn):
    """Visible: run over a sequence, the steps equal a Keras GRU with the same weights and h0."""
    GRU_STEP_FORWARD.own_work(fn)
    x, h0, Wx, Wh, b = _gru_inputs(5, N=3, T=5, D=2, H=4, dtype=np.float32)
    layer = keras_gru(Wx, Wh, b).get_layer("gru")
    keras_h = np.asarray(layer(x, initial_state=h0))                          # (N, T, H)
    prev_h = h0
    for t in range(x.shape[1]):
        prev_h = _check_gru_step(fn, x[:, t], prev_h, Wx, Wh, b, atol=1e-5, rtol=1e-4)  # names a mistake first
        expect_close(f"next_h at step {t + 1} compared with a Keras GRU holding the same weights",
                     prev_h, keras_h[:, t], atol=1e-5, rtol=1e-4)


def check_gru_step_forward_random(fn):
    """Hidden: D == H, one unit, one example, float32, a zero state, large inputs."""
    GRU_STEP_FORWARD.own_work(fn)
    for seed, (N, D, H) in enumerate([(3, 5, 5), (4, 2, 6), (1, 3, 2), (5, 1, 1), (2, 7, 3)], start=50):
        _check_gru_step(fn, *_gru_inputs(seed, N, D, H))
    _check_gru_step(fn, *_gru_inputs(60, 3, 4, 5, zero_state=True))
    x, h, Wx, Wh, b = _gru_inputs(61, 3, 4, 5)
    _check_gru_step(fn, 5 * x, h, Wx, Wh, b)
    _check_gru_step(fn, *_gru_inputs(62, 4, 3, 5, dtype=np.float32), atol=1e-5, rtol=1e-4)


# --- lstm_step_backward --------------------------------------------------------------------

BACKWARD_SHAPES = ("dnext_h, dnext_c (N, H); cache = (x (N, D), prev_h (N, H), prev_c (N, H), Wx (D, 4H), Wh (H, 4H), "
                   "i, f, g, o (N, H) each, next_c (N, H)); dc = dnext_c + dnext_h * o * (1 - tanh(next_c)**2) is "
                   "(N, H); da = [di | df | dg | do] is (N, 4H), blocks i, f, c, o; dx = da @ Wx.T is (N, D); "
                   "dprev_h = da @ Wh.T is (N, H); dprev_c = dc * f is (N, H); dWx = x.T @ da is (D, 4H); "
                   "dWh = prev_h.T @ da is (H, 4H); db = da.sum(axis=0) is (4H,).")
LSTM_STEP_BACKWARD = Exercise("lstm_step_backward", explain=f"Shapes: {BACKWARD_SHAPES}",
                              forbids=(lstm.lstm_step_backward,))
BACKWARD_NAMES = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")
BACKWARD_ORDER = (2, 5, 3, 4, 0, 1)     # dprev_c first (it tells the cell's mistakes apart), then db (da alone)


def _lstm_backward_with(forget_state="prev_c", out_slope=True, order=LSTM_ORDER, keep_f=True, h_path=True):
    """A backward step from the reference's cache, with one of the common mistakes.

    ``forget_state``: the cell that multiplies f' in df; ``out_slope``: whether the path from next_h to
    the cell has tanh'(next_c); ``order``: the order in which the gate gradients are stacked;
    ``keep_f``: whether dprev_c has the factor f; ``h_path``: whether dc gets the path from next_h.
    """
    def backward(dnext_h, dnext_c, cache):
        x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c = cache
        tanh_c = np.tanh(next_c)
        dc = dnext_c + h_path * dnext_h * o * ((1 - tanh_c ** 2) if out_slope else 1)
        state = prev_c if forget_state == "prev_c" else next_c
        grads = {"i": dc * g * i * (1 - i), "f": dc * state * f * (1 - f), "c": dc * i * (1 - g ** 2),
                 "o": dnext_h * tanh_c * o * (1 - o)}
        da = np.concatenate([grads[role] for role in order], axis=1)
        return da @ Wx.T, da @ Wh.T, dc * f if keep_f else dc, x.T @ da, prev_h.T @ da, da.sum(axis=0)
    return backward


BACKWARD_ORDER_NOTES = {
    "ifoc": ("the gate gradients are stacked in the order i, f, o, c (CS231n's order). da must have the blocks in "
             "the order of the forward pass, Keras's i, f, c, o: np.concatenate([di, df, dg, do], axis=1)."),
    "fico": ("di and df are swapped in da: Keras's block 0 is the input gate i, block 1 the forget gate f. Stack "
             "np.concatenate([di, df, dg, do], axis=1)."),
}

WRONG_LSTM_BACKWARDS = [
    ("the forget gate's derivative is taken through next_c: df = dc * next_c * f * (1 - f). In the forward pass "
     "f multiplied the old cell, next_c = f * prev_c + i * g, so df = dc * prev_c * f * (1 - f).",
     _lstm_backward_with(forget_state="next_c")),
    ("the path from next_h to the cell lacks tanh'(next_c): next_h = o * tanh(next_c), so it adds "
     "dnext_h * o * (1 - tanh(next_c)**2) to dc, not dnext_h * o.", _lstm_backward_with(out_slope=False)),
    ("dprev_c = dc: the factor f is missing. next_c = f * prev_c + i * g, so the old cell's gradient is the "
     "cell's gradient scaled by the forget gate: dprev_c = dc * f.", _lstm_backward_with(keep_f=False)),
    ("dprev_c misses the path through next_h: the cell also produced next_h = o * tanh(next_c). Add it to dc "
     "first, dc = dnext_c + dnext_h * o * (1 - tanh(next_c)**2), then dprev_c = dc * f.",
     _lstm_backward_with(h_path=False)),
    *[(note, _lstm_backward_with(order=order)) for order, note in _orders(LSTM_ORDER, BACKWARD_ORDER_NOTES, lambda o: (
        f"the gate gradients are stacked in the order {o}. da must keep the blocks of the forward pass, Keras's "
        f"i, f, c, o: np.concatenate([di, df, dg, do], axis=1)."))],
]


def _check_lstm_backward(fn, x, prev_h, prev_c, Wx, Wh, b, dnext_h, dnext_c, atol=1e-7, rtol=1e-6):
    cache = lstm.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)[2]
    expected = lstm.lstm_step_backward(dnext_h, dnext_c, cache)
    result = LSTM_STEP_BACKWARD.call(fn, dnext_h=dnext_h, dnext_c=dnext_c, cache=cache)
    got = LSTM_STEP_BACKWARD.returns(result, *BACKWARD_NAMES)
    if close(got[1], expected[2], atol, rtol) and close(got[2], expected[1], atol, rtol):
        fail("dprev_h and dprev_c are swapped: return (dx, dprev_h, dprev_c, dWx, dWh, db), in this order.")
    for k in BACKWARD_ORDER:
        mistakes = [(why, lambda wrong=wrong, k=k: wrong(dnext_h, dnext_c, cache)[k])
                    for why, wrong in WRONG_LSTM_BACKWARDS]
        if BACKWARD_NAMES[k] == "db" and got[k].ndim == 2:
            fail("db has one row per example (or keeps the summed axis): b (4H,) is added to every row, so its "
                 "gradient is the sum over the batch, da.sum(axis=0), shape (4H,).")
        expect_close(BACKWARD_NAMES[k], got[k], expected[k], mistakes=mistakes, atol=atol, rtol=rtol)


def _backward_inputs(seed, N, D, H, **options):
    x, h, c, Wx, Wh, b = rnn_inputs(seed, N, D, H, blocks=4, **options)
    rng = np.random.default_rng(seed + 1000)
    dnext_h, dnext_c = rng.standard_normal((2, N, H)).astype(x.dtype)
    return x, h, c, Wx, Wh, b, dnext_h, dnext_c


def check_lstm_step_backward_basic(fn):
    """Visible: N = 2, D = 3, H = 4; all six gradients equal the reference, dprev_c = dc * f included.

    A first case has dnext_h = 0, so dprev_c must be exactly dnext_c * f (the cell path alone).
    """
    LSTM_STEP_BACKWARD.own_work(fn)
    x, h, c, Wx, Wh, b, dnext_h, dnext_c = _backward_inputs(0, N=2, D=3, H=4)
    _check_lstm_backward(fn, x, h, c, Wx, Wh, b, np.zeros_like(dnext_h), dnext_c)
    _check_lstm_backward(fn, x, h, c, Wx, Wh, b, dnext_h, dnext_c)


def check_lstm_step_backward_random(fn):
    """Hidden: D == H, one unit, one example, a zero state, saturated gates, dnext_c = 0, float32."""
    LSTM_STEP_BACKWARD.own_work(fn)
    for seed, (N, D, H) in enumerate([(3, 5, 5), (4, 2, 6), (1, 3, 2), (5, 1, 1), (2, 7, 3)], start=70):
        _check_lstm_backward(fn, *_backward_inputs(seed, N, D, H))
    _check_lstm_backward(fn, *_backward_inputs(80, 3, 4, 5, zero_state=True))
    x, h, c, Wx, Wh, b, dnext_h, dnext_c = _backward_inputs(81, 3, 4, 5)
    _check_lstm_backward(fn, 5 * x, h, c, Wx, Wh, b, dnext_h, dnext_c)                # saturated gates
    _check_lstm_backward(fn, x, h, c, Wx, Wh, b, dnext_h, np.zeros_like(dnext_c))     # the last step of a sequence
    _check_lstm_backward(fn, *_backward_inputs(82, 4, 3, 5, dtype=np.float32), atol=1e-5, rtol=1e-4)
