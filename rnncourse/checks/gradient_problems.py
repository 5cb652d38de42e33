"""Checks of unit 05_gradient_problems: clipping a gradient by value and by global norm.

A gradient is a list of arrays, one per weight, e.g. ``[dWx (D, H), dWh (H, H), db (H,)]``.
Both exercises return new arrays and leave the list and its arrays unchanged.
"""

import copy

import numpy as np

from .core import CheckFailure, assert_own_work, call, expect_close, fail, loaded_names, reference, register

register({
    "clip_by_value": "rnncourse.reference.clipping:clip_by_value",
    "clip_by_global_norm": "rnncourse.reference.clipping:clip_by_global_norm",
})

ATOL, RTOL = 1e-6, 1e-5
LIBRARY_CLIPPERS = {"clip_by_global_norm", "clip_by_norm", "clip_by_value", "global_norm"}


def _not_a_library_call(fn, exercise):
    """Fail if the answer hands the work to TensorFlow's own clipping functions."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return
    _, attributes = loaded_names(code)
    used = sorted(attributes & LIBRARY_CLIPPERS)
    if used:
        fail(f"`{exercise}` calls a library's `{used[0]}` (TensorFlow has one). Writing it is the "
             f"exercise: use numpy only (np.clip, np.sum, np.sqrt, ...).")


def _gradient(rng, shapes, scale=1.0, dtype=np.float64):
    """A seeded list of arrays of the given shapes, entries normal with standard deviation ``scale``."""
    return [(scale * rng.standard_normal(shape)).astype(dtype) for shape in shapes]


def _norm(arrays):
    return float(np.sqrt(sum(np.sum(np.asarray(a, dtype=np.float64) ** 2) for a in arrays)))


def _call_on_list(fn, exercise, grads, *args, hint=""):
    """``call``, and also check that the list and the arrays in it were left as they were."""
    before, items = copy.deepcopy(grads), list(grads)
    try:
        result = fn(grads, *args)
    except NotImplementedError:
        call(fn, exercise, grads, *args)               # says which function is not written yet
        raise
    except CheckFailure:
        raise
    except Exception as err:                           # the learner's bug, described in their terms
        shapes = ", ".join(f"{g.shape} {g.dtype}" for g in before)
        fail(f"`{exercise}(grads, {', '.join(repr(a) for a in args)})` raised {type(err).__name__}: {err}\n"
             f"grads was a list of {len(before)} arrays of shapes {shapes}." + (f"\n{hint}" if hint else ""))
    if len(grads) != len(before) or any(new is not old for new, old in zip(grads, items)):
        fail(f"`{exercise}` changed the list it was given (replaced, added or removed arrays). Build "
             f"a new list instead, e.g. `[... for g in grads]`.")
    for i, (old, new) in enumerate(zip(before, grads)):
        if old.shape != new.shape or not np.array_equal(old, new):
            fail(f"`{exercise}` changed grads[{i}] in place: the caller's gradient is now clipped too. "
                 f"Return new arrays (np.clip(g, ...) or g * scale make new ones) and leave the "
                 f"inputs as they were (no `g[...] = ...`, `g *= ...` or `np.clip(..., out=g)`).")
    return result


def _expect_list(result, grads, exercise, what):
    """The learner's list of arrays, with its length and shapes checked against ``grads``."""
    if isinstance(result, np.ndarray):
        fail(f"{what} is one array of shape {result.shape}; return a list with one array per "
             f"input array ({len(grads)} here), each of the same shape as its input.")
    if not isinstance(result, (list, tuple)):
        fail(f"{what} should be a list of arrays; it is a {type(result).__name__}.")
    if len(result) != len(grads):
        fail(f"{what} holds {len(result)} arrays; expected {len(grads)}, one per array of grads.")
    arrays = []
    for i, (g, r) in enumerate(zip(grads, result)):
        r_array = np.asarray(r)
        if r_array.shape != g.shape:
            fail(f"{what}[{i}] has shape {r_array.shape}; expected {g.shape}, the shape of grads[{i}]. "
                 f"Clip each array as it is, without flattening or stacking.")
        arrays.append(r_array)
    return arrays


def _expect_new_arrays(result, grads, what):
    for i, (g, r) in enumerate(zip(grads, result)):
        if isinstance(r, np.ndarray) and g.size and np.shares_memory(g, r):
            fail(f"{what}[{i}] is grads[{i}] itself (or a view of it), not a new array: when the caller "
                 f"later updates one, the other changes too. Return a copy, e.g. `g.copy()`.")


def _compare_lists(what, result, expected, mistakes):
    """Compare two lists of arrays; if they differ, name the mistake whose output matches."""
    def close(a, b):
        return np.allclose(np.asarray(a, dtype=np.float64), b, atol=ATOL, rtol=RTOL)

    if all(close(r, e) for r, e in zip(result, expected)):
        return
    for wrong, why in mistakes:
        if all(close(r, w) for r, w in zip(result, wrong)) and \
                not all(close(w, e) for w, e in zip(wrong, expected)):
            fail(f"{what}: {why}")
    for i, (r, e) in enumerate(zip(result, expected)):
        expect_close(f"{what}[{i}]", r, e, atol=ATOL, rtol=RTOL)


