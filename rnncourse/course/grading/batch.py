"""Grade a unit for a whole class: every submission gets a grade and a line of the summary.

``python -m rnncourse.course.grading UNIT`` (``make grade UNIT=...``), run in the course folder:

1. each ``submitted/<student>/<unit>/`` is normalised into ``normalised/<student>/<unit>/``
   (:func:`.normalise.normalise_folder`; the submitted files are never changed); a submission
   whose normalised files, and the release and configuration it is graded with, are unchanged
   since it was last graded is skipped unless ``regrade``;
2. ``nbgrader autograde`` grades each submission in a scratch course of its own (:mod:`.worker`),
   ``workers`` at a time, through the sandbox and the policy of ``nbgrader_config.py``; this
   process alone writes the results into the class gradebook;
3. a submission that nbgrader could not grade (its kernel died, the ceiling was reached, no
   readable notebook) is given zero on every autograded cell, with the reason;
4. the reports (:mod:`.reports`): ``reports/<unit>/summary.csv`` (per student: score per
   exercise, total, what happened), ``histogram.png``, ``similarity.csv`` (answers that look
   copied, :mod:`.similarity`); then nbgrader's ``generate_feedback`` and ``export`` (grades.csv).

The command exits 0 when every submission got a grade, zeros included.
"""

import concurrent.futures
import datetime
import hashlib
import json
import secrets
import shutil
import sys
import time
import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning
from tqdm import tqdm

from ..release import nbgrader
from . import worker
from .normalise import EXCHANGE_FILES
from .worker import NORMALISED


def notebook_names(course, unit, release="notebooks"):
    return sorted(p.name for p in (Path(course) / release / unit).glob("*.ipynb"))


def students(course, unit):
    """The students with a submission of ``unit`` in ``submitted/``, sorted."""
    root = Path(course) / "submitted"
    return sorted(p.name for p in root.iterdir() if (p / unit).is_dir()) if root.is_dir() else []


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


def fingerprint(*folders_or_files):
    """A hash of the names and contents of the given files and of every file in the given folders."""
    digest = hashlib.sha256()
    for root in map(Path, folders_or_files):
        for path in sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]:
            digest.update(path.relative_to(root.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def releasable(folder):
    """Let ``nbgrader release_feedback`` pass a feedback ``folder`` whose submission did not come
    through the exchange (it needs both files, and stops for the whole class without them).
    Returns whether the folder already had them; a made-up secret matches no student's fetch."""
    if not folder.is_dir() or all((folder / name).is_file() for name in EXCHANGE_FILES):
        return True
    if not (folder / "timestamp.txt").is_file():
        (folder / "timestamp.txt").write_text(datetime.datetime.now(datetime.timezone.utc).isoformat())
    if not (folder / "submission_secret.txt").is_file():
        (folder / "submission_secret.txt").write_text(secrets.token_hex(16))
    return False


def _graded_before(db_url, unit, student):
    with Gradebook(db_url) as gb:
        try:
            gb.find_submission(unit, student)
            return True
        except MissingEntry:
            return False


def grade_class(course, unit, only=(), workers=1, regrade=False, feedback=True, out=sys.stdout, executor=None):
    """Grade the submissions of ``unit`` (or those of the students in ``only``); return the summary rows.

    ``workers`` submissions are graded at once in threads of this process, each thread waiting for
    its own nbgrader process; ``executor`` (a ``concurrent.futures.Executor``, e.g. a Dask
    client's ``get_executor()``) runs them elsewhere instead.
    """
    from .normalise import normalise_folder
    from .reports import grading_notes, write_reports

    course = Path(course).resolve()
    db_url, names = _db_url(course), notebook_names(course, unit)
    if not Path(db_url.removeprefix("sqlite:///")).exists():
        raise FileNotFoundError(f"no gradebook at {db_url}: run `nbgrader generate_assignment {unit}` in the "
                                "course folder first")
    state_path = course / "reports" / unit / "graded.json"
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    everyone, todo = list(only) or students(course, unit), []
    grader = fingerprint(course / "nbgrader_config.py", course / "notebooks" / unit, course / "solutions" / unit,
                         Path(__file__).resolve().parents[2] / "checks")                # new tests: grade again
    for student in everyone:
        notes = normalise_folder(course / "submitted" / student / unit, course / NORMALISED / student / unit, names)
        mark = fingerprint(course / NORMALISED / student / unit) + grader
        known = state.get(student, {})
        if regrade or known.get("fingerprint") != mark or not _graded_before(db_url, unit, student):
            todo.append(student)
            state[student] = {"fingerprint": None, "status": "not graded", "notes": notes, "mark": mark}
    skipped = len(everyone) - len(todo)
    print(f"{unit}: grading {len(todo)} of {len(everyone)} submissions"
          + (f"; {skipped} are unchanged since they were graded (--regrade grades them again)" if skipped else ""),
          file=out, flush=True)

    template = worker.snapshot(db_url, unit, course)
    with executor or concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool, \
            tqdm(total=len(todo), desc=f"grading {unit}", unit="submission", file=sys.stderr,
                 disable=not sys.stderr.isatty()) as bar:
        futures = [pool.submit(worker.autograde, course, unit, student, template) for student in todo]
        started = time.time()
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            outcome = future.result()
            info = state[outcome.student]
            if outcome.ok:
                worker.merge(outcome, unit, db_url, course)
                info["status"] = "graded"
                info["notes"] += grading_notes(course, unit, outcome.student)
            else:
                zero_submission(db_url, unit, outcome.student)
                shutil.rmtree(outcome.scratch, ignore_errors=True)
                info["status"] = "zero: not gradable"
                info["notes"].append(f"nbgrader could not grade it ({outcome.log or 'no message'}); zero given")
            info["fingerprint"] = info.pop("mark")                   # recorded once the grade is in the gradebook
            state_path.write_text(json.dumps(state, indent=1))
            bar.update()
            tqdm.write(f"[{done}/{len(todo)}] {outcome.student}: {info['status']} "
                       f"({time.time() - started:.0f} s since the start)"
                       + (f"  ({'; '.join(info['notes'])})" if info["notes"] else ""), file=out)
    shutil.rmtree(course / worker.SCRATCH / unit, ignore_errors=True)
    if feedback:
        nbgrader(course, "generate_feedback", unit, "--force")
        for student in everyone:
            if not releasable(course / "feedback" / student / unit):
                state[student]["notes"].append("handed in without nbgrader's exchange: give the student "
                                               f"feedback/{student}/{unit}/ directly")
    rows = write_reports(course, unit, db_url, {student: state[student] for student in everyone})
    nbgrader(course, "export")
    report = course / "reports" / unit
    print(f"{len(rows)} submissions of {unit}: per-student table {report / 'summary.csv'}, histogram "
          f"{report / 'histogram.png'}, answers to review for copying {report / 'similarity.csv'}, "
          f"grades {course / 'grades.csv'}" + (f", feedback in {course / 'feedback'}" if feedback else ""),
          file=out)
    return rows
