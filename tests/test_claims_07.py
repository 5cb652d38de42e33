"""The quantitative claims of unit 07_bidirectional, checked with the package code the notebook calls.

The claims about the taggers and the masked model the notebook trains are checked on its own run:
tests/notebook_claims/07_bidirectional.py.
"""

import numpy as np
import pytest

from rnncourse import data

pytestmark = pytest.mark.usefixtures("keras_seeded")


def _future_hidden(x, t):
    hidden = x.copy()
    hidden[:, t + 1:] = 0.0
    return hidden


def test_hiding_the_future_changes_nothing_left_to_right_and_everything_bidirectional():
    """Whatever the weights, a left-to-right model's output at step t ignores x_{t+1} .. x_T."""
    import keras
    x = np.eye(5, dtype=np.float32)[np.random.default_rng(0).integers(0, 5, (4, 6))]    # (4, 6, 5)
    for bidirectional, changes in [(False, False), (True, True)]:
        recurrent = keras.layers.SimpleRNN(8, return_sequences=True)
        if bidirectional:
            recurrent = keras.layers.Bidirectional(recurrent)
        model = keras.Sequential([keras.Input(shape=(None, 5)), recurrent, keras.layers.Dense(5, activation="softmax")])
        for t in range(5):
            gap = np.abs(model(x).numpy()[:, t] - model(_future_hidden(x, t)).numpy()[:, t]).max()
            assert (gap > 1e-4) == changes, (bidirectional, t, gap)


def test_some_validation_characters_of_the_zen_are_rare_or_absent_in_its_training_part():
    text = data.load_corpus("zen")
    cut = int(0.8 * len(text))
    training = text[:cut]
    assert any(training.count(c) == 0 for c in set(text[cut:]))
    assert sum(training.count(c) <= 2 for c in set(text[cut:])) >= 3


# --- section 7: padding and masking --------------------------------------------------------

def _padded_batch():
    import keras
    sequences, _ = data.last_symbol_task(4, max_len=7, V=6, seed=8)
    return keras.utils.pad_sequences(sequences, padding="post"), np.array([len(s) for s in sequences])


def _padded_model(mask_zero, H=4):
    """The notebook's model: Embedding -> a left-to-right SimpleRNN and a Bidirectional SimpleRNN."""
    import keras
    keras.utils.set_random_seed(3)
    symbols = keras.Input(shape=(None,), dtype="int32")
    vectors = keras.layers.Embedding(6, 3, mask_zero=mask_zero, name="embedding",
                                     embeddings_initializer=keras.initializers.RandomNormal(stddev=1.0))(symbols)
    every_step, final = keras.layers.SimpleRNN(H, return_sequences=True, return_state=True)(vectors)
    both = keras.layers.Bidirectional(keras.layers.SimpleRNN(H, return_sequences=True), name="bidirectional")(vectors)
    return keras.Model(symbols, {"every step": every_step, "final": final,
                                 "forward": both[..., :H], "backward": both[..., H:]})


def test_the_batch_lengths_and_the_masks_of_embedding_and_masking():
    import keras
    batch, lengths = _padded_batch()
    assert batch.shape == (4, 7) and list(lengths) == [6, 3, 2, 7]
    mask = keras.layers.Embedding(6, 3, mask_zero=True).compute_mask(batch).numpy()
    np.testing.assert_array_equal(mask, batch != 0)
    np.testing.assert_array_equal(mask.sum(axis=1), lengths)
    sequences = [batch[i, :n] for i, n in enumerate(lengths)]
    one_hot = keras.utils.pad_sequences([data.one_hot(s, 6) for s in sequences], padding="post", dtype="float32")
    np.testing.assert_array_equal(keras.layers.Masking(mask_value=0.0).compute_mask(one_hot).numpy(), mask)


def test_pad_sequences_pads_in_front_by_default():
    import keras
    np.testing.assert_array_equal(keras.utils.pad_sequences([[1], [2, 3]]), [[0, 1], [2, 3]])


def test_masked_outputs_equal_each_sequence_alone_and_unmasked_ones_do_not_where_padding_is_read():
    batch, lengths = _padded_batch()
    masked, unmasked = _padded_model(True), _padded_model(False)
    unmasked.set_weights(masked.get_weights())
    with_mask = data.difference_from_alone(masked, batch, lengths)
    without = data.difference_from_alone(unmasked, batch, lengths)
    for name in with_mask:                                   # left to right and both halves of Bidirectional
        assert with_mask[name].max() < 1e-5, name
    padded = lengths < batch.shape[1]
    for name in ["every step", "forward"]:                   # padding after the real steps: never read there
        assert without[name].max() < 1e-5, name
    for name in ["final", "backward"]:                       # these read the padding
        assert np.all(without[name][padded] > 0.1), (name, without[name])
        assert np.all(without[name][~padded] < 1e-5), name
    backward = without["backward"][padded]                   # more padding read first, further off (here)
    order = np.argsort(batch.shape[1] - lengths[padded])
    assert np.all(np.diff(backward[order]) > 0), backward


def test_the_masked_bidirectional_layer_is_birnn_forward_on_each_sequence_alone():
    from rnncourse import models, reference
    batch, lengths = _padded_batch()
    model = _padded_model(True)
    out = {name: value.numpy() for name, value in model(batch).items()}
    both = np.concatenate([out["forward"], out["backward"]], axis=-1)
    weights = models.bidirectional_weights(model.get_layer("bidirectional"))
    vectors = model.get_layer("embedding")(batch).numpy()
    zeros = np.zeros((1, 4), np.float32)
    for i, n in enumerate(lengths):
        alone = reference.birnn_forward(vectors[i:i + 1, :n], zeros, zeros, **weights)
        np.testing.assert_allclose(both[i, :n], alone[0], atol=1e-5)
    padded = batch == 0
    assert np.all(both[padded] == 0)                                            # zeros at padded steps
    for i, n in enumerate(lengths):                                             # left to right: last real state
        np.testing.assert_array_equal(out["every step"][i, n:], np.broadcast_to(out["every step"][i, n - 1],
                                                                                (7 - n, 4)))
    np.testing.assert_array_equal(out["final"], out["every step"][:, -1])


def test_the_loss_ignores_labels_at_padded_steps():
    import keras
    batch, _ = _padded_batch()
    model = _padded_model(True)
    tagger = keras.Sequential([keras.Input(shape=(None,), dtype="int32"), model.get_layer("embedding"),
                               model.get_layer("bidirectional"), keras.layers.Dense(6, activation="softmax")])
    tagger.compile(loss="sparse_categorical_crossentropy")
    changed = np.where(batch != 0, batch, 5)
    assert tagger.evaluate(batch, batch, verbose=0) == tagger.evaluate(batch, changed, verbose=0)
    unmasked_changes = keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                                         keras.layers.Embedding(6, 3), keras.layers.Dense(6, activation="softmax")])
    unmasked_changes.compile(loss="sparse_categorical_crossentropy")
    assert unmasked_changes.evaluate(batch, batch, verbose=0) != unmasked_changes.evaluate(batch, changed, verbose=0)
