"""The checks of unit 05_gradient_problems pass right answers and name each common mistake.

Every wrong function below makes one mistake that the checks promise to recognise; each
test asserts that the check fails with the explanation of that mistake.
"""

import numpy as np
import pytest
from failures import failure_message

from rnncourse.checks import gradient_problems as check
from rnncourse.checks import harness
from rnncourse.reference import clipping

pytestmark = pytest.mark.usefixtures("keras_seeded")

VALUE_CHECKS = [check.check_clip_by_value_basic, check.check_clip_by_value_hidden]
GLOBAL_CHECKS = [check.check_clip_by_global_norm_basic, check.check_clip_by_global_norm_hidden]


failure = failure_message


# --- clip_by_value ----------------------------------------------------------------------------

def clip_by_value(grads, clip_value):
    return [np.clip(g, -clip_value, clip_value) for g in grads]


def test_right_clip_by_value_passes():
    for check_fn in VALUE_CHECKS:
        check_fn(clip_by_value)
        check_fn(lambda grads, c: tuple(np.minimum(np.maximum(g, -c), c) for g in grads))


@pytest.mark.parametrize("wrong, message", [
    (lambda grads, c: [np.minimum(g, c) for g in grads], "clip both sides"),
    (lambda grads, c: [np.maximum(g, -c) for g in grads], "those above"),
    (lambda grads, c: [np.clip(g, 0, c) for g in grads], "lower bound is -clip_value"),
    (lambda grads, c: [np.minimum(np.abs(g), c) for g in grads], "signs are lost"),
    (lambda grads, c: [np.where(np.abs(g) > c, 0.0, g) for g in grads], "set to 0"),
    (lambda grads, c: [g * min(1.0, c / np.abs(g).max()) for g in grads], "rescaled"),
    (lambda grads, c: np.clip(np.concatenate([g.ravel() for g in grads]), -c, c), "one array"),
    (lambda grads, c: [np.clip(g.ravel(), -c, c) for g in grads], "without flattening"),
    (lambda grads, c: [np.clip(g, -c, c) for g in grads[:1]], "holds 1 arrays"),
    (lambda grads, c: (np.clip(g, -c, c) for g in grads), "it is a generator"),
])
@pytest.mark.parametrize("check_fn", VALUE_CHECKS)
def test_clip_by_value_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


