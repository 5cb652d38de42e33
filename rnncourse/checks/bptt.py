"""Checks of unit 04_bptt: one backward step, backpropagation through time, numerical gradients.

Shapes as everywhere in the course: ``x (N, D)`` or ``(N, T, D)``, ``h (N, H)``, ``Wx (D, H)``,
``Wh (H, H)``, ``b (H,)``; a gradient ``dv`` has the shape of ``v``. The caches are built with
the reference forward pass, :mod:`rnncourse.reference.rnn`: a step cache is ``(x, prev_h, Wx, Wh, next_h)``
and a sequence cache the list of the T step caches.

Besides comparing with the reference, the checks of the backward passes compare with
centred-difference gradients in float64 and assert the relative error
(:func:`rnncourse.reference.bptt.rel_error`): below 1e-7 for one step, below 1e-6 for a sequence.
"""

import copy

import numpy as np

from ..reference import bptt
from ..reference import rnn
from .core import CheckFailure, assert_own_work, call, expect_close, fail, reference, register

register({
    "rnn_step_backward": "rnncourse.reference.bptt:rnn_step_backward",
    "rnn_backward": "rnncourse.reference.bptt:rnn_backward",
    "numerical_gradient": "rnncourse.reference.bptt:numerical_gradient",
    # not exercises, but an answer that calls them is not the learner's own work either
    "rnn_backward_truncated": "rnncourse.reference.bptt:rnn_backward_truncated",
    "rnn_backward_chunked": "rnncourse.reference.bptt:rnn_backward_chunked",
})

STEP_TOLERANCE = 1e-7       # largest relative error against numerical gradients, one step
SEQUENCE_TOLERANCE = 1e-6   # the same over a sequence

STEP_NAMES = ("dx", "dprev_h", "dWx", "dWh", "db")
SEQUENCE_NAMES = ("dx", "dh0", "dWx", "dWh", "db")
STEP_SHAPES = {
    "dx": "(N, D), the shape of x: da (N, H) @ Wx.T (H, D)",
    "dprev_h": "(N, H), the shape of prev_h: da (N, H) @ Wh.T (H, H)",
    "dWx": "(D, H), the shape of Wx: x.T (D, N) @ da (N, H)",
    "dWh": "(H, H), the shape of Wh: prev_h.T (H, N) @ da (N, H)",
    "db": "(H,), the shape of b: da summed over the batch axis, da.sum(axis=0)",
}
SEQUENCE_SHAPES = {**STEP_SHAPES,
                   "dx": "(N, T, D), the shape of x: dx[:, t] is the dx of step t",
                   "dh0": "(N, H), the shape of h0: the dprev_h of the first step (t = 0)"}
FIX_STEP = " (If your rnn_backward calls your rnn_step_backward, fix that one first.)"


# --- inputs -----------------------------------------------------------------------------------

def _weights(rng, D, H, dtype):
    Wx, Wh, b = 0.6 * rng.standard_normal((D, H)), 0.6 * rng.standard_normal((H, H)), 0.5 * rng.standard_normal(H)
    return tuple(a.astype(dtype) for a in (Wx, Wh, b))


def _step_case(rng, N, D, H, dtype=np.float64, zero_h=False, scale=1.0):
    """A step cache made by the reference forward step, its bias, and an upstream gradient."""
    x = (scale * rng.standard_normal((N, D))).astype(dtype)
    prev_h = np.zeros((N, H), dtype) if zero_h else rng.uniform(-1, 1, (N, H)).astype(dtype)
    Wx, Wh, b = _weights(rng, D, H, dtype)
    _, cache = rnn.rnn_step_forward(x, prev_h, Wx, Wh, b)
    return cache, b, rng.standard_normal((N, H)).astype(dtype)


def _sequence_case(rng, N, T, D, H, dtype=np.float64, zero_h=False):
    """x, h0, Wx, Wh, b, the reference forward cache and an upstream gradient dh (N, T, H)."""
    x = rng.standard_normal((N, T, D)).astype(dtype)
    h0 = np.zeros((N, H), dtype) if zero_h else rng.uniform(-1, 1, (N, H)).astype(dtype)
    Wx, Wh, b = _weights(rng, D, H, dtype)
    _, cache = rnn.rnn_forward(x, h0, Wx, Wh, b)
    return (x, h0, Wx, Wh, b), cache, rng.standard_normal((N, T, H)).astype(dtype)


