"""Property tests of core.conv (the transposed convolution, 1-D and 2-D, and its two other views) against
PyTorch, and of core.explain (the DECONV_CONV text, the step-by-step breakdown, the lengths a strided
convolution merges). Fast: no render, no checkpoint."""

import re

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import conv, explain
from core.conv import ConvError

F = torch.nn.functional
TORCH_TRANSPOSED = {1: F.conv_transpose1d, 2: F.conv_transpose2d}
NAMES = ("size", "kernel", "stride", "padding", "output_padding", "dilation")


@st.composite
def conv_settings(draw, dims=None, valid_op=False):
    """A transposed convolution: per-axis settings (each axis its own), shapes and a seed. With
    valid_op, output_padding is below max(stride, dilation) (so only padding can make it invalid);
    otherwise it goes up to 4, so that some draws break PyTorch's rule."""
    dims = draw(st.sampled_from((1, 2))) if dims is None else dims
    axes = {name: [] for name in NAMES}
    for _ in range(dims):
        s, d = draw(st.integers(1, 4)), draw(st.integers(1, 3))
        axes["size"].append(draw(st.integers(1, 6)))
        axes["kernel"].append(draw(st.integers(1, 5)))
        axes["stride"].append(s)
        axes["dilation"].append(d)
        axes["padding"].append(draw(st.integers(0, 4)))
        axes["output_padding"].append(draw(st.integers(0, max(s, d) - 1 if valid_op else 4)))
    return dict(
        dims=dims,
        batch=draw(st.sampled_from((None, 1, 2))),  # None: unbatched
        c_in=draw(st.integers(1, 3)),
        c_out=draw(st.integers(1, 3)),
        bias=draw(st.booleans()),
        seed=draw(st.integers(0, 2**16)),
        **{name: tuple(v) for name, v in axes.items()},
    )


def arrays(s):
    """Input, weight (C_in, C_out, *K) and bias (or None) of draw `s`, float64 normals."""
    rng = np.random.default_rng(s["seed"])
    lead = (s["c_in"],) if s["batch"] is None else (s["batch"], s["c_in"])
    x = rng.normal(size=(*lead, *s["size"]))
    w = rng.normal(size=(s["c_in"], s["c_out"], *s["kernel"]))
    b = rng.normal(size=s["c_out"]) if s["bias"] else None
    return x, w, b


def settings_of(s):
    """stride, padding, output_padding, dilation: an int in 1-D (as a caller writes it), per axis in 2-D."""
    one = (lambda t: t[0]) if s["dims"] == 1 else tuple
    return tuple(one(s[n]) for n in ("stride", "padding", "output_padding", "dilation"))


def torch_transposed(s, x, w, b):
    """PyTorch's output, or None where it refuses the setting."""
    stride, padding, output_padding, dilation = settings_of(s)
    t = torch.tensor(x)
    try:
        out = TORCH_TRANSPOSED[s["dims"]](
            t,
            torch.tensor(w),
            None if b is None else torch.tensor(b),
            stride,
            padding,
            output_padding,
            1,
            dilation,
        )
    except (RuntimeError, ValueError):
        return None
    return out.numpy()


def ours(s, x, w, b):
    stride, padding, output_padding, dilation = settings_of(s)
    return conv.conv_transpose(x, w, b, stride, padding, output_padding, dilation)


