"""`manim -pqh scenes/decoder.py`: the decoder as a weighted sum of its real, trained filters.

Article: claim C2, figure F6, animations A1-A4. Every curve and number comes from the checkpoint
(DECONV_VARIANT / DECONV_SEED choose it; default plain, seed 22) at render time.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    MarkupText,
    Rectangle,
    ReplacementTransform,
    Scene,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    Write,
    config,
    linear,
    smooth,
)

from scenes import common as cm

F6_CODES = ((0.0, 0.1, 0.2), (0.1, 0.1, 0.0))  # the article's two example codes (figure F6)


class DecoderScene(Scene):
    def construct(self):
        self.ck = cm.load_model()
        self.extent = cm.code_extent(self.ck)
        self.footer = cm.footer(self.ck)
        self.add(self.footer)
        self.cc = cm.Captions(self)

        self.next_section("weighted-sum")
        self.weighted_sum()
        self.next_section("one-component-sweeps")
        self.sweeps()
        self.next_section("all-components")
        self.all_components()
        self.next_section("transposed-convolution")
        self.transposed_convolution()
        self.cc.done()

    def clear_stage(self):
        cm.clear(self, self.footer)

    # --- 1. weighted sum (F6) ----------------------------------------------------------------------
    def weighted_sum(self):
        ck = self.ck
        title = cm.title("The decoder: a weighted sum of its filters")
        f_range = cm.nice_range(ck.dec_w.min() * 1.1, ck.dec_w.max() * 1.1)
        smalls = VGroup(*[cm.SignalPlot(7, f_range, 3.5, 1.3, f"filter {i + 1}", cm.FILTER_COLORS[i])
                          for i in range(3)]).arrange(RIGHT, buff=0.8)
        big = cm.SignalPlot(7, cm.output_range(ck, np.array(F6_CODES)), 7.0, 2.3)
        readout = cm.CodeReadout(cm.LABEL_SIZE).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        readout_group = VGroup(cm.text("code", cm.LABEL_SIZE), readout).arrange(
            DOWN, aligned_edge=LEFT, buff=0.25)
        top = VGroup(readout_group, big).arrange(RIGHT, buff=0.6)
        VGroup(top, smalls).arrange(DOWN, buff=0.5).next_to(title, DOWN, buff=0.75)
        bias_shown = f"{ck.dec_b:+.4f}"
        captions = [cm.text(s, cm.LABEL_SIZE, col).next_to(title, DOWN, 0.2) for s, col in (
            ("each filter is scaled by its code value", cm.TEXT_COLOR),
            ("the scaled filters add up, sample by sample", cm.OUTPUT_COLOR),
            (f"then the bias is added: b = {bias_shown}", cm.OUTPUT_COLOR),
            ("○ the decoder run on this code: the same numbers", cm.TEXT_COLOR),
            (f"another code: {_fmt(F6_CODES[1])}", cm.TEXT_COLOR))]

        ghosts = VGroup(*[cm.Signal(p, ck.dec_w[i], cm.FILTER_COLORS[i], width=2, dot_radius=0.03,
                                    opacity=0.3) for i, p in enumerate(smalls)])
        raw = VGroup(*[cm.Signal(p, ck.dec_w[i], cm.FILTER_COLORS[i], width=4)
                       for i, p in enumerate(smalls)])
        factors = VGroup()
        for i, p in enumerate(smalls):
            f = cm.number(F6_CODES[0][i], 2, cm.LABEL_SIZE, cm.FILTER_COLORS[i])
            times = cm.text("×", cm.LABEL_SIZE, cm.FILTER_COLORS[i])
            VGroup(times, f).arrange(RIGHT, buff=0.1).next_to(p.label, RIGHT, 0.25)
            factors.add(VGroup(times, f))

        # the state: the code, how far the filters are scaled, what is added into the sum, the bias
        code = [ValueTracker(c) for c in F6_CODES[0]]
        scale = ValueTracker(0.0)  # 0: raw filters, 1: each multiplied by its code value
        added = [ValueTracker(0.0) for _ in range(3)]
        bias = ValueTracker(0.0)
        zero = np.zeros(7)
        scaled = VGroup(*[cm.Signal(big, zero, cm.FILTER_COLORS[i], width=2.5, dot_radius=0.035)
                          for i in range(3)])
        total = cm.Signal(big, zero, cm.OUTPUT_COLOR, width=6, dot_radius=0.07, stems=True)
        decoder_out = VGroup(*[Circle(radius=0.13, color=cm.TEXT_COLOR, stroke_width=3) for _ in range(7)])
        self.weighted_sum_parts = {"plot": big, "total": total, "scaled": scaled,
                                   "decoder_out": decoder_out, "raw": raw, "code": code}

        def current():
            return np.array([t.get_value() for t in code])

        def update_small(_):
            c, s = current(), scale.get_value()
            for i, sig in enumerate(raw):
                sig.set_values((1 - s + s * c[i]) * ck.dec_w[i])
                factors[i][1].set_value(c[i])
            readout.set_code(c)

        def update_big(_):
            c = current()
            for i, sig in enumerate(scaled):
                sig.set_values(c[i] * ck.dec_w[i])
            weights_now = np.array([a.get_value() for a in added]) * c
            total.set_values(weights_now @ ck.dec_w + bias.get_value() * ck.dec_b)
            # the checkpoint's transposed convolution run on this code (one window)
            for dot, p in zip(decoder_out, big.points_for(ck.decode_windows(c[:, None]))):
                dot.move_to(p)

        # the moving parts, kept last in the scene (see cm.keep_live_last); they join as they appear
        live = VGroup(*raw, *[f[1] for f in factors], *readout.numbers)
        update_small(None)
        update_big(None)
        cc, first = self.cc, [cm.fmt(c, 2) for c in F6_CODES[0]]  # as the code readout shows them
        cc.say(f"The decoder's three trained filters: {', '.join(cm.FILTER_NAMES)}.")
        self.play(Write(title), run_time=1)
        self.play(*[Create(p) for p in smalls], *[Create(s) for s in raw], run_time=1.5)
        self.add(ghosts)
        cc.say(f"The code: c1 = {first[0]}, c2 = {first[1]}, c3 = {first[2]}.",
               "Each filter is scaled by its code value.")
        self.play(cm.fade_in(readout_group, factors, captions[0]))
        self.wait(0.5)
        live.add_updater(update_small)
        cm.keep_live_last(self, live)
        self.play(scale.animate.set_value(1.0), run_time=2)  # each filter shrinks to c_i * f_i
        cc.say("The scaled filters move up onto one plot.")
        self.play(cm.fade_in(big), *[ReplacementTransform(raw[i].copy(), scaled[i]) for i in range(3)],
                  run_time=1.5)
        live.add(*scaled, total)
        live.add_updater(update_big)
        cm.keep_live_last(self, live)
        self.play(cm.fade_out(captions[0]), cm.fade_in(captions[1]), run_time=0.6)
        cm.keep_live_last(self, live)
        blue, green, purple = cm.FILTER_NAMES
        cc.say(f"The {cm.OUTPUT_NAME} sum takes them in, sample by sample: {blue}, {green}, then {purple}.")
        for i in range(3):
            self.play(added[i].animate.set_value(1.0), scaled[i].animate.set_stroke(width=5),
                      run_time=1.1)
            self.play(scaled[i].animate.set_stroke(width=2.5), run_time=0.3)
        cc.say(f"Then the bias is added: b = {bias_shown}.")
        self.play(bias.animate.set_value(1.0), cm.fade_out(captions[1]), cm.fade_in(captions[2]), run_time=1)
        cm.keep_live_last(self, live)
        self.wait(0.5)
        cc.say(f"{cm.TEXT_NAME.capitalize()} rings: the real decoder's output, on the same points.",
               "output = c1·f1 + c2·f2 + c3·f3 + b")
        self.play(cm.fade_in(decoder_out), cm.fade_out(captions[2]), cm.fade_in(captions[3]), run_time=1)
        live.add(decoder_out)
        cm.keep_live_last(self, live)
        equation = self.equation().next_to(smalls, DOWN, buff=0.35)
        self.play(Write(equation), run_time=1.5)
        self.wait(1.5)
        cc.say(f"Another code, {_fmt(F6_CODES[1])}: each filter rescales, and the sum follows.")
        self.play(cm.fade_out(captions[3]), cm.fade_in(captions[4]), run_time=0.6)
        cm.keep_live_last(self, live)
        self.play(*[cv.animate.set_value(t) for cv, t in zip(code, F6_CODES[1])], run_time=3,
                  rate_func=smooth)
        cc.say("The rings stay on the sum: the decoder is this weighted sum.")
        self.wait(2)
        live.clear_updaters()
        self.clear_stage()

    def equation(self) -> MarkupText:
        terms = " + ".join(f'<span foreground="{cm.FILTER_COLORS[i]}">c{i + 1}·f{i + 1}</span>'
                           for i in range(3))
        eq = MarkupText(f'output = {terms} + <span foreground="{cm.OUTPUT_COLOR}">b</span>',
                        font=cm.FONT, font_size=cm.LABEL_SIZE + 4, color=cm.TEXT_COLOR)
        if config.transparent:
            eq.set_stroke(cm.OUTLINE_COLOR, width=2, background=True)
        return eq

    # --- 2-3. the article's animations (A1-A4) ------------------------------------------------------
    def sweeps(self):
        title = cm.title("The article's animation: one code component at a time")
        codes = np.vstack([sweep_codes(self.extent, k) for k in range(3)] + [all_codes(self.extent)])
        panel = cm.FourPanel(self.ck, self.extent, codes).next_to(title, DOWN, buff=0.6)
        self.cc.say("The article's animation: one code, four views.")
        self.play(Write(title), cm.fade_in(panel.static, panel.live), run_time=1.5)
        self.wait(0.5)
        n_c3 = len(panel.c3_values)
        for k in range(3):
            hi, lo = cm.fmt(self.extent[k], 2), cm.fmt(-self.extent[k], 2)  # as the readout shows them
            self.cc.say(*(
                (f"c1 goes up to {hi}, down to {lo} and back; c2 and c3 stay at 0.",
                 f"The {cm.OUTPUT_NAME} output is {cm.filter_name(0)} times c1: it flips when c1 does."),
                (f"Now c2 goes up to {hi} and down to {lo}: the point moves up and down.",
                 f"The output now has the shape of {cm.filter_name(1)}, scaled by c2."),
                (f"Now c3, up to {hi} and down to {lo}: the point grows and shrinks.",
                 f"Top left: the outputs for {n_c3} values of c3 at once; the bold one is the current code."),
            )[k])
            note = cm.text(f"c{k + 1} varies, the others stay at 0", cm.LABEL_SIZE, cm.FILTER_COLORS[k])
            note.next_to(title, DOWN, 0.12)
            t = ValueTracker(0.0)
            path = sweep_codes(self.extent, k)

            def update(_, path=path, t=t):
                panel.set_code(_along(path, t.get_value()))

            panel.live.add_updater(update)
            self.play(cm.fade_in(note), run_time=0.4)
            cm.keep_live_last(self, panel.live)
            self.play(t.animate.set_value(1.0), run_time=6, rate_func=linear)
            panel.live.remove_updater(update)
            self.play(cm.fade_out(note), run_time=0.4)
        self.sweep_panel, self.sweep_title = panel, title

    def all_components(self):
        panel = self.sweep_panel
        note = cm.text("all three vary together", cm.LABEL_SIZE, cm.OUTPUT_COLOR)
        note.next_to(self.sweep_title, DOWN, 0.12)
        t = ValueTracker(0.0)
        path = all_codes(self.extent)

        def update(_):
            panel.set_code(_along(path, t.get_value()))

        panel.live.add_updater(update)
        self.cc.say("Now all three move together, each within the range real codes take.",
                    "The point wanders and changes size; the three scaled filters change at once.",
                    "Whatever the code, the output is c1·f1 + c2·f2 + c3·f3 + b.")
        self.play(cm.fade_in(note), run_time=0.4)
        cm.keep_live_last(self, panel.live)
        self.play(t.animate.set_value(1.0), run_time=10, rate_func=linear)
        panel.live.remove_updater(update)
        self.wait(0.5)
        self.clear_stage()

    # --- 4. transposed convolution: three code vectors at stride 4 --------------------------------
    def transposed_convolution(self):
        ck = self.ck
        idx, curve = cm.demo_curve()
        codes = ck.encode_windows(curve)  # (3 channels, 3 windows)
        starts = [w * 4 for w in range(codes.shape[1])]
        patches = codes.T @ ck.dec_w  # each window's weighted sum of filters (no bias)
        out = ck.decode_windows(codes)
        coverage = np.zeros(len(out), int)
        for s in starts:
            coverage[s:s + 7] += 1

        title = cm.title("Three codes, stride 4: a transposed convolution")
        matrix = cm.CodeMatrix(codes)
        caption = cm.text(f"the codes of dataset curve {idx}", cm.SMALL_SIZE, cm.MUTED_COLOR)
        caption.next_to(matrix, DOWN, 0.3)
        left = VGroup(matrix, caption)

        lo, hi = min(out.min(), curve.min(), patches.min()), max(out.max(), curve.max(), patches.max())
        plot = cm.SignalPlot(15, cm.nice_range(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)), 7.4, 2.9)
        VGroup(left, plot).arrange(RIGHT, buff=0.6, aligned_edge=UP).next_to(title, DOWN, buff=0.8)
        bars = VGroup()
        for w, s in enumerate(starts):
            y = plot.axes.get_bottom()[1] - 0.5 - 0.22 * w
            a, b = plot.axes.c2p(s, 0)[0], plot.axes.c2p(s + 6, 0)[0]
            bar = Rectangle(width=b - a, height=0.1, fill_color=cm.MUTED_COLOR, fill_opacity=0.8,
                            stroke_width=0).move_to([(a + b) / 2, y, 0])
            lab = cm.text(f"window {w + 1}", cm.SMALL_SIZE - 4, cm.MUTED_COLOR).next_to(bar, LEFT, 0.15)
            bars.add(VGroup(bar, lab))
        captions = [cm.text(t, cm.SMALL_SIZE + 2, col).next_to(title, DOWN, 0.2) for t, col in (
            ("each column: a weighted sum of filters, placed 4 samples after the previous one",
             cm.TEXT_COLOR),
            ("the output adds the placed sums (+ b once): overlapping samples add up", cm.OUTPUT_COLOR))]

        cc = self.cc
        cc.say(f"The code of curve {idx} has a column per window; column 1's sum starts at {starts[0]}.")
        self.play(Write(title), cm.fade_in(left, plot, captions[0]), run_time=1.5)
        placed = []
        for w, s in enumerate(starts):
            if w == 1:
                cc.say(f"Column 2's sum goes {s - starts[w - 1]} samples later, at sample {s}.")
            elif w == 2:
                cc.say(f"Column 3's starts at sample {s}. The bars show each window's samples.")
            box = SurroundingRectangle(matrix.column(w), color=cm.OUTPUT_COLOR, buff=0.1)
            sig = cm.Signal(plot, patches[w], cm.OUTPUT_COLOR, width=2.5, dot_radius=0.045, offset=s,
                            opacity=0.75)
            self.play(Create(box), cm.fade_in(bars[w]), run_time=0.6)
            self.play(ReplacementTransform(box.copy(), sig), run_time=1.2)
            self.play(cm.fade_out(box), run_time=0.3)
            placed.append(sig)
        self.wait(1.5)

        total = cm.Signal(plot, out, cm.OUTPUT_COLOR, width=6, dot_radius=0.07)
        cc.say("The output adds them up, with the bias once.")
        self.play(ReplacementTransform(VGroup(*placed).copy(), total),
                  cm.fade_out(captions[0]), cm.fade_in(captions[1]), run_time=2)
        doubled = [i for i in range(len(out)) if coverage[i] > 1]
        rings = VGroup(*[Circle(radius=0.16, color=cm.ACCENT_COLOR, stroke_width=4).move_to(
            plot.axes.c2p(i, out[i])) for i in doubled])
        overlap_spans = " and ".join(f"{a}-{b}" for a, b in cm.spans(doubled))
        overlap_note = cm.text(f"overlap: samples {overlap_spans} are covered by two windows", cm.SMALL_SIZE,
                               cm.ACCENT_COLOR)
        overlap_note.next_to(bars, DOWN, 0.25).set_x(plot.get_x())
        cc.say(f"{cm.ACCENT_NAME.capitalize()} rings: samples {overlap_spans}, covered by two windows.")
        self.play(Create(rings), cm.fade_in(overlap_note), run_time=1.2)
        target = cm.Signal(plot, curve, cm.DATA_COLOR, width=3, dot_radius=0.04)
        target_note = cm.text(f"{cm.DATA_NAME}: the curve\nthat was encoded", cm.SMALL_SIZE, cm.DATA_COLOR)
        target_note.next_to(caption, DOWN, 0.3).align_to(caption, LEFT)
        self.play(cm.fade_in(target, target_note), run_time=1.2)
        cc.say(f"Against the {cm.DATA_NAME} curve that was encoded, they come out doubled.",
               "The overlap video explains why, and fixes it.")
        self.wait(1)
        outro = cm.text("so the overlaps come out doubled: the overlap video explains why, and fixes it",
                        cm.SMALL_SIZE, cm.TEXT_COLOR).next_to(overlap_note, DOWN, 0.2)
        outro.set_x(0)
        self.play(cm.fade_in(outro), run_time=0.8)
        self.wait(3)
        self.transposed_parts = {"plot": plot, "total": total, "placed": placed, "codes": codes,
                                 "curve": curve}


def sweep_codes(extent: np.ndarray, k: int, n: int = 241) -> np.ndarray:
    """(n, 3) codes: channel k goes 0 -> +extent -> -extent -> 0, the others stay 0 (A1-A3)."""
    codes = np.zeros((n, 3))
    codes[:, k] = extent[k] * np.sin(2 * np.pi * np.linspace(0, 1, n))
    return codes


def all_codes(extent: np.ndarray, n: int = 601) -> np.ndarray:
    """(n, 3) codes: all channels move at once on a closed path starting at 0 (A4)."""
    t = np.linspace(0, 1, n)[:, None]
    return np.asarray(extent) * np.sin(2 * np.pi * np.array([1.0, 2.0, 1.5]) * t)


def _along(path: np.ndarray, t: float) -> np.ndarray:
    """The code at fraction t of a path, interpolated between its rows."""
    x = t * (len(path) - 1)
    i = min(int(x), len(path) - 2)
    return path[i] + (x - i) * (path[i + 1] - path[i])


def _fmt(code) -> str:
    return "[" + ", ".join(f"{c:.1f}" for c in code) + "]"
