"""Checks of unit 03_architecture: a stable ``softmax`` and the RNN with its output layer.

``z`` any shape, normalised along ``axis``; ``x (N, T, D)``, ``h0 (N, H)``, ``Wx (D, H)``,
``Wh (H, H)``, ``b (H,)``, ``Wy (H, V)``, ``by (V,)`` -> probabilities ``(N, T, V)``.
"""

import functools

import numpy as np

from ..models import keras_simple_rnn
from ..reference import birnn_forward, rnn
from .harness import AnswerRaised, CheckFailure, Exercise, NotWritten, expect_close, expect_shape, fail, rnn_inputs

KEEPDIMS = ("Use `np.max(z, axis=axis, keepdims=True)` and `np.sum(e, axis=axis, keepdims=True)`: they keep "
            "`axis` with length 1, so they broadcast back against z.")
SOFTMAX = Exercise("softmax", forbids=(rnn.softmax,), explain=f"Shapes: the result has z's shape. {KEEPDIMS}")
# the hidden half is part of the exercise: the package's RNNs may not compute it (Keras's starts from h0 = 0)
RNN_OUTPUT_FORWARD = Exercise("rnn_output_forward", forbids=(
    rnn.rnn_output_forward, rnn.softmax, rnn.rnn_forward, rnn.rnn_step_forward, rnn.run_over_time,
    birnn_forward, keras_simple_rnn), explain=(
    "Shapes: h_t = tanh(x[:, t] (N, D) @ Wx (D, H) + h_{t-1} (N, H) @ Wh (H, H) + b (H,)) is (N, H); "
    "h_t @ Wy (H, V) + by (V,) is (N, V), with a softmax over its last axis; the T outputs stacked on "
    "axis 1 are (N, T, V)."))


# --- softmax -----------------------------------------------------------------------------

def _normalised(e, axis):
    return e / e.sum(axis=axis, keepdims=True)


def _unkept(z, axis, max_keepdims):
    """softmax with the sum along ``axis`` taken without keepdims; the max too if ``max_keepdims`` is
    False, and no max subtracted if it is None."""
    e = np.exp(z if max_keepdims is None else z - np.max(z, axis=axis, keepdims=max_keepdims))
    return e / e.sum(axis=axis)


def _softmax_mistakes(z, axis):
    """What the common wrong versions of softmax return for ``z`` and ``axis``."""
    ax = axis % z.ndim
    mistakes = [] if ax == z.ndim - 1 else [
        (f"it ignores the `axis` argument: softmax(z, axis={axis}) should normalise along axis {axis}, not "
         f"always the last one.", rnn.softmax(z))]
    mistakes += [(f"it normalises along axis {a}, but softmax(z, axis={axis}) should make the values along "
                  f"axis {ax} sum to 1. Pass `axis=axis` (and `keepdims=True`) to your max and sum.",
                  rnn.softmax(z, axis=a)) for a in range(z.ndim) if a != ax]
    mistakes.append(("the values of the WHOLE array sum to 1. Sum along `axis` only (`np.sum(e, axis=axis, "
                     "keepdims=True)`), so that each slice is a probability distribution of its own.",
                     rnn.softmax(z.ravel()).reshape(z.shape)))
    # without keepdims the max or the sum broadcasts along the wrong axis where the shapes allow it
    mistakes += [("the max or the sum along `axis` was taken without `keepdims=True`, so it broadcasts along "
                  "the wrong axis when subtracting or dividing. " + KEEPDIMS,
                  functools.partial(_unkept, z, axis, max_keepdims)) for max_keepdims in (False, True, None)]
    mistakes.append(("the values are exp(z) and were never divided by their sum.", np.exp(z)))
    return mistakes


