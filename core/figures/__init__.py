"""Every figure of the article (ids of docs/article.md) as a matplotlib plot, computed from the shipped
checkpoints and the dataset: `deconv figures` / `make figures`.

A figure is a function `(ctx: Context) -> matplotlib.figure.Figure`, registered with `@figure(id,
slug, title)`; it is saved as `media/figures/<id>_<slug>.png` and `.svg`. The functions live in
`core.figures.article` (F1-F10), `core.figures.noise` (F12-F18, and C11: ReLU measured) and
`core.figures.overlap` (F19-F22). matplotlib is used without pyplot (no global state, no
display). numpy, matplotlib and core only: never torch, never manim.

`generate` notes each file it writes in the folder's record (`core.files.Record`, `.deconv-figures`):
a file there that it did not write, or that changed since (a hand-edited SVG), is replaced only with
`force`, unless it already holds, byte for byte, what this run draws (the previews the repository
ships); it stops, before writing anything, naming the files it will not replace.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from core import analysis, data, files, palette, story, weights

PALETTE = palette.LIGHT  # figures are drawn on white
FILTER_COLORS = PALETTE.filters
DEFAULT_OUT = Path(__file__).resolve().parent.parent.parent / "media" / "figures"
FORMATS = ("png", "svg")
DPI = 130
REFERENCE_SEED = story.REFERENCE_SEED  # the seed drawn, and the seed the other seeds are aligned to
RECORD = "figures"  # the folder's record of the files deconv figures wrote: .deconv-figures


class FiguresError(ValueError):
    """Something the user can fix (a file in the way that is not ours): one line."""


@dataclass(frozen=True)
class FigureSpec:
    id: str  # "F14"
    slug: str  # "ablation"
    title: str  # one line for listings
    draw: Callable[[Context], object]  # returns a matplotlib Figure

    @property
    def stem(self) -> str:
        return f"{self.id}_{self.slug}"


FIGURES: dict[str, FigureSpec] = {}


def figure(fig_id: str, slug: str, title: str):
    """Register a figure function under an article id."""

    def register(fn: Callable[[Context], object]):
        if fig_id in FIGURES:
            raise ValueError(f"figure {fig_id} registered twice")
        FIGURES[fig_id] = FigureSpec(fig_id, slug, title, fn)
        return fn

    return register


class Context:
    """What the figures share, computed once and only when a figure asks: the dataset, the models
    of each variant, the example curve."""

    def __init__(self, checkpoints: str | Path = weights.DEFAULT_DIR):
        self.checkpoints = Path(checkpoints)
        self._models: dict[str, list[weights.Checkpoint]] = {}

    @cached_property
    def curves(self) -> np.ndarray:
        """(16384, 15) the article's curves."""
        return data.make_curves()[0]

    @cached_property
    def params(self) -> np.ndarray:
        return data.make_curves()[1]

    @cached_property
    def patches(self) -> np.ndarray:
        """(16384, 7) the training patches."""
        return data.make_patches(self.curves)

    @cached_property
    def demo(self) -> tuple[int, np.ndarray]:
        """The videos' example curve (core.story.demo_curve): (index, 15 samples)."""
        return story.demo_curve()

    def models(self, variant: str = "plain") -> list[weights.Checkpoint]:
        """Every shipped seed of a variant, in seed order (CheckpointError if there are none)."""
        if variant not in self._models:
            found = weights.load_all(self.checkpoints, variant)
            if not found:
                out = ("" if Path(self.checkpoints).resolve() == Path(weights.DEFAULT_DIR).resolve()
                       else f" --out {weights.shell_quote(self.checkpoints)}")
                raise weights.CheckpointError(
                    f"{self.checkpoints}: no '{variant}' checkpoints; make them with "
                    f"deconv train --variants {variant}{out}")
            self._models[variant] = sorted(found, key=lambda c: c.seed)
        return self._models[variant]

    def model(self, variant: str = "plain", seed: int = REFERENCE_SEED) -> weights.Checkpoint:
        """The model of `seed` (else the first seed) of a variant (core.story.model_for)."""
        return story.model_for(self.models(variant), seed)

    def aligned(self, variant: str = "plain") -> list[dict[str, np.ndarray]]:
        """Each seed's filters reordered and sign-flipped onto the reference seed's (see
        core.analysis.align_model)."""
        ref = self.model(variant)
        return [analysis.align_model(ck, ref) for ck in self.models(variant)]


