"""The many-to-many character model: a target at every time step, trained with clipped gradients.

Inputs are integer codes ``(N, T)`` (T may differ from call to call); outputs are next-character
probabilities ``(N, T, V)``: ``p[:, t]`` predicts the character after ``x[:, t]``. This is the
TensorFlow text-generation tutorial's and Karpathy's min-char-rnn's set-up, as opposed to the
GeeksforGeeks model of :mod:`.char_model`, which reads a window and predicts one character.
"""

import numpy as np

from ..course.setup import quiet_tensorflow
from .char_model import CELLS


def shifted_sequences(codes, seq_length):
    """Cut ``codes (L,)`` into inputs and targets shifted by one character.

    Returns int arrays ``X (n, seq_length)`` and ``Y (n, seq_length)`` with
    ``X[i] = codes[i*T : i*T + T]`` and ``Y[i] = codes[i*T + 1 : i*T + T + 1]`` (T = seq_length),
    ``n = (L - 1) // T``: back-to-back pieces, so every character after the first is a target
    exactly once (a leftover shorter than T is dropped).
    """
    codes = np.asarray(codes, dtype=np.int64)
    if seq_length < 1 or len(codes) < seq_length + 1:
        raise ValueError(f"need seq_length >= 1 and at least seq_length + 1 = {seq_length + 1} codes; "
                         f"got seq_length={seq_length} and {len(codes)} codes")
    n = (len(codes) - 1) // seq_length
    X = codes[:n * seq_length].reshape(n, seq_length)
    Y = codes[1:n * seq_length + 1].reshape(n, seq_length)
    return X, Y


def _one_hot_layer(keras, vocab_size):
    class OneHot(keras.layers.Layer):
        """Integer codes (N, T) -> one-hot rows (N, T, V) float32: the course's input encoding."""

        def call(self, codes):
            return keras.ops.one_hot(keras.ops.cast(codes, "int32"), vocab_size)

    return OneHot(name="one_hot")


def build_sequence_model(vocab_size, units, cell="GRU", learning_rate=0.005, max_norm=1.0):
    """A many-to-many model: codes ``(N, T)`` -> probabilities ``(N, T, V)``, for any T.

    One-hot input (no embedding, as in the rest of the unit), one recurrent layer of ``units``
    with ``return_sequences=True`` (``cell``: "SimpleRNN" with tanh, "GRU" or "LSTM"), and
    ``Dense(V, softmax)`` applied at every step. Compiled with Adam (``learning_rate``,
    ``global_clipnorm=max_norm``) and sparse categorical cross-entropy, so ``evaluate`` works;
    :func:`fit_clipped` trains it with the same clipping and logs the gradient norm.
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}; got {cell!r}")
    _, keras = quiet_tensorflow()
    layers = keras.layers
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        _one_hot_layer(keras, vocab_size),                               # (N, T, V)
        getattr(layers, cell)(units, return_sequences=True),             # (N, T, H): h_1 .. h_T
        layers.Dense(vocab_size, activation="softmax"),                  # (N, T, V), the same Wy at every step
    ], name=f"seq_{cell.lower()}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, global_clipnorm=max_norm),
                  loss="sparse_categorical_crossentropy")
    return model


def sequence_batches(X, Y, batch_size=32, shuffle=False, seed=0):
    """A ``tf.data.Dataset`` of ``(codes (B, T), targets (B, T))`` batches."""
    tf, _ = quiet_tensorflow()
    ds = tf.data.Dataset.from_tensor_slices((X.astype(np.int32), Y.astype(np.int32)))
    if shuffle:
        ds = ds.shuffle(len(X), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).prefetch(2)


def fit_clipped(model, dataset, epochs, max_norm=1.0):
    """Train ``model`` on ``dataset`` with gradients clipped by their global norm; log every step.

    Each step computes the loss (mean cross-entropy over every step of every sequence), its
    gradient ``g`` (a list, one array per weight), then ``clip_by_global_norm(g, max_norm)``:
    unit 05's rule, here as TensorFlow's ``tf.clip_by_global_norm`` inside the compiled step.
    Uses ``model.optimizer`` (its own clipping, if any, then changes nothing).

    Returns ``{"loss": [...], "grad_norm": [...], "epoch_loss": [...]}``: the loss and the
    global norm BEFORE clipping at each step, and the mean loss of each epoch.
    """
    tf, keras = quiet_tensorflow()
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    weights = model.trainable_variables

    codes = tf.TensorSpec((None, None), tf.int32)

    @tf.function(input_signature=[codes, codes])                     # traced once, for any batch and length
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, weights)
        clipped, norm = tf.clip_by_global_norm(grads, max_norm)   # norm measured before clipping
        model.optimizer.apply_gradients(zip(clipped, weights))
        return loss, norm

    log = {"loss": [], "grad_norm": [], "epoch_loss": []}
    for _ in range(epochs):
        losses = []
        for x, y in dataset:
            loss, norm = step(x, y)
            losses.append(float(loss))
            log["grad_norm"].append(float(norm))
        log["loss"] += losses
        log["epoch_loss"].append(float(np.mean(losses)))
    return log


def sequence_log_probs(model, codes):
    """``log p(codes[t + 1] | codes[:t + 1])`` for t = 0 .. L-2, reading ``codes (L,)`` once.

    The whole text is one sequence that starts from a zero state, read one character at a time
    with the state carried (:class:`rnncourse.models.generation.StatefulPredictor`), so the
    prediction of each character can use every character before it. Returns float64 ``(L - 1,)``.
    """
    from .generation import StatefulPredictor
    predictor = StatefulPredictor(model)
    codes = np.asarray(codes)
    return np.array([np.log(predictor.feed(codes[t])[codes[t + 1]]) for t in range(len(codes) - 1)])


def influence_of_distance(predict_last, contexts, distances, replacement):
    """How much the prediction changes when one character ``d`` steps back is replaced.

    ``predict_last(contexts (K, C)) -> probabilities (K, V)`` for the character after each
    context; ``contexts (K, C)`` int codes; ``replacement``: the code written at position
    ``C - d`` (a context whose character there already is ``replacement`` is left out).
    Returns ``(len(distances),)``: the mean total-variation distance
    ``0.5 * sum |p - p'|`` between the two predictions, for each ``d`` in ``distances``.
    """
    contexts = np.asarray(contexts)
    base = predict_last(contexts)
    out = []
    for d in distances:
        changed = contexts.copy()
        keep = changed[:, -d] != replacement
        changed[:, -d] = replacement
        moved = 0.5 * np.abs(predict_last(changed) - base).sum(axis=1)   # (K,)
        out.append(float(moved[keep].mean()))
    return np.array(out)
