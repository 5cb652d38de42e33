"""Checks of unit 02_rnn_types: the five Keras builders, one per input/output type.

Every builder is called as ``fn(input_dim, units, output_dim)``, plus ``output_steps`` for one-to-many and
encoder-decoder, and must return an UNCOMPILED ``keras.Model``, Sequential or functional. Shapes: ``N``
examples, ``T`` input steps (free), ``D = input_dim``, ``H = units``, ``V = output_dim``, ``S = output_steps``.
The checks read the model's input shape and layers, run it on batches of several lengths, and finally copy
the reference's weights (:mod:`rnncourse.models.rnn_types`) into it and compare outputs.
"""

import inspect

import numpy as np

from ..course.setup import quiet_tensorflow
from ..models import convert, rnn_types
from .harness import Exercise, expect_close, expect_equal, fail

# Each recurrent builder's model is a piece of another's: one-to-many is RepeatVector then many-to-many's
# model, many-to-one the last step of many-to-many's, encoder-decoder SimpleRNN then one-to-many's.
_RECURRENT = (rnn_types.build_one_to_many, rnn_types.build_many_to_one, rnn_types.build_many_to_many,
              rnn_types.build_encoder_decoder, convert.keras_simple_rnn)


def _exercise(reference, explain):
    """The exercise of ``reference`` (its first forbidden object), which builds a model piece by piece."""
    others = () if reference is rnn_types.build_one_to_one else _RECURRENT
    return Exercise(reference.__name__, (reference, *(f for f in others if f is not reference)), explain)


ONE_TO_ONE = _exercise(rnn_types.build_one_to_one, (
    "Shapes: x (N, D) -> Dense(units, activation='tanh') (N, H) -> Dense(output_dim) (N, V)."))
ONE_TO_MANY = _exercise(rnn_types.build_one_to_many, (
    "Shapes: x (N, D) -> RepeatVector(output_steps) (N, S, D) -> SimpleRNN(units, return_sequences=True) "
    "(N, S, H) -> Dense(output_dim) (N, S, V). A SimpleRNN reads a sequence (N, T, features), not one vector "
    "per example: turn the vector into a sequence first with RepeatVector(output_steps)."))
MANY_TO_ONE = _exercise(rnn_types.build_many_to_one, (
    "Shapes: x (N, T, D), T free -> SimpleRNN(units) (N, H) -> Dense(output_dim) (N, V)."))
MANY_TO_MANY = _exercise(rnn_types.build_many_to_many, (
    "Shapes: x (N, T, D), T free -> SimpleRNN(units, return_sequences=True) (N, T, H) -> Dense(output_dim) "
    "(N, T, V)."))
ENCODER_DECODER = _exercise(rnn_types.build_encoder_decoder, (
    "Shapes: x (N, T, D), T free -> encoder SimpleRNN(units) (N, H) -> RepeatVector(output_steps) (N, S, H) "
    "-> decoder SimpleRNN(units, return_sequences=True) (N, S, H) -> Dense(output_dim) (N, S, V). "
    "RepeatVector repeats ONE vector per example, (N, H), so the encoder SimpleRNN must not use "
    "return_sequences=True: the decoder reads only the encoder's last state, the context."))


def _models(exercise, fn, D, H, V, S, seed=0):
    """The learner's model, the reference's (each built after seeding Keras) and the sizes passed."""
    _, keras = quiet_tensorflow()
    reference = exercise.forbids[0]
    sizes = {name: value for name, value in dict(input_dim=D, units=H, output_dim=V, output_steps=S).items()
             if name in inspect.signature(reference).parameters}
    keras.utils.set_random_seed(seed)
    model = exercise.call(fn, **sizes)
    if model is None:
        fail(f"`{exercise.name}` returned None: did you forget the `return`?")
    model = exercise.returns(model, "the model", kind=keras.Model)
    keras.utils.set_random_seed(seed)
    return model, reference(**sizes), sizes


def _run(exercise, model, x):
    try:
        return np.asarray(model(x, training=False))     # several outputs: another shape, or an error
    except Exception as err:  # the learner's model cannot read this batch
        fail(f"calling the model of `{exercise.name}` on a batch of shape {x.shape} raised "
             f"{type(err).__name__}: {str(err).splitlines()[0]}")


def _batches(reference, D, seed, N=2):
    """Random input batches: one (N, D) batch, or one (N, T, D) batch for each of T = 1, 3, 7."""
    rng = np.random.default_rng(seed)
    shapes = [(N, D)] if len(reference.inputs[0].shape) == 2 else [(N, T, D) for T in (1, 3, 7)]
    return [rng.standard_normal(shape).astype(np.float32) for shape in shapes]


