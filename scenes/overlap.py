"""`manim -pqh scenes/overlap.py`: a strided transposed convolution adds overlapping windows;
the article's two fixes, one that also mends the borders, and the same effect in 2-D.

Article: claims C8-C10, figures F19-F22. Curves, codes and errors come from the checkpoint
(DECONV_VARIANT / DECONV_SEED) and the dataset at render time (core.overlap). Subtitles
(`Captions`) are written beside the video as OverlapScene.srt.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Rectangle,
    ReplacementTransform,
    Scene,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    Write,
)

from core import data, weights
from core import overlap as ov
from scenes import common as cm

BAD_ERROR = 1e-4  # a mean square error above this is shown (and said) as wrong


def listing(values) -> str:
    """[1, 2, 4] -> '1, 2 or 4'."""
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def trend(before: float, after: float) -> str:
    """'falls from 1.2e-02 to 3.4e-06' (or rises, or stays at), as the error table prints them."""
    a, b = f"{before:.1e}", f"{after:.1e}"
    if a == b:
        return f"stays at {b}"
    return f"{'falls' if after < before else 'rises'} from {a} to {b}"


class OverlapScene(Scene):
    def construct(self):
        self.ck = cm.load_model()
        self.curves = data.make_curves()[0]
        self.idx, self.curve = cm.demo_curve()
        self.codes = ov.encode_curves(self.ck, self.curve)[0]
        self.outputs = {f: ov.decode_codes(self.ck, self.codes, f)[0] for f in ov.FIXES}
        self.errors = {f: ov.errors(self.ck, self.curves, f) for f in ov.FIXES}
        self.fix_parts: dict[str, dict] = {}  # what each fix section drew, for the tests
        self.footer = cm.footer(self.ck)
        self.add(self.footer)
        self.captions = cm.Captions(self)
        self.say = self.captions.say

        self.next_section("assemble")
        self.assemble()
        self.next_section("why")
        self.why()
        self.next_section("halve")
        self.fix(
            "halved",
            "The article's fix: halve every tap but the middle one",
            "the interior is right; the borders (0-2, 12-14) drop to half height",
            "The article's fix: every tap but the middle one is halved.",
        )
        self.next_section("taper")
        self.fix(
            "tapered",
            "The article's second fix: taper the taps",
            "taps 0.25 ... 1 ... 0.25 sum to one where windows overlap; the borders still sag",
            f"Its second fix tapers the taps: {', '.join(f'{x:g}' for x in ov.FIXES['tapered'])}.",
        )
        self.next_section("normalise")
        self.normalise()
        self.next_section("in-2-d")
        self.in_2d()
        self.captions.close()

    def clear_stage(self):
        cm.clear(self, self.footer)

    def curve_plot(self, label: str, width: float = 7.4) -> cm.SignalPlot:
        vals = np.concatenate([self.curve, *self.outputs.values()])
        lo, hi = vals.min(), vals.max()
        return cm.SignalPlot(
            15, cm.nice_range(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)), width, 3.0, label
        )

    # --- 1. the patch model over a whole curve (F19) ------------------------------------------------
    def assemble(self):
        ck, codes = self.ck, self.codes
        title = cm.title("The patch model, run over a whole curve")
        matrix = cm.CodeMatrix(codes)
        plot = self.curve_plot(f"dataset curve {self.idx}")
        VGroup(matrix, plot).arrange(RIGHT, buff=0.7).next_to(title, DOWN, buff=0.9)
        target = cm.Signal(plot, self.curve, cm.DATA_COLOR, width=3, dot_radius=0.05)
        placed = [
            cm.Signal(
                plot,
                codes[:, w] @ ck.dec_w,
                cm.OUTPUT_COLOR,
                width=2.5,
                dot_radius=0.04,
                offset=s,
                opacity=0.7,
            )
            for w, s in enumerate(ov.window_starts(15))
        ]
        total = cm.Signal(plot, self.outputs["raw"], cm.OUTPUT_COLOR, width=6, dot_radius=0.07)
        caption = cm.text(
            "encode three windows, decode each code back, place them 4 samples apart, add", cm.SMALL_SIZE + 2
        ).next_to(title, DOWN, 0.15)
        self.say(f"The {cm.DATA_NAME} curve's code: one column per {ov.KERNEL}-sample window.")
        self.play(Write(title), cm.fade_in(matrix, plot, target, caption), run_time=1.5)
        for w, sig in enumerate(placed):
            if w == 1:
                self.say(f"Each is decoded and placed {ov.STRIDE} samples after the last.")
            box = SurroundingRectangle(matrix.column(w), color=cm.OUTPUT_COLOR, buff=0.08)
            self.play(cm.fade_in(box), run_time=0.4)
            self.play(ReplacementTransform(box, sig), run_time=1.0)
        self.say(f"The sum ({cm.OUTPUT_NAME}) doubles where windows meet.")
        self.play(ReplacementTransform(VGroup(*placed).copy(), total), run_time=1.5)
        e = self.errors["raw"]
        note = (
            VGroup(
                cm.text(
                    f"{cm.DATA_NAME}: the curve; {cm.OUTPUT_NAME}: the sum. "
                    "Where two windows meet, it comes out doubled",
                    cm.SMALL_SIZE - 2,
                    cm.ACCENT_COLOR,
                ),
                cm.text(
                    f"mean square error over all curves: {e['interior']:.1e} inside, "
                    f"{e['borders']:.1e} at the borders",
                    cm.SMALL_SIZE - 2,
                    cm.TEXT_COLOR,
                ),
            )
            .arrange(DOWN, buff=0.1)
            .next_to(VGroup(matrix, plot), DOWN, buff=0.45)
        )
        self.play(cm.fade_in(note), run_time=0.8)
        self.say(
            f"Mean square error, all curves: {e['interior']:.1e} inside, {e['borders']:.1e} at the borders."
        )
        self.wait(3)
        self.assemble_parts = {"total": total, "placed": placed}
        self.clear_stage()

    # --- 2. why: coverage (F20, C8) -------------------------------------------------------------------
    def why(self):
        title = cm.title("Why: overlapping windows are added")
        plot = self.curve_plot("output samples 0-14")
        plot.next_to(title, DOWN, buff=0.5)
        cov = ov.coverage()
        bands = VGroup()
        for w, s in enumerate(ov.window_starts(15)):
            a, b = plot.axes.c2p(s - 0.35, 0)[0], plot.axes.c2p(s + 6.35, 0)[0]
            y = plot.axes.c2p(0, plot.axes.y_range[0])[1] - 0.55 - 0.3 * w
            bands.add(
                VGroup(
                    Rectangle(
                        width=b - a, height=0.2, fill_color=cm.MUTED_COLOR, fill_opacity=0.7, stroke_width=0
                    ).move_to([(a + b) / 2, y, 0]),
                    cm.text(f"window {w + 1}", cm.SMALL_SIZE - 4, cm.MUTED_COLOR).move_to([a - 0.7, y, 0]),
                )
            )
        counts = VGroup(
            *[
                cm.text(str(c), cm.LABEL_SIZE, cm.ACCENT_COLOR if c > 1 else cm.TEXT_COLOR).move_to(
                    [plot.axes.c2p(i, 0)[0], bands.get_bottom()[1] - 0.35, 0]
                )
                for i, c in enumerate(cov)
            ]
        )
        counts_label = cm.text("windows per sample", cm.SMALL_SIZE, cm.MUTED_COLOR).next_to(counts, LEFT, 0.3)
        total = cm.Signal(plot, self.outputs["raw"], cm.OUTPUT_COLOR, width=5, dot_radius=0.06)
        target = cm.Signal(plot, self.curve, cm.DATA_COLOR, width=3, dot_radius=0.04)
        doubled = [i for i, c in enumerate(cov) if c > 1]
        rings = cm.Dots(plot.points_for(self.outputs["raw"])[doubled], 0.11, cm.ACCENT_COLOR)
        self.say("Bars: the samples each window reaches; below, the count per sample.")
        self.play(Write(title), cm.fade_in(plot, target, total), run_time=1.2)
        for band in bands:
            self.play(cm.fade_in(band), run_time=0.5)
        self.play(cm.fade_in(counts, counts_label), run_time=1)
        spans = " and ".join(f"{a}-{b}" for a, b in cm.spans(doubled))
        self.say(f"Samples {spans} get two windows: two copies add up, so they double.")
        self.play(cm.fade_in(rings), run_time=0.8)
        note = cm.text(f"samples {spans}: two windows, two copies added", cm.LABEL_SIZE, cm.ACCENT_COLOR)
        note.next_to(title, DOWN, 0.12)
        self.play(cm.fade_in(note), run_time=0.6)
        self.wait(3)
        self.why_parts = {"counts": [int(c.text) for c in counts]}
        self.clear_stage()

    # --- 3-4. the article's fixes on the taps (F21, F22, C9, C10) ---------------------------------------
    def fix(self, name: str, heading: str, conclusion: str, intro: str):
        ck, taps = self.ck, ov.FIXES[name]
        title = cm.title(heading)
        lim = np.abs(ck.dec_w).max() * 1.1
        filt = cm.SignalPlot(7, cm.nice_range(-lim, lim), 3.6, 2.4, "decoder filters, tap by tap")
        plot = self.curve_plot("the whole curve")
        VGroup(filt, plot).arrange(RIGHT, buff=0.7).next_to(title, DOWN, buff=0.8)
        t = ValueTracker(0.0)
        filters = VGroup(
            *[
                cm.Signal(filt, ck.dec_w[i], cm.FILTER_COLORS[i], width=3, dot_radius=0.04, stems=True)
                for i in range(3)
            ]
        )
        target = cm.Signal(plot, self.curve, cm.DATA_COLOR, width=3, dot_radius=0.04)
        out = cm.Signal(plot, self.outputs["raw"], cm.OUTPUT_COLOR, width=5, dot_radius=0.06)
        tap_row = VGroup(*[cm.number(1.0, 2, cm.SMALL_SIZE - 6, sign=False) for _ in range(7)])
        for k, n in enumerate(tap_row):
            n.move_to([filt.axes.c2p(k, 0)[0], filt.axes.c2p(0, filt.axes.y_range[0])[1] - 0.6, 0])
        tap_label = cm.text("tap weight", cm.SMALL_SIZE - 2, cm.MUTED_COLOR).next_to(tap_row, DOWN, 0.15)

        def update(_):
            a = t.get_value()
            w = (1 - a) + a * taps
            for i, sig in enumerate(filters):
                sig.set_values(ck.dec_w[i] * w)
            for n, v in zip(tap_row, w):
                n.set_value(v)
            out.set_values((1 - a) * self.outputs["raw"] + a * self.outputs[name])

        self.say(intro)
        self.play(
            Write(title), cm.fade_in(filt, filters, plot, target, out, tap_row, tap_label), run_time=1.2
        )
        live = VGroup(filters, out, *tap_row).add_updater(update)
        cm.keep_live_last(self, live)
        self.play(t.animate.set_value(1.0), run_time=2.5)
        live.clear_updaters()
        table = self.error_lines(["raw", name])
        table.next_to(VGroup(filt, plot), DOWN, buff=0.75)
        note = cm.text(conclusion, cm.SMALL_SIZE, cm.OUTPUT_COLOR).next_to(title, DOWN, 0.12)
        before, after = self.errors["raw"], self.errors[name]
        self.say(
            f"Inside, the error {trend(before['interior'], after['interior'])}.",
            f"At the borders it {trend(before['borders'], after['borders'])}"
            + (", too high." if after["borders"] > BAD_ERROR else "."),
        )
        self.play(cm.fade_in(table, note), run_time=1)
        self.wait(3.5)
        self.fix_parts[name] = {"out": out, "filters": filters}
        self.clear_stage()

    def error_lines(self, fixes: list[str]) -> VGroup:
        """'taps  whole  interior  borders' rows of mean square errors over the whole dataset."""
        names = {"raw": "as trained", "halved": "halved", "tapered": "tapered", "normalised": "normalised"}
        rows = [
            [
                cm.text(s, cm.SMALL_SIZE - 2, cm.MUTED_COLOR)
                for s in (
                    f"{self.ck.variant} {self.ck.seed}, all curves",
                    "whole",
                    "inside 3-11",
                    "borders",
                )
            ]
        ]
        for f in fixes:
            rows.append(
                [cm.text(names[f], cm.SMALL_SIZE - 2)]
                + [
                    cm.text(
                        f"{self.errors[f][r]:.1e}",
                        cm.SMALL_SIZE - 2,
                        cm.ACCENT_COLOR if self.errors[f][r] > BAD_ERROR else cm.TEXT_COLOR,
                    )
                    for r in ov.REGIONS
                ]
            )
        grid = VGroup(*[m for row in rows for m in row])
        grid.arrange_in_grid(len(rows), 4, buff=(0.35, 0.12), col_alignments="lrrr")
        return grid

    # --- 5. beyond the article: divide by the summed window --------------------------------------------
    def normalise(self):
        title = cm.title("Beyond the article: divide by the number of windows")
        plot = self.curve_plot("the whole curve", width=5.4)
        cov = ov.coverage()
        row = VGroup(
            cm.text("÷", cm.LABEL_SIZE, cm.ACCENT_COLOR),
            *[cm.text(str(c), cm.LABEL_SIZE, cm.ACCENT_COLOR if c > 1 else cm.TEXT_COLOR) for c in cov],
        )
        plot.next_to(title, DOWN, buff=0.7).to_edge(LEFT, buff=0.5)
        for i, m in enumerate(row[1:]):
            m.move_to([plot.axes.c2p(i, 0)[0], plot.axes.c2p(0, plot.axes.y_range[0])[1] - 0.6, 0])
        row[0].next_to(row[1], LEFT, 0.3)
        t = ValueTracker(0.0)
        target = cm.Signal(plot, self.curve, cm.DATA_COLOR, width=3, dot_radius=0.04)
        out = cm.Signal(plot, self.outputs["raw"], cm.OUTPUT_COLOR, width=5, dot_radius=0.06)

        def update(sig):
            a = t.get_value()
            sig.set_values((1 - a) * self.outputs["raw"] + a * self.outputs["normalised"])

        caption = cm.text(
            "each sample divided by how many windows reached it, as an inverse STFT does", cm.SMALL_SIZE
        ).next_to(title, DOWN, 0.12)
        self.say("Beyond the article: divide each sample by its number of windows.")
        self.play(Write(title), cm.fade_in(plot, target, out, row, caption), run_time=1.2)
        out.add_updater(update)
        cm.keep_live_last(self, VGroup(out))
        self.play(t.animate.set_value(1.0), run_time=2.5)
        out.clear_updaters()
        table = self.error_lines(list(ov.FIXES))
        table.scale_to_fit_width(min(table.width, 6.9 - plot.get_right()[0] - 0.3))
        table.next_to(plot, RIGHT, buff=0.3).align_to(plot, UP).shift(DOWN * 0.5)
        plain_models = weights.load_all(variant="plain")
        plain = ov.error_table(plain_models, self.curves)
        best = min(plain, key=lambda f: plain[f]["whole"])
        summary = (
            VGroup(
                cm.text(
                    f"all ten plain seeds, whole curve: {plain['raw']['whole']:.1e} as trained, "
                    f"{plain['tapered']['whole']:.1e} tapered, {plain['normalised']['whole']:.1e} normalised",
                    cm.SMALL_SIZE - 2,
                    cm.OUTPUT_COLOR,
                ),
                cm.text(f"best: {best}; the borders come back too", cm.SMALL_SIZE - 2, cm.OUTPUT_COLOR),
            )
            .arrange(DOWN, buff=0.1)
            .to_edge(DOWN, buff=0.55)
        )
        self.say(
            f"{len(plain_models)} plain seeds, whole curve: {plain['raw']['whole']:.1e} as trained, "
            f"{plain['tapered']['whole']:.1e} tapered, {plain['normalised']['whole']:.1e} normalised.",
            f"Best: {best}"
            + ("; the borders come back too." if plain[best]["borders"] <= BAD_ERROR else "."),
        )
        self.play(cm.fade_in(table), run_time=1)
        self.play(cm.fade_in(summary), run_time=0.8)
        self.wait(4)
        self.normalise_parts = {"out": out, "best": best}
        self.clear_stage()

    # --- 6. the same unevenness in two dimensions --------------------------------------------------------
    def in_2d(self):
        title = cm.title("In two dimensions: the checkerboard")
        grids, said = VGroup(), []
        for kernel, label in ((3, "kernel 3, stride 2"), (4, "kernel 4, stride 2")):
            c = ov.coverage(11 if kernel == 3 else 12, kernel, 2)
            cov2 = np.outer(c, c)
            inner = ov.regions(len(c), kernel, 2)["interior"]
            said.append((label, np.unique(cov2).tolist(), np.unique(cov2[np.ix_(inner, inner)]).tolist()))
            cell = 0.36
            squares = VGroup(
                *[
                    Rectangle(
                        width=cell,
                        height=cell,
                        stroke_width=1,
                        stroke_color=cm.MUTED_COLOR,
                        fill_color=cm.ACCENT_COLOR,
                        fill_opacity=0.9 * v / cov2.max(),
                    )
                    for v in cov2.ravel()
                ]
            ).arrange_in_grid(*cov2.shape, buff=0)
            nums = VGroup(
                *[cm.text(str(v), cm.SMALL_SIZE - 8).move_to(sq) for v, sq in zip(cov2.ravel(), squares)]
            )
            grids.add(VGroup(cm.text(label, cm.LABEL_SIZE), VGroup(squares, nums)).arrange(DOWN, buff=0.25))
        grids.arrange(RIGHT, buff=1.2).next_to(title, DOWN, buff=0.6)
        caption = cm.text(
            "windows per output pixel of a transposed convolution (darker = more)", cm.SMALL_SIZE
        ).next_to(title, DOWN, 0.12)
        note = cm.text(
            "kernel 3, stride 2: 1, 2, 4 windows in a checkerboard; a kernel divisible by the "
            "stride covers the interior evenly",
            cm.SMALL_SIZE - 2,
            cm.OUTPUT_COLOR,
        )
        note.next_to(grids, DOWN, buff=0.3)
        cues = [
            f"{label.capitalize()}: every inside pixel gets {inside[0]} windows."
            if len(inside) == 1
            else f"{label.capitalize()}: pixels get {listing(counts)} windows, a checkerboard."
            for label, counts, inside in said
        ]
        self.say("In 2-D, " + cues[0][0].lower() + cues[0][1:])
        self.play(Write(title), cm.fade_in(caption, grids[0]), run_time=1.5)
        self.wait(2.5)
        even = len(said[1][2]) == 1
        self.say(cues[1], "A kernel divisible by the stride covers the inside evenly." if even else "")
        self.play(cm.fade_in(grids[1]), run_time=1.2)
        self.play(cm.fade_in(note), run_time=0.8)
        self.wait(4)
        self.in_2d_parts = {"counts": said}