# --- clip_by_value ---------------------------------------------------------------------------

def _value_mistakes(grads, c):
    return [
        ([np.minimum(g, c) for g in grads],
         f"the entries above {c} were cut but those below -{c} were not: clip both sides, to "
         f"[-clip_value, clip_value] (np.clip(g, -clip_value, clip_value))."),
        ([np.maximum(g, -c) for g in grads],
         f"the entries below -{c} were cut but those above {c} were not: clip both sides."),
        ([np.clip(g, 0, c) for g in grads],
         "every negative entry became 0: the lower bound is -clip_value, not 0."),
        ([np.minimum(np.abs(g), c) for g in grads],
         "the signs are lost: the result is min(|g|, clip_value). Clipping keeps each entry's sign; "
         "only its size is limited."),
        ([np.where(np.abs(g) > c, 0.0, g) for g in grads],
         "entries beyond the limits were set to 0; they should be set to the limit they crossed "
         "(clip_value or -clip_value)."),
        ([g * min(1.0, c / np.max(np.abs(g))) if g.size and np.max(np.abs(g)) > 0 else g for g in grads],
         "each array was rescaled so that its largest entry is clip_value. Clipping by value cuts each "
         "entry on its own: entries inside [-clip_value, clip_value] stay as they are."),
    ]


def _check_value(fn, grads, c):
    expected = reference("clip_by_value")(grads, c)
    result = _call_on_list(fn, "clip_by_value", grads, c)
    result_arrays = _expect_list(result, grads, "the result", "clip_by_value")
    _compare_lists("the clipped gradient", result_arrays, expected, _value_mistakes(grads, c))
    return result


def check_clip_by_value_basic(fn):
    """Visible: a 2 x 3 array and a vector, with entries beyond both limits."""
    assert_own_work(fn, "clip_by_value")
    _not_a_library_call(fn, "clip_by_value")
    grads = [np.array([[0.5, -3.0, 2.0], [-0.2, 1.0, -1.5]]), np.array([4.0, -0.1, 0.0])]
    _check_value(fn, grads, 1.0)


def check_clip_by_value_hidden(fn):
    """Hidden: random shapes, float32, nothing to clip, everything clipped, new arrays, inputs unchanged."""
    assert_own_work(fn, "clip_by_value")
    _not_a_library_call(fn, "clip_by_value")
    rng = np.random.default_rng(501)
    cases = [
        (_gradient(rng, [(4, 6), (6, 6), (6,)], scale=2.0), 0.5),                 # dWx, dWh, db
        (_gradient(rng, [(3, 5), (5,)], scale=0.1), 5.0),                          # nothing to clip
        (_gradient(rng, [(7,)], scale=10.0), 1e-3),                                # nearly all clipped
        (_gradient(rng, [(2, 3, 4), (1,), (5, 2)], scale=3.0, dtype=np.float32), 2.5),
        ([np.zeros((3, 2)), np.full(4, -7.0)], 1.0),                               # zeros, all below
    ]
    for grads, c in cases:
        result = _check_value(fn, grads, c)
        _expect_new_arrays(result, grads, "the result")


# --- clip_by_global_norm ---------------------------------------------------------------------

def _expect_pair(result):
    if isinstance(result, (list, tuple)) and len(result) == 2 and np.ndim(result[1]) == 0 and \
            isinstance(result[0], (list, tuple, np.ndarray)):
        return result[0], result[1]
    if isinstance(result, (list, tuple)) and result and all(isinstance(r, np.ndarray) for r in result):
        fail("`clip_by_global_norm` returned only the clipped arrays; it should return a pair "
             "(clipped_list, global_norm): end with `return clipped, global_norm`.")
    fail(f"`clip_by_global_norm` should return a pair (clipped_list, global_norm), where global_norm "
         f"is one number; it returned {type(result).__name__}"
         + (f" of length {len(result)}" if isinstance(result, (list, tuple)) else "") + ".")


def _norm_mistakes(grads, max_norm, norm):
    per_array = [float(np.linalg.norm(np.ravel(g))) for g in grads]
    explanations = [
        (min(norm, max_norm),
         f"it is the norm AFTER clipping ({min(norm, max_norm):.6g}). Return the norm measured before "
         f"clipping ({norm:.6g}), as tf.clip_by_global_norm does: it tells the caller how large the "
         f"gradient really was (a large value is the warning sign of an exploding gradient)."),
        (norm ** 2, "it is the sum of the squares, without the square root."),
        (sum(per_array), "it is the sum of the norms of the arrays. The global norm is the norm of all "
                         "entries together: sqrt(sum over all arrays of sum(g ** 2))."),
        (max(per_array), "it is the largest norm of a single array. The global norm is the norm of "
                         "all entries together: sqrt(sum over all arrays of sum(g ** 2))."),
        (per_array[-1], "it is the norm of the last array only: add up the squares over ALL arrays."),
        (float(np.sqrt(sum(np.sum(np.abs(g)) for g in grads))),
         "the entries were not squared: sqrt(sum(|g|)) is not a norm."),
    ]
    return [(wrong, why) for wrong, why in explanations if not np.isclose(wrong, norm, rtol=1e-6)]