def _check_softmax(fn, z, axis=None):
    args = {"z": z} if axis is None else {"z": z, "axis": axis}
    axis = -1 if axis is None else axis
    name = f"softmax(z, axis={axis}) for z of shape {z.shape}"
    try:
        with np.errstate(all="ignore"):                  # an overflow is explained below, not warned about
            result = SOFTMAX.returns(SOFTMAX.call(fn, **args), "the result of softmax")
    except AnswerRaised as raised:
        dropped = np.max(z, axis=axis).shape             # the max along `axis` without keepdims
        broadcasts = all(a == b or 1 in (a, b) for a, b in zip(z.shape[::-1], dropped[::-1]))
        if isinstance(raised.error, ValueError) and not broadcasts:
            fail(f"{name} raised ValueError ({raised.error}), most likely because the max or the sum along "
                 f"`axis` was taken without `keepdims=True`: np.max(z, axis={axis}) has shape {dropped}, "
                 f"which does not broadcast against z {z.shape}. {KEEPDIMS}")
        raise
    expect_shape(f"softmax of an array of shape {z.shape}", result, z.shape,
                 hint="softmax keeps the shape of z: it only rescales the values along `axis`.")
    expected = rnn.softmax(z, axis=axis)
    if not np.all(np.isfinite(result)):
        with np.errstate(all="ignore"):
            naive = np.isfinite(_normalised(np.exp(z), axis))             # without subtracting a max
            whole_max = np.isfinite(_normalised(np.exp(z - z.max()), axis))
            low = np.min(z, axis=axis, keepdims=True)
            min_shift = np.isfinite(_normalised(np.exp(z - low), axis))   # the min along `axis` subtracted
        finite = np.isfinite(result)
        kind = z.dtype if np.issubdtype(z.dtype, np.floating) else np.dtype(np.float64)
        limit = np.log(np.finfo(kind).max)                                # np.exp overflows above it: 709 in float64
        if np.array_equal(finite, whole_max) and not np.array_equal(finite, naive):
            fail("softmax returned nan where every value along `axis` is far below the largest value of the "
                 "whole array. Subtract the max along `axis` (np.max(z, axis=axis, keepdims=True)), not the "
                 "max of the whole array: otherwise such a slice underflows to 0 / 0.")
        if np.array_equal(finite, min_shift) and not np.array_equal(finite, naive):
            spread = np.max(np.max(z, axis=axis, keepdims=True) - low)
            fail(f"softmax returned nan or inf where the values along `axis` span {spread:.0f}: it subtracts "
                 f"the MIN along `axis`, so its largest exponent is max - min = {spread:.0f}, and np.exp "
                 f"overflows above about {limit:.0f} in {kind.name}. Subtract the max along `axis` "
                 f"(np.max(z, axis=axis, keepdims=True)) instead: then every exponent is <= 0 and the largest "
                 f"term is exactly 1.")
        if not naive.all():
            textbook = (", as the textbook formula exp(z) / sum(exp(z)) with nothing subtracted does"
                        if np.array_equal(finite, naive) else "")
            fail(f"softmax returned nan or inf for logits as large as {np.abs(z).max():.0f}{textbook}: np.exp "
                 f"overflows above about {limit:.0f} in {kind.name} (and exp(-1000) underflows to 0, so "
                 f"0 / 0 = nan). Subtract the max along `axis` first: softmax(z) = softmax(z - max(z)) leaves "
                 f"the result unchanged and keeps every exponent <= 0.")
        fail(f"softmax returned nan or inf for an input of shape {z.shape} with values between "
             f"{z.min():.3g} and {z.max():.3g}. Subtract the max along `axis` (keepdims=True), exponentiate, "
             f"then divide by the sum along `axis`.")
    mistakes = _softmax_mistakes(z, axis) if np.abs(z).max() < 50 else []  # exp(z) of the mistakes is finite
    sums = result.sum(axis=axis)
    expect_close(name, result, expected, mistakes, hint="" if np.allclose(sums, 1.0, atol=1e-5) else (
        f"The values along axis {axis} should sum to 1 (each slice is a probability distribution), but "
        f"they sum to {np.round(sums.ravel()[:4], 4).tolist()}{' ...' if sums.size > 4 else ''}: divide "
        f"exp(z - max) by its sum along `axis`."))


def check_softmax_basic(fn):
    """Visible: a (2, 3) array, default axis; every row sums to 1."""
    SOFTMAX.own_work(fn)
    _check_softmax(fn, np.array([[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]]))
    _check_softmax(fn, np.array([2.0, 1.0, 0.1]))


def check_softmax_axis(fn):
    """Visible: the axis argument, on a (3, 4) array with axis=0 and a (2, 3, 4) array with axis=1."""
    SOFTMAX.own_work(fn)
    rng = np.random.default_rng(3)
    _check_softmax(fn, rng.standard_normal((3, 4)), axis=0)
    _check_softmax(fn, rng.standard_normal((2, 3, 4)), axis=1)


