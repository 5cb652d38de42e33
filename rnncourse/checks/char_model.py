"""Checks of unit 08_char_model: vocabulary, windows, the Keras model, sampling, generation, ceiling."""

import numpy as np

from ..data import SEED_TEXT
from ..models.generation import reweight
from ..course.setup import quiet_tensorflow
from .core import (assert_own_work, call, expect_close, expect_equal, expect_shape,
                   expect_value_error, fail, reference, register)

register({
    "build_vocab": "rnncourse.data:build_vocab",
    "make_sequences": "rnncourse.data:make_sequences",
    "max_achievable_accuracy": "rnncourse.data:max_achievable_accuracy",
    "build_char_model": "rnncourse.models.char_model:build_char_model",
    "sample_next_char": "rnncourse.models.generation:sample_next_char",
    "generate_text": "rnncourse.models.generation:generate_text",
})

_ALPHABET = np.array(list("abcdefgh ,.XYZ\u00e9\u00df"))


def _random_text(rng, length, letters=8):
    return "".join(rng.choice(_ALPHABET[:letters], size=length))


# --- build_vocab -------------------------------------------------------------------------

def _check_vocab(fn, text):
    result = call(fn, "build_vocab", text)
    if not (isinstance(result, tuple) and len(result) == 3):
        fail("build_vocab should return a tuple of three things: (chars, char_to_index, index_to_char).")
    chars, char_to_index, index_to_char = result
    expected_chars, expected_c2i, expected_i2c = reference("build_vocab")(text)
    if sorted(chars) == expected_chars and list(chars) != expected_chars:
        fail("chars holds the right characters in the wrong order: sort them (`sorted(set(text))`), "
             "so that the same text always gives the same indices.")
    expect_equal("chars", list(chars), expected_chars, hint="It should hold each distinct character once.")
    expect_equal("char_to_index", dict(char_to_index), expected_c2i,
                 hint="char_to_index[c] should be the position of c in chars.")
    expect_equal("index_to_char", dict(index_to_char), expected_i2c,
                 hint="index_to_char should undo char_to_index: index_to_char[i] is chars[i].")


def check_build_vocab_seed(fn):
    """Visible: the seed sentence has 17 distinct characters."""
    assert_own_work(fn, "build_vocab")
    _check_vocab(fn, SEED_TEXT)


def check_build_vocab_random(fn):
    """Hidden: random texts, one repeated character, non-ASCII letters."""
    assert_own_work(fn, "build_vocab")
    rng = np.random.default_rng(3)
    for text in ["aaaa", "\u00df\u00e9 Z.", *(_random_text(rng, 40, 14) for _ in range(4))]:
        _check_vocab(fn, text)


# --- make_sequences ----------------------------------------------------------------------

def _check_sequences(fn, text, seq_length):
    _, c2i, _ = reference("build_vocab")(text)
    result = call(fn, "make_sequences", text, seq_length, c2i)
    if not (isinstance(result, tuple) and len(result) == 2):
        fail("make_sequences should return two arrays: (X, y).")
    X, y = (np.asarray(a) for a in result)
    X_ref, y_ref = reference("make_sequences")(text, seq_length, c2i)
    n = len(X_ref)
    if X.shape in [(n + 1, seq_length), (n - 1, seq_length)]:
        fail(f"X has {len(X)} windows; expected {n}. A text of {len(text)} characters has "
             f"len(text) - seq_length = {n} windows that still have a next character: check the "
             f"range of your loop (an off-by-one window).")
    expect_shape("X", X, X_ref.shape, hint="One row per window, seq_length indices per row.")
    expect_shape("y", y, y_ref.shape, hint="One target index per window.")
    if not (np.issubdtype(X.dtype, np.integer) and np.issubdtype(y.dtype, np.integer)):
        fail(f"X and y should hold integer indices; they have dtypes {X.dtype} and {y.dtype}.")
    expect_close("X", X, X_ref)
    expect_close("y", y, y_ref, mistakes=[
        (X_ref[:, -1], "y[i] is the last character of window i; it should be the character after it."),
    ])


def check_make_sequences_seed(fn):
    """Visible: the seed sentence with seq_length = 3 gives 48 windows."""
    assert_own_work(fn, "make_sequences")
    _check_sequences(fn, SEED_TEXT, 3)


