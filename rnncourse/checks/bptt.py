"""Checks of unit 04_bptt: one backward step, backpropagation through time, numerical gradients.

Shapes as everywhere in the course: ``x (N, D)`` or ``(N, T, D)``, ``h (N, H)``, ``Wx (D, H)``,
``Wh (H, H)``, ``b (H,)``; a gradient ``dv`` has the shape of ``v``. The caches are built with
the reference forward pass, :mod:`rnncourse.reference.rnn`: a step cache is
``(x, prev_h, Wx, Wh, next_h)`` and a sequence cache the list of the T step caches.

Besides comparing with the reference, the checks of the backward passes compare with
centred-difference gradients in float64 and assert the relative error
(:func:`rnncourse.reference.bptt.rel_error`): below 1e-7 for one step, below 1e-6 for a sequence.
A known mistake is the reference run on an edited cache or upstream gradient, or its result rearranged.
"""

import copy
import functools

import numpy as np

from ..reference import bptt, rnn
from .harness import ArgumentChanged, Exercise, close, expect_close, expect_shape, fail, matching_mistake, rnn_inputs

STEP_TOLERANCE = 1e-7       # largest relative error against numerical gradients, one step
SEQUENCE_TOLERANCE = 1e-6   # the same over a sequence

PER_STEP = ("dnext_h (N, H); cache = (x (N, D), prev_h (N, H), Wx (D, H), Wh (H, H), next_h (N, H)); "
            "da = dnext_h * (1 - next_h**2) is (N, H); dx = da @ Wx.T is (N, D); dprev_h = da @ Wh.T is "
            "(N, H); dWx = x.T @ da is (D, H); dWh = prev_h.T @ da is (H, H); db = da.sum(axis=0) is (H,).")
BACKWARDS = (bptt.rnn_step_backward, bptt.rnn_backward,        # each would do (a part of) either exercise
             bptt.rnn_backward_truncated, bptt.rnn_backward_chunked)
RNN_STEP_BACKWARD = Exercise("rnn_step_backward", forbids=BACKWARDS, explain=f"Shapes: {PER_STEP}")
RNN_BACKWARD = Exercise("rnn_backward", forbids=BACKWARDS, explain=(
    f"Shapes: dh (N, T, H): dh[:, t] is the upstream gradient of h[:, t]; cache[t] is the cache of step t; "
    f"per step: {PER_STEP}"))
NUMERICAL_GRADIENT = Exercise(
    "numerical_gradient", forbids=(bptt.numerical_gradient, bptt.numerical_gradients),
    explain="f takes an array of the shape of x and returns a scalar; the result has the shape of x.")

STEP_NAMES = ("dx", "dprev_h", "dWx", "dWh", "db")
SEQUENCE_NAMES = ("dx", "dh0", "dWx", "dWh", "db")
ORDER = (4, 2, 3, 0, 1)     # db first: it depends on da alone, so it tells a wrong tanh' from a wrong product
FIX_STEP = " (If your rnn_backward calls your rnn_step_backward, fix that one first.)"
IN_PLACE = {"dnext_h": "`da = dnext_h` followed by `da *= ...` writes into dnext_h: write "
                       "`da = dnext_h * (1 - next_h ** 2)`, which makes a new array.",
            "dh": "dh[:, t] is a view into dh: `dnext = dh[:, t]` followed by `dnext += ...` writes into dh. "
                  "Write `dnext = dh[:, t] + carried`, which makes a new array."}


# --- calling a backward pass and naming what is wrong with its five gradients -------------------

