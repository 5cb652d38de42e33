"""Grading benchmark: seconds per submission for each unit, and what a class of 200 would take.

    python benchmarks/grading.py [UNIT ...] [--students 4] [--workers 2]    (make bench [UNITS="..."])

For each unit: a scratch course with the unit released, ``--students`` copies of the solved
notebook submitted (answers from solutions/, as a student would hand them in), then the grade
command (sandbox, policy, demonstrations skipped; feedback left out) with ``--workers`` at a
time. Then nbgrader's overhead: one submission graded again alone (``--regrade``, one worker),
against a plain run of the same cells (the master's set-up, answer and test cells, hidden tests
included, in an ordinary kernel: no nbgrader, no sandbox, no policy). Prints a table and writes it
to build/bench/grading.md. Wall-clock figures: run it on a quiet machine and say how busy it was.
"""

import argparse
import io
import os
import platform
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from table import Table

from rnncourse.course import release
from rnncourse.course.grading import batch
from rnncourse.course.grading.preprocessors import skipped_when_graded

CLASS = 200


def measure(unit, students, workers):
    """``(seconds per submission, wall seconds for the batch, all full marks?)``."""
    with tempfile.TemporaryDirectory(prefix="rnncourse-bench-") as scratch:
        course = Path(scratch)
        release.make_course(course, unit)
        text = nbformat.writes(release.answered(course / "notebooks" / unit / f"{unit}.ipynb",
                                                release.master_answers(unit)))
        for i in range(students):
            folder = course / "submitted" / f"student{i:03d}" / unit
            folder.mkdir(parents=True)
            (folder / f"{unit}.ipynb").write_text(text)
        started = time.perf_counter()
        rows = batch.grade_class(course, unit, workers=workers, feedback=False, out=io.StringIO())
        wall = time.perf_counter() - started
        started = time.perf_counter()
        batch.grade_class(course, unit, only=["student000"], regrade=True, feedback=False, out=io.StringIO())
        alone = time.perf_counter() - started
    return wall / students, wall, all(r["autograded"] == r["autograded_max"] > 0 for r in rows), alone


def plain_run(unit):
    """Seconds to run, in an ordinary kernel, the cells of ``unit``'s masters that the grader runs."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rnncourse-bench-") as scratch:
        for path in sorted((release.ROOT / "solutions" / unit).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            nb.cells = [c for c in nb.cells if c.cell_type == "code" and not skipped_when_graded(c)]
            NotebookClient(nb, timeout=600, kernel_name="python3", shutdown_kernel="immediate",   # as the grader
                           resources={"metadata": {"path": scratch}}).execute()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("units", nargs="*", default=release.units())
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    table = Table("grading", f"Grading benchmark: {args.students} solved submissions per unit, {args.workers} "
                  f"worker(s), Python {platform.python_version()},",
                  ["unit", "s per submission", "batch (s)", "full marks", "one graded alone (s)",
                   "plain run of its graded cells (s)", "class of 200, this machine (min)"])
    for unit in args.units:
        per, wall, full, alone = measure(unit, args.students, args.workers)
        table.add(unit, f"{per:.1f}", f"{wall:.0f}", "yes" if full else "NO", f"{alone:.1f}", f"{plain_run(unit):.1f}",
                  f"{per * CLASS / 60:.0f}")
    table.save()


if __name__ == "__main__":
    main()
