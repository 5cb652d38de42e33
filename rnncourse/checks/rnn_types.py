"""Checks of unit 02_rnn_types: the five Keras builders, one per input/output type.

Every builder is called as ``fn(input_dim, units, output_dim)``, plus ``output_steps`` for
one-to-many and encoder-decoder, and must return an UNCOMPILED ``keras.Model``. The checks
run it on random batches of several lengths, compare its layers and parameter count with the
reference in :mod:`rnncourse.models.rnn_types`, and finally copy the reference's weights into it and
compare outputs.
"""

import numpy as np

from ..course.setup import quiet_tensorflow
from .core import assert_own_work, call, expect_close, expect_equal, fail, reference, register

# exercise: (type name, reads a sequence?, takes output_steps?, the recipe in words)
TYPES = {
    "build_one_to_one": ("one-to-one", False, False,
                         "Input (D,) -> Dense(units, activation='tanh') -> Dense(output_dim)"),
    "build_one_to_many": ("one-to-many", False, True,
                          "Input (D,) -> RepeatVector(output_steps) -> SimpleRNN(units, "
                          "return_sequences=True) -> Dense(output_dim)"),
    "build_many_to_one": ("many-to-one", True, False,
                          "Input (None, D) -> SimpleRNN(units) -> Dense(output_dim)"),
    "build_many_to_many": ("many-to-many", True, False,
                           "Input (None, D) -> SimpleRNN(units, return_sequences=True) -> Dense(output_dim)"),
    "build_encoder_decoder": ("encoder-decoder", True, True,
                              "Input (None, D) -> SimpleRNN(units) -> RepeatVector(output_steps) -> "
                              "SimpleRNN(units, return_sequences=True) -> Dense(output_dim)"),
}
register({name: f"rnncourse.models.rnn_types:{name}" for name in TYPES})

LENGTHS = (1, 3, 7)  # input lengths T tried wherever T is free
_CELLS = ("SimpleRNN", "LSTM", "GRU")


def _a(name):
    """'a one-to-one', 'an encoder-decoder'."""
    return f"{'an' if name.startswith('e') else 'a'} {name}"


# --- building and running ----------------------------------------------------------------

def _args(exercise, D, H, V, S):
    return (D, H, V, S) if TYPES[exercise][2] else (D, H, V)


def _build(fn, exercise, D, H, V, S, seed=0):
    """The learner's model, built after seeding Keras; a build error is explained."""
    _, keras = quiet_tensorflow()
    keras.utils.set_random_seed(seed)
    try:
        model = call(fn, exercise, *_args(exercise, D, H, V, S))
    except AssertionError as err:
        text = str(err)
        if "repeat_vector" in text.lower() and "expected ndim=2, found ndim=3" in text:
            fail(f"{text}\nRepeatVector repeats ONE vector per example, shape (N, H), but it received "
                 f"a sequence (N, T, H). The encoder SimpleRNN must not use return_sequences=True: the "
                 f"decoder reads only the encoder's last state, the context.")
        if "expected ndim=3, found ndim=2" in text:
            fail(f"{text}\nA SimpleRNN reads a sequence (N, T, features), but it received one vector per "
                 f"example (N, features). In one-to-many, turn the vector into a sequence first with "
                 f"RepeatVector(output_steps).")
        raise
    if not isinstance(model, keras.Model):
        fail(f"`{exercise}` should return a keras.Model; it returned a {type(model).__name__}. "
             f"Did you forget the `return`?" if model is None else
             f"`{exercise}` should return a keras.Model; it returned a {type(model).__name__}.")
    return model


def _reference(exercise, D, H, V, S, seed=0):
    _, keras = quiet_tensorflow()
    keras.utils.set_random_seed(seed)
    return reference(exercise)(*_args(exercise, D, H, V, S))


def _run(model, exercise, x):
    _, keras = quiet_tensorflow()
    try:
        out = model(x, training=False)
    except Exception as err:  # the learner's model cannot read this batch
        fail(f"calling the model of `{exercise}` on a batch of shape {x.shape} raised "
             f"{type(err).__name__}: {str(err).splitlines()[0]}")
    if isinstance(out, (list, tuple, dict)):
        fail(f"the model of `{exercise}` returns {len(out)} outputs; it should return one array.")
    return keras.ops.convert_to_numpy(out)


