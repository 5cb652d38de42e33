"""The checks of unit 06_lstm_gru pass right answers and name each common mistake.

The wrong answers are written here, independently of the check module: each makes one
mistake, and the test asserts that the check fails with the explanation of that mistake.
"""

import numpy as np
import pytest
from failures import failure_message

from rnncourse.checks import harness
from rnncourse.checks import lstm_gru as check
from rnncourse.reference import gru as gru_reference
from rnncourse.reference import lstm as lstm_reference

pytestmark = pytest.mark.usefixtures("keras_seeded")

failure = failure_message


def sig(a):
    return 1 / (1 + np.exp(-a))


# --- lstm_step_forward ----------------------------------------------------------------------

def lstm_step(order="ifco", tanh_on=(), sigmoid_on=(), cell="f*c+i*g", out="o*tanh(c')", bias=True, swap=False):
    """An LSTM step reading the blocks in ``order``, with the given mistakes."""
    def step(x, prev_h, prev_c, Wx, Wh, b):
        H = prev_h.shape[1]
        A, B = (Wh, Wx) if swap else (Wx, Wh)
        a = x @ A + prev_h @ B + (b if bias else 0)
        blocks = dict(zip(order, np.split(a, 4, axis=1)))
        act = {role: (np.tanh if role in tanh_on else sig if role in sigmoid_on
                      else np.tanh if role == "c" else sig) for role in "ifco"}
        i, f, g, o = (act[role](blocks[role]) for role in "ifco")
        next_c = {"f*c+i*g": f * prev_c + i * g, "c+i*g": prev_c + i * g, "f*(c+i*g)": f * (prev_c + i * g),
                  "i*c+f*g": i * prev_c + f * g, "f*c+g": f * prev_c + g, "f*c+(1-f)*g": f * prev_c + (1 - f) * g}[cell]
        next_h = {"o*tanh(c')": o * np.tanh(next_c), "o*c'": o * next_c, "o*tanh(c)": o * np.tanh(prev_c),
                  "tanh(c')": np.tanh(next_c), "tanh(o*c')": np.tanh(o * next_c)}[out]
        assert next_h.shape == (x.shape[0], H)
        return next_h, next_c, (x, prev_h, prev_c)
    return step


STEP_CHECKS = [check.check_lstm_step_forward_basic, check.check_lstm_step_forward_random]


@pytest.mark.parametrize("check_fn", STEP_CHECKS)
def test_a_right_lstm_step_passes(check_fn):
    check_fn(lstm_step())
    check_fn(lambda *args: list(lstm_step()(*args)))


@pytest.mark.parametrize("wrong, message", [
    (lstm_step(order="ifoc"), "i, f, o, c (CS231n"),
    (lstm_step(order="icfo"), "BasicLSTMCell"),
    (lstm_step(order="fico"), "the forget gate multiplies the candidate (it is applied to the input)"),
    (lstm_step(cell="i*c+f*g"), "the forget gate multiplies the candidate (it is applied to the input)"),
    (lstm_step(order="oicf"), "read in the order o, i, c, f"),
    (lstm_step(order="cifo"), "read in the order c, i, f, o"),
    (lstm_step(tanh_on="f"), "the forget gate f computed with tanh; use sigmoid"),
    (lstm_step(tanh_on="i"), "the input gate i computed with tanh"),
    (lstm_step(tanh_on="o"), "the output gate o computed with tanh"),
    (lstm_step(sigmoid_on="c"), "the candidate (block c) computed with sigmoid; use tanh"),
    (lstm_step(tanh_on="ifo"), "tanh for every block"),
    (lstm_step(cell="c+i*g"), "the forget gate is missing"),
    (lstm_step(cell="f*(c+i*g)"), "the forget gate is applied to the new input as well"),
    (lstm_step(cell="f*c+g"), "the input gate is missing"),
    (lstm_step(cell="f*c+(1-f)*g"), "couples writing to forgetting"),
    (lstm_step(out="o*c'"), "next_h comes from next_c without the tanh"),
    (lstm_step(out="o*tanh(c)"), "uses the old cell"),
    (lstm_step(out="tanh(c')"), "the output gate is missing"),
    (lstm_step(out="tanh(o*c')"), "the output gate belongs outside the tanh"),
    (lstm_step(bias=False), "without the bias"),
])
@pytest.mark.parametrize("check_fn", STEP_CHECKS)
def test_lstm_step_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