def test_clip_by_value_in_place_is_named():
    """Arrays written into, the list's items replaced, and the list extended: each changes grads."""
    def in_place(grads, c):
        for g in grads:
            np.clip(g, -c, c, out=g)
        return grads

    def replaces_items(grads, c):
        for i, g in enumerate(grads):
            grads[i] = np.clip(g, -c, c)
        return grads

    def extends(grads, c):
        grads.extend([np.clip(g, -c, c) for g in grads])
        return grads[len(grads) // 2:]

    for check_fn in VALUE_CHECKS:
        for wrong in [in_place, replaces_items, extends]:
            with pytest.raises(harness.ArgumentChanged) as changed:
                check_fn(wrong)
            assert changed.value.argument == "grads", wrong.__name__


def test_clip_by_value_returning_the_inputs_is_named_in_the_hidden_test():
    """When nothing needs clipping, the input arrays themselves are not an answer."""
    def lazy(grads, c):
        return [g if np.abs(g).max() <= c else np.clip(g, -c, c) for g in grads]

    check.check_clip_by_value_basic(lazy)                 # every array needs clipping here
    assert "not a new array" in failure(check.check_clip_by_value_hidden, lazy)


def test_library_calls_and_the_reference_are_not_own_work():
    from rnncourse.course.setup import quiet_tensorflow

    tf, _ = quiet_tensorflow()

    def with_tf(grads, c):
        return [tf.clip_by_value(g, -c, c).numpy() for g in grads]

    assert "TensorFlow has one" in failure(check.check_clip_by_value_basic, with_tf)
    assert "your own" in failure(check.check_clip_by_value_basic, clipping.clip_by_value)

    def wrapper(grads, c):
        return clipping.clip_by_value(grads, c)

    assert "your own" in failure(check.check_clip_by_value_basic, wrapper)

    def with_tf_global(grads, max_norm):
        clipped, norm = tf.clip_by_global_norm(grads, max_norm)
        return [c.numpy() for c in clipped], float(norm)

    assert "TensorFlow has one" in failure(check.check_clip_by_global_norm_basic, with_tf_global)
    assert "your own" in failure(check.check_clip_by_global_norm_basic, clipping.clip_by_global_norm)


@pytest.mark.parametrize("exercise, check_fn", [
    (check.CLIP_BY_VALUE, check.check_clip_by_value_basic),
    (check.CLIP_BY_GLOBAL_NORM, check.check_clip_by_global_norm_basic),
])
def test_every_forbidden_function_is_caught(exercise, check_fn):
    assert exercise.forbids
    for ref in exercise.forbids:
        assert "your own" in failure(check_fn, lambda *a: ref(*a)), ref.__name__
    assert "your own" in failure(check_fn, exercise.forbids[0])    # the reference itself


def test_blank_answers_are_explained():
    def blank(grads, c):
        raise NotImplementedError()

    for check_fn in [check.check_clip_by_value_basic, check.check_clip_by_global_norm_basic]:
        with pytest.raises(harness.NotWritten):
            check_fn(blank)
        assert "not written yet" in failure(check_fn, blank)


# --- clip_by_global_norm ----------------------------------------------------------------------

def norm_of(grads):
    return np.sqrt(sum(np.sum(g ** 2) for g in grads))


def clip_by_global_norm(grads, max_norm):
    norm = norm_of(grads)
    if norm <= max_norm:
        return [g.copy() for g in grads], norm
    return [g * (max_norm / norm) for g in grads], norm


def test_right_clip_by_global_norm_passes():
    def with_min(grads, max_norm):           # the other common right answer: one formula
        norm = float(np.sqrt(sum(np.vdot(g, g) for g in grads)))
        scale = max_norm / max(norm, max_norm)
        return [g * scale for g in grads], norm

    for check_fn in GLOBAL_CHECKS:
        check_fn(clip_by_global_norm)
        check_fn(with_min)


def scaled_when(condition, factor):
    """A clip_by_global_norm that scales by factor(norm, max_norm) when condition(norm, max_norm)."""
    def wrong(grads, max_norm):
        norm = norm_of(grads)
        scale = factor(norm, max_norm) if condition(norm, max_norm) else 1.0
        return [g * scale for g in grads], norm
    return wrong


def per_array(grads, max_norm):
    out = []
    for g in grads:
        own = np.linalg.norm(g)
        out.append(g * (max_norm / own) if own > max_norm else g.copy())
    return out, norm_of(grads)


def returns_norm_after(grads, max_norm):
    clipped, norm = clip_by_global_norm(grads, max_norm)
    return clipped, min(norm, max_norm)


def norm_without_sqrt(grads, max_norm):
    clipped, norm = clip_by_global_norm(grads, max_norm)
    return clipped, norm ** 2


def sum_of_norms(grads, max_norm):
    clipped, _ = clip_by_global_norm(grads, max_norm)
    return clipped, sum(np.linalg.norm(g) for g in grads)


def divides_by_zero(grads, max_norm):
    norm = norm_of(grads)
    return [g / norm * min(norm, max_norm) for g in grads], norm      # 0 / 0 = nan


def python_zero_division(grads, max_norm):
    norm = float(norm_of(grads))
    scale = min(1.0, max_norm / norm)
    return [g * scale for g in grads], norm


@pytest.mark.parametrize("wrong, message", [
    (per_array, "by its OWN norm"),
    (scaled_when(lambda n, m: True, lambda n, m: m / n), "scale only when global_norm > max_norm"),
    (scaled_when(lambda n, m: n > m, lambda n, m: n / m), "upside down"),
    (scaled_when(lambda n, m: n > m, lambda n, m: 1 / n), "gives length 1"),
    (lambda grads, m: ([np.clip(g, -m, m) for g in grads], norm_of(grads)), "clipping by value"),
    (returns_norm_after, "AFTER clipping"),
    (norm_without_sqrt, "without the square root"),
    (sum_of_norms, "sum of the norms"),
    (lambda grads, m: clip_by_global_norm(grads, m)[0], "returned only the clipped arrays"),
    (lambda grads, m: (np.concatenate([g.ravel() for g in clip_by_global_norm(grads, m)[0]]), norm_of(grads)),
     "one array"),
])
@pytest.mark.parametrize("check_fn", GLOBAL_CHECKS)
def test_clip_by_global_norm_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


def test_a_zero_gradient_is_named_in_the_hidden_test():
    with np.errstate(all="ignore"):
        check.check_clip_by_global_norm_basic(divides_by_zero)       # no zero gradient there
        assert "divides by zero" in failure(check.check_clip_by_global_norm_hidden, divides_by_zero)
    with pytest.raises(harness.AnswerRaised) as raised:
        check.check_clip_by_global_norm_hidden(python_zero_division)
    assert isinstance(raised.value.error, ZeroDivisionError) and "never divides by zero" in str(raised.value)


def test_clip_by_global_norm_in_place_is_named():
    def in_place(grads, max_norm):
        norm = norm_of(grads)
        if norm > max_norm:
            for g in grads:
                g *= max_norm / norm
        return grads, norm

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_clip_by_global_norm_basic(in_place)
    assert changed.value.argument == "grads"


def test_returning_the_inputs_under_the_threshold_is_named_in_the_hidden_test():
    def no_copy(grads, max_norm):
        norm = norm_of(grads)
        return (grads if norm <= max_norm else [g * (max_norm / norm) for g in grads]), norm

    check.check_clip_by_global_norm_basic(no_copy)
    assert "not a new array" in failure(check.check_clip_by_global_norm_hidden, no_copy)


def test_max_of_norms_and_last_array_only_are_named():
    def max_norm_of_arrays(grads, max_norm):
        return clip_by_global_norm(grads, max_norm)[0], max(np.linalg.norm(g) for g in grads)

    def last_only(grads, max_norm):
        return clip_by_global_norm(grads, max_norm)[0], np.linalg.norm(grads[-1])

    assert "largest norm of a single array" in failure(check.check_clip_by_global_norm_basic, max_norm_of_arrays)
    assert "last array only" in failure(check.check_clip_by_global_norm_hidden, last_only)


def test_a_norm_without_squares_is_named():
    def no_squares(grads, max_norm):
        return clip_by_global_norm(grads, max_norm)[0], np.sqrt(sum(np.sum(np.abs(g)) for g in grads))

    for check_fn in GLOBAL_CHECKS:
        assert "the entries were not squared" in failure(check_fn, no_squares)


def test_a_global_norm_summed_over_the_arrays_is_named_though_it_also_scales_wrong():
    """The norm is checked before the clipped list: the wrong norm is the cause of the wrong scale."""
    def sums_norms(grads, max_norm):
        norm = sum(np.linalg.norm(g) for g in grads)        # 3 + 4 = 7 in the visible example, not 5
        scale = max_norm / norm if norm > max_norm else 1.0
        return [g * scale for g in grads], norm

    for check_fn in GLOBAL_CHECKS:
        assert "sum of the norms of the arrays" in failure(check_fn, sums_norms)


def test_a_norm_that_is_not_a_number_or_a_wrong_tuple_is_explained():
    assert "global_norm should be a number" in failure(
        check.check_clip_by_global_norm_basic, lambda grads, m: (clip_by_global_norm(grads, m)[0], None))
    assert "should return the tuple (clipped, global_norm)" in failure(
        check.check_clip_by_global_norm_basic, lambda grads, m: (*clip_by_global_norm(grads, m), None))


def test_a_learner_written_sum_of_array_norms_is_named_before_the_clipped_list():
    """A learner's loop that adds up each array's norm: the message names that mistake, not a
    difference between clipped entries (the norm is checked before the clipped list)."""
    def clip_by_global_norm_learner(grads, max_norm):
        total = 0.0
        for g in grads:
            total += np.linalg.norm(g)          # per-array norms added: 3 + 4 = 7, not 5
        global_norm = total
        if global_norm > max_norm:
            clipped = [g * (max_norm / global_norm) for g in grads]
        else:
            clipped = [g.copy() for g in grads]
        return clipped, global_norm

    for check_fn in GLOBAL_CHECKS:
        message = failure(check_fn, clip_by_global_norm_learner)
        assert message.startswith("global_norm: it is the sum of the norms of the arrays"), message
        assert "differs from the expected values" not in message