def _batches(exercise, D, seed, N=2):
    """Random input batches: one (N, D) batch, or one (N, T, D) batch per T in LENGTHS."""
    rng = np.random.default_rng(seed)
    if not TYPES[exercise][1]:
        return [rng.standard_normal((N, D)).astype(np.float32)]
    return [rng.standard_normal((N, T, D)).astype(np.float32) for T in LENGTHS]


def _expected_shape(exercise, x, V, S):
    N = x.shape[0]
    if exercise in ("build_one_to_one", "build_many_to_one"):
        return (N, V)
    if exercise == "build_many_to_many":
        return (N, x.shape[1], V)
    return (N, S, V)


# --- what each part of a model is --------------------------------------------------------

def _layers(model):
    """The model's layers without its InputLayer, TimeDistributed(layer) counted as the layer."""
    _, keras = quiet_tensorflow()
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        found.append(layer.layer if isinstance(layer, keras.layers.TimeDistributed) else layer)
    return found


def _kinds(model):
    return [type(layer).__name__ for layer in _layers(model)]


# --- the checks' building blocks ---------------------------------------------------------

def _check_uncompiled(model, exercise):
    if getattr(model, "compiled", False):
        fail(f"the model of `{exercise}` is compiled. Return it uncompiled: the loss depends on the "
             f"task it will be trained on (mean squared error for a number, a cross-entropy for "
             f"classes), so the caller compiles it. Remove the model.compile(...) line.")


def _check_input(model, exercise, D):
    name, sequence, _, recipe = TYPES[exercise]
    shape = model.input_shape
    if isinstance(shape, list):
        fail(f"the model of `{exercise}` has {len(shape)} inputs; {_a(name)} model has one.")
    shape = tuple(shape)
    expected = (None, None, D) if sequence else (None, D)
    if sequence and len(shape) == 3 and shape[1] is not None:
        fail(f"the model's input shape is {shape}: it only accepts sequences of exactly T = {shape[1]} "
             f"steps, but T must be free. Use keras.Input(shape=(None, input_dim)): None lets every "
             f"batch have its own length, and the same weights are used at every step anyway.")
    if sequence and len(shape) == 2:
        fail(f"the model's input shape is {shape}: one vector per example. {_a(name).capitalize()} model reads a "
             f"sequence (N, T, D): use keras.Input(shape=(None, input_dim)).")
    if not sequence and len(shape) == 3:
        fail(f"the model's input shape is {shape}: a sequence per example. {_a(name).capitalize()} model reads ONE "
             f"vector per example, (N, D): use keras.Input(shape=(input_dim,)).")
    expect_equal("the model's input shape", shape, expected,
                 hint=f"The features axis (the last one) has input_dim = {D} entries. Recipe: {recipe}.")


def _check_output(out, exercise, x, H, V, S):
    name = TYPES[exercise][0]
    expected = _expected_shape(exercise, x, V, S)
    if out.shape == expected:
        return
    N = x.shape[0]
    T = x.shape[1] if x.ndim == 3 else None
    shown = f"for an input batch of shape {x.shape} the output has shape {out.shape}; expected {expected}"
    if exercise == "build_many_to_many" and out.shape == (N, V):
        fail(f"{shown}. You get one output per sequence instead of one per step: the SimpleRNN needs "
             f"return_sequences=True, so that it returns h_1 .. h_T, not only h_T.")
    if exercise == "build_many_to_one" and T is not None and out.shape == (N, T, V):
        fail(f"{shown}. You get one output per step: return_sequences=True makes the SimpleRNN return "
             f"every h_t. Many-to-one needs only the last state h_T: leave return_sequences at False.")
    if exercise in ("build_one_to_many", "build_encoder_decoder") and out.shape == (N, V):
        layer = "decoder SimpleRNN" if exercise == "build_encoder_decoder" else "SimpleRNN"
        fail(f"{shown}. The output is one vector, not a sequence of output_steps = {S} vectors: the "
             f"{layer} needs return_sequences=True.")
    if exercise == "build_encoder_decoder" and T is not None and T != S and out.shape == (N, T, V):
        fail(f"{shown}. Your model writes one output per INPUT step: that is the aligned many-to-many. "
             f"An encoder-decoder reads the whole input into its last state (the encoder SimpleRNN "
             f"without return_sequences), repeats that state output_steps times with "
             f"RepeatVector(output_steps), and decodes those {S} steps.")
    if S is not None and len(out.shape) == 3 and out.shape[0] == N and out.shape[2] == V and out.shape[1] != S:
        fail(f"{shown}. The model writes {out.shape[1]} steps but output_steps is {S}: use the "
             f"output_steps argument (e.g. RepeatVector(output_steps)), not a fixed number.")
    if out.shape[-1] == H and H != V:
        fail(f"{shown}. The last axis has units = {H} entries instead of output_dim = {V}: did you "
             f"forget the Dense(output_dim) output layer, or swap units and output_dim?")
    fail(f"{shown}. {_a(name).capitalize()} model: {TYPES[exercise][3]}.")


