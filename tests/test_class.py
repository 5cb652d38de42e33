"""A class run end to end: nbgrader's exchange, the grade command on a Dask cluster of two local
workers, feedback released and fetched.

Three students of 00_welcome (full, partial, blank) fetch, answer and submit through the
exchange; two more hand in through an LMS (copied into ``submitted/``): one late, one broken.
Each gets in ``grades.csv`` what the checks give its answer when run directly (the scorecard,
in this process); the late one is zeroed by the course's late policy; every student's feedback
is released, and the exchange students fetch theirs. Where the tests run as root, another
system user also hands in forged work in two students' names, which collect must refuse.
"""

import csv
import io
import os
import shutil

import nbformat
import pytest
from failures import answers

from rnncourse.course import release, run_scorecard
from rnncourse.course.grading import batch, sandbox
from rnncourse.course.grading.cluster import dask_executor

pytestmark = pytest.mark.skipif(sandbox.sandbox_tool() is None,
                                reason="bubblewrap (`bwrap`) is not installed: the grading sandbox cannot run")

UNIT = "00_welcome"
DUE = "2099-01-01 12:00:00 UTC"
ON_TIME, LATE = "2098-12-31 12:00:00.000000 UTC", "2099-01-02 12:00:00.000000 UTC"
EXCHANGE_STUDENTS = ("full", "partial", "blank")
PARTIAL = ("def one_hot_encode(indices, depth):\n"
           "    indices = np.asarray(indices)\n"
           "    return np.eye(depth)[indices] if indices.ndim == 1 else np.zeros(indices.shape + (depth,))\n")


def notebook(course, answer):
    released = course / "notebooks" / UNIT / f"{UNIT}.ipynb"
    return nbformat.writes(release.answered(released, {} if answer is None else {"one_hot_encode": answer}))


def deserved(answer):
    """The autograded points the checks give ``answer``, run in this process."""
    namespace = answers(UNIT, folder="notebooks")
    if answer is not None:
        exec(answer, namespace)
    return run_scorecard(UNIT, namespace).score


def student_nbgrader(home, exchange, *args):
    """An nbgrader command run by a student in their own folder (no course config there), with
    their own nbgrader cache (one Unix user stands in for several students here)."""
    home.mkdir(exist_ok=True)
    release.nbgrader(home, *args, "--course=rnncourse", f"--Exchange.root={exchange}",
                     f"--Exchange.cache={home / 'cache'}")


def forge(exchange):
    """Another system user (nobody) hands in blank's work twice: as a newer submission of "full"
    and as "mallory"'s. Returns the forged folders."""
    inbound = exchange / "rnncourse" / "inbound"
    genuine = next(p for p in inbound.iterdir() if p.name.startswith("blank+"))
    _, assignment, stamp, rest = genuine.name.split("+", 3)
    forged = [inbound / f"full+{assignment}+{stamp.replace(stamp[:4], '2098', 1)}+{rest}",
              inbound / f"mallory+{assignment}+{stamp}+{rest}"]
    for folder in forged:
        shutil.copytree(genuine, folder)
        for path in [folder, *folder.rglob("*")]:
            shutil.chown(path, user="nobody")
    return forged


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course, homes = tmp_path_factory.mktemp("class"), tmp_path_factory.mktemp("homes")
    exchange = course / "exchange"
    release.make_course(course, UNIT)
    with open(course / "nbgrader_config.py", "a") as f:
        f.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    release.nbgrader(course, "db", "assignment", "add", UNIT, f"--duedate={DUE}")
    release.nbgrader(course, "release_assignment", UNIT, "--force")
    solution = release.master_answers(UNIT)["one_hot_encode"]
    answers_of = {"full": solution, "partial": PARTIAL, "blank": None}
    for student in EXCHANGE_STUDENTS:                     # fetch, answer, submit
        student_nbgrader(homes / student, exchange, "fetch_assignment", UNIT)
        (homes / student / UNIT / f"{UNIT}.ipynb").write_text(notebook(course, answers_of[student]))
        student_nbgrader(homes / student, exchange, "submit", UNIT, f"--student={student}")
    forged = forge(exchange) if os.geteuid() == 0 else None
    collected = release.nbgrader(course, "collect", UNIT)
    for student, (text, stamp) in {"late": (notebook(course, solution), LATE),
                                   "broken": ('{"cells": [', ON_TIME)}.items():     # through an LMS
        folder = course / "submitted" / student / UNIT
        folder.mkdir(parents=True)
        (folder / f"{UNIT}.ipynb").write_text(text)
        (folder / "timestamp.txt").write_text(stamp)
    said = io.StringIO()
    with dask_executor("local", 2) as executor:
        rows = batch.grade_class(course, UNIT, executor=executor, out=said)
    release.nbgrader(course, "release_feedback", UNIT)
    for student in EXCHANGE_STUDENTS:
        student_nbgrader(homes / student, exchange, "fetch_feedback", UNIT, f"--student={student}")
    with open(course / "grades.csv") as f:
        exported = {row["student_id"]: row for row in csv.DictReader(f)}
    return {"course": course, "homes": homes, "forged": forged, "collect_log": collected.stdout + collected.stderr,
            "rows": {r["student"]: r for r in rows}, "grades": exported,
            "said": said.getvalue(), "expected": {"full": deserved(solution), "partial": deserved(PARTIAL),
                                                  "blank": 0.0, "late": 0.0, "broken": 0.0}}


def test_grades_csv_gives_each_student_what_the_checks_give(graded):
    expected, grades = graded["expected"], graded["grades"]
    assert 0 < expected["partial"] < expected["full"]
    assert {student: float(row["score"]) for student, row in grades.items()} == expected
    assert float(grades["late"]["raw_score"]) == expected["full"]          # right, but after the due date


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to hand in a folder that another system user owns")
def test_collect_refuses_submissions_written_by_someone_else(graded):
    """nbgrader's collect only warns when a submission's folder belongs to another user; the
    course's collect (rnncourse.course.grading.collect) drops it, so "full" keeps its own work
    (full marks above) and "mallory" is never graded."""
    assert graded["forged"] and all(folder.is_dir() for folder in graded["forged"])
    assert "mallory" not in graded["grades"] and not (graded["course"] / "submitted" / "mallory").exists()
    assert graded["collect_log"].count("Refused") == 2 and "nobody wrote it" in graded["collect_log"]


def test_every_student_is_explained(graded):
    rows = graded["rows"]
    assert rows["broken"]["status"].startswith("zero") and "could not be read" in rows["broken"]["notes"]
    assert all(rows[s]["status"] == "graded" for s in ("full", "partial", "blank", "late"))
    assert "grading 5 of 5 submissions" in graded["said"]


def test_feedback_summary_and_histogram_are_written(graded):
    course = graded["course"]
    for student in ("full", "partial", "blank", "late"):
        assert (course / "feedback" / student / UNIT / f"{UNIT}.html").is_file(), student
    for student in EXCHANGE_STUDENTS:
        fetched = list((graded["homes"] / student / UNIT / "feedback").glob(f"*/{UNIT}.html"))
        assert len(fetched) == 1, student
    assert (course / "reports" / UNIT / "histogram.png").stat().st_size > 0
    with open(course / "reports" / UNIT / "summary.csv") as f:
        assert {row["student"] for row in csv.DictReader(f)} == set(graded["rows"])
