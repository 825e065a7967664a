"""`manim -pqh scenes/overlap.py`: a strided transposed convolution adds overlapping windows. The
summed weight that reaches each output sample says why the overlaps double, why the article's
two fixes get the interior right and the borders wrong, and why dividing by the window count
(beyond the article) mends both; then the four side by side, and the same unevenness in 2-D.

Article (docs/article.md): claims C8-C10, figures F19-F22. Curves, codes, weights and errors come
from the checkpoint (DECONV_VARIANT / DECONV_SEED) and the dataset at render time (core.overlap,
core.story). Subtitles are written beside the video as OverlapScene.srt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, DashedLine, ManimColor, Rectangle, VGroup

from core import conv, data, story
from core import overlap as ov
from core.data import KERNEL, STRIDE, WINSIZE
from core.subtitles import count_word, series
from scenes import pictures as pic
from scenes import speed
from scenes import theme as th
from scenes.models import load_model, load_variants
from scenes.speed import Drive, fade_in, fade_out
from scenes.stage import Explainer

BAD_ERROR = 1e-4  # a mean square error above this is shown (and said) as wrong
FIX_NAMES = {"raw": "as trained", "halved": "halved", "tapered": "tapered", "normalised": "normalised"}
NUM = th.SMALL_SIZE - 4  # 16, the smallest allowed: numbers packed one per sample
NOTE = th.SMALL_SIZE  # notes and captions
FIXED = ("halved", "tapered", "normalised")  # the three fixes, shown on one error scale
WHOLE = "whole-curve"  # no fix: the same layers trained through the overlaps, on whole curves
EVEN_KERNEL = 2 * STRIDE  # the 1-D kernel that covers the interior evenly (8 at stride 4)
ARTICLE = story.ARTICLE
DELTA2_FORMULA = "x[j] − 2x[j+1] + x[j+2]"  # core.overlap.second_difference_error's Δ²
DELTA2 = (f"Δ²x = {DELTA2_FORMULA}: how x bends", "Δ² error: mean |Δ²(output) − Δ²(curve)|")


def trend(before: float, after: float) -> str:
    """'falls from 1.2e-02 to 3.4e-06' (or rises, or stays at), as the error table prints them."""
    a, b = f"{before:.1e}", f"{after:.1e}"
    if a == b:
        return f"stays at {b}"
    return f"{'falls' if after < before else 'rises'} from {a} to {b}"


def compare(a: float, b: float, fmt: str = ".1e") -> int:
    """-1, 0 or 1: a below, equal to (as printed) or above b."""
    if format(a, fmt) == format(b, fmt):
        return 0
    return -1 if a < b else 1


def smoothness_finding(rough: dict[str, float], errors: dict[str, dict[str, float]]) -> tuple[str, str]:
    """The article's C10 (tapering is smoother than halving) as measured: whether the tapered
    output's second differences are closer to the curve's than the halved one's, and whether it is
    also more accurate inside. Two clauses, each chosen by the numbers."""
    t, h = rough["tapered"], rough["halved"]
    bends = {-1: "smoother than", 0: "as smooth as", 1: "rougher than"}[compare(t, h)]
    first = f"Tapered is {bends} halved: Δ² error {t:.1e} against {h:.1e}"
    ti, hi = errors["tapered"]["interior"], errors["halved"]["interior"]
    inside = {-1: "more accurate", 0: "as accurate", 1: "not more accurate"}[compare(ti, hi)]
    agrees = (compare(t, h) < 0) == (compare(ti, hi) < 0)
    second = f"{'and' if agrees else 'but'} {inside} inside: {ti:.1e} against {hi:.1e}"
    return first, second


def smoothness_lines(rough: dict[str, float], errors: dict[str, dict[str, float]]) -> tuple[str, str]:
    """smoothness_finding's two clauses, short enough for the screen (same words, same numbers)."""
    t, h = rough["tapered"], rough["halved"]
    bends = {-1: "smoother than", 0: "as smooth as", 1: "rougher than"}[compare(t, h)]
    ti, hi = errors["tapered"]["interior"], errors["halved"]["interior"]
    inside = {-1: "more accurate", 0: "as accurate", 1: "not more accurate"}[compare(ti, hi)]
    agrees = (compare(t, h) < 0) == (compare(ti, hi) < 0)
    short = {"smoother than": "smoother", "as smooth as": "as smooth", "rougher than": "rougher"}[bends]
    return (f"tapered {t:.1e} vs halved {h:.1e}: {short}",
            f"{'and' if agrees else 'but'} {inside} inside: {ti:.1e} vs {hi:.1e}")


def heading(s: str):
    return th.title(s)


def place(plot, x: float, y: float):
    """Move a plot (a SignalPlot, or a picture with its `.plot`) so that its first sample's floor
    (x = 0, y = the range's low end) is at (x, y)."""
    axes = (plot.plot if hasattr(plot, "plot") else plot).axes
    plot.shift(np.array([x, y, 0]) - axes.c2p(0, axes.y_range[0]))
    return plot


def value_text(value: float, fmt: str, size: float, color: str, role: str):
    """A number as text that the scene records under `role` (read back from what it shows)."""
    t = th.text(format(value, fmt), size, color)
    t.role = role
    t.drawn_value = lambda: float(t.text)
    return t


def luminance(color) -> float:
    """Relative luminance of a colour (0 black .. 1 white), to say which way a shading reads."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
               for c in ManimColor(color).to_rgb())
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def labelled(t, role: str):
    """A sentence on screen that the scene records under `role` (the test reads its .original_text)."""
    t.role = role
    t.drawn_values = lambda: np.zeros(0)
    return t


def weight_color(v: float) -> str:
    """A summed weight of 1 counts a sample once (muted); anything else (doubled, sagging) is wrong."""
    return th.MUTED_COLOR if abs(v - 1) < 1e-9 else th.ACCENT_COLOR


class ValueBars(VGroup):
    """A bar per sample on a SignalPlot, from 0 to its value (up or down); `set_values` moves the
    same rectangles (colours from `color_of`, or from `colors_from` values); `drawn_values` reads
    the values back from the bars' centres."""

    def __init__(self, plot: pic.SignalPlot, values: Sequence[float], color_of: Callable[[float], str],
                 width: float = 0.24, opacity: float = 0.9, role: str | None = None):
        super().__init__(*[Rectangle(width=width, height=0.01, stroke_width=0, fill_opacity=opacity)
                           for _ in values])
        self.plot, self.color_of, self.role = plot, color_of, role
        self.set_values(values)

    def set_values(self, values: Sequence[float], colors_from: Sequence[float] | None = None) -> ValueBars:
        self.values = np.asarray(values, dtype=float)
        axes = self.plot.axes
        base = speed.coords_to_points(axes, np.arange(len(self.values)), np.zeros(len(self.values)))
        tip = speed.coords_to_points(axes, np.arange(len(self.values)), self.values)
        for bar, b, t in zip(self, base, tip):
            bar.stretch_to_fit_height(max(abs(t[1] - b[1]), 1e-4))
            bar.move_to((b + t) / 2)
        for bar, v in zip(self, self.values if colors_from is None else colors_from):
            bar.set_fill(self.color_of(v))
        return self

    def drawn_values(self) -> np.ndarray:
        return np.array([2 * self.plot.axes.p2c(bar.get_center())[1] for bar in self])


