"""The machinery shared by every unit's checks: own-work detection and explained comparisons."""

import copy
import dis
import importlib
import types

import numpy as np

# Each exercise's reference implementation ("module:function"); an answer may call none of them.
# Every unit's check module registers its own exercises when it is imported.
REFERENCES = {}


def register(references):
    """Add ``{exercise: "module:function"}`` entries to :data:`REFERENCES`."""
    REFERENCES.update(references)


from .harness import CheckFailure  # noqa: E402  (one failure class while the units move to the harness)


def fail(message):
    raise CheckFailure(message)


def reference(exercise):
    """The package's reference implementation of ``exercise``."""
    module, name = REFERENCES[exercise].split(":")
    return getattr(importlib.import_module(module), name)


def loaded_names(code):
    """The global names a code object (and the code nested in it) loads, and the attributes it reads."""
    globals_, attributes = set(), set()
    for ins in dis.get_instructions(code):
        if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
            globals_.add(ins.argval)
        elif ins.opname in ("LOAD_ATTR", "LOAD_METHOD"):
            attributes.add(ins.argval)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            inner_globals, inner_attributes = loaded_names(const)
            globals_ |= inner_globals
            attributes |= inner_attributes
    return globals_, attributes


def assert_own_work(fn, exercise):
    """Fail unless ``fn`` is the learner's own function that calls no reference implementation."""
    if not callable(fn):
        fail(f"`{exercise}` should be a function; it is a {type(fn).__name__}. "
             f"Run the cell that defines it, then this test again.")
    module = getattr(fn, "__module__", "") or ""
    if module.startswith("rnncourse"):
        fail(f"`{exercise}` is the package's reference implementation itself. "
             f"Graded work must be your own: write the function in the answer cell.")
    code = getattr(fn, "__code__", None)
    if code is None:
        return
    references = {id(reference(name)): REFERENCES[name].replace(":", ".") for name in REFERENCES}
    by_attribute = {ref.split(":")[1]: ref.replace(":", ".") for ref in REFERENCES.values()}
    global_names, attributes = loaded_names(code)
    used = [fn.__globals__.get(name) for name in global_names]
    used += [cell.cell_contents for cell in fn.__closure__ or () if _filled(cell)]
    for obj in used:
        called = references.get(id(obj))
        if called is None and isinstance(obj, types.ModuleType) and obj.__name__.startswith("rnncourse"):
            called = next((by_attribute[a] for a in sorted(attributes) if a in by_attribute), None)
        if called is not None:
            fail(f"`{exercise}` calls the package's reference `{called}`. That is fine for "
                 f"exploring, but graded work must be your own: write it without rnncourse.")


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:  # a closure cell whose variable is not assigned yet
        return False
    return True


def call(fn, exercise, *args, explain="", **kwargs):
    """Call the learner's function; explain an exception, or arguments changed in place.

    ``explain`` is added on a line of its own when the learner's code raised an error (e.g. the
    shapes of the arguments and of what each line should compute).
    """
    before = copy.deepcopy(args)
    try:
        result = fn(*args, **kwargs)
    except NotImplementedError as err:
        raised_in = _innermost_code(err)
        if raised_in is not None and raised_in is not getattr(fn, "__code__", raised_in):
            fail(f"`{exercise}` calls `{raised_in.co_name}`, which is not written yet: "
                 f"solve that exercise first.")
        fail(f"`{exercise}` is not written yet: replace `raise NotImplementedError()` with your code.")
    except CheckFailure:
        raise
    except Exception as err:  # the learner's bug, reported in their terms
        shown = ", ".join([_describe(a) for a in before] + [f"{k}={_describe(v)}" for k, v in kwargs.items()])
        fail(f"`{exercise}({shown})` raised {type(err).__name__}: {err}" + (f"\n{explain}" if explain else ""))
    for i, (old, new) in enumerate(zip(before, args)):
        if isinstance(old, np.ndarray) and not np.array_equal(old, new):
            fail(f"`{exercise}` changed its argument number {i + 1} in place. Work on a copy "
                 f"(e.g. `x = x.copy()`) or build new arrays instead of writing into the inputs.")
    return result


def _innermost_code(err):
    """The code object of the function in which ``err`` was raised."""
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return None if tb is None else tb.tb_frame.f_code


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"<array shape {value.shape} dtype {value.dtype}>"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def expect_shape(name, value, shape, hint=""):
    value_shape = np.shape(value)
    if tuple(value_shape) != tuple(shape):
        fail(f"{name} has shape {tuple(value_shape)}; expected {tuple(shape)}." + (f" {hint}" if hint else ""))


def expect_close(name, actual, expected, mistakes=(), atol=1e-6, rtol=1e-5):
    """Compare arrays; if they differ, name the known mistake whose result ``actual`` matches.

    ``mistakes`` is a sequence of ``(wrong_result, explanation)`` pairs: what a common wrong
    answer would return, and what to tell the learner when theirs equals it.
    """
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    for wrong, explanation in mistakes:
        wrong = np.asarray(wrong)
        if actual.shape == wrong.shape and np.allclose(actual, wrong, atol=atol, rtol=rtol) and (
                wrong.shape != expected.shape or not np.allclose(wrong, expected, atol=atol, rtol=rtol)):
            fail(f"{name}: {explanation}")
    expect_shape(name, actual, expected.shape)
    if not np.allclose(actual, expected, atol=atol, rtol=rtol):
        bad = np.abs(actual.astype(np.float64) - expected)
        where = np.unravel_index(np.argmax(bad), bad.shape)
        fail(f"{name} differs from the expected values: largest difference {bad.max():.3g} at index "
             f"{tuple(int(i) for i in where)} (yours {actual[where].item()!r}, expected {expected[where].item()!r}).")


def expect_equal(name, actual, expected, hint=""):
    if actual != expected:
        fail(f"{name} is {actual!r}; expected {expected!r}." + (f" {hint}" if hint else ""))


def expect_value_error(fn, exercise, args, why):
    """Fail unless ``fn(*args)`` raises ``ValueError``; ``why`` says what was wrong with the input."""
    try:
        fn(*args)
    except ValueError:
        return
    except NotImplementedError:
        fail(f"`{exercise}` is not written yet: replace `raise NotImplementedError()` with your code.")
    except Exception as err:
        fail(f"`{exercise}` should raise ValueError when {why}; it raised {type(err).__name__}: {err}")
    fail(f"`{exercise}` should raise ValueError when {why}, with a message saying what was expected; "
         f"it raised nothing.")
