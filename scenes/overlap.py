"""`manim -pqh scenes/overlap.py`: a strided transposed convolution adds overlapping windows;
the article's two fixes, one that also mends the borders, and the same effect in 2-D.

Article (docs/article.md): claims C8-C10, figures F19-F22. Curves, codes and errors come from the
checkpoint (DECONV_VARIANT / DECONV_SEED) and the dataset at render time (core.overlap,
core.story). Subtitles are written beside the video as OverlapScene.srt.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Rectangle, ReplacementTransform, SurroundingRectangle, VGroup, Write

from core import data, story
from core import overlap as ov
from core.data import KERNEL, WINSIZE
from core.subtitles import count_word, series
from scenes import pictures as pic
from scenes import speed
from scenes import theme as th
from scenes.models import load_model, load_variants
from scenes.speed import Drive, fade_in
from scenes.stage import Explainer

BAD_ERROR = 1e-4  # a mean square error above this is shown (and said) as wrong
FIX_NAMES = {"raw": "as trained", "halved": "halved", "tapered": "tapered", "normalised": "normalised"}


def trend(before: float, after: float) -> str:
    """'falls from 1.2e-02 to 3.4e-06' (or rises, or stays at), as the error table prints them."""
    a, b = f"{before:.1e}", f"{after:.1e}"
    if a == b:
        return f"stays at {b}"
    return f"{'falls' if after < before else 'rises'} from {a} to {b}"


class OverlapScene(Explainer):
    def construct(self):
        self.ck = load_model()
        self.plain = load_variants(("plain",))["plain"]  # every plain seed, for the error table
        self.curves = data.make_curves()[0]
        self.idx, self.curve = story.demo_curve()
        self.codes = self.ck.encode_windows(self.curve)
        self.outputs = story.fixed_outputs(self.ck, self.curve)
        self.errors = {f: ov.errors(self.ck, self.curves, f) for f in ov.FIXES}
        self.samples = story.region_samples(len(self.curve))  # '3-11', '0-2, 12-14'
        self.show_footer(pic.footer(self.ck))

        self.next_section("assemble")
        self.assemble()
        self.begin("why")
        self.why()
        self.begin("halve")
        self.fix("halved", "The article's fix: halve every tap but the middle one",
                 f"the interior is right; the borders ({self.samples['borders']}) drop to half height",
                 "The article's fix: every tap but the middle one is halved.")
        self.begin("taper")
        self.fix("tapered", "The article's second fix: taper the taps",
                 "taps 0.25 ... 1 ... 0.25 sum to one where windows overlap; the borders still sag",
                 f"Its second fix tapers the taps: {', '.join(f'{x:g}' for x in ov.FIXES['tapered'])}.")
        self.begin("normalise")
        self.normalise()
        self.begin("in-2-d")
        self.in_2d()

    def curve_plot(self, label: str, width: float = 7.4) -> pic.SignalPlot:
        """A 15-sample plot whose range fits the curve and every fix's output."""
        vals = np.concatenate([self.curve, *self.outputs.values()])
        pad = 0.05 * (vals.max() - vals.min())
        return pic.SignalPlot(WINSIZE, pic.nice_range(vals.min() - pad, vals.max() + pad), width, 3.0, label)

    def morph(self, out: pic.Signal, fix: str):
        """The output curve moving from the raw output to `fix`'s (a -> 0..1)."""
        return lambda a: out.set_values((1 - a) * self.outputs["raw"] + a * self.outputs[fix])

    # --- 1. the patch model over a whole curve (F19) ------------------------------------------------
    def assemble(self):
        ck, codes = self.ck, self.codes
        title = th.title("The patch model, run over a whole curve")
        matrix = pic.CodeMatrix(codes)
        plot = self.curve_plot(f"dataset curve {self.idx}")
        VGroup(matrix, plot).arrange(RIGHT, buff=0.7).next_to(title, DOWN, buff=0.9)
        target = pic.Signal(plot, self.curve, th.DATA_COLOR, width=3, dot_radius=0.05)
        placed = [pic.Signal(plot, codes[:, w] @ ck.dec_w, th.OUTPUT_COLOR, width=2.5, dot_radius=0.04,
                             offset=s, opacity=0.7, role=f"window {w + 1}")
                  for w, s in enumerate(ov.window_starts())]
        total = pic.Signal(plot, self.outputs["raw"], th.OUTPUT_COLOR, width=6, dot_radius=0.07,
                           role="output")
        caption = th.text("encode three windows, decode each code back, place them 4 samples apart, add",
                          th.SMALL_SIZE + 2).next_to(title, DOWN, 0.15)
        e = self.errors["raw"]
        inside, borders = f"{e['interior']:.1e} inside", f"{e['borders']:.1e} at the borders"
        note = VGroup(
            th.text(f"{th.DATA_NAME}: the curve; {th.OUTPUT_NAME}: the sum. Where two windows meet, it comes "
                    "out doubled", th.SMALL_SIZE - 2, th.ACCENT_COLOR),
            th.text(f"mean square error over all curves: {inside}, {borders}", th.SMALL_SIZE - 2,
                    th.TEXT_COLOR),
        ).arrange(DOWN, buff=0.1).next_to(VGroup(matrix, plot), DOWN, buff=0.45)

        self.say(f"The {th.DATA_NAME} curve's code: one column per {data.KERNEL}-sample window.")
        self.play(Write(title), fade_in(matrix, plot, target, caption), run_time=1.5)
        for w, sig in enumerate(placed):
            if w == 1:
                self.say(f"Each is decoded and placed {data.STRIDE} samples after the last.")
            box = SurroundingRectangle(matrix.column(w), color=th.OUTPUT_COLOR, buff=0.08)
            self.play(fade_in(box), run_time=0.4)
            self.play(ReplacementTransform(box, sig), run_time=1.0)
        self.say(f"The sum ({th.OUTPUT_NAME}) doubles where windows meet.")
        self.play(ReplacementTransform(VGroup(*placed).copy(), total), run_time=1.5)
        self.play(fade_in(note), run_time=0.8)
        self.say(f"Mean square error, all curves: {inside}, {borders}.")
        self.wait(3)
        self.payoff()

    # --- 2. why: coverage (F20, C8) -------------------------------------------------------------------
    def why(self):
        title = th.title("Why: overlapping windows are added")
        plot = self.curve_plot(f"output samples 0-{len(self.curve) - 1}").next_to(title, DOWN, buff=0.5)
        cov, doubled = ov.coverage(), ov.doubled()
        floor = plot.axes.c2p(0, plot.axes.y_range[0])[1]
        bands = pic.WindowBands(plot, ov.window_starts(), data.KERNEL, floor - 0.55, 0.3, 0.2, pad=0.35,
                                opacity=0.7, label_center=0.7)
        counts = VGroup(*[th.text(str(c), th.LABEL_SIZE, th.ACCENT_COLOR if c > 1 else th.TEXT_COLOR).move_to(
            [plot.axes.c2p(i, 0)[0], bands.get_bottom()[1] - 0.35, 0]) for i, c in enumerate(cov)])
        counts_label = th.text("windows per sample", th.SMALL_SIZE, th.MUTED_COLOR).next_to(counts, LEFT, 0.3)
        total = pic.Signal(plot, self.outputs["raw"], th.OUTPUT_COLOR, width=5, dot_radius=0.06)
        target = pic.Signal(plot, self.curve, th.DATA_COLOR, width=3, dot_radius=0.04)
        rings = speed.Dots(plot.points_for(self.outputs["raw"])[doubled], 0.11, th.ACCENT_COLOR)
        spans = ov.spans_text(doubled, joiner=" and ")
        note = th.text(f"samples {spans}: two windows, two copies added", th.LABEL_SIZE, th.ACCENT_COLOR)

        self.say("Bars: the samples each window reaches; below, the count per sample.")
        self.play(Write(title), fade_in(plot, target, total), run_time=1.2)
        for band in bands:
            self.play(fade_in(band), run_time=0.5)
        self.play(fade_in(counts, counts_label), run_time=1)
        self.say(f"Samples {spans} get two windows: two copies add up, so they double.")
        self.play(fade_in(rings), run_time=0.8)
        self.play(fade_in(note.next_to(title, DOWN, 0.12)), run_time=0.6)
        self.wait(3)
        self.payoff()

    # --- 3-4. the article's fixes on the taps (F21, F22, C9, C10) ---------------------------------------
    def fix(self, name: str, heading: str, conclusion: str, intro: str):
        title = th.title(heading)
        b = TapBoard(self.ck, ov.FIXES[name], self.curve_plot("the whole curve"), self.curve,
                     self.outputs["raw"], title)
        table = self.error_lines(["raw", name]).next_to(VGroup(b.filt, b.plot), DOWN, buff=0.75)
        note = th.text(conclusion, th.SMALL_SIZE, th.OUTPUT_COLOR).next_to(title, DOWN, 0.12)
        before, after = self.errors["raw"], self.errors[name]
        morph = self.morph(b.out, name)

        def apply_taps(a):  # every tap moves from 1 to its multiplier, the output follows
            b.set_taps(a)
            morph(a)

        self.say(intro)
        self.play(Write(title), fade_in(b.filt, b.filters, b.plot, b.target, b.out, b.tap_row, b.tap_label),
                  run_time=1.2)
        self.play(Drive(VGroup(b.filters, b.out, *b.tap_row), apply_taps, run_time=2.5))
        self.say(f"Inside, the error {trend(before['interior'], after['interior'])}.",
                 f"At the borders it {trend(before['borders'], after['borders'])}"
                 + (", too high." if after["borders"] > BAD_ERROR else "."))
        self.play(fade_in(table, note), run_time=1)
        self.wait(3.5)
        self.payoff()

    def error_lines(self, fixes: list[str]) -> VGroup:
        """'taps  whole  interior  borders' rows of mean square errors over the whole dataset."""
        head = (f"{self.ck.variant} {self.ck.seed}, all curves", "whole",
                f"inside {self.samples['interior']}", "borders")
        rows = [[th.text(s, th.SMALL_SIZE - 2, th.MUTED_COLOR) for s in head]]
        for f in fixes:
            rows.append([th.text(FIX_NAMES[f], th.SMALL_SIZE - 2)]
                        + [th.text(f"{self.errors[f][r]:.1e}", th.SMALL_SIZE - 2,
                                   th.ACCENT_COLOR if self.errors[f][r] > BAD_ERROR else th.TEXT_COLOR)
                           for r in ov.REGIONS])
        grid = VGroup(*[m for row in rows for m in row])
        grid.arrange_in_grid(len(rows), 4, buff=(0.35, 0.12), col_alignments="lrrr")
        return grid

    # --- 5. beyond the article: divide by the summed window --------------------------------------------
    def normalise(self):
        title = th.title("Beyond the article: divide by the number of windows")
        plot = self.curve_plot("the whole curve", width=5.4)
        row = coverage_row(plot.next_to(title, DOWN, buff=0.7).to_edge(LEFT, buff=0.5), ov.coverage())
        target = pic.Signal(plot, self.curve, th.DATA_COLOR, width=3, dot_radius=0.04)
        out = pic.Signal(plot, self.outputs["raw"], th.OUTPUT_COLOR, width=5, dot_radius=0.06, role="output")
        caption = th.text("each sample divided by how many windows reached it, as an inverse STFT does",
                          th.SMALL_SIZE).next_to(title, DOWN, 0.12)
        table = self.error_lines(list(ov.FIXES))
        table.scale_to_fit_width(min(table.width, 6.9 - plot.get_right()[0] - 0.3))
        table.next_to(plot, RIGHT, buff=0.3).align_to(plot, UP).shift(DOWN * 0.5)
        plain, n = ov.error_table(self.plain, self.curves), len(self.plain)
        best = min(plain, key=lambda f: plain[f]["whole"])
        whole = (f"{plain['raw']['whole']:.1e} as trained, {plain['tapered']['whole']:.1e} tapered, "
                 f"{plain['normalised']['whole']:.1e} normalised")
        seeds = f"all {count_word(n)} plain seeds" if n > 1 else "the plain seed"
        summary = VGroup(
            th.text(f"{seeds}, whole curve: {whole}", th.SMALL_SIZE - 2, th.OUTPUT_COLOR),
            th.text(f"best: {best}; the borders come back too", th.SMALL_SIZE - 2, th.OUTPUT_COLOR),
        ).arrange(DOWN, buff=0.1).to_edge(DOWN, buff=0.55)

        self.say("Beyond the article: divide each sample by its number of windows.")
        self.play(Write(title), fade_in(plot, target, out, row, caption), run_time=1.2)
        self.play(Drive(out, self.morph(out, "normalised"), run_time=2.5))
        self.say(f"{n} plain seeds, whole curve: {whole}.",
                 f"Best: {best}"
                 + ("; the borders come back too." if plain[best]["borders"] <= BAD_ERROR else "."))
        self.play(fade_in(table), run_time=1)
        self.play(fade_in(summary), run_time=0.8)
        self.wait(4)
        self.payoff()

    # --- 6. the same unevenness in two dimensions --------------------------------------------------------
    def in_2d(self):
        title = th.title("In two dimensions: the checkerboard")
        grids, said = VGroup(), []
        for kernel, length in ((3, 11), (4, 12)):
            label = f"kernel {kernel}, stride 2"
            cov2 = np.outer(ov.coverage(length, kernel, 2), ov.coverage(length, kernel, 2))
            inner = ov.regions(length, kernel, 2)["interior"]
            said.append((label, np.unique(cov2).tolist(), np.unique(cov2[np.ix_(inner, inner)]).tolist()))
            grids.add(VGroup(th.text(label, th.LABEL_SIZE), coverage_grid(cov2)).arrange(DOWN, buff=0.25))
        grids.arrange(RIGHT, buff=1.2).next_to(title, DOWN, buff=0.6)
        caption = th.text("windows per output pixel of a transposed convolution (darker = more)",
                          th.SMALL_SIZE).next_to(title, DOWN, 0.12)
        note = th.text("kernel 3, stride 2: 1, 2, 4 windows in a checkerboard; a kernel divisible by the "
                       "stride covers the interior evenly", th.SMALL_SIZE - 2, th.OUTPUT_COLOR)
        note.next_to(grids, DOWN, buff=0.3)
        cues = [f"{label.capitalize()}: every inside pixel gets {inside[0]} windows." if len(inside) == 1
                else f"{label.capitalize()}: pixels get {series(counts, 'or')} windows, a checkerboard."
                for label, counts, inside in said]
        self.say("In 2-D, " + cues[0][0].lower() + cues[0][1:])
        self.play(Write(title), fade_in(caption, grids[0]), run_time=1.5)
        self.wait(2.5)
        even = len(said[1][2]) == 1
        self.say(cues[1], "A kernel divisible by the stride covers the inside evenly." if even else "")
        self.play(fade_in(grids[1]), run_time=1.2)
        self.play(fade_in(note), run_time=0.8)
        self.wait(4)
        self.payoff()


