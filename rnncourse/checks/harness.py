"""What every unit's checks share: exercises, seeded inputs, calling an answer, named mistakes.

A check module declares each exercise once, with the package objects an answer may not use::

    STEP = Exercise("rnn_step_forward", forbids=(rnn.rnn_step_forward, rnn.run_over_time))

and a check then reads::

    def check_rnn_step_forward_basic(fn):
        STEP.own_work(fn)
        x, h, Wx, Wh, b = rnn_inputs(seed=0, N=2, D=3, H=4)
        next_h, _ = STEP.returns(STEP.call(fn, x=x, prev_h=h, Wx=Wx, Wh=Wh, b=b), "next_h", "cache")
        expect_close("next_h", next_h, expected, mistakes=[...])

A failing check raises :class:`CheckFailure` (an ``AssertionError``, so nbgrader scores the
cell zero) whose message is written for the learner. Nothing here reads a message to decide
anything: failures that a caller may want to tell apart are subclasses with attributes.
"""

import contextlib
import dis
import functools
import io
import types
import warnings

import numpy as np

from ..validate import positive_int


class CheckFailure(AssertionError):
    """A check found a mistake; the message explains it."""


class ArgumentChanged(CheckFailure):
    """The answer changed one of its inputs in place; ``argument`` is that input's name."""

    def __init__(self, message, argument):
        super().__init__(message)
        self.argument = argument


class AnswerRaised(CheckFailure):
    """The answer raised an exception (``error``) of its own."""

    def __init__(self, message, error):
        super().__init__(message)
        self.error = error


class NotWritten(CheckFailure):
    """The answer, or an exercise it calls (``exercise``), still raises NotImplementedError."""

    def __init__(self, message, exercise):
        super().__init__(message)
        self.exercise = exercise


def fail(message):
    raise CheckFailure(message)


# --- own work ----------------------------------------------------------------------------------