def _call(exercise, fn, upstream_name, upstream, cache):
    """``exercise.call``; an upstream gradient or a cache entry changed in place is explained."""
    before = copy.deepcopy(cache)
    try:
        return exercise.call(fn, **{upstream_name: upstream, "cache": cache})
    except ArgumentChanged as changed:
        if changed.argument == upstream_name:
            raise ArgumentChanged(f"`{exercise.name}` changed the upstream gradient {upstream_name} in "
                                  f"place. {IN_PLACE[upstream_name]}", upstream_name) from None
        one = isinstance(cache, tuple)
        spots = [(name, " in the cache" + f" of step t = {t}" * (not one))
                 for t, (old, new) in enumerate([(before, cache)] if one else zip(before, cache))
                 for name, a, b in zip(("x", "prev_h", "Wx", "Wh", "next_h"), old, new)
                 if not np.array_equal(a, b)]
        if not spots:                                   # the list itself was changed: the harness says so
            raise
        raise ArgumentChanged(f"`{exercise.name}` changed {''.join(spots[0])} in place. The forward values "
                              f"must stay as they were: compute new arrays, e.g. `1 - next_h ** 2`, not "
                              f"`next_h **= 2`.", "cache") from None


def _expect_order(exercise, names, got, expected, tol):
    """Fail if gradients come back in each other's places. A returned array is recognised by its
    values, or else by a shape that only one gradient has (then all five must be there)."""
    held, by_value = list(range(5)), []
    for i, value in enumerate(got):
        same = [j for j, e in enumerate(expected) if close(value, e, **tol) and np.any(e)]
        shaped = [j for j, e in enumerate(expected) if e.shape == value.shape]
        if i not in same and (same or len(shaped) == 1):
            held[i], by_value = (same or shaped)[0], by_value + [i] * bool(same)
    everything = sorted(held) == list(range(5))
    if held == list(range(5)) or not (by_value or everything):
        return
    moved = [names[i] for i, j in enumerate(held) if i != j]
    what = (f"{names[held[by_value[0]]]} is in the place of {names[by_value[0]]}" if not everything
            else f"{moved[0]} and {moved[1]} are swapped" if len(moved) == 2
            else f"you returned ({', '.join(names[j] for j in held)})")
    fail(f"`{exercise.name}` returned the gradients in the wrong order: {what}. Return "
         f"({', '.join(names)}), in this order.")


def _shape_hint(exercise, name, shape, expected):
    if name == "db" and shape == (1, *expected):
        return ("da.sum(axis=0, keepdims=True) keeps the summed axis as a row of length 1. b is a vector, "
                "so db is one too: da.sum(axis=0).")
    if name == "db" and len(shape) == 2 and shape[1:] == expected:
        return ("It has one row per example. b is shared by all examples (it is added to every row), so "
                "its gradient is the sum over the batch: da.sum(axis=0).")
    return "That is the transpose of the right shape. " * (shape == expected[::-1]) + exercise.explain


def _expect_named(exercise, names, got, expected, mistakes, tol):
    """Fail if the gradients are in the wrong order or, taken in ORDER, one is what a known mistake
    gives, has the wrong shape or the opposite sign. ``mistakes``: ``(explanation, five)`` pairs,
    ``five()`` the gradients that mistake gives."""
    _expect_order(exercise, names, got, expected, tol)
    mistakes = [(why, functools.cache(five)) for why, five in mistakes]     # each computed once
    with np.errstate(all="ignore"):                     # the wrong formulas may overflow
        for i in ORDER:
            why = matching_mistake(got[i], expected[i], [(w, lambda f=f: f()[i]) for w, f in mistakes], **tol)
            if why is not None:
                fail(f"{names[i]}: {why}")
            expect_shape(names[i], got[i], expected[i].shape,
                         _shape_hint(exercise, names[i], got[i].shape, expected[i].shape))
            if close(got[i], -expected[i], **tol):
                expect_close(names[i], got[i], expected[i], **tol)      # the harness says: opposite sign


# --- the known mistakes, and one checked case ---------------------------------------------------

FROM_PRE = ("tanh' was computed from the pre-activation a = x Wx + prev_h Wh + b: 1 - a**2 is not tanh'(a). "
            "tanh'(a) = 1 - tanh(a)**2 = 1 - next_h**2, from the next_h in the cache.")


