"""What the transposed-convolution explainer and `deconv explain` show, computed once: a setting
(kernel, stride, padding, output_padding, dilation, input size, 1-D or 2-D) read from DECONV_CONV
text or command-line options, its small integer example (or the article's trained decoder on the
example curve's code), and the computation broken into the steps a student follows: each input
value's stamp and where it lands, the stamped sum, what padding crops, where output_padding adds.

numpy only; every number comes from core.conv, the one transposed convolution.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass, field

import numpy as np

from core import conv
from core.conv import ConvError

ENV = "DECONV_CONV"
PER_AXIS = ("kernel", "stride", "padding", "output_padding", "dilation", "size")
KEYS = (*PER_AXIS, "dims", "seed")
DEFAULTS = {"kernel": 3, "stride": 2, "padding": 1, "output_padding": 1, "dilation": 1}  # 2x upsampling
DEFAULT_SIZE = {1: 4, 2: 3}
LIMITS = {"kernel": 16, "stride": 16, "padding": 32, "output_padding": 16, "dilation": 8, "size": 64}


def axes_text(values) -> str:
    """A per-axis setting as text: '2' when every axis has that value, else '2x1'."""
    return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))


@dataclass(frozen=True)
class Setting:
    """One transposed convolution to explain: per-axis settings (tuples of `dims` ints), the input
    size, and the seed of random integer values (None: the fixed small example)."""

    dims: int = 1
    size: tuple[int, ...] = (4,)
    kernel: tuple[int, ...] = (3,)
    stride: tuple[int, ...] = (2,)
    padding: tuple[int, ...] = (1,)
    output_padding: tuple[int, ...] = (1,)
    dilation: tuple[int, ...] = (1,)
    seed: int | None = None

    @property
    def out_size(self) -> tuple[int, ...]:
        """The output size per axis (core.conv.output_length); ConvError if PyTorch would refuse."""
        return conv.check(
            self.size, self.kernel, self.stride, self.padding, self.output_padding, self.dilation
        )

    def value(self, name: str) -> str:
        """'3' in 1-D, and in 2-D where both axes agree ('3x3' for the size), else '3x1'."""
        t = getattr(self, name)
        return "x".join(map(str, t)) if name == "size" else axes_text(t)

    def describe(self) -> str:
        """'kernel 3, stride 2, padding 1, output_padding 1, dilation 1'."""
        return ", ".join(f"{n} {self.value(n)}" for n in PER_AXIS[:-1])

    def text(self) -> str:
        """The setting as DECONV_CONV takes it."""
        words = [f"{n}={self.value(n)}" for n in PER_AXIS] + ([f"dims={self.dims}"] if self.dims > 1 else [])
        return " ".join(words + ([f"seed={self.seed}"] if self.seed is not None else []))


def setting(dims: int = 1, seed: int | None = None, source: str = ENV, **values) -> Setting:
    """A checked Setting from per-axis values (an int, a tuple, or 'AxB' text), missing ones from
    DEFAULTS. Raises ConvError (one line, starting with `source`) for a value out of range or a
    setting PyTorch refuses, naming the rule and the nearest valid choice."""
    if dims not in (1, 2):
        raise ConvError(f"{source}: dims={dims}: choose 1 or 2")
    axes = {}
    for name in PER_AXIS:
        v = values.get(name)
        if v is None:
            v = DEFAULT_SIZE[dims] if name == "size" else DEFAULTS[name]
        if isinstance(v, str):
            v = _numbers(name, v, source)
        t = (int(v),) * dims if np.ndim(v) == 0 else tuple(int(a) for a in v)
        if len(t) == 1:
            t = t * dims
        if len(t) != dims:
            raise ConvError(
                f"{source}: {name} has {len(t)} values but dims={dims}; give one number"
                + (f" or {dims} joined by x" if dims > 1 else " (or dims=2 for 2-D)")
            )
        if max(t) > LIMITS[name]:
            raise ConvError(
                f"{source}: {name}={'x'.join(map(str, t))} is more than this explainer draws; "
                f"use {name}={LIMITS[name]} or less"
            )
        axes[name] = t
    s = Setting(dims, seed=seed, **axes)
    try:
        _ = s.out_size
    except ConvError as e:
        raise ConvError(f"{source}: {e}") from None
    return s


def _numbers(name: str, text: str, source: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ConvError(
            f"{source}: {name}={text!r} is not a whole number (or two joined by x, as in 3x3)"
        ) from None


def parse(text: str | None, source: str = ENV) -> Setting:
    """DECONV_CONV text, 'kernel=3 stride=2 padding=1 output_padding=1 dilation=1 size=4' (any
    subset; dims=2 or a value like 3x3 for 2-D; seed=N for random integers), as a checked Setting.
    Empty or None: the default. Raises ConvError, one line starting with `source`."""
    values: dict[str, str] = {}
    for word in (text or "").replace(",", " ").split():
        key, eq, val = word.partition("=")
        key = key.strip().lower().replace("-", "_")
        if not eq or not val:
            raise ConvError(f"{source}: {word!r} is not key=value, as in kernel=3")
        if key not in KEYS:
            near = difflib.get_close_matches(key, KEYS, 1)
            hint = f"did you mean {near[0]}? " if near else ""
            raise ConvError(f"{source}: unknown key {key!r}; {hint}keys: {' '.join(KEYS)}")
        values[key] = val
    dims = values.pop("dims", None)
    seed = values.pop("seed", None)
    for name, text in (("dims", dims), ("seed", seed)):
        if text is not None and not text.lstrip("-").isdigit():
            raise ConvError(f"{source}: {name}={text!r} is not a whole number")
    dims = int(dims) if dims is not None else (2 if any("x" in v.lower() for v in values.values()) else 1)
    seed = int(seed) if seed is not None else None
    if seed is not None and seed < 0:
        raise ConvError(f"{source}: seed={seed}: use a seed of 0 or more")
    return setting(dims, seed, source, **values)


def example(s: Setting) -> tuple[np.ndarray, np.ndarray]:
    """The setting's small integer example: input (1, *size) and kernel as ConvTranspose stores it,
    (1, 1, *kernel). Without a seed the input counts 1, 2, 3, 1, 2, 3, ... and the kernel 1, 2, 3,
    ... (row + column + 1 in 2-D: lopsided, so a flip shows); with one, integers drawn from
    numpy's default_rng(seed): input in -3..3, kernel in -2..2."""
    if s.seed is not None:
        rng = np.random.default_rng(s.seed)
        return (
            rng.integers(-3, 4, (1, *s.size)).astype(float),
            rng.integers(-2, 3, (1, 1, *s.kernel)).astype(float),
        )
    x = (np.arange(int(np.prod(s.size))) % 3 + 1).reshape(1, *s.size).astype(float)
    w = sum(np.indices(s.kernel)) + 1
    return x, w.reshape(1, 1, *s.kernel).astype(float)


