"""The grading policy reads a cell's source and names every rule it breaks; right answers break none."""

import nbformat
import pytest

from rnncourse.course import release
from rnncourse.course.grading.policy import notebook_verdicts, package_names, violations

EXERCISES = ["rnn_step_backward", "rnn_backward", "numerical_gradient"]
PACKAGE = {"reference", "models", "draw"}


def answer(source, exercise="rnn_step_backward"):
    return violations(source, EXERCISES, exercise, PACKAGE)


def other(source):
    return violations(source, EXERCISES, None, PACKAGE)


@pytest.mark.parametrize("source", [
    "def rnn_step_backward(dnext_h, cache):\n    x, prev_h, Wx, Wh, next_h = cache\n    return x\n",
    "import numpy as np\nimport math\n\n\ndef rnn_step_backward(d, c):\n    return np.tanh(d) * math.pi\n",
    "def rnn_step_backward(d, c):\n    check = 3\n    return getattr(d, 'shape')\n",         # a local named check
    "import sys\nimport warnings\n\n\ndef rnn_step_backward(d, c):\n    print(1, file=sys.stderr)\n"
    "    warnings.warn('careful')\n    return d\n",
    "class Helper:\n    def __init__(self):\n        self.x = 1\n\n\ndef rnn_step_backward(d, c):\n    return d\n",
])
def test_honest_answers_break_no_rule(source):
    assert answer(source) == []


@pytest.mark.parametrize("source, rule", [
    ("import rnncourse.checks.bptt as c\n", "imports `rnncourse.checks.bptt`"),
    ("from rnncourse.reference import bptt\n", "imports `rnncourse.reference`"),
    ("def rnn_step_backward(d, c, _f=reference.rnn_step_backward):\n    return _f(d, c)\n", "`reference`"),
    ("import functools\nrnn_step_backward = functools.partial(reference.rnn_step_backward)\n", "`reference`"),
    ("def rnn_step_backward(d, c):\n    import importlib\n", "imports `importlib`"),
    ("def rnn_step_backward(d, c):\n    return __import__('rnncourse')\n", "uses `__import__`"),
    ("exec('x = 1')\n", "uses `exec`"),
    ("setattr(check, 'check_x', None)\n", "uses `setattr`"),
    ("check = 1\n", "binds the name `check`"),
    ("def rnn_backward(dh, cache):\n    return 0\n", "binds the name `rnn_backward`"),
    ("import numpy as np\nnp.allclose = lambda *a, **k: True\n", "assigns `np.allclose`"),
    ("def rnn_step_backward(d, c):\n    m = d\n    m.flags = 1\n", "assigns `m.flags`"),
    ("def rnn_step_backward(d, c):\n    return d.__class__.__subclasses__()\n", "`.__class__`"),
    ("def rnn_step_backward(d, c):\n    return getattr(d, '__' + 'class__')\n", "computed or special"),
    ("import sys\nsys.modules.clear()\n", "`.modules`"),
    ("import sys\nf(sys)\n", "uses `sys` for more"),
    ("def rnn_step_backward(d, c):\n    global check\n", "declares `global`"),
    ("import os\n", "imports `os`"),
    ("def rnn_step_backward(d, c):\n    return open('/etc/passwd').read()\n", "uses `open`"),
    ("def rnn_step_backward(d, c):\n    return check.np\n", "uses `check`"),
    # found by a red-team pass: IPython syntax, IPython's shell and history, names given as strings
    ("%time 0\nimport rnncourse.checks.welcome as c\n", "uses `get_ipython`"),
    ("!cat /etc/passwd\n", "uses `get_ipython`"),
    ("get_ipython().user_ns['check'] = None\n", "uses `get_ipython`"),
    ("print([s for s in In if 'HIDDEN' in s])\n", "uses `In`"),
    ("print(_i3)\n", "uses `_i3`"),
    ("import operator\n", "imports `operator`"),
    ("import functools\nfunctools.update_wrapper(check, object(), assigned=('x',), updated=())\n", "`.update_wrapper`"),
    ("import collections\nm = collections._sys\n", "`._sys`"),
    ("from numpy._core.numeric import builtins as B\n", "imports `numpy._core.numeric`"),
    ("from numpy import builtins as B\n", "imports `builtins` from `numpy`"),
    ("import numpy as np\nnp.core.numeric.builtins.exec('x = 1')\n", "`.builtins`"),
])
def test_each_rule_is_named(source, rule):
    assert any(rule in found for found in answer(source)), answer(source)


def test_other_cells_may_use_the_package_but_not_rebind_what_the_tests_use():
    assert other("h, _ = reference.rnn_forward(x, h0, Wx, Wh, b)\nimport matplotlib.pyplot as plt\n") == []
    assert any("binds the name `rnn_backward`" in f for f in other("rnn_backward = reference.rnn_backward\n"))
    assert any("imports `rnncourse.checks.bptt`" in f for f in other("import rnncourse.checks.bptt\n"))


def test_a_syntax_error_is_left_to_the_kernel():
    assert answer("def rnn_step_backward(:\n") == []


@pytest.mark.parametrize("unit", release.units())
def test_no_master_notebook_breaks_the_policy(unit):
    """Every answer and demo of the masters runs under the policy, judged against the student copy."""
    for path in sorted((release.ROOT / "solutions" / unit).glob("*.ipynb")):
        master = nbformat.read(path, as_version=4)
        student = nbformat.read(release.ROOT / "notebooks" / unit / path.name, as_version=4)
        assert notebook_verdicts(master, student) == {}


def test_package_names_are_read_from_the_imports():
    assert package_names(["from rnncourse import data, draw\nimport rnncourse.reference as ref\nimport numpy"]) \
        == {"data", "draw", "ref"}
