"""The quantitative claims of unit 00_welcome, checked with the package code the notebook calls."""

import warnings

import matplotlib
import numpy as np

from rnncourse.checks import welcome as check
from rnncourse.data import SEED_TEXT, one_hot


def _seed_one_hot():
    chars = sorted(set(SEED_TEXT))
    codes = np.array([chars.index(c) for c in SEED_TEXT])
    return chars, one_hot(codes, len(chars))                        # (T, V) = (51, 17)


def test_the_seed_sentence_has_one_one_per_step_and_twelve_repeated_characters():
    chars, X = _seed_one_hot()
    assert X.shape == (51, 17) and np.all(X.sum(axis=1) == 1)
    repeated = {c for c, n in zip(chars, X.sum(axis=0)) if n > 1}
    assert len(repeated) == 12
    assert {"G", "e", "s", "i", "t", " "} < repeated                  # the six the text once named: not all
    counts = dict(zip(chars, X.sum(axis=0)))
    assert {c for c, n in counts.items() if n == 6} == {" ", "e", "i", "s"}
    assert {c for c, n in counts.items() if n == 2} == {"G", "f", "k", "o"}


def test_greys_draws_the_ones_dark():
    greys = matplotlib.colormaps["Greys"]
    assert sum(greys(1.0)[:3]) < sum(greys(0.0)[:3])                 # 1 is black, 0 is white


def test_a_warning_from_the_answer_costs_no_points(capsys):
    def one_hot_encode(indices, depth):
        warnings.warn("an index was checked twice", RuntimeWarning)
        return (np.asarray(indices)[..., None] == np.arange(depth)).astype(float)

    check.check_one_hot_encode_basic(one_hot_encode)                  # passes
    assert "costs no points" in capsys.readouterr().out
