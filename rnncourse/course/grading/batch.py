"""Grade a unit for a whole class: every submission gets a grade and a line of the summary.

``python -m rnncourse.course.grading UNIT [--student ID ...]`` run in the course folder:

1. each ``submitted/<student>/<unit>/`` is normalised into ``normalised/<student>/<unit>/``
   (:func:`.normalise.normalise_folder`; the submitted files are never changed);
2. ``nbgrader autograde`` grades one student at a time, in a process of its own with a time
   ceiling, from the normalised copies (and so through the sandbox and the policy of
   ``nbgrader_config.py``);
3. a submission that nbgrader could not grade (its kernel died, the ceiling was reached, no
   readable notebook) is given zero on every autograded cell, with the reason;
4. the summary, one line per student (score, what happened), is printed and written to
   ``reports/<unit>/summary.csv``;
5. answers that look copied, from the references or from each other, are listed in
   ``reports/<unit>/similarity.csv`` (:mod:`.similarity`).

The command exits 0 when every submission got a grade, zeros included.
"""

import csv
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

NORMALISED = "normalised"
CEILING_SECONDS = 1800          # one submission, all of its cells; each cell has its own limit as well


def notebook_names(course, unit, release="notebooks"):
    return sorted(p.name for p in (Path(course) / release / unit).glob("*.ipynb"))


def students(course, unit):
    """The students with a submission of ``unit`` in ``submitted/``, sorted."""
    root = Path(course) / "submitted"
    return sorted(p.name for p in root.iterdir() if (p / unit).is_dir()) if root.is_dir() else []


def run_autograde(course, unit, student, ceiling=CEILING_SECONDS):
    """``nbgrader autograde`` of one student from the normalised copies; ``(ok, log tail)``."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # nbgrader runs alembic
    command = [sys.executable, "-m", "nbgrader", "autograde", unit, f"--student={student}", "--force",
               f"--CourseDirectory.submitted_directory={NORMALISED}", "--log-level=WARN"]
    try:
        done = subprocess.run(command, cwd=course, capture_output=True, text=True, timeout=ceiling,
                              env={**os.environ, "PATH": path})
    except subprocess.TimeoutExpired:
        return False, f"grading stopped after {ceiling} s"
    log = (done.stdout + done.stderr).strip().splitlines()
    return done.returncode == 0, " | ".join(line for line in log if "ERROR" in line or "Error" in line)[-500:]


def _db_url(course):
    """The gradebook of the course in ``course``, as nbgrader_config.py names it, made absolute."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    url, prefix = CourseDirectory(config=config, root=str(course)).db_url, "sqlite:///"
    if url.startswith(prefix) and not Path(url[len(prefix):]).is_absolute():
        url = prefix + str(Path(course) / url[len(prefix):])
    return url


def zero_submission(db_url, unit, student):
    """Give zero on every autograded cell of a submission nbgrader could not grade."""
    with warnings.catch_warnings(), Gradebook(db_url) as gb:
        warnings.simplefilter("ignore", SAWarning)     # nbgrader's own session handling, harmless here
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(unit, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.auto_score is None and grade.cell.cell_type == "code":
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
        gb.db.commit()


def score(db_url, unit, student):
    """``(autograded score, autograded maximum)`` of a submission."""
    with Gradebook(db_url) as gb:
        try:
            submission = gb.find_submission(unit, student)
        except MissingEntry:
            return 0.0, 0.0
        grades = [g for nb in submission.notebooks for g in nb.grades if g.cell.cell_type == "code"]
        return sum(g.score or 0 for g in grades), sum(g.max_score for g in grades)


def grading_notes(course, unit, student):
    """The notes the grading steps left in the autograded notebooks, and cells that ran out of time."""
    notes = []
    for path in sorted((Path(course) / "autograded" / student / unit).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        notes += nb.metadata.get("rnncourse", {}).get("notes", [])
        timed_out = [i for i, cell in enumerate(nb.cells)
                     if any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", []))]
        if timed_out:
            notes.append(f"{path.name}: cells {timed_out} reached their time limit")
    return notes


def grade_class(course, unit, only=(), out=sys.stdout):
    """Grade every submission of ``unit`` (or those of the students in ``only``); return the summary rows."""
    from .normalise import normalise_folder
    from .similarity import similarity_report

    course = Path(course).resolve()
    db_url, names = _db_url(course), notebook_names(course, unit)
    rows, todo = [], list(only) or students(course, unit)
    for number, student in enumerate(todo, 1):
        started = time.time()
        notes = normalise_folder(course / "submitted" / student / unit, course / NORMALISED / student / unit, names)
        ok, log = run_autograde(course, unit, student)
        if ok:
            notes += grading_notes(course, unit, student)
        else:
            zero_submission(db_url, unit, student)
            notes.append(f"nbgrader could not grade it ({log or 'no message'}); zero given")
        got, full = score(db_url, unit, student)
        rows.append({"student": student, "unit": unit, "score": got, "max_score": full,
                     "status": "graded" if ok else "zero: not gradable", "notes": "; ".join(notes)})
        print(f"[{number}/{len(todo)}] {student}: {got:g}/{full:g} in {time.time() - started:.0f} s"
              + (f"  ({'; '.join(notes)})" if notes else ""), file=out, flush=True)
    report = course / "reports" / unit
    report.mkdir(parents=True, exist_ok=True)
    with open(report / "summary.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["student", "unit", "score", "max_score", "status", "notes"])
        writer.writeheader()
        writer.writerows(rows)
    flagged = similarity_report(course, unit, course)
    print(f"{len(rows)} submissions of {unit} graded; summary in {report / 'summary.csv'}; "
          f"{len(flagged)} answers to review for copying in {report / 'similarity.csv'}", file=out)
    return rows