def check_softmax_stable(fn):
    """Visible: logits around +1000 and -1000, the defining property of a stable softmax.

    A row of large and a row of very negative logits (the max must be taken per row, not over the
    whole array) and a row spanning -1000 to 1000 (subtracting the min along ``axis`` overflows).
    """
    SOFTMAX.own_work(fn)
    _check_softmax(fn, np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]]))
    _check_softmax(fn, np.array([[-1000.0, 0.0, 1000.0], [3.0, 2.0, 1.0]]))


def check_softmax_extremes(fn):
    """Hidden: more large logits: 1-D, along axis 0, all equal to -800, and float32 (exp overflows above 88)."""
    SOFTMAX.own_work(fn)
    _check_softmax(fn, np.array([1000.0, 1001.0, 1002.0]))
    _check_softmax(fn, np.array([[3.0, 1000.0], [-1000.0, 2.0], [0.0, -999.0]]), axis=0)
    _check_softmax(fn, np.full((2, 5), -800.0))
    _check_softmax(fn, np.array([[50.0, 100.0, 150.0], [-150.0, 0.0, -100.0]], dtype=np.float32))


def check_softmax_random(fn):
    """Hidden: random shapes and axes (also a square array, float32, and inputs left unchanged)."""
    SOFTMAX.own_work(fn)
    rng = np.random.default_rng(17)
    _check_softmax(fn, rng.standard_normal((4, 4)) * 3, axis=0)
    _check_softmax(fn, rng.standard_normal((4, 4)) * 3, axis=1)
    _check_softmax(fn, rng.standard_normal((3, 5, 7)).astype(np.float32), axis=-2)
    for shape in [(1,), (6,), (2, 9), (3, 2, 6), (2, 3, 4, 5)]:
        z = rng.standard_normal(shape) * 5
        _check_softmax(fn, z, axis=int(rng.integers(-len(shape), len(shape))))
        _check_softmax(fn, z)


# --- rnn_output_forward ------------------------------------------------------------------

def _case(seed, N, T, D, H, V, zero_state=False, dtype=np.float64):
    """The arguments of rnn_output_forward, by name."""
    rng = np.random.default_rng(seed)
    x, h0, _, Wx, Wh, b = rnn_inputs(rng, N, D, H, T=T, dtype=dtype, zero_state=zero_state)
    _, _, _, Wy, _, by = rnn_inputs(rng, 1, H, V, dtype=dtype)      # the Dense layer's Wy (H, V), by (V,)
    return dict(x=x, h0=h0, Wx=Wx, Wh=Wh, b=b, Wy=Wy, by=by)


def _output_mistakes(x, h0, Wx, Wh, b, Wy, by):
    """What the common wrong versions of rnn_output_forward return on these inputs."""
    h, _ = rnn.rnn_forward(x, h0, Wx, Wh, b)
    previous = np.concatenate([h0[:, None], h[:, :-1]], axis=1)      # h_0 .. h_{T-1}
    relu, _ = rnn.run_over_time(lambda xt, prev, Wx, Wh, b: (np.maximum(xt @ Wx + prev @ Wh + b, 0), None),
                                x, h0, Wx, Wh, b)                # the states of a relu RNN
    return [
        ("the softmax runs over the time axis (axis 1), so each output unit's values sum to 1 over the "
         "steps. Normalise over the V outputs: the last axis.", rnn.softmax(h @ Wy + by, axis=1)),
        ("the softmax runs over the batch axis (axis 0). Normalise each step's V outputs: the last axis.",
         rnn.softmax(h @ Wy + by, axis=0)),
        ("the output at step t is computed from the previous state h_{t-1} (the first from h0). y_t = "
         "softmax(h_t Wy + by) uses the NEW state: update h first, then compute the output.",
         rnn.softmax(previous @ Wy + by)),
        ("the outputs are computed from the pre-activations x_t Wx + h_{t-1} Wh + b. Apply tanh first: "
         "y_t = softmax(h_t Wy + by) with h_t = tanh(...).",
         rnn.softmax((x @ Wx + previous @ Wh + b) @ Wy + by)),
        ("the outputs match the answer without the output bias: add `by` to h_t Wy before the softmax.",
         rnn.rnn_output_forward(x, h0, Wx, Wh, b, Wy, 0 * by)),
        ("these are the scores h_t Wy + by (logits), not probabilities: apply softmax over the last axis.",
         h @ Wy + by),
        ("the outputs match a run that starts from zeros: start from the given h0 instead.",
         rnn.rnn_output_forward(x, 0 * h0, Wx, Wh, b, Wy, by)),
        ("the hidden states use relu; this exercise (like SimpleRNN's default) uses tanh.",
         rnn.softmax(relu @ Wy + by)),
    ]


