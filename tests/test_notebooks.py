"""The notebooks under nbgrader, unit by unit (COURSE.md section 6, items 2-5).

For each unit, ONE scratch course folder is made: ``nbgrader generate_assignment`` writes the
student copy (compared with ``notebooks/``), then ONE ``nbgrader autograde`` grades two
submissions: the master notebook (must score full marks, with no error and nothing on stderr
anywhere) and the untouched student copy (must score zero on every graded test). A new unit
is covered by adding its folder to ``solutions/``; nothing here names a unit.
"""

import json
import shutil
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from rnncourse import release

ROOT = release.ROOT
UNITS = release.units()
STUDENTS = {"solution": "solutions", "blank": "notebooks"}
_runs = {}


def unit_params():
    return [pytest.param(unit, marks=pytest.mark.xdist_group(unit)) for unit in UNITS]


def roundtrip(unit, tmp_path_factory):
    """Generate, submit both versions, autograde once; cached per unit within a worker."""
    if unit in _runs:
        return _runs[unit]
    course = tmp_path_factory.mktemp(unit)
    released = release.make_course(course, unit)
    sources = {"solution": ROOT / "solutions" / unit, "blank": released}
    for student, source in sources.items():
        shutil.copytree(source, course / "submitted" / student / unit,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    release.nbgrader(course, "autograde", unit, "--force")
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in sources:
            for notebook in gb.find_submission(unit, student).notebooks:
                for grade in notebook.grades:
                    if grade.cell.cell_type == "code":  # written answers are graded by hand
                        scores[(student, notebook.name, grade.name)] = (grade.auto_score, grade.max_score)
    _runs[unit] = {"course": course, "released": released, "scores": scores}
    return _runs[unit]


def _cells(path):
    return json.loads(Path(path).read_text())["cells"]


@pytest.mark.parametrize("unit", unit_params())
def test_student_copy_is_up_to_date(unit, tmp_path_factory):
    released = roundtrip(unit, tmp_path_factory)["released"]
    committed = ROOT / "notebooks" / unit
    names = sorted(p.name for p in released.glob("*.ipynb"))
    assert names == sorted(p.name for p in committed.glob("*.ipynb")), "run `make student`"
    for name in names:
        assert json.loads((released / name).read_text()) == json.loads((committed / name).read_text()), \
            f"notebooks/{unit}/{name} is not what nbgrader makes from solutions/: run `make student`"


@pytest.mark.parametrize("unit", unit_params())
def test_solution_scores_full_marks(unit, tmp_path_factory):
    scores = roundtrip(unit, tmp_path_factory)["scores"]
    mine = {key: s for key, s in scores.items() if key[0] == "solution"}
    assert mine, f"{unit} has no autograded test cells"
    lost = {key[2]: s for key, s in mine.items() if s[0] != s[1] or s[1] <= 0}
    assert not lost, f"tests of the solution that did not score full marks (score, max): {lost}"


@pytest.mark.parametrize("unit", unit_params())
def test_solution_runs_clean(unit, tmp_path_factory):
    """No cell of the graded master notebook raised or wrote to stderr."""
    course = roundtrip(unit, tmp_path_factory)["course"]
    problems = []
    for path in sorted((course / "autograded" / "solution" / unit).glob("*.ipynb")):
        for cell in _cells(path):
            for out in cell.get("outputs", []):
                if out["output_type"] == "error" or out.get("name") == "stderr":
                    problems.append(f"{path.name}: {''.join(cell['source'])[:60]!r} -> "
                                    f"{out.get('ename') or ''.join(out.get('text', ''))[:200]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("unit", unit_params())
def test_blank_release_scores_zero(unit, tmp_path_factory):
    scores = roundtrip(unit, tmp_path_factory)["scores"]
    blank = {key: s for key, s in scores.items() if key[0] == "blank"}
    solution_tests = {key[1:] for key in scores if key[0] == "solution"}
    assert {key[1:] for key in blank} == solution_tests, "the student copy lost graded cells"
    passed = {key[2]: s for key, s in blank.items() if s[0] != 0}
    assert not passed, f"graded tests that pass on the blank student copy (score, max): {passed}"
