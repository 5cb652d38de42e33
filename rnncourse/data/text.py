"""Text data for the character-level units: the seed text, vocabularies, windows, corpora.

Shapes: ``n`` samples, ``seq_length`` characters of context, ``V`` characters in the vocabulary.
"""

import codecs
import collections
import importlib
import importlib.util
import inspect
import string

import numpy as np

from ..validate import positive_int

SEED_TEXT = "This is GeeksforGeeks a software training institute"

# Standard-library modules whose documentation makes the larger corpus (no download needed).
_DOC_MODULES = ("textwrap", "heapq", "statistics", "difflib", "functools",
                "collections", "random", "shutil", "json", "calendar")
_PRINTABLE = set(string.printable) - set("\t\r\x0b\x0c")


def build_vocab(text):
    """Sorted characters of ``text`` and the two lookup tables.

    Returns ``(chars, char_to_index, index_to_char)``: ``chars`` a sorted list of the V
    distinct characters, ``char_to_index[c] = i`` and ``index_to_char[i] = c``.
    """
    if not isinstance(text, str) or not text:
        raise ValueError(f"build_vocab needs a non-empty string; got {text!r:.60}")
    chars = sorted(set(text))
    return chars, {c: i for i, c in enumerate(chars)}, dict(enumerate(chars))


def encode(text, char_to_index):
    """Indices of the characters of ``text``: int array of shape ``(len(text),)``."""
    unknown = sorted(set(text) - set(char_to_index))
    if unknown:
        first = min(text.index(c) for c in unknown)
        raise ValueError(f"character {text[first]!r} at position {first} is not in the vocabulary "
                         f"(unknown: {''.join(unknown)!r}); use only characters the model was trained on")
    return np.array([char_to_index[c] for c in text], dtype=np.int64)


def _check_seq_length(text, seq_length):
    positive_int("seq_length", seq_length)
    if seq_length >= len(text):
        raise ValueError(f"seq_length={seq_length} leaves no sample: the text has only {len(text)} "
                         f"characters, so seq_length must be at most {len(text) - 1}")


def make_sequences(text, seq_length, char_to_index):
    """Every window of ``seq_length`` characters and the character that follows it.

    Returns int arrays ``X (n, seq_length)`` and ``y (n,)`` with ``n = len(text) - seq_length``:
    ``X[i]`` encodes ``text[i:i + seq_length]`` and ``y[i]`` encodes ``text[i + seq_length]``.
    """
    _check_seq_length(text, seq_length)
    codes = encode(text, char_to_index)
    n = len(text) - seq_length
    X = np.stack([codes[i:i + seq_length] for i in range(n)])
    return X, codes[seq_length:].copy()


def one_hot(indices, depth):
    """One-hot vectors: float32 array of shape ``indices.shape + (depth,)``."""
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"indices must be integers; got dtype {indices.dtype}")
    if indices.size and (indices.min() < 0 or indices.max() >= depth):
        raise ValueError(f"indices must lie in [0, {depth - 1}]; got values from "
                         f"{indices.min()} to {indices.max()}")
    return np.eye(depth, dtype=np.float32)[indices]


def next_char_counts(text, seq_length):
    """For each context of ``seq_length`` characters, a Counter of the characters that follow it."""
    _check_seq_length(text, seq_length)
    table = collections.defaultdict(collections.Counter)
    for i in range(len(text) - seq_length):
        table[text[i:i + seq_length]][text[i + seq_length]] += 1
    return dict(table)


def max_achievable_accuracy(text, seq_length):
    """The best training accuracy any model that sees only ``seq_length`` characters can reach.

    A context followed by different characters can be right at most as often as its most
    frequent follower, so the ceiling is the sum of those maxima over all contexts, divided by
    the number of samples.
    """
    table = next_char_counts(text, seq_length)
    best = sum(max(counter.values()) for counter in table.values())
    return best / (len(text) - seq_length)


def ambiguous_contexts(text, seq_length):
    """The contexts followed by more than one character, with their followers' counts."""
    return {ctx: dict(c) for ctx, c in next_char_counts(text, seq_length).items() if len(c) > 1}


def _clean(doc):
    lines = ["".join(ch for ch in line if ch in _PRINTABLE).rstrip() for line in doc.splitlines()]
    return "\n".join(lines).strip()


def load_corpus(name="stdlib", max_chars=40_000):
    """A built-in text corpus; nothing is downloaded.

    ``"seed"``: the seed article's sentence. ``"zen"``: the Zen of Python, decoded from the
    standard library's ``this`` module without printing it. ``"stdlib"``: the documentation
    strings of a fixed list of standard-library modules (about 60,000 characters on Python
    3.11), cut to ``max_chars``.
    """
    if name == "seed":
        return SEED_TEXT
    if name == "zen":
        source = open(importlib.util.find_spec("this").origin, encoding="utf-8").read()
        encoded = source.split('"""')[1]
        return codecs.decode(encoded, "rot13").strip()
    if name == "stdlib":
        docs = []
        for module_name in _DOC_MODULES:
            module = importlib.import_module(module_name)
            docs.append(inspect.getdoc(module) or "")
            for attr in sorted(getattr(module, "__all__", [])):
                obj = getattr(module, attr, None)
                if inspect.isfunction(obj) or inspect.isclass(obj):
                    docs.append(inspect.getdoc(obj) or "")
        text = "\n\n".join(_clean(d) for d in docs if d.strip())
        return text[:max_chars]
    raise ValueError(f"unknown corpus {name!r}; choose 'seed', 'zen' or 'stdlib'")


def split_text(text, val_fraction=0.1):
    """Split ``text`` in reading order: the first part for training, the last for validation."""
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1; got {val_fraction}")
    cut = int(len(text) * (1 - val_fraction))
    return text[:cut], text[cut:]
