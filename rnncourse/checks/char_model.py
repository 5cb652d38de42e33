"""Checks of unit 08_char_model: vocabulary, windows, the Keras model, sampling, generation, ceiling.

Shapes: a text of ``n + seq_length`` characters gives ``n`` windows ``X (n, seq_length)`` and targets
``y (n,)``; the model maps one-hot windows ``(N, seq_length, V)`` to probabilities ``(N, V)``;
``sample_next_char`` draws an index from ``probs (V,)``.
"""

import numpy as np

from ..course.setup import quiet_tensorflow
from ..data import SEED_TEXT, text
from ..models import char_model, generation, rnn_types
from ..reference.rnn import softmax
from .harness import Exercise, expect_close, expect_equal, expect_value_error, fail, matching_mistake

BUILD_VOCAB = Exercise("build_vocab", forbids=(text.build_vocab,))
MAKE_SEQUENCES = Exercise("make_sequences", forbids=(text.make_sequences, text.encode))  # encode: chars -> indices
# many-to-one builds the same SimpleRNN + Dense stack
BUILD_CHAR_MODEL = Exercise("build_char_model", forbids=(char_model.build_char_model, rnn_types.build_many_to_one))
# softmax(log p / tau) is the reweighting itself
SAMPLE_NEXT_CHAR = Exercise("sample_next_char", forbids=(generation.sample_next_char, generation.reweight, softmax))
# make_predictor one-hot encodes a window and calls the model; one_hot is unit 00's exercise
GENERATE_TEXT = Exercise("generate_text", forbids=(
    generation.generate_text, generation.sample_next_char, generation.reweight, char_model.make_predictor,
    text.encode, text.one_hot))
MAX_ACHIEVABLE_ACCURACY = Exercise("max_achievable_accuracy", forbids=(
    text.max_achievable_accuracy, text.next_char_counts, text.ambiguous_contexts, text.make_sequences))

PROBS = np.array([0.5, 0.3, 0.15, 0.05])
DRAW = "draw ONE index with rng.choice(len(q), p=q), as the exercise says, so that a seeded rng gives its draws"
RNG_UNUSED = ("The `rng` argument was never used: {}, not np.random or a generator of your own, so that the same "
              "seed gives the same characters.")


def _random_text(rng, length, letters=8):
    return "".join(rng.choice(np.array(list("abcdefgh ,.XYZ\u00e9\u00df"))[:letters], size=length))


def _check_vocab(fn, text_):
    result = BUILD_VOCAB.call(fn, text=text_)
    chars, c2i, i2c = BUILD_VOCAB.returns(result, "chars", "char_to_index", "index_to_char", kind=object)
    expected_chars, expected_c2i, expected_i2c = text.build_vocab(text_)
    if not isinstance(chars, (list, tuple, str)):       # a sequence: chars[i] is character i
        fail(f"chars should be a sorted list of the distinct characters; it is a {type(chars).__name__}.")
    if sorted(chars, key=str) == expected_chars and list(chars) != expected_chars:
        fail("chars holds the right characters in the wrong order: sort them (`sorted(set(text))`), "
             "so that the same text always gives the same indices.")
    expect_equal("chars", list(chars), expected_chars, hint="It should hold each distinct character once.")
    for name, table, expected, built in [
            ("char_to_index", c2i, expected_c2i, "{c: i for i, c in enumerate(chars)}"),
            ("index_to_char", i2c, expected_i2c, "{i: c for i, c in enumerate(chars)}")]:
        if not isinstance(table, dict):              # e.g. index_to_char = chars: the exercise asks for dicts
            fail(f"{name} should be a dict; it is a {type(table).__name__}. Build it as {built}, so that "
                 f"char_to_index and index_to_char undo each other.")
        expect_equal(name, table, expected, hint=f"Build it as {built}.")


def check_build_vocab_seed(fn):
    """Visible: the seed sentence has 17 distinct characters."""
    BUILD_VOCAB.own_work(fn)
    _check_vocab(fn, SEED_TEXT)


def check_build_vocab_random(fn):
    """Hidden: random texts, one repeated character, non-ASCII letters."""
    BUILD_VOCAB.own_work(fn)
    rng = np.random.default_rng(3)
    for text_ in ["aaaa", "\u00df\u00e9 Z.", *(_random_text(rng, 40, 14) for _ in range(4))]:
        _check_vocab(fn, text_)


