"""The checks pass the master notebooks' own answers and catch the common mistakes by name.

The correct answers are taken from the answer cells of ``solutions/`` (so they are written
once); the wrong ones are the mistakes each check promises to recognise.
"""

import importlib

import numpy as np
import pytest
from failures import answers, failure_message

from rnncourse.checks import harness, welcome
from rnncourse.course import release

pytestmark = pytest.mark.usefixtures("keras_seeded")


failure = failure_message


def exercises(module):
    """The exercises a check module declares."""
    return [v.name for v in vars(module).values() if isinstance(v, harness.Exercise)]


@pytest.mark.parametrize("unit", release.units())
def test_solution_answers_pass_every_check(unit):
    """Unit NN_name is checked by rnncourse.checks.name."""
    module, functions = importlib.import_module(f"rnncourse.checks.{unit[3:]}"), answers(unit)
    names = [n for n in dir(module) if n.startswith("check_")]
    assert names
    for name in names:
        exercise = max((e for e in exercises(module) if name.startswith(f"check_{e}_")), key=len)
        getattr(module, name)(functions[exercise])


def test_references_and_wrappers_are_not_own_work():
    from rnncourse import data
    from rnncourse.data import one_hot as renamed

    def wrapper(indices, depth):
        return renamed(indices, depth)

    def via_module(indices, depth):
        return data.one_hot(indices, depth)

    for fn in [data.one_hot, wrapper, via_module]:
        assert "your own" in failure(welcome.check_one_hot_encode_basic, fn)


def test_an_object_used_as_a_function_is_followed():
    from rnncourse import data

    class OneHot:
        def __call__(self, indices, depth):
            return data.one_hot(indices, depth)

    assert "your own" in failure(welcome.check_one_hot_encode_basic, OneHot())


def test_blank_answer_is_explained():
    def blank(indices, depth):
        raise NotImplementedError()

    assert "not written yet" in failure(welcome.check_one_hot_encode_basic, blank)


def test_one_hot_mistakes():
    assert "one extra axis" in failure(welcome.check_one_hot_encode_basic, lambda i, d: np.eye(d)[i].T)
    assert "dtype int64" in failure(welcome.check_one_hot_encode_basic, lambda i, d: np.eye(d, dtype=np.int64)[i])
    assert "counted indices from 1" in failure(
        welcome.check_one_hot_encode_basic, lambda i, d: np.eye(d)[np.clip(i - 1, 0, d - 1)] * (i > 0)[..., None])

    def mutating(indices, depth):
        out = np.eye(depth)[indices]
        indices[...] = 0
        return out

    with pytest.raises(harness.ArgumentChanged) as changed:
        welcome.check_one_hot_encode_values(mutating)
    assert changed.value.argument == "indices"


def test_an_attribute_named_like_a_reference_is_not_flagged():
    """``tf.one_hot`` in an answer is not the package's ``one_hot``, even if that name is global."""
    from rnncourse import data

    class Library:
        one_hot = staticmethod(lambda indices, depth: np.eye(depth)[indices])

    namespace = {"Library": Library, "one_hot": data.one_hot}
    exec("def one_hot_encode(indices, depth):\n    return Library.one_hot(indices, depth)\n", namespace)
    welcome.check_one_hot_encode_basic(namespace["one_hot_encode"])


def test_an_unfinished_helper_exercise_is_named():
    """An answer that calls another unfinished exercise is told which one."""
    def one_hot_encode(indices, depth):
        raise NotImplementedError()

    def uses_it(indices, depth):
        return one_hot_encode(indices, depth)

    assert "calls `one_hot_encode`, which is not written yet" in failure(welcome.check_one_hot_encode_basic, uses_it)


def test_a_mistake_of_another_shape_is_named():
    expected, wrong = np.zeros((2, 3)), np.ones((3, 2))
    with pytest.raises(harness.CheckFailure, match="time first"):
        harness.expect_close("h", wrong, expected, mistakes=[("time first", lambda: wrong)])


def test_a_mistake_that_cannot_be_computed_is_skipped():
    with pytest.raises(harness.CheckFailure, match="differs from the expected values"):
        harness.expect_close("h", np.ones(2), np.zeros(2), mistakes=[("never", lambda: np.ones(2) @ np.ones(3))])


def test_explain_is_added_only_when_the_answer_raises():
    exercise = harness.Exercise("one_hot_encode", forbids=(), explain="Shapes: indices (N,)")

    def broken(indices, depth):
        return np.eye(depth)[indices, indices]

    with pytest.raises(harness.AnswerRaised, match=r"raised IndexError: .*\nShapes: indices \(N,\)") as raised:
        exercise.call(broken, indices=np.array([0, 3]), depth=2)
    assert isinstance(raised.value.error, IndexError)
    assert exercise.call(lambda i, d: np.eye(d)[i], indices=np.array([1]), depth=2).shape == (1, 2)


def test_warnings_and_stderr_are_advice(capsys):
    import sys
    import warnings

    def noisy(indices, depth):
        warnings.warn("overflow in exp", RuntimeWarning)
        print("debugging", file=sys.stderr)
        return np.eye(depth)[indices]

    welcome.check_one_hot_encode_basic(noisy)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "costs no points" in captured.out and "overflow in exp" in captured.out and "debugging" in captured.out


def test_references_are_found_by_every_route():
    import functools

    from rnncourse import data

    def helper(indices, depth):
        return data.one_hot(indices, depth)

    routes = {
        "partial": functools.partial(data.one_hot),
        "default argument": lambda indices, depth, _f=data.one_hot: _f(indices, depth),
        "a helper of the learner's": lambda indices, depth: helper(indices, depth),
    }
    for route, fn in routes.items():
        assert "your own" in failure(welcome.check_one_hot_encode_basic, fn), route
