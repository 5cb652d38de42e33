"""The self-study scorecard runs every graded test of a unit (visible and hidden) on the learner's
answers, never stops at a failure, and scores as nbgrader does; the grader never runs it."""

import json

import nbformat
import pytest
from failures import answers
from traitlets.config import Config

from rnncourse.course import release, run_scorecard
from rnncourse.course.grading.preprocessors import SKIPPED, SkipDemonstrations
from rnncourse.course.scorecard import SCORECARD_ID, graded_tests

UNIT = "04_bptt"  # three exercises, numpy only: cheap to score


def outcomes(card):
    return {r.test: r.passed for r in card.results}


def test_solved_notebook_scores_full_marks():
    card = run_scorecard(UNIT, answers(UNIT))
    assert all(outcomes(card).values()), str(card)
    assert card.score == card.max_score > 0


def test_blank_notebook_scores_zero_and_says_why_on_every_test():
    card = run_scorecard(UNIT, answers(UNIT, folder="notebooks"))
    assert len(card.results) == len(graded_tests(UNIT))
    assert card.score == 0
    assert all("not written yet" in r.message for r in card.results), str(card)


def test_partial_notebook_scores_each_exercise_on_its_own():
    namespace = answers(UNIT)
    namespace["rnn_backward"] = answers(UNIT, folder="notebooks")["rnn_backward"]
    card = run_scorecard(UNIT, namespace)
    by_exercise = {}
    for r in card.results:
        by_exercise.setdefault(r.exercise, set()).add(r.passed)
    assert by_exercise == {"rnn_step_backward": {True}, "rnn_backward": {False}, "numerical_gradient": {True},
                           "temporal_softmax_loss": {True}}
    hidden = [r for r in card.results if r.test.endswith("_hidden")]
    assert hidden, "the hidden tests run too"
    assert 0 < card.score < card.max_score
    assert "FAIL" in str(card) and "<table>" in card._repr_html_()


def test_a_missing_function_is_explained():
    namespace = answers(UNIT)
    del namespace["numerical_gradient"]
    card = run_scorecard(UNIT, namespace)
    assert any("Run the cell that defines it" in r.message for r in card.results if not r.passed)


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="04_bptt"):
        run_scorecard("4_bptt", {})


@pytest.mark.parametrize("unit", release.units())
def test_every_unit_ends_with_its_scorecard(unit):
    """One locked scorecard cell per unit, for that unit, after every graded cell."""
    path, = (release.ROOT / "solutions" / unit).glob("*.ipynb")
    cells = nbformat.read(path, as_version=4).cells
    marked = [i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("grade_id") == SCORECARD_ID]
    assert len(marked) == 1, marked
    cell = cells[marked[0]]
    assert f'run_scorecard("{unit}")' in cell.source
    assert cell.metadata["nbgrader"]["locked"] and not cell.metadata["nbgrader"].get("grade")
    assert all(not c.metadata.get("nbgrader", {}).get("grade") for c in cells[marked[0]:])


def test_the_grader_skips_demonstrations_the_scorecard_and_the_environment_check_and_nothing_else(tmp_path,
                                                                                                    monkeypatch):
    def code(cell_id, source="print('demo')", **nbgrader):
        cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": nbgrader} if nbgrader else {})
        cell.id = cell_id
        return cell

    release = nbformat.v4.new_notebook(cells=[
        code("setup", grade_id="setup", locked=True), code("demo"), code("card", grade_id="scorecard", locked=True),
        code("test", grade_id="test_f_basic", grade=True, locked=True, points=1),
        code("env", grade_id="check_environment", locked=True)])
    (tmp_path / "notebooks" / "unit").mkdir(parents=True)
    nbformat.write(release, tmp_path / "notebooks" / "unit" / "unit.ipynb")
    submitted = nbformat.from_dict(json.loads(nbformat.writes(release)))
    submitted.cells += [code("mine", "def helper(): pass"),          # a student's own cell runs
                        code("demo", "check.check_f_random(f)", grade_id="test_f_hidden", grade=True, points=2),
                        code("demo", "from checks import unit as check", grade_id="import_checks", locked=True)]
    monkeypatch.chdir(tmp_path)
    config = Config({"CourseDirectory": {"release_directory": "notebooks"}})
    nb, _ = SkipDemonstrations(config=config).preprocess(
        submitted, {"nbgrader": {"assignment": "unit", "notebook": "unit"}})
    assert [c.source == SKIPPED for c in nb.cells] == [False, True, True, False, True, False, False, False]


def test_without_the_masters_it_says_where_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError, match="master notebooks"):
        run_scorecard(UNIT, {}, root=tmp_path)