def _wrong_steps(backward, upstream, cache, b):
    """The common mistakes of a backward step, as ``(explanation, five)`` pairs.

    ``backward`` is the reference step (``cache`` one step cache) or BPTT (``cache`` the list of
    them), run with every step cache edited, another upstream gradient, or a gradient rearranged.
    ``b``, not in the cache, rebuilds the pre-activation.
    """
    one = isinstance(cache, tuple)
    alone = backward if one else lambda up, c: bptt.rnn_backward_truncated(up, c, 1)   # nothing carried

    def edited(edit):
        return lambda: backward(upstream, edit(*cache) if one else [edit(*c) for c in cache])

    def tanh_from(value):                               # tanh' = 1 - value**2: only da changes
        return edited(lambda x, prev_h, Wx, Wh, next_h: (x, prev_h, Wx, Wh, value(x, prev_h, Wx, Wh, next_h)))

    def changed(i, change):
        return lambda: tuple(change(g) if k == i else g for k, g in enumerate(backward(upstream, cache)))

    return [
        (FROM_PRE, tanh_from(lambda x, prev_h, Wx, Wh, _: x @ Wx + prev_h @ Wh + b)),
        (FROM_PRE, tanh_from(lambda x, prev_h, Wx, Wh, _: x @ Wx + prev_h @ Wh)),
        ("tanh' was computed from x Wx + prev_h Wh without the bias. You need no pre-activation at all: "
         "tanh'(a) = 1 - next_h**2.", tanh_from(lambda x, prev_h, Wx, Wh, _: np.tanh(x @ Wx + prev_h @ Wh))),
        ("tanh' was applied to next_h, as if next_h were the pre-activation: 1 - tanh(next_h)**2. next_h "
         "already is tanh(a), so tanh'(a) = 1 - next_h**2.", tanh_from(lambda *c: np.tanh(c[4]))),
        ("tanh' was computed from prev_h: 1 - prev_h**2. The tanh of this step produced next_h, so its "
         "derivative is 1 - next_h**2.", tanh_from(lambda *c: c[1])),
        ("the tanh derivative is missing: da = dnext_h * (1 - next_h**2), then use da everywhere.",
         tanh_from(lambda *c: np.zeros_like(c[4]))),
        ("dnext_h is missing: the chain rule multiplies the upstream gradient by the local derivative, "
         "da = dnext_h * (1 - next_h**2).", lambda: alone(np.ones_like(upstream), cache)),
        ("dWh was computed from next_h. In the forward pass Wh multiplied prev_h (prev_h @ Wh), so dWh = "
         "prev_h.T @ da.", edited(lambda x, prev_h, Wx, Wh, next_h: (x, next_h, Wx, Wh, next_h))),
        ("dWh is transposed: da.T @ prev_h. The gradient of prev_h @ Wh with respect to Wh is "
         "prev_h.T @ da; Wh is square, so only the values show the mistake.", changed(3, np.transpose)),
        ("dprev_h = da @ Wh is missing a transpose. prev_h was multiplied by Wh from the right "
         "(prev_h @ Wh), so the gradient goes back through its transpose: da @ Wh.T.",
         edited(lambda x, prev_h, Wx, Wh, next_h: (x, prev_h, Wx, Wh.T, next_h))),
        ("dprev_h equals da: the gradient must go back through Wh as well, dprev_h = da @ Wh.T.",
         edited(lambda x, prev_h, Wx, Wh, next_h: (x, prev_h, Wx, np.eye(len(Wh), dtype=Wh.dtype), next_h))),
        ("dx = da @ Wx is missing a transpose: x was multiplied by Wx from the right, so dx = da @ Wx.T.",
         edited(lambda x, prev_h, Wx, Wh, next_h: (x, prev_h, Wx.T, Wh, next_h))),
        ("dWx is transposed: da.T @ x. The gradient of x @ Wx with respect to Wx is x.T @ da.",
         changed(2, np.transpose)),
        ("db is the mean of da over the batch. b was added to every row, so its gradient is the sum: "
         "da.sum(axis=0) (any 1/N belongs to the loss, already in dnext_h).",
         changed(4, lambda db: db / len(upstream))),
    ]