def _check_shapes(fn, exercise, D, H, V, S, seed):
    model = _build(fn, exercise, D, H, V, S)
    _check_uncompiled(model, exercise)
    _check_input(model, exercise, D)
    for x in _batches(exercise, D, seed):
        _check_output(_run(model, exercise, x), exercise, x, H, V, S)
    return model


def _check_layers(fn, exercise, D, H, V, S):
    name, _, _, recipe = TYPES[exercise]
    model = _build(fn, exercise, D, H, V, S)
    ref = _reference(exercise, D, H, V, S)
    kinds, expected = _kinds(model), _kinds(ref)
    if kinds != expected:
        other = sorted({k for k in kinds if k in ("LSTM", "GRU")})
        if other:
            fail(f"the model uses {', '.join(other)}. Use SimpleRNN, the plain recurrent layer this "
                 f"unit is about (LSTM and GRU come in unit 06, and have 4 and 3 times as many weights).")
        if exercise == "build_one_to_one" and any(k in _CELLS for k in kinds):
            fail(f"the layers are {kinds}. One-to-one has no sequence, so nothing to recur over: use "
                 f"Dense layers only ({recipe}).")
        fail(f"the layers are {kinds} (keras.Input is not counted); {_a(name)} model has {expected}: "
             f"{recipe}.")
    for i, (layer, ref_layer) in enumerate(zip(_layers(model), _layers(ref))):
        what = f"layer {i + 1} ({type(layer).__name__})"
        if hasattr(ref_layer, "units"):
            hint = (f"Did you swap units ({H}) and output_dim ({V})?"
                    if {layer.units, ref_layer.units} == {H, V} else "")
            expect_equal(f"the number of units of {what}", layer.units, ref_layer.units, hint=hint)
        if hasattr(ref_layer, "return_sequences"):
            expect_equal(f"return_sequences of {what}", layer.return_sequences, ref_layer.return_sequences)
        if hasattr(ref_layer, "activation"):
            got, want = layer.activation.__name__, ref_layer.activation.__name__
            if got != want and layer is _layers(model)[-1]:
                fail(f"the output layer has activation {got!r}; leave it linear (no activation). The "
                     f"model returns raw scores, and the caller picks the loss to match (mean squared "
                     f"error, or a cross-entropy with from_logits=True).")
            expect_equal(f"the activation of {what}", got, want,
                         hint="Keep tanh, the activation of the RNN update h_t = tanh(x_t Wx + h_(t-1) Wh + b).")
    counted, wanted = model.count_params(), ref.count_params()
    expect_equal("the number of parameters", counted, wanted,
                 hint=f"For D = {D}, H = {H}, V = {V}: each SimpleRNN has Wx (inputs, H), Wh (H, H) and "
                      f"b (H,); the output layer has Wy (H, V) and by (V,).")