def _global_mistakes(grads, max_norm, norm):
    scale_always = max_norm / norm if norm > 0 else 1.0
    per_array = []
    for g in grads:
        own = np.linalg.norm(np.ravel(g))
        per_array.append(g * (max_norm / own) if own > max_norm else g)
    return [
        (per_array,
         "each array was clipped by its OWN norm (tf.clip_by_norm on each, or Keras's `clipnorm`). "
         "That changes the ratios between the arrays, so the direction of the whole gradient changes. "
         "Compute one global norm over all arrays and scale every array by the same factor."),
        ([g * scale_always for g in grads],
         f"the gradient was scaled although its norm ({norm:.6g}) is not above max_norm ({max_norm}): "
         f"scale only when global_norm > max_norm; otherwise return the arrays unchanged (as copies)."),
        ([g * (norm / max_norm) for g in grads],
         "the scale factor is upside down: multiply by max_norm / global_norm (which is < 1 when "
         "clipping), not global_norm / max_norm."),
        ([g / norm for g in grads] if norm > 0 else grads,
         "every array was divided by the global norm, which gives length 1; scale to length max_norm: "
         "multiply by max_norm / global_norm."),
        ([np.clip(g, -max_norm, max_norm) for g in grads],
         "that is clipping by value, entry by entry. Clipping by global norm rescales all arrays "
         "together by max_norm / global_norm."),
    ]


def _check_global(fn, grads, max_norm, test_norm=True):
    expected, expected_norm = reference("clip_by_global_norm")(grads, max_norm)
    hint = ("Here the gradient is all zeros, so global_norm is 0: scale only when global_norm > "
            "max_norm, and max_norm / global_norm never divides by zero." if expected_norm == 0 else "")
    result = _call_on_list(fn, "clip_by_global_norm", grads, max_norm, hint=hint)
    clipped, norm = _expect_pair(result)
    clipped_arrays = _expect_list(clipped, grads, "the clipped list", "clip_by_global_norm")
    if any(not np.all(np.isfinite(a)) for a in clipped_arrays) and all(np.all(np.isfinite(g)) for g in grads):
        fail("the clipped list contains nan or inf" + (
            ": the gradient is all zeros, so its norm is 0 and max_norm / global_norm divides by zero. "
            "An all-zero gradient is below any max_norm: return it unchanged."
            if expected_norm == 0 else "."))
    _compare_lists("the clipped list", clipped_arrays, expected, _global_mistakes(grads, max_norm, expected_norm))
    if test_norm:
        try:
            norm = float(norm)
        except (TypeError, ValueError):
            fail(f"global_norm should be a number; it is {norm!r}.")
        expect_close("global_norm", norm, expected_norm, mistakes=_norm_mistakes(grads, max_norm, expected_norm))
    return clipped


def _example():
    """Two arrays of norms 3 and 4: global norm exactly 5."""
    return [np.array([[1.0, -2.0], [2.0, 0.0]]), np.array([0.0, 4.0, 0.0])]


def check_clip_by_global_norm_basic(fn):
    """Visible: norms 3 and 4 (global norm 5) clipped to 2, and the same gradient with max_norm 10."""
    assert_own_work(fn, "clip_by_global_norm")
    _not_a_library_call(fn, "clip_by_global_norm")
    _check_global(fn, _example(), 2.0)      # clipped: every array times 2 / 5
    _check_global(fn, _example(), 10.0)     # under the threshold: unchanged


def check_clip_by_global_norm_hidden(fn):
    """Hidden: random gradients over and under the threshold, float32, one array, a zero gradient,
    exactly at the threshold; against tf.clip_by_global_norm; new arrays, inputs unchanged."""
    assert_own_work(fn, "clip_by_global_norm")
    _not_a_library_call(fn, "clip_by_global_norm")
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
    cases.append((at_threshold, _norm(at_threshold)))                           # exactly max_norm
    for grads, max_norm in cases:
        clipped = _check_global(fn, grads, max_norm)
        _expect_new_arrays(clipped, grads, "the clipped list")
    _against_tensorflow(fn, _gradient(rng, shapes, scale=3.0, dtype=np.float32), 2.0)


def _against_tensorflow(fn, grads, max_norm):
    """The learner's answer equals ``tf.clip_by_global_norm`` on the same float32 gradient."""
    from ..course.setup import quiet_tensorflow

    tf, _ = quiet_tensorflow()
    tf_clipped, tf_norm = tf.clip_by_global_norm([tf.constant(g) for g in grads], max_norm)
    clipped, norm = _expect_pair(_call_on_list(fn, "clip_by_global_norm", grads, max_norm))
    expect_close("global_norm (against tf.clip_by_global_norm)", float(norm), float(tf_norm))
    for i, (mine, theirs) in enumerate(zip(clipped, tf_clipped)):
        expect_close(f"clipped[{i}] (against tf.clip_by_global_norm)", np.asarray(mine), theirs.numpy())