class TapBoard:
    """The fixes' pictures (F21, F22): the decoder filters tap by tap ('filter i') with each tap's
    weight under it, and the whole curve with the output ('output'); `set_taps(a)` moves every tap
    weight from 1 (a = 0) to its multiplier in `taps` (a = 1)."""

    def __init__(self, ck, taps, plot, curve, raw, title):
        self.ck, self.taps, self.plot = ck, taps, plot
        lim = np.abs(ck.dec_w).max() * 1.1
        self.filt = pic.SignalPlot(KERNEL, pic.nice_range(-lim, lim), 3.6, 2.4, "decoder filters, tap by tap")
        VGroup(self.filt, plot).arrange(RIGHT, buff=0.7).next_to(title, DOWN, buff=0.8)
        self.filters = VGroup(*[pic.Signal(self.filt, ck.dec_w[i], th.FILTER_COLORS[i], width=3,
                                           dot_radius=0.04, stems=True, role=f"filter {i + 1}")
                                for i in range(3)])
        self.target = pic.Signal(plot, curve, th.DATA_COLOR, width=3, dot_radius=0.04)
        self.out = pic.Signal(plot, raw, th.OUTPUT_COLOR, width=5, dot_radius=0.06, role="output")
        self.tap_row = VGroup(*[speed.number(1.0, 2, th.SMALL_SIZE - 6, sign=False) for _ in range(KERNEL)])
        floor = self.filt.axes.c2p(0, self.filt.axes.y_range[0])[1]
        for k, n in enumerate(self.tap_row):
            n.move_to([self.filt.axes.c2p(k, 0)[0], floor - 0.6, 0])
        self.tap_label = th.text("tap weight", th.SMALL_SIZE - 2, th.MUTED_COLOR)
        self.tap_label.next_to(self.tap_row, DOWN, 0.15)

    def set_taps(self, a: float) -> None:
        w = (1 - a) + a * self.taps
        for i, sig in enumerate(self.filters):
            sig.set_values(self.ck.dec_w[i] * w)
        for n, v in zip(self.tap_row, w):
            n.set_value(v)


