"""The checks of unit 02_rnn_types pass right builders and name each common mistake."""

import keras
import pytest
from failures import failure_message

from rnncourse.checks import rnn_types as check
from rnncourse.models import rnn_types

pytestmark = pytest.mark.usefixtures("keras_seeded")

L = keras.layers


failure = failure_message


# --- right answers, written as a learner would (a functional model, TimeDistributed) ------

def one_to_one(input_dim, units, output_dim):
    x = keras.Input(shape=(input_dim,))
    return keras.Model(x, L.Dense(output_dim)(L.Dense(units, activation="tanh")(x)))


def one_to_many(input_dim, units, output_dim, output_steps):
    return keras.Sequential([keras.Input((input_dim,)), L.RepeatVector(output_steps),
                             L.SimpleRNN(units, return_sequences=True), L.TimeDistributed(L.Dense(output_dim))])


def many_to_one(input_dim, units, output_dim):
    return keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(units), L.Dense(output_dim)])


def many_to_many(input_dim, units, output_dim):
    return keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(units, return_sequences=True),
                             L.Dense(output_dim)])


def encoder_decoder(input_dim, units, output_dim, output_steps):
    x = keras.Input((None, input_dim))
    c = L.SimpleRNN(units)(x)
    s = L.SimpleRNN(units, return_sequences=True)(L.RepeatVector(output_steps)(c))
    return keras.Model(x, L.Dense(output_dim)(s))


RIGHT = {"build_one_to_one": one_to_one, "build_one_to_many": one_to_many, "build_many_to_one": many_to_one,
         "build_many_to_many": many_to_many, "build_encoder_decoder": encoder_decoder}


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_right_answers_pass_every_check(exercise):
    for name in ("shapes", "layers", "values"):
        getattr(check, f"check_{exercise}_{name}")(RIGHT[exercise])


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_blank_and_reference_answers_score_nothing(exercise):
    def blank(*args):
        raise NotImplementedError()

    shapes = getattr(check, f"check_{exercise}_shapes")
    assert "not written yet" in failure(shapes, blank)
    assert "your own" in failure(shapes, getattr(rnn_types, exercise))

    namespace = {"rnn_types": rnn_types}
    exec(f"def wrapper(*args):\n    return rnn_types.{exercise}(*args)\n", namespace)
    assert "rnncourse.models.rnn_types" in failure(shapes, namespace["wrapper"])


# --- the named mistakes --------------------------------------------------------------------

def test_forgot_return_sequences_in_many_to_many():
    message = failure(check.check_build_many_to_many_shapes, many_to_one)
    assert "return_sequences=True" in message and "(2, 2)" in message and "(2, 1, 2)" in message


def test_return_sequences_in_many_to_one():
    message = failure(check.check_build_many_to_one_shapes, many_to_many)
    assert "leave return_sequences at False" in message


def test_return_sequences_on_the_encoder():
    def encoder_returns_sequences(input_dim, units, output_dim, output_steps):
        return keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(units, return_sequences=True),
                                 L.RepeatVector(output_steps), L.SimpleRNN(units, return_sequences=True),
                                 L.Dense(output_dim)])

    message = failure(check.check_build_encoder_decoder_shapes, encoder_returns_sequences)
    assert "RepeatVector repeats ONE vector" in message and "encoder SimpleRNN must not use" in message


def test_aligned_model_handed_in_as_encoder_decoder():
    def aligned(input_dim, units, output_dim, output_steps):
        return many_to_many(input_dim, units, output_dim)

    assert "aligned many-to-many" in failure(check.check_build_encoder_decoder_shapes, aligned)


def test_decoder_without_return_sequences():
    def last_step_only(input_dim, units, output_dim, output_steps):
        return keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(units), L.RepeatVector(output_steps),
                                 L.SimpleRNN(units), L.Dense(output_dim)])

    assert "decoder SimpleRNN needs return_sequences=True" in failure(
        check.check_build_encoder_decoder_shapes, last_step_only)


def test_one_to_many_without_repeat_vector():
    def no_repeat(input_dim, units, output_dim, output_steps):
        return keras.Sequential([keras.Input((input_dim,)), L.SimpleRNN(units, return_sequences=True),
                                 L.Dense(output_dim)])

    assert "RepeatVector(output_steps)" in failure(check.check_build_one_to_many_shapes, no_repeat)