def _check_sequences(fn, text_, seq_length):
    """X (n, seq_length) and y (n,) of int indices, n = len(text) - seq_length."""
    _, c2i, _ = text.build_vocab(text_)
    result = MAKE_SEQUENCES.call(fn, text=text_, seq_length=seq_length, char_to_index=c2i)
    X, y = MAKE_SEQUENCES.returns(result, "X", "y")
    X_ref, y_ref = text.make_sequences(text_, seq_length, c2i)
    codes, n = text.encode(text_, c2i), len(y_ref)
    windows = f"A text of {len(text_)} characters has len(text) - seq_length = {n} windows that have a next character"
    expect_close("X", X, X_ref, hint=f"One row per window, seq_length indices per row. {windows}.", mistakes=[
        (f"X has {len(X)} windows; expected {n}. {windows}: check the range of your loop (an off-by-one window).",
         wrong) for wrong in (X_ref[:-1], lambda: np.stack([codes[i:i + seq_length] for i in range(n + 1)]))])
    expect_close("y", y, y_ref, hint="One target index per window: the character right after it.", mistakes=[
        ("y[i] is the last character of window i; it should be the character after it.", X_ref[:, -1])])
    if not (np.issubdtype(X.dtype, np.integer) and np.issubdtype(y.dtype, np.integer)):
        fail(f"X and y should hold integer indices; they have dtypes {X.dtype} and {y.dtype}.")


def check_make_sequences_seed(fn):
    """Visible: the seed sentence with seq_length = 3 gives 48 windows."""
    MAKE_SEQUENCES.own_work(fn)
    _check_sequences(fn, SEED_TEXT, 3)


def check_make_sequences_random(fn):
    """Hidden: random texts and lengths; seq_length >= len(text) raises ValueError."""
    MAKE_SEQUENCES.own_work(fn)
    rng = np.random.default_rng(5)
    for seq_length in [1, 2, 5, 9]:
        _check_sequences(fn, _random_text(rng, int(rng.integers(seq_length + 1, 40))), seq_length)
    _check_sequences(fn, "ab", 1)
    expect_value_error(MAKE_SEQUENCES, fn, "seq_length >= len(text) (no window has a next character)",
                       text="abc", seq_length=3, char_to_index=text.build_vocab("abc")[1])


