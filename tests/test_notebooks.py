"""The notebooks under nbgrader, unit by unit: student copies in sync, solutions full marks, blanks zero.

For each unit, ONE scratch course folder is made: ``nbgrader generate_assignment`` writes the
student copy, then ONE ``nbgrader autograde`` grades two submissions, the master notebook and
the untouched student copy. From that single run the test proves, and reports together:
- the student copy equals the committed ``notebooks/<unit>/`` (else: run ``make student``);
- the master scores full marks on every graded test, with no error and nothing on stderr in
  any cell it runs (what nbgrader's Validator would check, and more); the grader skips the
  demonstrations, so the master is also run whole, once, outside nbgrader: no cell may fail or
  write to stderr there either, and its scorecard must show full marks; in the same kernel, the
  claims of ``tests/notebook_claims/<notebook>.py`` are then checked on the models it trained;
- the blank student copy keeps every graded test and scores zero on each.
A new unit is covered by adding its folder to ``solutions/``; nothing here names a unit.
The units are spread over the pytest-xdist workers, one autograde per unit.
"""

import json
import os
import shutil

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.api import Gradebook

from rnncourse.course import release
from rnncourse.course.grading import sandbox

ROOT = release.ROOT

if sandbox.sandbox_tool() is None:  # these tests prove the notebooks, not the sandbox (tests/test_hostile.py)
    os.environ[sandbox.UNSANDBOXED] = "1"


def autograde(unit, course):
    """Generate, submit the master and the blank copy, autograde; return the code-cell scores."""
    released = release.make_course(course, unit)
    sources = {"solution": ROOT / "solutions" / unit, "blank": released}
    for student, source in sources.items():
        shutil.copytree(source, course / "submitted" / student / unit,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    release.nbgrader(course, "autograde", unit, "--force")
    scores = {student: {} for student in sources}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in sources:
            for notebook in gb.find_submission(unit, student).notebooks:
                for grade in notebook.grades:
                    if grade.cell.cell_type == "code":  # written answers are graded by hand
                        scores[student][(notebook.name, grade.name)] = (grade.auto_score, grade.max_score)
    return released, scores


def out_of_sync(unit, released):
    committed = ROOT / "notebooks" / unit
    names = sorted(p.name for p in released.glob("*.ipynb"))
    if names != sorted(p.name for p in committed.glob("*.ipynb")):
        return [f"notebooks/{unit} holds other files than nbgrader makes: run `make student`"]
    return [f"notebooks/{unit}/{name} is not what nbgrader makes from solutions/: run `make student`"
            for name in names
            if json.loads((released / name).read_text()) != json.loads((committed / name).read_text())]


# After a master's last cell, in the same kernel: the claim_* functions of
# tests/notebook_claims/<notebook>.py, which check the prose against the models the notebook trained
# (rebuilding them in a test would train them a second time).
CHECK_CLAIMS = """
def _check_claims():
    import json, traceback
    names = [name for name in globals() if name.startswith("claim_")]
    failed = []
    for name in names:
        try:
            globals()[name]()
        except Exception as error:
            frames = traceback.extract_tb(error.__traceback__)
            line = next((f.line for f in reversed(frames) if f.name == name), frames[-1].line)   # the claim's
            failed.append(f"{name}: {type(error).__name__}: {error} at {line!r}")
    print(json.dumps({"checked": len(names), "failed": failed}))


_check_claims()
"""


def run_whole(unit, folder):
    """Every master of ``unit`` run top to bottom, demonstrations and scorecard included (the grader
    skips those), then its notebook claims; the executed copies are written to ``folder``. Returns
    the claims that failed or could not run."""
    problems = []
    for path in sorted((ROOT / "solutions" / unit).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        claims = ROOT / "tests" / "notebook_claims" / f"{path.stem}.py"
        if claims.exists():
            nb.cells.append(nbformat.v4.new_code_cell(claims.read_text() + CHECK_CLAIMS))
        NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True, shutdown_kernel="immediate",
                       resources={"metadata": {"path": str(folder)}}).execute()
        nbformat.write(nb, folder / path.name)
        if claims.exists():
            said = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
            report = json.loads(said.splitlines()[-1]) if said.strip() else {"checked": 0, "failed": []}
            problems += [f"{path.name}: claim {failure}" for failure in report["failed"]]
            if not report["checked"]:
                problems.append(f"{path.name}: no claim of {claims.name} ran")
    return problems


def unclean_cells(folder, who):
    problems = []
    for path in sorted(folder.glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            for out in cell.get("outputs", []):
                if out["output_type"] == "error" or out.get("name") == "stderr":
                    shown = out.get("ename") or "".join(out.get("text", ""))[:300]
                    problems.append(f"{who} {path.name}: cell {''.join(cell['source'])[:50]!r} wrote {shown!r}")
    return problems


@pytest.mark.parametrize("unit", release.units())
def test_unit_under_nbgrader(unit, tmp_path):
    released, scores = autograde(unit, tmp_path)
    problems = (run_whole(unit, tmp_path) + out_of_sync(unit, released)
                + unclean_cells(tmp_path / "autograded" / "solution" / unit, "graded")
                + unclean_cells(tmp_path, "whole"))
    full = sum(full for full in (f for _, f in scores["solution"].values()))
    scorecard = "".join(o.get("data", {}).get("text/plain", "") for path in tmp_path.glob("*.ipynb")
                        for c in nbformat.read(path, as_version=4).cells for o in c.get("outputs", []))
    if f"{unit}: {full:g} / {full:g} points" not in scorecard:
        problems.append(f"the scorecard of the solved master does not show {full:g} / {full:g} points")
    if not scores["solution"]:
        problems.append("the unit has no autograded test cells")
    problems += [f"solution scored {got}/{full} on {cell}" for (_, cell), (got, full) in scores["solution"].items()
                 if got != full or full <= 0]
    if set(scores["blank"]) != set(scores["solution"]):
        problems.append(f"the student copy lost graded cells: {set(scores['solution']) - set(scores['blank'])}")
    problems += [f"blank student copy scored {got}/{full} on {cell}"
                 for (_, cell), (got, full) in scores["blank"].items() if got != 0]
    assert not problems, "\n".join(problems)
