"""Checks of unit 05_gradient_problems: clipping a gradient by value and by global norm.

A gradient is a list of arrays, one per weight, e.g. ``[dWx (D, H), dWh (H, H), db (H,)]``.
Both exercises return new arrays and leave the list and its arrays unchanged (every call checks
both, item by item).
"""

import numpy as np

from ..reference import clipping
from .harness import Exercise, _loads, expect_close, fail, matching_mistake

GRADS = "grads is a list of arrays of any shapes, e.g. [dWx (D, H), dWh (H, H), db (H,)]; "
CLIP_BY_VALUE = Exercise("clip_by_value", forbids=(clipping.clip_by_value,), explain=(
    f"Shapes: {GRADS}clip_value is a number > 0. Return a new list with one new array per array of grads."))
# global_norm alone is the first half of the work
CLIP_BY_GLOBAL_NORM = Exercise("clip_by_global_norm", forbids=(
    clipping.clip_by_global_norm, clipping.global_norm), explain=(
    f"Shapes: {GRADS}max_norm is a number > 0; global_norm is one float over all of them. An all-zero "
    f"gradient has global_norm 0: scale only when global_norm > max_norm, so that max_norm / global_norm "
    f"never divides by zero."))
LIBRARY_CLIPPERS = {"clip_by_global_norm", "clip_by_norm", "clip_by_value", "global_norm"}  # TensorFlow's


def _own_work(exercise, fn):
    """``own_work``, and no TensorFlow clipping function (an attribute of tf, not a package object)."""
    exercise.own_work(fn)
    used = sorted(_loads(fn.__code__)[1] & LIBRARY_CLIPPERS) if hasattr(fn, "__code__") else []
    if used:
        fail(f"`{exercise.name}` calls a library's `{used[0]}` (TensorFlow has one). Writing it is the "
             f"exercise: use numpy only (np.clip, np.sum, np.sqrt, ...).")


def _gradient(rng, shapes, scale=1.0, dtype=np.float64):
    """A seeded list of arrays of the given shapes, entries normal with standard deviation ``scale``."""
    return [(scale * rng.standard_normal(shape)).astype(dtype) for shape in shapes]


def _flat(arrays):
    """All entries of a list of arrays in one float64 vector, to compare lists with one comparison."""
    return np.concatenate([np.ravel(np.asarray(a, dtype=np.float64)) for a in arrays])


def _expect_list(what, result, grads):
    """The learner's list of arrays, with its length and the arrays' shapes checked against ``grads``."""
    if isinstance(result, np.ndarray):
        fail(f"{what} is one array of shape {result.shape}; return a list with one array per input array "
             f"({len(grads)} here), each of the same shape as its input.")
    if not isinstance(result, (list, tuple)):
        fail(f"{what} should be a list of arrays; it is a {type(result).__name__}.")
    if len(result) != len(grads):
        fail(f"{what} holds {len(result)} arrays; expected {len(grads)}, one per array of grads.")
    for i, (g, r) in enumerate(zip(grads, result)):
        if np.shape(r) != g.shape:
            fail(f"{what}[{i}] has shape {np.shape(r)}; expected {g.shape}, the shape of grads[{i}]. Clip each "
                 f"array as it is, without flattening or stacking.")
    return [np.asarray(r) for r in result]


def _expect_new_arrays(what, result, grads):
    for i, (g, r) in enumerate(zip(grads, result)):
        if g.size and np.shares_memory(g, r):
            fail(f"{what}[{i}] is grads[{i}] itself (or a view of it), not a new array: when the caller later "
                 f"updates one, the other changes too. Return a copy, e.g. `g.copy()`.")


def _expect_lists_close(what, arrays, grads, expected, mistakes):
    """Compare lists of arrays; name the mistake ``(explanation, what it does to each array)`` they match."""
    explanation = matching_mistake(_flat(arrays), _flat(expected), [
        (why, lambda each=each: _flat([each(g) for g in grads])) for why, each in mistakes])
    if explanation is not None:
        fail(f"{what}: {explanation}")
    for i, (mine, right) in enumerate(zip(arrays, expected)):
        expect_close(f"{what}[{i}]", mine, right)


# --- clip_by_value ---------------------------------------------------------------------------