def raised(check_fn, wrong):
    """The AnswerRaised with which ``check_fn`` reports the error ``wrong`` raised."""
    with pytest.raises(harness.AnswerRaised) as caught:
        check_fn(wrong)
    return caught.value


def test_lstm_step_swapped_weights_and_return_values():
    basic = raised(check.check_lstm_step_forward_basic, lstm_step(swap=True))  # D != H: a shape error
    assert isinstance(basic.error, ValueError) and "Wx (D, 4H)" in str(basic)
    assert "Wx and Wh are swapped" in failure(check.check_lstm_step_forward_random, lstm_step(swap=True))
    assert "next_h and next_c are swapped" in failure(
        check.check_lstm_step_forward_basic, lambda *a: (lstm_step()(*a)[1], lstm_step()(*a)[0], None))
    assert "returned one array" in failure(check.check_lstm_step_forward_basic, lambda *a: lstm_step()(*a)[0])
    assert "The cache comes last" in failure(check.check_lstm_step_forward_basic, lambda *a: lstm_step()(*a)[:2])


def test_reference_wrappers_and_blank_answers_are_refused():
    assert "your own" in failure(check.check_lstm_step_forward_basic, lstm_reference.lstm_step_forward)

    def wrapper(x, prev_h, prev_c, Wx, Wh, b):
        return lstm_reference.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)

    assert "your own" in failure(check.check_lstm_step_forward_basic, wrapper)

    def gru_wrapper(x, prev_h, Wx, Wh, b):
        return gru_reference.gru_step_forward(x, prev_h, Wx, Wh, b)

    assert "your own" in failure(check.check_gru_step_forward_basic, gru_wrapper)

    def blank(x, prev_h, Wx, Wh, b):
        raise NotImplementedError()

    with pytest.raises(harness.NotWritten):
        check.check_gru_step_forward_basic(blank)


@pytest.mark.parametrize("exercise, check_fn", [
    (check.LSTM_STEP_FORWARD, check.check_lstm_step_forward_basic),
    (check.LSTM_FORWARD, check.check_lstm_forward_basic),
    (check.LSTM_STEP_BACKWARD, check.check_lstm_step_backward_basic),
    (check.GRU_STEP_FORWARD, check.check_gru_step_forward_basic),
])
def test_every_forbidden_function_is_caught(exercise, check_fn):
    assert exercise.forbids
    for ref in exercise.forbids:
        assert "your own" in failure(check_fn, lambda *a: ref(*a)), ref.__name__
    assert "your own" in failure(check_fn, exercise.forbids[0])    # the reference itself


def test_inputs_changed_in_place_are_named():
    def cell_in_place(x, prev_h, prev_c, Wx, Wh, b):
        next_h, next_c, cache = lstm_step()(x, prev_h, prev_c.copy(), Wx, Wh, b)
        prev_c[...] = next_c                                # "update the cell"
        return next_h, next_c, cache

    def state_in_place(x, prev_h, Wx, Wh, b):
        next_h, cache = gru_step()(x, prev_h.copy(), Wx, Wh, b)
        prev_h += next_h - prev_h
        return next_h, cache

    for check_fn, wrong, argument in [(check.check_lstm_step_forward_basic, cell_in_place, "prev_c"),
                                      (check.check_gru_step_forward_basic, state_in_place, "prev_h")]:
        with pytest.raises(harness.ArgumentChanged) as changed:
            check_fn(wrong)
        assert changed.value.argument == argument


def test_a_plain_sigmoid_that_overflows_writes_no_warning(capsys):
    """Saturated inputs make 1 / (1 + exp(-a)) overflow: harmless, so no note about numpy's warning."""
    def naive(x, prev_h, prev_c, Wx, Wh, b):
        return lstm_step()(1000 * x, prev_h, prev_c, Wx, Wh, b)

    with np.errstate(over="warn"):
        failure(check.check_lstm_step_forward_basic, naive)
        check.check_lstm_step_forward_random(lstm_step())    # large inputs there too
        check.check_gru_step_forward_random(gru_step())
    captured = capsys.readouterr()
    assert "overflow" not in captured.out + captured.err


# --- lstm_forward ---------------------------------------------------------------------------