def broken_axis(s, message):
    """The axis (and the rule) a ConvError message is about: output_padding names its axis in 2-D;
    the output-length message carries that axis's numbers, matched here."""
    if "output_padding" in message and "must be smaller than stride" in message:
        m = re.match(
            r"output_padding(?:\[(\d)\])?=(\d+) must be smaller than stride \((\d+)\) or dilation \((\d+)\)",
            message,
        )
        assert m, message
        axis = int(m.group(1) or 0)
        assert (s["output_padding"][axis], s["stride"][axis], s["dilation"][axis]) == tuple(
            map(int, m.groups()[1:])
        )
        return axis, "output_padding"
    m = re.match(
        r"output length(?: on axis (\d))? \((\d+) - 1\)\*(\d+) - 2\*(\d+) \+ (\d+)\*\((\d+) - 1\) \+ (\d+)"
        r" \+ 1 = (-?\d+) is below 1",
        message,
    )
    assert m, message
    assert (m.group(1) is not None) == (s["dims"] == 2), message  # 2-D names the axis
    numbers = tuple(int(v) for v in m.groups()[1:])
    for axis in range(s["dims"]):
        mine = tuple(
            s[n][axis] for n in ("size", "stride", "padding", "dilation", "kernel", "output_padding")
        )
        n_out = conv.output_length(
            *(s[n][axis] for n in ("size", "kernel", "stride", "padding", "output_padding", "dilation"))
        )
        if numbers == (*mine, n_out):
            assert n_out < 1
            return axis, "output length"
    raise AssertionError(f"no axis has the numbers of {message!r}: {s}")


def replaced(s, name, axis, value):
    t = list(s[name])
    t[axis] = value
    return {**s, name: tuple(t)}


# --- 1. conv_transpose is PyTorch's, and refuses what PyTorch refuses ---------------------------------
@settings(max_examples=120, deadline=None)
@given(conv_settings())
def test_conv_transpose_is_pytorchs_and_refuses_what_it_refuses(s):
    x, w, b = arrays(s)
    want = torch_transposed(s, x, w, b)
    try:
        got = ours(s, x, w, b)
    except ConvError as e:
        assert want is None, f"we refused what PyTorch computes: {e}"
    else:
        assert want is not None, "we computed what PyTorch refuses"
        lead = (s["c_out"],) if s["batch"] is None else (s["batch"], s["c_out"])
        out = tuple(conv.output_length(*(s[n][a] for n in NAMES)) for a in range(s["dims"]))
        assert got.shape == want.shape == (*lead, *out)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)
        return
    # a refused setting: follow each suggestion until both accept it
    for _ in range(2 * s["dims"] + 1):
        x, w, b = arrays(s)
        try:
            ours(s, x, w, b)
        except ConvError as e:
            message = str(e)
        else:
            break
        assert torch_transposed(s, x, w, b) is None
        assert "\n" not in message and "; use " in message
        axis, rule = broken_axis(s, message)
        if rule == "output_padding":
            best = int(re.search(r"; use output_padding=(\d+)$", message).group(1))
            assert best == max(s["stride"][axis], s["dilation"][axis]) - 1  # the largest that is allowed
            s = replaced(s, "output_padding", axis, best)
        else:
            use = re.search(r"; use padding=([\dx]+) or less$", message).group(1).split("x")
            assert len(use) == s["dims"]  # a value per axis, as the setting takes it
            most = int(use[axis])
            args = [s[n][axis] for n in NAMES]
            assert conv.output_length(*args[:3], most, *args[4:]) >= 1  # 'or less': the largest that fits
            assert conv.output_length(*args[:3], most + 1, *args[4:]) < 1
            s = replaced(s, "padding", axis, most)
        x, w, b = arrays(s)
        try:
            ours(s, x, w, b)
        except ConvError as e:  # the fix holds; a later rule or axis may still be broken
            assert broken_axis(s, str(e)) != (axis, rule)
    else:
        raise AssertionError(f"the suggestions never gave a valid setting: {s}")
    want, got = torch_transposed(s, x, w, b), ours(s, x, w, b)
    assert want is not None and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)


