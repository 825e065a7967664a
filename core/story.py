"""What the explainers and the figures show, computed once: the example curve and patch, the codes
of its windows and where they land, the encoder's steps, the code paths of the article's
animations, the model used for a seed, the shaken and ablated codes, the look-alike curves, and the noise
video's findings (seed agreement, channel sizes, smoothness, tanh's bound, ReLU's verdict).

Scenes and figures both call this module; neither computes these things itself. numpy only.
Ids (F6, A1, C5, ...) are the article's, listed in docs/article.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from core import analysis, data, overlap
from core.weights import Checkpoint

DEMO_POOL = 256  # the example curve: the boldest of the first DEMO_POOL curves of the dataset
REFERENCE_SEED = 22  # the seed the figures draw, and the seed other seeds are aligned to
F6_CODES = ((0.0, 0.1, 0.2), (0.1, 0.1, 0.0))  # the article's two example codes (F6)
F5_COUNT = 6  # patches F5 shows, evenly spread over the dataset
SIMILAR_TOL = 0.005  # look-alike curves share the example's value at one sample within this (F17)
CODE_PERCENTILE = 95  # the animations sweep each code channel over this percentile of |code|
ARTICLE = "Visualizing the Deconvolution Operation"  # the blog post this project turns into software
LOSS_ENOUGH = 1e-4  # the training loss the article calls enough (claim C1)


# --- the examples ---------------------------------------------------------------------------------
@cache
def _pool() -> np.ndarray:
    curves = data.make_curves(DEMO_POOL)[0]
    curves.flags.writeable = False
    return curves


def demo_curve() -> tuple[int, np.ndarray]:
    """The dataset curve every explainer and figure uses as its example: the boldest (largest
    peak-to-peak) of the first DEMO_POOL curves. Returns its index and its 15 samples (a copy)."""
    curves = _pool()
    idx = int(np.argmax(np.ptp(curves, axis=1)))
    return idx, curves[idx].copy()


def demo_patch(window: int | None = None) -> tuple[int, int, np.ndarray]:
    """The example curve's training patch: (curve index, start sample, 7 samples as float64), cut
    as the article's training script cuts it (core.data.make_patches). With `window` (0-based),
    the curve's window of that number instead, as the Conv1d cuts it on the whole curve
    (Checkpoint.encode_windows): its code is that column of the curve's code matrix."""
    idx, curve = demo_curve()
    if window is not None:
        start = overlap.window_starts()[window]
        return idx, start, curve[start:start + data.PATCH].copy()
    start = int(data.patch_starts(idx + 1)[idx])  # the start stream does not depend on the count
    return idx, start, curve[start:start + data.PATCH].astype(np.float32).astype(np.float64)


def f5_indices(n_patches: int = data.DATASIZE, count: int = F5_COUNT) -> np.ndarray:
    """The patches F5 (and the encoder video's round trip) show: `count` indices spread evenly from
    the first to the last."""
    return np.linspace(0, n_patches - 1, count).astype(int)


def model_for(models: Sequence[Checkpoint], seed: int = REFERENCE_SEED) -> Checkpoint:
    """The model of `seed` among `models` (all of one variant), else the first one."""
    if not models:
        raise ValueError("no models to choose from")
    return next((m for m in models if m.seed == seed), models[0])


# --- the decoder: weighted sums, and windows placed at stride 4 ---------------------------------------
@dataclass(frozen=True)
class Windows:
    """The model run over one curve: the code of each window, each window's weighted sum of
    decoder filters (no bias) and where it starts, and the output (the transposed convolution)."""

    codes: np.ndarray  # (3, n_windows)
    starts: list[int]
    pieces: np.ndarray  # (n_windows, 7): each code column's weighted sum of filters, no bias
    output: np.ndarray  # (L,)
    doubled: list[int]  # output samples that two windows reach

    @property
    def coverage(self) -> np.ndarray:
        return overlap.coverage(len(self.output))


def windows(ck: Checkpoint, curve: np.ndarray) -> Windows:
    """Encode `curve` window by window (Conv1d) and decode the codes back (ConvTranspose1d)."""
    codes = ck.encode_windows(curve)
    out = ck.decode_windows(codes)
    return Windows(codes, overlap.window_starts(len(curve)), codes.T @ ck.dec_w.astype(np.float64), out,
                   overlap.doubled(len(out)))


