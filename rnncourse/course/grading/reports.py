"""What the grade command leaves for the instructor, in ``reports/<unit>/``.

- ``summary.csv``: one row per student: the score of every exercise (autograded tests and
  written answers), the autograded score, the total, how many answers still wait for a
  grader (an unchanged written answer is scored 0 automatically, nbgrader's rule), the status,
  and every note the grading steps left (cells restored, code not run, time limits reached);
- ``histogram.png``: the distribution of totals;
- ``similarity.csv``: answers that look copied (:mod:`.similarity`).
"""

import csv
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from .normalise import tested_exercise
from .similarity import similarity_report


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


def columns(course, unit, release="notebooks"):
    """``{grade_id: column}`` for the graded cells of the released ``unit``: a test cell's column is
    the exercise it tests (``test_<exercise>_...``), a written answer's is ``written: <id>``."""
    cells = [c for path in sorted((Path(course) / release / unit).glob("*.ipynb"))
             for c in nbformat.read(path, as_version=4).cells]
    meta = [c.metadata.get("nbgrader", {}) for c in cells]
    exercises = [m["grade_id"] for m, c in zip(meta, cells) if m.get("solution") and c.cell_type == "code"]
    return {m["grade_id"]: (tested_exercise(m["grade_id"], exercises) or m["grade_id"]) if c.cell_type == "code"
            else f"written: {m['grade_id']}" for m, c in zip(meta, cells) if m.get("grade")}


def student_row(gb, unit, student, column_of):
    """The summary row of one student: scores per column, autograded and total scores, answers waiting."""
    row = {"student": student, "autograded": 0.0, "autograded_max": 0.0, "total": 0.0, "total_max": 0.0,
           "waiting_for_manual_grading": 0}
    try:
        submission = gb.find_submission(unit, student)
    except MissingEntry:
        return row
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            column = column_of.get(grade.name, grade.name)
            row[column] = row.get(column, 0.0) + (grade.score or 0.0)
            if grade.cell.cell_type == "code":
                row["autograded"] += grade.score or 0.0
                row["autograded_max"] += grade.max_score
            row["waiting_for_manual_grading"] += bool(grade.needs_manual_grade)
    row["total"], row["total_max"] = submission.score, submission.max_score
    return row


def histogram(totals, maximum, unit, path):
    """Save a histogram of the class's totals to ``path``."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3.5))
    ax = fig.subplots()
    ax.hist(totals, bins=max(1, min(20, int(maximum) + 1)), range=(0, max(maximum, 1)), edgecolor="white")
    ax.set(xlabel=f"total score (of {maximum:g}; written answers count once graded)", ylabel="students",
           title=f"{unit}: {len(totals)} submissions")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def write_reports(course, unit, db_url, state):
    """Write the three reports for the students in ``state`` (``{student: {"status", "notes"}}``); return the rows."""
    report = Path(course) / "reports" / unit
    report.mkdir(parents=True, exist_ok=True)
    column_of = columns(course, unit)
    exercises = list(dict.fromkeys(column_of.values()))
    with Gradebook(db_url) as gb:
        rows = [{**student_row(gb, unit, student, column_of), "unit": unit, "status": info["status"],
                 "notes": "; ".join(info["notes"])} for student, info in sorted(state.items())]
    fields = ["student", "unit", *exercises, "autograded", "autograded_max", "total", "total_max",
              "waiting_for_manual_grading", "status", "notes"]
    with open(report / "summary.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, restval=0.0)
        writer.writeheader()
        writer.writerows(rows)
    if rows:
        histogram([r["total"] for r in rows], max(r["total_max"] for r in rows), unit, report / "histogram.png")
    similarity_report(course, unit, course)
    return rows
