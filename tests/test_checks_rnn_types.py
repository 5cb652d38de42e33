"""The checks of unit 02_rnn_types pass right builders and name each common mistake.

Every builder below is written as a learner would write it: right answers in several Keras formulations
(Sequential, functional, TimeDistributed), and wrong answers that each make one mistake the checks
promise to recognise.
"""

import keras
import pytest
from failures import failure_message

from rnncourse.checks import harness
from rnncourse.checks import rnn_types as check
from rnncourse.models import convert, rnn_types

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
EXERCISES = {"ONE_TO_ONE": "build_one_to_one", "ONE_TO_MANY": "build_one_to_many",
             "MANY_TO_ONE": "build_many_to_one", "MANY_TO_MANY": "build_many_to_many",
             "ENCODER_DECODER": "build_encoder_decoder"}


def checks(exercise):
    return [getattr(check, f"check_{exercise}_{part}") for part in ("shapes", "layers", "values")]


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_right_answers_pass_every_check(exercise):
    for check_fn in checks(exercise):
        check_fn(RIGHT[exercise])


def test_the_checks_keep_their_names_and_say_what_they_try():
    for exercise in RIGHT:
        for check_fn, part in zip(checks(exercise), ("shapes", "layers", "values")):
            assert check_fn.__name__ == f"check_{exercise}_{part}"
            assert check_fn.__doc__.startswith("Hidden:" if part == "values" else "Visible:")


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_blank_answers_are_explained(exercise):
    def blank(*args):
        raise NotImplementedError()

    for check_fn in checks(exercise):
        with pytest.raises(harness.NotWritten):
            check_fn(blank)


# --- own work ------------------------------------------------------------------------------

FORBIDDEN = {  # at least these; each builder's model is a piece of another's
    "ONE_TO_ONE": {rnn_types.build_one_to_one},
    "ONE_TO_MANY": {rnn_types.build_one_to_many, rnn_types.build_many_to_many, convert.keras_simple_rnn},
    "MANY_TO_ONE": {rnn_types.build_many_to_one, rnn_types.build_many_to_many, convert.keras_simple_rnn},
    "MANY_TO_MANY": {rnn_types.build_many_to_many, rnn_types.build_one_to_many, convert.keras_simple_rnn},
    "ENCODER_DECODER": {rnn_types.build_encoder_decoder, rnn_types.build_one_to_many, rnn_types.build_many_to_one,
                        convert.keras_simple_rnn},
}


@pytest.mark.parametrize("constant", sorted(FORBIDDEN))
def test_every_forbidden_object_is_caught(constant):
    exercise = getattr(check, constant)
    assert exercise.name == EXERCISES[constant] and exercise.forbids[0].__name__ == exercise.name
    assert FORBIDDEN[constant] <= set(exercise.forbids)
    for ref in exercise.forbids:
        assert "your own" in failure(checks(exercise.name)[0], ref)
        for check_fn in checks(exercise.name):
            assert "your own" in failure(check_fn, lambda *a, ref=ref: ref(*a)), (ref, check_fn)


def test_a_learner_helper_that_calls_the_reference_is_named():
    def my_rnn(input_dim, units, output_dim):
        return rnn_types.build_many_to_many(input_dim, units, output_dim)

    def one_to_many_from_it(input_dim, units, output_dim, output_steps):
        return keras.Sequential([keras.Input((input_dim,)), L.RepeatVector(output_steps),
                                 my_rnn(input_dim, units, output_dim)])

    assert "rnncourse.models.rnn_types.build_many_to_many" in failure(
        check.check_build_one_to_many_shapes, one_to_many_from_it)


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

    with pytest.raises(harness.AnswerRaised) as raised:                 # Keras refuses to build it
        check.check_build_encoder_decoder_shapes(encoder_returns_sequences)
    assert isinstance(raised.value.error, ValueError)
    message = str(raised.value)
    assert "RepeatVector repeats ONE vector" in message and "encoder SimpleRNN must not use" in message


def test_aligned_model_handed_in_as_encoder_decoder():
    def aligned(input_dim, units, output_dim, output_steps):
        return keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(units, return_sequences=True),
                                 L.Dense(output_dim)])

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

    with pytest.raises(harness.AnswerRaised) as raised:
        check.check_build_one_to_many_shapes(no_repeat)
    assert "SimpleRNN reads a sequence" in str(raised.value) and "RepeatVector(output_steps)" in str(raised.value)


def test_one_to_many_decoder_without_return_sequences():
    def one_output(input_dim, units, output_dim, output_steps):
        return keras.Sequential([keras.Input((input_dim,)), L.RepeatVector(output_steps), L.SimpleRNN(units),
                                 L.Dense(output_dim)])

    message = failure(check.check_build_one_to_many_shapes, one_output)
    assert "not a sequence of output_steps = 4" in message and "the SimpleRNN needs return_sequences" in message


def test_fixed_output_steps():
    def always_four(input_dim, units, output_dim, output_steps):
        return keras.Sequential([keras.Input((input_dim,)), L.RepeatVector(4),
                                 L.SimpleRNN(units, return_sequences=True), L.Dense(output_dim)])

    check.check_build_one_to_many_shapes(always_four)                  # the visible test uses 4 steps
    assert "use the output_steps argument" in failure(check.check_build_one_to_many_values, always_four)


def test_compiled_model():
    def compiled(input_dim, units, output_dim):
        model = keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(units), L.Dense(output_dim)])
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
        return keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(units), L.Dense(output_dim)])

    assert "ONE vector per example" in failure(check.check_build_one_to_one_shapes, as_a_sequence)


def test_vector_input_for_many_to_one():
    def one_vector(input_dim, units, output_dim):
        return keras.Sequential([keras.Input((input_dim,)), L.Reshape((1, input_dim)), L.SimpleRNN(units),
                                 L.Dense(output_dim)])

    message = failure(check.check_build_many_to_one_shapes, one_vector)
    assert "one vector per example. It should read a sequence (N, T, D)" in message


def test_no_keras_input():
    def no_input(input_dim, units, output_dim):
        return keras.Sequential([L.SimpleRNN(units), L.Dense(output_dim)])

    assert "start it with keras.Input" in failure(check.check_build_many_to_one_shapes, no_input)


def test_missing_return():
    def forgot_return(input_dim, units, output_dim):
        keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(units), L.Dense(output_dim)])

    assert "forget the `return`" in failure(check.check_build_many_to_one_shapes, forgot_return)


def test_layers_instead_of_a_model():
    def a_list(input_dim, units, output_dim):
        return [keras.Input((None, input_dim)), L.SimpleRNN(units), L.Dense(output_dim)]

    assert "the model should be a Model; it is a list" in failure(check.check_build_many_to_one_shapes, a_list)


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


def test_no_bias_changes_the_parameter_count():
    def no_bias(input_dim, units, output_dim):
        return keras.Sequential([keras.Input((None, input_dim)), L.SimpleRNN(units, use_bias=False),
                                 L.Dense(output_dim)])

    assert "the number of parameters is 52" in failure(check.check_build_many_to_one_layers, no_bias)


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
