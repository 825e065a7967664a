"""The transposed convolution as PyTorch computes it, in numpy, 1-D and 2-D: the one implementation
the checkpoints, the overlap measurements, the figures, the scenes and `deconv explain` use; its
two other views (zero insertion, and the transpose of a convolution's matrix), each computed by its
own code; and where a Conv1d's windows start.

The transposed convolution is written as the scatter it is: each input value scales the kernel,
and the scaled copy is added into the output at offset i*stride (taps `dilation` apart); then
`padding` samples are cropped from each end and `output_padding` extra samples kept at the end
(PyTorch's ConvTranspose1d / ConvTranspose2d documentation). Settings PyTorch refuses raise
ConvError, one line naming the rule broken and the nearest setting that keeps it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np


class ConvError(ValueError):
    """A setting PyTorch refuses: one line saying which rule it breaks and what to use instead."""


def _tuple(v: int | Sequence[int], dims: int, name: str) -> tuple[int, ...]:
    t = (int(v),) * dims if np.ndim(v) == 0 else tuple(int(a) for a in v)
    if len(t) != dims:
        raise ConvError(f"{name} has {len(t)} values for {dims}-D: give one number or {dims}")
    return t


def _axis(name: str, values: tuple[int, ...], d: int) -> str:
    """'stride=2' in 1-D, 'stride=(2, 1)' ... named per axis as 'stride[1]=1' in 2-D."""
    return f"{name}={values[d]}" if len(values) == 1 else f"{name}[{d}]={values[d]}"


def output_length(
    length: int, kernel: int, stride: int = 1, padding: int = 0, output_padding: int = 0, dilation: int = 1
) -> int:
    """L_out of ConvTranspose1d (each axis of ConvTranspose2d alike):
    (L - 1)*stride - 2*padding + dilation*(kernel - 1) + output_padding + 1
    (PyTorch's ConvTranspose1d documentation)."""
    return (length - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def conv_output_length(length: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """L_out of Conv1d: floor((L + 2*padding - dilation*(kernel - 1) - 1) / stride) + 1 (PyTorch's
    Conv1d documentation); below 1 when the kernel does not fit."""
    return (length + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def check(
    size: Sequence[int],
    kernel: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    output_padding: Sequence[int],
    dilation: Sequence[int],
) -> tuple[int, ...]:
    """Raise ConvError for a setting PyTorch's conv_transpose1d/2d refuses, else return the output
    size per axis. All arguments are per-axis tuples of the same length."""
    for d in range(len(size)):
        for name, vals, low in (
            ("size", size, 1),
            ("kernel", kernel, 1),
            ("stride", stride, 1),
            ("dilation", dilation, 1),
            ("padding", padding, 0),
            ("output_padding", output_padding, 0),
        ):
            if vals[d] < low:
                raise ConvError(f"{_axis(name, vals, d)}: {name} must be at least {low}; use {name}={low}")
        if output_padding[d] >= max(stride[d], dilation[d]):
            best = max(stride[d], dilation[d]) - 1
            raise ConvError(
                f"{_axis('output_padding', output_padding, d)} must be smaller than stride "
                f"({stride[d]}) or dilation ({dilation[d]}); use output_padding={best}"
            )
        n = output_length(size[d], kernel[d], stride[d], padding[d], output_padding[d], dilation[d])
        if n < 1:
            most = ((size[d] - 1) * stride[d] + dilation[d] * (kernel[d] - 1) + output_padding[d]) // 2
            fix = list(padding)  # on every axis, the largest padding that keeps its output length >= 1
            for a in range(len(size)):
                top = ((size[a] - 1) * stride[a] + dilation[a] * (kernel[a] - 1) + output_padding[a]) // 2
                fix[a] = min(padding[a], top)
            axis, use = ("", str(most)) if len(size) == 1 else (f" on axis {d}", "x".join(map(str, fix)))
            raise ConvError(
                f"output length{axis} ({size[d]} - 1)*{stride[d]} - 2*{padding[d]} + "
                f"{dilation[d]}*({kernel[d]} - 1) + {output_padding[d]} + 1 = {n} is below 1; "
                f"use padding={use} or less"
            )
    return tuple(output_length(*a) for a in zip(size, kernel, stride, padding, output_padding, dilation))


def _prepare(x, weight, bias, dims, stride, padding, output_padding, dilation):
    """Batched float64 input, weight, bias and per-axis settings, checked as PyTorch checks them."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    if x.ndim not in (dims + 1, dims + 2):
        shape = ", ".join(["C_in"] + [f"L{d}" for d in range(dims)]) if dims > 1 else "C_in, L"
        raise ConvError(f"input must have shape ({shape}) or (N, {shape}), got {x.shape}")
    single = x.ndim == dims + 1
    xb = x[None] if single else x
    if w.ndim != dims + 2 or w.shape[0] != xb.shape[1]:
        raise ConvError(
            f"weight must have shape (C_in={xb.shape[1]}, C_out, kernel...) with {dims} kernel "
            f"axes, got {w.shape}"
        )
    b = None
    if bias is not None:
        b = np.asarray(bias, dtype=np.float64)
        if b.shape != (w.shape[1],):
            raise ConvError(f"bias must have shape (C_out={w.shape[1]},), got {b.shape}")
    settings = [
        _tuple(v, dims, n)
        for v, n in (
            (stride, "stride"),
            (padding, "padding"),
            (output_padding, "output_padding"),
            (dilation, "dilation"),
        )
    ]
    size, kernel = xb.shape[2:], w.shape[2:]
    out_size = check(size, kernel, *settings)
    return xb, w, b, single, settings, out_size


def conv_transpose(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: int | Sequence[int] = 1,
    padding: int | Sequence[int] = 0,
    output_padding: int | Sequence[int] = 0,
    dilation: int | Sequence[int] = 1,
    dims: int | None = None,
) -> np.ndarray:
    """torch.nn.functional.conv_transpose1d / conv_transpose2d in float64 (groups = 1), as a scatter.

    x: (C_in, *L) or (N, C_in, *L); weight: (C_in, C_out, *K), as ConvTranspose stores it; bias:
    (C_out,) or None; settings one int or one per axis. `dims` (the number of spatial axes) defaults
    to weight.ndim - 2. Returns (C_out, *L_out) or (N, C_out, *L_out), each L_out by
    `output_length`. Raises ConvError for mismatched shapes or settings PyTorch refuses.
    """
    dims = np.ndim(weight) - 2 if dims is None else dims
    xb, w, b, single, (s, p, op, d), out_size = _prepare(
        x, weight, bias, dims, stride, padding, output_padding, dilation
    )
    size, kernel = xb.shape[2:], w.shape[2:]
    full_size = [
        max((n - 1) * si + di * (k - 1) + 1, pi + m)
        for n, k, si, pi, di, m in zip(size, kernel, s, p, d, out_size)
    ]
    full = np.zeros((xb.shape[0], w.shape[1], *full_size))
    for taps in itertools.product(*(range(k) for k in kernel)):
        # tap `taps` of every input value's stamp lands at i*stride + tap*dilation on each axis
        where = tuple(slice(t * di, t * di + (n - 1) * si + 1, si) for t, di, n, si in zip(taps, d, size, s))
        full[(slice(None), slice(None), *where)] += np.einsum("ni...,io->no...", xb, w[(..., *taps)])
    out = full[(slice(None), slice(None), *(slice(pi, pi + m) for pi, m in zip(p, out_size)))]
    if b is not None:
        out = out + b.reshape((1, -1) + (1,) * dims)
    return out[0] if single else out


def conv_transpose1d(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> np.ndarray:
    """torch.nn.functional.conv_transpose1d in float64 (groups = 1).

    x: (C_in, L) or (N, C_in, L); weight: (C_in, C_out, K), as ConvTranspose1d stores it;
    bias: (C_out,) or None. Returns (C_out, L_out) or (N, C_out, L_out), L_out by `output_length`.
    Raises ConvError (a ValueError) for mismatched channels or settings PyTorch refuses
    (output_padding must be smaller than stride or dilation; L_out at least 1).
    """
    return conv_transpose(x, weight, bias, stride, padding, output_padding, dilation, dims=1)


def conv_transpose2d(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: int | Sequence[int] = 1,
    padding: int | Sequence[int] = 0,
    output_padding: int | Sequence[int] = 0,
    dilation: int | Sequence[int] = 1,
) -> np.ndarray:
    """torch.nn.functional.conv_transpose2d in float64 (groups = 1): x (C_in, H, W) or
    (N, C_in, H, W); weight (C_in, C_out, kH, kW); returns (C_out, H_out, W_out) or batched."""
    return conv_transpose(x, weight, bias, stride, padding, output_padding, dilation, dims=2)


# --- the same numbers computed the other ways ---------------------------------------------------------
def zero_inserted(
    x: np.ndarray,
    kernel: Sequence[int],
    stride: int | Sequence[int] = 1,
    padding: int | Sequence[int] = 0,
    output_padding: int | Sequence[int] = 0,
    dilation: int | Sequence[int] = 1,
) -> np.ndarray:
    """The input of the zero-insertion view: (C_in, *L) -> (C_in, *M). On each axis stride - 1 zeros
    go between neighbouring values, then dilation*(kernel - 1) - padding zeros on each border (plus
    output_padding at the end); a negative border count crops instead."""
    x = np.asarray(x, dtype=np.float64)
    dims = x.ndim - 1
    k, s, p, op, d = (
        _tuple(v, dims, n)
        for v, n in (
            (kernel, "kernel"),
            (stride, "stride"),
            (padding, "padding"),
            (output_padding, "output_padding"),
            (dilation, "dilation"),
        )
    )
    spread = np.zeros((x.shape[0], *((n - 1) * si + 1 for n, si in zip(x.shape[1:], s))))
    spread[(slice(None), *(slice(None, None, si) for si in s))] = x
    for axis in range(dims):
        border = d[axis] * (k[axis] - 1) - p[axis]
        before, after = border, border + op[axis]
        n = spread.shape[axis + 1]
        keep = slice(max(0, -before), n - max(0, -after))
        spread = np.take(spread, range(n)[keep], axis=axis + 1)
        pad = [(0, 0)] * (dims + 1)
        pad[axis + 1] = (max(0, before), max(0, after))
        spread = np.pad(spread, pad)
    return spread


def conv_transpose_by_zero_insertion(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: int | Sequence[int] = 1,
    padding: int | Sequence[int] = 0,
    output_padding: int | Sequence[int] = 0,
    dilation: int | Sequence[int] = 1,
) -> np.ndarray:
    """The transposed convolution as an ordinary stride-1 convolution: the zero-inserted, padded input
    (`zero_inserted`) correlated with the kernel flipped on every axis, taps `dilation` apart. Each
    output sample is the dot product of one window with the flipped kernel. x (C_in, *L), weight
    (C_in, C_out, *K); returns (C_out, *L_out), equal to `conv_transpose`."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(weight, dtype=np.float64)
    dims = x.ndim - 1
    kernel = w.shape[2:]
    _, _, _, _, (s, p, op, d), out_size = _prepare(
        x, w, bias, dims, stride, padding, output_padding, dilation
    )
    z = zero_inserted(x, kernel, s, p, op, d)
    flipped = w[(slice(None), slice(None), *(slice(None, None, -1),) * dims)]
    out = np.zeros((w.shape[1], *out_size))
    # output j's window holds z[j + t*dilation] for each tap t: every window's product with tap t at once
    # (a loop over taps, not over the output's samples, which reach 1,144 x 1,144 within explain.LIMITS)
    for taps in itertools.product(*(range(k) for k in kernel)):
        seen = z[(slice(None), *(slice(t * di, t * di + m) for t, di, m in zip(taps, d, out_size)))]
        out += np.einsum("c...,co->o...", seen, flipped[(slice(None), slice(None), *taps)])
    if bias is not None:
        out += np.asarray(bias, dtype=np.float64).reshape((-1,) + (1,) * dims)
    return out


def conv_matrix(
    kernel: np.ndarray, length: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> np.ndarray:
    """The matrix C of a one-channel Conv1d (PyTorch's cross-correlation, no bias) over `length`
    samples: (L_conv, length), one row per window, row j holding the kernel at samples
    j*stride - padding + k*dilation (taps that fall in the padding are dropped). C @ x is the
    convolution of x; C.T @ y is the transposed convolution of y with the same kernel and settings
    (and the gradient of the convolution with respect to its input)."""
    kernel = np.asarray(kernel, dtype=np.float64)
    rows = conv_output_length(length, len(kernel), stride, padding, dilation)
    if rows < 1:
        raise ConvError(f"a kernel of {len(kernel)} taps (dilation {dilation}) does not fit {length} samples")
    c = np.zeros((rows, length))
    for j in range(rows):
        for k, v in enumerate(kernel):
            at = j * stride - padding + k * dilation
            if 0 <= at < length:
                c[j, at] += v
    return c


def transposed_matrix(
    kernel: np.ndarray,
    length: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> np.ndarray:
    """The one-channel transposed convolution of `length` inputs as a matrix, (L_out, length):
    the transpose of `conv_matrix` over L_out samples, its first `length` rows (one column per
    stamp). matrix @ x equals conv_transpose1d(x[None], kernel[None, None], ...)[0]."""
    kernel = np.asarray(kernel, dtype=np.float64)
    k = len(kernel)
    n_out = check((length,), (k,), (stride,), (padding,), (output_padding,), (dilation,))[0]
    return conv_matrix(kernel, n_out, stride, padding, dilation)[:length].T


def window_starts(length: int, kernel: int, stride: int) -> list[int]:
    """Where each window of a convolution over `length` samples starts: 0, stride, ... while it fits."""
    return list(range(0, length - kernel + 1, stride))
