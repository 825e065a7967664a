"""What the two noise explainers share (scenes/code_noise.py, scenes/input_noise.py): the measured
models and their footer (NoiseStage, a mixin, not a Scene: one Scene per scenes/*.py file), the
claim each video opens on, the verdicts that choose their sentences from the measurements, the
number formats, and the boards they draw.

Article (docs/article.md): claims C4-C7 and C11, figures F9-F18. Every number is measured at render
time on the models of all seeds of each variant in the checkpoint folder (core.analysis,
core.story); DECONV_SEED picks the model used as example.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Circle,
    DashedLine,
    DashedVMobject,
    Ellipse,
    Line,
    Rectangle,
    ReplacementTransform,
    ValueTracker,
    VGroup,
)

from core import analysis as an
from core import data, story
from core.data import KERNEL, WINSIZE
from scenes import pictures as pic
from scenes import speed
from scenes import theme as th
from scenes.models import checkpoint_dir, load_model, load_variants, shipped
from scenes.speed import fade_in

SHOWN_SEEDS = 4  # seeds drawn side by side; scores use all of them
HUES = th.FILTER_NAMES  # th.FILTER_COLORS by name, for the subtitles
RING_STD = 2  # the noise ring is drawn at this many standard deviations
DRAWS = 16  # noise draws the shaken point visits in each phase of the noise idea


class NoiseStage:
    """Mixed into a noise explainer (before scenes.stage.Explainer): `prepare(variants)` loads the
    example model (`ck`), every seed of each variant (`models`, at least two each), the training
    patches, and measures each variant's seed agreement (`agree`) and channels (`channels`);
    `claim()` opens the video on the article's claim it tests."""

    def prepare(self, variants: tuple[str, ...]) -> None:
        self.ck = load_model()  # the example model (its seed picks the examples)
        self.models = load_variants(variants, at_least=2)
        self.patches = data.make_patches().astype(np.float64)
        where = "the shipped checkpoints" if shipped() else f"the checkpoints in {checkpoint_dir()}"
        footer = th.text(f"models: {where}, all seeds of each variant", th.SMALL_SIZE - 4, th.MUTED_COLOR)
        self.show_footer(footer.to_corner(DOWN + LEFT, buff=0.1))
        self.agree = {v: story.seed_agreement(ms) for v, ms in self.models.items()}
        self.channels = {v: story.channels(ms, self.patches) for v, ms in self.models.items()}

    def example(self, variant: str):
        """The model of the example's seed in `variant` (else its first seed)."""
        return story.model_for(self.models[variant], self.ck.seed)

    def claim(self, heading: str, said: tuple[str, ...], quoted: str) -> VGroup:
        """The video's first words and picture: the article's claim it tests, as the title
        (`heading`), quoted under it, and said (`said`, the opening cue). Returns what is on stage."""
        title = th.title(heading)
        quote = VGroup(th.lines(f"\u201c{quoted}\u201d", th.LABEL_SIZE, th.OUTPUT_COLOR, width=11),
                       th.text(f"the article, \u201c{story.ARTICLE}\u201d: the claim this video tests",
                               th.SMALL_SIZE, th.MUTED_COLOR)).arrange(DOWN, buff=0.2)
        quote.next_to(title, DOWN, buff=0.45)
        self.say(*said)
        self.play(fade_in(title), fade_in(quote), run_time=1.2)
        return VGroup(title, quote)


def noise_table(rows: list[tuple[str, str, list[float], str]], role: str,
                heads: tuple[tuple[str, str], ...] | None = None, corner: str = "code noise std",
                last: str | None = "used by") -> VGroup:
    """A table of noise std: one row per (name, colour, std per column, note), under `corner` and
    the column heads (default c1, c2, c3 in the channel colours) and, unless `last` is None, a column
    of notes headed `last`; each std cell recorded as '<role> <row> <column>' (both 1-based) and
    reading back its value."""
    heads = heads or tuple((f"c{k + 1}", th.FILTER_COLORS[k]) for k in range(3))
    cells = VGroup(th.text(corner, th.SMALL_SIZE, th.MUTED_COLOR),
                   *[th.text(h, th.SMALL_SIZE, c) for h, c in heads])
    if last is not None:
        cells.add(th.text(last, th.SMALL_SIZE - 2, th.MUTED_COLOR))
    for r, (name, colour, stds, note) in enumerate(rows, 1):
        cells.add(th.text(name, th.SMALL_SIZE, colour))
        for k, s in enumerate(stds):
            cell = th.text(f"{s:g}", th.SMALL_SIZE, colour)
            cell.role, cell.get_value = f"{role} {r} {k + 1}", (lambda s=s: s)
            cells.add(cell)
        if last is not None:
            cells.add(th.text(note, th.SMALL_SIZE - 2, th.MUTED_COLOR))
    cols = 1 + len(heads) + (last is not None)
    return cells.arrange_in_grid(len(rows) + 1, cols, buff=(0.45, 0.18),
                                 col_alignments="l" + "r" * len(heads) + ("l" if last is not None else ""))


