"""``python -m rnncourse.course.grading UNIT``: grade a unit for a class (see batch.py); ``make grade UNIT=...``."""

import argparse
import contextlib
import os
import sys

from .batch import grade_class
from .cluster import dask_executor
from .sandbox import SandboxUnavailable, require_sandbox

parser = argparse.ArgumentParser(prog="python -m rnncourse.course.grading", description=__doc__)
parser.add_argument("unit", help="the unit (nbgrader assignment id), e.g. 04_bptt")
parser.add_argument("--student", action="append", default=[], help="grade only this student (repeatable)")
parser.add_argument("--course", default=".", help="the course folder (default: the current folder)")
parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                    help="submissions graded at once on this machine (default: one per CPU core)")
parser.add_argument("--regrade", action="store_true", help="grade again submissions unchanged since last time")
parser.add_argument("--no-feedback", action="store_true", help="skip nbgrader generate_feedback")
parser.add_argument("--scheduler", help="grade on a Dask cluster: a scheduler address (tcp://host:8786), or "
                                        "'local' for a LocalCluster of --workers processes on this machine")
args = parser.parse_args()
try:
    require_sandbox()
except SandboxUnavailable as err:
    sys.exit(str(err))
with contextlib.ExitStack() as stack:
    executor = stack.enter_context(dask_executor(args.scheduler, args.workers)) if args.scheduler else None
    grade_class(args.course, args.unit, args.student, workers=args.workers, regrade=args.regrade,
                feedback=not args.no_feedback, executor=executor)
