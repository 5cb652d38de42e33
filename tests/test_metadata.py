"""Metadata lint of every notebook, without running any: ids, points, no outputs, the pinned exercises."""

import ast
import json
import re

import nbformat
import pytest

from rnncourse.course import release, slides

ROOT = release.ROOT
UNITS = release.units()

# The pinned exercises each unit must contain (answer cells named after them).
REQUIRED = {
    "00_welcome": ["one_hot_encode"],
    "01_recurrence": ["rnn_step_forward", "rnn_forward", "count_rnn_parameters"],
    "02_rnn_types": ["build_one_to_one", "build_one_to_many", "build_many_to_one",
                     "build_many_to_many", "build_encoder_decoder"],
    "03_architecture": ["softmax", "rnn_output_forward"],
    "04_bptt": ["rnn_step_backward", "rnn_backward", "numerical_gradient", "temporal_softmax_loss"],
    "05_gradient_problems": ["clip_by_value", "clip_by_global_norm"],
    "06_lstm_gru": ["lstm_step_forward", "lstm_forward", "lstm_step_backward", "gru_step_forward"],
    "07_bidirectional": ["birnn_forward"],
    "08_char_model": ["build_vocab", "make_sequences", "build_char_model", "sample_next_char",
                      "generate_text", "max_achievable_accuracy"],
    "09_forecasting": ["make_windows", "build_forecaster"],
}
GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
NOTEBOOKS = sorted((ROOT / "solutions").glob("*/*.ipynb")) + sorted((ROOT / "notebooks").glob("*/*.ipynb"))


def _load(path):
    return json.loads(path.read_text())


def _nbgrader_cells(nb):
    return [(c, c["metadata"]["nbgrader"]) for c in nb["cells"] if "nbgrader" in c.get("metadata", {})]


def test_every_unit_is_known_and_released():
    assert UNITS, "solutions/ holds no unit"
    assert set(UNITS) <= set(REQUIRED), f"unknown unit folders: {set(UNITS) - set(REQUIRED)}"
    released = sorted(p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir())
    assert released == UNITS, "notebooks/ and solutions/ hold different units: run `make student`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_notebook_metadata(path):
    nb = _load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        assert not cell.get("outputs") and not cell.get("execution_count"), \
            f"{path.name} is committed with outputs: clear them ({''.join(cell['source'])[:50]!r})"
    ids = [meta["grade_id"] for _, meta in _nbgrader_cells(nb)]
    assert len(ids) == len(set(ids)), f"duplicate grade_ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    for cell, meta in _nbgrader_cells(nb):
        assert GRADE_ID.match(meta["grade_id"]), f"bad grade_id {meta['grade_id']!r}"
        assert meta["schema_version"] == 3
        if meta.get("grade"):
            assert meta.get("points", 0) > 0, f"grade cell {meta['grade_id']} has no points"
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert first_code["metadata"].get("nbgrader", {}).get("locked") and \
        "setup_notebook(" in "".join(first_code["source"]), "the first code cell must be the locked set-up cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_slide_breaks_are_marked_for_live_slides(path):
    """RISE reads each cell's ``slideshow`` metadata: the headings' breaks must be written in."""
    assert not slides.mark(nbformat.read(path, as_version=4)), \
        f"{path.name} lacks the slide breaks of its headings: run `make student`"


@pytest.mark.parametrize("unit", UNITS)
def test_exercises_are_pinned(unit):
    """Each answer cell defines exactly the function it is named after; tests name an exercise."""
    answers, tests, written = set(), [], 0
    for path in (ROOT / "solutions" / unit).glob("*.ipynb"):
        for cell, meta in _nbgrader_cells(_load(path)):
            if meta.get("solution") and cell["cell_type"] == "code":
                tree = ast.parse("".join(cell["source"]))
                defined = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
                assert defined == [meta["grade_id"]], \
                    f"answer cell {meta['grade_id']!r} must define exactly that function; it defines {defined}"
                answers.add(meta["grade_id"])
            elif meta.get("solution") and meta.get("grade"):
                written += 1
            elif meta.get("grade"):
                tests.append(meta["grade_id"])
    missing = set(REQUIRED[unit]) - answers
    assert not missing, f"{unit} lacks the pinned exercises {sorted(missing)}"
    for test_id in tests:
        assert any(test_id.startswith(f"test_{name}") for name in answers), \
            f"test cell {test_id!r} should be named test_<exercise>..."
    for name in answers:
        assert any(t.startswith(f"test_{name}") for t in tests), f"exercise {name} has no test cell"
    assert written >= 1, f"{unit} needs at least one manually graded written question"