def _wrong_loops(dh, cache, expected):
    """The common mistakes of the loop over time, as ``(explanation, five)`` pairs."""
    dx, dh0, dWx, dWh, db = expected
    T = len(cache)
    later = functools.cache(lambda: bptt.rnn_backward(dh[:, 1:], cache[1:]))   # steps 1..: what reaches h_1
    backwards = functools.cache(lambda: bptt.rnn_backward(dh[:, ::-1], cache[::-1]))     # forward in time
    one_step = ("dWx, dWh and db hold the gradient of one time step only (the last one your loop visited). "
                "The same weights are used at every step, so their gradient is the sum of every step's: "
                "dWx += dWx_t.")
    # those that change dx or dh0 alone come first: a mistake that changes more gradients is found
    # earlier in ORDER (db first), so they cannot shadow it there
    return [
        ("dx is in reverse time order: your loop visits t = T-1, ..., 0. Store each step's gradient at its "
         "own time, dx[:, t] = ..., or reverse the list before stacking.",
         lambda: (dx[:, ::-1], dh0, dWx, dWh, db)),
        ("dx is time first: dx[t] holds step t. The course is batch first, (N, T, D): write dx[:, t] = ..., "
         "or np.stack(list, axis=1).", lambda: (dx.transpose(1, 0, 2), dh0, dWx, dWh, db)),
        ("dh0 is zero. h0 feeds the first step through Wh, so it has a gradient: the dprev_h that the "
         "backward step of the first time step (t = 0) returns.", lambda: (dx, 0 * dh0, dWx, dWh, db)),
        ("dh0 equals dh[:, 0], the upstream gradient of h_1 (the first state computed). dh0 is the "
         "gradient of h0: the dprev_h returned by the backward step of the first time step.",
         lambda: (dx, dh[:, 0], dWx, dWh, db)),
        ("dh0 is the total gradient of h_1 (the first state computed), before the backward step of the "
         "first time step. Run that step too (t = 0) and return its dprev_h.",
         lambda: (dx, dh[:, 0] + later()[1], dWx, dWh, db)),
        ("dh0 is missing the recurrent path: it holds only what flows back from dh[:, 0]. The gradients "
         "of h_2, ..., h_T reach h0 through h_1 as well: return the dprev_h of the last backward step.",
         lambda: (dx, bptt.rnn_step_backward(dh[:, 0], cache[0])[1], dWx, dWh, db)),
        ("dWx, dWh and db are divided by T. The loss is a sum over the uses of the weights: sum the "
         "steps' gradients without averaging (any 1/T belongs to the loss, already in dh).",
         lambda: (dx, dh0, dWx / T, dWh / T, db / T)),
        (one_step, lambda: (dx, dh0, *(a - b for a, b in zip(expected[2:], later()[2:])))),    # step 0's
        (one_step, lambda: (dx, dh0, *bptt.rnn_backward(dh[:, -1:], cache[-1:])[2:])),        # step T-1's
        ("only dh[:, T-1] enters the backward pass. Every state h_t has an upstream gradient dh[:, t] of "
         "its own: add it to the gradient carried back from the step after, dnext_h = dh[:, t] + dprev_h.",
         lambda: bptt.rnn_backward(dh * (np.arange(T) == T - 1)[:, None], cache)),
        ("the gradient carried back from later steps is dropped: each step starts from dh[:, t] alone. "
         "h_t also changes the loss through h_{t+1}, ..., so dnext_h = dh[:, t] + the dprev_h of the step "
         "after it.", lambda: bptt.rnn_backward_truncated(dh, cache, 1)),
        ("the loop runs forward in time. The gradient of h_t needs the gradient of h_{t+1} first, so go "
         "backwards: for t in reversed(range(T)).", lambda: (backwards()[0][:, ::-1], *backwards()[1:])),
        ("the loop stops before t = 0 (range(T-1, 0, -1) ends at 1): the first step's backward pass is "
         "missing, so dx[:, 0] is zero, dWx, dWh and db lack its share, and dh0 is a gradient of h_1. "
         "Loop over reversed(range(T)), i.e. range(T-1, -1, -1).",
         lambda: (np.concatenate([0 * dx[:, :1], later()[0]], axis=1), *later()[1:])),
        ("step t was run with cache[t-1], the cache of the step before. cache[t] belongs with dh[:, t]: "
         "cache[0] is the first step's, the one holding prev_h = h0.",
         lambda: bptt.rnn_backward(dh, cache[-1:] + cache[:-1])),
        ("step t was given dh[:, t-1]. dh[:, t] is the upstream gradient of the state that step t "
         "computed: dnext_h = dh[:, t] + carried.", lambda: bptt.rnn_backward(np.roll(dh, 1, axis=1), cache)),
    ]