def _check_model(fn, seq_length, vocab_size, units=50, activation="relu"):
    """Any correct Keras formulation passes: Sequential or functional, loss as a string or an object."""
    _, keras = quiet_tensorflow()
    keras.utils.set_random_seed(0)
    sizes = {} if (units, activation) == (50, "relu") else {"units": units, "activation": activation}  # defaults
    model = BUILD_CHAR_MODEL.call(fn, seq_length=seq_length, vocab_size=vocab_size, **sizes)
    model = BUILD_CHAR_MODEL.returns(model, "the model", kind=keras.Model)
    inputs = getattr(model, "inputs", None)          # a Sequential model without an input shape has none
    if not inputs:
        fail("the model has no input shape: start it with keras.Input(shape=(seq_length, vocab_size)).")
    expect_equal("the input shape", tuple(inputs[0].shape[1:]), (seq_length, vocab_size),
                 hint="Use keras.Input(shape=(seq_length, vocab_size)): a window of one-hot vectors.")
    expect_equal("the output shape", tuple(model.outputs[0].shape[1:]), (vocab_size,),
                 hint="One probability per character of the vocabulary, for the character after the window.")
    layers = [layer for layer in model.layers if layer.weights]  # not keras.Input, Activation, Dropout
    expect_equal("the layers with weights", [type(layer).__name__ for layer in layers], ["SimpleRNN", "Dense"],
                 hint="The seed's model is a SimpleRNN followed by a Dense layer.")
    expect_equal("the SimpleRNN's units", layers[0].units, units)
    expect_equal("the SimpleRNN's activation", layers[0].activation.__name__, activation)
    reference = char_model.build_char_model(seq_length, vocab_size, units, activation)
    expect_equal("the number of parameters", model.count_params(), reference.count_params())
    reference.set_weights(model.get_weights())       # the same weights must give the same probabilities
    rng = np.random.default_rng(0)
    windows = np.eye(vocab_size, dtype=np.float32)[rng.integers(0, vocab_size, (4, seq_length))]
    probs = np.asarray(model(windows, training=False), dtype=np.float64)
    if not np.allclose(probs.sum(axis=-1), 1, atol=1e-4) or probs.min() < 0:
        fail("the outputs are not probabilities (each row should be >= 0 and sum to 1): give the Dense layer "
             "activation=\"softmax\".")
    expect_close("the output, compared with the seed's model holding the same weights,", probs,
                 np.asarray(reference(windows, training=False)), atol=1e-5, rtol=1e-4)
    if not getattr(model, "compiled", False):
        fail("the model is not compiled: call model.compile(optimizer='adam', "
             "loss='categorical_crossentropy', metrics=['accuracy']) before returning it.")
    if not isinstance(model.optimizer, keras.optimizers.Adam):
        fail(f"the optimizer is {type(model.optimizer).__name__}; the seed trains with Adam: optimizer='adam'.")
    targets = np.eye(vocab_size, dtype=np.float32)[rng.integers(0, vocab_size, 4)]
    try:                                             # a string names a Keras loss; else it is one
        loss = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
        value = float(np.mean(np.asarray(loss(targets, probs.astype(np.float32)))))
    except Exception:                                # not a loss of (targets, probabilities) at all
        value = np.nan
    if not np.isclose(value, -np.mean(np.sum(targets * np.log(probs), axis=-1)), rtol=1e-4):
        fail(f"the loss {getattr(model.loss, 'name', getattr(model.loss, '__name__', model.loss))!r} is not the "
             f"cross-entropy of one-hot targets and predicted probabilities. Targets are one-hot vectors, so use "
             f"'categorical_crossentropy' (a loss object with from_logits=False: the softmax gives probabilities).")


def check_build_char_model_structure(fn):
    """Visible: the seed's model for seq_length 3 and 17 characters."""
    BUILD_CHAR_MODEL.own_work(fn)
    _check_model(fn, 3, 17)


def check_build_char_model_options(fn):
    """Hidden: other sizes, and the units and activation arguments honoured."""
    BUILD_CHAR_MODEL.own_work(fn)
    _check_model(fn, 6, 17)
    _check_model(fn, 10, 40, 16, "tanh")


def _expect_same(name, actual, expected, mistakes, hint):
    """Draws (lists of ints) or texts, compared item by item after the known mistakes they may match."""
    def codes(value):
        return np.array([ord(c) for c in value] if isinstance(value, str) else value)

    explanation = matching_mistake(codes(actual), codes(expected),
                                   [(why, lambda wrong=wrong: codes(wrong())) for why, wrong in mistakes])
    if explanation is not None:
        fail(f"{name}: {explanation}")
    first = next((i for i, (a, b) in enumerate(zip(actual, expected)) if a != b), None)
    if first is not None:
        fail(f"{name} differ from the reference's from position {first} on: yours {actual[first:first + 8]!r}, "
             f"the reference's {expected[first:first + 8]!r}. {hint}")


def _draws(fn, probs, temperature, seed, draws=200):
    """``draws`` indices from the answer, all with one generator seeded ``seed``; and that generator."""
    rng, picks = np.random.default_rng(seed), []
    for _ in range(draws):
        index = SAMPLE_NEXT_CHAR.call(fn, probs=probs, temperature=temperature, rng=rng)
        if not isinstance(index, (int, np.integer)) or not 0 <= index < len(probs):
            fail(f"sample_next_char should return an index in 0 .. {len(probs) - 1}, as a Python int "
                 f"(`int(...)`); it returned {index!r}.")
        picks.append(int(index))
    return picks, rng


def _reference_draws(probs, temperature, seed, draws=200):
    rng = np.random.default_rng(seed)
    return [generation.sample_next_char(probs, temperature, rng) for _ in range(draws)]


def _untouched(rng, seed):
    return rng.bit_generator.state == np.random.default_rng(seed).bit_generator.state