def smoothing_verdict(code: story.Smoothness, inp: story.Smoothness) -> tuple[str, tuple[str, ...]]:
    """What input noise adds to code noise's smoothing, per encoder filter, chosen by the numbers:
    a filter counts as smoothed by input noise when its jaggedness falls to under half of what code
    noise alone gives. Returns the line shown and the subtitles."""
    def names(ks):
        words = [str(k + 1) for k in ks]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]

    def j(x):
        return f"{x:.3f}" if x < 0.1 else f"{x:.2f}"

    smoothed = [k for k in range(3) if inp.jagged[k] < code.jagged[k] / 2]
    kept = [k for k in range(3) if k not in smoothed]
    if not smoothed:
        return ("input noise does not make the encoder filters smoother than code noise alone",
                ("Against code noise alone, input noise smooths no filter.",))
    plural = "s" if len(smoothed) > 1 else ""
    shown = (f"input noise smooths filter{plural} {names(smoothed)} ("
             + ", ".join(f"{j(code.jagged[k])} \u2192 {j(inp.jagged[k])}" for k in smoothed) + ")")
    said = [f"Against code noise alone, input noise smooths filter{plural} {names(smoothed)}:",
            ", ".join(f"{j(code.jagged[k])} to {j(inp.jagged[k])}" for k in smoothed) + "."]
    if kept:
        shown += (f"; filter {names(kept)} already about as smooth with code noise alone ("
                  + ", ".join(f"{j(code.jagged[k])}" for k in kept) + ")")
        said.append(f"Filter {names(kept)} was already about as smooth with code noise alone: "
                    + ", ".join(f"{j(code.jagged[k])}" for k in kept) + ".")
    return shown, tuple(said)


def coded_verdict(found: story.NoiseAsCoded) -> tuple[str, tuple[str, ...]]:
    """The sentence shown and the subtitles said about the article's noise as coded, chosen by
    the measurement: components 2 and 3 swap in some seeds, or keep their order in all."""
    n, swapped = found.seeds, found.seeds - found.ordered
    if swapped:
        return (f"with the applied scales, components 2 and 3 swap places in {swapped} of {n} seeds, "
                "as the article saw",
                (f"With the applied scales, components 2 and 3 swap in {swapped} of {n} seeds.",
                 "That is what the article saw."))
    apart = f"{found.ratio_applied:.1f}x apart instead of {found.ratio_meant:.1f}x"
    return (f"components 2 and 3 end up closer ({apart}), but keep their order in all {n} seeds",
            (f"Components 2 and 3 come closer: {apart}.", f"But they keep their order in all {n} seeds."))


def importance_verdict(ch: story.Channels) -> tuple[str, tuple[str, ...]]:
    """Which component matters most, from the zeroing costs alone (C6; never from a filter's size):
    the line shown and the subtitles, chosen by the measurement. The claim holds when the quietest
    channel's component costs most on average and the costs rise 1 < 2 < 3 (from the noisiest
    channel to the quietest) in every seed."""
    n, quiet, costly = ch.seeds, int(np.argmin(ch.noise)), int(np.argmax(ch.cost))
    if costly == quiet and ch.ordered == n:
        return (f"costs 1 < 2 < 3 in all {n} seeds: the quietest channel's component matters most",
                (f"In all {n} seeds the cost rises 1 < 2 < 3, noisiest to quietest:",
                 "the most important component is in the quietest channel, as claimed."))
    if costly == quiet:
        return (f"the quietest channel's component costs most on average, but 1 < 2 < 3 holds in only "
                f"{ch.ordered} of {n} seeds",
                ("The quietest channel's component costs most on average,",
                 f"but the order 1 < 2 < 3 holds in only {ch.ordered} of {n} seeds."))
    return (f"component {costly + 1} costs most, not the quietest channel's ({quiet + 1}): the claim fails",
            (f"Component {costly + 1} costs most, not the quietest channel's, {quiet + 1}:",
             "the claim does not hold for these models."))


def fmt_weight(x: float) -> str:
    """'6.49' or '0.084': a filter's largest |weight| as said and shown."""
    return f"{x:.3f}" if x < 0.1 else f"{x:.2f}"


def sizes_verdict(code: story.Smoothness, inp: story.Smoothness) -> tuple[str, ...]:
    """Whether the input-noise encoder filters' sizes come from their code noise (C7's models have
    both): the subtitles, chosen by comparing the largest |weight| per filter with the code-noise-only
    models'. The same order of sizes, each within 2x, is the code noise's doing."""
    nums = ", ".join(fmt_weight(x) for x in code.largest)
    alike = (np.array_equal(np.argsort(code.largest), np.argsort(inp.largest))
             and bool(np.all(np.abs(np.log(inp.largest / code.largest)) < np.log(2))))
    if alike:
        return (f"Code-noise-only models: {nums}, alike:",
                "these sizes come from the code noise, not the input noise.")
    return (f"Code-noise-only models: {nums}:", "the input noise changes these sizes.")


def tanh_source(inp: story.TanhBound, code: story.TanhBound) -> tuple[str, ...]:
    """Whether the big filter that tanh bounds (an input-noise model's) comes with the code noise:
    the subtitles, chosen by the code-noise-only model's measurement of the same."""
    if code.channel == inp.channel and code.reach > 1:
        return (f"The code-noise-only model's filter {code.channel + 1} reaches {code.reach:.2f} too:",
                "the big filter comes with the code noise, not the input noise.")
    return (f"The code-noise-only model reaches only {code.reach:.2f} (filter {code.channel + 1}):",
            "here the input noise makes the filter big.")


