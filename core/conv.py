"""ConvTranspose1d as PyTorch computes it, in numpy: the one implementation the checkpoints, the
overlap measurements, the figures and the scenes use; and where a Conv1d's windows start.

The transposed convolution is written as the scatter it is: each input value scales the kernel,
and the scaled copy is added into the output at offset i*stride (taps `dilation` apart); then
`padding` samples are cropped from each end and `output_padding` extra samples kept at the end.
"""

from __future__ import annotations

import numpy as np


def _batched(x: np.ndarray, name: str) -> tuple[np.ndarray, bool]:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2:
        return x[None], True
    if x.ndim != 3:
        raise ValueError(f"{name} must have shape (C_in, L) or (N, C_in, L), got {x.shape}")
    return x, False


def output_length(length: int, kernel: int, stride: int = 1, padding: int = 0, output_padding: int = 0,
                  dilation: int = 1) -> int:
    """L_out of ConvTranspose1d: (L - 1)*stride - 2*padding + dilation*(kernel - 1) + output_padding + 1
    (PyTorch's ConvTranspose1d documentation)."""
    return (length - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def conv_transpose1d(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None, stride: int = 1,
                     padding: int = 0, output_padding: int = 0, dilation: int = 1) -> np.ndarray:
    """torch.nn.functional.conv_transpose1d in float64 (groups = 1).

    x: (C_in, L) or (N, C_in, L); weight: (C_in, C_out, K), as ConvTranspose1d stores it;
    bias: (C_out,) or None. Returns (C_out, L_out) or (N, C_out, L_out), L_out by `output_length`.
    Raises ValueError for mismatched channels or settings PyTorch refuses (output_padding must be
    smaller than stride or dilation; L_out at least 1).
    """
    xb, single = _batched(x, "input")
    w = np.asarray(weight, dtype=np.float64)
    if w.ndim != 3 or w.shape[0] != xb.shape[1]:
        raise ValueError(f"weight must have shape (C_in={xb.shape[1]}, C_out, K), got {w.shape}")
    if stride < 1 or dilation < 1 or padding < 0 or output_padding < 0:
        raise ValueError("stride and dilation must be >= 1, padding and output_padding >= 0")
    if output_padding >= max(stride, dilation):
        raise ValueError(f"output_padding ({output_padding}) must be smaller than stride ({stride}) "
                         f"or dilation ({dilation})")
    n, _, length = xb.shape
    c_out, kernel = w.shape[1], w.shape[2]
    l_out = output_length(length, kernel, stride, padding, output_padding, dilation)
    if l_out < 1:
        raise ValueError(f"output length {l_out} is below 1")
    full = np.zeros((n, c_out, max((length - 1) * stride + dilation * (kernel - 1) + 1,
                                   padding + l_out)))
    stamps = np.einsum("nil,iok->nolk", xb, w)  # each input value times the kernel
    span = (length - 1) * stride + 1
    for k in range(kernel):  # tap k of every stamp lands at i*stride + k*dilation
        full[:, :, k * dilation:k * dilation + span:stride] += stamps[:, :, :, k]
    out = full[:, :, padding:padding + l_out]
    if bias is not None:
        out = out + np.asarray(bias, dtype=np.float64)[None, :, None]
    return out[0] if single else out


def window_starts(length: int, kernel: int, stride: int) -> list[int]:
    """Where each window of a convolution over `length` samples starts: 0, stride, ... while it fits."""
    return list(range(0, length - kernel + 1, stride))