def _check_value(fn, grads, c):
    arrays = _expect_list("the result", CLIP_BY_VALUE.call(fn, grads=grads, clip_value=c), grads)
    _expect_lists_close("the clipped gradient", arrays, grads, clipping.clip_by_value(grads, c), [
        (f"the entries above {c} were cut but those below -{c} were not: clip both sides, to [-clip_value, "
         f"clip_value] (np.clip(g, -clip_value, clip_value)).", lambda g: np.minimum(g, c)),
        (f"the entries below -{c} were cut but those above {c} were not: clip both sides.",
         lambda g: np.maximum(g, -c)),
        ("every negative entry became 0: the lower bound is -clip_value, not 0.", lambda g: np.clip(g, 0, c)),
        ("the signs are lost: the result is min(|g|, clip_value). Clipping keeps each entry's sign; only its "
         "size is limited.", lambda g: np.minimum(np.abs(g), c)),
        ("entries beyond the limits were set to 0; they should be set to the limit they crossed (clip_value "
         "or -clip_value).", lambda g: np.where(np.abs(g) > c, 0.0, g)),
        ("each array was rescaled so that its largest entry is clip_value. Clipping by value cuts each entry "
         "on its own: entries inside [-clip_value, clip_value] stay as they are.",
         lambda g: g * (c / max(np.abs(g).max(), c))),
    ])
    return arrays


def check_clip_by_value_basic(fn):
    """Visible: a 2 x 3 array and a vector, with entries beyond both limits."""
    _own_work(CLIP_BY_VALUE, fn)
    _check_value(fn, [np.array([[0.5, -3.0, 2.0], [-0.2, 1.0, -1.5]]), np.array([4.0, -0.1, 0.0])], 1.0)


def check_clip_by_value_hidden(fn):
    """Hidden: random shapes, float32, nothing to clip, everything clipped, new arrays, inputs unchanged."""
    _own_work(CLIP_BY_VALUE, fn)
    rng = np.random.default_rng(501)
    cases = [
        (_gradient(rng, [(4, 6), (6, 6), (6,)], scale=2.0), 0.5),                 # dWx, dWh, db
        (_gradient(rng, [(3, 5), (5,)], scale=0.1), 5.0),                          # nothing to clip
        (_gradient(rng, [(7,)], scale=10.0), 1e-3),                                # nearly all clipped
        (_gradient(rng, [(2, 3, 4), (1,), (5, 2)], scale=3.0, dtype=np.float32), 2.5),
        ([np.zeros((3, 2)), np.full(4, -7.0)], 1.0),                               # zeros, all below
    ]
    for grads, c in cases:
        _expect_new_arrays("the result", _check_value(fn, grads, c), grads)


# --- clip_by_global_norm ---------------------------------------------------------------------

def _clipped_and_norm(fn, grads, max_norm):
    """The answer's ``(clipped, global_norm)``, the list's arrays checked, the norm as a float."""
    result = CLIP_BY_GLOBAL_NORM.call(fn, grads=grads, max_norm=max_norm)
    if isinstance(result, (list, tuple)) and result and all(isinstance(r, np.ndarray) and r.ndim for r in result):
        fail("`clip_by_global_norm` returned only the clipped arrays; it should return a pair (clipped, "
             "global_norm): end with `return clipped, global_norm`.")
    clipped, norm = CLIP_BY_GLOBAL_NORM.returns(result, "clipped", "global_norm", kind=object)
    try:
        norm = float(norm)
    except (TypeError, ValueError):
        fail(f"global_norm should be a number; it is {norm!r}.")
    return _expect_list("the clipped list", clipped, grads), norm


