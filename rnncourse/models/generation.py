"""Choosing characters from a model's probabilities: greedy, temperature and top-k sampling."""

import numpy as np

from ..data.text import encode
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
