"""The patch model assembled over whole curves: its windows, how often each output sample is
covered, the article's overlap fixes (C8-C10) and one beyond it (normalising by the summed
window, which also mends the borders). numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.weights import Checkpoint

KERNEL, STRIDE = 7, 4

# multipliers on the 7 decoder taps; "normalised" divides by the summed window instead
FIXES: dict[str, np.ndarray] = {
    "raw": np.ones(KERNEL),
    "halved": np.array([0.5, 0.5, 0.5, 1.0, 0.5, 0.5, 0.5]),  # the article: all but the middle tap
    "tapered": np.array([0.25, 0.5, 0.75, 1.0, 0.75, 0.5, 0.25]),  # sums to 1 where windows overlap
    "normalised": np.ones(KERNEL),
}
REGIONS = ("whole", "interior", "borders")


def window_starts(length: int, kernel: int = KERNEL, stride: int = STRIDE) -> list[int]:
    """Where each window of the convolution starts: 0, stride, 2*stride, ... while it fits."""
    return list(range(0, length - kernel + 1, stride))


def summed_window(length: int, taps: np.ndarray | None = None, kernel: int = KERNEL,
                  stride: int = STRIDE) -> np.ndarray:
    """At each output sample, the sum of the tap weights of every window that reaches it."""
    taps = np.ones(kernel) if taps is None else np.asarray(taps, float)
    total = np.zeros(length)
    for s in window_starts(length, kernel, stride):
        total[s:s + kernel] += taps
    return total


def coverage(length: int = 15, kernel: int = KERNEL, stride: int = STRIDE) -> np.ndarray:
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


def regions(length: int = 15, kernel: int = KERNEL, stride: int = STRIDE) -> dict[str, np.ndarray]:
    """Boolean masks: the whole curve, its borders (the kernel - stride samples at each end that
    only the first or last window reaches off-centre) and the interior between them."""
    border = np.zeros(length, bool)
    n = kernel - stride
    border[:n], border[length - n:] = True, True
    return {"whole": np.ones(length, bool), "interior": ~border, "borders": border}


def encode_curves(ck: Checkpoint, curves: np.ndarray, stride: int = STRIDE) -> np.ndarray:
    """(N, L) curves -> (N, 3, n_windows) codes: the patch encoder on every window."""
    curves = np.atleast_2d(np.asarray(curves, float))
    k = ck.enc_w.shape[1]
    windows = np.stack([curves[:, s:s + k] for s in window_starts(curves.shape[1], k, stride)], axis=1)
    return np.tanh(windows @ ck.enc_w.T + ck.enc_b).transpose(0, 2, 1)


def decode_codes(ck: Checkpoint, codes: np.ndarray, fix: str = "raw", stride: int = STRIDE) -> np.ndarray:
    """(N, 3, n_windows) codes -> (N, L) curves: the patch decoder at every window, overlaps added
    (the transposed convolution), with one of FIXES applied to the decoder taps."""
    if fix not in FIXES:
        raise ValueError(f"unknown fix {fix!r}; choose from {', '.join(FIXES)}")
    codes = np.asarray(codes, float)
    if codes.ndim == 2:
        codes = codes[None]
    taps = FIXES[fix]
    k, n_win = ck.dec_w.shape[1], codes.shape[2]
    length = (n_win - 1) * stride + k
    patches = np.einsum("ncw,ck->nwk", codes, ck.dec_w * taps)
    out = np.zeros((codes.shape[0], length))
    for w, s in enumerate(window_starts(length, k, stride)):
        out[:, s:s + k] += patches[:, w]
    if fix == "normalised":
        out /= summed_window(length, taps, k, stride)
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
