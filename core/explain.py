"""What the transposed-convolution explainer and `deconv explain` show, computed once: a setting
(kernel, stride, padding, output_padding, dilation, input size, 1-D or 2-D) read from DECONV_CONV
text or command-line options, its small integer example (or the article's trained decoder on the
example curve's code), and the computation broken into the steps a student follows: each input
value's stamp and where it lands, the stamped sum, what padding crops, where output_padding adds.
The matrix view too (`matrix_of`): C, the convolution whose transpose the setting is, and Cᵀ C, as
much of them as the screen shows, computed from where the kernel's taps land, never the whole
matrix (in 2-D, (H_in·W_in) x (H_out·W_out) entries and (H_out·W_out)² for Cᵀ C).

Memory is bounded by LIMITS, whatever the setting within them. The largest, DECONV_CONV="dims=2
size=64x64 kernel=16 stride=16 dilation=8 seed=5" (output 1128 x 1128; C would be 4,096 x 1,272,384,
42 GB), takes 360 MB at its peak for its breakdown and every number of its matrix view, measured; the
rank's C Cᵀ (4,096 x 4,096, 134 MB, seconds of eigenvalues) is the largest part.

numpy only; every number comes from core.conv, the one transposed convolution.
"""

from __future__ import annotations

import difflib
import itertools
import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from core import conv
from core.conv import ConvError

ENV = "DECONV_CONV"
PER_AXIS = ("kernel", "stride", "padding", "output_padding", "dilation", "size")
KEYS = (*PER_AXIS, "dims", "seed")
DEFAULTS = {"kernel": 3, "stride": 2, "padding": 1, "output_padding": 1, "dilation": 1}  # 2x upsampling
DEFAULT_SIZE = {1: 4, 2: 3}
LIMITS = {"kernel": 16, "stride": 16, "padding": 32, "output_padding": 16, "dilation": 8, "size": 64}
CHANNELS = 16  # input channels `deconv explain --input` takes: its table has a row per channel and position
STAMPS = LIMITS["size"] ** 2  # and stamps (channels x input samples or pixels): one channel's largest 2-D
DENSE_RANK = 1 << 20  # entries of C up to which its rank is taken on C itself (8 MiB); beyond, on C Cᵀ


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


# the transposed-convolution video's first example: one channel of small whole numbers, so that the
# rule shows before any trained value (its input counts 1, 2, 3 and its kernel 1, 2, 3: `example`)
BY_HAND = {"kernel": 3, "stride": 2, "padding": 0, "output_padding": 0, "dilation": 1, "size": 3}


def by_hand() -> Breakdown:
    """The breakdown of BY_HAND: input 1, 2, 3, kernel 1, 2, 3, stride 2, nothing cropped."""
    return of_setting(setting(1, **BY_HAND))


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


# --- the matrix view: C and Cᵀ C, as much as is shown ---------------------------------------------------
class DenseMatrix:
    """A small matrix C held whole (the article's encoder, a few rows), with what the matrix sections
    show of it and of Cᵀ C (held whole too): the same questions ConvMatrix answers without them."""

    def __init__(self, c: np.ndarray):
        self.c = np.asarray(c, dtype=np.float64)
        self.shape = self.c.shape
        self.g = self.c.T @ self.c

    def block(self, rows: int, cols: int) -> np.ndarray:
        """C's top-left rows x cols (fewer where C has fewer)."""
        return self.c[:rows, :cols]

    def gram_block(self, n: int) -> np.ndarray:
        """(Cᵀ C)'s top-left n x n."""
        return self.g[:n, :n]

    def gram_diagonal(self) -> tuple[float, float]:
        """The smallest and largest value on Cᵀ C's diagonal."""
        d = np.diag(self.g)
        return float(d.min()), float(d.max())

    def gram_off_diagonal(self) -> float:
        """The largest size of an entry of Cᵀ C off its diagonal (0 when it has none)."""
        return float(np.abs(self.g - np.diag(np.diag(self.g))).max())

    def gram_times(self, v: np.ndarray) -> np.ndarray:
        """Cᵀ C v."""
        return self.g @ np.asarray(v, dtype=np.float64)

    def rank(self) -> int:
        """np.linalg.matrix_rank(C)."""
        return int(np.linalg.matrix_rank(self.c))