def _check_values(fn, exercise, D, H, V, S, seed):
    """Copy the reference's weights into the learner's model; both must compute the same thing."""
    model = _check_shapes(fn, exercise, D, H, V, S, seed)
    ref = _reference(exercise, D, H, V, S, seed=seed)
    weights = ref.get_weights()
    shapes = [w.shape for w in model.get_weights()]
    expect_equal("the shapes of the model's weights", shapes, [w.shape for w in weights],
                 hint=f"The layers should be, in order: {TYPES[exercise][3]}.")
    model.set_weights(weights)
    hint = ("the decoder should start from h0 = 0 and read the context at each step, fed by "
            "RepeatVector" if exercise == "build_encoder_decoder" else "")
    for x in _batches(exercise, D, seed + 1, N=3):
        expect_close(f"the output for an input of shape {x.shape}, with the reference's weights copied in"
                     + (f" ({hint})" if hint else ""),
                     _run(model, exercise, x), _run(ref, exercise, x), atol=1e-5, rtol=1e-4)


# --- the checks the notebook's test cells call -------------------------------------------

def _visible_shapes(fn, exercise):
    assert_own_work(fn, exercise)
    _check_shapes(fn, exercise, D=3, H=5, V=2, S=4, seed=0)


def _visible_layers(fn, exercise):
    assert_own_work(fn, exercise)
    _check_layers(fn, exercise, D=3, H=5, V=2, S=4)


def _hidden(fn, exercise):
    assert_own_work(fn, exercise)
    for seed, (D, H, V, S) in enumerate([(1, 4, 3, 6), (6, 2, 1, 1), (2, 7, 5, 2)], start=10):
        _check_layers(fn, exercise, D, H, V, S)
        _check_values(fn, exercise, D, H, V, S, seed)


def check_build_one_to_one_shapes(fn):
    """Visible: (N, D) -> (N, V), uncompiled."""
    _visible_shapes(fn, "build_one_to_one")


def check_build_one_to_one_layers(fn):
    """Visible: Dense(H, tanh), Dense(V) linear, and their parameter count."""
    _visible_layers(fn, "build_one_to_one")


def check_build_one_to_one_values(fn):
    """Hidden: other sizes; with the reference's weights the outputs agree."""
    _hidden(fn, "build_one_to_one")


def check_build_one_to_many_shapes(fn):
    """Visible: (N, D) -> (N, output_steps, V), uncompiled."""
    _visible_shapes(fn, "build_one_to_many")


def check_build_one_to_many_layers(fn):
    """Visible: RepeatVector, SimpleRNN(return_sequences), Dense; parameter count."""
    _visible_layers(fn, "build_one_to_many")


def check_build_one_to_many_values(fn):
    """Hidden: other sizes (one output step too); outputs with the reference's weights."""
    _hidden(fn, "build_one_to_many")


def check_build_many_to_one_shapes(fn):
    """Visible: (N, T, D) -> (N, V) for T = 1, 3, 7 with one model; uncompiled."""
    _visible_shapes(fn, "build_many_to_one")


def check_build_many_to_one_layers(fn):
    """Visible: SimpleRNN, Dense; parameter count."""
    _visible_layers(fn, "build_many_to_one")


def check_build_many_to_one_values(fn):
    """Hidden: other sizes; outputs with the reference's weights."""
    _hidden(fn, "build_many_to_one")


def check_build_many_to_many_shapes(fn):
    """Visible: (N, T, D) -> (N, T, V) for T = 1, 3, 7 with one model; uncompiled."""
    _visible_shapes(fn, "build_many_to_many")


def check_build_many_to_many_layers(fn):
    """Visible: SimpleRNN(return_sequences), Dense; parameter count."""
    _visible_layers(fn, "build_many_to_many")


def check_build_many_to_many_values(fn):
    """Hidden: other sizes; outputs with the reference's weights."""
    _hidden(fn, "build_many_to_many")


def check_build_encoder_decoder_shapes(fn):
    """Visible: (N, T, D) -> (N, output_steps, V) for T = 1, 3, 7; uncompiled."""
    _visible_shapes(fn, "build_encoder_decoder")


def check_build_encoder_decoder_layers(fn):
    """Visible: SimpleRNN, RepeatVector, SimpleRNN(return_sequences), Dense; parameter count."""
    _visible_layers(fn, "build_encoder_decoder")


def check_build_encoder_decoder_values(fn):
    """Hidden: other sizes (one output step too); outputs with the reference's weights."""
    _hidden(fn, "build_encoder_decoder")
