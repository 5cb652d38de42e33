"""Submissions put in nbgrader's shape: cells restored and de-duplicated, files found and renamed."""

import json

import nbformat

from rnncourse.course import release
from rnncourse.course.grading.normalise import find_notebook, grade_id, normalise_cells, normalise_folder

UNIT = "04_bptt"


def student_copy():
    return nbformat.read(release.ROOT / "notebooks" / UNIT / f"{UNIT}.ipynb", as_version=4)


def ids(nb):
    return [grade_id(c) for c in nb.cells if grade_id(c)]


def test_deleted_cells_come_back_in_the_release_order():
    nb, reference = student_copy(), student_copy()
    nb.cells = [c for c in nb.cells if not (c.metadata.get("nbgrader", {}).get("locked"))]
    notes = normalise_cells(nb, reference)
    assert ids(nb) == ids(reference)
    assert any("import_checks" in note for note in notes)


def test_copies_resolve_to_the_first_and_a_second_answer_is_kept_as_a_plain_cell():
    nb, reference = student_copy(), student_copy()
    for gid in ("rnn_step_backward", "test_rnn_backward_basic"):
        position = [grade_id(c) for c in nb.cells].index(gid)
        nb.cells.insert(position + 1, nbformat.from_dict(json.loads(json.dumps(nb.cells[position]))))
    cells_before = len(nb.cells)
    notes = normalise_cells(nb, reference)
    assert ids(nb) == ids(reference)
    assert len(nb.cells) == cells_before - 1                      # the test copy dropped, the answer copy kept
    assert any(c.metadata.get("rnncourse", {}).get("answer_copy") == "rnn_step_backward" for c in nb.cells)
    assert len(notes) == 2


def test_an_untouched_notebook_is_left_as_it_is():
    nb, reference = student_copy(), student_copy()
    assert normalise_cells(nb, reference) == []
    assert nb == reference


def test_folder_keeps_only_the_notebook_and_renames_it(tmp_path):
    submitted, target = tmp_path / "in", tmp_path / "out"
    (submitted / "rnncourse").mkdir(parents=True)
    (submitted / "rnncourse" / "__init__.py").write_text("")
    (submitted / f"{UNIT}-Copy1.ipynb").write_text(nbformat.writes(student_copy()))
    (submitted / "timestamp.txt").write_text("2026-11-28 10:00:00")
    notes = normalise_folder(submitted, target, [f"{UNIT}.ipynb"])
    assert sorted(p.name for p in target.iterdir()) == [f"{UNIT}.ipynb", "timestamp.txt"]
    assert any("graded as" in n for n in notes) and any("rnncourse" in n for n in notes)


def test_unreadable_or_ambiguous_notebooks_are_reported(tmp_path):
    (tmp_path / f"{UNIT}.ipynb").write_text("{ not json")
    notes = normalise_folder(tmp_path, tmp_path / "out", [f"{UNIT}.ipynb"])
    assert any("could not be read" in n for n in notes)
    assert not (tmp_path / "out" / f"{UNIT}.ipynb").exists()
    (tmp_path / f"{UNIT}.ipynb").unlink()
    for name in (f"{UNIT} (1).ipynb", f"{UNIT} (2).ipynb"):
        (tmp_path / name).write_text("{}")
    assert find_notebook(tmp_path, f"{UNIT}.ipynb") is None


def test_grader_metadata_written_by_a_student_is_dropped():
    """Only the grading steps write ``rnncourse`` metadata: a student's fake notes or fake answer copies go."""
    nb, reference = student_copy(), student_copy()
    nb.metadata["rnncourse"] = {"notes": [0, "all tests passed"]}
    nb.cells.append(nbformat.v4.new_code_cell("check = None", metadata={"rnncourse": {"answer_copy": "check"}}))
    normalise_cells(nb, reference)
    assert "rnncourse" not in nb.metadata and "rnncourse" not in nb.cells[-1].metadata

