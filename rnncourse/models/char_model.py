"""Keras models of the character-level unit, and the fast way to ask them for predictions.

Inputs are one-hot windows ``(N, seq_length, V)``; outputs are next-character probabilities ``(N, V)``.
"""

import numpy as np

from ..course.setup import quiet_tensorflow

CELLS = ("SimpleRNN", "GRU", "LSTM")


def build_char_model(seq_length, vocab_size, units=50, activation="relu", cell="SimpleRNN",
                     learning_rate=0.001):
    """The seed's model, compiled: one recurrent layer of ``units`` and a softmax over ``V``.

    ``cell`` picks ``SimpleRNN`` (the seed's), ``GRU`` or ``LSTM``; ``activation`` applies to
    the SimpleRNN only (the gated cells keep their tanh/sigmoid). Adam (default learning rate
    0.001, as in the seed), categorical cross-entropy, accuracy.
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}; got {cell!r}")
    if seq_length < 1 or vocab_size < 1 or units < 1:
        raise ValueError(f"seq_length, vocab_size and units must be positive; got "
                         f"{seq_length}, {vocab_size}, {units}")
    _, keras = quiet_tensorflow()
    layers = keras.layers
    recurrent = (layers.SimpleRNN(units, activation=activation) if cell == "SimpleRNN"
                 else getattr(layers, cell)(units))
    model = keras.Sequential([
        keras.Input(shape=(seq_length, vocab_size)),
        recurrent,
        layers.Dense(vocab_size, activation="softmax"),
    ], name=f"char_{cell.lower()}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def one_hot_batches(X, y, vocab_size, batch_size=128, shuffle=False, seed=0):
    """A ``tf.data.Dataset`` of one-hot batches ``((B, seq_length, V), (B, V))``.

    One-hot encoding happens per batch, so a corpus of 40,000 windows never needs the
    gigabyte that its fully expanded one-hot array would take.
    """
    tf, _ = quiet_tensorflow()
    ds = tf.data.Dataset.from_tensor_slices((X, y))
    if shuffle:
        ds = ds.shuffle(len(X), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size).map(lambda a, b: (tf.one_hot(a, vocab_size), tf.one_hot(b, vocab_size)))
    return ds.prefetch(2)


def epoch_batches(X, y, vocab_size, batch_size=32, seed=0):
    """What ``model.fit`` on the one-hot arrays trains on, as one endless dataset: ``(dataset, steps)``.

    ``X`` (N, seq_length) and ``y`` (N,) are integer codes. Every pass over the N windows comes
    in a fresh random order, cut into batches of ``batch_size`` (the last one smaller), as
    ``model.fit`` cuts arrays; ``steps`` = ceil(N / batch_size) batches make one pass. Pass both
    to ``model.fit(dataset, epochs=..., steps_per_epoch=steps)``: the passes follow each other
    without end, so Keras sets up its input pipeline once, not at every epoch (for a few dozen
    windows, that set-up costs more than the epoch's training steps).
    """
    dataset = one_hot_batches(X, y, vocab_size, batch_size=batch_size, shuffle=True, seed=seed)
    return dataset.repeat(), -(-len(X) // batch_size)


def make_predictor(model):
    """A fast function ``window (seq_length,) int -> probabilities (V,)`` for generation.

    It calls the model directly inside one compiled graph with a fixed input shape, traced
    once and called as a concrete function (no signature matching per call). ``model.predict``
    instead builds a data pipeline and a progress bar on every call, which costs tens of
    milliseconds per character.
    """
    tf, _ = quiet_tensorflow()
    _, seq_length, vocab_size = model.input_shape

    @tf.function
    def compute(window):
        return model(tf.one_hot(window, vocab_size), training=False)[0]

    probs = compute.get_concrete_function(tf.TensorSpec((1, seq_length), tf.int64))

    def predict(window):
        window = np.asarray(window, dtype=np.int64)
        if window.shape != (seq_length,):
            raise ValueError(f"window must have shape ({seq_length},); got {window.shape}")
        return probs(tf.constant(window[None])).numpy().astype(np.float64)

    return predict


def perplexity(model, dataset):
    """``exp`` of the mean cross-entropy of ``model`` on ``dataset``: the effective branching factor."""
    loss = model.evaluate(dataset, verbose=0, return_dict=True)["loss"]
    return float(np.exp(loss))