def _layers(model):
    """The model's layers without its InputLayer, TimeDistributed(layer) counted as the layer."""
    _, keras = quiet_tensorflow()
    return [getattr(layer, "layer", layer) if isinstance(layer, keras.layers.TimeDistributed) else layer
            for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


# --- the three parts of a check ----------------------------------------------------------

def _check_shapes(exercise, model, reference, sizes, seed):
    """Uncompiled, the input shape of the reference, and its output shape for every batch."""
    if getattr(model, "compiled", False):
        fail(f"the model of `{exercise.name}` is compiled. Return it uncompiled: the loss depends on the task "
             f"it will be trained on (mean squared error for a number, a cross-entropy for classes), so the "
             f"caller compiles it. Remove the model.compile(...) line.")
    inputs = getattr(model, "inputs", None) or []       # a Sequential model without keras.Input has none
    if len(inputs) != 1:
        fail(f"the model of `{exercise.name}` has {len(inputs) or 'no'} inputs; it should have one: start it "
             f"with keras.Input. {exercise.explain}")
    shape, expected = tuple(inputs[0].shape), tuple(reference.inputs[0].shape)
    if len(expected) == len(shape) == 3 and shape[1] is not None:
        fail(f"the model's input shape is {shape}: it only accepts sequences of exactly T = {shape[1]} steps, "
             f"but T must be free. Use keras.Input(shape=(None, input_dim)): None lets every batch have its "
             f"own length, and the same weights are used at every step anyway.")
    if len(shape) != len(expected):
        fail(f"the model's input shape is {shape}: " + (
            "one vector per example. It should read a sequence (N, T, D): use keras.Input(shape=(None, input_dim))."
            if len(expected) == 3 else "a sequence per example. It should read ONE vector per example, (N, D): "
                                       "use keras.Input(shape=(input_dim,))."))
    expect_equal("the model's input shape", shape, expected, hint=f"The features axis (the last one) has "
                 f"input_dim = {expected[-1]} entries. {exercise.explain}")
    for x in _batches(reference, sizes["input_dim"], seed):
        out, expected = _run(exercise, model, x).shape, _run(exercise, reference, x).shape
        if out != expected:
            fail(f"for an input batch of shape {x.shape} the output has shape {out}; expected {expected}. "
                 + _output_mistake(exercise, x, out, sizes))


def _output_mistake(exercise, x, out, sizes):
    """What an output of shape ``out`` (not the reference's) says about the model."""
    N, T, S, H, V = len(x), x.shape[1] if x.ndim == 3 else None, sizes.get("output_steps"), *(
        sizes[name] for name in ("units", "output_dim"))
    known = [
        (exercise is MANY_TO_MANY and out == (N, V), "You get one output per sequence instead of one per "
         "step: the SimpleRNN needs return_sequences=True, so that it returns h_1 .. h_T, not only h_T."),
        (exercise is MANY_TO_ONE and out == (N, T, V), "You get one output per step: return_sequences=True "
         "makes the SimpleRNN return every h_t. Many-to-one needs only the last state h_T: leave "
         "return_sequences at False."),
        (S is not None and out == (N, V), f"The output is one vector, not a sequence of output_steps = {S} "
         f"vectors: the {'decoder ' * (exercise is ENCODER_DECODER)}SimpleRNN needs return_sequences=True."),
        (exercise is ENCODER_DECODER and T != S and out == (N, T, V), "Your model writes one output per INPUT "
         "step: that is the aligned many-to-many. An encoder-decoder reads the whole input into its last state "
         "(the encoder SimpleRNN without return_sequences), repeats that state output_steps times with "
         f"RepeatVector(output_steps), and decodes those {S} steps."),
        (S is not None and len(out) == 3 and out[::2] == (N, V), f"The model writes {out[1]} steps but "
         f"output_steps is {S}: use the output_steps argument (e.g. RepeatVector(output_steps)), not a fixed "
         f"number."),
        (out[-1] == H != V, f"The last axis has units = {H} entries instead of output_dim = {V}: did you forget "
         f"the Dense(output_dim) output layer, or swap units and output_dim?"),
    ]
    return next((why for found, why in known if found), exercise.explain)


def _check_layers(exercise, model, reference, sizes, seed):
    """The reference's layers, in order, with its units, return_sequences and activations."""
    H, V = sizes["units"], sizes["output_dim"]
    layers, expected = _layers(model), _layers(reference)
    kinds, wanted = [type(layer).__name__ for layer in layers], [type(layer).__name__ for layer in expected]
    gated = sorted({kind for kind in kinds if kind in ("LSTM", "GRU")})
    if gated:
        fail(f"the model uses {', '.join(gated)}. Use SimpleRNN, the plain recurrent layer this unit is about "
             f"(LSTM and GRU come in unit 06, and have 4 and 3 times as many weights).")
    if "SimpleRNN" in kinds and "SimpleRNN" not in wanted:
        fail(f"the layers are {kinds}. One-to-one has no sequence, so nothing to recur over: use Dense layers "
             f"only. {exercise.explain}")
    if kinds != wanted:
        fail(f"the layers are {kinds} (keras.Input is not counted); expected {wanted}. {exercise.explain}")
    for i, (layer, ref_layer) in enumerate(zip(layers, expected)):
        what = f"layer {i + 1} ({type(layer).__name__})"
        if hasattr(ref_layer, "units"):
            expect_equal(f"the number of units of {what}", layer.units, ref_layer.units, hint=f"Did you swap "
                         f"units ({H}) and output_dim ({V})?" if {layer.units, ref_layer.units} == {H, V} else "")
        if hasattr(ref_layer, "return_sequences"):
            expect_equal(f"return_sequences of {what}", layer.return_sequences, ref_layer.return_sequences)
        got, want = (getattr(getattr(each, "activation", None), "__name__", None) for each in (layer, ref_layer))
        if got != want and i == len(layers) - 1:
            fail(f"the output layer has activation {got!r}; leave it linear (no activation). The model returns "
                 f"raw scores, and the caller picks the loss to match (mean squared error, or a cross-entropy "
                 f"with from_logits=True).")
        expect_equal(f"the activation of {what}", got, want,
                     hint="Keep tanh, the activation of the RNN update h_t = tanh(x_t Wx + h_(t-1) Wh + b).")
    expect_equal("the number of parameters", model.count_params(), reference.count_params(),
                 hint=f"For D = {sizes['input_dim']}, H = {H}, V = {V}: each SimpleRNN has Wx (inputs, H), "
                      f"Wh (H, H) and b (H,); the output layer has Wy (H, V) and by (V,).")


def _check_values(exercise, model, reference, sizes, seed):
    """Copy the reference's weights into the learner's model; both must compute the same thing."""
    model.set_weights(reference.get_weights())      # the same shapes: _check_layers compared the layers
    hint = (" (the decoder should start from h0 = 0 and read the context at each step, fed by RepeatVector)"
            if exercise is ENCODER_DECODER else "")
    for x in _batches(reference, sizes["input_dim"], seed + 1, N=3):
        expect_close(f"the output for an input of shape {x.shape}, with the reference's weights copied in{hint}",
                     _run(exercise, model, x), _run(exercise, reference, x), atol=1e-5, rtol=1e-4)


# --- the checks the notebook's test cells call -------------------------------------------

VISIBLE = [(0, 3, 5, 2, 4)]                                         # seed, D, H, V, S
HIDDEN = [(10, 1, 4, 3, 6), (11, 6, 2, 1, 1), (12, 2, 7, 5, 2)]     # one input feature, one output step


def _checks(exercise, shapes, layers):
    """The exercise's checks ``check_<name>_shapes``, ``_layers`` and ``_values``, which the test cells call;
    ``shapes`` and ``layers`` say, for the docstrings, what the visible ones try."""
    def make(part, steps, cases, doc):
        def check(fn):
            exercise.own_work(fn)
            for seed, D, H, V, S in cases:
                model, reference, sizes = _models(exercise, fn, D, H, V, S, seed)
                for step in steps:
                    step(exercise, model, reference, sizes, seed)
        check.__name__ = check.__qualname__ = f"check_{exercise.name}_{part}"
        check.__doc__ = doc
        return check

    return (make("shapes", [_check_shapes], VISIBLE, f"Visible: {shapes}; uncompiled."),
            make("layers", [_check_layers], VISIBLE, f"Visible: {layers}; parameter count."),
            make("values", [_check_layers, _check_shapes, _check_values], HIDDEN, "Hidden: other sizes (one "
                 "input feature, one output step); outputs with the reference's weights."))


check_build_one_to_one_shapes, check_build_one_to_one_layers, check_build_one_to_one_values = _checks(
    ONE_TO_ONE, "(N, D) -> (N, V)", "Dense(H, tanh), Dense(V) linear")
check_build_one_to_many_shapes, check_build_one_to_many_layers, check_build_one_to_many_values = _checks(
    ONE_TO_MANY, "(N, D) -> (N, output_steps, V)", "RepeatVector, SimpleRNN(return_sequences), Dense")
check_build_many_to_one_shapes, check_build_many_to_one_layers, check_build_many_to_one_values = _checks(
    MANY_TO_ONE, "(N, T, D) -> (N, V) for T = 1, 3, 7 with one model", "SimpleRNN, Dense")
check_build_many_to_many_shapes, check_build_many_to_many_layers, check_build_many_to_many_values = _checks(
    MANY_TO_MANY, "(N, T, D) -> (N, T, V) for T = 1, 3, 7 with one model", "SimpleRNN(return_sequences), Dense")
(check_build_encoder_decoder_shapes, check_build_encoder_decoder_layers,
 check_build_encoder_decoder_values) = _checks(ENCODER_DECODER, "(N, T, D) -> (N, output_steps, V) for T = 1, "
                                               "3, 7", "SimpleRNN, RepeatVector, SimpleRNN(return_sequences), Dense")