# --- what the common wrong backward steps return ----------------------------------------------

def _grads(cache, da, hprev=None):
    """The five gradients of a step, given da = dL/da (a = the pre-activation)."""
    x, prev_h, Wx, Wh, _ = cache
    hprev = prev_h if hprev is None else hprev
    return da @ Wx.T, da @ Wh.T, x.T @ da, hprev.T @ da, da.sum(axis=0)


def _with(grads, index, value):
    grads = list(grads)
    grads[index] = value
    return tuple(grads)


def _wrong_steps(b):
    """Wrong backward steps: ``(function(dnext_h, cache) -> five gradients, explanation)``.

    ``b`` is the bias of the forward step (not in the cache; some mistakes rebuild the
    pre-activation with it). A function raises ValueError where the shapes forbid the mistake.
    """
    def da_is(rule):
        return lambda dnext_h, cache: _grads(cache, rule(dnext_h, cache))

    def pre_activation(cache, bias=True):
        x, prev_h, Wx, Wh, _ = cache
        return x @ Wx + prev_h @ Wh + (b if bias else 0)

    def correct(dnext_h, cache):
        return _grads(cache, dnext_h * (1 - cache[4] ** 2))

    def changed(index, rule):
        return lambda dnext_h, cache: _with(correct(dnext_h, cache), index, rule(dnext_h * (1 - cache[4] ** 2), cache))

    from_pre = ("tanh' was computed from the pre-activation a = x Wx + prev_h Wh + b: 1 - a**2 is not "
                "tanh'(a). The derivative is tanh'(a) = 1 - tanh(a)**2 = 1 - next_h**2, and next_h is in "
                "the cache: da = dnext_h * (1 - next_h**2).")
    return [
        (da_is(lambda d, c: d * (1 - pre_activation(c) ** 2)), from_pre),
        (da_is(lambda d, c: d * (1 - pre_activation(c, bias=False) ** 2)), from_pre),
        (da_is(lambda d, c: d * (1 - np.tanh(pre_activation(c, bias=False)) ** 2)),
         "tanh' was computed from x Wx + prev_h Wh without the bias. You need no pre-activation at all: "
         "tanh'(a) = 1 - next_h**2, from the next_h in the cache."),
        (da_is(lambda d, c: d * (1 - np.tanh(c[4]) ** 2)),
         "tanh' was applied to next_h, as if next_h were the pre-activation: 1 - tanh(next_h)**2. "
         "next_h already is tanh(a), so tanh'(a) = 1 - next_h**2."),
        (da_is(lambda d, c: d * (1 - c[1] ** 2)),
         "tanh' was computed from prev_h: 1 - prev_h**2. The tanh of this step produced next_h, so "
         "its derivative is 1 - next_h**2."),
        (da_is(lambda d, c: d), "the tanh derivative is missing: multiply dnext_h by tanh'(a) = "
                                "1 - next_h**2 first, da = dnext_h * (1 - next_h**2), then use da everywhere."),
        (da_is(lambda d, c: d * (1 - c[4])), "tanh'(a) is 1 - next_h**2, with a square; you used 1 - next_h."),
        (da_is(lambda d, c: (1 - c[4] ** 2) + 0 * d),
         "dnext_h is missing: the chain rule multiplies the upstream gradient by the local derivative, "
         "da = dnext_h * (1 - next_h**2)."),
        (changed(3, lambda da, c: c[4].T @ da),
         "dWh was computed from next_h. In the forward pass Wh multiplied prev_h (prev_h @ Wh), so "
         "dWh = prev_h.T @ da."),
        (changed(3, lambda da, c: da.T @ c[1]),
         "dWh is transposed: da.T @ prev_h. The gradient of prev_h @ Wh with respect to Wh is "
         "prev_h.T @ da; Wh is square, so only the values show the mistake."),
        (changed(1, lambda da, c: da @ c[3]),
         "dprev_h = da @ Wh is missing a transpose. In the forward pass prev_h was multiplied by Wh "
         "from the right (prev_h @ Wh), so the gradient goes back through its transpose: da @ Wh.T."),
        (changed(1, lambda da, c: da),
         "dprev_h equals da: the gradient must go back through Wh as well, dprev_h = da @ Wh.T."),
        (changed(0, lambda da, c: _same_shape(da @ c[2], c[0])),
         "dx = da @ Wx is missing a transpose: x was multiplied by Wx from the right, so dx = da @ Wx.T."),
        (changed(2, lambda da, c: _same_shape(da.T @ c[0], c[2])),
         "dWx is transposed: da.T @ x. The gradient of x @ Wx with respect to Wx is x.T @ da."),
        (changed(4, lambda da, c: da.mean(axis=0)),
         "db is the mean of da over the batch. b was added to every row, so its gradient is the sum: "
         "da.sum(axis=0) (any 1/N belongs to the loss, and is already in dnext_h)."),
    ]