def sci(x: float) -> str:
    """'1.5e-2': a cost as the bars write it (short, so that neighbouring bars' numbers fit)."""
    if x <= 0:
        return f"{x:.1g}"
    e = int(np.floor(np.log10(x)))
    m = x / 10.0**e
    if round(m, 1) >= 10:
        m, e = m / 10, e + 1
    return f"{m:.1f}e{e}"


def fmt_span(ratios: np.ndarray) -> str:
    """'1.2x to 3.2x' (or '115x' when every seed rounds alike): a ratio's range over seeds."""
    lo, hi = fmt_ratio(float(np.min(ratios))), fmt_ratio(float(np.max(ratios)))
    return lo if lo == hi else f"{lo} to {hi}"


def fmt_ratio(r: float) -> str:
    """'1.2x' or '115x': a ratio of two costs as said and shown."""
    return f"{r:.1f}x" if r < 10 else f"{r:.0f}x"


def scaled_to_one(f: np.ndarray) -> np.ndarray:
    """Each filter divided by its largest |value|: shapes compare, sizes differ a lot."""
    return f / np.abs(f).max(axis=1, keepdims=True)


class SeedsBoard:
    """Decoder filters of the reference seed and SHOWN_SEEDS - 1 others (F9, F12), laid out under
    `title`; `moves()` renumbers and flips each seed's filters onto the reference's (F10, F13),
    recorded as 'seed s filter i'."""

    def __init__(self, models, ref, title):
        self.shown = [ref] + [m for m in models if m is not ref][: SHOWN_SEEDS - 1]
        lim = max(np.abs(m.dec_w).max() for m in self.shown) * 1.1
        self.plots = VGroup(*[pic.SignalPlot(KERNEL, pic.nice_range(-lim, lim), 2.2, 1.9,
                                             f"{m.variant}, seed {m.seed}", font_size=th.SMALL_SIZE - 2)
                              for m in self.shown])
        self.plots.arrange(RIGHT, buff=0.45).next_to(title, DOWN, buff=0.9)
        self.raw = [VGroup(*[pic.Signal(p, m.dec_w[i], th.FILTER_COLORS[i], width=3, dot_radius=0.04)
                             for i in range(3)]) for p, m in zip(self.plots, self.shown)]
        self.aligns = [an.match_filters(m.dec_w, ref.dec_w) for m in self.shown]
        self.aligned = [VGroup(*[pic.Signal(p, a.aligned[i], th.FILTER_COLORS[i], width=3, dot_radius=0.04,
                                            role=f"seed {m.seed} filter {i + 1}") for i in range(3)])
                        for p, a, m in zip(self.plots, self.aligns, self.shown)]

    def moves(self) -> list[ReplacementTransform]:
        """Trained filter perm[i] of each seed flies to place i, flipped when signs[i] is -1."""
        return [ReplacementTransform(r[a.perm[i]], al[i])
                for r, al, a in zip(self.raw, self.aligned, self.aligns) for i in range(3)]


class SpreadBoard(VGroup):
    """Every seed's decoder filters matched onto the reference's (core.analysis.seed_spread), one plot
    per filter, all seeds overlaid (the reference thicker), recorded as 'spread seed s filter i'. With
    `channels` (a noisy variant) each plot names its channel's noise and `norms` says each filter's
    norm, mean over seeds."""

    def __init__(self, models, ref, title, channels: story.Channels | None = None):
        super().__init__()
        spread = an.seed_spread(models, ref)  # (seeds, 3, 7)
        lim = np.abs(spread).max() * 1.1
        heads = [f"filter {k + 1}" + (f": channel noise {channels.noise[k]:g}" if channels is not None
                                      else "") for k in range(3)]
        self.plots = VGroup(*[pic.SignalPlot(KERNEL, pic.nice_range(-lim, lim), 3.1, 2.2, h,
                                             label_color=th.FILTER_COLORS[k], font_size=th.SMALL_SIZE)
                              for k, h in enumerate(heads)]).arrange(RIGHT, buff=0.65)
        self.plots.next_to(title, DOWN, buff=0.75)
        self.add(self.plots)
        for k, plot in enumerate(self.plots):
            for m, f in zip(models, spread):
                ref_seed = m.seed == ref.seed
                self.add(pic.Signal(plot, f[k], th.FILTER_COLORS[k], width=4 if ref_seed else 2,
                                    dot_radius=0.04 if ref_seed else 0.025, opacity=1 if ref_seed else 0.6,
                                    role=f"spread seed {m.seed} filter {k + 1}"))
        self.norms = VGroup()
        if channels is not None:
            for k, plot in enumerate(self.plots):
                self.norms.add(th.text(f"size (norm) {channels.norm[:, k].mean():.2f}", th.SMALL_SIZE,
                                       th.FILTER_COLORS[k]).next_to(plot, DOWN, 0.12))