def fixed_outputs(ck: Checkpoint, curve: np.ndarray) -> dict[str, np.ndarray]:
    """The curve encoded window by window and decoded with each of core.overlap.FIXES: fix -> (L,)."""
    codes = overlap.encode_curves(ck, curve)
    return {f: overlap.decode_codes(ck, codes, f)[0] for f in overlap.FIXES}


def region_samples(length: int = data.WINSIZE) -> dict[str, str]:
    """The samples of each region as text: {'interior': '3-11', 'borders': '0-2, 12-14', ...}."""
    return {name: overlap.spans_text(np.flatnonzero(mask)) for name, mask in overlap.regions(length).items()}


def code_extent(ck: Checkpoint, percentile: float = CODE_PERCENTILE) -> np.ndarray:
    """Per code channel, the size of the codes real patches get: the percentile of |code| over
    every training patch, (3,)."""
    return np.percentile(np.abs(real_codes(ck)), percentile, axis=0)


def sweep_codes(extent: np.ndarray, k: int, n: int = 241, cycles: float = 1.0) -> np.ndarray:
    """(n, 3) codes: channel k goes 0 -> +extent -> -extent -> 0, the others stay 0 (A1-A3); with
    cycles = 1.25, on up to +extent again, where it ends."""
    codes = np.zeros((n, 3))
    codes[:, k] = extent[k] * np.sin(2 * np.pi * np.linspace(0, cycles, n))
    return codes


def real_codes(ck: Checkpoint) -> np.ndarray:
    """(N, 3): the code of every training patch, the cloud real codes make."""
    return ck.encode(data.make_patches())


def cloud_path(ck: Checkpoint, n: int = 601, reach: float = 0.8,
               turns: float = 1.25) -> tuple[np.ndarray, int]:
    """(n, 3) codes for all three components moving at once (A4), each the code of a patch made as
    the data's are: a curve whose p1, p2 go `turns` times round a figure eight (reach * (sin t,
    sin 2t), inside the data's [-1, 1]), cut at the one patch start where the training patches'
    codes spread most evenly over the three channels (returned too). It starts at the flat curve's
    code (about 0) and, after a quarter turn more than one, ends at the tip of a loop."""
    codes, starts = real_codes(ck), data.patch_starts()
    ext = code_extent(ck)
    spread = [np.min(np.ptp(codes[starts == s], axis=0) / ext) for s in range(data.WINSIZE - data.PATCH)]
    start = int(np.argmax(spread))
    t = np.linspace(0, 2 * np.pi * turns, n)
    curves = data.curves_from_params(reach * np.stack([np.sin(t), np.sin(2 * t)], axis=1))
    return ck.encode(curves[:, start:start + data.PATCH].astype(np.float32)), start