def _same_shape(value, like):
    if value.shape != like.shape:
        raise ValueError("this mistake needs D == H")
    return value


def _mistakes_at(variants, index):
    """Each variant's ``index``-th output, with its explanation."""
    return [(grads[index], explanation) for grads, explanation in variants]


def _evaluate(variants, *args):
    """Run wrong functions on ``args``; keep those that run (``(results, explanation)`` pairs)."""
    out = []
    for function, explanation in variants:
        try:
            with np.errstate(all="ignore"):
                out.append((function(*args), explanation))
        except ValueError:
            pass
    return out


# --- comparing five gradients -----------------------------------------------------------------

def _five(result, exercise, names):
    shown = ", ".join(names)
    if not isinstance(result, (tuple, list)):
        fail(f"`{exercise}` should return a tuple of five arrays ({shown}); it returned a "
             f"{type(result).__name__}. End with `return {shown}`.")
    if len(result) != 5:
        fail(f"`{exercise}` should return five arrays ({shown}); it returned {len(result)} values.")
    arrays = []
    for name, value in zip(names, result):
        if value is None:
            fail(f"{name} is None: compute it and return it ({shown}).")
        value = np.asarray(value)
        if value.dtype == object:
            fail(f"{name} should be a numpy array; it is a {type(value).__name__} of mixed objects.")
        arrays.append(value)
    return arrays


def _close(a, b, atol, rtol):
    return a.shape == b.shape and np.allclose(a, b, atol=atol, rtol=rtol)


def _compare(exercise, names, shapes, got, expected, variants, order, atol, rtol):
    """Name the mistake behind the first output of ``got`` (in ``order``) that differs from ``expected``.

    ``variants``: ``(wrong five-tuple, explanation)`` pairs, what the common mistakes return.
    Differences that match no known mistake are left to the gradient check and to
    :func:`_expect_values`, which follow.
    """
    for i in order:                                            # the right values in the wrong places
        if _close(got[i], expected[i], atol, rtol):
            continue
        for j in order:
            if j != i and _close(got[i], expected[j], atol, rtol) and not _close(expected[i], expected[j], atol, rtol):
                fail(f"`{exercise}` returned {names[j]} in the place of {names[i]}: return "
                     f"({', '.join(names)}), in this order.")
    passed = []                                                # outputs already found right
    for i in order:
        name = names[i]
        consistent = [(grads, why) for grads, why in variants    # mistakes that also give those
                      if all(_close(grads[k], got[k], atol, rtol) for k in passed)]
        for wrong, explanation in _mistakes_at(consistent, i):
            if _close(got[i], wrong, atol, rtol) and not _close(wrong, expected[i], atol, rtol):
                fail(f"{name}: {explanation}")
        if got[i].shape != expected[i].shape:
            fail(f"{name} has shape {got[i].shape}; expected {expected[i].shape}: {shapes[name]}.")
        if _close(got[i], expected[i], atol, rtol):
            passed.append(i)


def _expect_values(names, got, expected, order, atol, rtol):
    for i in order:
        expect_close(names[i], got[i], expected[i], atol=atol, rtol=rtol)


def _expect_dtype(names, got, dtype):
    for name, g in zip(names, got):
        if dtype == np.float64 and g.dtype == np.float32:
            fail(f"{name} is float32, but the inputs are float64. Keep the inputs' dtype: float32 keeps "
                 f"only about 7 significant digits, too few for a gradient check.")