def _softmax_fails(fn):
    """Whether the learner's own ``softmax`` (in ``fn``'s notebook) gives wrong probabilities."""
    own = getattr(fn, "__globals__", {}).get("softmax")
    if not callable(own) or (getattr(own, "__module__", "") or "").startswith("rnncourse"):
        return False
    z = np.random.default_rng(5).standard_normal((2, 3, 4))
    try:
        with np.errstate(all="ignore"):
            return not np.allclose(own(z.copy()), rnn.softmax(z), atol=1e-6)
    except Exception:  # noqa: BLE001 (any failure of theirs means: not working yet)
        return True


def _check_output_forward(fn, case, atol=1e-6, rtol=1e-5):
    """The probabilities (N, T, V) that ``fn`` returns for ``case``, checked against the reference."""
    (N, T, _), V = case["x"].shape, case["Wy"].shape[1]
    try:
        probs = RNN_OUTPUT_FORWARD.returns(RNN_OUTPUT_FORWARD.call(fn, **case), "the probabilities")
        if probs.shape == (N, V) and T > 1:
            fail(f"the result has shape {(N, V)}: only the last step's output. Return the output of EVERY "
                 f"step, shape (N, T, V) = {(N, T, V)}.")
        if probs.shape == (T, N, V) != (N, T, V):
            fail(f"the result has shape {(T, N, V)}: time first. Arrays are batch first in this course: "
                 f"return (N, T, V) = {(N, T, V)} (e.g. np.stack(outputs, axis=1)).")
        expect_shape("the probabilities", probs, (N, T, V),
                     hint=f"For x of shape (N, T, D) = {case['x'].shape} and Wy of shape (H, V) = "
                          f"{case['Wy'].shape} there is one distribution over V = {V} outputs per example "
                          f"and step.")
        expect_close(f"rnn_output_forward for x of shape {case['x'].shape}", probs,
                     rnn.rnn_output_forward(**case), mistakes=_output_mistakes(**case), atol=atol, rtol=rtol)
    except NotWritten:
        raise
    except CheckFailure as failure:
        if _softmax_fails(fn):                           # the same failure, with where to look first
            failure.args = (f"{failure} (Your `softmax` does not pass its checks yet: if rnn_output_forward "
                            f"calls it, make sure the softmax tests pass first.)",)
        raise
    return probs


def check_rnn_output_forward_basic(fn):
    """Visible: N=2, T=3, D=4, H=5, V=6 with a nonzero h0; shapes and values."""
    RNN_OUTPUT_FORWARD.own_work(fn)
    _check_output_forward(fn, _case(0, N=2, T=3, D=4, H=5, V=6))


def check_rnn_output_forward_keras(fn):
    """Visible: equals Keras SimpleRNN(return_sequences=True) + Dense(softmax) with the same weights."""
    RNN_OUTPUT_FORWARD.own_work(fn)
    case = _case(1, N=3, T=5, D=2, H=4, V=3, zero_state=True, dtype=np.float32)
    model = keras_simple_rnn(case["Wx"], case["Wh"], case["b"], case["Wy"], case["by"])
    probs = _check_output_forward(fn, case, atol=1e-5, rtol=1e-4)   # shapes, and names a known mistake
    expect_close("rnn_output_forward compared with the Keras model", probs, np.asarray(model(case["x"])),
                 atol=1e-5, rtol=1e-4)


def check_rnn_output_forward_random(fn):
    """Hidden: random sizes, T = 1, N = 1, float32, a zero h0, inputs left unchanged."""
    RNN_OUTPUT_FORWARD.own_work(fn)
    sizes = [(1, 1, 3, 4, 5), (4, 1, 2, 3, 2), (1, 7, 5, 2, 4), (3, 12, 1, 6, 9), (5, 4, 6, 6, 6)]
    for seed, (N, T, D, H, V) in enumerate(sizes, start=10):
        _check_output_forward(fn, _case(seed, N, T, D, H, V))
    _check_output_forward(fn, _case(20, 2, 6, 3, 4, 5, zero_state=True))
    _check_output_forward(fn, _case(21, 3, 4, 3, 5, 4, dtype=np.float32), atol=1e-5, rtol=1e-4)
