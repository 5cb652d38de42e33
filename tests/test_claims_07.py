"""The quantitative claims of unit 07_bidirectional, checked with the package code the notebook calls."""

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


def _tagger(recurrent, V):
    import keras
    model = keras.Sequential([keras.Input(shape=(None, V)), recurrent, keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(V, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_the_bidirectional_tagger_solves_the_neighbours_task_within_three_epochs_and_left_to_right_cannot():
    import keras
    T, V = 10, 4
    x_train, y_train = data.neighbours_task(1500, T, V, seed=0)
    x_val, y_val = data.neighbours_task(500, T, V, seed=1)
    curves = {}
    for name, layer in [("bi", lambda: keras.layers.Bidirectional(keras.layers.SimpleRNN(16, return_sequences=True))),
                        ("l2r", lambda: keras.layers.SimpleRNN(32, return_sequences=True))]:
        keras.utils.set_random_seed(0)
        model = _tagger(layer(), V)
        curves[name] = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=3, batch_size=50,
                                 verbose=0).history["val_accuracy"]
    ceiling = ((T - 1) / V + 1) / T                                  # guessing s_{t+1}, except at the last step
    assert curves["bi"][-1] > 0.97
    assert max(curves["l2r"]) < ceiling + 0.05