def check_make_sequences_random(fn):
    """Hidden: random texts and lengths; seq_length >= len(text) raises ValueError."""
    assert_own_work(fn, "make_sequences")
    rng = np.random.default_rng(5)
    for seq_length in [1, 2, 5, 9]:
        _check_sequences(fn, _random_text(rng, int(rng.integers(seq_length + 1, 40))), seq_length)
    _check_sequences(fn, "ab", 1)
    _, c2i, _ = reference("build_vocab")("abc")
    expect_value_error(fn, "make_sequences", ("abc", 3, c2i), "seq_length >= len(text) (no window has a next character)")


# --- build_char_model --------------------------------------------------------------------

def _describe_model(model):
    _, keras = quiet_tensorflow()
    if not isinstance(model, keras.Model):
        fail(f"build_char_model should return a keras.Model; it returned a {type(model).__name__}.")
    return [type(layer).__name__ for layer in model.layers]


def _check_model(fn, seq_length, vocab_size, units, activation):
    _, keras = quiet_tensorflow()
    keras.utils.set_random_seed(0)
    kwargs = {} if (units, activation) == (50, "relu") else {"units": units, "activation": activation}
    model = call(fn, "build_char_model", seq_length, vocab_size, **kwargs)
    ref = reference("build_char_model")(seq_length, vocab_size, units, activation)
    kinds = _describe_model(model)
    expect_equal("the layers", kinds, _describe_model(ref),
                 hint="The seed's model is a SimpleRNN followed by a Dense layer (keras.Input is not a layer).")
    expect_equal("the input shape", tuple(model.input_shape), tuple(ref.input_shape),
                 hint="Use keras.Input(shape=(seq_length, vocab_size)): a window of one-hot vectors.")
    expect_equal("the output shape", tuple(model.output_shape), tuple(ref.output_shape))
    rnn, dense = model.layers
    expect_equal("the SimpleRNN's units", rnn.units, units)
    expect_equal("the SimpleRNN's activation", rnn.activation.__name__, activation)
    expect_equal("the Dense layer's activation", dense.activation.__name__, "softmax",
                 hint="The output is a probability for each character.")
    expect_equal("the number of parameters", model.count_params(), ref.count_params())
    if getattr(model, "optimizer", None) is None or getattr(model, "loss", None) is None:
        fail("the model is not compiled: call model.compile(optimizer='adam', "
             "loss='categorical_crossentropy', metrics=['accuracy']) before returning it.")
    expect_equal("the optimizer", type(model.optimizer).__name__, "Adam")
    loss = model.loss if isinstance(model.loss, str) else getattr(model.loss, "__name__", type(model.loss).__name__)
    if loss.lower().replace("_", "") != "categoricalcrossentropy":
        fail(f"the loss is {loss!r}; targets are one-hot vectors, so use 'categorical_crossentropy'.")


def check_build_char_model_structure(fn):
    """Visible: the seed's model for seq_length 3 and 17 characters."""
    assert_own_work(fn, "build_char_model")
    _check_model(fn, 3, 17, 50, "relu")


def check_build_char_model_options(fn):
    """Hidden: other sizes, and the units and activation arguments honoured."""
    assert_own_work(fn, "build_char_model")
    _check_model(fn, 6, 17, 50, "relu")
    _check_model(fn, 10, 40, 16, "tanh")


# --- sample_next_char --------------------------------------------------------------------

def _picks(fn, probs, temperature, draws, seed):
    rng = np.random.default_rng(seed)
    return np.array([call(fn, "sample_next_char", probs, temperature, rng) for _ in range(draws)], dtype=int)


def _frequencies(fn, probs, temperature, draws=20_000, seed=0):
    return np.bincount(_picks(fn, probs, temperature, draws, seed), minlength=len(probs)) / draws


def check_sample_next_char_greedy(fn):
    """Visible: temperature 0 returns the most likely index, as a Python int."""
    assert_own_work(fn, "sample_next_char")
    probs = np.array([0.1, 0.2, 0.6, 0.1])
    index = call(fn, "sample_next_char", probs, 0.0)
    if not isinstance(index, (int, np.integer)):
        fail(f"sample_next_char should return an integer index; it returned a {type(index).__name__}.")
    expect_equal("sample_next_char(probs, temperature=0)", int(index), 2,
                 hint="Temperature 0 means greedy: always the index of the largest probability.")


