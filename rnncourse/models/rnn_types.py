"""The five input/output types of a recurrent network, as small uncompiled Keras models.

Shapes: ``N`` examples, ``T`` input steps (free wherever the input is a sequence), ``D`` input
features, ``H`` hidden units (``units``), ``V`` outputs per step (``output_dim``), ``S`` output
steps (``output_steps``, fixed when the model is built).

=================  ==================  ==================  =============================================
type               input               output              layers
=================  ==================  ==================  =============================================
one-to-one         ``(N, D)``          ``(N, V)``          Dense(H, tanh), Dense(V)
one-to-many        ``(N, D)``          ``(N, S, V)``       RepeatVector(S), SimpleRNN(H, seq), Dense(V)
many-to-one        ``(N, T, D)``       ``(N, V)``          SimpleRNN(H), Dense(V)
many-to-many       ``(N, T, D)``       ``(N, T, V)``       SimpleRNN(H, seq), Dense(V)
encoder-decoder    ``(N, T, D)``       ``(N, S, V)``       SimpleRNN(H), RepeatVector(S),
                                                           SimpleRNN(H, seq), Dense(V)
=================  ==================  ==================  =============================================

``seq`` is ``return_sequences=True``. The output layer is linear (no activation): the caller
compiles the model with the loss of the task, e.g. mean squared error for a number or a
cross-entropy with ``from_logits=True`` for classes. A ``Dense`` layer on a 3-D input applies
the same ``Wy (H, V)`` and ``by (V,)`` at every step, as ``TimeDistributed(Dense)`` would.
"""

from ..course.setup import quiet_tensorflow
from ..validate import positive_int

KINDS = ("one_to_one", "one_to_many", "many_to_one", "many_to_many", "encoder_decoder")


def _check_sizes(**sizes):
    for name, value in sizes.items():
        positive_int(name, value)


def build_one_to_one(input_dim, units, output_dim):
    """A feedforward network: one vector in, one vector out, no recurrence.

    (N, D) -> (N, V): ``h = tanh(x Wx + b)`` with ``Dense(units, tanh)``, then ``y = h Wy + by``.
    The hidden layer is one RNN step from ``h0 = 0``, where ``Wh`` multiplies zeros.
    """
    _check_sizes(input_dim=input_dim, units=units, output_dim=output_dim)
    _, keras = quiet_tensorflow()
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=(input_dim,)),                       # (N, D)
        layers.Dense(units, activation="tanh"),                # (N, H)
        layers.Dense(output_dim),                              # (N, V)
    ], name="one_to_one")


def build_one_to_many(input_dim, units, output_dim, output_steps):
    """One vector in, a sequence of ``output_steps`` outputs.

    (N, D) -> (N, S, V): the input is repeated S times (``RepeatVector``) and read by a
    ``SimpleRNN`` that returns all S states, then ``Dense`` maps each state to V outputs.
    """
    _check_sizes(input_dim=input_dim, units=units, output_dim=output_dim, output_steps=output_steps)
    _, keras = quiet_tensorflow()
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=(input_dim,)),                       # (N, D)
        layers.RepeatVector(output_steps),                     # (N, S, D): the same x at every step
        layers.SimpleRNN(units, return_sequences=True),        # (N, S, H)
        layers.Dense(output_dim),                              # (N, S, V)
    ], name="one_to_many")


def build_many_to_one(input_dim, units, output_dim):
    """A sequence of any length in, one output vector.

    (N, T, D) -> (N, V): ``SimpleRNN`` returns only its last state h_T, ``Dense`` maps it to V.
    """
    _check_sizes(input_dim=input_dim, units=units, output_dim=output_dim)
    _, keras = quiet_tensorflow()
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=(None, input_dim)),                  # (N, T, D), T free
        layers.SimpleRNN(units),                               # (N, H): h_T only
        layers.Dense(output_dim),                              # (N, V)
    ], name="many_to_one")


def build_many_to_many(input_dim, units, output_dim):
    """Aligned many-to-many (tagging): one output per input step.

    (N, T, D) -> (N, T, V): ``SimpleRNN(return_sequences=True)`` returns h_1 .. h_T, and
    ``Dense`` maps every h_t to y_t with the same ``Wy`` and ``by``.
    """
    _check_sizes(input_dim=input_dim, units=units, output_dim=output_dim)
    _, keras = quiet_tensorflow()
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=(None, input_dim)),                  # (N, T, D), T free
        layers.SimpleRNN(units, return_sequences=True),        # (N, T, H)
        layers.Dense(output_dim),                              # (N, T, V)
    ], name="many_to_many")


def build_encoder_decoder(input_dim, units, output_dim, output_steps):
    """Unaligned many-to-many: read the whole input, then write ``output_steps`` outputs.

    (N, T, D) -> (N, S, V), T free and S fixed. The encoder ``SimpleRNN`` keeps only its last
    state, the context ``c = h_T (N, H)``; ``RepeatVector`` feeds c to the decoder at each of
    the S steps; the decoder ``SimpleRNN`` returns all S states; ``Dense`` maps each to V.
    """
    _check_sizes(input_dim=input_dim, units=units, output_dim=output_dim, output_steps=output_steps)
    _, keras = quiet_tensorflow()
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=(None, input_dim)),                  # (N, T, D), T free
        layers.SimpleRNN(units, name="encoder"),               # (N, H): the context c = h_T
        layers.RepeatVector(output_steps),                     # (N, S, H): c at every output step
        layers.SimpleRNN(units, return_sequences=True, name="decoder"),  # (N, S, H)
        layers.Dense(output_dim),                              # (N, S, V)
    ], name="encoder_decoder")


def count_parameters(kind, input_dim, units, output_dim):
    """The number of weights of the model ``build_<kind>(input_dim, units, output_dim, ...)``,
    from the shapes alone:

    Wx (D, H) + Wh (H, H) + b (H,) per SimpleRNN (the decoder's input has H features),
    Wy (H, V) + by (V,) for the output layer; one-to-one has no Wh. None of it depends on T or S.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    D, H, V = input_dim, units, output_dim
    output_layer = H * V + V
    if kind == "one_to_one":
        return D * H + H + output_layer
    rnn = D * H + H * H + H
    if kind == "encoder_decoder":
        return rnn + (H * H + H * H + H) + output_layer
    return rnn + output_layer