# --- drawing helpers shared by the figure modules --------------------------------------------------
def new_figure(width: float = 7.0, height: float = 4.2, **subplots):
    """A matplotlib Figure (no pyplot) and its axes, in the project's style."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    axes = fig.subplots(**subplots) if subplots else fig.subplots()
    return fig, axes


def style(ax, title: str | None = None, xlabel: str | None = None, ylabel: str | None = None) -> None:
    if title:
        ax.set_title(title, fontsize=10, color=PALETTE.text)
    if xlabel:
        ax.set_xlabel(xlabel, color=PALETTE.text)
    if ylabel:
        ax.set_ylabel(ylabel, color=PALETTE.text)
    ax.grid(True, color="#E3E6EA", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=PALETTE.muted, labelcolor=PALETTE.text)


def rc() -> dict:
    """matplotlib rcParams every figure is drawn under."""
    return {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.titlesize": 10,
        "figure.titlesize": 12,
        "axes.edgecolor": PALETTE.muted,
        "axes.labelcolor": PALETTE.text,
        "legend.fontsize": 8,
        "legend.frameon": False,
        "lines.linewidth": 1.8,
        "svg.fonttype": "none",  # SVG text stays text
        "pdf.fonttype": 42,  # TrueType in PDF and PostScript: journals' checks reject Type 3 fonts
        "ps.fonttype": 42,
        "svg.hashsalt": "deconv-explained",  # same SVG bytes every run
        "path.simplify": False,
    }


# --- making the files ------------------------------------------------------------------------------
def _load_modules() -> None:
    from core.figures import article, noise, overlap  # noqa: F401 - registering is the import


def specs(only: Sequence[str] | None = None) -> list[FigureSpec]:
    """The figures to make, in id order; `only` takes ids like F14 (or f14, C11). Unknown ids raise
    ValueError naming the known ones."""
    _load_modules()
    # the article's figures F1-F22 in order, then figures of claims it left unmeasured (C11)
    ordered = sorted(FIGURES.values(), key=lambda s: (s.id[0] != "F", int(s.id[1:])))
    if not only:
        return ordered
    wanted = [i.strip().upper() for i in only]
    unknown = [i for i in wanted if i not in FIGURES]
    if unknown:
        note = " (F11 is an animation: the noise video's noise-idea section)" if "F11" in unknown else ""
        raise ValueError(f"unknown figure id {', '.join(unknown)}; choose from "
                         f"{' '.join(s.id for s in ordered)}{note}")
    return [s for s in ordered if s.id in wanted]


def draw(spec: FigureSpec, ctx: Context):
    """The matplotlib Figure of one spec, with the figure id in its corner."""
    import matplotlib

    with matplotlib.rc_context(rc()):
        fig = spec.draw(ctx)
        fig.text(0.995, 0.005, spec.id, ha="right", va="bottom", fontsize=7, color=PALETTE.muted)
    return fig


def render(fig, formats: Iterable[str] = FORMATS) -> dict[str, bytes]:
    """The figure's file in each format: format -> bytes (the same bytes on every run)."""
    import matplotlib

    made = {}
    with matplotlib.rc_context(rc()):
        for fmt in formats:
            buf = io.BytesIO()
            meta = {"Software": None} if fmt == "png" else {"Date": None}
            fig.savefig(buf, format=fmt, facecolor=PALETTE.background, metadata=meta)
            made[fmt] = buf.getvalue()
    return made


def _write(made: dict[str, bytes], path_stem: Path) -> list[Path]:
    written = []
    for fmt, blob in made.items():
        path = path_stem.with_suffix(f".{fmt}")
        weights.atomic_write_bytes(path, blob)
        written.append(path)
    return written


def save(fig, path_stem: Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write the figure as each format, atomically (temp + rename). Returns the paths."""
    return _write(render(fig, formats), path_stem)


def _holds(path: Path, blob: bytes) -> bool:
    """Whether `path` is a plain file holding exactly `blob`."""
    try:
        return (path.is_file() and not path.is_symlink() and path.stat().st_size == len(blob)
                and files.sha256_file(path) == files.sha256_bytes(blob))
    except OSError:
        return False


def generate(only: Sequence[str] | None = None, out: str | Path = DEFAULT_OUT,
             checkpoints: str | Path = weights.DEFAULT_DIR, formats: Iterable[str] = FORMATS,
             progress: bool = True, force: bool = False) -> list[Path]:
    """Draw and save the chosen figures (all by default) into `out`, holding the folder's writer lock.
    FiguresError, before anything is written, where a file of those names there is not one deconv
    figures wrote (or it changed since) and does not already hold what this run draws; unless
    `force`. Returns the written paths."""
    chosen = specs(only)
    formats = list(dict.fromkeys(formats))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ctx = Context(checkpoints)
    record = files.Record(out, RECORD)
    written: list[Path] = []
    from tqdm import tqdm

    with files.lock(out, "deconv figures"):
        names = [f"{s.stem}.{fmt}" for s in chosen for fmt in formats]
        foreign = set() if force else set(record.foreign(names))
        # the figures with a file not ours in the way are drawn first: those already holding this run's
        # bytes are not in the way; any other stops the run before it writes anything
        drawn: dict[str, dict[str, bytes]] = {}
        refused: list[str] = []
        for spec in chosen:
            theirs = [fmt for fmt in formats if f"{spec.stem}.{fmt}" in foreign]
            if theirs:
                drawn[spec.id] = render(draw(spec, ctx), formats)
                refused += [f"{spec.stem}.{fmt}" for fmt in theirs
                            if not _holds(out / f"{spec.stem}.{fmt}", drawn[spec.id][fmt])]
        if refused:
            raise FiguresError(files.refusal(out, refused, "deconv figures"))
        # disable=None: a bar on a terminal only, so logs and CI stay clean
        bar = tqdm(chosen, desc="figures", unit="fig", disable=True if not progress else None,
                   bar_format="{desc}: {n_fmt}/{total_fmt} {bar} {elapsed} {postfix}")
        for spec in bar:
            bar.set_postfix_str(spec.stem)
            made = drawn.pop(spec.id, None) or render(draw(spec, ctx), formats)
            paths = _write(made, out / spec.stem)
            record.add(paths)  # figure by figure: a run stopped midway still knows what it wrote
            written += paths
    return written
