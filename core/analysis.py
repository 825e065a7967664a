"""Measurements behind the noise explainer and the figures: matching filters across seeds,
consistency and its baseline, ablation, similar points, jaggedness, code spread against noise.
numpy only.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.weights import Checkpoint

# every way to reorder three code channels and flip their signs: 3! x 2^3 = 48
SIGNED_PERMUTATIONS: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = tuple(
    (perm, signs) for perm in itertools.permutations(range(3))
    for signs in itertools.product((1, -1), repeat=3))

_PERMS = np.array([perm for perm, _ in SIGNED_PERMUTATIONS])  # (48, 3)
_SIGNS = np.array([signs for _, signs in SIGNED_PERMUTATIONS], dtype=float)  # (48, 3)
_ALL = np.arange(len(SIGNED_PERMUTATIONS))
_ORDERS = np.flatnonzero(_SIGNS.min(axis=1) > 0)  # the 6 without a flip (ReLU models)


@dataclass(frozen=True)
class Alignment:
    """How one set of filters maps onto a reference: aligned[i] = signs[i] * filters[perm[i]]."""

    perm: tuple[int, ...]
    signs: tuple[int, ...]
    aligned: np.ndarray  # (3, n)
    cosines: np.ndarray  # (3,) cosine of each aligned filter with its reference filter

    @property
    def score(self) -> float:
        return float(self.cosines.mean())


def match_filters(filters: np.ndarray, reference: np.ndarray, flips: bool = True) -> Alignment:
    """The order and signs (one of 48) that make `filters` most like `reference`, filter by
    filter (largest total cosine similarity; of candidates within 1e-12 of each other, the first in
    SIGNED_PERMUTATIONS' order). A code channel can be renumbered and, after tanh (an odd
    function), its sign flipped without changing what the model computes, so this is the fair
    comparison (C4). After ReLU a flip is not a symmetry (ReLU(-x) != -ReLU(x)): with
    `flips=False` only the 6 orders are tried. `filters`, `reference`: (3, n) arrays. All the
    candidates are scored in one array operation: (48, 3, n)."""
    filters, reference = np.asarray(filters, float), np.asarray(reference, float)
    tried = _ALL if flips else _ORDERS
    aligned = _SIGNS[tried][:, :, None] * filters[_PERMS[tried]]  # (k, 3, n)
    norms = np.linalg.norm(filters, axis=1)[_PERMS[tried]] * np.linalg.norm(reference, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosines = np.nan_to_num(np.sum(aligned * reference, axis=2) / norms)  # (k, 3)
    totals = cosines.sum(axis=1)
    best = 0
    for k in range(1, len(totals)):  # a later candidate must beat the best so far by more than 1e-12
        if totals[k] > totals[best] + 1e-12:
            best = k
    perm, signs = SIGNED_PERMUTATIONS[tried[best]]
    return Alignment(perm, signs, aligned[best], cosines[best])


def align_model(ck: Checkpoint, reference: Checkpoint) -> dict[str, np.ndarray]:
    """A model's filters renumbered and sign-flipped to match a reference model, matched on the
    decoder filters; encoder filters and biases follow their code channel (tanh is odd, so
    flipping a channel's encoder filter and bias flips its code, which the flipped decoder
    filter undoes; a ReLU model is only renumbered). The returned model computes exactly what `ck`
    computes."""
    a = match_filters(ck.dec_w, reference.dec_w, flips=symmetric(ck))
    s, p = np.array(a.signs, float), list(a.perm)
    return {"dec_w": a.aligned, "enc_w": s[:, None] * ck.enc_w[p], "enc_b": s * ck.enc_b[p],
            "perm": np.array(a.perm), "signs": s}


def symmetric(ck: Checkpoint) -> bool:
    """Whether flipping a code channel's sign is a symmetry of the model: yes after tanh, not
    after ReLU."""
    return ck.activation != "relu"


def consistency(filter_sets: Sequence[np.ndarray], flips: bool = True) -> float:
    """How alike the filters of several models are once order (and, with `flips`, sign) are
    compensated: the mean, over every pair of models, of the mean cosine of matched filters.
    1 means identical shapes; unrelated random filters score `consistency_baseline`."""
    if len(filter_sets) < 2:
        raise ValueError("consistency needs at least two models")
    scores = [match_filters(a, b, flips).score for a, b in itertools.combinations(filter_sets, 2)]
    return float(np.mean(scores))


def seed_spread(models: Sequence[Checkpoint], reference: Checkpoint) -> np.ndarray:
    """(n_models, 3, 7) every model's decoder filters matched onto the reference's (order, and sign
    where it is a symmetry): overlaid per filter, they show how far the seeds spread."""
    return np.stack([align_model(m, reference)["dec_w"] for m in models])


def reconstruction_loss(ck: Checkpoint, patches: np.ndarray, zero: int | None = None) -> float:
    """MSE of the model on patches (clean code, no noise), optionally with code component
    `zero` (0, 1 or 2) set to 0 before decoding."""
    codes = ck.encode(patches)
    if zero is not None:
        codes[:, zero] = 0.0
    return float(np.mean((ck.decode(codes) - patches) ** 2))


def ablation(ck: Checkpoint, patches: np.ndarray) -> np.ndarray:
    """(3,) how much the loss grows when code component 1, 2 or 3 is zeroed (C6)."""
    base = reconstruction_loss(ck, patches)
    return np.array([reconstruction_loss(ck, patches, k) - base for k in range(3)])


def ablation_summary(models: Sequence[Checkpoint], patches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation over models of the ablation increases, each (3,)."""
    table = np.array([ablation(ck, patches) for ck in models])
    return table.mean(axis=0), table.std(axis=0)


