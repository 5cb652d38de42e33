"""One submission autograded in a scratch course of its own, so that many can run at once.

``nbgrader autograde`` writes to the gradebook while it works. To grade submissions in parallel
(threads on one machine, or Dask workers sharing the course folder) with a single writer to the
class's gradebook, each one is autograded in ``.grading/<unit>/<student>/`` inside the course:

- ``gradebook.db``: a copy of the class gradebook taken before grading started (:func:`snapshot`);
- ``nbgrader_config.py``: the course's own, so the same pipeline, policy and sandbox run;
- ``notebooks/<unit>`` and ``normalised/<student>/<unit>``: links to the release and to the
  normalised submission.

The sandbox hides the whole course folder, scratch courses included. :func:`merge`, called only by
the process that owns the class gradebook, copies the grades, comments and autograded notebooks.
"""

import shutil
import sqlite3
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from ..release import nbgrader

NORMALISED = "normalised"
SCRATCH = ".grading"
CEILING_SECONDS = 1800          # one submission, all of its cells; each cell has its own limit as well


@dataclass
class Outcome:
    """What autograding one submission gave: ``ok`` if nbgrader finished, its error lines if not."""
    student: str
    ok: bool
    log: str
    scratch: Path


def sqlite_url(path):
    return f"sqlite:///{Path(path).resolve()}"


def snapshot(db_url, unit, course):
    """A consistent copy of the class gradebook (``db_url``) for the scratch courses of ``unit``."""
    target = Path(course) / SCRATCH / unit / "gradebook.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    source, copy = sqlite3.connect(db_url.removeprefix("sqlite:///")), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return target


def autograde(course, unit, student, template, ceiling=CEILING_SECONDS, release="notebooks"):
    """Autograde ``student``'s normalised ``unit`` in a fresh scratch course; return an :class:`Outcome`."""
    course = Path(course).resolve()
    scratch = course / SCRATCH / unit / student
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / release).mkdir(parents=True)
    (scratch / NORMALISED / student).mkdir(parents=True)
    shutil.copy(course / "nbgrader_config.py", scratch)
    shutil.copy(template, scratch / "gradebook.db")
    (scratch / release / unit).symlink_to(course / release / unit)
    (scratch / NORMALISED / student / unit).symlink_to(course / NORMALISED / student / unit)
    try:
        done = nbgrader(scratch, "autograde", unit, f"--student={student}", "--force",
                        f"--CourseDirectory.submitted_directory={NORMALISED}",
                        f"--CourseDirectory.db_url={sqlite_url(scratch / 'gradebook.db')}",
                        f"--SandboxedKernelManager.course_root={course}", check=False, timeout=ceiling)
    except subprocess.TimeoutExpired:
        return Outcome(student, False, f"grading stopped after {ceiling} s", scratch)
    log = (done.stdout + done.stderr).strip().splitlines()
    errors = " | ".join(line for line in log if "ERROR" in line or "Error" in line)[-500:]
    return Outcome(student, done.returncode == 0, errors, scratch)


def merge(outcome, unit, db_url, course):
    """Copy a finished scratch grading into the class gradebook and ``autograded/``; drop the scratch."""
    student, scratch = outcome.student, outcome.scratch
    with warnings.catch_warnings(), Gradebook(sqlite_url(scratch / "gradebook.db")) as graded, \
            Gradebook(db_url) as gb:
        warnings.simplefilter("ignore", SAWarning)     # nbgrader's own session handling, harmless here
        done = graded.find_submission(unit, student)
        gb.update_or_create_student(student)
        gb.update_or_create_submission(unit, student, timestamp=done.timestamp)
        for notebook in done.notebooks:
            target = gb.find_submission_notebook(notebook.name, unit, student)
            target.late_submission_penalty = notebook.late_submission_penalty
            for grade in notebook.grades:
                mine = gb.find_grade(grade.name, notebook.name, unit, student)
                mine.auto_score = grade.auto_score
                mine.needs_manual_grade = mine.manual_score is not None or mine.auto_score is None
            for comment in notebook.comments:
                gb.find_comment(comment.name, notebook.name, unit, student).auto_comment = comment.auto_comment
        gb.db.commit()
    target = Path(course) / "autograded" / student / unit
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(scratch / "autograded" / student / unit, target)
    shutil.rmtree(scratch, ignore_errors=True)
