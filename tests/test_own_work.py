"""An answer built on a package reference is judged the same in every unit, whatever was imported.

Each unit's exercises declare the references they forbid. For every exercise and every object
it forbids, an answer that calls the object (by name, through a closure, a default argument or
functools.partial) must fail the own-work check: first in a fresh Python process that imported
only that unit's check module, then again after every other unit's checks were imported.
"""

import subprocess
import sys

import pytest

from rnncourse.course import release

PROBE = """
import functools, importlib, sys
from rnncourse.checks.harness import CheckFailure, Exercise

def answers(ref):
    def by_name(*args, **kwargs):
        return ref(*args, **kwargs)
    def by_default(*args, _f=ref, **kwargs):
        return _f(*args, **kwargs)
    return {"by name": by_name, "by default": by_default, "partial": functools.partial(ref)}

def judge(module):
    exercises = [v for v in vars(module).values() if isinstance(v, Exercise)]
    verdicts = [] if exercises else [f"{module.__name__} declares no Exercise"]
    for exercise in exercises:
        assert exercise.forbids, exercise.name
        for ref in exercise.forbids:
            for route, answer in answers(ref).items():
                try:
                    exercise.own_work(answer)
                    verdicts.append(f"{exercise.name} accepts {ref.__name__} {route}")
                except CheckFailure:
                    pass
    return verdicts

module = importlib.import_module("rnncourse.checks." + sys.argv[1])
alone = judge(module)
for other in sys.argv[2:]:
    importlib.import_module("rnncourse.checks." + other)
together = judge(module)
print("\\n".join(alone + together))
"""


@pytest.mark.parametrize("unit", release.units())
def test_references_are_refused_alone_and_after_every_other_unit(unit):
    modules = [u.split("_", 1)[1] for u in release.units()]
    module = unit.split("_", 1)[1]
    done = subprocess.run([sys.executable, "-c", PROBE, module, *[m for m in modules if m != module]],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "", f"accepted as own work:\n{done.stdout}"