def test_conv_transpose_messages():
    x, w = np.ones((1, 3)), np.ones((1, 1, 3))
    with pytest.raises(ConvError) as e:
        conv.conv_transpose1d(x, w, stride=2, output_padding=2)
    assert (
        str(e.value)
        == "output_padding=2 must be smaller than stride (2) or dilation (1); use output_padding=1"
    )
    with pytest.raises(ConvError) as e:
        conv.conv_transpose1d(x, w, stride=1, padding=3)
    assert (
        str(e.value)
        == "output length (3 - 1)*1 - 2*3 + 1*(3 - 1) + 0 + 1 = -1 is below 1; use padding=2 or less"
    )
    with pytest.raises(ConvError, match=r"^output_padding\[1\]=1 must be smaller"):
        conv.conv_transpose2d(np.ones((1, 2, 2)), np.ones((1, 1, 2, 2)), stride=(2, 1), output_padding=(1, 1))
    with pytest.raises(ConvError, match="stride has 3 values for 2-D"):
        conv.conv_transpose2d(np.ones((1, 2, 2)), np.ones((1, 1, 2, 2)), stride=(1, 1, 1))
    with pytest.raises(ConvError, match=r"bias must have shape \(C_out=1,\)"):
        conv.conv_transpose1d(x, w, np.ones(2))
    # 2x upsampling, by hand: stamps 1*[1,2,3] at 0, 2*[1,2,3] at 2, cropped by 1, one sample kept at the end
    np.testing.assert_array_equal(
        conv.conv_transpose1d([[1.0, 2.0]], [[[1.0, 2.0, 3.0]]], None, 2, 1, 1), [[2.0, 5.0, 4.0, 6.0]]
    )


# --- 2. the zero-insertion view -----------------------------------------------------------------------
@settings(max_examples=80, deadline=None)
@given(conv_settings(valid_op=True))
def test_zero_insertion_equals_the_scatter(s):
    s = {**s, "batch": None}
    x, w, b = arrays(s)
    try:
        want = ours(s, x, w, b)
    except ConvError:
        with pytest.raises(ConvError):
            conv.conv_transpose_by_zero_insertion(x, w, b, *settings_of(s))
        assume(False)
    got = conv.conv_transpose_by_zero_insertion(x, w, b, *settings_of(s))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)


def test_zero_inserted_by_hand():
    # stride 2: one zero between; kernel 3, padding 0: 2 zeros each side; output_padding 1: one more at
    # the end
    np.testing.assert_array_equal(conv.zero_inserted([[1.0, 2.0]], 3, 2, 0, 1), [[0, 0, 1, 0, 2, 0, 0, 0]])
    # padding 3 > dilation*(kernel - 1) = 2: one sample cropped from each border instead
    np.testing.assert_array_equal(conv.zero_inserted([[1.0, 2.0, 3.0]], 3, 1, 3), [[2.0]])


# --- 3. the matrix views --------------------------------------------------------------------------------
@st.composite
def one_channel(draw, valid_op=True):
    s, d = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    return dict(
        length=draw(st.integers(1, 10)),
        k=draw(st.integers(1, 5)),
        stride=s,
        padding=draw(st.integers(0, 4)),
        output_padding=draw(st.integers(0, max(s, d) - 1 if valid_op else 4)),
        dilation=d,
        seed=draw(st.integers(0, 2**16)),
    )


@settings(max_examples=80, deadline=None)
@given(one_channel())
def test_transposed_matrix_is_the_transposed_convolution(c):
    rng = np.random.default_rng(c["seed"])
    kernel, x = rng.normal(size=c["k"]), rng.normal(size=c["length"])
    args = (c["stride"], c["padding"], c["output_padding"], c["dilation"])
    n_out = conv.output_length(c["length"], c["k"], *args)
    if n_out < 1:
        with pytest.raises(ConvError, match="output length"):
            conv.transposed_matrix(kernel, c["length"], *args)
        return
    m = conv.transposed_matrix(kernel, c["length"], *args)
    assert m.shape == (n_out, c["length"])
    np.testing.assert_allclose(
        m @ x, conv.conv_transpose1d(x[None], kernel[None, None], None, *args)[0], atol=1e-10
    )
    full = conv.conv_matrix(kernel, n_out, c["stride"], c["padding"], c["dilation"])
    assert full.shape[0] >= c["length"]
    np.testing.assert_array_equal(m, full[: c["length"]].T)


