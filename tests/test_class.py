"""A class graded end to end by the grade command, on a Dask cluster of two local workers.

Generated students of 00_welcome (full, partial, blank, broken, late) each get in ``grades.csv``
what the checks give their answers when run directly (the scorecard, in this process); the
late one is zeroed by the course's late policy; feedback, the summary and the histogram exist.
"""

import csv
import io

import nbformat
import pytest
from failures import answers

from rnncourse.course import release, run_scorecard
from rnncourse.course.grading import batch, sandbox
from rnncourse.course.grading.cluster import dask_executor

pytestmark = pytest.mark.skipif(sandbox.sandbox_tool() is None,
                                reason="bubblewrap (`bwrap`) is not installed: the grading sandbox cannot run")

UNIT = "00_welcome"
DUE = "2026-01-01 12:00:00 UTC"
ON_TIME, LATE = "2025-12-31 12:00:00.000000 UTC", "2026-01-02 12:00:00.000000 UTC"
PARTIAL = ("def one_hot_encode(indices, depth):\n"
           "    indices = np.asarray(indices)\n"
           "    return np.eye(depth)[indices] if indices.ndim == 1 else np.zeros(indices.shape + (depth,))\n")


def notebook(course, answer):
    nb = nbformat.read(course / "notebooks" / UNIT / f"{UNIT}.ipynb", as_version=4)
    if answer is not None:
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "one_hot_encode")
        cell.source = answer
    return nbformat.writes(nb)


def deserved(answer):
    """The autograded points the checks give ``answer``, run in this process."""
    namespace = answers(UNIT, folder="notebooks")
    if answer is not None:
        exec(answer, namespace)
    return run_scorecard(UNIT, namespace).score


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("class")
    release.make_course(course, UNIT)
    with open(course / "nbgrader_config.py", "a") as f:
        f.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    release.nbgrader(course, "db", "assignment", "add", UNIT, f"--duedate={DUE}")
    solution = next(c.source for c in nbformat.read(release.ROOT / "solutions" / UNIT / f"{UNIT}.ipynb", 4).cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") == "one_hot_encode")
    solution = "\n".join(line for line in solution.splitlines() if "SOLUTION" not in line)
    students = {"full": (solution, ON_TIME), "partial": (PARTIAL, ON_TIME), "blank": (None, ON_TIME),
                "late": (solution, LATE), "broken": ("not a notebook", ON_TIME)}
    for student, (answer, stamp) in students.items():
        folder = course / "submitted" / student / UNIT
        folder.mkdir(parents=True)
        text = '{"cells": [' if student == "broken" else notebook(course, answer)
        (folder / f"{UNIT}.ipynb").write_text(text)
        (folder / "timestamp.txt").write_text(stamp)
    said = io.StringIO()
    with dask_executor("local", 2) as executor:
        rows = batch.grade_class(course, UNIT, executor=executor, out=said)
    with open(course / "grades.csv") as f:
        exported = {row["student_id"]: row for row in csv.DictReader(f)}
    return {"course": course, "rows": {r["student"]: r for r in rows}, "grades": exported,
            "said": said.getvalue(), "expected": {"full": deserved(solution), "partial": deserved(PARTIAL),
                                                  "blank": 0.0, "late": 0.0, "broken": 0.0}}


def test_grades_csv_gives_each_student_what_the_checks_give(graded):
    expected, grades = graded["expected"], graded["grades"]
    assert 0 < expected["partial"] < expected["full"]
    assert {student: float(row["score"]) for student, row in grades.items()} == expected
    assert float(grades["late"]["raw_score"]) == expected["full"]          # right, but after the due date


def test_every_student_is_explained(graded):
    rows = graded["rows"]
    assert rows["broken"]["status"].startswith("zero") and "could not be read" in rows["broken"]["notes"]
    assert all(rows[s]["status"] == "graded" for s in ("full", "partial", "blank", "late"))
    assert "grading 5 of 5 submissions" in graded["said"]


def test_feedback_summary_and_histogram_are_written(graded):
    course = graded["course"]
    for student in ("full", "partial", "blank", "late"):
        assert (course / "feedback" / student / UNIT / f"{UNIT}.html").is_file(), student
    assert (course / "reports" / UNIT / "histogram.png").stat().st_size > 0
    with open(course / "reports" / UNIT / "summary.csv") as f:
        assert {row["student"] for row in csv.DictReader(f)} == set(graded["rows"])