def check_sample_next_char_distribution(fn):
    """Hidden: the frequencies follow p ** (1 / T) renormalised; negative T raises ValueError."""
    assert_own_work(fn, "sample_next_char")
    probs = np.array([0.5, 0.3, 0.15, 0.05])
    for temperature in [1.0, 0.5, 2.0]:
        seen = _frequencies(fn, probs, temperature)
        expected = reweight(probs, temperature)
        # 20,000 draws: each frequency's standard error is below 0.004, so 0.02 is a 5-sigma margin
        if np.abs(seen - expected).max() > 0.02:
            fail(f"with temperature {temperature}, the indices came out with frequencies "
                 f"{np.round(seen, 3).tolist()}; expected about {np.round(expected, 3).tolist()}. "
                 f"Divide the log-probabilities by the temperature (p ** (1 / T)), renormalise, "
                 f"then draw with rng.choice(len(p), p=p).")
    # two unseeded runs of 200 draws agree with probability below 0.4 ** 200: never by luck
    if not np.array_equal(_picks(fn, probs, 1.0, 200, seed=1), _picks(fn, probs, 1.0, 200, seed=1)):
        fail("two runs with generators seeded alike gave different characters: draw with the `rng` "
             "argument, not with an unseeded generator.")
    expect_value_error(fn, "sample_next_char", (probs, -1.0), "the temperature is negative")


# --- generate_text -----------------------------------------------------------------------

def _peaked_model(text, seq_length, seed):
    """A small untrained model whose output is sharp, so greedy choices have clear winners."""
    _, keras = quiet_tensorflow()
    keras.utils.set_random_seed(seed)
    chars, c2i, i2c = reference("build_vocab")(text)
    model = reference("build_char_model")(seq_length, len(chars), units=16)
    dense = model.layers[-1]
    kernel, bias = dense.get_weights()
    dense.set_weights([kernel * 20, bias])
    return model, c2i, i2c


def _check_generation(fn, text, start, length, seq_length, seed):
    model, c2i, i2c = _peaked_model(text, seq_length, seed)
    result = call(fn, "generate_text", model, start, length, c2i, i2c, seq_length)
    if not isinstance(result, str):
        fail(f"generate_text should return a string; it returned a {type(result).__name__}.")
    if not result.startswith(start):
        fail(f"the text should begin with the start string {start!r}; it begins {result[:len(start)]!r}.")
    expect_equal("the length of the text", len(result), len(start) + length,
                 hint="Return the start string followed by `length` new characters.")
    expected = reference("generate_text")(model, start, length, c2i, i2c, seq_length)
    expect_equal("the greedy text", result, expected,
                 hint="Each step should feed the LAST seq_length characters, one-hot encoded, and "
                      "append the most likely next character (temperature 0).")


def check_generate_text_basic(fn):
    """Visible: 20 greedy characters from the seed's start string."""
    assert_own_work(fn, "generate_text")
    _check_generation(fn, SEED_TEXT, "This is G", 20, 3, seed=0)


def check_generate_text_random(fn):
    """Hidden: another vocabulary and window, zero length, an unknown start character."""
    assert_own_work(fn, "generate_text")
    text = _random_text(np.random.default_rng(9), 60, 10)
    _check_generation(fn, text, text[:7], 15, 5, seed=1)
    _check_generation(fn, text, text[:5], 0, 5, seed=2)
    model, c2i, i2c = _peaked_model(text, 2, seed=3)
    expect_value_error(fn, "generate_text", (model, "?!" + text[:3], 5, c2i, i2c, 2),
                       "the start string holds a character that is not in the vocabulary")


# --- max_achievable_accuracy -------------------------------------------------------------

def check_max_achievable_accuracy_seed(fn):
    """Visible: 46/48 for the seed sentence with seq_length = 3."""
    assert_own_work(fn, "max_achievable_accuracy")
    value = call(fn, "max_achievable_accuracy", SEED_TEXT, 3)
    if np.isclose(value, 46 / 51):
        fail("you divided by the number of characters (51); divide by the number of windows (48).")
    expect_close("max_achievable_accuracy(seed text, 3)", value, 46 / 48)


def check_max_achievable_accuracy_random(fn):
    """Hidden: random texts and lengths against the reference."""
    assert_own_work(fn, "max_achievable_accuracy")
    rng = np.random.default_rng(13)
    for seq_length in [1, 2, 3, 4, 6]:
        text = _random_text(rng, 80, 3)
        expect_close(f"max_achievable_accuracy(text, {seq_length})",
                     call(fn, "max_achievable_accuracy", text, seq_length),
                     reference("max_achievable_accuracy")(text, seq_length))
    expect_value_error(fn, "max_achievable_accuracy", ("abc", 3), "seq_length >= len(text)")
