"""Checks of unit 03_architecture: a stable ``softmax`` and the RNN with its output layer."""

import numpy as np

from ..reference import rnn
from .core import (CheckFailure, loaded_names, assert_own_work, call, expect_close, expect_shape,
                   fail, reference, register)

register({
    "softmax": "rnncourse.reference.rnn:softmax",
    "rnn_output_forward": "rnncourse.reference.rnn:rnn_output_forward",
    # the hidden half of the forward pass is part of the exercise, so these may not be called either
    "rnn_step_forward": "rnncourse.reference.rnn:rnn_step_forward",
    "rnn_forward": "rnncourse.reference.rnn:rnn_forward",
})


# --- softmax -----------------------------------------------------------------------------

def _naive_softmax(z, axis):
    """softmax without subtracting the max (overflows for large logits)."""
    with np.errstate(all="ignore"):
        e = np.exp(z)
        return e / e.sum(axis=axis, keepdims=True)


def _softmax_mistakes(z, axis):
    """What the common wrong versions of softmax return for ``z`` and ``axis``."""
    ref = reference("softmax")
    e = np.exp(z)  # z is small in the cases compared value by value: nothing overflows
    other_axes = [a for a in range(-z.ndim, 0) if a != (axis % z.ndim) - z.ndim]
    mistakes = [(ref(z, axis=a), f"it normalises along axis {a % z.ndim}, but softmax(z, axis={axis}) "
                                 f"should make the values along axis {axis % z.ndim} sum to 1. Pass "
                                 f"`axis=axis` (and `keepdims=True`) to your max and sum.")
                for a in other_axes]
    if axis % z.ndim != z.ndim - 1:
        mistakes.insert(0, (ref(z, axis=-1), f"it ignores the `axis` argument: softmax(z, axis={axis}) "
                                             f"should normalise along axis {axis}, not always the last one."))
    mistakes.append((e / e.sum(), "the values of the WHOLE array sum to 1. Sum along `axis` only "
                                  "(`np.sum(e, axis=axis, keepdims=True)`), so that each slice is a "
                                  "probability distribution of its own."))
    if z.ndim == 2 and z.shape[0] == z.shape[1]:
        # without keepdims, a square array's maxima and sums broadcast along the wrong axis
        shifted = np.exp(z - z.max(axis=axis, keepdims=True))
        unkept = np.exp(z - z.max(axis=axis))
        hint = ("the max or the sum along `axis` was taken without `keepdims=True`, so it broadcasts "
                "along the wrong axis when subtracting or dividing. Use `np.max(z, axis=axis, "
                "keepdims=True)` and `np.sum(e, axis=axis, keepdims=True)`.")
        mistakes += [(unkept / unkept.sum(axis=axis), hint), (shifted / shifted.sum(axis=axis), hint),
                     (e / e.sum(axis=axis), hint)]
    mistakes.append((e, "the values are exp(z) and were never divided by their sum."))
    return mistakes