def test_fixed_output_steps():
    def always_four(input_dim, units, output_dim, output_steps):
        return one_to_many(input_dim, units, output_dim, 4)

    check.check_build_one_to_many_shapes(always_four)                  # the visible test uses 4 steps
    assert "use the output_steps argument" in failure(check.check_build_one_to_many_values, always_four)


def test_compiled_model():
    def compiled(input_dim, units, output_dim):
        model = many_to_one(input_dim, units, output_dim)
        model.compile(optimizer="adam", loss="mse")
        return model

    assert "is compiled" in failure(check.check_build_many_to_one_shapes, compiled)


def test_fixed_t():
    def fixed_length(input_dim, units, output_dim):
        return keras.Sequential([keras.Input((7, input_dim)), L.SimpleRNN(units, return_sequences=True),
                                 L.Dense(output_dim)])

    message = failure(check.check_build_many_to_many_shapes, fixed_length)
    assert "T must be free" in message and "shape=(None, input_dim)" in message


def test_sequence_input_for_one_to_one():
    def as_a_sequence(input_dim, units, output_dim):
        return many_to_one(input_dim, units, output_dim)

    assert "ONE vector per example" in failure(check.check_build_one_to_one_shapes, as_a_sequence)


def test_missing_return():
    def forgot_return(input_dim, units, output_dim):
        many_to_one(input_dim, units, output_dim)

    assert "forget the `return`" in failure(check.check_build_many_to_one_shapes, forgot_return)


def test_no_output_layer():
    def no_dense(input_dim, units, output_dim):
        return keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(units)])

    assert "Dense(output_dim) output layer" in failure(check.check_build_many_to_one_shapes, no_dense)


def test_lstm_instead_of_simple_rnn():
    def lstm(input_dim, units, output_dim):
        return keras.Sequential([keras.Input((None, input_dim)), L.LSTM(units), L.Dense(output_dim)])

    check.check_build_many_to_one_shapes(lstm)                         # right shapes...
    assert "Use SimpleRNN" in failure(check.check_build_many_to_one_layers, lstm)  # ...wrong cell


def test_recurrence_in_one_to_one():
    def with_rnn(input_dim, units, output_dim):
        return keras.Sequential([keras.Input((input_dim,)), L.Reshape((1, input_dim)), L.SimpleRNN(units),
                                 L.Dense(output_dim)])

    check.check_build_one_to_one_shapes(with_rnn)
    assert "Dense layers only" in failure(check.check_build_one_to_one_layers, with_rnn)


def test_no_hidden_layer_in_one_to_one():
    def linear(input_dim, units, output_dim):
        return keras.Sequential([keras.Input((input_dim,)), L.Dense(output_dim)])

    assert "the layers are ['Dense']" in failure(check.check_build_one_to_one_layers, linear)


def test_softmax_output():
    def softmax(input_dim, units, output_dim):
        return keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(units),
                                 L.Dense(output_dim, activation="softmax")])

    assert "leave it linear" in failure(check.check_build_many_to_one_layers, softmax)


def test_relu_in_the_recurrent_layer():
    def relu(input_dim, units, output_dim):
        return keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(units, activation="relu"),
                                 L.Dense(output_dim)])

    assert "Keep tanh" in failure(check.check_build_many_to_one_layers, relu)


def test_swapped_units_and_output_dim():
    def swapped(input_dim, units, output_dim):
        return keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(output_dim), L.Dense(units)])

    assert "swap units" in failure(check.check_build_many_to_one_shapes, swapped)
    assert "swap units" in failure(check.check_build_many_to_one_layers, swapped)


def test_decoder_starting_from_the_context_is_caught_by_the_values():
    def context_as_state(input_dim, units, output_dim, output_steps):
        x = keras.Input((None, input_dim))
        c = L.SimpleRNN(units)(x)
        s = L.SimpleRNN(units, return_sequences=True)(L.RepeatVector(output_steps)(c), initial_state=[c])
        return keras.Model(x, L.Dense(output_dim)(s))

    check.check_build_encoder_decoder_shapes(context_as_state)
    check.check_build_encoder_decoder_layers(context_as_state)
    assert "decoder should start from h0 = 0" in failure(check.check_build_encoder_decoder_values, context_as_state)