@settings(max_examples=80, deadline=None)
@given(one_channel())
def test_conv_matrix_is_pytorchs_conv1d(c):
    rng = np.random.default_rng(c["seed"])
    kernel, x = rng.normal(size=c["k"]), rng.normal(size=c["length"])
    args = (c["stride"], c["padding"], c["dilation"])
    rows = conv.conv_output_length(c["length"], c["k"], *args)
    tx, tk = torch.tensor(x)[None, None], torch.tensor(kernel)[None, None]
    if rows < 1:
        with pytest.raises(ConvError, match="does not fit"):
            conv.conv_matrix(kernel, c["length"], *args)
        with pytest.raises(RuntimeError):
            F.conv1d(tx, tk, None, *args)
        return
    want = F.conv1d(tx, tk, None, *args)[0, 0].numpy()
    m = conv.conv_matrix(kernel, c["length"], *args)
    assert m.shape == (rows, c["length"]) == (len(want), c["length"])
    np.testing.assert_allclose(m @ x, want, atol=1e-10)


# --- 4. the gradient of a convolution is the transposed convolution -------------------------------------
@settings(max_examples=80, deadline=None)
@given(one_channel(), st.integers(1, 3), st.integers(1, 3))
def test_the_gradient_of_conv1d_is_the_transposed_convolution(c, c_in, c_out):
    rng = np.random.default_rng(c["seed"])
    n, k, s, p, d = c["length"], c["k"], c["stride"], c["padding"], c["dilation"]
    rows = conv.conv_output_length(n, k, s, p, d)
    assume(rows >= 1)
    x, w = rng.normal(size=(c_in, n)), rng.normal(size=(c_out, c_in, k))  # Conv1d stores (C_out, C_in, K)
    g = rng.normal(size=(c_out, rows))
    tx = torch.tensor(x, requires_grad=True)
    (torch.tensor(g) * F.conv1d(tx[None], torch.tensor(w), None, s, p, d)[0]).sum().backward()
    grad = tx.grad.numpy()
    # the lengths conv1d merges into `rows` differ by less than stride, so this output_padding is
    # always one PyTorch allows
    op = n - conv.output_length(rows, k, s, p, 0, d)
    assert 0 <= op < s
    # the same weight array is the transposed convolution's (C_in' = C_out, C_out' = C_in, K)
    np.testing.assert_allclose(conv.conv_transpose1d(g, w, None, s, p, op, d), grad, atol=1e-10)
    if c_in == c_out == 1:
        np.testing.assert_allclose(conv.conv_matrix(w[0, 0], n, s, p, d).T @ g[0], grad[0], atol=1e-10)


# --- 5. the breakdown -----------------------------------------------------------------------------------
@settings(max_examples=50, deadline=None)
@given(conv_settings(valid_op=True))
def test_breakdown_adds_up(s):
    s = {**s, "batch": None, "c_in": min(s["c_in"], 2)}
    x, w, b = arrays(s)
    stride, padding, output_padding, dilation = settings_of(s)
    try:
        output = ours(s, x, w, b)
    except ConvError:
        with pytest.raises(ConvError):
            explain.breakdown(x, w, b, stride, padding, output_padding, dilation)
        assume(False)
    bd = explain.breakdown(x, w, b, stride, padding, output_padding, dilation)
    np.testing.assert_array_equal(bd.output, output)
    assert bd.dims == s["dims"] and bd.kernel == s["kernel"] and bd.out_size == output.shape[1:]
    assert len(bd.stamps) == x.size
    bias = 0 if b is None else b.reshape((-1,) + (1,) * s["dims"])
    np.testing.assert_allclose(bd.full[(slice(None), *bd.kept())] + bias, output, rtol=0, atol=1e-10)
    # how many stamps reach each sample: the transposed convolution of ones by ones, uncropped
    stamped = bd.stamped_size
    ones = conv.conv_transpose(
        np.ones((1, *s["size"])), np.ones((1, 1, *s["kernel"])), None, stride, 0, 0, dilation
    )
    assert ones.shape[1:] == stamped
    inside = tuple(slice(0, n) for n in stamped)
    np.testing.assert_array_equal(bd.counts[inside], ones[0])
    assert bd.counts.sum() == ones.sum() == np.prod(s["size"]) * np.prod(s["kernel"])  # nothing beyond
    beyond = bd.full.copy()
    beyond[(slice(None), *inside)] = 0
    assert not beyond.any()  # where output_padding reaches past the stamps: zero before the bias
    # each sample is the sum of the stamps that reach it
    rng = np.random.default_rng(s["seed"] + 1)
    for _ in range(6):
        pos = tuple(int(rng.integers(0, n)) for n in bd.full.shape[1:])
        terms = bd.terms(pos)
        assert len(terms) == bd.counts[pos] * s["c_in"]
        total = sum((st_.values[(slice(None), *taps)] for st_, taps in terms), np.zeros(s["c_out"]))
        np.testing.assert_allclose(total, bd.full[(slice(None), *pos)], rtol=0, atol=1e-10)
        for st_, taps in terms:
            assert st_.positions(bd.dilation)[int(np.ravel_multi_index(taps, s["kernel"]))] == pos
            np.testing.assert_array_equal(st_.values, x[(st_.channel, *st_.index)] * w[st_.channel])