def cloud_distance(ck: Checkpoint, path: np.ndarray) -> float:
    """How far a code path (n, 3) gets from the cloud of real codes: the largest distance from a
    point of it (its rows and the midpoints between them, as `along` moves) to the nearest code
    of a training patch. Squared distances summed one coordinate at a time, in the order a sum over
    the last axis takes them, and the root taken of the least only (the same number, a ninth of
    the time of the (points, codes, 3) array)."""
    cloud = real_codes(ck)
    path = np.asarray(path, dtype=float)
    points = np.vstack([path, (path[1:] + path[:-1]) / 2])
    axes = [np.ascontiguousarray(cloud[:, i], dtype=float) for i in range(cloud.shape[1])]
    nearest = []
    for chunk in np.array_split(points, max(1, len(points) // 100)):
        d2 = (chunk[:, :1] - axes[0]) ** 2
        for i in range(1, len(axes)):
            d2 += (chunk[:, i:i + 1] - axes[i]) ** 2
        nearest.append(d2.min(axis=1))
    return float(np.sqrt(np.concatenate(nearest).max()))


def along(path: np.ndarray, t: float) -> np.ndarray:
    """The row at fraction t (0..1) of a path of rows, interpolated linearly between rows."""
    x = t * (len(path) - 1)
    i = min(int(x), len(path) - 2)
    return path[i] + (x - i) * (path[i + 1] - path[i])


# --- the encoder ------------------------------------------------------------------------------------
def encoder_steps(ck: Checkpoint, patch: np.ndarray) -> dict[str, np.ndarray]:
    """The encoder on one patch (7,), step by step (C3, F7): pointwise products (3, 7), their
    running sums (3, 7), their sums (3,), plus the bias (3,), tanh: the code (3,)."""
    patch = np.asarray(patch, dtype=np.float64)
    products = patch[None, :] * ck.enc_w.astype(np.float64)
    return {"products": products, "running": np.cumsum(products, axis=1), "sums": products.sum(axis=1),
            "pre": ck.pre_activations(patch[None])[0], "code": ck.encode(patch[None])[0]}


def running_sum(products: np.ndarray, count: float) -> float:
    """The sum of the first `count` products, the last one counted in part (0 <= count <= 7)."""
    full = int(np.floor(count))
    partial = products[full] * (count - full) if full < len(products) else 0.0
    return float(products[:full].sum() + partial)


def round_trip(ck: Checkpoint, patches: np.ndarray) -> np.ndarray:
    """(N, 7) patches encoded and decoded: the network's outputs (F5, F8)."""
    patches = np.asarray(patches, dtype=np.float64)
    return ck.decode(ck.encode(patches))


# --- noise ------------------------------------------------------------------------------------------
def noise_point(ck: Checkpoint, patches: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The noise idea (F11) on real codes: the codes of every 32nd patch (N, 3), one code away from
    0 to shake, and a noise scale for it (a third of the plot's half-width)."""
    codes = ck.encode(np.asarray(patches)[::32])
    k = int(np.argmax(np.abs(codes[:, 0]) + np.abs(codes[:, 1])) // 2)
    ext = np.abs(codes[:, :2]).max(axis=0) * 1.1
    return codes, codes[k], float(0.35 * ext.min())


def noise_draws(n: int, seed: int = 0) -> np.ndarray:
    """(n, 2) standard normal draws (numpy's default_rng(seed): the same every render), for the
    noise idea's shaken code (F11): scaled by a std per axis they are honest noise samples."""
    return np.random.default_rng(seed).standard_normal((n, 2))


def shake_path(scales: Sequence[float], n: int = 241) -> np.ndarray:
    """(n, 3) offsets of a code shaken on a closed path: channel k moves by up to scales[k]."""
    path = np.linspace(0, 2 * np.pi, n)
    return np.stack([np.cos(path), np.sin(2 * path), np.cos(3 * path)], axis=1) * np.asarray(scales)


def shaken(ck: Checkpoint, patch: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """A patch's clean output (7,), its outputs with the code moved by each offset (n, 7), and how
    far the output moves (root mean square over the path)."""
    code = ck.encode(np.asarray(patch, float)[None])[0]
    clean, moved = ck.decode(code[None])[0], ck.decode(code + offsets)
    return clean, moved, float(np.sqrt(np.mean((moved - clean) ** 2)))


def shake_rms(ck: Checkpoint, patches: np.ndarray, scales: Sequence[float], points: int = 24) -> float:
    """How far a model's output moves when its code is shaken, over many patches: the root mean
    square, over every patch, every output sample and `points` evenly spaced points of the closed
    shake path (each channel moved by up to scales[k]), of the output minus the clean output."""
    offsets = shake_path(scales, points + 1)[:-1]  # the path is closed: its last point is its first
    codes = ck.encode(np.asarray(patches, float))
    clean = ck.decode(codes)
    moved = ck.decode((codes[:, None, :] + offsets[None]).reshape(-1, codes.shape[1]))
    return float(np.sqrt(np.mean((moved.reshape(len(codes), points, -1) - clean[:, None]) ** 2)))


def ablated_outputs(ck: Checkpoint, patch: np.ndarray) -> np.ndarray:
    """(4, 7): the patch decoded from its full code, then with component 1, 2, 3 zeroed (F15, F16)."""
    codes = np.repeat(ck.encode(np.asarray(patch, float)[None]), 4, axis=0)
    for k in range(3):
        codes[k + 1, k] = 0.0
    return ck.decode(codes)


@dataclass(frozen=True)
class NoiseAsCoded:
    """What the article's slicing quirk did to the order of components 2 and 3 (C5 as coded)."""

    seeds: int  # code-noise-article seeds measured
    ordered: int  # of them, how many keep the loss increases in order 1 < 2 < 3
    ratio_applied: float  # component 3's cost over component 2's, mean over seeds, noise as applied
    ratio_meant: float  # the same for the noise as meant (the code-noise variant)


def noise_as_coded(applied: Sequence[Checkpoint], meant: Sequence[Checkpoint],
                   patches: np.ndarray) -> NoiseAsCoded:
    table = np.array([analysis.ablation(m, patches) for m in applied])
    mean_applied = table.mean(axis=0)
    mean_meant = analysis.ablation_summary(meant, patches)[0]
    ordered = int(np.sum(np.all(np.diff(table, axis=1) > 0, axis=1)))
    return NoiseAsCoded(len(table), ordered, float(mean_applied[2] / mean_applied[1]),
                        float(mean_meant[2] / mean_meant[1]))


def look_alikes(curves: np.ndarray, index: int) -> tuple[int, np.ndarray]:
    """The sample where curves sharing the example's value (within SIMILAR_TOL) differ most, and 3
    of them fanning out (F17; core.analysis.look_alike_fan)."""
    return analysis.look_alike_fan(curves, index, tol=SIMILAR_TOL, n=3)


# --- the noise video's findings (C4-C7, C11), each over all seeds of a variant -------------------------
@dataclass(frozen=True)
class SeedAgreement:
    """How alike the decoder filters of one variant's seeds are (C4, C5, C11)."""

    variant: str
    seeds: int
    score: float  # core.analysis.consistency, with the model's own symmetries
    baseline: float  # the same score for as many sets of unrelated random filters
    flips: bool  # whether sign flips were allowed (tanh: yes; ReLU: no, they change the model)

    @property
    def verdict(self) -> str:
        """'identical' (score >= AGREE), 'closer than chance' (past halfway from the baseline to 1),
        or 'like chance'."""
        if self.score >= AGREE:
            return "identical"
        return "closer than chance" if self.score > (1 + self.baseline) / 2 else "like chance"


AGREE = 0.99  # consistency from which seeds are said to learn the same filters


def seed_agreement(models: Sequence[Checkpoint]) -> SeedAgreement:
    flips = analysis.symmetric(models[0])
    score = analysis.consistency([m.dec_w for m in models], flips)
    base = analysis.consistency_baseline(len(models), models[0].dec_w.shape, flips=flips)
    return SeedAgreement(models[0].variant, len(models), score, base, flips)


@dataclass(frozen=True)
class Channels:
    """Per code channel, over a variant's seeds (C5, C6, C11): the noise each channel was trained
    with, how far its clean code spreads over the training patches, the decoder filter's norm, and
    what zeroing the channel costs."""

    variant: str
    noise: np.ndarray  # (3,) code noise std as trained
    spread: np.ndarray  # (seeds, 3) std of the clean code over the patches
    norm: np.ndarray  # (seeds, 3) Euclidean norm of the decoder filter
    costs: np.ndarray  # (seeds, 3) loss increase when the channel is zeroed
    finals: np.ndarray  # (seeds,) final training loss

    @property
    def seeds(self) -> int:
        return len(self.finals)

    @property
    def cost(self) -> np.ndarray:
        """(3,) mean loss increase per zeroed channel."""
        return self.costs.mean(axis=0)

    @property
    def ratios(self) -> np.ndarray:
        """(seeds,) in each seed, the costliest channel's cost over the cheapest's (inf where the
        cheapest costs nothing or less): how unequal the channels are within one model."""
        lo, hi = self.costs.min(axis=1), self.costs.max(axis=1)
        with np.errstate(divide="ignore"):
            return np.where(lo > 0, hi / np.where(lo > 0, lo, 1.0), np.inf)

    @property
    def ordered(self) -> int:
        """Seeds whose costs are in the order 1 < 2 < 3 (the noisiest channel cheapest)."""
        return int(np.sum(np.all(np.diff(self.costs, axis=1) > 0, axis=1)))

    @property
    def dead(self) -> int:
        """Seeds with a dead channel: its code is 0 for every training patch (ReLU can do this)."""
        return int(np.sum(np.any(self.spread == 0, axis=1)))

    @property
    def final_loss(self) -> float:
        return float(self.finals.mean())

    @property
    def survives(self) -> np.ndarray:
        """(3,) median over seeds of spread / noise std: how many times larger than its noise a
        channel's code moves (inf where there is no noise). The median, so that a dead channel in
        one seed does not pull the others down."""
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = self.spread / np.where(self.noise > 0, self.noise, 1.0)
        return np.where(self.noise > 0, np.median(ratio, axis=0), np.inf)


def channels(models: Sequence[Checkpoint], patches: np.ndarray) -> Channels:
    return Channels(models[0].variant, np.array(models[0].code_noise),
                    np.array([analysis.code_spread(m, patches) for m in models]),
                    np.array([np.linalg.norm(m.dec_w, axis=1) for m in models]),
                    np.array([analysis.ablation(m, patches) for m in models]),
                    np.array([m.final_loss for m in models]))


@dataclass(frozen=True)
class Smoothness:
    """The encoder filters of one variant, per channel, means over its seeds (C7): jaggedness
    (core.analysis.jaggedness) and the largest |weight|; `random` is what random filters score."""

    variant: str
    jagged: np.ndarray  # (3,)
    largest: np.ndarray  # (3,)
    random: float


def smoothness(models: Sequence[Checkpoint]) -> Smoothness:
    rand = float(np.mean([analysis.jaggedness(f).mean() for f in analysis.random_filters(200)]))
    return Smoothness(models[0].variant,
                      np.mean([analysis.jaggedness(m.enc_w) for m in models], axis=0),
                      np.mean([np.abs(m.enc_w).max(axis=1) for m in models], axis=0), rand)


@dataclass(frozen=True)
class TanhBound:
    """What tanh does with the largest encoder filter's output (C7): channel `channel`'s
    pre-activations over the patches of one model, how far they reach, and how much of them tanh
    bends (|pre| > 1, where tanh(x) falls below 0.76 x)."""

    channel: int
    pre: np.ndarray  # (N,) pre-activations
    reach: float  # largest |pre|
    code_reach: float  # tanh(reach)
    bent: float  # fraction with |pre| > 1


def tanh_bound(ck: Checkpoint, patches: np.ndarray) -> TanhBound:
    k = int(np.argmax(np.abs(ck.enc_w).max(axis=1)))
    pre = ck.pre_activations(patches)[:, k]
    reach = float(np.abs(pre).max())
    return TanhBound(k, pre, reach, float(np.tanh(reach)), float(np.mean(np.abs(pre) > 1)))


@dataclass(frozen=True)
class ReluVerdict:
    """What the noise video and figure C11 say about ReLU, chosen by the measurement."""

    shown: str  # the sentence on screen
    growth: str  # said over the code spreads: how far channel 1's code outgrows its noise
    seeds: tuple[str, ...]  # said over the seeds: dead channels, the order


def relu_verdict(relu: Channels, tanh: Channels, relu_agree: SeedAgreement,
                 tanh_agree: SeedAgreement) -> ReluVerdict:
    """C11, chosen by the measurement: ReLU orders the components as tanh does (every seed ordered,
    no dead channel, the seeds agree), or it does not, and then what went wrong (dead channels, the
    order in how many seeds, seeds that disagree)."""
    n = relu.seeds
    grew = relu.survives[0] / tanh.survives[0]
    growth = (f"With ReLU, channel 1's code outgrows its noise {relu.survives[0]:.0f}x; "
              f"with tanh {tanh.survives[0]:.0f}x." if grew > 1.5 else
              f"With ReLU, channel 1's code spreads {relu.survives[0]:.0f}x its noise, "
              f"about as with tanh ({tanh.survives[0]:.0f}x).")
    if relu.ordered == n and not relu.dead and relu_agree.verdict == "identical":
        return ReluVerdict(f"with ReLU the noise orders the components too: in all {n} seeds, and the "
                           "seeds agree", growth,
                           (f"The order 1 < 2 < 3 holds in all {n} seeds,", "and the seeds agree: "
                            "the article's worry does not hold."))
    said = []
    if relu.dead:
        said.append(f"In {relu.dead} of {n} seeds a channel died: its code is always 0.")
    said.append(f"The order 1 < 2 < 3 holds in {relu.ordered} of {n} seeds: not reliably."
                if relu.ordered < n else f"The order holds in all {n} seeds, but the seeds disagree.")
    shown = (f"ReLU: order 1 < 2 < 3 in {relu.ordered} of {n} seeds (tanh {tanh.ordered} of {tanh.seeds}), "
             f"a dead channel in {relu.dead} of {n}: per-channel noise does not order ReLU codes reliably"
             if relu.ordered < n or relu.dead else
             f"ReLU: order 1 < 2 < 3 in all {n} seeds, but the seeds disagree ({relu_agree.score:.2f})")
    return ReluVerdict(shown, growth, tuple(said))