def lstm_forward(step=None, c0="zeros", carry_c=True, carry_h=True, keep="h", time_major=False, with_h0=False,
                 index_first=False):
    step = step or lstm_step()

    def forward(x, h0, Wx, Wh, b):
        N, T, _ = x.shape
        h, c = h0, (np.zeros_like(h0) if c0 == "zeros" else h0.copy())
        first_c, states = c, [h0] if with_h0 else []
        for t in range(T):
            new_h, new_c, _ = step(x[t] if index_first else x[:, t], h, c, Wx, Wh, b)
            states.append(new_h if keep == "h" else new_c)
            h = new_h if carry_h else h0
            c = new_c if carry_c else first_c
        return np.stack(states, axis=0 if time_major else 1), None
    return forward


FORWARD_CHECKS = [check.check_lstm_forward_basic, check.check_lstm_forward_keras, check.check_lstm_forward_random]


@pytest.mark.parametrize("check_fn", FORWARD_CHECKS)
def test_a_right_lstm_forward_passes(check_fn):
    check_fn(lstm_forward())


@pytest.mark.parametrize("wrong, message", [
    (lstm_forward(time_major=True), "stacked on the wrong axis"),
    (lstm_forward(with_h0=True), "h starts with h0"),
    (lambda *a: (lstm_forward(with_h0=True)(*a)[0][:, :-1], None), "h[:, 0] is h0 and h_T is missing"),
    (lambda *a: (lstm_forward()(*a)[0][:, -1], None), "only the last state h_T"),
    (lstm_forward(keep="c"), "h holds the cell states"),
    (lstm_forward(carry_c=False), "every step starts from a zero cell"),
    (lstm_forward(carry_h=False), "every step reads h0"),
    (lstm_forward(step=lstm_step(order="ifoc")), "wrong step: that is the order i, f, o, c"),
    (lstm_forward(step=lstm_step(out="o*c'")), "wrong step: next_h = o * next_c"),
    (lstm_forward(step=lstm_step(cell="c+i*g")), "wrong step: next_c = prev_c + i * g"),
    (lstm_forward(step=lstm_step(bias=False)), "without the bias"),
    (lstm_forward(step=lstm_step(tanh_on="f")), "the forget gate f computed with tanh"),
    (lstm_forward(step=lstm_step(out="tanh(o*c')")), "the output gate belongs outside the tanh"),
])
@pytest.mark.parametrize("check_fn", FORWARD_CHECKS)
def test_lstm_forward_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


def test_lstm_forward_mistakes_that_need_particular_inputs():
    assert "the cell starts from h0" in failure(check.check_lstm_forward_basic, lstm_forward(c0="h0"))
    assert "x[:, t]" in failure(check.check_lstm_forward_random, lstm_forward(index_first=True))
    assert "a tuple (h, cache) of two" in failure(
        check.check_lstm_forward_basic, lambda *a: (*lstm_forward()(*a), None))


def test_an_unfinished_step_is_named():
    def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
        raise NotImplementedError()

    def forward(x, h0, Wx, Wh, b):
        return lstm_forward(step=lstm_step_forward)(x, h0, Wx, Wh, b)

    assert "calls `lstm_step_forward`, which is not written yet" in failure(check.check_lstm_forward_basic, forward)


# --- gru_step_forward -----------------------------------------------------------------------

def gru_step(order="zrh", update="z*h+(1-z)*ht", reset="after", rec_bias="inside", rows=(0, 1), acts=None, swap=False):
    """A GRU step reading the blocks in ``order``, with the given mistakes."""
    def step(x, prev_h, Wx, Wh, b):
        A, B = (Wh, Wx) if swap else (Wx, Wh)
        b_in = b[rows[0]] if rows[0] is not None else 0 * b[0]
        b_rec = b[rows[1]] if rows[1] is not None else 0 * b[1]
        xs = dict(zip(order, np.split(x @ A + b_in, 3, axis=1)))
        hs = dict(zip(order, np.split(prev_h @ B, 3, axis=1)))
        bs = dict(zip(order, np.split(np.broadcast_to(b_rec, (3 * prev_h.shape[1],)), 3)))
        Wh_h = dict(zip(order, np.split(B, 3, axis=1)))["h"]
        act = {"z": sig, "r": sig, "h": np.tanh, **(acts or {})}
        z = act["z"](xs["z"] + hs["z"] + bs["z"])
        r = act["r"](xs["r"] + hs["r"] + bs["r"])
        if reset == "after":
            recurrent = r * (hs["h"] + bs["h"]) if rec_bias == "inside" else r * hs["h"] + bs["h"]
        elif reset == "before":
            recurrent = (r * prev_h) @ Wh_h + bs["h"]
        else:
            recurrent = hs["h"] + bs["h"]
        h_tilde = act["h"](xs["h"] + recurrent)
        next_h = {"z*h+(1-z)*ht": z * prev_h + (1 - z) * h_tilde, "z*ht+(1-z)*h": z * h_tilde + (1 - z) * prev_h,
                  "ht": h_tilde, "(1-z)*ht": (1 - z) * h_tilde}[update]
        return next_h, (z, r, h_tilde)
    return step