def _shape_message(name, got, expected):
    """A message for a result of the wrong shape, or None."""
    if name == "db" and got.ndim == 2 and got.shape[1:] == expected.shape:
        return (f"db has shape {got.shape}: one row per example. b is shared by all examples (it is added "
                f"to every row), so its gradient is the sum over the batch: da.sum(axis=0), shape {expected.shape}.")
    if name.startswith("dW") and got.shape == expected.shape[::-1]:
        return (f"{name} has shape {got.shape}, the transpose of {expected.shape}. The gradient of a weight has "
                f"the weight's shape: {STEP_SHAPES[name]}.")
    if got.shape == expected.shape[::-1] and got.ndim == 2:
        return (f"{name} has shape {got.shape}, the transpose of {expected.shape}: "
                f"{SEQUENCE_SHAPES.get(name, STEP_SHAPES.get(name))}.")
    return None


def _explain_shapes(names, got, expected):
    for name, g, e in zip(names, got, expected):
        if g.shape != e.shape:
            message = _shape_message(name, g, e)
            if message:
                fail(message)


BACKWARD_SHAPES = ("dnext_h (N, H); cache = (x (N, D), prev_h (N, H), Wx (D, H), Wh (H, H), next_h (N, H)); "
                   "da = dnext_h * (1 - next_h**2) is (N, H); dx = da @ Wx.T is (N, D); dprev_h = da @ Wh.T "
                   "is (N, H); dWx = x.T @ da is (D, H); dWh = prev_h.T @ da is (H, H); db = da.sum(axis=0) "
                   "is (H,).")


def _call_backward(fn, exercise, upstream, cache):
    """Call the learner's backward pass; explain changes to the upstream gradient or to the cache."""
    snapshot = copy.deepcopy(cache)
    sequence = ("dh (N, T, H): dh[:, t] is the upstream gradient of h[:, t]; cache[t] is the cache "
                "of step t; per step: " if exercise == "rnn_backward" else "")
    try:
        result = call(fn, exercise, upstream, cache, explain=f"Shapes: {sequence}{BACKWARD_SHAPES}")
    except CheckFailure as err:
        if "argument number 1 in place" in str(err):
            view = (" dh[:, t] is a view into dh: `dnext = dh[:, t]` followed by `dnext += ...` writes into "
                    "dh. Write `dnext = dh[:, t] + carried`, which makes a new array."
                    if exercise == "rnn_backward" else
                    " `da = dnext_h` followed by `da *= ...` writes into dnext_h: write "
                    "`da = dnext_h * (1 - next_h ** 2)`, which makes a new array.")
            raise CheckFailure(f"`{exercise}` changed the upstream gradient in place.{view}") from None
        raise
    steps = [snapshot] if exercise == "rnn_step_backward" else snapshot
    now = [cache] if exercise == "rnn_step_backward" else cache
    for t, (before, after) in enumerate(zip(steps, now)):
        for name, old, new in zip(("x", "prev_h", "Wx", "Wh", "next_h"), before, after):
            if not np.array_equal(old, new):
                where = "" if exercise == "rnn_step_backward" else f" (the cache of step t = {t})"
                fail(f"`{exercise}` changed {name} in the cache in place{where}. The forward values must "
                     f"stay as they were: compute new arrays, e.g. `1 - next_h ** 2`, not `next_h **= 2`.")
    return result


# --- gradient checks against centred differences -------------------------------------------------

def _gradcheck(exercise, names, got, numerical, tolerance, what):
    for name, g, n in zip(names, got, numerical):
        error = bptt.rel_error(g, n)
        if not error < tolerance:
            fail(f"{name}: relative error {error:.1e} against the numerical gradient of {what}, "
                 f"in float64; a correct `{exercise}` stays below {tolerance:.0e} (typically "
                 f"about 1e-10). The mistake is none of the usual ones: compare your formula for "
                 f"{name} with the derivation in the notebook, term by term.")


# --- rnn_step_backward --------------------------------------------------------------------------