def coverage_row(plot: pic.SignalPlot, counts) -> VGroup:
    """'÷ 1 1 1 1 2 2 2 ...' under a plot, each count under its sample, more than one in the accent."""
    row = VGroup(th.text("÷", th.LABEL_SIZE, th.ACCENT_COLOR),
                 *[th.text(str(c), th.LABEL_SIZE, th.ACCENT_COLOR if c > 1 else th.TEXT_COLOR)
                   for c in counts])
    floor = plot.axes.c2p(0, plot.axes.y_range[0])[1]
    for i, m in enumerate(row[1:]):
        m.move_to([plot.axes.c2p(i, 0)[0], floor - 0.6, 0])
    row[0].next_to(row[1], LEFT, 0.3)
    return row


def coverage_grid(counts: np.ndarray, cell: float = 0.36) -> VGroup:
    """A square per output pixel, shaded by how many windows reach it, with the count written in."""
    squares = VGroup(
        *[
            Rectangle(
                width=cell,
                height=cell,
                stroke_width=1,
                stroke_color=th.MUTED_COLOR,
                fill_color=th.ACCENT_COLOR,
                fill_opacity=0.9 * v / counts.max(),
            )
            for v in counts.ravel()
        ]
    ).arrange_in_grid(*counts.shape, buff=0)
    nums = VGroup(*[th.text(str(v), th.SMALL_SIZE - 8).move_to(sq) for v, sq in zip(counts.ravel(), squares)])
    return VGroup(squares, nums)