GRU_CHECKS = [check.check_gru_step_forward_basic, check.check_gru_step_forward_keras,
              check.check_gru_step_forward_random]


@pytest.mark.parametrize("check_fn", GRU_CHECKS)
def test_a_right_gru_step_passes(check_fn):
    check_fn(gru_step())


@pytest.mark.parametrize("wrong, message", [
    (gru_step(update="z*ht+(1-z)*h"), "interpolated the wrong way round"),
    (gru_step(reset="before"), "reset_after=False"),
    (gru_step(rec_bias="outside"), "added outside the reset gate"),
    (gru_step(rows=(1, 0)), "the two rows of b are swapped"),
    (gru_step(rows=(0, None)), "the recurrent bias b[1] is missing"),
    (gru_step(rows=(None, None)), "without any bias"),
    (gru_step(reset="none"), "the reset gate is missing"),
    (gru_step(order="rzh"), "PyTorch's order"),
    (gru_step(order="hzr"), "read in the order h, z, r"),
    (gru_step(update="ht"), "next_h is h_tilde alone"),
    (gru_step(update="(1-z)*ht"), "the kept part z * prev_h is missing"),
    (gru_step(acts={"h": sig}), "the candidate h_tilde is computed with sigmoid"),
    (gru_step(acts={"z": np.tanh}), "the update gate z is computed with tanh"),
    (gru_step(acts={"r": np.tanh}), "the reset gate r is computed with tanh"),
])
@pytest.mark.parametrize("check_fn", GRU_CHECKS)
def test_gru_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


def test_gru_bias_summed_once_is_the_bias_outside_the_reset():
    def summed(x, prev_h, Wx, Wh, b):
        H = prev_h.shape[1]
        a = x @ Wx + b[0] + b[1]
        rec = prev_h @ Wh
        z, r = sig(a[:, :H] + rec[:, :H]), sig(a[:, H:2 * H] + rec[:, H:2 * H])
        return z * prev_h + (1 - z) * np.tanh(a[:, 2 * H:] + r * rec[:, 2 * H:]), None

    assert "b[0] + b[1]" in failure(check.check_gru_step_forward_basic, summed)


def test_gru_reset_mistakes_from_a_zero_state_are_explained():
    """From prev_h = 0 three different mistakes give the same number; the message fits all three."""
    def zero_state_check(fn):
        x, h, _, Wx, Wh, b = harness.rnn_inputs(7, N=3, D=2, H=4, blocks=3, bias_rows=2, zero_state=True)
        check._check_gru_step(fn, x, h, Wx, Wh, b)

    for wrong in [gru_step(reset="before"), gru_step(rec_bias="outside"), gru_step(reset="none")]:
        assert "the recurrent bias sits inside the reset" in failure(zero_state_check, wrong)


def test_gru_swapped_weights_and_a_bias_used_as_one_row():
    basic = raised(check.check_gru_step_forward_basic, gru_step(swap=True))
    assert isinstance(basic.error, ValueError) and "b has shape (2, 3H)" in str(basic)
    assert "Wx and Wh are swapped" in failure(check.check_gru_step_forward_random, gru_step(swap=True))

    def whole_bias(x, prev_h, Wx, Wh, b):                  # b (2, 3H) added as if it were (3H,)
        H = prev_h.shape[1]
        a, rec = x @ Wx + b, prev_h @ Wh
        z, r = sig(a[:, :H] + rec[:, :H]), sig(a[:, H:2 * H] + rec[:, H:2 * H])
        return z * prev_h + (1 - z) * np.tanh(a[:, 2 * H:] + r * rec[:, 2 * H:]), None

    whole = raised(check.check_gru_step_forward_basic, whole_bias)
    assert isinstance(whole.error, ValueError) and "b[0] (3H,) is added to x @ Wx" in str(whole)