def _check_case(fn, rng, N, D, H, T=None, dtype=np.float64, zero_state=False, scale=0.6, gradcheck=True):
    """One case of rnn_step_backward (T None) or of rnn_backward (T steps): the known mistakes, the
    dtype, the gradient check against centred differences (float64), then the values."""
    x, h, _, Wx, Wh, b = rnn_inputs(rng, N, D, H, T=T, dtype=dtype, zero_state=zero_state, scale=scale)
    exercise, names, forward, backward = (
        (RNN_STEP_BACKWARD, STEP_NAMES, rnn.rnn_step_forward, bptt.rnn_step_backward) if T is None
        else (RNN_BACKWARD, SEQUENCE_NAMES, rnn.rnn_forward, bptt.rnn_backward))
    _, cache = forward(x, h, Wx, Wh, b)
    upstream = rng.standard_normal((N, H) if T is None else (N, T, H)).astype(dtype)
    expected = backward(upstream, cache)
    got = exercise.returns(_call(exercise, fn, "dnext_h" if T is None else "dh", upstream, cache), *names)
    mistakes = _wrong_steps(backward, upstream, cache, b)
    if T is None:                                       # 1 - next_h = (1 - next_h**2) / (1 + next_h)
        mistakes.append(("tanh'(a) is 1 - next_h**2, with a square; you used 1 - next_h.",
                         lambda: backward(upstream / (1 + cache[4]), cache)))
    else:
        mistakes = _wrong_loops(upstream, cache, expected) + [(w + FIX_STEP, f) for w, f in mistakes]
    tol = dict(atol=1e-9, rtol=1e-7) if dtype == np.float64 else dict(atol=1e-5, rtol=1e-4)
    _expect_named(exercise, names, got, expected, mistakes, tol)
    for name, g in zip(names, got):
        if dtype == np.float64 and g.dtype == np.float32:
            fail(f"{name} is float32, but the inputs are float64. Keep the inputs' dtype: float32 keeps only "
                 f"about 7 significant digits, too few for a gradient check.")
    hint = "" if T is None else FIX_STEP
    if gradcheck and dtype == np.float64:
        tolerance, what = ((STEP_TOLERANCE, "L = sum(next_h * dnext_h)") if T is None
                           else (SEQUENCE_TOLERANCE, "L = sum(h * dh) over all steps"))

        def loss(*inputs):                              # dL/dh is the upstream gradient
            return np.sum(forward(*inputs)[0] * upstream)

        for name, g, numerical in zip(names, got, bptt.numerical_gradients(loss, [x, h, Wx, Wh, b])):
            error = bptt.rel_error(g, numerical)
            if not error < tolerance:
                fail(f"{name}: relative error {error:.1e} against the numerical gradient of {what}, in "
                     f"float64; a correct `{exercise.name}` stays below {tolerance:.0e} (typically about "
                     f"1e-10). The mistake is none of the usual ones: compare your formula for {name} with "
                     f"the derivation in the notebook, term by term.{hint}")
    for i in ORDER:
        expect_close(names[i], got[i], expected[i], hint=hint.strip(), **tol)


# --- rnn_step_backward and rnn_backward ---------------------------------------------------------

def check_rnn_step_backward_basic(fn):
    """Visible: N = 2, D = 3, H = 4 in float64; values, then a gradient check (relative error < 1e-7)."""
    RNN_STEP_BACKWARD.own_work(fn)
    _check_case(fn, np.random.default_rng(40), N=2, D=3, H=4)


