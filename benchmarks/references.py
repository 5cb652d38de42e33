"""Reference implementations against Keras: the package's numpy RNN, LSTM and GRU beside the Keras
layers with the same weights, on the same inputs, in one run.

    python benchmarks/references.py [--repeat 20]    (part of make bench)

For each shape (the course's small one and a larger one) and each cell: milliseconds per call of
the numpy forward (and, for the RNN, forward + ``rnn_backward``), of the Keras layer called eagerly
(forward; ``GradientTape`` for the backward), and of the same Keras work inside a ``tf.function``;
the ratios are Keras time / numpy time (above 1: numpy is faster). float32 everywhere, as Keras.
Best of ``--repeat`` calls after one warm-up call. Writes build/bench/references.md.
"""

import argparse
import timeit

import numpy as np
from table import Table

from rnncourse.course.setup import quiet_tensorflow
from rnncourse.models import convert
from rnncourse.reference import bptt, gru, lstm, rnn

SHAPES = {"course (N=4, T=10, D=5, H=8)": (4, 10, 5, 8), "larger (N=64, T=50, D=64, H=128)": (64, 50, 64, 128)}
CELLS = {  # name: (random params, numpy forward, Keras model with copied weights)
    "SimpleRNN": (rnn.random_rnn_params, rnn.rnn_forward, convert.keras_simple_rnn),
    "LSTM": (lstm.random_lstm_params, lstm.lstm_forward, convert.keras_lstm),
    "GRU": (gru.random_gru_params, gru.gru_forward, convert.keras_gru),
}


def best_ms(fn, repeat):
    """Best wall time of ``fn()`` over ``repeat`` calls, in milliseconds (after one warm-up call)."""
    fn()
    return 1000 * min(timeit.repeat(fn, number=1, repeat=repeat))


def measure(cell, shape, repeat):
    """``{(what, engine): ms}`` for one cell and shape; what is 'forward' or 'forward + backward'."""
    tf, _ = quiet_tensorflow()
    N, T, D, H = shape
    make_params, forward, keras_model = CELLS[cell]
    params = [make_params(D, H, seed=0, dtype=np.float32)[name] for name in ("Wx", "Wh", "b")]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, T, D)).astype(np.float32)
    h0 = np.zeros((N, H), np.float32)
    dh = rng.standard_normal((N, T, H)).astype(np.float32)
    model = keras_model(*params)
    x_tf, dh_tf = tf.constant(x), tf.constant(dh)

    def keras_backward():
        with tf.GradientTape() as tape:
            tape.watch(x_tf)
            out = model(x_tf)
        return tape.gradient(out, [x_tf, *model.trainable_variables], output_gradients=dh_tf)

    def numpy_backward():
        _, cache = forward(x, h0, *params)
        return bptt.rnn_backward(dh, cache)

    times = {("forward", "numpy"): best_ms(lambda: forward(x, h0, *params), repeat),
             ("forward", "Keras eager"): best_ms(lambda: model(x_tf), repeat),
             ("forward", "Keras tf.function"): best_ms(tf.function(lambda: model(x_tf)), repeat)}
    if cell == "SimpleRNN":
        times |= {("forward + backward", "numpy"): best_ms(numpy_backward, repeat),
                  ("forward + backward", "Keras eager"): best_ms(keras_backward, repeat),
                  ("forward + backward", "Keras tf.function"): best_ms(tf.function(keras_backward), repeat)}
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    table = Table("references", "Numpy references against Keras layers with the same weights (best of "
                  f"{args.repeat} calls, ms; ratio = Keras / numpy, above 1 means numpy is faster),",
                  ["shape", "cell", "work", "numpy", "Keras eager", "Keras tf.function", "ratio eager",
                   "ratio tf.function"])
    for label, shape in SHAPES.items():
        for cell in CELLS:
            times = measure(cell, shape, args.repeat)
            for work in ("forward", "forward + backward"):
                if (work, "numpy") in times:
                    ms = [times[work, engine] for engine in ("numpy", "Keras eager", "Keras tf.function")]
                    table.add(label, cell, work, *(f"{m:.2f}" for m in ms), f"{ms[1] / ms[0]:.1f}",
                              f"{ms[2] / ms[0]:.1f}")
    table.save()


if __name__ == "__main__":
    main()