def _check_step(fn, cache, b, dnext_h, gradcheck=True):
    atol, rtol = (1e-9, 1e-7) if dnext_h.dtype == np.float64 else (1e-5, 1e-4)
    expected = reference("rnn_step_backward")(dnext_h, cache)
    got = _five(_call_backward(fn, "rnn_step_backward", dnext_h, cache), "rnn_step_backward", STEP_NAMES)
    _explain_shapes(STEP_NAMES, got, expected)
    variants = _evaluate(_wrong_steps(b), dnext_h, cache)
    # db first: it depends on da alone, so it tells a wrong tanh' apart from a wrong product
    order = (4, 2, 3, 0, 1)
    _compare("rnn_step_backward", STEP_NAMES, STEP_SHAPES, got, expected, variants, order, atol, rtol)
    _expect_dtype(STEP_NAMES, got, dnext_h.dtype)
    if gradcheck and dnext_h.dtype == np.float64:
        x, prev_h, Wx, Wh, _ = cache

        def loss(x, prev_h, Wx, Wh, b):
            next_h, _ = rnn.rnn_step_forward(x, prev_h, Wx, Wh, b)
            return np.sum(next_h * dnext_h)            # dL/dnext_h = dnext_h

        _gradcheck("rnn_step_backward", STEP_NAMES, got, bptt.numerical_gradients(loss, [x, prev_h, Wx, Wh, b]),
                   STEP_TOLERANCE, "L = sum(next_h * dnext_h)")
    _expect_values(STEP_NAMES, got, expected, order, atol, rtol)


def check_rnn_step_backward_basic(fn):
    """Visible: N = 2, D = 3, H = 4 in float64; values, then a gradient check (relative error < 1e-7)."""
    assert_own_work(fn, "rnn_step_backward")
    _check_step(fn, *_step_case(np.random.default_rng(40), N=2, D=3, H=4))


def check_rnn_step_backward_random(fn):
    """Hidden: D == H (transposes run), a batch of 1, a zero state, saturated units, float32,
    and gradient checks on random shapes."""
    assert_own_work(fn, "rnn_step_backward")
    rng = np.random.default_rng(401)
    for N, D, H in [(3, 4, 4), (1, 2, 2), (4, 5, 5)]:
        _check_step(fn, *_step_case(rng, N=N, D=D, H=H))
    for N, D, H in [(1, 1, 1), (1, 3, 6), (5, 7, 2), (2, 1, 3)]:
        _check_step(fn, *_step_case(rng, N=N, D=D, H=H))
    _check_step(fn, *_step_case(rng, N=3, D=4, H=5, zero_h=True))
    _check_step(fn, *_step_case(rng, N=3, D=4, H=5, scale=4.0))          # tanh near +-1: small tanh'
    _check_step(fn, *_step_case(rng, N=3, D=4, H=6, dtype=np.float32))


# --- rnn_backward -------------------------------------------------------------------------------

def _run_backward(dh, cache, step, add_upstream=True, carry=True, keep="all", forward_loop=False):
    """BPTT with a given step function and, optionally, one of the common loop mistakes."""
    T = len(cache)
    x, _, Wx, Wh, _ = cache[0]
    N = dh.shape[0]
    dx = np.zeros((N, T, Wx.shape[0]))
    sums = [np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wh.shape[0])]
    carried = np.zeros((N, Wh.shape[0]))
    order = list(range(T)) if forward_loop else list(reversed(range(T)))
    for i, t in enumerate(order):
        if not add_upstream:
            dnext_h = dh[:, T - 1] if i == 0 else carried
        else:
            dnext_h = dh[:, t] + carried if carry else dh[:, t]
        dx[:, t], carried, *weights = step(dnext_h, cache[t])
        for k, g in enumerate(weights):
            if keep == "all":
                sums[k] = sums[k] + g
            elif keep == "last" or (keep == "first" and i == 0):
                sums[k] = g
    return (dx, carried, *sums)