def _check_softmax(fn, z, axis=None):
    kwargs = {} if axis is None else {"axis": axis}
    axis = -1 if axis is None else axis
    with np.errstate(all="ignore"):  # an overflowing answer is explained below, not warned about
        result = call(fn, "softmax", z, **kwargs)
    if not isinstance(result, np.ndarray):
        fail(f"softmax should return a numpy array; it returned a {type(result).__name__}.")
    expect_shape(f"softmax of an array of shape {z.shape}", result, z.shape,
                 hint="softmax keeps the shape of z: it only rescales the values along `axis`.")
    expected = reference("softmax")(z, axis=axis)
    if not np.all(np.isfinite(result)):
        with np.errstate(all="ignore"):
            global_max = np.exp(z - z.max())
            global_max = global_max / global_max.sum(axis=axis, keepdims=True)
        finite = np.isfinite(result)
        if np.array_equal(finite, np.isfinite(global_max)) and not np.all(np.isfinite(_naive_softmax(z, axis)) == finite):
            fail("softmax returned nan where every value along `axis` is far below the largest value "
                 "of the whole array. Subtract the max along `axis` (np.max(z, axis=axis, "
                 "keepdims=True)), not the max of the whole array: otherwise such a slice "
                 "underflows to 0 / 0.")
        if not np.all(np.isfinite(_naive_softmax(z, axis))):
            fail(f"softmax returned nan or inf for logits as large as {np.abs(z).max():.0f}: np.exp "
                 f"overflows above about 709 (and exp(-1000) underflows to 0, so 0 / 0 = nan). "
                 f"Subtract the max along `axis` first: softmax(z) = softmax(z - max(z)) leaves the "
                 f"result unchanged and keeps every exponent <= 0.")
        fail(f"softmax returned nan or inf for an input of shape {z.shape} with values between "
             f"{z.min():.3g} and {z.max():.3g}. Subtract the max along `axis` (keepdims=True), "
             f"exponentiate, then divide by the sum along `axis`.")
    name = f"softmax(z, axis={axis}) for z of shape {z.shape}"
    mistakes = _softmax_mistakes(z, axis) if np.abs(z).max() < 50 else []
    sums = result.sum(axis=axis)
    if z.size and not np.allclose(sums, 1.0, atol=1e-5):
        for wrong, explanation in mistakes:  # a known mistake is named first
            if wrong.shape == result.shape and np.allclose(result, wrong, atol=1e-6, rtol=1e-5):
                fail(f"{name}: {explanation}")
        fail(f"{name}: the values along axis {axis} should sum to 1 (each slice is a probability "
             f"distribution), but they sum to {np.round(sums.ravel()[:4], 4).tolist()}"
             f"{' ...' if sums.size > 4 else ''}. Divide exp(z - max) by its sum along `axis`.")
    expect_close(name, result, expected, mistakes=mistakes)


def check_softmax_basic(fn):
    """Visible: a (2, 3) array, default axis; every row sums to 1."""
    assert_own_work(fn, "softmax")
    z = np.array([[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]])
    _check_softmax(fn, z)
    _check_softmax(fn, np.array([2.0, 1.0, 0.1]))


def check_softmax_axis(fn):
    """Visible: the axis argument, on a (3, 4) array with axis=0 and a (2, 3, 4) array with axis=1."""
    assert_own_work(fn, "softmax")
    rng = np.random.default_rng(3)
    _check_softmax(fn, rng.standard_normal((3, 4)), axis=0)
    _check_softmax(fn, rng.standard_normal((2, 3, 4)), axis=1)


def check_softmax_stable(fn):
    """Hidden: logits around +1000 and -1000, with large and small rows in one array."""
    assert_own_work(fn, "softmax")
    _check_softmax(fn, np.array([1000.0, 1001.0, 1002.0]))
    _check_softmax(fn, np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]]))
    _check_softmax(fn, np.array([[3.0, 1000.0], [-1000.0, 2.0], [0.0, -999.0]]), axis=0)
    _check_softmax(fn, np.full((2, 5), -800.0))


def check_softmax_random(fn):
    """Hidden: random shapes and axes (also a square array, float32, and inputs left unchanged)."""
    assert_own_work(fn, "softmax")
    rng = np.random.default_rng(17)
    _check_softmax(fn, rng.standard_normal((4, 4)) * 3, axis=0)
    _check_softmax(fn, rng.standard_normal((4, 4)) * 3, axis=1)
    _check_softmax(fn, rng.standard_normal((3, 5, 7)).astype(np.float32), axis=-2)
    for shape in [(1,), (6,), (2, 9), (3, 2, 6), (2, 3, 4, 5)]:
        z = rng.standard_normal(shape) * 5
        _check_softmax(fn, z, axis=int(rng.integers(-len(shape), len(shape))))
        _check_softmax(fn, z)