def check_rnn_step_backward_random(fn):
    """Hidden: D == H (transposes run), a batch of 1, a zero state, saturated units, float32,
    and gradient checks on random shapes."""
    RNN_STEP_BACKWARD.own_work(fn)
    rng = np.random.default_rng(401)
    for N, D, H, case in [(3, 4, 4, {}), (1, 2, 2, {}), (4, 5, 5, {}), (1, 1, 1, {}), (1, 3, 6, {}),
                          (5, 7, 2, {}), (2, 1, 3, {}), (3, 4, 5, dict(zero_state=True)),
                          (3, 4, 5, dict(scale=3.0)),           # tanh near +-1: small tanh'
                          (3, 4, 6, dict(dtype=np.float32))]:
        _check_case(fn, rng, N, D, H, **case)


def check_rnn_backward_basic(fn):
    """Visible: N = 2 sequences of T = 3 steps, D = 4, H = 5; values, then a gradient check (< 1e-6)."""
    RNN_BACKWARD.own_work(fn)
    _check_case(fn, np.random.default_rng(41), N=2, T=3, D=4, H=5)


def check_rnn_backward_random(fn):
    """Hidden: T = 1, a batch of 1, N == T, D == H, a zero h0, a long sequence, float32,
    and gradient checks on random shapes."""
    RNN_BACKWARD.own_work(fn)
    rng = np.random.default_rng(402)
    for N, T, D, H, case in [(1, 4, 2, 3, {}), (2, 1, 3, 4, {}), (1, 1, 1, 1, {}), (3, 3, 4, 4, {}),
                             (4, 5, 3, 3, {}), (2, 6, 1, 5, {}), (3, 4, 2, 3, dict(zero_state=True)),
                             (2, 30, 3, 4, dict(gradcheck=False)), (2, 12, 2, 3, {}),
                             (2, 5, 3, 4, dict(dtype=np.float32))]:
        _check_case(fn, rng, N, D, H, T, **case)


# --- numerical_gradient -------------------------------------------------------------------------

def _wrong_differences(f, x, h):
    """The common mistakes of a numerical gradient: the reference with another f, step or scale."""
    def centred(g=f, step=h):
        return bptt.numerical_gradient(g, x.copy(), step)

    def ahead(v):                                       # f seen at x + h e_i and at x itself
        return f(np.maximum(v, x))

    both_sides = "Use both sides: (f(x + h e_i) - f(x - h e_i)) / (2 h)."
    return [
        ("this is the forward difference (f(x + h) - f(x)) / h. Its error shrinks like h, the centred "
         "difference's like h**2: with h = 1e-5 about 1e-5 against 1e-10. " + both_sides,
         lambda: 2 * centred(ahead)),
        ("this is the backward difference (f(x) - f(x - h)) / h, whose error shrinks only like h. "
         + both_sides, lambda: 2 * centred(lambda v: f(np.minimum(v, x)))),
        ("it is twice the gradient: the two evaluations are 2 h apart, so divide by 2 * h, not h.",
         lambda: 2 * centred()),
        ("it is half the gradient: moving x by h / 2 each way puts the evaluations h apart. Move by h each "
         "way and divide by 2 * h.", lambda: centred(step=h / 2) / 2),
        ("it is (f(x + h e_i) - f(x)) / (2 h): the second evaluation is at x itself, not at x - h e_i. Set "
         "x[i] = old - h before evaluating f the second time.", lambda: centred(ahead)),
        ("every entry holds the same number: all entries of x were moved at once (x + h), which gives the "
         "sum of all partial derivatives. Move one entry at a time, e_i, and store that entry's difference.",
         lambda: np.full(x.shape, bptt.numerical_gradient(lambda s: f(x + s), np.zeros(()), h))),
        ("every entry is 0: f was evaluated at an unchanged x. Evaluate f at the perturbed array (the one "
         "you changed) on both sides.", np.zeros(x.shape)),
        (f"the result is what a step of 1e-5 gives, not the h = {h} that was passed: use the argument h (its "
         f"default is 1e-5).", lambda: centred(step=1e-5)),
    ]