class WeightPlot(VGroup):
    """The summed weight that reaches each sample: bars from 0 to 2 with a dashed line at 1 ('each
    sample counted once'), and optionally the value over each bar (`labels`)."""

    def __init__(self, values, width: float, height: float, label: str, labels: bool = False,
                 n: int = WINSIZE, y_numbers: bool = True, font_size: float = th.SMALL_SIZE):
        super().__init__()
        self.plot = pic.SignalPlot(n, (0, 2, 1), width, height, label, x_numbers=False, y_numbers=y_numbers,
                                   font_size=font_size)
        axes = self.plot.axes
        self.one = DashedLine(axes.c2p(-0.4, 1), axes.c2p(n - 0.6, 1), stroke_width=1.5,
                              color=th.TEXT_COLOR, dash_length=0.06)
        self.frame = VGroup(self.plot, self.one)  # what does not move
        if y_numbers and labels:  # clear of the value over sample 0's bar
            self.frame.add(th.text("1", font_size, th.MUTED_COLOR).next_to(self.one, RIGHT, 0.12))
        elif y_numbers:
            one = th.text("1", font_size, th.MUTED_COLOR).next_to(axes.c2p(0, 1), LEFT, 0.18)
            self.frame.add(one.align_to(self.plot.axes.y_axis.numbers[0], RIGHT))
        self.bars = ValueBars(self.plot, values, weight_color, width=min(0.3, 0.55 * width / n),
                              role="summed weight")
        self.labels = VGroup(*[speed.number(v, 2, NUM, th.TEXT_COLOR, sign=False) for v in values]
                             ) if labels else VGroup()
        self.add(self.frame, self.bars, self.labels)
        self.set_values(values)

    def set_values(self, values, colors_from=None) -> WeightPlot:
        self.bars.set_values(values, colors_from)
        tips = self.plot.points_for(np.maximum(values, 0))
        for num, v, tip in zip(self.labels, values, tips):
            num.set_value(v)
            num.move_to(tip + [0, 0.16, 0])
        return self


class TapRows(VGroup):
    """One row per window under a plot: a faint band over the samples the window reaches, with each
    tap's weight written at its sample ('window w' at its left); `set_taps` changes the numbers."""

    def __init__(self, plot: pic.SignalPlot, starts: Sequence[int], taps: np.ndarray, top: float,
                 step: float = 0.33):
        super().__init__()
        self.starts, self.numbers = list(starts), []
        spacing = plot.axes.c2p(1, 0)[0] - plot.axes.c2p(0, 0)[0]
        for w, s in enumerate(starts):
            y = top - step * w
            a = plot.axes.c2p(s, 0)[0] - 0.48 * spacing
            b = plot.axes.c2p(s + len(taps) - 1, 0)[0] + 0.48 * spacing
            band = Rectangle(width=b - a, height=0.27, fill_color=th.MUTED_COLOR, fill_opacity=0.3,
                             stroke_width=0).move_to([(a + b) / 2, y, 0])
            label = th.text(f"window {w + 1}", NUM, th.MUTED_COLOR).next_to(band, LEFT, 0.12)
            nums = [speed.number(t, 2, NUM, th.TEXT_COLOR, sign=False)
                    .move_to([plot.axes.c2p(s + k, 0)[0], y, 0]) for k, t in enumerate(taps)]
            self.numbers += nums
            self.add(VGroup(band, label, *nums))

    def set_taps(self, taps: np.ndarray) -> TapRows:
        for w in range(len(self.starts)):
            for k, t in enumerate(taps):
                self.numbers[w * len(taps) + k].set_value(t)
        return self