def _sequence_variants(dh, cache, b, expected):
    """What the common wrong versions of rnn_backward return, with what to tell the learner."""
    step = reference("rnn_step_backward")
    T = len(cache)
    one_step = ("dWx, dWh and db hold the gradient of one time step only (the last one your loop "
                "visited). The same weights are used at every step, so their gradient is the sum of "
                "every step's: dWx += dWx_t (and the same for dWh and db).")
    dx, dh0, dWx, dWh, db = expected
    variants = [
        (_run_backward(dh, cache, step, keep="last"), one_step),
        (_run_backward(dh, cache, step, keep="first"), one_step),
        (_run_backward(dh, cache, step, add_upstream=False),
         "only dh[:, T-1] enters the backward pass. Every state h_t has an upstream gradient dh[:, t] "
         "of its own: at each step add it to the gradient carried back from the step after, "
         "dnext_h = dh[:, t] + dprev_h."),
        (_run_backward(dh, cache, step, carry=False),
         "the gradient carried back from later steps is dropped: each step starts from dh[:, t] alone. "
         "h_t also changes the loss through h_{t+1}, ..., h_T, so dnext_h = dh[:, t] + the dprev_h "
         "returned by the step after it."),
        (_run_backward(dh, cache, step, forward_loop=True),
         "the loop runs forward in time. The gradient of h_t needs the gradient of h_{t+1} first, so "
         "go backwards: for t in reversed(range(T))."),
        ((dx, dh0, dWx / T, dWh / T, db / T),
         "dWx, dWh and db are divided by T. The loss is a sum over the uses of the weights; sum the "
         "steps' gradients without averaging (any 1/T belongs to the loss, already in dh)."),
        ((dx[:, ::-1], dh0, dWx, dWh, db),
         "dx is in reverse time order: your loop visits t = T-1, ..., 0. Store each step's gradient at "
         "its own time, dx[:, t] = ..., or reverse the list before stacking."),
        ((dx, np.zeros_like(dh0), dWx, dWh, db),
         "dh0 is zero. h0 feeds the first step through Wh, so it has a gradient: the dprev_h that the "
         "backward step of the first time step (t = 0) returns."),
        ((dx, dh[:, 0], dWx, dWh, db),
         "dh0 equals dh[:, 0], the upstream gradient of h_1 (the first state computed). dh0 is the "
         "gradient of h0: the dprev_h returned by the backward step of the first time step."),
        ((dx, _total_into_first(dh, cache, step), dWx, dWh, db),
         "dh0 is the total gradient of h_1 (the first state computed), before the backward step of "
         "the first time step. Run that step too (t = 0) and return its dprev_h."),
        ((dx, step(dh[:, 0], cache[0])[1], dWx, dWh, db),
         "dh0 is missing the recurrent path: it holds only what flows back from dh[:, 0]. The "
         "gradients of h_2, ..., h_T reach h0 through h_1 as well: return the dprev_h of the last "
         "backward step, after the whole loop."),
    ]
    N, T, _ = dx.shape
    if N == T:                                          # then a time-first dx has the right shape
        variants.append(((dx.transpose(1, 0, 2), dh0, dWx, dWh, db),
                         "dx is time first: dx[t] holds step t. The course is batch first, (N, T, D): "
                         "write dx[:, t] = ..., or np.stack(list, axis=1)."))
    for wrong_step, explanation in _wrong_steps(b):
        try:
            with np.errstate(all="ignore"):
                variants.append((_run_backward(dh, cache, wrong_step), explanation + FIX_STEP))
        except ValueError:
            pass
    return variants


def _total_into_first(dh, cache, step):
    """dL/dh_1 (total): what a loop that stops before the first step would return as dh0."""
    carried = np.zeros_like(dh[:, 0])
    for t in reversed(range(1, len(cache))):
        _, carried, *_ = step(dh[:, t] + carried, cache[t])
    return dh[:, 0] + carried


def _check_backward(fn, args, cache, dh, gradcheck=True):
    atol, rtol = (1e-9, 1e-7) if dh.dtype == np.float64 else (1e-5, 1e-4)
    expected = reference("rnn_backward")(dh, cache)
    got = _five(_call_backward(fn, "rnn_backward", dh, cache), "rnn_backward", SEQUENCE_NAMES)
    N, T, H = dh.shape
    if got[0].shape == (T, N, expected[0].shape[2]) and T != N:
        fail(f"dx has shape {got[0].shape}, time first; the course is batch first: (N, T, D) = "
             f"{expected[0].shape}. Write dx[:, t] = ..., or np.stack(list, axis=1).")
    _explain_shapes(SEQUENCE_NAMES, got, expected)
    b = args[4]
    order = (4, 2, 3, 0, 1)
    _compare("rnn_backward", SEQUENCE_NAMES, SEQUENCE_SHAPES, got, expected,
             _sequence_variants(dh, cache, b, expected), order, atol, rtol)
    _expect_dtype(SEQUENCE_NAMES, got, dh.dtype)
    if gradcheck and dh.dtype == np.float64:
        def loss(x, h0, Wx, Wh, b):
            h, _ = rnn.rnn_forward(x, h0, Wx, Wh, b)
            return np.sum(h * dh)                      # dL/dh[:, t] = dh[:, t] for every t

        _gradcheck("rnn_backward", SEQUENCE_NAMES, got, bptt.numerical_gradients(loss, list(args)),
                   SEQUENCE_TOLERANCE, "L = sum(h * dh) over all steps")
    _expect_values(SEQUENCE_NAMES, got, expected, order, atol, rtol)