def _check_numgrad(fn, f, x, h=None, exact=None, what="f"):
    step = 1e-5 if h is None else h
    moved = x.copy()                                    # the answer may move entries of x, then restore them
    try:
        result = NUMERICAL_GRADIENT.call(fn, f=f, x=moved, **({} if h is None else {"h": h}))
    except ArgumentChanged as changed:
        off = float(np.abs(moved - x).max()) if changed.argument == "x" else 0
        if not off:
            raise
        raise ArgumentChanged(
            f"x is not restored: after numerical_gradient returns, some entries of x are still moved (by up "
            f"to {off:.2g}). Put every entry back after evaluating f on both sides of it."
            if off > step / 4 else                      # more than rounding
            f"x is restored only approximately: some entries differ from the original by {off:.1e}. Adding h "
            f"and subtracting it again does not always give back the same float (rounding). Save the entry "
            f"first, old = x[i], and write it back, x[i] = old.", "x") from None
    result = NUMERICAL_GRADIENT.returns(result, "the gradient")
    expect_shape("the gradient", result, x.shape,
                 hint="It has the shape of x: one partial derivative per entry (np.zeros(x.shape), filled).")
    expect_close(f"the gradient of {what}", result, bptt.numerical_gradient(f, x.copy(), step), atol=1e-8,
                 rtol=1e-7, mistakes=_wrong_differences(f, x.copy(), step))
    error = 0.0 if exact is None else bptt.rel_error(result, exact)
    if not error < 1e-8:
        fail(f"the gradient of {what} has relative error {error:.1e} against the exact gradient; a centred "
             f"difference with h = {step} stays below 1e-8 here.")


def check_numerical_gradient_basic(fn):
    """Visible: f(x) = sum(x**3) on a (2, 3) array, with the default step and with h = 0.01."""
    NUMERICAL_GRADIENT.own_work(fn)
    x = np.random.default_rng(42).uniform(-2, 2, (2, 3))

    def cube(x):
        return np.sum(x ** 3)

    _check_numgrad(fn, cube, x, exact=3 * x ** 2, what="sum(x**3)")
    # with h = 0.01 the centred difference of x**3 is exactly 3 x**2 + h**2: the step shows
    _check_numgrad(fn, cube, x, h=0.01, what="sum(x**3) with h = 0.01")


def check_numerical_gradient_random(fn):
    """Hidden: 1-D, 3-D and one-entry arrays, a 0-d array as f's value, other functions and steps."""
    NUMERICAL_GRADIENT.own_work(fn)
    rng = np.random.default_rng(403)
    c, x = rng.standard_normal(5), rng.standard_normal(5)
    _check_numgrad(fn, lambda v: np.sum(np.sin(v) * c), x, exact=np.cos(x) * c, what="sum(sin(x) * c)")
    A, x = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 4))
    _check_numgrad(fn, lambda v: np.sum(A * v) + 0.5 * np.sum(v ** 2), x, exact=A + x,
                   what="sum(A * x) + sum(x**2) / 2, x of shape (2, 3, 4)")
    x = np.array([0.7])
    _check_numgrad(fn, lambda v: np.array(np.exp(v[0])), x, exact=np.exp(x), what="exp(x), a 0-d array")
    X, W = rng.standard_normal((4, 3)), 0.5 * rng.standard_normal((3, 2))
    _check_numgrad(fn, lambda w: np.sum(np.tanh(X @ w)), W, exact=X.T @ (1 - np.tanh(X @ W) ** 2),
                   what="sum(tanh(X @ W)), W of shape (3, 2)")
    x = rng.uniform(-1, 1, (3, 1))
    _check_numgrad(fn, lambda v: np.sum(np.exp(v)), x, h=1e-3, what="sum(exp(x)) with h = 0.001")


# --- the loss at the top: softmax cross-entropy at every step ------------------------------------

LOSS_SHAPES = ("scores (N, T, V), y (N, T) integers in 0 .. V-1, mask (N, T) booleans or None (every step "
               "counts); loss = -(1/N) * sum over n, t of mask[n, t] * log softmax(scores[n, t])[y[n, t]], a "
               "float; dscores (N, T, V) = mask[..., None] * (softmax(scores) - one_hot(y)) / N.")
