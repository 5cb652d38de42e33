"""Choosing characters from a model's probabilities: greedy, temperature and top-k sampling."""

import numpy as np

from ..data.text import encode
from ..reference.rnn import softmax
from .char_model import make_predictor


def _check_probs(probs):
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 1 or probs.size == 0:
        raise ValueError(f"probs must be a 1-D array of V probabilities; got shape {probs.shape}")
    if np.any(probs < 0) or not np.isclose(probs.sum(), 1.0, atol=1e-3):
        raise ValueError(f"probs must be non-negative and sum to 1; they sum to {probs.sum():.4f}")
    return probs


def reweight(probs, temperature=1.0, top_k=None):
    """The distribution actually sampled from: ``p_i ** (1 / T)`` renormalised, then top-k.

    ``probs (V,)``; ``temperature`` must be > 0; ``top_k`` keeps the k most likely characters.
    """
    probs = _check_probs(probs)
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0 to reweight; got {temperature}")
    with np.errstate(divide="ignore"):
        logits = np.log(probs) / temperature  # log p / T: zero probabilities stay at -inf
    if top_k is not None:
        if not 1 <= top_k <= probs.size:
            raise ValueError(f"top_k must lie in [1, {probs.size}]; got {top_k}")
        logits[np.argsort(logits)[:-top_k]] = -np.inf
    weights = np.exp(logits - logits.max())
    return weights / weights.sum()


def sample_next_char(probs, temperature=1.0, rng=None, top_k=None):
    """Index of the next character drawn from ``probs (V,)``.

    ``temperature == 0`` means greedy (argmax). ``rng`` is a ``numpy.random.Generator``; without
    one, numpy's global generator is used, which :func:`rnncourse.course.setup.setup_notebook` seeds.
    """
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0 (0 means greedy); got {temperature}")
    if temperature == 0:
        return int(np.argmax(_check_probs(probs)))
    p = reweight(probs, temperature, top_k)
    rng = np.random if rng is None else rng
    return int(rng.choice(p.size, p=p))


def generate_text(model, start, length, char_to_index, index_to_char, seq_length,
                  temperature=0.0, rng=None, top_k=None):
    """``start`` followed by ``length`` generated characters.

    Each step feeds the last ``seq_length`` characters to the model (one compiled call, see
    :func:`rnncourse.models.char_model.make_predictor`) and appends the sampled character.
    """
    if len(start) < seq_length:
        raise ValueError(f"start must have at least seq_length={seq_length} characters; "
                         f"got {len(start)} ({start!r})")
    if length < 0:
        raise ValueError(f"length must be >= 0; got {length}")
    codes = list(encode(start, char_to_index))
    predict = make_predictor(model)
    for _ in range(length):
        probs = predict(codes[-seq_length:])
        codes.append(sample_next_char(probs, temperature, rng, top_k))
    return start + "".join(index_to_char[int(i)] for i in codes[len(start):])


class StatefulPredictor:
    """A trained many-to-many model run one character at a time, its state carried between calls.

    The recurrent layer's weights and the Dense layer's ``Wy (H, V)``, ``by (V,)`` are copied
    out of the Keras model once; each :meth:`feed` is ONE step of the cell in numpy (the
    course's reference steps: :func:`rnncourse.reference.rnn.rnn_step_forward`, ``gru_`` and
    ``lstm_step_forward``) and one softmax. Nothing is re-read: the state ``h (1, H)`` (and the
    LSTM's cell ``c (1, H)``) holds everything the model keeps of the past. ``steps`` counts the
    cell steps taken since it was made.
    """

    def __init__(self, model):
        from ..reference.gru import gru_step_forward
        from ..reference.lstm import lstm_step_forward
        from ..reference.rnn import rnn_step_forward
        from . import convert
        kinds = [type(layer).__name__ for layer in model.layers]
        self.kind = next((k for k in ("SimpleRNN", "GRU", "LSTM") if k in kinds), None)
        if self.kind is None:
            raise ValueError(f"the model has no SimpleRNN, GRU or LSTM layer; its layers are {kinds}")
        read = {"SimpleRNN": convert.simple_rnn_weights, "GRU": convert.gru_weights,
                "LSTM": convert.lstm_weights}[self.kind]
        if self.kind == "SimpleRNN":
            activation = convert.find_layer(model, "SimpleRNN").activation.__name__
            if activation != "tanh":
                raise ValueError(f"the SimpleRNN uses {activation}; the numpy step computes tanh")
        w = {k: np.asarray(v, dtype=np.float64) for k, v in read(model).items()}
        if "Wy" not in w:
            raise ValueError("the model has no Dense output layer to turn states into probabilities")
        self._eye = np.eye(w["Wx"].shape[0])                     # (V, V): row i is one-hot i
        self._Wy, self._by = w["Wy"], w["by"]
        cell = (w["Wx"], w["Wh"], w["b"])
        self._step = {"SimpleRNN": lambda x, h, c: (rnn_step_forward(x, h, *cell)[0], c),
                      "GRU": lambda x, h, c: (gru_step_forward(x, h, *cell)[0], c),
                      "LSTM": lambda x, h, c: lstm_step_forward(x, h, c, *cell)[:2]}[self.kind]
        self.units = w["Wh"].shape[0]
        self.steps = 0                                                         # cell steps taken
        self.reset()

    def reset(self):
        """Back to the zero state, as the model starts every sequence."""
        self.h = np.zeros((1, self.units))
        self.c = np.zeros((1, self.units))

    def feed(self, code):
        """Read one character ``code`` (an int); return the probabilities ``(V,)`` of the next one."""
        self.h, self.c = self._step(self._eye[[int(code)]], self.h, self.c)    # x (1, V) one-hot
        self.steps += 1
        return softmax(self.h @ self._Wy + self._by)[0]                          # (V,)


def generate_stateful(model, start, length, char_to_index, index_to_char, temperature=0.0,
                      rng=None, top_k=None):
    """``start`` followed by ``length`` characters, carrying the hidden state from each to the next.

    ``model``: a many-to-many model (:func:`rnncourse.models.sequence_model.build_sequence_model`).
    The start string is read once, one cell step per character; after that each new character
    costs one cell step. Sampling as in :func:`sample_next_char` (``temperature`` 0 is greedy).
    """
    if not start:
        raise ValueError("start must have at least one character: the model needs an input to predict from")
    if length < 0:
        raise ValueError(f"length must be >= 0; got {length}")
    codes = list(encode(start, char_to_index))
    predictor = StatefulPredictor(model)
    for code in codes:
        probs = predictor.feed(code)
    for i in range(length):
        codes.append(sample_next_char(probs, temperature, rng, top_k))
        if i + 1 < length:
            probs = predictor.feed(codes[-1])
    return start + "".join(index_to_char[int(i)] for i in codes[len(start):])