@dataclass(frozen=True)
class Stamp:
    """One input value times the kernel, and where the copy lands in the uncropped output."""

    channel: int  # input channel
    index: tuple[int, ...]  # the input value's position
    value: float
    offset: tuple[int, ...]  # index * stride: where its tap 0 lands
    values: np.ndarray  # (C_out, *K): value * kernel

    def positions(self, dilation: tuple[int, ...]) -> list[tuple[int, ...]]:
        """The uncropped output positions of its taps, in kernel order."""
        shape = self.values.shape[1:]
        return [
            tuple(o + t * d for o, t, d in zip(self.offset, taps, dilation))
            for taps in itertools.product(*(range(k) for k in shape))
        ]


@dataclass(frozen=True)
class Breakdown:
    """A transposed convolution step by step: the stamps, their uncropped sum, the crop, the
    output (core.conv.conv_transpose, to which it is checked equal)."""

    x: np.ndarray  # (C_in, *L)
    weight: np.ndarray  # (C_in, C_out, *K)
    bias: np.ndarray | None  # (C_out,)
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    output_padding: tuple[int, ...]
    dilation: tuple[int, ...]
    stamps: list[Stamp] = field(repr=False)
    full: np.ndarray = field(repr=False)  # (C_out, *F): every stamp added, before cropping, no bias
    counts: np.ndarray = field(repr=False)  # (*F): how many input positions' stamps reach each sample
    # (per input channel: with C_in channels, C_in times as many stamps land there)
    output: np.ndarray = field(repr=False)  # (C_out, *L_out)

    @property
    def dims(self) -> int:
        return self.x.ndim - 1

    @property
    def kernel(self) -> tuple[int, ...]:
        return tuple(self.weight.shape[2:])

    @property
    def out_size(self) -> tuple[int, ...]:
        return tuple(self.output.shape[1:])

    @property
    def stamped_size(self) -> tuple[int, ...]:
        """Per axis, how far the stamps reach: (L - 1)*stride + dilation*(kernel - 1) + 1."""
        return tuple(
            (n - 1) * s + d * (k - 1) + 1
            for n, s, d, k in zip(self.x.shape[1:], self.stride, self.dilation, self.kernel)
        )

    def kept(self) -> tuple[slice, ...]:
        """Per axis, the uncropped samples the output keeps: padding ... padding + L_out."""
        return tuple(slice(p, p + n) for p, n in zip(self.padding, self.out_size))

    def extra(self) -> tuple[list[int], ...]:
        """Per axis, the output samples output_padding adds at the end (output indices), and
        beyond the stamps (zero before the bias) when they lie past stamped_size."""
        return tuple(list(range(n - op, n)) for n, op in zip(self.out_size, self.output_padding))

    def interior_counts(self) -> np.ndarray:
        """The stamp counts away from the borders (uncropped coordinates): on each axis from the last
        tap of the first stamp, dilation*(kernel - 1), to the first tap of the last stamp,
        (L - 1)*stride. There the count follows its steady pattern: one value when the kernel's span
        is a multiple of the stride, else the checkerboard. Empty when no sample is that far in."""
        inside = tuple(
            slice(d * (k - 1), (n - 1) * s + 1)
            for n, s, d, k in zip(self.x.shape[1:], self.stride, self.dilation, self.kernel)
        )
        return self.counts[inside]

    def terms(self, position: tuple[int, ...]) -> list[tuple[Stamp, tuple[int, ...]]]:
        """The stamps that reach uncropped sample `position`, with the kernel tap each lands there."""
        found = []
        for st in self.stamps:
            shape = st.values.shape[1:]
            for taps in itertools.product(*(range(k) for k in shape)):
                if all(o + t * d == q for o, t, d, q in zip(st.offset, taps, self.dilation, position)):
                    found.append((st, taps))
        return found

    def json(self) -> dict:
        """Input, weight, bias, settings and output shaped as torch.nn.functional.conv_transpose1d/2d
        takes and returns them (no batch axis); settings an int in 1-D, a list per axis in 2-D."""
        one = (lambda t: t[0]) if self.dims == 1 else list
        return {
            "input": self.x.tolist(),
            "weight": self.weight.tolist(),
            "bias": None if self.bias is None else self.bias.tolist(),
            "stride": one(self.stride),
            "padding": one(self.padding),
            "output_padding": one(self.output_padding),
            "dilation": one(self.dilation),
            "output": self.output.tolist(),
        }


