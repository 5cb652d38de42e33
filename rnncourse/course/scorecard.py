"""The self-learner's scorecard: every graded test of a unit, visible and hidden, on the learner's answers.

A self-learner never sees ``nbgrader autograde`` run the hidden tests. :func:`run_scorecard`
runs the source of every graded test cell of the unit's master notebook — the same lines the
grader runs, calling the same checks — in the learner's namespace, never stopping at a failure,
and returns a :class:`Scorecard` that Jupyter shows as a table. A test passes as nbgrader
scores it: no exception and nothing written to stderr.

The grader never runs it (:class:`~rnncourse.course.grading.preprocessors.SkipScorecard`):
the graded cells above it are the score.
"""

import ast
import contextlib
import html
import io
import json
from dataclasses import dataclass
from pathlib import Path

from ..checks.harness import CheckFailure
from .layout import ROOT, units

SCORECARD_ID = "scorecard"  # the nbgrader grade_id of the locked cell that calls run_scorecard


@dataclass
class Result:
    """One graded test cell: its nbgrader id, the exercise it tests, its points and outcome."""
    test: str
    exercise: str
    points: float
    passed: bool
    message: str


@dataclass
class Scorecard:
    unit: str
    results: list

    @property
    def score(self):
        return sum(r.points for r in self.results if r.passed)

    @property
    def max_score(self):
        return sum(r.points for r in self.results)

    def __str__(self):
        rows = [f"{'pass' if r.passed else 'FAIL'}  {r.points:g} pt  {r.exercise:<24} {r.test}"
                + (f"\n      {r.message}" if r.message else "") for r in self.results]
        return "\n".join([f"{self.unit}: {self.score:g} / {self.max_score:g} points", *rows])

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        cells = "".join(
            f"<tr><td>{html.escape(r.exercise)}</td><td>{html.escape(r.test)}</td><td>{r.points:g}</td>"
            f"<td style='color:{'green' if r.passed else '#b00'}'>{'pass' if r.passed else 'fail'}</td>"
            f"<td style='text-align:left;white-space:pre-wrap'>{html.escape(r.message)}</td></tr>"
            for r in self.results)
        return (f"<p><b>{html.escape(self.unit)}: {self.score:g} / {self.max_score:g} points</b></p>"
                "<table><tr><th>exercise</th><th>test</th><th>points</th><th>result</th><th>message</th></tr>"
                f"{cells}</table>")


def graded_tests(unit, root=None):
    """``(grade_id, points, source)`` of every graded code cell of ``unit``'s master notebooks
    (under ``root``, by default the course folder this package lives in)."""
    root = Path(ROOT if root is None else root)
    if not (root / "solutions").is_dir():
        raise FileNotFoundError(f"the scorecard reads the graded tests from the master notebooks in "
                                f"{root / 'solutions'}, which is not there: run it from a copy of the course")
    if unit not in units(root):
        raise ValueError(f"unknown unit {unit!r}; the units are {', '.join(units(root))}")
    tests = []
    for path in sorted((root / "solutions" / unit).glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:   # plain JSON: nbformat's imports would take ~1 s
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell["cell_type"] == "code" and meta.get("grade"):
                source = cell["source"]
                tests.append((meta["grade_id"], float(meta.get("points", 0)),
                              "".join(source) if isinstance(source, list) else source))
    return tests


def tested_exercise(source):
    """The name of the function a test cell passes to its first ``check.check_*`` call, or ``"?"``."""
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr.startswith("check_") and node.args and isinstance(node.args[0], ast.Name)):
            return node.args[0].id
    return "?"


def _outcome(source, namespace):
    """``(passed, message)`` of running ``source`` in a copy of ``namespace``."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            exec(compile(source, "<graded test>", "exec"), dict(namespace))
    except CheckFailure as failure:
        return False, str(failure)
    except NameError as error:
        return False, f"NameError: {error}. Run the cell that defines it (and the set-up cells) first."
    except Exception as error:  # nbgrader scores any exception as a failure
        return False, f"{type(error).__name__}: {error}"
    if err.getvalue().strip():
        return False, f"wrote to stderr, which nbgrader scores as a failure:\n{err.getvalue().strip()}"
    return True, out.getvalue().strip()


def run_scorecard(unit, namespace=None, root=None):
    """Run every graded test of ``unit`` on the answers in ``namespace`` (default: the notebook's).

    ``unit``: the unit folder's name, e.g. ``"04_bptt"``. Returns a :class:`Scorecard`.
    """
    if namespace is None:
        from IPython import get_ipython
        shell = get_ipython()
        if shell is None:
            raise RuntimeError("run_scorecard needs a namespace when it is not called from a notebook")
        namespace = shell.user_ns
    return Scorecard(unit, [Result(grade_id, tested_exercise(source), points, *_outcome(source, namespace))
                            for grade_id, points, source in graded_tests(unit, root)])