# --- rnn_output_forward ------------------------------------------------------------------

def _case(seed, N, T, D, H, V, zero_h0=False, dtype=np.float64):
    """Random inputs ``(x, h0, Wx, Wh, b, Wy, by)`` for rnn_output_forward."""
    rng = np.random.default_rng(seed)
    p = rnn.random_rnn_params(D, H, V, seed=seed + 1, scale=0.6, dtype=dtype)
    x = rng.standard_normal((N, T, D)).astype(dtype)
    h0 = np.zeros((N, H), dtype) if zero_h0 else (0.5 * rng.standard_normal((N, H))).astype(dtype)
    return x, h0, p["Wx"], p["Wh"], p["b"], p["Wy"], p["by"]


def _hidden_states(x, h0, Wx, Wh, b, activation=np.tanh):
    """``(a, h)``: pre-activations and hidden states h_1..h_T, both (N, T, H)."""
    a, h, prev = [], [], h0
    for t in range(x.shape[1]):
        a.append(x[:, t] @ Wx + prev @ Wh + b)
        prev = activation(a[-1])
        h.append(prev)
    return np.stack(a, axis=1), np.stack(h, axis=1)


def _output_mistakes(x, h0, Wx, Wh, b, Wy, by):
    """What the common wrong versions of rnn_output_forward return on these inputs."""
    softmax = reference("softmax")
    a, h = _hidden_states(x, h0, Wx, Wh, b)
    previous = np.concatenate([h0[:, None], h[:, :-1]], axis=1)  # h_0 .. h_{T-1}
    _, h_from_zero = _hidden_states(x, np.zeros_like(h0), Wx, Wh, b)
    _, h_relu = _hidden_states(x, h0, Wx, Wh, b, activation=lambda v: np.maximum(v, 0))
    mistakes = [
        (softmax(h @ Wy + by, axis=1), "the softmax runs over the time axis (axis 1), so each output "
                                       "unit's values sum to 1 over the steps. Normalise over the V "
                                       "outputs: the last axis."),
        (softmax(h @ Wy + by, axis=0), "the softmax runs over the batch axis (axis 0). Normalise each "
                                       "step's V outputs: the last axis."),
        (softmax(previous @ Wy + by), "the output at step t is computed from the previous state "
                                      "h_{t-1} (the first from h0). y_t = softmax(h_t Wy + by) uses "
                                      "the NEW state: update h first, then compute the output."),
        (softmax(a @ Wy + by), "the outputs are computed from the pre-activations x_t Wx + h_{t-1} Wh "
                               "+ b. Apply tanh first: y_t = softmax(h_t Wy + by) with h_t = tanh(...)."),
        (softmax(h @ Wy), "the outputs match the answer without the output bias: add `by` to h_t Wy "
                          "before the softmax."),
        (h @ Wy + by, "these are the scores h_t Wy + by (logits), not probabilities: apply softmax over the last axis."),
        (softmax(h_from_zero @ Wy + by), "the outputs match a run that starts from zeros: start from "
                                         "the given h0 instead."),
        (softmax(h_relu @ Wy + by), "the hidden states use relu; this exercise (like SimpleRNN's "
                                    "default) uses tanh."),
    ]
    return mistakes


def _learners_softmax(fn):
    """The learner's own ``softmax`` if ``fn`` calls a global of that name, else None."""
    code = getattr(fn, "__code__", None)
    if code is None or "softmax" not in loaded_names(code)[0]:
        return None
    own = getattr(fn, "__globals__", {}).get("softmax")
    return own if callable(own) and not (getattr(own, "__module__", "") or "").startswith("rnncourse") else None


def _softmax_works(own):
    """Whether the learner's softmax gives the right probabilities over the last axis."""
    z = np.random.default_rng(5).standard_normal((2, 3, 4))
    try:
        with np.errstate(all="ignore"):
            return np.allclose(own(z.copy()), reference("softmax")(z), atol=1e-6)
    except Exception:  # noqa: BLE001 (any failure of theirs means: not working yet)
        return False