def check_sample_next_char_greedy(fn):
    """Visible: temperature 0 returns the most likely index, as an int; at temperatures 0.5, 1 and 2,
    200 draws with rng = np.random.default_rng(seed) equal the reference's draw by draw."""
    SAMPLE_NEXT_CHAR.own_work(fn)
    expect_equal("sample_next_char(probs, temperature=0)", _draws(fn, np.array([0.1, 0.2, 0.6, 0.1]), 0.0, 0, 1)[0],
                 [2], hint="Temperature 0 means greedy: always the index of the largest probability.")
    for seed, tau in enumerate([0.5, 1.0, 2.0]):
        picks, rng = _draws(fn, PROBS, tau, seed)
        powered, unused = PROBS ** tau, " " + RNG_UNUSED.format("draw with it") if _untouched(rng, seed) else ""
        _expect_same(f"the indices drawn at temperature {tau} with rng = np.random.default_rng({seed})", picks,
                     _reference_draws(PROBS, tau, seed), hint=unused.strip() or f"{DRAW}.", mistakes=[
            (f"they are all the most likely index. Only temperature 0 means greedy: at {tau}, reweight p to q and "
             f"{DRAW}.{unused}", lambda: [int(np.argmax(PROBS))] * len(picks)),
            ("they follow p ** tau. The temperature divides the LOG-probabilities: q is p ** (1 / tau), "
             "renormalised, i.e. softmax(log p / tau).", lambda: _reference_draws(powered / powered.sum(), 1, seed)),
            ("they follow softmax(p / tau), a softmax of the probabilities themselves. Divide the "
             "LOG-probabilities: q = softmax(log p / tau).", lambda: _reference_draws(softmax(PROBS / tau), 1, seed)),
            (f"they follow p itself: the temperature was ignored. Reweight to q = softmax(log p / tau), then {DRAW}.",
             lambda: _reference_draws(PROBS, 1, seed))])


def check_sample_next_char_distribution(fn):
    """Hidden: the frequencies of 20,000 draws follow p ** (1 / T) renormalised, at T = 1, 0.5, 2; generators
    seeded alike give the same draws; a negative T raises ValueError."""
    SAMPLE_NEXT_CHAR.own_work(fn)
    for tau in [1.0, 0.5, 2.0]:
        seen = np.bincount(_draws(fn, PROBS, tau, seed=0, draws=20_000)[0], minlength=len(PROBS)) / 20_000
        expected = generation.reweight(PROBS, tau)
        if np.abs(seen - expected).max() > 0.02:     # each frequency's standard error is below 0.004: 5 sigma
            fail(f"with temperature {tau}, the indices came out with frequencies {np.round(seen, 3).tolist()}; "
                 f"expected about {np.round(expected, 3).tolist()}. Divide the log-probabilities by the "
                 f"temperature (p ** (1 / T)), renormalise, then draw with rng.choice(len(p), p=p).")
    # two runs of 200 draws from generators seeded alike agree by luck with probability below 0.4 ** 200
    if _draws(fn, PROBS, 1.0, seed=1)[0] != _draws(fn, PROBS, 1.0, seed=1)[0]:
        fail("two runs with generators seeded alike gave different characters. " + RNG_UNUSED.format("draw with it"))
    expect_value_error(SAMPLE_NEXT_CHAR, fn, "the temperature is negative", probs=PROBS, temperature=-1.0)


def _model(text_, seq_length, seed, sharpen):
    """An untrained model and its vocabulary; ``sharpen`` scales the output weights: 20 gives greedy choices
    clear winners, 1 leaves probabilities spread over many characters."""
    _, keras = quiet_tensorflow()
    keras.utils.set_random_seed(seed)
    chars, c2i, i2c = text.build_vocab(text_)
    model = char_model.build_char_model(seq_length, len(chars), units=16)
    kernel, bias = model.layers[-1].get_weights()
    model.layers[-1].set_weights([kernel * sharpen, bias])
    return model, c2i, i2c


