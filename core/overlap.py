"""The patch model assembled over whole curves: its windows, how often each output sample is
covered, the summed weight that reaches each sample under the article's overlap fixes (C8-C10) and
one beyond it (normalising by the summed window, which also mends the borders), their errors and
how smooth their outputs are. numpy only.
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
    """At each output sample, the sum of the tap multipliers of every window that reaches it."""
    taps = np.ones(kernel) if taps is None else np.asarray(taps, float)
    total = np.zeros(length)
    for s in window_starts(length, kernel, stride):
        total[s:s + kernel] += taps
    return total


def weight_profile(fix: str, length: int = WINSIZE, stride: int = STRIDE) -> np.ndarray:
    """The total weight that reaches each output sample under one of FIXES: the window count for
    the trained taps (1 or 2), the summed tap multipliers for halved and tapered taps, and for
    "normalised" the count divided by itself (1 wherever a window reaches)."""
    if fix not in FIXES:
        raise ValueError(f"unknown fix {fix!r}; choose from {', '.join(FIXES)}")
    total = summed_window(length, FIXES[fix], len(FIXES[fix]), stride)
    if fix == "normalised":
        total = np.divide(total, total, out=np.zeros(length), where=total > 0)
    return total


def contributions(sample: int, taps: np.ndarray | None = None, length: int = WINSIZE,
                  kernel: int = KERNEL, stride: int = STRIDE) -> list[tuple[int, int, float]]:
    """The windows that reach output `sample`: (window, tap index, tap multiplier) each, in window
    order; the multipliers add up to summed_window(...)[sample]."""
    taps = np.ones(kernel) if taps is None else np.asarray(taps, float)
    return [(w, sample - s, float(taps[sample - s]))
            for w, s in enumerate(window_starts(length, len(taps), stride)) if s <= sample < s + len(taps)]


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


def outer_only(length: int = WINSIZE, kernel: int = KERNEL, stride: int = STRIDE) -> np.ndarray:
    """Boolean mask of the samples that only one window reaches, and off its middle tap (an even
    kernel has no middle tap): what the borders of `regions` are, said as taps (15, 7, 4: 0-2 and
    12-14; samples 3, 7 and 11 get one window's middle tap and belong to the interior)."""
    mask = np.zeros(length, bool)
    for i in range(length):
        parts = contributions(i, np.ones(kernel), length, kernel, stride)
        mask[i] = len(parts) == 1 and not (kernel % 2 == 1 and parts[0][1] == kernel // 2)
    return mask


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


def fixed_outputs(ck: Checkpoint, curves: np.ndarray) -> dict[str, np.ndarray]:
    """fix -> the assembled model's (N, L) outputs for whole curves with that fix: the windows
    encoded once, then decoded with each fix (the codes do not depend on the fix)."""
    curves = np.atleast_2d(np.asarray(curves, float))
    codes = encode_curves(ck, curves)
    return {fix: decode_codes(ck, codes, fix) for fix in FIXES}


def region_errors(out: np.ndarray, curves: np.ndarray) -> dict[str, float]:
    """Mean square error of outputs against their curves, per region."""
    curves = np.atleast_2d(np.asarray(curves, float))
    sq = (out - curves) ** 2
    return {name: float(sq[:, mask].mean()) for name, mask in regions(curves.shape[1]).items()}


def errors(ck: Checkpoint, curves: np.ndarray, fix: str = "raw") -> dict[str, float]:
    """Mean square error of the assembled model on whole curves, per region."""
    curves = np.atleast_2d(np.asarray(curves, float))
    return region_errors(decode_codes(ck, encode_curves(ck, curves), fix), curves)


def second_difference_error(outputs: np.ndarray, curves: np.ndarray) -> float:
    """How much rougher (or smoother) outputs bend than the curves they reconstruct: the mean of
    |Δ²(output) - Δ²(curve)| over every curve and sample, Δ²x[j] = x[j] - 2 x[j+1] + x[j+2] (the
    second difference, the discrete curvature). 0 where every output bends exactly as its curve,
    e.g. any straight line against any other straight line."""
    outputs, curves = np.atleast_2d(np.asarray(outputs, float)), np.atleast_2d(np.asarray(curves, float))
    return float(np.abs(np.diff(outputs, 2, axis=1) - np.diff(curves, 2, axis=1)).mean())


def delta2_error(ck: Checkpoint, curves: np.ndarray, fix: str = "raw") -> float:
    """second_difference_error of the assembled model (with `fix`) on whole curves."""
    curves = np.atleast_2d(np.asarray(curves, float))
    return second_difference_error(decode_codes(ck, encode_curves(ck, curves), fix), curves)


def delta2_table(models: Sequence[Checkpoint], curves: np.ndarray) -> dict[str, float]:
    """fix -> second_difference_error, averaged over the models (e.g. all seeds of a variant): how
    smooth each fix's output is (C10 says tapering is smoother than halving)."""
    per = [{fix: second_difference_error(out, curves) for fix, out in fixed_outputs(ck, curves).items()}
           for ck in models]
    return {fix: float(np.mean([p[fix] for p in per])) for fix in FIXES}


def error_table(models: Sequence[Checkpoint], curves: np.ndarray) -> dict[str, dict[str, float]]:
    """fix -> region -> mean square error, averaged over the models (e.g. all seeds of a variant)."""
    per = [{fix: region_errors(out, curves) for fix, out in fixed_outputs(ck, curves).items()}
           for ck in models]
    return {fix: {r: float(np.mean([p[fix][r] for p in per])) for r in REGIONS} for fix in FIXES}