def _check_output_forward(fn, args, atol=1e-6, rtol=1e-5):
    x, h0, Wx, Wh, b, Wy, by = args
    N, T, _ = x.shape
    V = Wy.shape[1]
    own_softmax = _learners_softmax(fn)
    try:
        result = call(fn, "rnn_output_forward", *args)
        if not isinstance(result, np.ndarray):
            fail(f"rnn_output_forward should return a numpy array of probabilities; it returned a "
                 f"{type(result).__name__}.")
        if result.shape == (N, V) and T > 1:
            fail(f"the result has shape {(N, V)}: only the last step's output. Return the output of "
                 f"EVERY step, shape (N, T, V) = {(N, T, V)}.")
        if result.shape == (T, N, V) and T != N:
            fail(f"the result has shape {(T, N, V)}: time first. Arrays are batch first in this "
                 f"course: return (N, T, V) = {(N, T, V)} (e.g. np.stack(outputs, axis=1)).")
        expect_shape("the probabilities", result, (N, T, V),
                     hint=f"For x of shape (N, T, D) = {x.shape} and Wy of shape (H, V) = {Wy.shape} "
                          f"there is one distribution over V = {V} outputs per example and step.")
        expected = reference("rnn_output_forward")(*args)
        expect_close(f"rnn_output_forward for x of shape {x.shape}", result, expected,
                     mistakes=_output_mistakes(*args), atol=atol, rtol=rtol)
    except CheckFailure as err:
        if own_softmax is None or _softmax_works(own_softmax):
            raise
        raise CheckFailure(f"{err} (Your rnn_output_forward calls your `softmax`: make sure the "
                           f"softmax tests pass first.)") from None


def check_rnn_output_forward_basic(fn):
    """Visible: N=2, T=3, D=4, H=5, V=6 with a nonzero h0; shapes and values."""
    assert_own_work(fn, "rnn_output_forward")
    _check_output_forward(fn, _case(0, N=2, T=3, D=4, H=5, V=6))


def check_rnn_output_forward_keras(fn):
    """Visible: equals Keras SimpleRNN(return_sequences=True) + Dense(softmax) with the same weights."""
    assert_own_work(fn, "rnn_output_forward")
    from ..models.convert import keras_simple_rnn

    x, h0, Wx, Wh, b, Wy, by = _case(1, N=3, T=5, D=2, H=4, V=3, zero_h0=True, dtype=np.float32)
    model = keras_simple_rnn(Wx, Wh, b, Wy, by)
    keras_probs = np.asarray(model(x))
    args = (x, h0, Wx, Wh, b, Wy, by)
    _check_output_forward(fn, args, atol=1e-5, rtol=1e-4)  # shapes, and names a known mistake
    result = call(fn, "rnn_output_forward", *args)
    expect_close("rnn_output_forward compared with the Keras model", result, keras_probs, atol=1e-5, rtol=1e-4)


def check_rnn_output_forward_random(fn):
    """Hidden: random sizes, T = 1, N = 1, float32, a zero h0, inputs left unchanged."""
    assert_own_work(fn, "rnn_output_forward")
    sizes = [(1, 1, 3, 4, 5), (4, 1, 2, 3, 2), (1, 7, 5, 2, 4), (3, 12, 1, 6, 9), (5, 4, 6, 6, 6)]
    for seed, (N, T, D, H, V) in enumerate(sizes, start=10):
        _check_output_forward(fn, _case(seed, N, T, D, H, V))
    _check_output_forward(fn, _case(20, 2, 6, 3, 4, 5, zero_h0=True))
    _check_output_forward(fn, _case(21, 3, 4, 3, 5, 4, dtype=np.float32), atol=1e-5, rtol=1e-4)