TEMPORAL_SOFTMAX_LOSS = Exercise("temporal_softmax_loss", forbids=(bptt.temporal_softmax_loss, rnn.softmax),
                                 explain=f"Shapes: {LOSS_SHAPES}")


def _loss_inputs(seed, N, T, V, masked=True, large=0.0):
    """Random scores (with ``large`` added to one class of the first step), targets and a mask."""
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(N, T, V))
    scores[0, 0, 0] += large
    y = rng.integers(V, size=(N, T))
    mask = None
    if masked:
        mask = rng.random((N, T)) < 0.6
        mask[0, 0], mask[-1, -1] = True, False                      # a counted and a padded step at least
    return scores, y, mask


def _check_loss(fn, scores, y, mask):
    result = TEMPORAL_SOFTMAX_LOSS.call(fn, scores=scores, y=y, mask=mask)
    loss, dscores = TEMPORAL_SOFTMAX_LOSS.returns(result, "loss", "dscores", kind=(float, np.floating, np.ndarray))
    expect_shape("loss", loss, (), "The loss is one number for the whole batch.")
    if not isinstance(dscores, np.ndarray):
        fail(f"dscores should be a numpy array; it is a {type(dscores).__name__}.")
    if not (np.isfinite(loss) and np.all(np.isfinite(dscores))):
        fail("the result holds inf or nan. With a score near 1000, np.exp overflows, and the log of a "
             "probability that rounds to 0 is -inf. Subtract the max of each scores[n, t] first (keepdims=True; "
             "the softmax does not change), and take log softmax as shifted - log(sum(exp(shifted))), not "
             "np.log(softmax).")
    (N, T, _), counted = scores.shape, np.ones(y.shape, dtype=bool) if mask is None else mask
    expected, unmasked = bptt.temporal_softmax_loss(scores, y, mask), bptt.temporal_softmax_loss(scores, y)
    probs = rnn.softmax(scores)
    expect_close("loss", float(loss), expected[0], mistakes=[
        (f"it is averaged over time as well (divided by N * T): sum over the T = {T} steps, then divide by "
         f"N = {N} only.", expected[0] / T),
        ("it is divided by the number of counted steps: sum over time, then divide by N, the batch size.",
         expected[0] * N / counted.sum()),
        (f"it is summed over the batch: divide by N = {N}.", expected[0] * N),
        *([] if mask is None else [("the mask is ignored: a step with mask[n, t] False must add nothing "
                                    "(multiply each step's term by mask[n, t]).", unmasked[0])])])
    expect_close("dscores", dscores, expected[1], mistakes=[
        (f"it is not divided by N = {N}: the loss is averaged over the batch, so is its gradient.",
         expected[1] * N),
        (f"it is divided by N * T: only the batch is averaged (T = {T}).", expected[1] / T),
        ("it is the softmax alone: subtract 1 at the target class, softmax(scores) - one_hot(y).",
         probs * counted[..., None] / N),
        *([] if mask is None else [("the mask is ignored: the steps with mask False get no gradient, "
                                    "multiply by mask[..., None].", unmasked[1])])])


def check_temporal_softmax_loss_basic(fn):
    """Visible: N = 2, T = 3, V = 4 with a mask; one score is near 1000, so the naive formula overflows."""
    TEMPORAL_SOFTMAX_LOSS.own_work(fn)
    _check_loss(fn, *_loss_inputs(0, N=2, T=3, V=4, large=1000.0))


def check_temporal_softmax_loss_random(fn):
    """Hidden: other shapes, no mask, a batch of one, scores near -1000; inputs must not change."""
    TEMPORAL_SOFTMAX_LOSS.own_work(fn)
    for seed, (N, T, V, masked, large) in enumerate([(5, 7, 11, True, 0.0), (3, 4, 6, False, 0.0),
                                                     (1, 5, 3, True, -1000.0), (4, 1, 9, False, 1000.0)]):
        _check_loss(fn, *_loss_inputs(seed + 1, N, T, V, masked, large))
