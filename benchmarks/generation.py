"""Generation benchmark: characters per second of each way the course writes text.

    python benchmarks/generation.py [--chars 300]    (part of make bench)

Untrained character models of the corpus's size (the speed of a forward pass does not depend
on what the weights learned), GRU of 64 units: unit 08's window model (16-character windows of
one-hot characters) driven by a ``model.predict`` call per character, as the GeeksforGeeks
article does, and by the package's ``generate_text`` (one compiled call per character); and
unit 08's many-to-many model driven by ``generate_stateful`` (one numpy step of the cell per
character, the state carried). The ratios are against the ``model.predict`` loop. Greedy
decoding; writes build/bench/generation.md.
"""

import argparse
import time

import numpy as np
from table import Table

from rnncourse.course.setup import quiet_tensorflow, seed_everything
from rnncourse.data.text import build_vocab, encode, load_corpus
from rnncourse.models.char_model import build_char_model
from rnncourse.models.generation import generate_stateful, generate_text
from rnncourse.models.sequence_model import build_sequence_model

SEQ_LENGTH, UNITS = 16, 64


def predict_loop(model, start, length, char_to_index, index_to_char):
    """The article's loop: one ``model.predict`` on a one-hot window per character, greedy."""
    tf, _ = quiet_tensorflow()
    codes = list(encode(start, char_to_index))
    for _ in range(length):
        window = tf.one_hot([codes[-SEQ_LENGTH:]], len(char_to_index))
        codes.append(int(np.argmax(model.predict(window, verbose=0)[0])))
    return start + "".join(index_to_char[i] for i in codes[len(start):])


def chars_per_second(generate, length):
    """Characters per second of ``generate(length)`` (after a warm-up call that traces and builds)."""
    generate(2)
    started = time.perf_counter()
    generate(length)
    return length / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=300)
    args = parser.parse_args()
    seed_everything(0)
    text = load_corpus()
    chars, char_to_index, index_to_char = build_vocab(text)
    window_model = build_char_model(SEQ_LENGTH, len(chars), units=UNITS, cell="GRU")
    sequence_model = build_sequence_model(len(chars), UNITS, cell="GRU")
    start = text[:SEQ_LENGTH]
    # The article's loop is slow: a tenth of the characters gives the same rate.
    slow = max(args.chars // 10, 10)
    rates = {
        "model.predict per character (the article's loop)":
            (chars_per_second(lambda n: predict_loop(window_model, start, n, char_to_index, index_to_char), slow),
             slow),
        "generate_text (the package's window generator)":
            (chars_per_second(lambda n: generate_text(window_model, start, n, char_to_index, index_to_char,
                                                      SEQ_LENGTH), args.chars), args.chars),
        "generate_stateful (state carried, one numpy cell step per character)":
            (chars_per_second(lambda n: generate_stateful(sequence_model, start, n, char_to_index, index_to_char),
                              args.chars), args.chars),
    }
    base = rates["model.predict per character (the article's loop)"][0]
    table = Table("generation", f"Greedy generation, vocabulary of {len(chars)} characters, GRU of {UNITS} units,",
                  ["generator", "characters timed", "characters per second", "× model.predict loop"])
    for name, (rate, n) in rates.items():
        table.add(name, n, f"{rate:.0f}", f"{rate / base:.0f}")
    table.save()


if __name__ == "__main__":
    main()