class OverlapScene(Explainer):
    def construct(self):
        self.ck = load_model()
        found = load_variants(("plain", WHOLE))
        self.plain = found["plain"]  # every plain seed, for the comparison
        self.whole = found[WHOLE]  # the same layers trained end to end on whole curves, every seed
        # its example: the seed of the example model where there is one
        self.whole_ck = next((m for m in self.whole if m.seed == self.ck.seed), self.whole[0])
        self.curves = data.make_curves()[0]
        self.idx, self.curve = story.demo_curve()
        self.outputs = story.fixed_outputs(self.ck, self.curve)
        # every error over all curves is one statistic: the mean over every plain seed (the plots show the
        # example model on one curve, and say so)
        self.errors = ov.error_table(self.plain, self.curves)
        self.rough = ov.delta2_table(self.plain, self.curves)
        self.over = f"mean of {count_word(len(self.plain))} seeds" if len(self.plain) > 1 else "one seed"
        self.samples = story.region_samples(len(self.curve))  # '3-11', '0-2, 12-14'
        self.borders = ov.regions(len(self.curve))["borders"]
        cov = ov.coverage(len(self.curve))
        self.middle_only = [int(i) for i in np.flatnonzero((cov == 1) & ~self.borders)]  # 3, 7, 11
        # why the inside is 3-11, said as taps where that is what the borders are (core.overlap.outer_only)
        self.taps_rule = bool((ov.outer_only(len(self.curve)) == self.borders).all())
        inner, edge = self.samples["interior"], self.samples["borders"]
        self.border_rule = (f"inside: samples {inner}; borders: {edge}, which only one window's "
                            "outer taps reach" if self.taps_rule else
                            f"inside: samples {inner}; borders: the first and last {KERNEL - STRIDE} samples")
        self.border_said = (f"Inside: samples {inner}.",
                            f"Borders: {edge}, reached by one window's outer taps only."
                            if self.taps_rule else f"Borders: the first and last {KERNEL - STRIDE} samples.")
        # the model said once: the example's plots, and what every error is over
        n = len(self.plain)
        self.show_footer(th.text(
            f"plots: model {self.ck.variant}, seed {self.ck.seed}, curve {self.idx}; errors: mean of "
            f"{n} plain seed{'s' if n > 1 else ''} on all {len(self.curves):,} curves",
            th.SMALL_SIZE - 4, th.MUTED_COLOR).to_corner(DOWN + LEFT, buff=0.1))

        self.next_section("assemble")
        self.assemble()
        self.begin("why")
        self.why()
        self.begin("halve")
        self.fix("halved", "The article's fix: halve every tap but the middle one",
                 f"The article “{ARTICLE}” halves all taps but the middle.")
        self.begin("taper")
        self.fix("tapered", "The article's second fix: taper the taps",
                 f"Its second fix tapers the taps: {', '.join(f'{x:g}' for x in ov.FIXES['tapered'])}.")
        self.begin("normalise")
        self.fix("normalised", "Beyond the article: divide by the number of windows",
                 "Beyond the article: divide each sample by its window count. Call it normalised.")
        self.begin("compare")
        self.compare()
        self.begin("in-2-d")
        self.in_2d()

    # --- shared pictures ----------------------------------------------------------------------------
    def curve_plot(self, label: str | None, width: float, height: float, x_numbers: bool = False,
                   y_numbers: bool = True, font_size: float = th.SMALL_SIZE) -> pic.SignalPlot:
        """A 15-sample plot whose range fits the curve and every fix's output."""
        vals = np.concatenate([self.curve, *self.outputs.values()])
        pad = 0.05 * (vals.max() - vals.min())
        return pic.SignalPlot(WINSIZE, pic.nice_range(vals.min() - pad, vals.max() + pad), width, height,
                              label, x_numbers=x_numbers, y_numbers=y_numbers, font_size=font_size)

    def error_range(self, fixes: Sequence[str]) -> tuple[float, float, float]:
        """One y range for the errors per sample of these fixes' outputs, so their sizes compare."""
        errors = np.concatenate([self.outputs[f] - self.curve for f in fixes] + [[0.0]])
        span = max(np.ptp(errors), 1e-6)
        return pic.nice_range(errors.min() - 0.05 * span, errors.max() + 0.05 * span, 4)

    def error_plot(self, errors: np.ndarray, label: str | None, width: float, height: float,
                   x_numbers: bool = True, font_size: float = th.SMALL_SIZE,
                   y_range=None, y_numbers: bool = True) -> tuple[pic.SignalPlot, ValueBars]:
        """Output - curve at each sample, as bars on their own axis (range fitted to them, or
        `y_range`)."""
        if y_range is None:
            span = max(np.ptp(np.append(errors, 0)), 1e-6)
            y_range = pic.nice_range(errors.min() - 0.05 * span, errors.max() + 0.05 * span, 4)
        plot = pic.SignalPlot(WINSIZE, y_range, width, height, label, x_numbers=x_numbers,
                              font_size=font_size, y_numbers=y_numbers)
        bars = ValueBars(plot, errors, lambda v: th.ACCENT_COLOR, width=min(0.24, 0.5 * width / WINSIZE),
                         role="error per sample")
        return plot, bars

    def key(self, size: float = NOTE, seed: bool = False) -> VGroup:
        """'input: dataset curve 14   output' in their colours ('output of seed 22' with `seed`)."""
        return VGroup(th.text(f"input: dataset curve {self.idx}", size, th.DATA_COLOR),
                      th.text(f"output of seed {self.ck.seed}" if seed else "output", size, th.OUTPUT_COLOR)
                      ).arrange(RIGHT, buff=0.5)

    def morph(self, out: pic.Signal, old: str, new: str):
        """The output curve moving from `old`'s output to `new`'s (a -> 0..1)."""
        return lambda a: out.set_values((1 - a) * self.outputs[old] + a * self.outputs[new])

    # --- 1. the doubled result (F19) --------------------------------------------------------------------
    def assemble(self):
        title = heading("The patch model, run over a whole curve")
        words = f"each window's code decoded, the sums placed {STRIDE} samples apart and added"
        caption = th.text(words, NOTE, th.MUTED_COLOR).next_to(title, DOWN, 0.15)
        plot = place(self.curve_plot(None, 8.4, 1.6, x_numbers=True), -4.2, 0.3)
        key = self.key().next_to(plot.axes, UP, 0.15)
        target = pic.Signal(plot, self.curve, th.DATA_COLOR, width=3, dot_radius=0.05)
        total = pic.Signal(plot, self.outputs["raw"], th.OUTPUT_COLOR, width=5, dot_radius=0.07,
                           role="output")
        doubled = ov.doubled(len(self.curve))
        rings = pic.Rings(plot, self.outputs["raw"], th.ACCENT_COLOR, 0.14, 3, doubled)
        err = self.outputs["raw"] - self.curve
        eplot, ebars = self.error_plot(err, "error per sample: output − curve", 8.4, 1.2)
        place(eplot, -4.2, -1.95)
        ebars.set_values(err * 0)
        e = self.errors["raw"]
        inside, borders = f"{e['interior']:.1e} inside ({self.samples['interior']})", \
            f"{e['borders']:.1e} at the borders ({self.samples['borders']})"
        why_borders = labelled(th.text(self.border_rule, NOTE, th.MUTED_COLOR), "border rule")
        why_borders.next_to(eplot, DOWN, 0.2)
        note = VGroup(th.text(f"mean square error on all {len(self.curves):,} curves, {self.over}:", NOTE),
                      th.text(f"{inside}, {borders}", NOTE)).arrange(DOWN, buff=0.1)
        note.next_to(why_borders, DOWN, 0.15)
        spans = ov.spans_text(doubled, joiner=" and ")

        self.say(f"Each window's code is decoded into {KERNEL} samples, one per tap of its filter;",
                 f"the three are placed {STRIDE} samples apart and added.")
        self.play(fade_in(title), fade_in(caption, plot, key, target, total), run_time=1.5)
        self.say(f"Against the {th.DATA_NAME} input, samples {spans} come out doubled.")
        self.play(fade_in(rings), run_time=0.8)
        self.wait(1.5)
        self.say("Below, the error: output minus curve.")
        self.play(fade_in(eplot), run_time=0.6)
        self.play(Drive(ebars, lambda a: ebars.set_values(a * err), run_time=1.5))
        self.say(*self.border_said)
        self.play(fade_in(why_borders), run_time=0.8)
        self.wait(1)
        self.say(f"Mean square error on all curves, {self.over}:",
                 f"{e['interior']:.1e} inside, {e['borders']:.1e} at the borders.")
        self.play(fade_in(note), run_time=0.8)
        self.wait(0.5)
        self.payoff()

    # --- 2. why: the summed weight at each sample (F20, C8; the fixes' reason, C9, C10) ------------------
    def why(self):
        title = heading("Why: each sample adds up its windows' taps")
        starts = ov.window_starts(len(self.curve))
        plot = place(self.curve_plot(None, 8.4, 0.9), -4.2, 0.8)
        key = self.key().next_to(plot.axes, UP, 0.1)
        target = pic.Signal(plot, self.curve, th.DATA_COLOR, width=3, dot_radius=0.04)
        out = pic.Signal(plot, self.outputs["raw"], th.OUTPUT_COLOR, width=5, dot_radius=0.06,
                         role="output raw")
        rows = TapRows(plot, starts, ov.FIXES["raw"], 0.43)
        rows_name = labelled(th.text("tap multipliers, one per trained tap", NUM, th.MUTED_COLOR),
                             "rows name")
        rows_name.next_to(rows[0][0], RIGHT, 0.2)
        weights = WeightPlot(np.zeros(len(self.curve)), 8.4, 1.1, None, labels=True)
        place(weights, -4.2, -2.35)
        xs = weights.plot.points_for(np.zeros(len(self.curve)))[:, 0]
        idx = VGroup(*[th.text(str(i), NUM, th.MUTED_COLOR).move_to([x, -2.55, 0]) for i, x in enumerate(xs)])
        summed = th.text("summed weight at each sample: its column of multipliers added up (red: not 1)",
                         NOTE, th.TEXT_COLOR).next_to(idx, DOWN, 0.2)
        n_win = len(ov.window_starts(len(self.curve)))
        self.count_code = (f"F.conv_transpose1d(torch.ones(1, 1, {n_win}), torch.ones(1, 1, {KERNEL}), "
                           f"stride={STRIDE})")  # the window counts, as PyTorch computes them
        count_line = labelled(th.text(f"window count in PyTorch: {self.count_code}", NUM, th.MUTED_COLOR),
                              "count code")
        premise = labelled(th.text(f"each window alone redraws its {KERNEL} samples (trained on single "
                                   "patches): overlaps count twice", NOTE, th.MUTED_COLOR), "premise")
        premise.next_to(title, DOWN, 0.12)
        caption = th.text("as trained: every tap multiplier is 1 (the trained filters as they are)", NOTE)
        caption.next_to(premise, DOWN, 0.08)
        cov = ov.coverage(len(self.curve))
        doubled = ov.doubled(len(self.curve))
        spans = ov.spans_text(doubled, joiner=" and ")
        rings = pic.Rings(plot, self.outputs["raw"], th.ACCENT_COLOR, 0.12, 3, doubled)
        single = series(self.middle_only)  # '3, 7 and 11': one window's middle tap each

        self.say(f"Trained on single patches, each window alone redraws its {KERNEL} samples.")
        self.play(fade_in(title), fade_in(premise, plot, key, out, target), run_time=1.2)
        self.wait(2)
        self.say(f"Each row is a window: a tap multiplier for each of its {KERNEL} trained taps.")
        self.play(fade_in(caption), run_time=0.5)
        for row in rows:
            self.play(fade_in(row), run_time=0.5)
        self.play(fade_in(rows_name), run_time=0.5)
        self.say("Each sample adds up the multipliers of every window that reaches it.")
        self.play(fade_in(weights.frame, idx, summed), run_time=0.6)
        weights.bars.role = "summed weight raw"
        self.play(fade_in(weights.bars, weights.labels),
                  Drive(VGroup(weights.bars, weights.labels), lambda a: weights.set_values(a * cov, cov)),
                  run_time=1.5)
        self.say(f"All 1 as trained: two windows give {cov.max():g}, "
                 f"so samples {spans} count the curve twice.")
        self.play(fade_in(rings), run_time=0.8)
        self.say("PyTorch counts the windows itself: a transposed convolution of ones with ones.")
        count_line.next_to(summed, DOWN, 0.12)
        self.play(fade_in(count_line), run_time=0.6)
        self.wait(2)

        # kernel 8 at stride 4 covers every inside sample twice; kernel 7 does not
        self.play(fade_out(*[m for m in self.mobjects if m not in (self.footer, title)]), run_time=0.6)
        x0 = -0.55 * WINSIZE / 2
        diagrams = VGroup(self.count_diagram(KERNEL, x0, 2.75))
        diagrams.add(self.count_diagram(EVEN_KERNEL, x0, diagrams.get_bottom()[1] - 0.4))
        n8 = WINSIZE + 1
        cov8 = ov.coverage(n8, EVEN_KERNEL, STRIDE)
        inner8 = cov8[ov.regions(n8, EVEN_KERNEL, STRIDE)["interior"]]
        halved8 = ov.summed_window(n8, np.full(EVEN_KERNEL, 0.5), EVEN_KERNEL, STRIDE)
        even = len(set(inner8)) == 1
        half_ok = set(np.round(halved8[ov.regions(n8, EVEN_KERNEL, STRIDE)["interior"]], 12)) == {1.0}
        if even:
            first = (f"kernel {EVEN_KERNEL} = {EVEN_KERNEL // STRIDE} × stride {STRIDE}: each inside sample "
                     f"gets {inner8[0]} windows" + ("; every tap × 0.5 gives 1" if half_ok else ""))
        else:
            first = (f"kernel {EVEN_KERNEL}, stride {STRIDE}: inside samples get "
                     f"{series(sorted(set(inner8)), 'or')} windows")
        borders8 = ov.regions(n8, EVEN_KERNEL, STRIDE)["borders"]
        same_rule = (ov.outer_only(n8, EVEN_KERNEL, STRIDE) == borders8).all()
        second = ("inside: every sample but the borders, which only one window's outer taps reach"
                  if same_rule and self.taps_rule else
                  "inside: every sample but the first and last kernel − stride samples")
        # the section's result, chosen by the errors: weight 1 everywhere is what makes the output right
        right = (self.errors["normalised"]["whole"] <= BAD_ERROR < self.errors["raw"]["interior"])
        result = ("so a sample comes out right where its summed weight is 1" if right else
                  "the summed weight alone does not decide the error here")
        note = VGroup(th.text(first, NOTE), labelled(th.text(second, NOTE, th.MUTED_COLOR), "inside rule"),
                      labelled(th.text(result, th.LABEL_SIZE), "result")).arrange(DOWN, buff=0.12)
        note.next_to(diagrams, DOWN, 0.3)

        self.say(f"Why do {single} get one window? Kernel {KERNEL} is not a multiple of stride {STRIDE}.")
        self.play(fade_in(diagrams[0]), run_time=1)
        self.wait(1.5)
        self.say(f"With kernel {EVEN_KERNEL} at stride {STRIDE}, every inside sample gets "
                 f"{inner8[0]} windows." if even else
                 f"Kernel {EVEN_KERNEL} at stride {STRIDE} covers the inside unevenly too.",
                 "Halving every tap would then give 1 inside." if half_ok else "")
        self.play(fade_in(diagrams[1]), run_time=1)
        self.play(fade_in(note[:2]), run_time=0.8)
        self.wait(1)
        self.say(result[0].upper() + result[1:] + ".")
        self.play(fade_in(note[2]), run_time=0.8)
        self.wait(0.5)
        self.payoff()

    def count_diagram(self, kernel: int, x0: float, top: float) -> VGroup:
        """'kernel k, stride 4': the sample indices, a band per window ('window w') over the samples it
        reaches and, under them, the number of windows per sample (in the text colour: a count is not an
        error), recorded as 'windows per sample, kernel k'. Sample 0 at x0; the label's top at `top`."""
        n = WINSIZE if kernel == KERNEL else WINSIZE + 1
        cov = ov.coverage(n, kernel, STRIDE)
        xs = x0 + np.arange(n) * 0.55
        inside = ov.spans_text(np.flatnonzero(ov.regions(n, kernel, STRIDE)["interior"]))
        label = th.text(f"kernel {kernel}, stride {STRIDE}"
                        + (" (this model)" if kernel == KERNEL else
                           f" ({n} samples: {len(ov.window_starts(n, kernel, STRIDE))} windows fit)")
                        + f": inside {inside}", th.LABEL_SIZE)
        label.move_to([xs[0] - 0.2, top, 0], aligned_edge=UP + LEFT)
        y = label.get_bottom()[1] - 0.3
        idx = VGroup(*[th.text(str(i), NUM, th.MUTED_COLOR).move_to([x, y, 0]) for i, x in enumerate(xs)])
        bands = VGroup()
        for w, s in enumerate(ov.window_starts(n, kernel, STRIDE)):
            a, b = xs[s] - 0.24, xs[s + kernel - 1] + 0.24
            band = Rectangle(width=b - a, height=0.16, fill_color=th.MUTED_COLOR, fill_opacity=0.75,
                             stroke_width=0).move_to([(a + b) / 2, y - 0.35 - 0.26 * w, 0])
            bands.add(VGroup(band, th.text(f"window {w + 1}", NUM, th.MUTED_COLOR).next_to(band, LEFT, 0.1)))
        yc = bands.get_bottom()[1] - 0.3
        counts = CountRow([th.text(str(c), th.LABEL_SIZE, th.TEXT_COLOR)  # a count is not an error: no red
                           .move_to([x, yc, 0]) for c, x in zip(cov, xs)],
                          f"windows per sample, kernel {kernel}")
        name = th.text("windows", NUM, th.MUTED_COLOR).next_to(counts, LEFT, 0.3)
        return VGroup(label, idx, bands, counts, name)

    # --- 3-5. the fixes (F21, F22, C9, C10) --------------------------------------------------------
    def fix_sums(self, fix: str) -> tuple[tuple[str, ...], str]:
        """What a fix does where windows meet, as the cues say it and as one line on screen: the
        multipliers that reach an overlapping sample added up (or its count divided out), then what the
        borders get."""
        n = len(self.curve)
        taps, profile, cov = ov.FIXES[fix], ov.weight_profile(fix, n), ov.coverage(n)
        sample = int(ov.doubled(n)[0])  # the first overlapping sample

        def summed(i: int) -> str:
            return " + ".join(f"{p[2]:g}" for p in ov.contributions(i, taps, n)) + f" = {profile[i]:g}"

        edge = sorted({float(v) for v in np.round(profile[self.borders], 12)})
        low = ": too low." if max(edge) < 1 else "."
        if fix == "normalised":
            c = cov[sample]
            every = series([f"{v:g}" for v in sorted({float(v) for v in np.round(profile, 12)})])
            return ((f"Where two windows meet, as at sample {sample}: {c:g} ÷ {c:g} = 1.",
                     f"Every sample, borders included, now gets weight {every}."),
                    f"sample {sample}: weight {c:g} ÷ {c:g} windows = {profile[sample]:g}")
        if fix == "halved":
            mid = ov.contributions(self.middle_only[0], taps, n)[0][2]
            return ((f"Where two windows meet, as at sample {sample}: {summed(sample)}.",
                     f"{series(self.middle_only)} get one middle tap, {mid:g}. "
                     f"The borders get {series([f'{v:g}' for v in edge])}{low}"),
                    f"sample {sample}: {summed(sample)}")
        return ((f"Where windows meet, at samples {sample} and {sample + 1}: {summed(sample)} and "
                 f"{summed(sample + 1)}.", f"The borders get {edge[0]:g} to {edge[-1]:g}{low}"),
                f"sample {sample}: {summed(sample)};  {sample + 1}: {summed(sample + 1)}")

    def fix(self, name: str, heading_text: str, intro: str):
        title = heading(heading_text)
        raw, after = self.errors["raw"], self.errors[name]
        profile = ov.weight_profile(name, len(self.curve))
        inside = sorted({float(v) for v in np.round(profile[~self.borders], 12)})
        edge = sorted({float(v) for v in np.round(profile[self.borders], 12)})
        err = self.outputs[name] - self.curve
        sag = float(np.mean(err[self.borders])) < 0 and after["borders"] > BAD_ERROR
        if after["borders"] > BAD_ERROR:
            got = series([f"{v:g}" for v in edge]) if len(edge) < 3 else f"{edge[0]:g} to {edge[-1]:g}"
            ending = f"the borders ({self.samples['borders']}) get {got}" + (
                " and sag" if sag else " and are off")
            weight = series([f"{v:g}" for v in inside])
            conclusion = f"weight {weight} inside: the interior is right; {ending}"
        else:
            every = series([f"{v:g}" for v in sorted(set(inside) | set(edge))])
            conclusion = (f"weight {every} at every sample, borders ({self.samples['borders']}) included: "
                          "inside and borders are right")
        note = th.text(conclusion, NOTE, th.TEXT_COLOR).next_to(title, DOWN, 0.15)
        article = labelled(th.text(f"the article: “{ARTICLE}”", NOTE, th.MUTED_COLOR), "article")
        article.next_to(title, DOWN, 0.15)

        # right: sample by sample, the curve and output, the summed weight, the error
        x0, width = -0.05, 6.2
        plot = place(self.curve_plot(None, width, 1.3), x0, 0.65)
        key = self.key(seed=True).next_to(plot.axes, UP, 0.12)
        target = pic.Signal(plot, self.curve, th.DATA_COLOR, width=2.5, dot_radius=0.04)
        out = pic.Signal(plot, self.outputs["raw"], th.OUTPUT_COLOR, width=5, dot_radius=0.06, role="output")
        weights = WeightPlot(ov.weight_profile("raw", len(self.curve)), width, 0.8,
                             "summed weight at each sample (red: not 1)")
        place(weights, x0, -0.85)
        eplot, ebars = self.error_plot(err, "error per sample: output − curve", width, 1.05,
                                       y_range=self.error_range(FIXED))
        place(eplot, x0, -2.75)

        # left: what the fix changes (the multipliers, or the division)
        if name == "normalised":
            counts = ov.coverage(len(self.curve))
            left = VGroup(*[th.text(t, NOTE) for t in (
                "the tap multipliers stay 1;",
                "each output sample is divided",
                "by the number of windows",
                f"that reach it ({series(sorted(set(counts.tolist())), 'or')})")]
                          ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
            left.move_to([-6.3, 1.9, 0], aligned_edge=UP + LEFT)
            board = None
            moving = VGroup(out, weights.bars)
            statics = [left]
        else:
            board = TapBoard(self.ck, ov.FIXES[name], -5.6, 0.85)
            moving = VGroup(out, weights.bars, board.filters, board.tap_row)
            statics = [board.filt, board.legend, board.filters, board.tap_row, board.tap_label]
        fixes = ["raw", "halved", name] if name == "tapered" else ["raw", name]
        table = self.error_lines(fixes)
        table.move_to([-6.3, -1.0, 0], aligned_edge=UP + LEFT)
        table_title = th.text(f"mean square error, all curves (red: > {BAD_ERROR:.0e})", NUM,
                              th.MUTED_COLOR)  # over what: said, and in the footer
        table_title.next_to(table, UP, 0.15).align_to(table, LEFT)
        smooth = VGroup()
        if name == "tapered":
            texts = (*DELTA2, *smoothness_lines(self.rough, self.errors))
            colors = (th.MUTED_COLOR, th.MUTED_COLOR, th.TEXT_COLOR, th.TEXT_COLOR)
            smooth = VGroup(*[labelled(th.text(t, NUM, c), f"smoothness {k + 1}")
                              for k, (t, c) in enumerate(zip(texts, colors))]
                            ).arrange(DOWN, buff=0.08, aligned_edge=LEFT).next_to(table, DOWN, 0.25)
            smooth.align_to(table, LEFT)
        p0 = ov.weight_profile("raw", len(self.curve))
        sums_said, sums_shown = self.fix_sums(name)
        sums = labelled(th.text(sums_shown, NUM, th.TEXT_COLOR), "sums")
        sums.next_to(table_title, UP, 0.2).align_to(table, LEFT)  # under the multipliers, over the table

        def apply(a):  # every multiplier (or the division) moves from the trained model's to the fix's
            if board is not None:
                board.set_taps(a)
            weights.set_values((1 - a) * p0 + a * profile)  # red wherever the weight is not 1 now
            out.set_values((1 - a) * self.outputs["raw"] + a * self.outputs[name])

        self.say(intro)
        self.play(fade_in(title), fade_in(plot, key, out, target, weights, *statics,
                                        *([article] if name == "halved" else [])), run_time=1.2)
        self.say(*sums_said)
        self.play(Drive(moving, apply, run_time=2.5))
        self.play(fade_in(sums), run_time=0.6)
        self.wait(1)
        ebars.set_values(err * 0)
        self.play(fade_in(eplot), run_time=0.6)
        self.play(Drive(ebars, lambda a: ebars.set_values(a * err), run_time=1.2))
        self.say(f"On all curves, inside, the error {trend(raw['interior'], after['interior'])}.",
                 f"At the borders it {trend(raw['borders'], after['borders'])}"
                 + (", too high." if after["borders"] > BAD_ERROR else "."))
        if name == "halved":
            self.play(fade_out(article), run_time=0.4)
        self.play(fade_in(table_title, table, note), run_time=1)
        self.wait(0.6)
        if name == "tapered":
            first, second = smoothness_finding(self.rough, self.errors)
            self.say(f"Δ² is the second difference, {DELTA2_FORMULA}: how much a curve bends.",
                     "The Δ² error is how far the output's bends are from the curve's.")
            self.play(fade_in(smooth[:2]), run_time=0.8)
            self.wait(1.5)
            self.say(first + ",", second + ".")
            self.play(fade_in(smooth[2:]), run_time=0.8)
            self.wait(1.2)
        self.payoff()

    def error_lines(self, fixes: list[str]) -> VGroup:
        """'fix  whole  inside  borders' rows of mean square errors over the whole dataset (red:
        above BAD_ERROR)."""
        head = ("fix", "whole", "inside", "borders")
        rows = [[th.text(s, NUM, th.MUTED_COLOR) for s in head]]
        for f in fixes:
            rows.append([th.text(FIX_NAMES[f], NUM)]
                        + [value_text(self.errors[f][r], ".1e", NUM,
                                      th.ACCENT_COLOR if self.errors[f][r] > BAD_ERROR else th.TEXT_COLOR,
                                      f"error {f} {r}")
                           for r in ov.REGIONS])
        grid = VGroup(*[m for row in rows for m in row])
        grid.arrange_in_grid(len(rows), 4, buff=(0.25, 0.14), col_alignments="lrrr")
        return grid

    # --- 6. the four side by side: seed 22's plots, the table over all trained seeds -----------------
    def compare(self):
        title = heading("The fixes, and training through the overlaps")
        models = self.plain
        n = len(models)
        table, rough = self.errors, self.rough  # over every plain seed, as every section's errors
        seeds = f"all {count_word(n)} trained models (seeds)" if n > 1 else "the trained model"
        fixes = list(ov.FIXES)
        names = [*fixes, WHOLE]
        x0s = [-4.95 + i * 2.25 for i in range(len(names))]
        width = 1.75
        cols = VGroup()
        shared = self.error_range(FIXED)
        # the same layers trained on whole curves: their example's output, and their table over all seeds
        whole_out = ov.decode_codes(self.whole_ck, ov.encode_curves(self.whole_ck, self.curve))[0]
        w_table = ov.error_table(self.whole, self.curves)["raw"]
        w_rough = float(np.mean([ov.delta2_error(m, self.curves) for m in self.whole]))
        for fix, x0 in zip(fixes, x0s):
            plot = place(self.curve_plot(None, width, 1.05, y_numbers=False), x0, 0.65)
            name = th.text(FIX_NAMES[fix], th.LABEL_SIZE, th.TEXT_COLOR).next_to(plot.axes, UP, 0.15)
            out = pic.Signal(plot, self.outputs[fix], th.OUTPUT_COLOR, width=3.5, dot_radius=0.04,
                             role=f"output {fix}")
            target = pic.Signal(plot, self.curve, th.DATA_COLOR, width=2, dot_radius=0.025)
            weights = WeightPlot(ov.weight_profile(fix, len(self.curve)), width, 0.55, None,
                                 y_numbers=fix == fixes[0], font_size=NUM)
            weights.bars.role = f"summed weight {fix}"
            place(weights, x0, -0.2)
            err = self.outputs[fix] - self.curve
            # the three fixes share one error scale, numbered once; as trained has its own, and says so
            eplot, ebars = self.error_plot(err, None, width, 0.75, x_numbers=False, font_size=NUM,
                                           y_range=None if fix == "raw" else shared,
                                           y_numbers=fix in ("raw", FIXED[0]))
            ebars.role = f"error per sample {fix}"
            place(eplot, x0, -1.4)
            ebars.set_values(err)
            col = VGroup(name, plot, out, target, weights, eplot, ebars)
            if fix == "raw":
                lo, hi, _ = eplot.axes.y_range
                scale = (hi - lo) / (shared[1] - shared[0])
                col.add(labelled(th.text(f"error axis {scale:.3g}× the others'", NUM, th.MUTED_COLOR),
                                 "error scale").next_to(eplot.axes, DOWN, 0.08))
                self.error_scale = scale
            cols.add(col)
        x0 = x0s[-1]  # the whole-curve column: its output, no weight to fix, its error on the fixes' scale
        plot = place(self.curve_plot(None, width, 1.05, y_numbers=False), x0, 0.65)
        name = th.text(WHOLE, th.LABEL_SIZE, th.TEXT_COLOR).next_to(plot.axes, UP, 0.15)
        out = pic.Signal(plot, whole_out, th.OUTPUT_COLOR, width=3.5, dot_radius=0.04, role=f"output {WHOLE}")
        target = pic.Signal(plot, self.curve, th.DATA_COLOR, width=2, dot_radius=0.025)
        nofix = th.text("no fix: trained\nthrough the overlaps", NUM, th.MUTED_COLOR).move_to([x0 + width / 2,
                                                                                           0.1, 0])
        eplot, ebars = self.error_plot(whole_out - self.curve, None, width, 0.75, x_numbers=False,
                                       font_size=NUM, y_range=shared, y_numbers=False)
        ebars.role = f"error per sample {WHOLE}"
        place(eplot, x0, -1.4)
        ebars.set_values(whole_out - self.curve)
        cols.add(VGroup(name, plot, out, target, nofix, eplot, ebars))
        for c in cols:
            c[0].align_to(cols[0][0], UP)
        row_names = VGroup(*[th.text(t, NUM, th.MUTED_COLOR) for t in ("output", "weight", "error")])
        for t, y in zip(row_names, (1.15, 0.1, -1.0)):
            t.move_to([-6.35 + t.width / 2, y, 0])
        # the table, a column under each panel
        labels = ("whole", "inside", "borders", "Δ² error")
        ys = [-1.98 - 0.3 * k for k in range(len(labels))]
        tab = VGroup()
        for t, y in zip(labels, ys):
            tab.add(th.text(t, NUM, th.MUTED_COLOR).move_to([-6.35, y, 0], aligned_edge=LEFT))
        for fix, x0 in zip(fixes, x0s):
            for r, y in zip(ov.REGIONS, ys):
                v = table[fix][r]
                tab.add(value_text(v, ".1e", NUM, th.ACCENT_COLOR if v > BAD_ERROR else th.TEXT_COLOR,
                                   f"table {fix} {r}").move_to([x0 + width / 2, y, 0]))
            tab.add(value_text(rough[fix], ".1e", NUM, th.TEXT_COLOR, f"table {fix} delta2")
                    .move_to([x0 + width / 2, ys[-1], 0]))
        for r, y in zip(ov.REGIONS, ys):
            v = w_table[r]
            tab.add(value_text(v, ".1e", NUM, th.ACCENT_COLOR if v > BAD_ERROR else th.TEXT_COLOR,
                               f"table {WHOLE} {r}").move_to([x0s[-1] + width / 2, y, 0]))
        tab.add(value_text(w_rough, ".1e", NUM, th.TEXT_COLOR, f"table {WHOLE} delta2")
                .move_to([x0s[-1] + width / 2, ys[-1], 0]))
        source = VGroup(
            th.text(f"plots: seed {self.ck.seed}, curve {self.idx}; table: mean over {seeds}, all curves",
                    NUM, th.MUTED_COLOR),
            th.text(f"red: summed weight not 1, mean square error above {BAD_ERROR:.0e}; " + DELTA2[1],
                    NUM, th.MUTED_COLOR)).arrange(DOWN, buff=0.08, aligned_edge=RIGHT)
        source.next_to([0, ys[-1], 0], DOWN, 0.2).align_to([6.3, 0, 0], RIGHT)
        best = min(table, key=lambda f: table[f]["whole"])
        best_rough = min(rough, key=rough.get)
        # the conclusion, chosen by the table: who is most accurate, smoothest, and who ties inside
        ties = [f for f in table if f != best and compare(table[f]["interior"], table[best]["interior"]) == 0]
        if best_rough == best:
            top = (f"of the fixes, {FIX_NAMES[best]}: smoothest (Δ² error {rough[best]:.1e}) and most "
                   f"accurate ({table[best]['whole']:.1e} whole)")
        else:
            top = (f"of the fixes, most accurate: {FIX_NAMES[best]} ({table[best]['whole']:.1e} whole); "
                   f"smoothest: {FIX_NAMES[best_rough]} (Δ² error {rough[best_rough]:.1e})")
        # a tie that is an identity: the same output inside for every curve (normalising divides by 2
        # where two windows meet, which is halving those taps): said as true by construction
        codes = ov.encode_curves(self.ck, self.curves)
        inner = ~self.borders
        ours = ov.decode_codes(self.ck, codes, best)[:, inner]
        same = [f for f in ties
                if np.allclose(ov.decode_codes(self.ck, codes, f)[:, inner], ours, rtol=0, atol=1e-12)]
        why_same = ({best, *same} == {"normalised", "halved"})  # the reason, where it is this one
        tie_text = (f"inside it is {series([FIX_NAMES[f] for f in same])} exactly, by construction "
                    "(it differs only at the borders)" if same else
                    f"inside it ties with {series([FIX_NAMES[f] for f in ties])} "
                    f"({table[best]['interior']:.1e} each)" if ties else
                    f"inside too: {table[best]['interior']:.1e}")
        beats = w_table["interior"] < table[best]["interior"] and w_table["borders"] < table[best]["borders"]
        # how many times less, from the numbers as the table prints them, region by region
        times = {r: float(f"{table[best][r]:.1e}") / float(f"{w_table[r]:.1e}") for r in ov.REGIONS[1:]}
        times = {r: f"{float(f'{v:.2g}'):,.0f}" for r, v in times.items()}
        whole_text = (f"{WHOLE}, no fix: {w_table['interior']:.1e} inside, {w_table['borders']:.1e} at the "
                      "borders" + (f": {times['interior']}× and {times['borders']}× below {FIX_NAMES[best]}"
                                   if beats else ""))
        small = NUM + 2  # three lines between the title and the column names
        verdict = VGroup(labelled(th.text(top, small), "verdict 1"),
                         labelled(th.text(tie_text, small), "verdict 2"),  # the table's source is below it
                         labelled(th.text(whole_text, small, th.OUTPUT_COLOR), "verdict 3"),
                         ).arrange(DOWN, buff=0.06).next_to(title, DOWN, 0.12)

        self.say("The four, and last the same layers trained on whole curves, through the overlaps, no fix.",
                 f"Seed {self.ck.seed} on curve {self.idx} above, "
                 f"the mean over {count_word(n) + ' seeds' if n > 1 else 'the seed'} below.")
        self.play(fade_in(title), fade_in(cols, row_names), run_time=1.5)
        self.wait(1)
        self.play(fade_in(tab, source), run_time=1)
        self.wait(1.5)
        if best_rough == best:
            who = "Normalising" if best == "normalised" else FIX_NAMES[best].capitalize()
            tied_names = series([FIX_NAMES[f] for f in ties])
            tied = f"; inside it ties with {tied_names}." if ties and not same else "."
            self.say(f"Of the fixes, {who.lower()} is both the smoothest and the most accurate" + tied,
                     *(["Inside it is the same as halving, by construction: dividing by 2 where two windows",
                        "meet halves their taps. The two differ only at the borders."] if why_same else
                       [f"Inside it is the same as {series([FIX_NAMES[f] for f in same])}, sample by sample."]
                       if same else []))
        else:
            self.say(f"Of the fixes, most accurate: {FIX_NAMES[best]}; smoothest: {FIX_NAMES[best_rough]}.")
        self.play(fade_in(verdict[:2]), run_time=0.8)
        if beats:  # the sentence chosen by the table
            self.say("Trained through the overlaps, the same layers need no fix:",
                     f"{times['interior']} times less error than {FIX_NAMES[best]} inside,",
                     f"{times['borders']} times less at the borders.")
        else:
            self.say(f"Trained on whole curves, the same layers reach {w_table['interior']:.1e} inside "
                     f"and {w_table['borders']:.1e} at the borders.")
        self.play(fade_in(verdict[2]), run_time=0.8)
        self.wait(0.5)
        self.payoff()

    # --- 7. the same unevenness in two dimensions ----------------------------------------------------------
    def in_2d(self):
        title = heading("In two dimensions: the checkerboard")
        more = "brighter" if luminance(th.BACKGROUND_COLOR) < luminance(th.TEXT_COLOR) else "darker"
        words = ("a constant image through a 2-D transposed convolution with a kernel of ones, stride 2:\n"
                 f"each output pixel is its window count ({more} = more)")
        caption = labelled(th.text(words, NUM + 2, th.MUTED_COLOR), "2-d caption")
        caption.next_to(title, DOWN, 0.15)
        grids, said, outputs = VGroup(), [], []
        for kernel, length in ((3, 11), (4, 12)):
            label = f"kernel {kernel}, stride 2"
            # a constant image through a kernel of ones: each output pixel is its window count
            side = (length - kernel) // 2 + 1
            out = conv.conv_transpose2d(np.ones((1, side, side)), np.ones((1, 1, kernel, kernel)), None, 2)[0]
            cov2 = np.outer(ov.coverage(length, kernel, 2), ov.coverage(length, kernel, 2))
            inner = ov.regions(length, kernel, 2)["interior"]
            said.append((label, np.unique(cov2).tolist(), np.unique(cov2[np.ix_(inner, inner)]).tolist()))
            grid = coverage_grid(np.rint(out).astype(int), cell=0.28,
                                 role=f"windows per pixel, kernel {kernel}")
            grids.add(VGroup(th.text(label, th.LABEL_SIZE), grid))
            outputs.append((out, cov2))
        # the kernel-3 output divided by its count: every pixel 1, the checkerboard gone
        (out3, cov3), _ = outputs
        self.flat_2d = out3 / cov3
        grids.add(VGroup(th.text("kernel 3 ÷ its count", th.LABEL_SIZE),
                         coverage_grid(np.rint(self.flat_2d).astype(int), cell=0.28,
                                       role="divided by the count", top=int(out3.max()))))
        grids[0][1].next_to(grids[1][1], LEFT, buff=0.7).align_to(grids[1][1], UP)
        grids[2][1].next_to(grids[1][1], RIGHT, buff=0.7).align_to(grids[1][1], UP)
        pair = VGroup(grids[0][1], grids[1][1], grids[2][1])
        pair.move_to([0, 0, 0]).align_to([0, 1.75, 0], UP)
        for g in grids:
            g[0].next_to(g[1], UP, 0.15)
        cues = [f"{label.capitalize()}: every inside pixel gets {inside[0]} windows." if len(inside) == 1
                else f"{label.capitalize()}: pixels get {series(counts, 'or')} windows, a checkerboard."
                for label, counts, inside in said]
        notes = VGroup(*[th.text(c[:-1], NOTE) for c in cues]).arrange(DOWN, buff=0.1)
        notes.next_to(pair, DOWN, buff=0.2)
        even = len(said[1][2]) == 1
        uneven = len(said[0][2]) > 1
        ends = VGroup(*[labelled(th.text(t, NOTE, th.TEXT_COLOR), f"2-d conclusion {k + 1}")
                        for k, t in enumerate((
            ["a kernel divisible by the stride covers the inside evenly"] if even else []) + (
            ["divided by its count, the kernel 3 output is flat: this decoder learned single windows",
             "a network trained through its overlaps adapts to them, yet can still make checkerboards",
             "(Odena, Dumoulin and Olah, “Deconvolution and Checkerboard Artifacts”, Distill, 2016);",
             "resizing, then convolving, is the other common cure"]
            if uneven else []))])
        ends[:1 if even else 0].next_to(notes, DOWN, buff=0.15)
        # the bounded conclusion takes the counts' place under the grids when it comes
        ends[1 if even else 0:].arrange(DOWN, buff=0.1).next_to(pair, DOWN, buff=0.25)
        self.say("In 2-D, " + cues[0][0].lower() + cues[0][1:])
        self.play(fade_in(title), fade_in(caption, grids[0]), run_time=1.5)
        self.play(fade_in(notes[0]), run_time=0.6)
        self.wait(2.5)
        self.say(cues[1], f"As kernel {EVEN_KERNEL} at stride {STRIDE} in 1-D: a kernel divisible by the "
                 "stride covers the inside evenly." if even else "")
        self.play(fade_in(grids[1]), run_time=1.2)
        self.play(fade_in(notes[1]), run_time=0.8)
        if even:
            self.wait(1.5)
            self.play(fade_in(ends[0]), run_time=0.8)
        if uneven:  # dividing by the count, shown; then what that does and does not say
            self.say("Divide the kernel 3 output by its count: the constant image comes back constant.")
            self.play(fade_in(grids[2]), run_time=1.2)
            self.say("That fix suits a decoder trained on single windows, as this one was.",
                     "A network trained through its overlaps adapts to them,",
                     "yet, as Distill's checkerboard article showed, it can still make checkerboards;",
                     "resizing, then convolving, is the other common cure.")
            self.play(fade_out(notes, *([ends[0]] if even else [])), run_time=0.5)  # their place, for this
            self.play(fade_in(ends[-4:]), run_time=1.0)
        self.wait(1.5)
        self.payoff()


class CountRow(VGroup):
    """Counts written one per sample, recorded under `role` as the numbers they show."""

    def __init__(self, texts, role: str):
        super().__init__(*texts)
        self.role = role

    def drawn_values(self) -> np.ndarray:
        return np.array([float(t.text) for t in self])


class TapBoard:
    """The fixes' left column (F21, F22): the decoder filters tap by tap ('filter i') with each tap's
    multiplier under it ('tap multipliers', not the trained values above); `set_taps(a)` moves every
    multiplier from 1 (a = 0) to `taps` (a = 1). (x, y): where tap 0's floor goes."""

    def __init__(self, ck, taps, x: float, y: float):
        self.ck, self.taps = ck, taps
        lim = np.abs(ck.dec_w).max() * 1.1
        filt = pic.SignalPlot(KERNEL, pic.nice_range(-lim, lim), 3.6, 1.25,
                              "decoder filters × tap multiplier")
        self.filt = place(filt, x, y)
        # which line is which, over the lines (above the largest trained value)
        self.legend = VGroup(*[th.text(f"filter {i + 1}", NUM, th.FILTER_COLORS[i]) for i in range(3)]
                             ).arrange(RIGHT, buff=0.3)
        top = self.filt.axes.c2p(0, ck.dec_w.max())[1]
        self.legend.move_to([self.filt.axes.c2p(KERNEL / 2 - 0.5, 0)[0],
                             top + 0.07 + self.legend.height / 2, 0])
        self.filters = VGroup(*[pic.Signal(self.filt, ck.dec_w[i], th.FILTER_COLORS[i], width=3,
                                           dot_radius=0.04, stems=True, role=f"filter {i + 1}")
                                for i in range(3)])
        self.tap_row = TapRow([speed.number(1.0, 2, NUM, sign=False) for _ in range(KERNEL)])
        floor = self.filt.axes.c2p(0, self.filt.axes.y_range[0])[1]
        for k, n in enumerate(self.tap_row):
            n.move_to([self.filt.axes.c2p(k, 0)[0], floor - 0.5, 0])
        self.tap_label = th.text("tap multiplier", NUM, th.MUTED_COLOR).next_to(self.tap_row, DOWN, 0.12)

    def set_taps(self, a: float) -> None:
        w = (1 - a) + a * self.taps
        for i, sig in enumerate(self.filters):
            sig.set_values(self.ck.dec_w[i] * w)
        for n, v in zip(self.tap_row, w):
            n.set_value(v)


class TapRow(VGroup):
    role = "tap multipliers"

    def drawn_values(self) -> np.ndarray:
        return np.array([n.get_value() for n in self])


def coverage_grid(counts: np.ndarray, cell: float = 0.36, role: str | None = None,
                  top: int | None = None) -> VGroup:
    """A square per output pixel, shaded in the text colour by how many windows reach it (a count,
    not an error, so never red; against `top`, by default the largest count), with the count written
    in (in the text or the background colour, whichever stands out more from the square's shade)."""
    top = counts.max() if top is None else top
    squares = VGroup(
        *[
            Rectangle(
                width=cell,
                height=cell,
                stroke_width=1,
                stroke_color=th.MUTED_COLOR,
                fill_color=th.TEXT_COLOR,
                fill_opacity=0.85 * v / top,
            )
            for v in counts.ravel()
        ]
    ).arrange_in_grid(*counts.shape, buff=0)
    fill, ground = (np.array(ManimColor(c).to_rgb()) for c in (th.TEXT_COLOR, th.BACKGROUND_COLOR))

    def ink(v):
        a = 0.85 * v / top
        shade = luminance(ManimColor.from_rgb(a * fill + (1 - a) * ground))
        return max((th.TEXT_COLOR, th.BACKGROUND_COLOR),  # the larger contrast ratio
                   key=lambda c: (max(luminance(c), shade) + 0.05) / (min(luminance(c), shade) + 0.05))

    nums = VGroup(*[th.text(str(v), NUM + 2, ink(v)).move_to(sq) for v, sq in zip(counts.ravel(), squares)])
    grid = CountGrid(squares, nums)
    grid.shape, grid.role = counts.shape, role
    return grid


class CountGrid(VGroup):
    def drawn_values(self) -> np.ndarray:
        return np.array([float(t.text) for t in self[1]]).reshape(self.shape)
