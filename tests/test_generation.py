import numpy as np
import pytest

from rnncourse import data
from rnncourse.models import char_model, generation

pytestmark = pytest.mark.usefixtures("keras_seeded")


def test_reweight_by_hand():
    p = np.array([0.5, 0.25, 0.25])
    np.testing.assert_allclose(generation.reweight(p, 1.0), p)
    # T = 0.5 squares the probabilities: 0.25, 0.0625, 0.0625 -> divided by 0.375
    np.testing.assert_allclose(generation.reweight(p, 0.5), [2 / 3, 1 / 6, 1 / 6])
    np.testing.assert_allclose(generation.reweight(p, 1.0, top_k=1), [1, 0, 0])
    assert generation.reweight(p, 1e6) == pytest.approx(np.full(3, 1 / 3), abs=1e-5)


def test_sampling_follows_the_reweighted_distribution():
    p = np.array([0.6, 0.3, 0.1])
    assert generation.sample_next_char(p, 0.0) == 0
    rng = np.random.default_rng(0)
    draws = [generation.sample_next_char(p, 0.5, rng) for _ in range(20_000)]
    freq = np.bincount(draws, minlength=3) / len(draws)
    np.testing.assert_allclose(freq, generation.reweight(p, 0.5), atol=0.02)
    topk = {generation.sample_next_char(p, 1.0, rng, top_k=2) for _ in range(500)}
    assert topk == {0, 1}


@pytest.mark.parametrize("probs, temperature, words", [
    ([0.5, 0.5], -0.1, ">= 0"),
    ([[0.5, 0.5]], 1.0, "1-D"),
    ([0.5, 0.7], 1.0, "sum to 1"),
])
def test_sampling_rejects_bad_input(probs, temperature, words):
    with pytest.raises(ValueError) as err:
        generation.sample_next_char(np.array(probs), temperature)
    assert words in str(err.value)


def test_greedy_generation_equals_a_hand_loop():
    text = data.SEED_TEXT
    chars, c2i, i2c = data.build_vocab(text)
    model = char_model.build_char_model(3, len(chars), units=8)
    out = generation.generate_text(model, "This", 12, c2i, i2c, 3)
    expected = "This"
    for _ in range(12):
        window = data.one_hot(data.encode(expected[-3:], c2i)[None], len(chars))
        expected += i2c[int(np.argmax(model(window, training=False).numpy()[0]))]
    assert out == expected


def test_generation_rejects_bad_start():
    chars, c2i, i2c = data.build_vocab(data.SEED_TEXT)
    model = char_model.build_char_model(3, len(chars), units=4)
    with pytest.raises(ValueError, match="'Z' at position 0"):
        generation.generate_text(model, "Zis", 5, c2i, i2c, 3)
    with pytest.raises(ValueError, match="at least seq_length=3"):
        generation.generate_text(model, "Th", 5, c2i, i2c, 3)
