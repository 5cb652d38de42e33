"""Submissions put in the shape nbgrader expects, with a note for every change.

Two levels:

- a student's folder (:func:`normalise_folder`): the unit's notebook found under another name
  (an LMS adds `` (1)`` or ``-Copy1``) and renamed, unreadable JSON reported, every other file
  left out of what is graded;
- a notebook's cells (:func:`normalise_cells`): graded and locked cells that the student
  deleted are put back where the release has them (also right after another locked cell), and
  cells copied with their nbgrader metadata (same ``grade_id``) resolved to the first copy. A
  second copy of an answer cell keeps running as an ordinary cell, so no work is lost.
"""

import json
import shutil
from pathlib import Path

import nbformat

EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")   # written by `nbgrader submit`, kept by collect


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def tested_exercise(test_id, exercises):
    """The exercise a test cell (``test_<exercise>_...``) belongs to, if it is in ``exercises``."""
    matching = [e for e in exercises if test_id and test_id.startswith(f"test_{e}")]
    return max(matching, key=len) if matching else None


def is_solution(cell):
    """A cell the student writes in: a code answer or a written answer."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def normalise_cells(nb, release):
    """Make ``nb``'s graded and locked cells those of ``release``, once each, in its order.

    Changes ``nb`` in place and returns the notes (sentences for the instructor's summary).
    The grader's own metadata (``rnncourse``) is removed first: only the grading steps write it.
    """
    nb.metadata.pop("rnncourse", None)
    for cell in nb.cells:
        cell.get("metadata", {}).pop("rnncourse", None)
    notes, seen, cells = [], set(), []
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid is None or gid not in seen:
            seen.add(gid)
            cells.append(cell)
        elif is_solution(cell):                      # a second copy of an answer: keep what it holds
            del cell.metadata["nbgrader"]
            cell.metadata["rnncourse"] = {"answer_copy": gid}
            cells.append(cell)
            notes.append(f"cell `{gid}` appears twice: the first copy is graded, the second runs as a plain cell")
        else:
            notes.append(f"cell `{gid}` appears twice: the second copy was dropped")
    position = {grade_id(cell): i for i, cell in enumerate(cells) if grade_id(cell)}
    after = -1                                       # index in `cells` of the last release cell seen
    for cell in release.cells:
        gid = grade_id(cell)
        if gid is None:
            continue
        if gid in position:
            after = position[gid]
            continue
        cells.insert(after + 1, nbformat.from_dict(json.loads(json.dumps(cell))))
        after += 1
        position = {grade_id(c): i for i, c in enumerate(cells) if grade_id(c)}
        notes.append(f"cell `{gid}` was missing and was put back from the release")
    nb.cells = cells
    return notes


def find_notebook(folder, name):
    """The student's copy of notebook ``name`` (e.g. ``04_bptt.ipynb``) in ``folder``, or None.

    The exact name first; otherwise the only notebook whose name starts with the unit's.
    """
    folder = Path(folder)
    exact = folder / name
    if exact.is_file():
        return exact
    stem = Path(name).stem
    candidates = sorted(p for p in folder.glob("*.ipynb") if p.name.startswith(stem))
    return candidates[0] if len(candidates) == 1 else None


def normalise_folder(submitted, target, notebook_names):
    """Copy the gradable part of one submission folder to ``target``; return the notes.

    ``notebook_names``: the unit's notebooks (file names). Only they (renamed if needed) and
    the files of nbgrader's exchange (:data:`EXCHANGE_FILES`) are copied. A notebook that is
    missing or unreadable is not copied (nbgrader then scores it zero) and a note says why.
    """
    submitted, target = Path(submitted), Path(target)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    notes, used = [], set(EXCHANGE_FILES)
    for name in notebook_names:
        found = find_notebook(submitted, name)
        if found is None:
            notes.append(f"no notebook {name} in the submission")
            continue
        used.add(found.name)
        try:
            nbformat.read(found, as_version=4)
        except Exception as err:  # noqa: BLE001 (any unreadable file is reported the same way)
            notes.append(f"{found.name} could not be read as a notebook ({type(err).__name__}: {str(err)[:80]})")
            continue
        if found.name != name:
            notes.append(f"{found.name} was graded as {name}")
        shutil.copy(found, target / name)
    for name in EXCHANGE_FILES:
        if (submitted / name).is_file():
            shutil.copy(submitted / name, target / name)
    others = sorted(p.name for p in submitted.iterdir() if p.name not in used)
    if others:
        notes.append(f"not graded (only the unit's notebooks are): {', '.join(others)}")
    return notes