@dataclass(frozen=True)
class ConvMatrix:
    """C, the one-channel convolution whose transpose is the transposed convolution of a setting
    (rows: the input samples or pixels, flattened; columns: the output's): entry (i, j) is the kernel's
    tap t where output j = i·stride - padding + t·dilation on every axis, else 0. Each column of Cᵀ is
    an input's stamp. What the matrix sections show is computed from that rule, in memory that grows
    with the input and the kernel, never with C (inputs x outputs) or Cᵀ C (outputs x outputs):

    - `block`, `gram_block`: the top-left corners drawn, entry by entry;
    - `gram_diagonal`, `gram_off_diagonal`: Cᵀ C's entry (j, j + δ) is Σ_t w[t]·w[t + Δt] over the taps
      t that land on output j (δ = Δt·dilation), so its values come from which taps land where along
      each axis, a few distinct patterns per axis, not from every output;
    - `gram_times`: Cᵀ (C v), a convolution then core.conv's transposed convolution;
    - `rank`: np.linalg.matrix_rank(C) up to DENSE_RANK entries; beyond, that of C Cᵀ (inputs x inputs,
      the same rank), built from the taps that meet and taken block by block, one per group of inputs
      whose stamps can overlap.
    """

    weight: np.ndarray  # (*K): the kernel
    size: tuple[int, ...]  # the input, per axis
    out_size: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    output_padding: tuple[int, ...]
    dilation: tuple[int, ...]

    @property
    def dims(self) -> int:
        return len(self.size)

    @property
    def kernel(self) -> tuple[int, ...]:
        return tuple(self.weight.shape)

    @property
    def shape(self) -> tuple[int, int]:
        return math.prod(self.size), math.prod(self.out_size)

    def entries(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """C[rows][:, cols] for flat row and column indices."""
        ii = np.unravel_index(np.asarray(rows), self.size)
        jj = np.unravel_index(np.asarray(cols), self.out_size)
        ok = np.ones((len(rows), len(cols)), bool)
        taps = []
        for i, j, s, p, d, k in zip(ii, jj, self.stride, self.padding, self.dilation, self.kernel):
            t, off = np.divmod(j[None, :] + p - i[:, None] * s, d)
            ok &= (off == 0) & (t >= 0) & (t < k)
            taps.append(np.clip(t, 0, k - 1))
        return np.where(ok, self.weight[tuple(taps)], 0.0)

    def block(self, rows: int, cols: int) -> np.ndarray:
        """C's top-left rows x cols (fewer where C has fewer)."""
        n_in, n_out = self.shape
        return self.entries(np.arange(min(rows, n_in)), np.arange(min(cols, n_out)))

    def gram_block(self, n: int) -> np.ndarray:
        """(Cᵀ C)'s top-left n x n: the first n columns of C, every row."""
        part = self.entries(np.arange(self.shape[0]), np.arange(min(n, self.shape[1])))
        return part.T @ part

    def _lands(self, axis: int) -> np.ndarray:
        """(outputs on `axis`, taps on `axis`): whether tap t of some input's stamp lands on output j."""
        j = np.arange(self.out_size[axis])[:, None]
        t = np.arange(self.kernel[axis])[None, :]
        i, off = np.divmod(j + self.padding[axis] - t * self.dilation[axis], self.stride[axis])
        return (off == 0) & (i >= 0) & (i < self.size[axis])

    @cached_property
    def _landing(self) -> list[np.ndarray]:
        return [self._lands(a) for a in range(self.dims)]

    @cached_property
    def _patterns(self) -> dict[tuple[int, int, int], np.ndarray]:
        return {}  # (axis, start, stop) -> the distinct rows of _landing[axis][start:stop], as 0/1

    def _values(self, u: np.ndarray, ranges: list[tuple[int, int]]) -> np.ndarray:
        """Every value of Σ_t u[t]·[tap t lands on output j] for the outputs j in the box `ranges` (per
        axis, start and stop): one per combination of the patterns of taps landing along each axis."""
        patterns = []
        for a, (lo, hi) in enumerate(ranges):
            if (a, lo, hi) not in self._patterns:
                self._patterns[a, lo, hi] = np.unique(self._landing[a][lo:hi], axis=0).astype(np.float64)
            patterns.append(self._patterns[a, lo, hi])
        v = patterns[0] @ u.reshape(self.kernel[0], -1)
        if self.dims == 2:
            v = v @ patterns[1].T
        return v

    def gram_diagonal(self) -> tuple[float, float]:
        """The smallest and largest value on Cᵀ C's diagonal: Σ w[t]² over the taps landing on j."""
        v = self._values(self.weight**2, [(0, m) for m in self.out_size])
        return float(v.min()), float(v.max())

    def gram_off_diagonal(self) -> float:
        """The largest size of an entry of Cᵀ C off its diagonal (0 when it has none): entry
        (j, j + Δt·dilation) is Σ_t w[t]·w[t + Δt] over the taps t landing on j (one input's taps t
        and t + Δt), for every j whose partner is an output too."""
        best = 0.0
        k = self.kernel
        for dt in itertools.product(*(range(1 - n, n) for n in k)):
            if not any(dt):
                continue
            ranges = [(max(0, -t * d), min(m, m - t * d))
                      for t, d, m in zip(dt, self.dilation, self.out_size)]
            if any(lo >= hi for lo, hi in ranges):
                continue
            u = np.zeros(k)
            here = tuple(slice(max(0, -t), min(n, n - t)) for t, n in zip(dt, k))
            there = tuple(slice(s.start + t, s.stop + t) for s, t in zip(here, dt))
            u[here] = self.weight[here] * self.weight[there]
            best = max(best, float(np.abs(self._values(u, ranges)).max()))
        return best

    def gram_times(self, v: np.ndarray) -> np.ndarray:
        """Cᵀ C v for v over the outputs (flattened): C v gathers each input's taps from v (the
        convolution), then Cᵀ stamps it back (core.conv.conv_transpose)."""
        v = np.asarray(v, dtype=np.float64).reshape(self.out_size)
        y = np.zeros(self.size)
        for taps in itertools.product(*(range(n) for n in self.kernel)):
            at = [np.arange(n) * s - p + t * d
                  for n, s, p, t, d in zip(self.size, self.stride, self.padding, taps, self.dilation)]
            ok = [(q >= 0) & (q < m) for q, m in zip(at, self.out_size)]
            y[np.ix_(*ok)] += self.weight[taps] * v[np.ix_(*(q[o] for q, o in zip(at, ok)))]
        back = conv.conv_transpose(y[None], self.weight[None, None], None, self.stride, self.padding,
                                   self.output_padding, self.dilation, dims=self.dims)
        return back[0].ravel()

    def dense(self) -> np.ndarray:
        """C whole: only for a small one (DENSE_RANK entries)."""
        n_in, n_out = self.shape
        if n_in * n_out > DENSE_RANK:
            raise ValueError(f"C has {n_in} x {n_out} entries, more than DENSE_RANK ({DENSE_RANK})")
        return self.block(n_in, n_out)

    def rank(self) -> int:
        """The rank of C: np.linalg.matrix_rank(C) itself up to DENSE_RANK entries; beyond, that of
        C Cᵀ (inputs x inputs), which has C's rank, with np.linalg.matrix_rank's tolerance for it
        (largest eigenvalue x inputs x machine epsilon), block by block."""
        n_in, n_out = self.shape
        if n_in * n_out <= DENSE_RANK:
            return int(np.linalg.matrix_rank(self.dense()))
        g, groups = self.gram_rows()
        blocks = [np.linalg.eigvalsh(g if len(idx) == n_in else g[np.ix_(idx, idx)]) for idx in groups]
        top = max((float(np.abs(e).max()) for e in blocks), default=0.0)
        tol = top * n_in * np.finfo(np.float64).eps
        return int(sum(np.count_nonzero(np.abs(e) > tol) for e in blocks))

    def _meets(self, axis: int) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
        """Along `axis`, each pair of taps (a, b) that two inputs i and i' put on one output, with those
        (i, i') pairs: i·stride + a·dilation = i'·stride + b·dilation, the output kept."""
        n, s, p, d, m = (self.size[axis], self.stride[axis], self.padding[axis], self.dilation[axis],
                         self.out_size[axis])
        i = np.arange(n)
        found = []
        for a, b in itertools.product(range(self.kernel[axis]), repeat=2):
            shift, off = divmod((a - b) * d, s)  # i' = i + shift
            if off:
                continue
            j = i * s - p + a * d
            ok = (j >= 0) & (j < m) & (i + shift >= 0) & (i + shift < n)
            if ok.any():
                found.append((a, b, i[ok], i[ok] + shift))
        return found

    def gram_rows(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """C Cᵀ (inputs x inputs, flattened) and the groups of inputs it keeps apart (a block each: no
        two inputs of different groups have stamps that meet on an output)."""
        meets = [self._meets(a) for a in range(self.dims)]
        w = self.weight.reshape(self.kernel[0], -1) if self.dims == 2 else self.weight[:, None]
        n1 = self.size[1] if self.dims == 2 else 1
        # along the last axis: E[a1, b1] (n1 x n1), 1 where inputs i1, i1' put taps a1, b1 on one output
        k1 = w.shape[1]
        e = np.zeros((k1, k1, n1, n1))
        for a, b, i, i2 in (meets[1] if self.dims == 2 else [(0, 0, np.zeros(1, int), np.zeros(1, int))]):
            e[a, b, i, i2] = 1.0
        # M[a0, b0] = Σ_{a1, b1} w[a0, a1]·w[b0, b1]·E[a1, b1]: the blocks along the last axis
        k0 = w.shape[0]
        ww = np.einsum("xa,yb->xyab", w, w).reshape(k0 * k0, k1 * k1)
        blocks = (ww @ e.reshape(k1 * k1, n1 * n1)).reshape(k0, k0, n1, n1)
        g = np.zeros((self.size[0], n1, self.size[0], n1))
        for a, b, i, i2 in meets[0]:
            g[i, :, i2, :] += blocks[a, b]
        n_in = self.shape[0]
        groups = [_groups(self.size[a], [(i, i2) for *_, i, i2 in meets[a]]) for a in range(self.dims)]
        flat = (groups[0][:, None] * (groups[1].max() + 1) + groups[1][None, :]).ravel() if self.dims == 2 \
            else groups[0]
        return g.reshape(n_in, n_in), [np.flatnonzero(flat == v) for v in np.unique(flat)]


def _groups(n: int, pairs: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Connected groups of 0..n-1 joined by the (i, i') index pairs: a label per index."""
    label = np.arange(n)
    changed = True
    while changed:  # each pass joins every pair to the smaller label; n is at most LIMITS["size"]
        changed = False
        for i, i2 in pairs:
            low = np.minimum(label[i], label[i2])
            if (low != label[i]).any() or (low != label[i2]).any():
                np.minimum.at(label, i, low)
                np.minimum.at(label, i2, low)
                changed = True
        label = label[label]
    return np.unique(label, return_inverse=True)[1]


def matrix_of(b: Breakdown) -> ConvMatrix:
    """The matrix view of a one-channel breakdown (a DECONV_CONV setting): C with b's kernel and
    settings, b's input size and output size."""
    if b.x.shape[0] != 1 or b.weight.shape[1] != 1:
        raise ValueError(f"the matrix view takes one input and one output channel, not {b.weight.shape[:2]}")
    return ConvMatrix(b.weight[0, 0], tuple(b.x.shape[1:]), b.out_size, b.stride, b.padding,
                      b.output_padding, b.dilation)
