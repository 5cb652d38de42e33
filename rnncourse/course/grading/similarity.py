"""Copying made visible: each answer compared with the references and with every other student's.

Pasting the package's reference into an answer is legal code and passes the tests; so does a
classmate's answer. Neither can be stopped by a check, but both show up here for the instructor
to review. The comparison is copydetect's: fingerprints of the code with names and literals
normalised, so renaming variables does not hide a copy. Unchanged (blank) answers are skipped.
"""

import csv
import importlib
import inspect
import io
import itertools
from pathlib import Path

import nbformat
from copydetect import CodeFingerprint, compare_files

from ...checks.harness import Exercise
from .normalise import grade_id

THRESHOLD = 0.8         # share of an answer's fingerprint found in the other code
NOISE = 8               # tokens in a row that count as a match (copydetect's k)


def answers(notebook):
    """``{exercise: source}`` of a notebook's code answer cells; of two copies, the first (the one graded)."""
    found = {}
    for cell in nbformat.read(notebook, as_version=4).cells:
        gid = grade_id(cell)
        if cell.cell_type == "code" and isinstance(gid, str) and cell.metadata.get("nbgrader", {}).get("solution"):
            found.setdefault(gid, cell.source)
    return found


def references(unit, root):
    """``{exercise: [(label, source)]}``: the package's reference and the solved notebook's answer."""
    found = {}
    for path in sorted((Path(root) / "solutions" / unit).glob("*.ipynb")):
        for exercise, source in answers(path).items():
            found.setdefault(exercise, []).append((f"solutions/{unit}", source))
    module = importlib.import_module(f"rnncourse.checks.{unit.split('_', 1)[1]}")
    for exercise in (v for v in vars(module).values() if isinstance(v, Exercise)):
        for ref in exercise.forbids[:1]:
            found.setdefault(exercise.name, []).append((f"{ref.__module__}.{ref.__name__}", inspect.getsource(ref)))
    return found


def _fingerprint(source):
    return CodeFingerprint("answer.py", NOISE, 1, fp=io.StringIO(source), language="python")


def _share(a, b):
    """The larger share of one fingerprint found in the other (0..1); 0 when either is too short."""
    try:
        _, (first, second), _ = compare_files(_fingerprint(a), _fingerprint(b))
    except Exception:  # noqa: BLE001 (copydetect fails on code shorter than its window)
        return 0.0
    return float(max(first, second))


def similarity_report(course, unit, root, threshold=THRESHOLD):
    """Pairs above ``threshold``, as rows, also written to ``reports/<unit>/similarity.csv``."""
    course = Path(course)
    blank = {}
    for path in sorted((course / "notebooks" / unit).glob("*.ipynb")):
        blank.update(answers(path))
    submitted = {}                                   # (exercise, student) -> source
    for path in sorted((course / "normalised").glob(f"*/{unit}/*.ipynb")):
        student = path.parent.parent.name
        for exercise, source in answers(path).items():
            if source.strip() != blank.get(exercise, "").strip():
                submitted[exercise, student] = source
    rows, known = [], references(unit, root)
    for (exercise, student), source in submitted.items():
        for label, ref in known.get(exercise, []):
            rows.append((exercise, student, label, _share(source, ref)))
    for (e1, s1), (e2, s2) in itertools.combinations(sorted(submitted), 2):
        if e1 == e2:
            rows.append((e1, s1, s2, _share(submitted[e1, s1], submitted[e2, s2])))
    flagged = [{"exercise": e, "student": s, "similar_to": other, "similarity": round(share, 3)}
               for e, s, other, share in rows if share >= threshold]
    report = course / "reports" / unit
    report.mkdir(parents=True, exist_ok=True)
    with open(report / "similarity.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["exercise", "student", "similar_to", "similarity"])
        writer.writeheader()
        writer.writerows(flagged)
    return flagged