class ShakeBoard:
    """Two trained models side by side, each decoding one patch's code shaken on the same closed
    path (`shake(a)`, a -> 0..1); their clean output and how far the output moves (rms)."""

    def __init__(self, models, scales, title):
        self.models = models
        patch = story.demo_patch()[2]
        self.runs = [story.shaken(m, patch, story.shake_path(scales)) for m in models]  # (clean, moved, rms)
        self.rms = [r for _, _, r in self.runs]
        lo = min(min(c.min(), s.min()) for c, s, _ in self.runs)
        hi = max(max(c.max(), s.max()) for c, s, _ in self.runs)
        self.plots = VGroup(*[pic.SignalPlot(KERNEL, pic.nice_range(lo - 0.05, hi + 0.05), 5.2, 2.8,
                                             f"{m.variant}, seed {m.seed}") for m in models])
        self.plots.arrange(RIGHT, buff=1.0).next_to(title, DOWN, buff=0.9)
        self.clean = [pic.Signal(p, c, th.TEXT_COLOR, width=3, dot_radius=0.04)
                      for p, (c, _, _) in zip(self.plots, self.runs)]
        self.moving = [pic.Signal(p, c, th.OUTPUT_COLOR, width=5, dot_radius=0.06)
                       for p, (c, _, _) in zip(self.plots, self.runs)]
        self.notes = VGroup(*[th.text(f"output moves by {r:.3f} (rms)", th.SMALL_SIZE,
                                      th.ACCENT_COLOR if r == max(self.rms) else th.OUTPUT_COLOR)
                              .next_to(p, DOWN, 0.3) for p, r in zip(self.plots, self.rms)])

    def shake(self, a: float) -> None:
        for sig, (_, moved, _) in zip(self.moving, self.runs):
            sig.set_values(story.along(moved, a))


def ablated_grid(models: dict, patch: np.ndarray, beside) -> tuple[VGroup, VGroup]:
    """A row of four plots per model, in the order given (F15, F16), right of `beside`: the patch
    (wide) and its reconstruction from the full code, then with component 1, 2, 3 zeroed, recorded as
    '<variant> full', '<variant> without k'."""
    rows = [(v, ck, story.ablated_outputs(ck, patch)) for v, ck in models.items()]
    lo = min(patch.min(), *(r.min() for _, _, r in rows))
    hi = max(patch.max(), *(r.max() for _, _, r in rows))
    names = ("full", "without 1", "without 2", "without 3")
    colours = (th.TEXT_COLOR, *th.FILTER_COLORS)
    grid = VGroup(*[VGroup(*[pic.SignalPlot(KERNEL, pic.nice_range(lo - 0.05, hi + 0.05), 1.1, 1.05, n,
                                            label_color=c, x_numbers=False, y_numbers=False,
                                            font_size=th.SMALL_SIZE - 2)
                             for n, c in zip(names, colours)]).arrange(RIGHT, buff=0.14)
                    for _ in rows]).arrange(DOWN, buff=0.85)
    grid.next_to(beside, RIGHT, buff=0.3).align_to(beside, UP).shift(DOWN * 0.55)
    grid.add(VGroup(*[th.text(f"{v}, seed {ck.seed}:", th.SMALL_SIZE).next_to(row, UP, 0.45)
                      .align_to(row, LEFT)
                      for row, (v, ck, _) in zip(grid, rows)]))  # each row's model, above its plots
    sigs = VGroup()
    for row, (v, _, outs) in zip(grid, rows):
        for plot, o, n in zip(row, outs, names):
            sigs.add(pic.Signal(plot, patch, th.DATA_COLOR, width=8, dot_radius=0, opacity=0.5),
                     pic.Signal(plot, o, th.OUTPUT_COLOR, width=2.5, dot_radius=0.03, role=f"{v} {n}"))
    return grid, sigs


class LookAlikeBoard:
    """The look-alikes (F17), laid out under `title`: the example curve and three look-alikes sharing
    one sample's value ('curve j'), the plot labelled `label`, a format string that may name {idx} and
    {sample} (by default which curves, at which sample)."""

    def __init__(self, title, label: str | None = None):
        curves = data.make_curves()[0]
        self.idx, curve = story.demo_curve()
        self.sample, self.others = story.look_alikes(curves, self.idx)
        self.apart = np.abs(curves[self.others] - curve).max()  # the look-alikes' largest gap anywhere
        lo, hi = min(curves[self.others].min(), curve.min()), max(curves[self.others].max(), curve.max())
        label = (label or "curve {idx} and 3 look-alikes at sample {sample}").format(idx=self.idx,
                                                                                   sample=self.sample)
        self.plot = pic.SignalPlot(WINSIZE, pic.nice_range(lo - 0.05, hi + 0.05), 7.5, 3.2, label)
        self.plot.next_to(title, DOWN, buff=0.95)
        self.target = pic.Signal(self.plot, curve, th.TEXT_COLOR, width=5, dot_radius=0.05,
                                 role=f"curve {self.idx}")
        self.rest = [pic.Signal(self.plot, curves[j], th.DATA_COLOR, width=2, dot_radius=0.03, opacity=0.8,
                                role=f"curve {j}") for j in self.others]
        axes = self.plot.axes
        self.marker = DashedLine(axes.c2p(self.sample, axes.y_range[0]),
                                 axes.c2p(self.sample, axes.y_range[1]), color=th.MUTED_COLOR)