def similar_points(curves: np.ndarray, index: int, sample: int, tol: float = 0.005,
                   n: int = 3) -> np.ndarray:
    """Curves whose value at `sample` is within `tol` of curve `index`'s, but whose shapes
    differ from it most (largest distance over all samples), most different first (F17, C7).
    The original curve is never returned."""
    curves = np.asarray(curves, float)
    close = np.abs(curves[:, sample] - curves[index, sample]) <= tol
    close[index] = False
    candidates = np.flatnonzero(close)
    distance = np.linalg.norm(curves[candidates] - curves[index], axis=1)
    return candidates[np.argsort(-distance, kind="stable")[:n]]


def look_alike_fan(curves: np.ndarray, index: int, tol: float = 0.005, n: int = 3) -> tuple[int, np.ndarray]:
    """Where one sample's value says least about a curve: the sample at which the curves sharing
    curve `index`'s value there (within `tol`, see similar_points) stray furthest from it, and `n`
    of those curves, from the furthest down to about 1/n as far, so a plot shows a fan of
    different curves through one point (F17). The end samples are skipped (every curve is 0 there).
    Returns (sample, indices)."""
    curves = np.asarray(curves, float)
    best = None
    for sample in range(1, curves.shape[1] - 1):
        cand = similar_points(curves, index, sample, tol=tol, n=len(curves))
        if len(cand) < n:
            continue
        dist = np.linalg.norm(curves[cand] - curves[index], axis=1)  # most different first
        if best is None or dist[0] > best[0]:
            best = (dist[0], sample, cand, dist)
    if best is None:
        raise ValueError(f"no sample has {n} curves within {tol} of curve {index}")
    _, sample, cand, dist = best
    picks: list[int] = []
    for frac in np.arange(n, 0, -1) / n:
        order = np.argsort(np.abs(dist - frac * dist[0]), kind="stable")
        picks.append(int(next(cand[i] for i in order if cand[i] not in picks)))
    return sample, np.array(picks)


def jaggedness(filters: np.ndarray) -> np.ndarray:
    """Per filter (row), the energy of its second differences over its own energy:
    sum_k (f[k-1] - 2 f[k] + f[k+1])^2 / sum_k f[k]^2 (C7). It ranks filters as the eye does: 0 for
    a straight line, small for a smooth bump, up to 16 for a +-1 zigzag; independent of the
    filter's size. About 4.3 for random filters of 7 taps (see `random_filters`). 0 for an all-zero
    filter. (N, K) -> (N,); a (K,) filter gives (1,)."""
    filters = np.atleast_2d(np.asarray(filters, float))
    d2 = np.diff(filters, n=2, axis=1)
    energy = np.sum(filters**2, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(energy > 0, np.sum(d2**2, axis=1) / energy, 0.0)


def random_filters(n_models: int, shape: tuple[int, int] = (3, 7), seed: int = 0) -> list[np.ndarray]:
    """`n_models` sets of filters of `shape` with independent standard normal taps (numpy's
    default_rng(seed), so the same every run): what unrelated filters score, the reference for
    consistency and jaggedness."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in range(n_models)]


@functools.cache  # the same draws every time: computed once per process (about 1 s)
def consistency_baseline(n_models: int, shape: tuple[int, int] = (3, 7), draws: int = 20,
                         seed: int = 0, flips: bool = True) -> float:
    """The consistency (see `consistency`) of `n_models` sets of unrelated random filters, mean over
    `draws` draws: what matching order and sign alone gives filters that share nothing (C4, C5)."""
    sets = random_filters(n_models * draws, shape, seed)  # the draws one after another, as before
    return float(np.mean([consistency(sets[k:k + n_models], flips) for k in range(0, len(sets), n_models)]))


def code_spread(ck: Checkpoint, patches: np.ndarray) -> np.ndarray:
    """(3,) standard deviation of each code channel over the patches (clean codes, no noise): how
    far a channel's code moves from patch to patch, to set against the noise std it was trained
    with (C5, C11)."""
    return ck.encode(np.asarray(patches, float)).std(axis=0)