def _check_generation(fn, text_, start, length, seq_length, seed, temperature=None):
    """Greedy by default (``temperature`` None: the answer's default), else sampled with default_rng(seed)."""
    model, c2i, i2c = _model(text_, seq_length, seed, sharpen=20 if temperature is None else 1)
    args = dict(model=model, start=start, length=length, char_to_index=c2i, index_to_char=i2c, seq_length=seq_length)
    sampled = {} if temperature is None else {"temperature": temperature, "rng": np.random.default_rng(seed)}
    result = GENERATE_TEXT.returns(GENERATE_TEXT.call(fn, **args, **sampled), "the text", kind=str)
    if not result.startswith(start):
        fail(f"the text should begin with the start string {start!r}; it begins {result[:len(start)]!r}.")
    expect_equal("the length of the text", len(result), len(start) + length,
                 hint="Return the start string followed by `length` new characters.")

    def reference(tau=0.0):
        return generation.generate_text(**args, temperature=tau, rng=np.random.default_rng(seed))

    window = "Each step feeds the LAST seq_length characters, one-hot encoded, to model(x, training=False), and"
    if temperature is None:
        return _expect_same("the greedy text's characters", result, reference(), [],
                            hint=f"{window} appends the most likely next character (temperature 0 by default).")
    choose = "sample_next_char(probs, temperature, rng)"
    _expect_same(f"the characters sampled at temperature {temperature} with rng = np.random.default_rng({seed})",
                 result, reference(temperature), hint=RNG_UNUSED.format(f"pass it on to {choose}")
                 if _untouched(sampled["rng"], seed) else f"{window} chooses the next one with {choose}.", mistakes=[
        ("they are the greedy text. At temperature > 0 each character is drawn: pass temperature and rng on to "
         "sample_next_char(probs, temperature, rng).", reference),
        ("they were sampled at temperature 1: pass the temperature on to sample_next_char(probs, temperature, rng).",
         lambda: reference(1.0))])


def check_generate_text_basic(fn):
    """Visible: 20 greedy characters from the seed's start string; 20 sampled at temperature 0.8 with a
    seeded rng, equal to the reference's character by character."""
    GENERATE_TEXT.own_work(fn)
    _check_generation(fn, SEED_TEXT, "This is G", 20, 3, seed=0)
    _check_generation(fn, SEED_TEXT, "This is G", 20, 3, seed=5, temperature=0.8)


def check_generate_text_random(fn):
    """Hidden: another vocabulary and window, zero length, sampling at temperature 1.5, an unknown start
    character."""
    GENERATE_TEXT.own_work(fn)
    text_ = _random_text(np.random.default_rng(9), 60, 10)
    _check_generation(fn, text_, text_[:7], 15, 5, seed=1)
    _check_generation(fn, text_, text_[:5], 0, 5, seed=2)
    _check_generation(fn, text_, text_[:6], 25, 5, seed=4, temperature=1.5)
    model, c2i, i2c = _model(text_, 2, seed=3, sharpen=20)
    expect_value_error(GENERATE_TEXT, fn, "the start string holds a character that is not in the vocabulary",
                       model=model, start="?!" + text_[:3], length=5, char_to_index=c2i, index_to_char=i2c,
                       seq_length=2)


def _check_ceiling(fn, text_, seq_length, name):
    value = MAX_ACHIEVABLE_ACCURACY.call(fn, text=text_, seq_length=seq_length)
    if not isinstance(value, (int, float, np.number)):
        fail(f"{name} should be a number, the fraction of windows; it is a {type(value).__name__}.")
    n, expected = len(text_) - seq_length, text.max_achievable_accuracy(text_, seq_length)
    expect_close(name, value, expected, mistakes=[
        (f"you divided by the number of characters ({len(text_)}); divide by the number of windows ({n}).",
         expected * n / len(text_))])


def check_max_achievable_accuracy_seed(fn):
    """Visible: 46/48 for the seed sentence with seq_length = 3."""
    MAX_ACHIEVABLE_ACCURACY.own_work(fn)
    _check_ceiling(fn, SEED_TEXT, 3, "max_achievable_accuracy(seed text, 3)")


def check_max_achievable_accuracy_random(fn):
    """Hidden: random texts and lengths against the reference; seq_length >= len(text) raises ValueError."""
    MAX_ACHIEVABLE_ACCURACY.own_work(fn)
    rng = np.random.default_rng(13)
    for seq_length in [1, 2, 3, 4, 6]:
        _check_ceiling(fn, _random_text(rng, 80, 3), seq_length, f"max_achievable_accuracy(text, {seq_length})")
    expect_value_error(MAX_ACHIEVABLE_ACCURACY, fn, "seq_length >= len(text)", text="abc", seq_length=3)