def test_breakdown_of_the_default_example():
    bd = explain.of_setting(explain.parse(None))
    np.testing.assert_array_equal(bd.x, [[1, 2, 3, 1]])
    np.testing.assert_array_equal(bd.weight, [[[1, 2, 3]]])
    np.testing.assert_array_equal(bd.full, [[1, 2, 5, 4, 9, 6, 10, 2, 3]])
    np.testing.assert_array_equal(bd.counts, [1, 1, 2, 1, 2, 1, 2, 1, 1])
    np.testing.assert_array_equal(bd.output, [[2, 5, 4, 9, 6, 10, 2, 3]])
    assert bd.kept() == (slice(1, 9),) and bd.extra() == ([7],) and bd.stamped_size == (9,)


# --- 6. DECONV_CONV text --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, want",
    [
        (None, explain.Setting()),
        ("", explain.Setting()),
        ("kernel=3 stride=2 padding=1 output_padding=1 dilation=1 size=4", explain.Setting()),
        (
            "kernel=5, stride=3, padding=0, output-padding=2, SIZE=6 seed=7",
            explain.Setting(1, (6,), (5,), (3,), (0,), (2,), (1,), 7),
        ),
        ("kernel=3x3", explain.Setting(2, (3, 3), (3, 3), (2, 2), (1, 1), (1, 1), (1, 1))),
        (
            "kernel=2X2 stride=2 padding=0 output_padding=0",
            explain.Setting(2, (3, 3), (2, 2), (2, 2), (0, 0), (0, 0), (1, 1)),
        ),
        (
            "dims=2 kernel=3x1 stride=1x2 output_padding=0x1 padding=0 dilation=2 size=5x2",
            explain.Setting(2, (5, 2), (3, 1), (1, 2), (0, 0), (0, 1), (2, 2)),
        ),
    ],
)
def test_parse(text, want):
    s = explain.parse(text)
    assert s == want
    assert explain.parse(s.text()) == s
    assert s.out_size == tuple(conv.output_length(*(getattr(s, n)[a] for n in NAMES)) for a in range(s.dims))