class FilterBoard:
    """The input-noise encoder filters (F18, C7), under `title`: at their true size in their channel
    colours ('true filter i'), with each filter's largest |weight| (mean of seeds); beside, the shapes
    each scaled to 1: the plain model's filters matched onto the input-noise channels, turning into
    the input-noise filters ('smooth filter i'); and the table of jaggedness per channel (variants x
    channels, with random filters for reference)."""

    def __init__(self, plain, smooth, found: dict[str, story.Smoothness], title):
        lim = np.abs(smooth.enc_w).max() * 1.1
        self.true_plot = pic.SignalPlot(KERNEL, pic.nice_range(-lim, lim), 3.6, 2.2,
                                        f"input-noise, seed {smooth.seed}: true size")
        self.shape_plot = pic.SignalPlot(KERNEL, (-1.0, 1.0, 0.5), 3.6, 2.2,
                                         "shapes scaled to 1: plain, then input noise")
        VGroup(self.true_plot, self.shape_plot).arrange(RIGHT, buff=2.6).next_to(title, DOWN, buff=0.8)
        self.true = [pic.Signal(self.true_plot, smooth.enc_w[i], th.FILTER_COLORS[i], width=4,
                                dot_radius=0.05,
                                role=f"true filter {i + 1}") for i in range(3)]
        big, only = found["input-noise"].largest, found["code-noise"].largest
        rows = [th.text(f"filter {i + 1}: {fmt_weight(big[i])}", th.SMALL_SIZE, th.FILTER_COLORS[i])
                for i in range(3)]
        for i, row in enumerate(rows):
            row.role, row.get_value = f"largest input-noise {i + 1}", (lambda x=big[i]: x)
        self.sizes = VGroup(th.text("largest |weight|,", th.SMALL_SIZE - 2),
                            th.text("mean of seeds:", th.SMALL_SIZE - 2),
                            *rows).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        self.sizes.next_to(self.true_plot.axes, RIGHT, buff=0.2)
        # the same for the code-noise-only models, in brackets: where the sizes come from
        self.code_sizes = VGroup()
        for i, row in enumerate(rows):
            cell = th.text(f"({fmt_weight(only[i])})", th.SMALL_SIZE - 2, th.MUTED_COLOR)
            cell.role, cell.get_value = f"largest code-noise {i + 1}", (lambda x=only[i]: x)
            self.code_sizes.add(cell.next_to(row, RIGHT, buff=0.12))
        self.code_sizes.add(VGroup(th.text("in brackets:", th.SMALL_SIZE - 2, th.MUTED_COLOR),
                                   th.text("code noise only", th.SMALL_SIZE - 2, th.MUTED_COLOR))
                            .arrange(DOWN, aligned_edge=LEFT, buff=0.06)
                            .next_to(self.sizes, DOWN, buff=0.12, aligned_edge=LEFT))
        matched = an.match_filters(plain.enc_w, smooth.enc_w).aligned
        self.plain = VGroup(*[pic.Signal(self.shape_plot, scaled_to_one(matched)[i], th.FILTER_COLORS[i],
                                         width=3, dot_radius=0.04) for i in range(3)])
        self.shaped = VGroup(*[pic.Signal(self.shape_plot, scaled_to_one(smooth.enc_w)[i],
                                          th.FILTER_COLORS[i],
                                          width=3, dot_radius=0.04, role=f"smooth filter {i + 1}")
                               for i in range(3)])
        rows = [("jaggedness", *[th.filter_name(i).split(" (")[0] for i in range(3)])]
        names = {"plain": "plain", "code-noise": "code noise only", "input-noise": "input noise"}
        for v, f in found.items():
            rows.append((names[v], *[f"{x:.3f}" if x < 0.1 else f"{x:.2f}" for x in f.jagged]))
        cells = VGroup()
        for r, row in enumerate(rows):
            for c, word in enumerate(row):
                colour = (th.FILTER_COLORS[c - 1] if r == 0 and c else
                          th.TEXT_COLOR)
                cell = th.text(word, th.SMALL_SIZE, colour)
                if r and c:
                    cell.role = f"jaggedness {list(found)[r - 1]} {c}"
                    cell.get_value = lambda x=found[list(found)[r - 1]].jagged[c - 1]: x
                cells.add(cell)
        self.table = VGroup(cells.arrange_in_grid(len(rows), 4, buff=(0.6, 0.12), col_alignments="lrrr"),
                            th.text(f"(0: a straight line; random filters: {found['plain'].random:.1f}; "
                                    "mean of all seeds)", th.SMALL_SIZE - 2, th.MUTED_COLOR))
        self.table.arrange(DOWN, buff=0.12).next_to(VGroup(self.true_plot, self.shape_plot), DOWN, buff=0.3)


