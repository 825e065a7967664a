"""`manim -pqh scenes/decoder.py`: the decoder as a weighted sum of its real, trained filters.

Article (docs/article.md): claim C2, figure F6, animations A1-A4. Every curve and number comes from
the checkpoint (DECONV_VARIANT / DECONV_SEED choose it; default plain, seed 22) at render time.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    MarkupText,
    ReplacementTransform,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    Write,
    config,
    smooth,
)

from core import overlap, story
from core.data import KERNEL, WINSIZE
from core.subtitles import fmt
from scenes import pictures as pic
from scenes import speed
from scenes import theme as th
from scenes.models import load_model
from scenes.speed import fade_in, fade_out
from scenes.stage import Explainer

F6_CODES = story.F6_CODES


class DecoderScene(Explainer):
    def construct(self):
        self.ck = load_model()
        self.extent = story.code_extent(self.ck)
        self.show_footer(pic.footer(self.ck))

        self.next_section("weighted-sum")
        self.weighted_sum()
        self.begin("one-component-sweeps")
        panel, title = self.sweeps()
        self.next_section("all-components")
        self.all_components(panel, title)
        self.begin("transposed-convolution")
        self.transposed_convolution()

    # --- 1. weighted sum (F6) ----------------------------------------------------------------------
    def weighted_sum(self):
        ck, title = self.ck, th.title("The decoder: a weighted sum of its filters")
        w = WeightedSumBoard(ck, F6_CODES, title)
        bias = f"{ck.dec_b:+.4f}"
        captions = [th.text(s, th.LABEL_SIZE, col).next_to(title, DOWN, 0.2) for s, col in (
            ("each filter is scaled by its code value", th.TEXT_COLOR),
            ("the scaled filters add up, sample by sample", th.OUTPUT_COLOR),
            (f"then the bias is added: b = {bias}", th.OUTPUT_COLOR),
            ("○ the decoder run on this code: the same numbers", th.TEXT_COLOR),
            (f"another code: {_fmt(F6_CODES[1])}", th.TEXT_COLOR))]
        c1, c2, c3 = (fmt(c, 2) for c in F6_CODES[0])  # as the code readout shows them
        blue, green, purple = th.FILTER_NAMES

        self.say(f"The decoder's three trained filters: {blue}, {green}, {purple}.")
        self.play(Write(title), run_time=1)
        self.play(*[Create(p) for p in w.smalls], *[Create(s) for s in w.raw], run_time=1.5)
        self.add(w.ghosts)
        self.say(f"The code: c1 = {c1}, c2 = {c2}, c3 = {c3}.", "Each filter is scaled by its code value.")
        self.play(fade_in(w.readout_group, w.factors, captions[0]))
        self.wait(0.5)
        with speed.live(self, *w.live_small, update=w.update) as moving:
            self.play(w.scale.animate.set_value(1.0), run_time=2)  # each filter shrinks to c_i * f_i
            self.say("The scaled filters move up onto one plot.")
            self.play(fade_in(w.big), *[ReplacementTransform(w.raw[i].copy(), w.scaled[i]) for i in range(3)],
                      run_time=1.5)
            moving.add(*w.scaled, w.total)
            self.switch(captions[0], captions[1], moving)
            self.say(f"The {th.OUTPUT_NAME} sum takes them in, sample by sample: {blue}, {green}, "
                     f"then {purple}.")
            for i in range(3):
                self.play(w.added[i].animate.set_value(1.0), w.scaled[i].animate.set_stroke(width=5),
                          run_time=1.1)
                self.play(w.scaled[i].animate.set_stroke(width=2.5), run_time=0.3)
            self.say(f"Then the bias is added: b = {bias}.")
            self.play(w.bias.animate.set_value(1.0), fade_out(captions[1]), fade_in(captions[2]), run_time=1)
            speed.keep_live_last(self, moving)
            self.wait(0.5)
            self.say(f"{th.TEXT_NAME.capitalize()} rings: the real decoder's output, on the same points.",
                     "output = c1·f1 + c2·f2 + c3·f3 + b")
            self.play(fade_in(w.decoder_out), fade_out(captions[2]), fade_in(captions[3]), run_time=1)
            moving.add(w.decoder_out)
            speed.keep_live_last(self, moving)
            self.play(Write(equation().next_to(w.smalls, DOWN, buff=0.35)), run_time=1.5)
            self.wait(1.5)
            self.say(f"Another code, {_fmt(F6_CODES[1])}: each filter rescales, and the sum follows.")
            self.switch(captions[3], captions[4], moving)
            self.play(*[c.animate.set_value(t) for c, t in zip(w.code, F6_CODES[1])], run_time=3,
                      rate_func=smooth)
            self.say("The rings stay on the sum: the decoder is this weighted sum.")
            self.wait(2)
        self.payoff()

    def switch(self, old, new, moving) -> None:
        """One caption out, the next in; then the moving parts drawn last again."""
        speed.keep_live_last(self, moving)
        self.play(fade_out(old), fade_in(new), run_time=0.6)
        speed.keep_live_last(self, moving)

    # --- 2-3. the article's animations (A1-A4) ------------------------------------------------------
    def sweeps(self):
        title = th.title("The article's animation: one code component at a time")
        ext = self.extent
        codes = np.vstack([*(story.sweep_codes(ext, k) for k in range(3)), story.all_codes(ext)])
        panel = pic.FourPanel(self.ck, self.extent, codes).next_to(title, DOWN, buff=0.6)
        self.say("The article's animation: one code, four views.")
        self.play(Write(title), fade_in(panel.static, panel.live), run_time=1.5)
        self.wait(0.5)
        for k in range(3):
            hi, lo = fmt(self.extent[k], 2), fmt(-self.extent[k], 2)  # as the readout shows them
            self.say(*sweep_cues(k, hi, lo, len(panel.c3_values)))
            note = th.text(f"c{k + 1} varies, the others stay at 0", th.LABEL_SIZE, th.FILTER_COLORS[k])
            self.play(fade_in(note.next_to(title, DOWN, 0.12)), run_time=0.4)
            self.play(panel.sweep(story.sweep_codes(self.extent, k), run_time=6))
            self.play(fade_out(note), run_time=0.4)
        self.payoff()
        return panel, title

    def all_components(self, panel: pic.FourPanel, old_title):
        title = th.title("The article's animation: all three components at once")
        note = th.text("all three vary together", th.LABEL_SIZE, th.OUTPUT_COLOR).next_to(title, DOWN, 0.12)
        self.say("Now all three move together, each within the range real codes take.",
                 "The point wanders and changes size; the three scaled filters change at once.",
                 "Whatever the code, the output is c1·f1 + c2·f2 + c3·f3 + b.")
        self.play(fade_out(old_title), Write(title), fade_in(note), run_time=0.8)
        self.play(panel.sweep(story.all_codes(self.extent), run_time=10))
        self.wait(0.5)
        self.payoff()

    # --- 4. transposed convolution: three code vectors at stride 4 --------------------------------
    def transposed_convolution(self):
        idx, curve = story.demo_curve()
        title = th.title("Three codes, stride 4: a transposed convolution")
        b = StrideBoard(self.ck, idx, curve, title)
        shown, starts = b.shown, b.shown.starts
        self.say(f"The code of curve {idx} has a column per window; column 1's sum starts at {starts[0]}.")
        self.play(Write(title), fade_in(b.left, b.plot, b.captions[0]), run_time=1.5)
        for w, s in enumerate(starts):
            if w == 1:
                self.say(f"Column 2's sum goes {s - starts[w - 1]} samples later, at sample {s}.")
            elif w == 2:
                self.say(f"Column 3's starts at sample {s}. The bars show each window's samples.")
            box = SurroundingRectangle(b.matrix.column(w), color=th.OUTPUT_COLOR, buff=0.1)
            self.play(Create(box), fade_in(b.bars[w]), run_time=0.6)
            self.play(ReplacementTransform(box.copy(), b.placed[w]), run_time=1.2)
            self.play(fade_out(box), run_time=0.3)
        self.wait(1.5)
        self.say("The output adds them up, with the bias once.")
        self.play(ReplacementTransform(VGroup(*b.placed).copy(), b.total), fade_out(b.captions[0]),
                  fade_in(b.captions[1]), run_time=2)
        spans = " and ".join(f"{a}-{z}" for a, z in overlap.spans(shown.doubled))
        note = th.text(f"overlap: samples {spans} are covered by two windows", th.SMALL_SIZE, th.ACCENT_COLOR)
        note.next_to(b.bars, DOWN, 0.25).set_x(b.plot.get_x())
        self.say(f"{th.ACCENT_NAME.capitalize()} rings: samples {spans}, covered by two windows.")
        self.play(Create(b.rings), fade_in(note), run_time=1.2)
        self.play(fade_in(b.target, b.target_note), run_time=1.2)
        self.say(f"Against the {th.DATA_NAME} curve that was encoded, they come out doubled.",
                 "The overlap video explains why, and fixes it.")
        self.wait(1)
        outro = th.text("so the overlaps come out doubled: the overlap video explains why, and fixes it",
                        th.SMALL_SIZE, th.TEXT_COLOR).next_to(note, DOWN, 0.2).set_x(0)
        self.play(fade_in(outro), run_time=0.8)
        self.wait(3)
        self.payoff()


def sweep_cues(k: int, hi: str, lo: str, n_c3: int) -> tuple[str, str]:
    """What the subtitles say while code component k sweeps from 0 up to hi, down to lo and back."""
    return (
        (f"c1 goes up to {hi}, down to {lo} and back; c2 and c3 stay at 0.",
         f"The {th.OUTPUT_NAME} output is {th.filter_name(0)} times c1: it flips when c1 does."),
        (f"Now c2 goes up to {hi} and down to {lo}: the point moves up and down.",
         f"The output now has the shape of {th.filter_name(1)}, scaled by c2."),
        (f"Now c3, up to {hi} and down to {lo}: the point grows and shrinks.",
         f"Top left: the outputs for {n_c3} values of c3 at once; the bold one is the current code."),
    )[k]


class StrideBoard:
    """The stride-4 section's pictures (F2's right half), laid out under `title`: the 3x3 code
    matrix, a 15-sample plot with a band per window, each window's weighted sum placed at its start
    ('window w'), their sum ('output'), rings on the doubled samples and the encoded curve ('curve')."""

    def __init__(self, ck, idx, curve, title):
        self.shown = shown = story.windows(ck, curve)
        self.matrix = pic.CodeMatrix(shown.codes)
        caption = th.text(f"the codes of dataset curve {idx}", th.SMALL_SIZE, th.MUTED_COLOR)
        self.left = VGroup(self.matrix, caption.next_to(self.matrix, DOWN, 0.3))
        values = np.concatenate([shown.output, curve, shown.pieces.ravel()])
        lo, hi = values.min(), values.max()
        pad = 0.05 * (hi - lo)
        self.plot = plot = pic.SignalPlot(WINSIZE, pic.nice_range(lo - pad, hi + pad), 7.4, 2.9)
        VGroup(self.left, plot).arrange(RIGHT, buff=0.6, aligned_edge=UP).next_to(title, DOWN, buff=0.8)
        top = plot.axes.get_bottom()[1] - 0.5
        self.bars = pic.WindowBands(plot, shown.starts, ck.dec_w.shape[1], top, 0.22, 0.1)
        self.captions = [th.text(t, th.SMALL_SIZE + 2, col).next_to(title, DOWN, 0.2) for t, col in (
            ("each column: a weighted sum of filters, placed 4 samples after the previous one",
             th.TEXT_COLOR),
            ("the output adds the placed sums (+ b once): overlapping samples add up", th.OUTPUT_COLOR))]
        self.placed = [pic.Signal(plot, shown.pieces[w], th.OUTPUT_COLOR, width=2.5, dot_radius=0.045,
                                  offset=s, opacity=0.75, role=f"window {w + 1}")
                       for w, s in enumerate(shown.starts)]
        self.total = pic.Signal(plot, shown.output, th.OUTPUT_COLOR, width=6, dot_radius=0.07, role="output")
        self.rings = pic.Rings(plot, shown.output, th.ACCENT_COLOR, 0.16, 4, shown.doubled)
        self.target = pic.Signal(plot, curve, th.DATA_COLOR, width=3, dot_radius=0.04, role="curve")
        self.target_note = th.text(f"{th.DATA_NAME}: the curve\nthat was encoded", th.SMALL_SIZE,
                                   th.DATA_COLOR)
        self.target_note.next_to(caption, DOWN, 0.3).align_to(caption, LEFT)


class WeightedSumBoard(VGroup):
    """The weighted-sum section's pictures and state (F6), laid out under `title`: three small filter
    plots with their factors, the code readout, and the big plot where the scaled filters add up.

    State: `code` (three trackers), `scale` (0: raw filters, 1: each times its code value), `added`
    (how much of each scaled filter is in the sum), `bias` (how much of the bias). `update()` puts
    every moving part where the state says."""

    def __init__(self, ck, codes, title):
        super().__init__()
        self.ck = ck
        f_range = pic.nice_range(ck.dec_w.min() * 1.1, ck.dec_w.max() * 1.1)
        self.smalls = VGroup(*[pic.SignalPlot(KERNEL, f_range, 3.5, 1.3, f"filter {i + 1}",
                                              th.FILTER_COLORS[i]) for i in range(3)])
        self.smalls.arrange(RIGHT, buff=0.8)
        self.big = pic.SignalPlot(KERNEL, pic.output_range(ck, np.array(codes)), 7.0, 2.3)
        self.readout = pic.CodeReadout(th.LABEL_SIZE).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        self.readout_group = VGroup(th.text("code", th.LABEL_SIZE), self.readout).arrange(
            DOWN, aligned_edge=LEFT, buff=0.25)
        top = VGroup(self.readout_group, self.big).arrange(RIGHT, buff=0.6)
        VGroup(top, self.smalls).arrange(DOWN, buff=0.5).next_to(title, DOWN, buff=0.75)
        self.ghosts = VGroup(*[pic.Signal(p, ck.dec_w[i], th.FILTER_COLORS[i], width=2, dot_radius=0.03,
                                          opacity=0.3) for i, p in enumerate(self.smalls)])
        self.raw = VGroup(*[pic.Signal(p, ck.dec_w[i], th.FILTER_COLORS[i], width=4)
                            for i, p in enumerate(self.smalls)])
        self.factors = VGroup()
        for i, p in enumerate(self.smalls):
            times = th.text("×", th.LABEL_SIZE, th.FILTER_COLORS[i])
            f = speed.number(codes[0][i], 2, th.LABEL_SIZE, th.FILTER_COLORS[i])
            self.factors.add(VGroup(times, f).arrange(RIGHT, buff=0.1).next_to(p.label, RIGHT, 0.25))
        self.code = [ValueTracker(c) for c in codes[0]]
        self.scale = ValueTracker(0.0)
        self.added = [ValueTracker(0.0) for _ in range(3)]
        self.bias = ValueTracker(0.0)
        zero = np.zeros(KERNEL)
        self.scaled = VGroup(*[pic.Signal(self.big, zero, th.FILTER_COLORS[i], width=2.5, dot_radius=0.035)
                               for i in range(3)])
        self.total = pic.Signal(self.big, zero, th.OUTPUT_COLOR, width=6, dot_radius=0.07, stems=True,
                                role="output")
        self.decoder_out = pic.Rings(self.big, zero, th.TEXT_COLOR, role="decoder output")
        # the parts that move from the start; the big plot's join as they appear
        self.live_small = [*self.raw, *[f[1] for f in self.factors], *self.readout.numbers]
        self.update()

    def update(self) -> None:
        ck, c, s = self.ck, np.array([t.get_value() for t in self.code]), self.scale.get_value()
        for i, sig in enumerate(self.raw):
            sig.set_values((1 - s + s * c[i]) * ck.dec_w[i])
            self.factors[i][1].set_value(c[i])
        self.readout.set_code(c)
        for i, sig in enumerate(self.scaled):
            sig.set_values(c[i] * ck.dec_w[i])
        weights_now = np.array([a.get_value() for a in self.added]) * c
        self.total.set_values(weights_now @ ck.dec_w + self.bias.get_value() * ck.dec_b)
        self.decoder_out.set_values(ck.decode_windows(c[:, None]))  # the checkpoint's ConvTranspose1d


def equation() -> MarkupText:
    terms = " + ".join(f'<span foreground="{th.FILTER_COLORS[i]}">c{i + 1}·f{i + 1}</span>' for i in range(3))
    eq = MarkupText(f'output = {terms} + <span foreground="{th.OUTPUT_COLOR}">b</span>',
                    font=th.FONT, font_size=th.LABEL_SIZE + 4, color=th.TEXT_COLOR)
    if config.transparent:
        eq.set_stroke(th.OUTLINE_COLOR, width=2, background=True)
    return eq


def _fmt(code) -> str:
    return "[" + ", ".join(f"{c:.1f}" for c in code) + "]"
