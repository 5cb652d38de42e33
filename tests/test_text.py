import numpy as np
import pytest

from rnncourse import data


def test_seed_facts():
    text = data.SEED_TEXT
    chars, c2i, i2c = data.build_vocab(text)
    assert len(text) == 51 and len(chars) == 17
    assert chars == sorted(chars) and chars[0] == " " and chars[1] == "G"
    assert all(i2c[c2i[c]] == c for c in chars)
    X, y = data.make_sequences(text, 3, c2i)
    assert X.shape == (48, 3) and y.shape == (48,)
    assert data.max_achievable_accuracy(text, 3) == pytest.approx(46 / 48)
    assert set(data.ambiguous_contexts(text, 3)) == {"is ", "eks"}


def test_make_sequences_by_hand():
    chars, c2i, _ = data.build_vocab("abcab")  # a=0, b=1, c=2
    X, y = data.make_sequences("abcab", 2, c2i)
    np.testing.assert_array_equal(X, [[0, 1], [1, 2], [2, 0]])
    np.testing.assert_array_equal(y, [2, 0, 1])
    assert np.issubdtype(X.dtype, np.integer)


def test_ceiling_by_hand_and_shortest_full_context():
    # windows a>a, a>b, b>a, a>a, a>c: "a" is followed by a twice, b once, c once -> 2 of 4 right; "b" -> 1 of 1
    assert data.max_achievable_accuracy("aabaac", 1) == pytest.approx(3 / 5)
    ceilings = [data.max_achievable_accuracy(data.SEED_TEXT, k) for k in range(1, 9)]
    assert ceilings[5] == 1.0 and all(c < 1.0 for c in ceilings[:5])


def test_one_hot_by_hand():
    out = data.one_hot(np.array([[2, 0]]), 3)
    assert out.shape == (1, 2, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out, [[[0, 0, 1], [1, 0, 0]]])


@pytest.mark.parametrize("call, words", [
    (lambda: data.make_sequences("abc", 3, {"a": 0, "b": 1, "c": 2}), "at most 2"),
    (lambda: data.make_sequences("abc", 0, {"a": 0, "b": 1, "c": 2}), "positive integer"),
    (lambda: data.make_sequences("abz", 1, {"a": 0, "b": 1}), "'z' at position 2"),
    (lambda: data.encode("hi!", {"h": 0, "i": 1}), "not in the vocabulary"),
    (lambda: data.build_vocab(""), "non-empty"),
    (lambda: data.one_hot(np.array([3]), 3), "[0, 2]"),
    (lambda: data.one_hot(np.array([0.5]), 3), "integers"),
    (lambda: data.max_achievable_accuracy("ab", 5), "seq_length"),
    (lambda: data.load_corpus("shakespeare"), "unknown corpus"),
    (lambda: data.split_text("abc", 1.5), "between 0 and 1"),
])
def test_bad_input_says_what_was_expected(call, words):
    with pytest.raises(ValueError) as err:
        call()
    assert words in str(err.value)


def test_corpora_ship_with_python():
    zen = data.load_corpus("zen")
    assert zen.startswith("The Zen of Python") and "Beautiful is better than ugly." in zen
    stdlib = data.load_corpus("stdlib", max_chars=30_000)
    assert len(stdlib) == 30_000 and len(set(stdlib)) > 60
    assert data.load_corpus("stdlib", max_chars=30_000) == stdlib  # the same text every time
    train, val = data.split_text(stdlib, 0.1)
    assert train + val == stdlib and len(val) == 3_000