class TanhBoard:
    """C7's bound: tanh from -reach to reach (and the line code = x, what there would be without
    tanh), the pre-activations of the largest filter's channel as a rug on the x axis and as dots on
    the curve (every 8th patch), and the reach and the share tanh bends."""

    def __init__(self, found: story.TanhBound, title):
        reach = max(found.reach * 1.1, 1.2)
        self.axes = Axes(x_range=[-reach, reach, 1], y_range=[-reach, reach, 1], x_length=5.6, y_length=4.6,
                         tips=False, axis_config={"color": th.MUTED_COLOR, "include_ticks": True,
                                                  "tick_size": 0.05})
        self.axes.next_to(title, DOWN, buff=0.5).to_edge(LEFT, buff=1.2)
        k = found.channel
        self.labels = VGroup(
            th.text(f"across: dot product + bias (filter {k + 1})", th.SMALL_SIZE)
            .next_to(self.axes, DOWN, 0.2),
            th.text("up: code", th.SMALL_SIZE).next_to(self.axes.y_axis, UP, 0.1),
            *[th.text(f"{v:g}".replace("-", "\u2212"), th.SMALL_SIZE - 2, th.MUTED_COLOR)
              .next_to(self.axes.c2p(v, 0), DOWN, 0.1) for v in (-1, 1)],
            *[th.text(f"{v:g}".replace("-", "\u2212"), th.SMALL_SIZE - 2, th.MUTED_COLOR)
              .next_to(self.axes.c2p(0, v), LEFT, 0.1).shift(UP * 0.15) for v in (-1, 1)])
        self.ceiling = VGroup(*[DashedLine(self.axes.c2p(-reach, v), self.axes.c2p(reach, v),
                                           color=th.TEXT_COLOR,
                                           stroke_width=2) for v in (-1, 1)])
        self.curve = self.axes.plot(np.tanh, x_range=[-reach, reach], color=th.TEXT_COLOR, stroke_width=4)
        self.identity = DashedLine(self.axes.c2p(-reach, -reach), self.axes.c2p(reach, reach),
                                   color=th.MUTED_COLOR, stroke_width=2)
        pre = found.pre[::8]
        self.dots = speed.Dots(speed.coords_to_points(self.axes, pre, np.tanh(pre)), 0.03,
                               th.FILTER_COLORS[k], 0.35)
        self.rug = VGroup(*[Line(self.axes.c2p(x, -0.06 * reach), self.axes.c2p(x, 0.06 * reach),
                                 stroke_width=1, color=th.FILTER_COLORS[k], stroke_opacity=0.35)
                            for x in pre[::4]])
        self.notes = VGroup(
            th.text(f"dot products reach {found.reach:.2f}", th.LABEL_SIZE, th.FILTER_COLORS[k]),
            th.text(f"the code stays within {found.code_reach:.2f}", th.LABEL_SIZE, th.TEXT_COLOR),
            th.text(f"{found.bent:.0%} of patches beyond 1,", th.SMALL_SIZE),
            th.text("where tanh bends", th.SMALL_SIZE),
            th.text("grey dashes: code = dot product (no tanh)", th.SMALL_SIZE, th.MUTED_COLOR),
            th.text(f"{th.TEXT_NAME} dashes: tanh's ceiling, 1", th.SMALL_SIZE, th.TEXT_COLOR),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15).next_to(self.axes, RIGHT, buff=0.8)