def _check_global(fn, grads, max_norm):
    """The norm first: a wrong norm explains the wrong clipped list that an answer scaling by it returns."""
    expected, expected_norm = clipping.clip_by_global_norm(grads, max_norm)
    clipped, norm = _clipped_and_norm(fn, grads, max_norm)
    norms = [float(np.linalg.norm(np.ravel(g))) for g in grads]
    every_entry = "The global norm is the norm of all entries together: sqrt(sum over all arrays of sum(g ** 2))."
    expect_close("global_norm", norm, expected_norm, mistakes=[
        (f"it is the norm AFTER clipping ({min(expected_norm, max_norm):.6g}). Return the norm measured before "
         f"clipping ({expected_norm:.6g}), as tf.clip_by_global_norm does: it tells the caller how large the "
         f"gradient really was (a large value is the warning sign of an exploding gradient).",
         min(expected_norm, max_norm)),
        ("it is the sum of the squares, without the square root.", expected_norm ** 2),
        (f"it is the sum of the norms of the arrays. {every_entry}", sum(norms)),
        (f"it is the largest norm of a single array. {every_entry}", max(norms)),
        ("it is the norm of the last array only: add up the squares over ALL arrays.", norms[-1]),
        ("the entries were not squared: sqrt(sum(|g|)) is not a norm.", np.sqrt(np.abs(_flat(grads)).sum())),
    ])
    if not np.isfinite(_flat(clipped)).all() and np.isfinite(_flat(grads)).all():
        fail("the clipped list contains nan or inf" + (
            ": the gradient is all zeros, so its norm is 0 and max_norm / global_norm divides by zero. An "
            "all-zero gradient is below any max_norm: return it unchanged." if expected_norm == 0 else "."))
    _expect_lists_close("the clipped list", clipped, grads, expected, [
        ("each array was clipped by its OWN norm (tf.clip_by_norm on each, or Keras's `clipnorm`). That changes "
         "the ratios between the arrays, so the direction of the whole gradient changes. Compute one global "
         "norm over all arrays and scale every array by the same factor.",
         lambda g: g * (max_norm / max(np.linalg.norm(g), max_norm))),
        (f"the gradient was scaled although its norm ({expected_norm:.6g}) is not above max_norm ({max_norm}): "
         f"scale only when global_norm > max_norm; otherwise return the arrays unchanged (as copies).",
         lambda g: g * (max_norm / expected_norm)),
        ("the scale factor is upside down: multiply by max_norm / global_norm (which is < 1 when clipping), "
         "not global_norm / max_norm.", lambda g: g * (expected_norm / max_norm)),
        ("every array was divided by the global norm, which gives length 1; scale to length max_norm: multiply "
         "by max_norm / global_norm.", lambda g: g * (1 / expected_norm)),
        ("that is clipping by value, entry by entry. Clipping by global norm rescales all arrays together by "
         "max_norm / global_norm.", lambda g: np.clip(g, -max_norm, max_norm)),
    ])
    return clipped


def _example():
    """Two arrays of norms 3 and 4: global norm exactly 5."""
    return [np.array([[1.0, -2.0], [2.0, 0.0]]), np.array([0.0, 4.0, 0.0])]


def check_clip_by_global_norm_basic(fn):
    """Visible: norms 3 and 4 (global norm 5) clipped to 2, and the same gradient with max_norm 10."""
    _own_work(CLIP_BY_GLOBAL_NORM, fn)
    _check_global(fn, _example(), 2.0)      # clipped: every array times 2 / 5
    _check_global(fn, _example(), 10.0)     # under the threshold: unchanged


def check_clip_by_global_norm_hidden(fn):
    """Hidden: random gradients over and under the threshold, float32, one array, a zero gradient,
    exactly at the threshold; against tf.clip_by_global_norm; new arrays, inputs unchanged."""
    _own_work(CLIP_BY_GLOBAL_NORM, fn)
    rng = np.random.default_rng(502)
    shapes = [(4, 6), (6, 6), (6,), (6, 3), (3,)]                              # Wx, Wh, b, Wy, by
    cases = [
        (_gradient(rng, shapes, scale=5.0), 1.0),                               # far over
        (_gradient(rng, shapes, scale=0.01), 1.0),                              # under
        (_gradient(rng, [(3, 2, 5), (1,)], scale=2.0, dtype=np.float32), 0.3),  # float32, 3-D
        (_gradient(rng, [(10,)], scale=1.0), 0.5),                              # one array
        ([np.zeros((3, 4)), np.zeros(4)], 1.0),                                 # all zeros: no 0 / 0
    ]
    at_threshold = _gradient(rng, [(5, 5), (5,)])
    for grads, max_norm in cases + [(at_threshold, clipping.global_norm(at_threshold))]:   # exactly max_norm
        _expect_new_arrays("the clipped list", _check_global(fn, grads, max_norm), grads)
    _against_tensorflow(fn, _gradient(rng, shapes, scale=3.0, dtype=np.float32), 2.0)


def _against_tensorflow(fn, grads, max_norm):
    """The learner's answer equals ``tf.clip_by_global_norm`` on the same float32 gradient."""
    from ..course.setup import quiet_tensorflow

    tf, _ = quiet_tensorflow()
    tf_clipped, tf_norm = tf.clip_by_global_norm([tf.constant(g) for g in grads], max_norm)
    clipped, norm = _clipped_and_norm(fn, grads, max_norm)
    expect_close("global_norm (against tf.clip_by_global_norm)", norm, float(tf_norm))
    for i, (mine, theirs) in enumerate(zip(clipped, tf_clipped)):
        expect_close(f"clipped[{i}] (against tf.clip_by_global_norm)", mine, theirs.numpy())
