"""The self-study scorecard runs every graded test of a unit (visible and hidden) on the learner's
answers, never stops at a failure, and scores as nbgrader does; the grader never runs it."""

import nbformat
import pytest
from failures import answers

from rnncourse.course import run_scorecard
from rnncourse.course.grading.preprocessors import SKIPPED_SCORECARD, SkipScorecard
from rnncourse.course.scorecard import graded_tests

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
    assert by_exercise == {"rnn_step_backward": {True}, "rnn_backward": {False}, "numerical_gradient": {True}}
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


def test_the_grader_does_not_run_the_scorecard_and_nothing_else():
    def cell(**nbgrader):
        return nbformat.v4.new_code_cell("run_scorecard('04_bptt')", metadata={"nbgrader": nbgrader})

    nb = nbformat.v4.new_notebook(cells=[cell(grade_id="scorecard", grade=False, locked=True),
                                         cell(grade_id="scorecard", grade=True, locked=True, points=1),
                                         cell(grade_id="test_rnn_backward_basic", grade=True, locked=True)])
    nb, _ = SkipScorecard().preprocess(nb, {})
    assert [c.source == SKIPPED_SCORECARD for c in nb.cells] == [True, False, False]


def test_without_the_masters_it_says_where_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError, match="master notebooks"):
        run_scorecard(UNIT, {}, root=tmp_path)