class SeedTiles(VGroup):
    """One small bar chart per seed of a variant (C11): the share of each channel's cost in the seed's
    total loss increase, bars in the channel colours ('seed s share k'), and under each whether the
    order 1 < 2 < 3 holds and whether a channel is dead."""

    def __init__(self, models, found: story.Channels):
        super().__init__()
        for m, costs, spread in zip(models, found.costs, found.spread):
            share = costs / costs.sum()
            frame = Line(LEFT * 0.42, RIGHT * 0.42, color=th.MUTED_COLOR, stroke_width=2)
            room = Line(frame.get_left(), frame.get_left() + UP * 0.9, stroke_opacity=0)  # same height each
            bars = VGroup()
            for k in range(3):
                bar = Rectangle(width=0.2, height=max(0.9 * share[k], 0.002), fill_color=th.FILTER_COLORS[k],
                                fill_opacity=0.9, stroke_width=0)
                bar.move_to(frame.get_left() + RIGHT * (0.14 + 0.28 * k), aligned_edge=DOWN)
                bar.role = f"seed {m.seed} share {k + 1}"
                bar.drawn_value = lambda bar=bar: bar.height / 0.9
                bars.add(bar)
            ordered = bool(np.all(np.diff(costs) > 0))
            dead = [str(k + 1) for k in range(3) if spread[k] == 0]
            tags = VGroup(th.text(f"seed {m.seed}", th.SMALL_SIZE - 2),
                          th.text("in order" if ordered else "not in order", th.SMALL_SIZE - 2,
                                  th.TEXT_COLOR if ordered else th.ACCENT_COLOR))
            if dead:
                tags.add(th.text(f"dead: {', '.join(dead)}", th.SMALL_SIZE - 2, th.ACCENT_COLOR))
            tags.arrange(DOWN, buff=0.05)
            self.add(VGroup(VGroup(room, frame, bars), tags.next_to(frame, DOWN, 0.1)))
        self.arrange_in_grid(2, (len(self) + 1) // 2, buff=(0.3, 0.3), cell_alignment=UP)
        self.add(VGroup(th.text("each seed: share of the cost of zeroing 1, 2, 3", th.SMALL_SIZE),
                        th.text("dead: a channel whose code is 0 for every patch", th.SMALL_SIZE - 2,
                                th.MUTED_COLOR)).arrange(DOWN, buff=0.08).next_to(self, UP, 0.25))


class NoisePlane(VGroup):
    """The noise idea (F11), laid out under `title`: real codes on the c1-c2 plane, the clean code
    (a ring, 'clean code'), and noise draws (core.story.noise_draws) around it: first DRAWS draws with
    the same std `sigma / RING_STD` on c1 and c2, then DRAWS with more on c1 (`wide`, std per axis).
    `t` (0 .. 2 DRAWS - 1) walks the point from draw to draw, leaving a dot at each one visited; the
    ring is RING_STD std of the current noise (`sx`, `sy`: its half-axes over RING_STD). The decoded
    curve of the clean and of the shaken code are drawn beside. `update()` moves it all."""

    def __init__(self, ck, codes, code, sigma, title):
        super().__init__()
        self.ck, self.code = ck, code
        ext = np.abs(codes[:, :2]).max(axis=0) * 1.1
        self.axes = Axes(
            x_range=[-ext[0], ext[0], ext[0]],
            y_range=[-ext[1], ext[1], ext[1]],
            x_length=4.2,
            y_length=4.2,
            tips=False,
            axis_config={"color": th.MUTED_COLOR, "include_ticks": False},
        )
        self.labels = VGroup(
            th.text("c1", th.SMALL_SIZE, th.FILTER_COLORS[0]).next_to(self.axes.x_axis, RIGHT, 0.1),
            th.text("c2", th.SMALL_SIZE, th.FILTER_COLORS[1]).next_to(self.axes.y_axis, UP, 0.1),
        )
        std = sigma / RING_STD
        self.std, self.wide = (std, std), (2 * std, std / 4)  # equal noise, then 8x more on c1
        z = story.noise_draws(2 * DRAWS)
        self.offsets = np.concatenate([z[:DRAWS] * self.std, z[DRAWS:] * self.wide])  # (2 DRAWS, 2)
        reach = np.abs(self.offsets).max(axis=0)
        corners = np.array([code + [dx, dy, 0] for dx in (-reach[0], reach[0])
                            for dy in (-reach[1], reach[1])])
        out = ck.decode(code[None])[0]
        self.plot = pic.SignalPlot(7, pic.output_range(ck, corners), 5.4, 3.2,
                                   f"decoded: the clean code ({th.TEXT_NAME}) and the shaken one")
        VGroup(VGroup(self.axes, self.labels), self.plot).arrange(RIGHT, buff=0.9).next_to(title, DOWN,
                                                                                           buff=0.8)
        self.cloud = speed.Dots(speed.coords_to_points(self.axes, codes[:, 0], codes[:, 1]), 0.02,
                                th.DATA_COLOR, 0.5)
        self.center = self.axes.c2p(code[0], code[1])
        self.marker = Circle(radius=0.09, color=th.TEXT_COLOR, stroke_width=3).move_to(self.center)
        self.marker_label = VGroup(th.text(f"{th.DATA_NAME} dots: codes of real patches", th.SMALL_SIZE - 2),
                                   th.text("small circle: the clean code", th.SMALL_SIZE - 2)
                                   ).arrange(DOWN, aligned_edge=LEFT, buff=0.06)
        self.ring_label = VGroup(th.text(f"dashed ring: {RING_STD} std of the noise", th.SMALL_SIZE - 2),
                                 th.text("filled dot: a noisy draw (its trail: the draws so far)",
                                         th.SMALL_SIZE - 2))
        VGroup(self.marker_label, *self.ring_label).arrange(DOWN, aligned_edge=LEFT, buff=0.06).next_to(
            self.axes, DOWN, buff=0.12).align_to(self.axes, LEFT)
        self.clean = pic.Signal(self.plot, out, th.TEXT_COLOR, width=3, dot_radius=0.04)
        self.shaken = pic.Signal(self.plot, out, th.OUTPUT_COLOR, width=5, dot_radius=0.06)
        self.sx, self.sy, self.t = ValueTracker(self.std[0]), ValueTracker(self.std[1]), ValueTracker(0.0)
        self.unit = self.axes.c2p(1, 1) - self.axes.c2p(0, 0)
        self.ring = DashedVMobject(Ellipse(width=2 * RING_STD * self.std[0] * self.unit[0],
                                           height=2 * RING_STD * self.std[1] * self.unit[1],
                                           color=th.TEXT_COLOR), num_dashes=40).move_to(self.center)
        self.dot = speed.Dots(np.array([self.center]), 0.08, th.TEXT_COLOR)
        self.trail = speed.Dots(np.repeat([self.center], DRAWS, axis=0), 0.04, th.TEXT_COLOR, 0.6)

    def inside(self, phase: int) -> int:
        """How many of phase `phase`'s (0: equal, 1: wide) draws land inside the ring."""
        std = np.array(self.std if phase == 0 else self.wide)
        d = self.offsets[phase * DRAWS:(phase + 1) * DRAWS] / std
        return int(np.sum(np.sum(d**2, axis=1) <= RING_STD**2))

    def offset(self, t: float) -> np.ndarray:
        """The point's offset from the clean code at `t`: it rests on draw int(t) for half the step,
        then moves to the next draw (inside one phase)."""
        i = min(int(t), 2 * DRAWS - 1)
        f = t - i
        if f <= 0.5 or i + 1 >= 2 * DRAWS or (i + 1) % DRAWS == 0:
            return self.offsets[i]
        a = speed_smooth((f - 0.5) / 0.5)
        return (1 - a) * self.offsets[i] + a * self.offsets[i + 1]

    def update(self) -> None:
        t = self.t.get_value()
        d = self.offset(t)
        self.dot.set_positions(np.array([self.axes.c2p(self.code[0] + d[0], self.code[1] + d[1])]))
        self.shaken.set_values(self.ck.decode((self.code + [d[0], d[1], 0.0])[None])[0])
        phase = min(int(t) // DRAWS, 1)
        done = min(int(t) - phase * DRAWS + 1, DRAWS)
        seen = self.offsets[phase * DRAWS:phase * DRAWS + done]
        pts = np.repeat([self.dot.positions()[0]], DRAWS, axis=0)
        pts[:done] = speed.coords_to_points(self.axes, self.code[0] + seen[:, 0], self.code[1] + seen[:, 1])
        self.trail.set_positions(pts)
        self.ring.stretch_to_fit_width(2 * RING_STD * self.sx.get_value() * self.unit[0])
        self.ring.stretch_to_fit_height(2 * RING_STD * self.sy.get_value() * self.unit[1])
        self.ring.move_to(self.center)


def speed_smooth(x: float) -> float:
    """Smoothstep on [0, 1]: the point eases from one draw to the next."""
    x = min(max(x, 0.0), 1.0)
    return x * x * (3 - 2 * x)


class LogBars(VGroup):
    """One group of three bars per entry of `means` (a value per component or channel), on a log
    scale with a faint line at every power of 10 (F14); each bar is recorded as '<name> <k>' and reads
    its value back (`drawn_value`). `frame` is the axes, lines, powers and heading; `groups` the bars,
    their numbers (`label`) and names; `ratios` under each group the largest over the smallest, or
    with `spans` (per-seed ratios of each entry) their range over seeds. A log
    scale shows values above 0 only: a value of 0 or less (an undertrained model can gain from losing
    a component) gets no bar, its number is still written at the axis' foot."""

    def __init__(self, means: dict[str, np.ndarray], heading: str, group_width: float = 2.9,
                 label=lambda x: sci(x), height: float = 3.4, spans: dict[str, np.ndarray] | None = None):
        super().__init__()
        positive = np.concatenate([m[m > 0] for m in means.values()])
        lo = np.floor(np.log10(positive.min() if positive.size else 1e-6)) - 0.3
        hi = max(np.ceil(np.log10(positive.max() if positive.size else 1e-6)), lo + 1.3)
        self.axes = Axes(x_range=[0, 4 * len(means), 1], y_range=[lo, hi, 1],
                         x_length=group_width * len(means), y_length=height, tips=False,
                         axis_config={"color": th.MUTED_COLOR, "include_ticks": False})
        powers = range(int(np.ceil(lo)), int(hi) + 1)
        ticks = VGroup(*[th.text(f"1e{e}", th.SMALL_SIZE - 2, th.MUTED_COLOR)
                         .next_to(self.axes.c2p(0, e), LEFT, 0.12) for e in powers])
        grid = VGroup(*[Line(self.axes.c2p(0, e), self.axes.c2p(4 * len(means), e), stroke_width=1,
                             color=th.MUTED_COLOR, stroke_opacity=0.35) for e in powers])
        self.frame = VGroup(grid, self.axes, ticks, th.text(heading + " (log scale)", th.SMALL_SIZE)
                            .next_to(self.axes, UP, 0.45))
        self.groups, self.ratios = VGroup(), VGroup()
        for g, (v, mean) in enumerate(means.items()):
            last = None  # the number above the bar before, in this group
            for k in range(3):
                x = 4 * g + 1 + k
                base = self.axes.c2p(x, lo)
                top = self.axes.c2p(x, np.log10(mean[k])) if mean[k] > 0 else base
                bar = Rectangle(width=0.45, height=max(top[1] - base[1], 1e-3),
                                fill_color=th.FILTER_COLORS[k], fill_opacity=0.9, stroke_width=0)
                bar.move_to((top + base) / 2)
                bar.role = f"{v} {k + 1}"
                bar.drawn_value = lambda bar=bar: 10 ** self.axes.p2c(bar.get_top())[1]
                number = th.text(label(mean[k]), th.SMALL_SIZE - 4).next_to(bar, UP, 0.05)
                if last is not None and number.get_left()[0] < last.get_right()[0] + 0.12 and \
                        number.get_bottom()[1] < last.get_top()[1] + 0.04:  # would touch its neighbour's
                    number.next_to(last, UP, 0.04).set_x(bar.get_x())
                last = number
                self.groups.add(VGroup(bar, number))
            self.groups.add(th.text(v, th.SMALL_SIZE).next_to(self.axes.c2p(4 * g + 2, lo), DOWN, 0.2))
            if spans is not None and np.all(np.isfinite(spans[v])):
                words = f"per seed {fmt_span(spans[v])}"
            elif mean.min() > 0:
                words = f"{fmt_ratio(mean.max() / mean.min())} apart"
            else:
                continue
            self.ratios.add(th.text(words, th.SMALL_SIZE - 2, th.TEXT_COLOR)
                            .next_to(self.groups[-1], DOWN, 0.1))
        self.add(self.frame, self.groups, self.ratios)