# --- lstm_step_backward ---------------------------------------------------------------------

def lstm_back(order="ifco", forget_from="prev_c", out_slope=True, keep_f=True, h_path=True, db_rows=False,
              swap_states=False):
    """A learner's backward step, with the given mistakes."""
    def backward(dnext_h, dnext_c, cache):
        x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c = cache
        dtanh = dnext_h * o
        if out_slope:
            dtanh = dtanh * (1 - np.tanh(next_c) ** 2)
        dc = dnext_c + dtanh if h_path else dnext_c
        di = dc * g * i * (1 - i)
        df = dc * (prev_c if forget_from == "prev_c" else next_c) * f * (1 - f)
        dg = dc * i * (1 - g ** 2)
        do = dnext_h * np.tanh(next_c) * o * (1 - o)
        da = np.hstack([{"i": di, "f": df, "c": dg, "o": do}[k] for k in order])
        dprev_c = dc * f if keep_f else dc
        db = da if db_rows else np.sum(da, axis=0)
        dprev_h = da @ Wh.T
        if swap_states:
            dprev_h, dprev_c = dprev_c, dprev_h
        return da @ Wx.T, dprev_h, dprev_c, x.T @ da, prev_h.T @ da, db
    return backward


BACKWARD_CHECKS = [check.check_lstm_step_backward_basic, check.check_lstm_step_backward_random]


@pytest.mark.parametrize("check_fn", BACKWARD_CHECKS)
def test_a_right_lstm_backward_passes(check_fn):
    check_fn(lstm_back())
    check_fn(lambda *args: list(lstm_back()(*args)))


@pytest.mark.parametrize("wrong, message", [
    (lstm_back(forget_from="next_c"), "the forget gate's derivative is taken through next_c"),
    (lstm_back(out_slope=False), "lacks tanh'(next_c)"),
    (lstm_back(keep_f=False), "dprev_c = dc: the factor f is missing"),
    (lstm_back(h_path=False), "dprev_c misses the path through next_h"),
    (lstm_back(order="ifoc"), "in the order i, f, o, c (CS231n's order)"),
    (lstm_back(order="fico"), "di and df are swapped in da"),
    (lstm_back(order="oicf"), "stacked in the order o, i, c, f"),
    (lstm_back(db_rows=True), "one row per example"),
    (lstm_back(swap_states=True), "dprev_h and dprev_c are swapped"),
])
@pytest.mark.parametrize("check_fn", BACKWARD_CHECKS)
def test_lstm_backward_mistakes_are_named(check_fn, wrong, message):
    assert message in failure(check_fn, wrong)


def test_lstm_backward_reference_blank_and_in_place_answers_are_refused():
    assert "your own" in failure(check.check_lstm_step_backward_basic, lstm_reference.lstm_step_backward)

    def wrapper(dnext_h, dnext_c, cache):
        return lstm_reference.lstm_step_backward(dnext_h, dnext_c, cache)

    assert "your own" in failure(check.check_lstm_step_backward_basic, wrapper)
    assert lstm_reference.lstm_step_backward in check.LSTM_STEP_BACKWARD.forbids

    def blank(dnext_h, dnext_c, cache):
        raise NotImplementedError()

    with pytest.raises(harness.NotWritten):
        check.check_lstm_step_backward_basic(blank)

    def upstream_in_place(dnext_h, dnext_c, cache):
        dc = dnext_c                                      # not a copy
        dc += 0 * dc + 1e-3
        return lstm_back()(dnext_h, dnext_c - 1e-3, cache)

    def cache_in_place(dnext_h, dnext_c, cache):
        result = lstm_back()(dnext_h, dnext_c, cache)
        f = cache[6]
        f *= 1.0 + 1e-3                                   # "reused" in place: writes into the cache
        return result

    for wrong, argument in [(upstream_in_place, "dnext_c"), (cache_in_place, "cache")]:
        with pytest.raises(harness.ArgumentChanged) as changed:
            check.check_lstm_step_backward_random(wrong)
        assert changed.value.argument == argument
