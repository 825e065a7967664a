"""The patch model assembled over whole curves: its windows, how often each output sample is
covered, the article's overlap fixes (C8-C10) and one beyond it (normalising by the summed
window, which also mends the borders). numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core import conv
from core.data import KERNEL, STRIDE, WINSIZE
from core.weights import Checkpoint

# multipliers on the 7 decoder taps; "normalised" divides by the summed window instead
FIXES: dict[str, np.ndarray] = {
    "raw": np.ones(KERNEL),
    "halved": np.array([0.5, 0.5, 0.5, 1.0, 0.5, 0.5, 0.5]),  # the article: all but the middle tap
    "tapered": np.array([0.25, 0.5, 0.75, 1.0, 0.75, 0.5, 0.25]),  # sums to 1 where windows overlap
    "normalised": np.ones(KERNEL),
}
REGIONS = ("whole", "interior", "borders")


def window_starts(length: int = WINSIZE, kernel: int = KERNEL, stride: int = STRIDE) -> list[int]:
    """Where each window of the convolution starts: 0, stride, 2*stride, ... while it fits."""
    return conv.window_starts(length, kernel, stride)


def summed_window(length: int, taps: np.ndarray | None = None, kernel: int = KERNEL,
                  stride: int = STRIDE) -> np.ndarray:
    """At each output sample, the sum of the tap weights of every window that reaches it."""
    taps = np.ones(kernel) if taps is None else np.asarray(taps, float)
    total = np.zeros(length)
    for s in window_starts(length, kernel, stride):
        total[s:s + kernel] += taps
    return total


def coverage(length: int = WINSIZE, kernel: int = KERNEL, stride: int = STRIDE) -> np.ndarray:
    """How many windows touch each output sample (15, 7, 4: 1,1,1,1,2,2,2,1,2,2,2,1,1,1,1)."""
    return summed_window(length, None, kernel, stride).astype(int)


def spans(indices: Sequence[int]) -> list[tuple[int, int]]:
    """Runs of consecutive indices: [4, 5, 6, 8, 9, 10] -> [(4, 6), (8, 10)]."""
    runs: list[tuple[int, int]] = []
    for i in map(int, indices):
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def spans_text(indices: Sequence[int], dash: str = "-", joiner: str = ", ") -> str:
    """Runs of indices as text: [0, 1, 2, 12, 13, 14] -> '0-2, 12-14'."""
    return joiner.join(f"{a}{dash}{b}" if b > a else f"{a}" for a, b in spans(indices))


def regions(length: int = WINSIZE, kernel: int = KERNEL, stride: int = STRIDE) -> dict[str, np.ndarray]:
    """Boolean masks: the whole curve, its borders (the kernel - stride samples at each end that
    only the first or last window reaches off-centre) and the interior between them."""
    border = np.zeros(length, bool)
    n = kernel - stride
    border[:n], border[length - n:] = True, True
    return {"whole": np.ones(length, bool), "interior": ~border, "borders": border}


def doubled(length: int = WINSIZE, kernel: int = KERNEL, stride: int = STRIDE) -> list[int]:
    """The output samples more than one window reaches (15, 7, 4: 4-6 and 8-10)."""
    return [int(i) for i in np.flatnonzero(coverage(length, kernel, stride) > 1)]


def encode_curves(ck: Checkpoint, curves: np.ndarray, stride: int = STRIDE) -> np.ndarray:
    """(N, L) curves -> (N, 3, n_windows) codes: the patch encoder on every window."""
    return ck.encode_windows(np.atleast_2d(np.asarray(curves, float)), stride)


def decode_codes(ck: Checkpoint, codes: np.ndarray, fix: str = "raw", stride: int = STRIDE) -> np.ndarray:
    """(N, 3, n_windows) codes -> (N, L) curves: the patch decoder at every window, overlaps added
    (the transposed convolution, Checkpoint.decode_windows), with one of FIXES applied to the
    decoder taps."""
    if fix not in FIXES:
        raise ValueError(f"unknown fix {fix!r}; choose from {', '.join(FIXES)}")
    codes = np.asarray(codes, float)
    if codes.ndim == 2:
        codes = codes[None]
    taps = FIXES[fix]
    out = ck.decode_windows(codes, stride, taps) - ck.dec_b
    if fix == "normalised":
        out /= summed_window(out.shape[1], taps, ck.dec_w.shape[1], stride)
    return out + ck.dec_b


def errors(ck: Checkpoint, curves: np.ndarray, fix: str = "raw") -> dict[str, float]:
    """Mean square error of the assembled model on whole curves, per region."""
    curves = np.atleast_2d(np.asarray(curves, float))
    sq = (decode_codes(ck, encode_curves(ck, curves), fix) - curves) ** 2
    return {name: float(sq[:, mask].mean()) for name, mask in regions(curves.shape[1]).items()}


def error_table(models: Sequence[Checkpoint], curves: np.ndarray) -> dict[str, dict[str, float]]:
    """fix -> region -> mean square error, averaged over the models (e.g. all seeds of a variant)."""
    per = [{fix: errors(ck, curves, fix) for fix in FIXES} for ck in models]
    return {fix: {r: float(np.mean([p[fix][r] for p in per])) for r in REGIONS} for fix in FIXES}