def breakdown(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride=1,
    padding=0,
    output_padding=0,
    dilation=1,
) -> Breakdown:
    """The steps of conv_transpose(x, weight, bias, ...): x (C_in, *L), weight (C_in, C_out, *K).
    Raises ConvError as core.conv does."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(weight, dtype=np.float64)
    dims = x.ndim - 1
    output = conv.conv_transpose(x, w, bias, stride, padding, output_padding, dilation, dims=dims)
    s, p, op, d = (
        conv._tuple(v, dims, n)
        for v, n in (
            (stride, "stride"),
            (padding, "padding"),
            (output_padding, "output_padding"),
            (dilation, "dilation"),
        )
    )
    kernel = w.shape[2:]
    stamps = [
        Stamp(c, idx, float(x[(c, *idx)]), tuple(i * si for i, si in zip(idx, s)), x[(c, *idx)] * w[c])
        for c in range(x.shape[0])
        for idx in itertools.product(*(range(n) for n in x.shape[1:]))
    ]
    size = [
        max((n - 1) * si + di * (k - 1) + 1, pi + m)
        for n, si, di, k, pi, m in zip(x.shape[1:], s, d, kernel, p, output.shape[1:])
    ]
    full = np.zeros((w.shape[1], *size))
    counts = np.zeros(size, dtype=int)
    for st in stamps:
        for taps, pos in zip(itertools.product(*(range(k) for k in kernel)), st.positions(d)):
            full[(slice(None), *pos)] += st.values[(slice(None), *taps)]
            if st.channel == 0:
                counts[pos] += 1
    b = None if bias is None else np.asarray(bias, dtype=np.float64)
    bd = Breakdown(x, w, b, s, p, op, d, stamps, full, counts, output)
    cropped = full[(slice(None), *bd.kept())]
    assert np.allclose(cropped + (0 if b is None else b.reshape((-1,) + (1,) * dims)), output)
    return bd


def of_setting(
    s: Setting, x: np.ndarray | None = None, weight: np.ndarray | None = None, bias: np.ndarray | None = None
) -> Breakdown:
    """The breakdown of setting `s` on its example (or on the given input and kernel)."""
    ex, ew = example(s)
    return breakdown(
        ex if x is None else x,
        ew if weight is None else weight,
        bias,
        s.stride,
        s.padding,
        s.output_padding,
        s.dilation,
    )


def article(ck, curve: np.ndarray) -> Breakdown:
    """The article's decoder, ConvTranspose1d(3, 1, 7, stride=4), with checkpoint `ck`'s weights, on
    the code of `curve`'s windows (its encoder, window by window): input (3, n_windows), weight
    (3, 1, 7), bias (1,)."""
    from core import data

    codes = ck.encode_windows(curve)
    return breakdown(codes, ck.dec_w.astype(np.float64)[:, None, :], [float(ck.dec_b)], data.STRIDE)


def trims(length: int, kernel: int, stride: int, padding: int, dilation: int) -> list[int]:
    """The input lengths a Conv1d with these settings maps to `length` outputs (why output_padding
    exists: a strided convolution sends several lengths to one, and the transposed convolution
    returns to one of them, the shortest plus output_padding)."""
    top = (length + 1) * stride + dilation * (kernel - 1) + 1
    return [
        n for n in range(1, top) if conv.conv_output_length(n, kernel, stride, padding, dilation) == length
    ]