def test_parse_text_and_out_size_of_the_default():
    s = explain.parse(None)
    assert s.text() == "kernel=3 stride=2 padding=1 output_padding=1 dilation=1 size=4"
    assert s.describe() == "kernel 3, stride 2, padding 1, output_padding 1, dilation 1"
    assert s.out_size == (8,)
    assert explain.parse("kernel=3x3").text().endswith("size=3x3 dims=2")


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("strde=2", "unknown key 'strde'; did you mean stride?"),
        ("kernel=three", "kernel='three' is not a whole number"),
        (
            "stride=2 output_padding=2",
            "output_padding=2 must be smaller than stride (2) or dilation (1); use output_padding=1",
        ),
        ("size=1 kernel=1 padding=3", "= -4 is below 1; use padding=0 or less"),
        ("dims=3", "dims=3: choose 1 or 2"),
        ("dims=1 kernel=3x3", "kernel has 2 values but dims=1"),
        ("kernel3", "'kernel3' is not key=value"),
        ("kernel=", "'kernel=' is not key=value"),
        ("seed=-1", "seed=-1: use a seed of 0 or more"),
        ("dims=two", "dims='two' is not a whole number"),
        ("kernel=17", "use kernel=16 or less"),
        ("size=0", "size=0: size must be at least 1; use size=1"),
        ("kernel=3x3 stride=2x1", "output_padding[1]=1 must be smaller than stride (1) or dilation (1)"),
    ],
)
def test_parse_refuses(text, fragment):
    with pytest.raises(ConvError) as e:
        explain.parse(text)
    message = str(e.value)
    assert message.startswith("DECONV_CONV: ") and "\n" not in message
    assert fragment in message


def test_parse_names_its_source():
    with pytest.raises(ConvError, match=r"^--conv: unknown key 'kernal'; did you mean kernel\?"):
        explain.parse("kernal=3", source="--conv")


@settings(max_examples=60, deadline=None)
@given(conv_settings(valid_op=True), st.one_of(st.none(), st.integers(0, 10**6)))
def test_parse_round_trips(s, seed):
    values = {n: s[n] for n in NAMES}
    try:
        want = explain.setting(s["dims"], seed, **values)
    except ConvError as e:
        assert str(e).startswith("DECONV_CONV: output length") and "\n" not in str(e)
        assume(False)
    assert want == explain.Setting(s["dims"], seed=seed, **values)
    assert explain.parse(want.text()) == want
    x, w = explain.example(want)
    assert x.shape == (1, *s["size"]) and w.shape == (1, 1, *s["kernel"])
    if seed is None:  # 1, 2, 3, 1, 2, 3, ... and row + column + 1
        np.testing.assert_array_equal(x.ravel(), np.arange(x.size) % 3 + 1)
        np.testing.assert_array_equal(w[0, 0], sum(np.indices(s["kernel"])) + 1)
    else:
        assert set(np.unique(x)) <= set(range(-3, 4)) and set(np.unique(w)) <= set(range(-2, 3))
        again = explain.example(want)
        np.testing.assert_array_equal(again[0], x)
        np.testing.assert_array_equal(again[1], w)


# --- 7. why output_padding exists -----------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(st.integers(1, 8), st.integers(1, 5), st.integers(1, 4), st.integers(0, 4), st.integers(1, 3))
def test_trims_are_the_lengths_a_conv_merges(length, k, s, p, d):
    got = explain.trims(length, k, s, p, d)
    # exactly the lengths that map to `length`, in order, none missed beyond the search's end
    assert got == [
        n for n in range(1, 3 * (length + s + d * k + 2)) if conv.conv_output_length(n, k, s, p, d) == length
    ]
    if not got:
        return
    assert got == list(range(got[0], got[-1] + 1)) and len(got) <= s
    assert got[0] == 1 or conv.conv_output_length(got[0] - 1, k, s, p, d) != length
    assert conv.conv_output_length(got[-1] + 1, k, s, p, d) != length
    shortest = conv.output_length(length, k, s, p, 0, d)
    assert got[-1] == shortest + s - 1 and got[0] == max(1, shortest)
    for o in range(s):
        n_out = conv.output_length(length, k, s, p, o, d)
        if n_out < 1:
            with pytest.raises(ConvError):
                conv.conv_transpose1d(np.ones((1, length)), np.ones((1, 1, k)), None, s, p, o, d)
            continue
        out = conv.conv_transpose1d(np.ones((1, length)), np.ones((1, 1, k)), None, s, p, o, d)
        assert out.shape == (1, n_out)
        if shortest >= 1:  # the transposed convolution with output_padding o returns the (o + 1)-th of them
            assert len(got) == s and n_out == got[o]
        else:  # the shortest few are below 1 sample: the list starts at 1
            assert n_out == got[o - (1 - shortest)]
