"""The checks of unit 08_char_model pass right answers and name each common mistake.

Every function below is written as a learner would write it: the right answers, other correct
formulations (a functional Keras model, a loss object), and wrong answers that each make one
mistake the checks promise to recognise.
"""

import numpy as np
import pytest
from failures import failure_message

from rnncourse.checks import char_model as check
from rnncourse.checks import harness
from rnncourse.course.setup import quiet_tensorflow
from rnncourse.data import text
from rnncourse.models import char_model, generation, rnn_types
from rnncourse.reference import rnn

pytestmark = pytest.mark.usefixtures("keras_seeded")

failure = failure_message
_, keras = quiet_tensorflow()


# --- right answers, as the master notebook writes them ---------------------------------------

def build_vocab(text):
    chars = sorted(set(text))
    return chars, {c: i for i, c in enumerate(chars)}, {i: c for i, c in enumerate(chars)}


def make_sequences(text, seq_length, char_to_index):
    if seq_length >= len(text):
        raise ValueError(f"seq_length={seq_length} leaves no window in a text of {len(text)} characters")
    codes = np.array([char_to_index[c] for c in text])
    n = len(text) - seq_length
    return np.array([codes[i:i + seq_length] for i in range(n)]), codes[seq_length:]


def build_char_model(seq_length, vocab_size, units=50, activation="relu"):
    model = keras.Sequential([
        keras.Input(shape=(seq_length, vocab_size)),
        keras.layers.SimpleRNN(units, activation=activation),
        keras.layers.Dense(vocab_size, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def sample_next_char(probs, temperature=1.0, rng=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    probs = np.asarray(probs, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(probs))
    with np.errstate(divide="ignore"):
        scaled = np.log(probs) / temperature
    q = np.exp(scaled - scaled.max())
    q /= q.sum()
    rng = np.random if rng is None else rng
    return int(rng.choice(len(q), p=q))


def generate_text(model, start, length, char_to_index, index_to_char, seq_length, temperature=0.0, rng=None):
    for char in start:
        if char not in char_to_index:
            raise ValueError(f"{char!r} is not in the vocabulary")
    identity = np.eye(len(char_to_index), dtype=np.float32)
    codes = [char_to_index[c] for c in start]
    for _ in range(length):
        probs = np.asarray(model(identity[codes[-seq_length:]][None], training=False))[0]
        codes.append(sample_next_char(probs, temperature, rng))
    return start + "".join(index_to_char[i] for i in codes[len(start):])


def max_achievable_accuracy(text, seq_length):
    if seq_length >= len(text):
        raise ValueError("seq_length must be shorter than the text")
    followers = {}
    for i in range(len(text) - seq_length):
        counts = followers.setdefault(text[i:i + seq_length], {})
        counts[text[i + seq_length]] = counts.get(text[i + seq_length], 0) + 1
    return sum(max(c.values()) for c in followers.values()) / (len(text) - seq_length)


GOOD = {"build_vocab": build_vocab, "make_sequences": make_sequences, "build_char_model": build_char_model,
        "sample_next_char": sample_next_char, "generate_text": generate_text,
        "max_achievable_accuracy": max_achievable_accuracy}
CHECKS = [getattr(check, name) for name in dir(check) if name.startswith("check_")]


@pytest.mark.parametrize("check_fn", CHECKS, ids=lambda f: f.__name__)
def test_right_answers_pass(check_fn):
    exercise = max((name for name in GOOD if check_fn.__name__.startswith(f"check_{name}_")), key=len)
    check_fn(GOOD[exercise])


def test_every_exercise_has_a_visible_and_a_hidden_check():
    for name in GOOD:
        checks = [f for f in CHECKS if f.__name__.startswith(f"check_{name}_")]
        assert sorted(f.__doc__.split(":")[0] for f in checks) == ["Hidden", "Visible"], name


# --- build_vocab ---------------------------------------------------------------------------

def test_build_vocab_mistakes():
    def unsorted_vocab(text):
        chars = list(dict.fromkeys(text))                # in order of first appearance
        return chars, {c: i for i, c in enumerate(chars)}, dict(enumerate(chars))

    assert "sort them" in failure(check.check_build_vocab_seed, unsorted_vocab)

    def index_to_char_as_list(text):
        chars = sorted(set(text))
        return chars, {c: i for i, c in enumerate(chars)}, chars

    message = failure(check.check_build_vocab_seed, index_to_char_as_list)
    assert "index_to_char should be a dict; it is a list" in message
    assert "{i: c for i, c in enumerate(chars)}" in message

    def every_character(text):
        chars = sorted(text)                             # duplicates kept
        return chars, {c: i for i, c in enumerate(chars)}, dict(enumerate(chars))

    assert "each distinct character once" in failure(check.check_build_vocab_seed, every_character)

    def counted_from_one(text):
        chars = sorted(set(text))
        return chars, {c: i + 1 for i, c in enumerate(chars)}, {i + 1: c for i, c in enumerate(chars)}

    assert "char_to_index is" in failure(check.check_build_vocab_seed, counted_from_one)
    assert "chars should be a sorted list of the distinct characters; it is a set" in failure(
        check.check_build_vocab_seed, lambda text: (set(text), *build_vocab(text)[1:]))
    assert "should return the tuple (chars, char_to_index, index_to_char)" in failure(
        check.check_build_vocab_seed, lambda text: sorted(set(text)))


@pytest.mark.parametrize("sequence", [tuple, "".join])
def test_build_vocab_accepts_chars_as_another_sequence(sequence):
    def as_sequence(text):
        chars = sequence(sorted(set(text)))
        return chars, {c: i for i, c in enumerate(chars)}, dict(enumerate(chars))

    check.check_build_vocab_seed(as_sequence)
    check.check_build_vocab_random(as_sequence)


# --- make_sequences ------------------------------------------------------------------------

def test_make_sequences_mistakes():
    def one_window_too_many(text, seq_length, c2i):
        codes = [c2i[c] for c in text] + [0]
        n = len(text) - seq_length + 1
        return np.array([codes[i:i + seq_length] for i in range(n)]), np.array(codes[seq_length:seq_length + n])

    assert "off-by-one" in failure(check.check_make_sequences_seed, one_window_too_many)

    def one_window_too_few(text, seq_length, c2i):
        codes = np.array([c2i[c] for c in text])
        n = len(text) - seq_length - 1
        return np.array([codes[i:i + seq_length] for i in range(n)]), codes[seq_length:seq_length + n]

    message = failure(check.check_make_sequences_seed, one_window_too_few)
    assert "X has 47 windows; expected 48" in message and "off-by-one" in message

    def target_is_last_input(text, seq_length, c2i):
        X, _ = make_sequences(text, seq_length, c2i)
        return X, X[:, -1]

    assert "character after it" in failure(check.check_make_sequences_seed, target_is_last_input)

    def floats(text, seq_length, c2i):
        X, y = make_sequences(text, seq_length, c2i)
        return X.astype(float), y.astype(float)

    assert "integer indices" in failure(check.check_make_sequences_seed, floats)

    def lists(text, seq_length, c2i):
        X, y = make_sequences(text, seq_length, c2i)
        return X.tolist(), y.tolist()

    assert "X should be a numpy array; it is a list" in failure(check.check_make_sequences_seed, lists)

    def no_error(text, seq_length, c2i):
        codes = np.array([c2i[c] for c in text])
        n = max(len(text) - seq_length, 0)
        return np.array([codes[i:i + seq_length] for i in range(n)]).reshape(n, seq_length), codes[seq_length:]

    assert "should raise ValueError when seq_length >= len(text)" in failure(
        check.check_make_sequences_random, no_error)


# --- build_char_model ----------------------------------------------------------------------

def functional(seq_length, vocab_size, units=50, activation="relu"):
    inputs = keras.Input(shape=(seq_length, vocab_size))
    h = keras.layers.SimpleRNN(units, activation=activation)(inputs)
    model = keras.Model(inputs, keras.layers.Dense(vocab_size, activation="softmax")(h))
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.CategoricalCrossentropy())
    return model


def compiled_with(loss=None, optimizer="adam", output="softmax", activation_layer=False, cell="SimpleRNN",
                  keep_units=True, keep_activation=True, with_input=True, compile=True):
    """A build_char_model written with one change from the master's."""
    def build(seq_length, vocab_size, units=50, activation="relu"):
        recurrent = getattr(keras.layers, cell)(units if keep_units else 50,
                                                **({"activation": activation if keep_activation else "tanh"}
                                                   if cell == "SimpleRNN" else {}))
        layers = [keras.Input(shape=(seq_length, vocab_size))] if with_input else []
        layers += [recurrent, keras.layers.Dense(vocab_size, activation=None if activation_layer else output)]
        layers += [keras.layers.Activation("softmax")] if activation_layer else []
        model = keras.Sequential(layers)
        if compile:
            model.compile(optimizer=optimizer, loss=loss or "categorical_crossentropy")
        return model
    return build


@pytest.mark.parametrize("right", [
    functional,
    compiled_with(loss=keras.losses.categorical_crossentropy),
    compiled_with(loss="CategoricalCrossentropy"),
    compiled_with(optimizer=keras.optimizers.Adam(learning_rate=0.01)),
    compiled_with(activation_layer=True),
], ids=["functional", "loss function", "loss class name", "Adam object", "softmax as its own layer"])
def test_build_char_model_accepts_any_correct_formulation(right):
    check.check_build_char_model_structure(right)
    check.check_build_char_model_options(right)


@pytest.mark.parametrize("wrong, message", [
    (compiled_with(keep_activation=False), "the SimpleRNN's activation is 'tanh'; expected 'relu'"),
    (compiled_with(keep_units=False), "the SimpleRNN's units is 50; expected 16"),
    (compiled_with(compile=False), "not compiled"),
    (compiled_with(optimizer="sgd"), "the optimizer is SGD"),
    (compiled_with(loss="mse"), "is not the cross-entropy of one-hot targets"),
    (compiled_with(loss="sparse_categorical_crossentropy"), "so use 'categorical_crossentropy'"),
    (compiled_with(loss=keras.losses.CategoricalCrossentropy(from_logits=True)), "from_logits=False"),
    (compiled_with(output="linear"), "not probabilities"),
    (compiled_with(cell="LSTM"), "the layers with weights is ['LSTM', 'Dense']"),
    (compiled_with(with_input=False), "has no input shape"),
    (lambda seq_length, vocab_size, units=50, activation="relu": None, "the model should be a Model"),
])
def test_build_char_model_mistakes(wrong, message):
    checks = [check.check_build_char_model_structure, check.check_build_char_model_options]
    assert any(message in failure(c, wrong) for c in checks if _fails(c, wrong)), [failure(c, wrong) for c in checks]


def _fails(check_fn, fn):
    try:
        check_fn(fn)
    except harness.CheckFailure:
        return True
    return False


# --- sample_next_char ----------------------------------------------------------------------

def sampler(reweight, greedy_at_zero=True):
    """A sample_next_char that draws from ``reweight(p, tau)`` with the given rng."""
    def sample(probs, temperature=1.0, rng=None):
        if temperature < 0:
            raise ValueError("temperature must be >= 0")
        if temperature == 0 and greedy_at_zero:
            return int(np.argmax(probs))
        q = reweight(np.asarray(probs, dtype=np.float64), temperature)
        return int(rng.choice(len(q), p=q / q.sum()))
    return sample


@pytest.mark.parametrize("wrong, message", [
    (sampler(lambda p, tau: p ** tau), "they follow p ** tau"),
    (sampler(lambda p, tau: np.exp(p / tau) / np.exp(p / tau).sum()), "they follow softmax(p / tau)"),
    (sampler(lambda p, tau: p), "the temperature was ignored"),
    (lambda probs, temperature=1.0, rng=None: int(np.argmax(probs)), "they are all the most likely index"),
])
def test_sample_next_char_visible_check_names_the_reweighting_mistakes(wrong, message):
    assert message in failure(check.check_sample_next_char_greedy, wrong)


def test_sample_next_char_must_draw_with_rng():
    def global_generator(probs, temperature=1.0, rng=None):
        if temperature == 0:
            return int(np.argmax(probs))
        q = np.exp(np.log(probs) / temperature)
        return int(np.random.choice(len(q), p=q / q.sum()))

    assert "The `rng` argument was never used" in failure(check.check_sample_next_char_greedy, global_generator)

    def own_seed(probs, temperature=1.0, rng=None):
        return sample_next_char(probs, temperature, np.random.default_rng(0))

    assert "The `rng` argument was never used" in failure(check.check_sample_next_char_greedy, own_seed)

    def unseeded(probs, temperature=1.0, rng=None):
        return sample_next_char(probs, temperature, np.random.default_rng())

    assert "seeded alike" in failure(check.check_sample_next_char_distribution, unseeded)


def test_sample_next_char_must_draw_with_rng_choice():
    def inverse_cdf(probs, temperature=1.0, rng=None):    # what rng.choice does: the same draws
        if temperature == 0:
            return int(np.argmax(probs))
        q = np.exp(np.log(probs) / temperature)
        return int(np.searchsorted(np.cumsum(q / q.sum()), rng.random(), side="right"))

    check.check_sample_next_char_greedy(inverse_cdf)

    def multinomial(probs, temperature=1.0, rng=None):    # the right distribution, other draws from the seed
        if temperature < 0:
            raise ValueError("temperature must be >= 0")
        if temperature == 0:
            return int(np.argmax(probs))
        q = np.exp(np.log(probs) / temperature)
        return int(np.argmax(rng.multinomial(1, q / q.sum())))

    assert "rng.choice(len(q), p=q), as the exercise says" in failure(check.check_sample_next_char_greedy,
                                                                       multinomial)
    check.check_sample_next_char_distribution(multinomial)    # its frequencies are right


def test_sample_next_char_hidden_mistakes():
    def ignores_temperature(probs, temperature=1.0, rng=None):
        rng = rng or np.random.default_rng()
        return int(np.argmax(probs)) if temperature == 0 else int(rng.choice(len(probs), p=probs))

    assert "with temperature 0.5" in failure(check.check_sample_next_char_distribution, ignores_temperature)

    def no_error(probs, temperature=1.0, rng=None):
        return sample_next_char(probs, abs(temperature), rng)

    assert "should raise ValueError when the temperature is negative" in failure(
        check.check_sample_next_char_distribution, no_error)


def test_sample_next_char_returns_an_int_index():
    assert "as a Python int" in failure(check.check_sample_next_char_greedy,
                                        lambda probs, temperature=1.0, rng=None: np.array([np.argmax(probs)]))

    def sharpens_in_place(probs, temperature=1.0, rng=None):
        probs **= 2                                      # the caller's probs change too
        return sample_next_char(probs / probs.sum(), temperature / 2, rng)

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_sample_next_char_greedy(sharpens_in_place)
    assert changed.value.argument == "probs"


# --- generate_text -------------------------------------------------------------------------

def generator(choose):
    """A generate_text that picks each character with ``choose(probs, temperature, rng)``."""
    def generate(model, start, length, char_to_index, index_to_char, seq_length, temperature=0.0, rng=None):
        if any(c not in char_to_index for c in start):
            raise ValueError("a start character is not in the vocabulary")
        identity = np.eye(len(char_to_index), dtype=np.float32)
        codes = [char_to_index[c] for c in start]
        for _ in range(length):
            probs = np.asarray(model(identity[codes[-seq_length:]][None], training=False))[0]
            codes.append(choose(probs, temperature, rng))
        return start + "".join(index_to_char[i] for i in codes[len(start):])
    return generate


@pytest.mark.parametrize("check_fn", [check.check_generate_text_basic, check.check_generate_text_random],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("wrong, message", [
    (generator(lambda probs, temperature, rng: int(np.argmax(probs))), "they are the greedy text"),
    (generator(lambda probs, temperature, rng: sample_next_char(probs, 1.0 if temperature else 0.0, rng)),
     "sampled at temperature 1"),
    (generator(lambda probs, temperature, rng: sample_next_char(probs, temperature)), "never used"),
    (generator(lambda probs, temperature, rng: sample_next_char(probs, temperature, np.random.default_rng(0))),
     "never used"),
])
def test_generate_text_sampling_mistakes(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


def test_generate_text_mistakes():
    def whole_start_window(model, start, length, c2i, i2c, seq_length, temperature=0.0, rng=None):
        return generate_text(model, start[:seq_length], length, c2i, i2c, seq_length)[:len(start)] + "x" * length

    assert "begin with the start string" in failure(check.check_generate_text_basic, whole_start_window)

    def first_window_forever(model, start, length, c2i, i2c, seq_length, temperature=0.0, rng=None):
        identity = np.eye(len(c2i), dtype=np.float32)
        codes = [c2i[c] for c in start]
        for _ in range(length):
            probs = np.asarray(model(identity[codes[:seq_length]][None], training=False))[0]
            codes.append(sample_next_char(probs, temperature, rng))
        return start + "".join(i2c[i] for i in codes[len(start):])

    assert "feeds the LAST seq_length characters" in failure(check.check_generate_text_basic, first_window_forever)

    def only_new_characters(model, start, length, c2i, i2c, seq_length, temperature=0.0, rng=None):
        return generate_text(model, start, length, c2i, i2c, seq_length, temperature, rng)[len(start):]

    assert "begin with the start string" in failure(check.check_generate_text_basic, only_new_characters)

    def one_too_many(model, start, length, c2i, i2c, seq_length, temperature=0.0, rng=None):
        return generate_text(model, start, length + 1, c2i, i2c, seq_length, temperature, rng)

    assert "the length of the text is 30; expected 29" in failure(check.check_generate_text_basic, one_too_many)

    def skips_unknown(model, start, length, c2i, i2c, seq_length, temperature=0.0, rng=None):
        start = "".join(c for c in start if c in c2i)
        return generate_text(model, start, length, c2i, i2c, seq_length, temperature, rng)

    assert "should raise ValueError when the start string holds a character" in failure(
        check.check_generate_text_random, skips_unknown)
    assert "the text should be a str; it is a list" in failure(
        check.check_generate_text_basic, lambda *args: list(generate_text(*args)))


def test_generate_text_accepts_predict_and_a_one_hot_of_its_own():
    def with_predict(model, start, length, c2i, i2c, seq_length, temperature=0.0, rng=None):
        codes = [c2i[c] for c in start]
        if len(codes) != len(start):
            raise ValueError("unknown character")
        for _ in range(length):
            x = keras.ops.one_hot(np.array([codes[-seq_length:]]), len(c2i))
            codes.append(sample_next_char(model.predict(x, verbose=0)[0], temperature, rng))
        return start + "".join(i2c[i] for i in codes[len(start):])

    check.check_generate_text_basic(with_predict)


# --- max_achievable_accuracy ---------------------------------------------------------------

def test_max_achievable_accuracy_mistakes():
    assert "divide by the number of windows (48)" in failure(
        check.check_max_achievable_accuracy_seed, lambda text, k: 46 / len(text))

    def per_character(text, seq_length):
        if seq_length >= len(text):
            raise ValueError("too short")
        return max_achievable_accuracy(text, seq_length) * (len(text) - seq_length) / len(text)

    assert "you divided by the number of characters" in failure(check.check_max_achievable_accuracy_random,
                                                                 per_character)
    assert "should be a number" in failure(check.check_max_achievable_accuracy_seed, lambda text, k: None)

    def no_error(text, seq_length):
        return max_achievable_accuracy(text, seq_length) if seq_length < len(text) else 0.0

    assert "should raise ValueError when seq_length >= len(text)" in failure(
        check.check_max_achievable_accuracy_random, no_error)


# --- own work ------------------------------------------------------------------------------

FORBIDDEN = {
    "BUILD_VOCAB": {text.build_vocab},
    "MAKE_SEQUENCES": {text.make_sequences},
    "BUILD_CHAR_MODEL": {char_model.build_char_model, rnn_types.build_many_to_one},
    "SAMPLE_NEXT_CHAR": {generation.sample_next_char, generation.reweight, rnn.softmax},
    "GENERATE_TEXT": {generation.generate_text, generation.sample_next_char, char_model.make_predictor},
    "MAX_ACHIEVABLE_ACCURACY": {text.max_achievable_accuracy, text.next_char_counts},
}


@pytest.mark.parametrize("constant", FORBIDDEN)
def test_every_forbidden_object_is_caught(constant):
    exercise = getattr(check, constant)
    assert FORBIDDEN[constant] <= set(exercise.forbids)
    checks = [f for f in CHECKS if f.__name__.startswith(f"check_{exercise.name}_")]
    for ref in exercise.forbids:
        for check_fn in checks:
            assert "your own" in failure(check_fn, lambda *a, ref=ref: ref(*a)), (ref, check_fn)


def test_a_learner_helper_that_calls_the_reference_is_caught():
    def my_reweight(probs, temperature):
        return generation.reweight(probs, temperature)

    def sample(probs, temperature=1.0, rng=None):
        if temperature == 0:
            return int(np.argmax(probs))
        return int(rng.choice(len(probs), p=my_reweight(probs, temperature)))

    def generate(model, start, length, c2i, i2c, seq_length, temperature=0.0, rng=None):
        return generation.generate_text(model, start, length, c2i, i2c, seq_length, temperature, rng)

    assert "rnncourse.models.generation.reweight" in failure(check.check_sample_next_char_greedy, sample)
    assert "rnncourse.models.generation.generate_text" in failure(check.check_generate_text_basic, generate)


def test_blank_answers_are_explained():
    def blank(*args):
        raise NotImplementedError()

    for check_fn in CHECKS:
        assert "not written yet" in failure(check_fn, blank), check_fn.__name__


def test_keras_warnings_are_advice(capsys):
    """A model built with the older input_shape= argument passes; Keras's warning is printed as advice."""
    def input_shape(seq_length, vocab_size, units=50, activation="relu"):
        model = keras.Sequential([keras.layers.SimpleRNN(units, activation=activation,
                                                         input_shape=(seq_length, vocab_size)),
                                  keras.layers.Dense(vocab_size, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        return model

    check.check_build_char_model_structure(input_shape)
    assert "costs no points" in capsys.readouterr().out