def check_rnn_backward_basic(fn):
    """Visible: N = 2 sequences of T = 3 steps, D = 4, H = 5; values, then a gradient check (< 1e-6)."""
    assert_own_work(fn, "rnn_backward")
    _check_backward(fn, *_sequence_case(np.random.default_rng(41), N=2, T=3, D=4, H=5))


def check_rnn_backward_random(fn):
    """Hidden: T = 1, a batch of 1, N == T, D == H, a zero h0, a long sequence, float32,
    and gradient checks on random shapes."""
    assert_own_work(fn, "rnn_backward")
    rng = np.random.default_rng(402)
    for N, T, D, H in [(1, 4, 2, 3), (2, 1, 3, 4), (1, 1, 1, 1), (3, 3, 4, 4), (4, 5, 3, 3), (2, 6, 1, 5)]:
        _check_backward(fn, *_sequence_case(rng, N=N, T=T, D=D, H=H))
    _check_backward(fn, *_sequence_case(rng, N=3, T=4, D=2, H=3, zero_h=True))
    _check_backward(fn, *_sequence_case(rng, N=2, T=30, D=3, H=4), gradcheck=False)
    _check_backward(fn, *_sequence_case(rng, N=2, T=12, D=2, H=3))
    _check_backward(fn, *_sequence_case(rng, N=2, T=5, D=3, H=4, dtype=np.float32))


# --- numerical_gradient -------------------------------------------------------------------------

def _forward_difference(f, x, h):
    grad = np.zeros(x.shape)
    base = float(f(x))
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (float(f(x)) - base) / h
        x[i] = old
    return grad


def _backward_difference(f, x, h):
    return -_forward_difference(f, x, -h)


def _centred(f, x, h, up=1.0, down=1.0, divide=2.0):
    """(f(x + up h e_i) - f(x - down h e_i)) / (divide h): the centred difference and its slips."""
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + up * h
        plus = float(f(x))
        x[i] = old - down * h
        minus = float(f(x))
        x[i] = old
        grad[i] = (plus - minus) / (divide * h)
    return grad


def _all_at_once(f, x, h):
    return np.full(x.shape, (float(f(x + h)) - float(f(x - h))) / (2 * h))


def _numgrad_mistakes(f, x, h):
    default = 1e-5
    mistakes = [
        (_forward_difference(f, x, h),
         "this is the forward difference (f(x + h) - f(x)) / h. Its error shrinks like h, the centred "
         "difference's like h**2: with h = 1e-5 that is about 1e-5 against 1e-10. Evaluate f on both "
         "sides: (f(x + h e_i) - f(x - h e_i)) / (2 h)."),
        (_backward_difference(f, x, h),
         "this is the backward difference (f(x) - f(x - h)) / h, whose error shrinks only like h. Use "
         "both sides: (f(x + h e_i) - f(x - h e_i)) / (2 h)."),
        (_centred(f, x, h, divide=1.0),
         "it is twice the gradient: the two evaluations are 2 h apart, so divide by 2 * h, not h."),
        (_centred(f, x, h, up=0.5, down=0.5, divide=2.0),
         "it is half the gradient: moving x by h / 2 each way puts the evaluations h apart, so "
         "dividing by 2 h halves the result. Move by h each way and divide by 2 * h."),
        (_centred(f, x, h, up=1.0, down=0.0, divide=2.0),
         "it is (f(x + h e_i) - f(x)) / (2 h): the second evaluation is at x itself, not at x - h e_i. "
         "Set x[i] = old - h before evaluating f the second time."),
        (_all_at_once(f, x, h),
         "every entry holds the same number: all entries of x were moved at once (x + h). That gives "
         "the derivative along the direction (1, 1, ..., 1), the sum of all partial derivatives. "
         "Move one entry at a time, e_i, and store that entry's difference."),
        (np.zeros(x.shape),
         "every entry is 0: f was evaluated at an unchanged x. Evaluate f at the perturbed array (the "
         "one you changed) on both sides."),
    ]
    if h != default:
        mistakes.append((_centred(f, x, default),
                         f"the result is what a step of {default} gives, not the h = {h} that was passed: "
                         f"use the argument h (its default is 1e-5)."))
    return mistakes


