"""The article's synthetic data: cubic Bezier curves resampled to 15 points, and 7-sample patches.

Vectorised, but float-for-float equal to the article's Python loop (see `core.article`).
`curve_chunks` makes any number of curves a bounded piece at a time (`deconv data` streams them).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np

DATASIZE = 1024 * 16  # number of curves
WINSIZE = 15  # samples per curve
KERNEL = 7  # kernel size of the article's Conv1d / ConvTranspose1d: the one place it is set
STRIDE = 4  # their stride: the one place it is set
PATCH = KERNEL  # samples per training patch: one kernel's worth
N_CHANNELS = 3  # code channels (the encoder's out_channels, the decoder's in_channels)
DENSE = WINSIZE * 10  # Bezier evaluations per curve before resampling
SEED = 22  # the article's numpy seed, for the curves and for the patch starts
CHUNK = 1 << 16  # curves made at a time by curve_chunks: 65,536 curves, 8 MiB of float64 curves


def dense_bezier(p1: float, p2: float, n: int = DENSE) -> tuple[np.ndarray, np.ndarray]:
    """The article's dense curve: x and y at `n` values of t, control points (0,0), (0.5,p1),
    (0.5,p2), (1,0), with the article's formula (vectorised; equal to its loop)."""
    t = np.linspace(0, 1, n)
    xs = 3 * (1 - t) ** 2 * t * 0.5 + 3 * (1 - t) * t**2 * 0.5 + t**3 * 1
    ys = 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2
    return xs, ys


@cache
def resample_indices(n_samples: int = WINSIZE) -> tuple[int, ...]:
    """For each of the n_samples target x in linspace(0, 1), the dense point the article picks
    (argmin of the squared x distance); the same for every curve, since x does not depend on p."""
    ts = np.linspace(0, 1, n_samples * 10)
    xs = np.array([3 * (1 - t) ** 2 * t * 0.5 + 3 * (1 - t) * t**2 * 0.5 + t**3 * 1 for t in ts])
    return tuple(int(np.argmin((xs - x) ** 2)) for x in np.linspace(0, 1, n_samples))


@cache
def _resampling_coefficients(n_samples: int = WINSIZE) -> tuple[np.ndarray, np.ndarray]:
    """Per output sample, the weights of p1 and p2 in y, computed with the article's scalar code.

    The curve's x never depends on (p1, p2), so the article's argmin picks the same dense index
    for every curve. y = (1-t)^3*0 + 3(1-t)^2 t*p1 + 3(1-t)t^2*p2 + t^3*0, and adding the zero
    terms is exact, so y == a*p1 + b*p2 bit for bit with a, b evaluated exactly as the article.
    """
    ts = np.linspace(0, 1, n_samples * 10)
    idx = resample_indices(n_samples)
    a = np.array([3 * (1 - ts[i]) ** 2 * ts[i] for i in idx])
    b = np.array([3 * (1 - ts[i]) * ts[i] ** 2 for i in idx])
    a.flags.writeable = False
    b.flags.writeable = False
    return a, b


def curves_from_params(params: np.ndarray, n_samples: int = WINSIZE) -> np.ndarray:
    """Curves (N, n_samples) float64 for control-point heights `params` (N, 2) = (p1, p2)."""
    params = np.asarray(params, dtype=np.float64)
    if params.ndim != 2 or params.shape[1] != 2:
        raise ValueError(f"params must have shape (N, 2), got {params.shape}")
    a, b = _resampling_coefficients(n_samples)
    return params[:, :1] * a + params[:, 1:] * b


def make_params(n: int = DATASIZE, seed: int = SEED) -> np.ndarray:
    """(n, 2) control-point heights (p1, p2), drawn as the article does: p1 then p2, per curve."""
    rng = np.random.RandomState(seed)
    u = rng.uniform(size=(n, 2))  # same stream as 2n scalar np.random.uniform() calls
    return u * 2 - 1


def make_curves(n: int = DATASIZE, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The article's `data.npy` (n, 15) float64 and the (p1, p2) of each curve (n, 2)."""
    params = make_params(n, seed)
    return curves_from_params(params), params


def curve_chunks(n: int, seed: int = SEED, chunk: int = CHUNK) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """`make_curves(n, seed)` in order, at most `chunk` curves at a time: (curves, params) pieces that,
    stacked, equal it bit for bit (one random stream, drawn in the same order), in memory bounded by
    `chunk` whatever n."""
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, got {chunk}")
    rng = np.random.RandomState(seed)
    for start in range(0, n, chunk):
        params = rng.uniform(size=(min(chunk, n - start), 2)) * 2 - 1  # make_params' stream, continued
        yield curves_from_params(params), params


def patch_starts(n: int = DATASIZE, seed: int = SEED, length: int = WINSIZE) -> np.ndarray:
    """Start index of each curve's training patch: `np.random.seed(22); randint(0, 15 - 7, n)`."""
    return np.random.RandomState(seed).randint(0, length - PATCH, n)


def make_patches(curves: np.ndarray | None = None, seed: int = SEED) -> np.ndarray:
    """(N, 7) float32 training patches, one per curve, cut as the article's training script does."""
    if curves is None:
        curves = make_curves()[0]
    starts = patch_starts(len(curves), seed, curves.shape[1])
    cols = starts[:, None] + np.arange(PATCH)
    return np.take_along_axis(curves, cols, axis=1).astype(np.float32)