def _code_objects(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _loads(code):
    """The global names and the attribute names that ``code`` (and code nested in it) reads."""
    names, attributes = set(), set()
    for inner in _code_objects(code):
        for ins in dis.get_instructions(inner):
            if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
                names.add(ins.argval)
            elif ins.opname in ("LOAD_ATTR", "LOAD_METHOD"):
                attributes.add(ins.argval)
    return names, attributes


def _closure_values(fn):
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            yield cell.cell_contents
        except ValueError:      # a closure variable that is not assigned yet
            continue


def _used_objects(fn, seen):
    """Every object ``fn`` can reach by name: globals it loads, closures, defaults, partials.

    Functions the learner wrote (outside the package) are followed, so a helper that calls a
    reference is found too. Yields ``(object, attribute names read by the code that reached it)``.
    """
    if id(fn) in seen:
        return
    seen.add(id(fn))
    if isinstance(fn, functools.partial):
        yield fn.func, set()
        for value in (*fn.args, *fn.keywords.values()):
            yield value, set()
        yield from _used_objects(fn.func, seen)
        return
    if isinstance(fn, types.MethodType):
        yield fn.__self__, set()
        fn = fn.__func__
    code = getattr(fn, "__code__", None)
    if code is None:
        call = getattr(type(fn), "__call__", None)          # an object used as a function: follow its __call__
        if not isinstance(fn, type) and isinstance(call, types.FunctionType):
            yield from _used_objects(types.MethodType(call, fn), seen)
        return
    names, attributes = _loads(code)
    scope = getattr(fn, "__globals__", {})
    reached = [scope[name] for name in names if name in scope]
    reached += list(_closure_values(fn))
    reached += list(fn.__defaults__ or ()) + list((fn.__kwdefaults__ or {}).values())
    for obj in reached:
        yield obj, attributes
        if callable(obj) and not _in_package(obj):
            yield from _used_objects(obj, seen)


def _in_package(obj):
    module = obj.__name__ if isinstance(obj, types.ModuleType) else getattr(obj, "__module__", None)
    return isinstance(module, str) and (module == "rnncourse" or module.startswith("rnncourse."))


class Exercise:
    """One graded function: its name, its arguments' names, and what an answer may not use.

    ``forbids`` lists the package objects that would do the exercise's work (its reference, and
    the references it is built from). The list is the same wherever the check runs, whatever
    was imported before.
    """

    def __init__(self, name, forbids, explain=""):
        self.name = name
        self.forbids = tuple(forbids)
        self.explain = explain

    def own_work(self, fn):
        """Fail unless ``fn`` is a function the learner wrote that uses none of ``forbids``."""
        if not callable(fn):
            fail(f"`{self.name}` should be a function; it is a {type(fn).__name__}. "
                 f"Run the cell that defines it, then this test again.")
        if _in_package(fn) or any(fn is ref for ref in self.forbids):
            fail(f"`{self.name}` is the package's reference implementation itself. "
                 f"Graded work must be your own: write the function in the answer cell.")
        by_name = {ref.__name__: ref for ref in self.forbids}
        for obj, attributes in _used_objects(fn, set()):
            found = next((ref for ref in self.forbids if obj is ref), None)
            if found is None and isinstance(obj, types.ModuleType) and _in_package(obj):
                found = next((by_name[a] for a in sorted(attributes) if a in by_name), None)
            if found is not None:
                fail(f"`{self.name}` uses the package's reference `{found.__module__}.{found.__name__}`. "
                     f"That is fine for exploring, but graded work must be your own: write it "
                     f"without rnncourse.")

    def call(self, fn, **args):
        """``fn(*args.values())``: the learner's function, with everything that can go wrong explained.

        Reports an unfinished exercise (:class:`NotWritten`), an error in the learner's code
        (with the arguments' shapes and ``self.explain``), and an argument changed in place
        (:class:`ArgumentChanged`, naming it). Warnings and stderr output of the learner's code
        are printed as advice: they cost no points.
        """
        before = {name: _snapshot(value) for name, value in args.items()}
        heard, stderr = [], io.StringIO()
        try:
            with warnings.catch_warnings(record=True) as heard, contextlib.redirect_stderr(stderr):
                warnings.simplefilter("always")
                result = fn(*args.values())
        except NotImplementedError as err:
            raised_in = _innermost_code(err)
            if raised_in is not None and raised_in is not getattr(fn, "__code__", raised_in):
                raise NotWritten(f"`{self.name}` calls `{raised_in.co_name}`, which is not written yet: "
                                 f"solve that exercise first.", raised_in.co_name) from None
            raise NotWritten(f"`{self.name}` is not written yet: replace `raise NotImplementedError()` "
                             f"with your code.", self.name) from None
        except CheckFailure:
            raise
        except Exception as err:  # the learner's bug, reported in their terms
            shown = ", ".join(f"{name}={describe(value)}" for name, value in before.items())
            raise AnswerRaised(f"`{self.name}({shown})` raised {type(err).__name__}: {err}"
                               + (f"\n{self.explain}" if self.explain else ""), err) from None
        finally:
            _advise(self.name, heard, stderr.getvalue())
        for name, old in before.items():
            if not _same(old, args[name]):
                raise ArgumentChanged(
                    f"`{self.name}` changed its argument `{name}` in place. Work on a copy "
                    f"(e.g. `{name} = {name}.copy()`) or build new arrays instead of writing into "
                    f"the inputs.", name)
        return result

    def returns(self, result, *names, kind=np.ndarray):
        """The values of a returned tuple ``names``, checked for length and (except ``cache``) type.

        One name: ``result`` itself must be of ``kind``. Several: a tuple or list of that many.
        """
        what = f"({', '.join(names)})"
        if len(names) == 1:
            values = (result,)
        elif isinstance(result, (tuple, list)) and len(result) == len(names):
            values = tuple(result)
        elif isinstance(result, np.ndarray):
            fail(f"`{self.name}` returned one array; it should return the tuple {what}. "
                 f"End with `return {', '.join(names)}`.")
        else:
            length = f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""
            fail(f"`{self.name}` should return the tuple {what}; it returned "
                 f"{type(result).__name__}{length}.")
        for name, value in zip(names, values):
            if name != "cache" and not isinstance(value, kind):
                fail(f"{name} should be a {_kind_name(kind)}; it is a {type(value).__name__}.")
        return values[0] if len(names) == 1 else values


def _kind_name(kind):
    return "numpy array" if kind is np.ndarray else " or ".join(k.__name__ for k in np.atleast_1d(kind))


def _snapshot(value):
    """A copy of the arrays in ``value`` (lists and tuples followed); other objects as they are."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(_snapshot(v) for v in value) if not hasattr(value, "_fields") else value
    return value


def _same(old, new):
    """Whether an argument is unchanged: arrays by value, lists and tuples item by item."""
    if isinstance(old, np.ndarray):
        return isinstance(new, np.ndarray) and old.shape == new.shape and np.array_equal(old, new, equal_nan=True)
    if isinstance(old, (list, tuple)):
        return (isinstance(new, type(old)) and len(old) == len(new)
                and all(_same(a, b) for a, b in zip(old, new)))
    return True


def _advise(exercise, heard, stderr):
    notes = [f"{w.category.__name__}: {w.message}" for w in heard] + stderr.strip().splitlines()
    if notes:
        print(f"Note (costs no points): `{exercise}` printed to stderr or raised warnings while it was "
              f"checked:\n  " + "\n  ".join(dict.fromkeys(notes)))


def _innermost_code(err):
    """The code object of the function in which ``err`` was raised."""
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return None if tb is None else tb.tb_frame.f_code


def describe(value):
    """A short description of an argument for a message: shape and dtype of an array."""
    if isinstance(value, np.ndarray):
        return f"<array shape {value.shape} dtype {value.dtype}>"
    if isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value):
        return f"<list of {len(value)} arrays of shapes {', '.join(str(v.shape) for v in value)}>"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- inputs ------------------------------------------------------------------------------------

def rnn_inputs(seed, N, D, H, T=None, blocks=1, bias_rows=None, dtype=np.float64, zero_state=False,
               scale=0.6):
    """Seeded random inputs of a recurrent cell: ``x, h, c, Wx, Wh, b``.

    ``x (N, D)``, or ``(N, T, D)`` when ``T`` is given; ``h (N, H)`` uniform in (-1, 1) like a
    tanh state, ``c (N, H)`` (an LSTM's unbounded cell) normal with scale 1.5, both zero with
    ``zero_state``; ``Wx (D, blocks H)`` and ``Wh (H, blocks H)`` normal times ``scale``;
    ``b (blocks H,)``, or ``(bias_rows, blocks H)`` (the GRU's two bias rows). ``seed`` is an
    int or a ``numpy.random.Generator``.
    """
    rng = np.random.default_rng(seed)
    for name, size in (("N", N), ("D", D), ("H", H), ("blocks", blocks)):
        positive_int(name, size)
    x = rng.standard_normal((N, D) if T is None else (N, positive_int("T", T), D))
    h = np.zeros((N, H)) if zero_state else rng.uniform(-1, 1, (N, H))
    c = np.zeros((N, H)) if zero_state else 1.5 * rng.standard_normal((N, H))
    Wx = scale * rng.standard_normal((D, blocks * H))
    Wh = scale * rng.standard_normal((H, blocks * H))
    b = rng.standard_normal(blocks * H if bias_rows is None else (bias_rows, blocks * H))
    return tuple(a.astype(dtype) for a in (x, h, c, Wx, Wh, b))


# --- comparisons and named mistakes ----------------------------------------------------------

def mistake(explanation, wrong):
    """A known mistake: ``wrong()`` computes what an answer making it returns.

    ``wrong`` is called only when needed; a mistake whose computation raises (the shapes make
    it impossible here, e.g. swapped weights when D != H) is skipped.
    """
    return explanation, wrong


def matching_mistake(actual, expected, mistakes, atol=1e-6, rtol=1e-5):
    """The explanation of the first mistake whose result equals ``actual`` (and not ``expected``)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    for explanation, wrong in mistakes:
        try:
            wrong = np.asarray(wrong() if callable(wrong) else wrong)
        except Exception:  # the mistake cannot happen with these shapes
            continue
        if close(actual, wrong, atol, rtol) and not close(wrong, expected, atol, rtol):
            return explanation
    return None


def close(a, b, atol=1e-6, rtol=1e-5):
    """Whether two arrays have the same shape and values within the tolerances."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype != object and b.dtype != object and np.allclose(a, b, atol=atol, rtol=rtol)


def expect_shape(name, value, shape, hint=""):
    if tuple(np.shape(value)) != tuple(shape):
        fail(f"{name} has shape {tuple(np.shape(value))}; expected {tuple(shape)}." + (f" {hint}" if hint else ""))


def expect_close(name, actual, expected, mistakes=(), atol=1e-6, rtol=1e-5, hint=""):
    """Compare arrays; if they differ, name the known mistake that ``actual`` matches.

    ``mistakes``: ``(explanation, wrong)`` pairs, ``wrong`` an array or a function computing it
    (see :func:`mistake`). ``hint`` is added to the message when no mistake matches.
    """
    explanation = matching_mistake(actual, expected, mistakes, atol, rtol)
    if explanation is not None:
        fail(f"{name}: {explanation}")
    actual, expected = np.asarray(actual), np.asarray(expected)
    expect_shape(name, actual, expected.shape, hint)
    if not np.allclose(actual, expected, atol=atol, rtol=rtol):
        bad = np.abs(actual.astype(np.float64) - expected)
        where = np.unravel_index(np.argmax(bad), bad.shape)
        sign = (" It has the opposite sign everywhere: check the sign of your formula."
                if np.allclose(actual, -expected, atol=atol, rtol=rtol) else "")
        fail(f"{name} differs from the expected values: largest difference {bad.max():.3g} at index "
             f"{tuple(int(i) for i in where)} (yours {actual[where].item()!r}, expected "
             f"{expected[where].item()!r}).{sign}" + (f" {hint}" if hint else ""))


def expect_equal(name, actual, expected, hint=""):
    if actual != expected:
        fail(f"{name} is {actual!r}; expected {expected!r}." + (f" {hint}" if hint else ""))


def expect_value_error(exercise, fn, why, **args):
    """Fail unless ``fn(**args)`` raises ``ValueError``; ``why`` says what was wrong with the input."""
    try:
        exercise.call(fn, **args)
    except AnswerRaised as failure:
        if isinstance(failure.error, ValueError):
            return
        fail(f"`{exercise.name}` should raise ValueError when {why}; it raised "
             f"{type(failure.error).__name__}: {failure.error}")
    fail(f"`{exercise.name}` should raise ValueError when {why}, with a message saying what was "
         f"expected; it raised nothing.")