def _call_numgrad(fn, f, x, h=None):
    """Call the learner's numerical_gradient on a copy of x; explain an x that is not restored."""
    x = x.copy()
    original = x.copy()
    args = (f, x) if h is None else (f, x, h)
    try:
        result = call(fn, "numerical_gradient", *args)
    except CheckFailure as err:
        if "argument number 2 in place" not in str(err):
            raise
        moved = float(np.abs(x - original).max())
        step = 1e-5 if h is None else h
        if moved > step / 4:
            fail(f"x is not restored: after numerical_gradient returns, some entries of x are still moved "
                 f"(by up to {moved:.2g}). Put every entry back after evaluating f on both sides of it.")
        fail(f"x is restored only approximately: some entries differ from the original by {moved:.1e}. "
             f"Adding h and subtracting it again does not always give back the same float (rounding). "
             f"Save the entry first, old = x[i], and write it back, x[i] = old.")
    if not isinstance(result, np.ndarray):
        fail(f"numerical_gradient should return a numpy array of the shape of x, {x.shape}; it returned "
             f"a {type(result).__name__}.")
    if result.shape != x.shape:
        fail(f"the gradient has shape {result.shape}; expected {x.shape}, the shape of x: one partial "
             f"derivative per entry of x (np.zeros_like(x, dtype=float), filled entry by entry).")
    return result


def _check_numgrad(fn, f, x, h=None, exact=None, what="f"):
    step = 1e-5 if h is None else h
    result = _call_numgrad(fn, f, x, h)
    expected = reference("numerical_gradient")(f, x.copy(), step)
    expect_close(f"the gradient of {what}", result, expected, atol=1e-8, rtol=1e-7,
                 mistakes=_numgrad_mistakes(f, x.copy(), step))
    if exact is not None:
        error = bptt.rel_error(result, exact)
        if not error < 1e-8:
            fail(f"the gradient of {what} has relative error {error:.1e} against the exact gradient; a "
                 f"centred difference with h = {step} stays below 1e-8 here.")


def check_numerical_gradient_basic(fn):
    """Visible: f(x) = sum(x**3) on a (2, 3) array, with the default step and with h = 0.01."""
    assert_own_work(fn, "numerical_gradient")
    x = np.random.default_rng(42).uniform(-2, 2, (2, 3))

    def cube(x):
        return np.sum(x ** 3)

    _check_numgrad(fn, cube, x, exact=3 * x ** 2, what="sum(x**3)")
    # with h = 0.01 the centred difference of x**3 is exactly 3 x**2 + h**2: the step shows
    _check_numgrad(fn, cube, x, h=0.01, what="sum(x**3) with h = 0.01")


def check_numerical_gradient_random(fn):
    """Hidden: 1-D, 3-D and one-entry arrays, a 0-d array as f's value, other functions and steps."""
    assert_own_work(fn, "numerical_gradient")
    rng = np.random.default_rng(403)
    c = rng.standard_normal(5)
    x = rng.standard_normal(5)
    _check_numgrad(fn, lambda v: np.sum(np.sin(v) * c), x, exact=np.cos(x) * c, what="sum(sin(x) * c)")
    A = rng.standard_normal((2, 3, 4))
    x = rng.standard_normal((2, 3, 4))
    _check_numgrad(fn, lambda v: np.sum(A * v) + 0.5 * np.sum(v ** 2), x, exact=A + x,
                   what="sum(A * x) + sum(x**2) / 2, x of shape (2, 3, 4)")
    x = np.array([0.7])
    _check_numgrad(fn, lambda v: np.array(np.exp(v[0])), x, exact=np.exp(x), what="exp(x), a 0-d array")
    X = rng.standard_normal((4, 3))
    W = 0.5 * rng.standard_normal((3, 2))
    _check_numgrad(fn, lambda w: np.sum(np.tanh(X @ w)), W, exact=X.T @ (1 - np.tanh(X @ W) ** 2),
                   what="sum(tanh(X @ W)), W of shape (3, 2)")
    x = rng.uniform(-1, 1, (3, 1))
    _check_numgrad(fn, lambda v: np.sum(np.exp(v)), x, h=1e-3, what="sum(exp(x)) with h = 0.001")
