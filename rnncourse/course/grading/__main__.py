"""``python -m rnncourse.course.grading UNIT [--student ID ...]``: grade a unit for a class (see batch.py)."""

import argparse
import sys

from .batch import grade_class
from .sandbox import SandboxUnavailable, require_sandbox

parser = argparse.ArgumentParser(prog="python -m rnncourse.course.grading", description=__doc__)
parser.add_argument("unit", help="the unit (nbgrader assignment id), e.g. 04_bptt")
parser.add_argument("--student", action="append", default=[], help="grade only this student (repeatable)")
parser.add_argument("--course", default=".", help="the course folder (default: the current folder)")
args = parser.parse_args()
try:
    require_sandbox()
except SandboxUnavailable as err:
    sys.exit(str(err))
grade_class(args.course, args.unit, args.student)
