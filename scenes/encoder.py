"""`manim -pqh scenes/encoder.py`: from the curve to the code, as dot products, and back.

Article (docs/article.md): section 2, claim C3, figures F1, F2, F3, F5, F7, F8. Every curve and
number comes from the dataset and the checkpoint (DECONV_VARIANT / DECONV_SEED; default plain,
seed 22).
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
    Create,
    Line,
    Rectangle,
    ReplacementTransform,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    linear,
    smooth,
)

from core import data, overlap, story
from core.data import KERNEL, WINSIZE
from core.subtitles import fmt
from scenes import pictures as pic
from scenes import speed
from scenes import theme as th
from scenes.models import load_model
from scenes.speed import Drive, fade_in, fade_out
from scenes.stage import Explainer


class EncoderScene(Explainer):
    def construct(self):
        self.ck = load_model()
        self.show_footer(pic.footer(self.ck))

        self.next_section("data")
        self.data_section()
        self.begin("windows")
        self.windows()
        self.begin("dot-products")
        self.dot_products()
        self.begin("round-trip")
        self.round_trip()
        self.several_patches()

    # --- 1. data (F1) ----------------------------------------------------------------------------
    def data_section(self):
        title = th.title("The data: a curve made from two numbers")
        params = data.make_params(18)
        b = BezierBoard(params, title)
        captions = [th.text(t, th.LABEL_SIZE, col).next_to(title, DOWN, 0.2) for t, col in (
            ("a cubic Bezier curve: four control points, two of them free", th.TEXT_COLOR),
            ("evaluated at 150 values of t", th.DATA_COLOR),
            ("keep y at 15 evenly spaced x: a curve is 15 numbers", th.OUTPUT_COLOR),
            ("but two numbers, p1 and p2, describe it", th.TEXT_COLOR))]
        p1, p2 = (fmt(v, 2) for v in params[0])  # as the readout shows them

        self.say(f"A cubic Bezier with four control points, drawn at {data.DENSE} values of t.")
        self.play(Write(title), fade_in(b.axes, captions[0]), run_time=1.2)
        self.play(Create(b.polygon), fade_in(b.controls, *b.names, b.readout), run_time=1.2)
        self.play(Create(b.dense), fade_out(captions[0]), fade_in(captions[1]), run_time=1.5)
        self.say(f"Its y at {data.WINSIZE} evenly spaced x is kept: a curve is {data.WINSIZE} numbers.")
        self.play(fade_in(b.guides), fade_out(captions[1]), fade_in(captions[2]), run_time=1)
        self.play(fade_in(b.samples), run_time=1)
        self.wait(1)
        self.say("Two numbers make it: p1 and p2, the middle points' heights.",
                 "Move them and the curve follows.",
                 f"Back to the dataset's first curve: p1 = {p1}, p2 = {p2}.")
        with speed.live(self, *b.moving, update=b.update_curve):
            self.play(fade_out(captions[2], b.guides), fade_in(captions[3]), run_time=0.6)
            self.play(b.p[0].animate.set_value(0.9), b.p[1].animate.set_value(-0.6), run_time=2.5)
            self.play(b.p[0].animate.set_value(-0.7), b.p[1].animate.set_value(0.8), run_time=2.5)
            self.play(*[t.animate.set_value(v) for t, v in zip(b.p, params[0])], run_time=2)
        self.say(f"Nine real curves, from a dataset of {data.DATASIZE:,}.",
                 "Each morphs into another curve of the dataset and back:",
                 "every curve is this shape, with its own p1 and p2.")
        self.play(fade_in(b.grid_group, *b.cells), run_time=1)
        self.play(Drive(VGroup(*b.cells), b.morph, run_time=3, rate_func=smooth))
        self.play(Drive(VGroup(*b.cells), lambda a: b.morph(1 - a), run_time=3, rate_func=smooth))
        self.wait(0.5)
        self.payoff()

    # --- 2. windows (F2, F3) ------------------------------------------------------------------------
    def windows(self):
        ck, (idx, curve) = self.ck, story.demo_curve()
        codes = ck.encode_windows(curve)
        title = th.title("Windows: kernel 7, stride 4")
        plot = pic.SignalPlot(WINSIZE, pic.nice_range(curve.min() - 0.05, curve.max() + 0.05), 7.6, 2.3,
                              f"dataset curve {idx}: 15 samples")
        matrix = pic.CodeMatrix(codes)
        matrix_label = th.text("the code: a 3 x 3 matrix", th.SMALL_SIZE).next_to(matrix, UP, 0.25)
        top = VGroup(plot, VGroup(matrix_label, matrix)).arrange(RIGHT, buff=0.7, aligned_edge=DOWN)
        top.next_to(title, DOWN, buff=0.35)
        signal = pic.Signal(plot, curve, th.DATA_COLOR, width=3, dot_radius=0.06)

        self.say(f"Curve {idx}: a {data.PATCH}-sample window gives one column of the code.")
        self.play(Write(title), fade_in(plot, signal, matrix_label, matrix.header, matrix.names),
                  run_time=1.2)
        box = window_box(plot, 0)
        self.play(Create(box), run_time=0.6)
        for w, start in enumerate(overlap.window_starts()):
            if w == 1:
                self.say(f"Stride {data.STRIDE}: the window moves {data.STRIDE} samples per column.",
                         "Three windows of three numbers: a 3 x 3 code.")
            if w:
                self.play(box.animate.move_to(window_box(plot, start)), run_time=0.8)
            self.play(ReplacementTransform(box.copy(), matrix.column(w)), run_time=0.9)
        self.wait(0.5)

        # F3: one window at a time, the patch autoencoder 7 -> 3 -> 7
        diagram, labels = autoencoder_diagram(codes[:, 0])
        VGroup(diagram, labels).next_to(top, DOWN, buff=0.3)
        note = th.text("each window alone: the patch autoencoder, 7 -> 3 -> 7", th.LABEL_SIZE,
                       th.OUTPUT_COLOR).next_to(title, DOWN, 0.12)
        first = ", ".join(fmt(c, 3) for c in codes[:, 0])  # as the diagram shows them
        self.say(f"One window alone: {data.PATCH} samples in, 3 numbers, {data.PATCH} out:",
                 "the small autoencoder the article trains.", f"Window 1's numbers: {first}.")
        # the note takes the plot label's place (both sit just under the title)
        self.play(box.animate.move_to(window_box(plot, 0)), plot.label.animate.set_opacity(0), fade_in(note),
                  run_time=0.8)
        self.play(fade_in(diagram, labels), run_time=1.5)
        self.wait(3)
        self.payoff()

    # --- 3. dot products (F7, C3) ----------------------------------------------------------------------
    def dot_products(self):
        ck, (_, _, patch) = self.ck, story.demo_patch()
        steps = story.encoder_steps(ck, patch)
        title = th.title("The encoder: three dot products")
        b = DotProductBoard(ck, patch, steps, title)
        self.say(f"A real patch ({th.DATA_NAME}) and the encoder's three filters.")
        self.play(Write(title), fade_in(b.patch_plot, b.patch_sig, *b.filt_plots, *b.filt_sigs), run_time=1.5)
        self.play(fade_in(b.steps), run_time=0.8)
        for i in range(3):
            self.say(f"{th.filter_name(i).capitalize()} times the patch, sample by sample." if i == 0 else
                     f"Now {th.filter_name(i)}, the same way.")
            sums, pre, code = b.lines[i]
            self.play(fade_in(b.prod_plots[i], b.bars[i]), run_time=0.5)
            self.play(Drive(b.bars[i], b.bars[i].grow, run_time=1.2))
            self.play(fade_in(sums), run_time=0.4)
            s, bias, c = (fmt(v, 3) for v in (steps["sums"][i], ck.enc_b[i], steps["code"][i]))  # as shown
            self.say(f"The running sum ends at {s}; add the bias {bias}, then tanh: c{i + 1} = {c}.")
            self.play(Drive(sums[1], b.count(i), run_time=2.1, rate_func=linear))
            sums[1].set_value(steps["sums"][i])
            self.play(fade_in(pre), run_time=0.6)
            self.play(fade_in(code), run_time=0.6)
        self.say(f"The code of this patch: {', '.join(fmt(v, 3) for v in steps['code'])}.",
                 "Three dot products, each plus a bias, through tanh.")
        self.play(fade_in(pic.code_vector(steps["code"], role="code").to_edge(DOWN, buff=0.55)), run_time=0.8)
        self.wait(2.5)
        self.payoff()

    # --- 4. round trip (F8, F5) ----------------------------------------------------------------------
    def round_trip(self):
        ck, (_, _, patch) = self.ck, story.demo_patch()
        title = th.title("And back: the decoder rebuilds the patch")
        b = RoundTripBoard(ck, patch, title)
        grey, yellow = th.DATA_NAME, th.OUTPUT_NAME  # the colours' words, per theme
        self.say("And back: the decoder's filters, each scaled by its code number.")
        self.play(Write(title), fade_in(b.code_row, b.filt, *b.filt_sigs), run_time=1.2)
        self.play(fade_in(b.ws.plot), *[ReplacementTransform(b.filt_sigs[i].copy(), b.ws.scaled[i])
                                        for i in range(3)], run_time=1.5)
        self.say(f"Their sum plus bias rebuilds the patch ({yellow}).")
        self.play(ReplacementTransform(b.ws.scaled.copy(), b.ws.total), run_time=1.2)
        self.play(fade_in(b.target), run_time=0.8)
        self.bring_to_back(b.target)  # under the output, so both show where they coincide
        self.say(f"Wide {grey}: the original patch. The error is tiny:", f"{b.err_shown}.")
        self.play(Create(b.errors), fade_in(b.err_note), run_time=1)
        self.wait(2)
        self.payoff()

    def several_patches(self):
        """F5: several patches at once, label against output (still the round-trip section)."""
        self.clear_stage()
        title = th.title("Several patches: label and output")
        patches = data.make_patches()
        idx = story.f5_indices(len(patches))
        chosen = patches[idx].astype(np.float64)
        outs = story.round_trip(self.ck, chosen)
        lo, hi = min(chosen.min(), outs.min()), max(chosen.max(), outs.max())
        plots = VGroup(*[pic.SignalPlot(KERNEL, pic.nice_range(lo - 0.05, hi + 0.05), 3.1, 1.6, f"patch {i}")
                         for i in idx]).arrange_in_grid(2, 3, buff=(0.9, 0.55)).next_to(title, DOWN, buff=0.5)
        sigs = VGroup()
        for plot, i, x, y in zip(plots, idx, chosen, outs):
            sigs.add(pic.Signal(plot, x, th.DATA_COLOR, width=12, dot_radius=0, opacity=0.55,
                                role=f"label {i}"),
                     pic.Signal(plot, y, th.OUTPUT_COLOR, width=2.5, dot_radius=0.04, role=f"output {i}"))
        grey, yellow = th.DATA_NAME, th.OUTPUT_NAME
        mse_shown = f"mean square error {float(np.mean((outs - chosen) ** 2)):.1e}"
        legend = th.text(f"wide {grey}: label (the patch)   {yellow}: network output   {mse_shown}",
                         th.SMALL_SIZE).next_to(plots, DOWN, buff=0.3)
        self.say(f"Here are {len(idx)} patches: the label in wide {grey}, the output in {yellow}.",
                 f"They coincide: {mse_shown}.")
        self.play(Write(title), fade_in(plots, legend), run_time=1.2)
        self.play(fade_in(*sigs), run_time=1.5)
        self.wait(3)
        self.payoff()


class BezierBoard(VGroup):
    """The data section's pictures (F1), laid out under `title`: axes with the four control points,
    the dense Bezier curve, the 15 resampled points and a p1/p2 readout on the left; a 3x3 grid of
    dataset curves on the right. `p` (two trackers) sets the free heights, `update_curve()` redraws
    the curve from them; `morph(a)` moves grid cell k from curve k (a = 0) to curve k + 9 (a = 1)."""

    def __init__(self, params, title):
        super().__init__()
        self.params = params
        self.p = [ValueTracker(v) for v in params[0]]
        self.axes = Axes(x_range=[0, 1, 0.25], y_range=[-1, 1, 0.5], x_length=5.0, y_length=4.0, tips=False,
                         axis_config={"color": th.MUTED_COLOR, "label_constructor": th.SansText,
                                      "font_size": th.SMALL_SIZE},
                         x_axis_config={"numbers_to_include": [0.5, 1],
                                        "decimal_number_config": {"num_decimal_places": 1}},
                         y_axis_config={"numbers_to_include": [-1, 1],
                                        "decimal_number_config": {"num_decimal_places": 0}})
        for n in [*self.axes.x_axis.numbers, *self.axes.y_axis.numbers]:
            n.set_color(th.MUTED_COLOR)
        for n in self.axes.x_axis.numbers:  # under the plot, clear of the curve
            n.set_y(self.axes.c2p(0, -1)[1] - 0.25)
        self.readout = VGroup(*[VGroup(th.text(f"p{i + 1} =", th.LABEL_SIZE), speed.number(params[0][i], 2))
                                .arrange(RIGHT, buff=0.2) for i in range(2)]).arrange(RIGHT, buff=0.5)
        left = VGroup(self.axes, self.readout).arrange(DOWN, buff=0.25)
        self.grid = VGroup(*[pic.SignalPlot(WINSIZE, (-0.8, 0.8, 0.4), 1.8, 1.0, x_numbers=False,
                                            y_numbers=False) for _ in range(9)])
        self.grid.arrange_in_grid(3, 3, buff=(0.3, 0.35))
        self.grid_group = VGroup(th.text("nine curves of the dataset", th.SMALL_SIZE), self.grid).arrange(
            DOWN, buff=0.2)
        VGroup(left, self.grid_group).arrange(RIGHT, buff=0.9).next_to(title, DOWN, buff=0.7)
        self.guides = VGroup(*[Line(self.axes.c2p(x, -1), self.axes.c2p(x, 1), stroke_color=th.MUTED_COLOR,
                                    stroke_width=1, stroke_opacity=0.5) for x in np.linspace(0, 1, 15)])
        self.picks = list(data.resample_indices())
        self.polygon = VMobject(stroke_color=th.MUTED_COLOR, stroke_width=2)
        self.controls = speed.Dots(np.zeros((4, 3)), 0.07, th.TEXT_COLOR)
        self.names = [th.text(s, th.SMALL_SIZE - 2, th.MUTED_COLOR)
                      for s in ("(0, 0)", "(0.5, p1)", "(0.5, p2)", "(1, 0)")]
        self.dense = VMobject(stroke_color=th.DATA_COLOR, stroke_width=3)
        self.samples = speed.Dots(np.zeros((WINSIZE, 3)), 0.06, th.OUTPUT_COLOR)
        self.cells = [pic.Signal(g, np.zeros(WINSIZE), th.DATA_COLOR, width=2.5, dot_radius=0.025)
                      for g in self.grid]
        self.moving = [self.polygon, self.controls, *self.names, self.dense, self.samples,
                       self.readout[0][1], self.readout[1][1]]
        self.update_curve()
        self.morph(0.0)

    def update_curve(self) -> None:
        p1, p2 = self.p[0].get_value(), self.p[1].get_value()
        pts = speed.coords_to_points(self.axes, [0, 0.5, 0.5, 1], [0, p1, p2, 0])
        self.polygon.set_points_as_corners(pts)
        self.controls.set_positions(pts)
        for name, pt, side in zip(self.names, pts, (DOWN + LEFT, LEFT, LEFT, DOWN + RIGHT)):
            name.next_to(pt, side, buff=0.1)
        pts = speed.coords_to_points(self.axes, *data.dense_bezier(p1, p2))
        self.dense.set_points_as_corners(pts)
        self.samples.set_positions(pts[self.picks])
        self.readout[0][1].set_value(p1)
        self.readout[1][1].set_value(p2)

    def morph(self, a: float) -> None:
        params = (1 - a) * self.params[:9] + a * self.params[9:18]
        for cell, c in zip(self.cells, data.curves_from_params(params)):
            cell.set_values(c)


class DotProductBoard:
    """The dot-products section's pictures (F7), laid out under `title`: the patch and the three
    encoder filters, a plot of products per filter with its bars, and per filter the lines 'sum',
    '+ bias ... =', 'tanh ->' with live numbers recorded as 'sum i', 'pre i', 'ci'."""

    def __init__(self, ck, patch, steps, title):
        pw, ph = 2.3, 1.2
        self.products = steps["products"]
        patch_range = pic.nice_range(min(patch.min(), 0), max(patch.max(), 0))
        self.patch_plot = pic.SignalPlot(KERNEL, patch_range, pw, ph, "a real patch", th.DATA_COLOR)
        f_range = pic.nice_range(ck.enc_w.min() * 1.1, ck.enc_w.max() * 1.1)
        self.filt_plots = [pic.SignalPlot(KERNEL, f_range, pw, ph, f"encoder filter {i + 1}",
                                          th.FILTER_COLORS[i]) for i in range(3)]
        VGroup(self.patch_plot, *self.filt_plots).arrange(RIGHT, buff=0.45).next_to(title, DOWN, buff=0.75)
        lim = np.abs(self.products).max() * 1.1
        self.prod_plots = [pic.SignalPlot(KERNEL, pic.nice_range(-lim, lim), pw, ph, "patch × filter",
                                          th.MUTED_COLOR) for _ in self.filt_plots]
        for pp, fp in zip(self.prod_plots, self.filt_plots):
            pp.next_to(fp, DOWN, buff=0.45)
        self.bars = [pic.Bars(pp, self.products[i], th.FILTER_COLORS[i], role=f"products {i + 1}")
                     for i, pp in enumerate(self.prod_plots)]
        self.lines = [self.sum_lines(ck, i).next_to(pp, DOWN, buff=0.2)
                      for i, pp in enumerate(self.prod_plots)]
        for i, (_, pre, code) in enumerate(self.lines):  # laid out at 0, as the running sum starts
            pre[1].set_value(steps["pre"][i])
            code[1].set_value(steps["code"][i])
        self.steps = VGroup(*[th.text(s, th.SMALL_SIZE - 2) for s in (
            "for each filter:", "1. multiply pointwise", "2. add the 7 products",
            "3. add the filter's bias", "4. tanh: the code number")])
        self.steps.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        self.steps.next_to(self.patch_plot, DOWN, buff=0.55).align_to(self.patch_plot, LEFT)
        self.patch_sig = pic.Signal(self.patch_plot, patch, th.DATA_COLOR, width=3, role="patch")
        self.filt_sigs = [pic.Signal(fp, ck.enc_w[i], th.FILTER_COLORS[i], width=3)
                          for i, fp in enumerate(self.filt_plots)]

    @staticmethod
    def sum_lines(ck, i: int) -> VGroup:
        """'sum', '+ bias b =' and 'tanh ->', each with its number (at 0)."""
        rows = VGroup(*[VGroup(th.text(s, th.SMALL_SIZE), speed.number(0.0, 3, th.SMALL_SIZE, col, role=role))
                        .arrange(RIGHT, buff=0.12) for s, col, role in (
                            ("sum", th.TEXT_COLOR, f"sum {i + 1}"),
                            (f"+ bias {fmt(ck.enc_b[i])} =", th.TEXT_COLOR, f"pre {i + 1}"),
                            ("tanh ->", th.FILTER_COLORS[i], f"c{i + 1}"))])
        return rows.arrange(DOWN, aligned_edge=RIGHT, buff=0.12)

    def count(self, i: int):
        """The running sum of filter i's products as the count goes from 0 to 7 (a -> 0..1)."""
        return lambda a: self.lines[i][0][1].set_value(story.running_sum(self.products[i], 7 * a))


class RoundTripBoard:
    """The round trip's pictures (F8), laid out under `title`: the code and the decoder filters on
    the left; on the right each filter times its code number and their sum plus bias ('sum',
    'scaled i'), over the patch ('patch') with the error marked."""

    def __init__(self, ck, patch, title):
        code = ck.encode(patch[None])[0]
        out = ck.decode(code[None])[0]
        err = out - patch
        f_range = pic.nice_range(ck.dec_w.min() * 1.1, ck.dec_w.max() * 1.1)
        self.filt = pic.SignalPlot(KERNEL, f_range, 4.2, 2.2, "decoder filters")
        lo = min((code[:, None] * ck.dec_w).min(), out.min(), patch.min())
        hi = max((code[:, None] * ck.dec_w).max(), out.max(), patch.max())
        self.ws = pic.WeightedSum(ck, code, pic.nice_range(lo - 0.05, hi + 0.05), 6.4, 2.6,
                                  "each filter × its code number, and their sum + bias")
        self.code_row = pic.code_vector(code)
        left = VGroup(self.code_row, self.filt).arrange(DOWN, buff=0.5)
        VGroup(left, self.ws).arrange(RIGHT, buff=0.8).next_to(title, DOWN, buff=0.6)
        self.filt_sigs = [pic.Signal(self.filt, ck.dec_w[i], th.FILTER_COLORS[i], width=3) for i in range(3)]
        self.target = pic.Signal(self.ws.plot, patch, th.DATA_COLOR, width=12, dot_radius=0, opacity=0.55,
                                 role="patch")
        self.errors = VMobject(stroke_color=th.ACCENT_COLOR, stroke_width=4)
        for a, b in zip(self.ws.plot.points_for(patch), self.ws.plot.points_for(out)):
            self.errors.start_new_path(a)
            self.errors.add_line_to(b)
        self.err_shown = f"mean square error {np.mean(err ** 2):.1e}, largest {np.abs(err).max():.4f}"
        self.err_note = VGroup(
            th.text(f"wide {th.DATA_NAME}: the patch; {th.ACCENT_NAME}: the error (too small to see)",
                    th.SMALL_SIZE, th.TEXT_COLOR),
            th.text(self.err_shown, th.SMALL_SIZE, th.ACCENT_COLOR))
        self.err_note.arrange(DOWN, aligned_edge=LEFT, buff=0.1).next_to(self.ws, DOWN, buff=0.3)
        self.err_note.align_to(self.ws, LEFT)


def window_box(plot: pic.SignalPlot, start: int) -> Rectangle:
    """A box around the kernel-7 window starting at `start`, over the plot's full height."""
    a, b = plot.axes.c2p(start - 0.4, 0)[0], plot.axes.c2p(start + data.KERNEL - 0.6, 0)[0]
    top_y, bottom_y = plot.axes.get_top()[1] + 0.05, plot.axes.c2p(0, plot.axes.y_range[0])[1]
    return Rectangle(
        width=b - a,
        height=top_y - bottom_y,
        stroke_color=th.OUTPUT_COLOR,
        fill_color=th.OUTPUT_COLOR,
        fill_opacity=0.12,
        stroke_width=3,
    ).move_to([(a + b) / 2, (top_y + bottom_y) / 2, 0])


def autoencoder_diagram(code: np.ndarray) -> tuple[VGroup, VGroup]:
    """Nodes: 7 inputs, 3 code numbers (in filter colours), 7 outputs; the code's values and the two
    layers named underneath."""
    xs = (-4.2, 0.0, 4.2)
    ins = [np.array([xs[0], 0.75 - 0.25 * k, 0]) for k in range(KERNEL)]
    mids = [np.array([xs[1], 0.4 - 0.4 * i, 0]) for i in range(3)]
    outs = [np.array([xs[2], 0.75 - 0.25 * k, 0]) for k in range(KERNEL)]
    edges = VMobject(stroke_color=th.MUTED_COLOR, stroke_width=1, stroke_opacity=0.6)
    for a, b in [(a, b) for a in ins for b in mids] + [(a, b) for a in mids for b in outs]:
        edges.start_new_path(a)
        edges.add_line_to(b)
    nodes = VGroup(
        speed.Dots(np.array(ins), 0.08, th.DATA_COLOR),
        speed.Dots(np.array(outs), 0.08, th.OUTPUT_COLOR),
        *[
            Circle(radius=0.15, color=th.FILTER_COLORS[i], fill_opacity=1).move_to(m)
            for i, m in enumerate(mids)
        ],
    )
    values = pic.code_vector(code, size=th.SMALL_SIZE, role="window 1").move_to([xs[1], -1.1, 0])
    small = th.SMALL_SIZE - 3
    labels = VGroup(
        th.text("7 samples", th.SMALL_SIZE, th.DATA_COLOR).move_to([xs[0], -1.1, 0]),
        th.text("7 samples", th.SMALL_SIZE, th.OUTPUT_COLOR).move_to([xs[2], -1.1, 0]),
        VGroup(th.text("encoder", small), th.text("Conv1d(1, 3, 7, stride 4) + tanh", small))
        .arrange(DOWN, buff=0.06)
        .move_to([(xs[0] + xs[1]) / 2, 1.3, 0]),
        VGroup(th.text("decoder", small), th.text("ConvTranspose1d(3, 1, 7, stride 4)", small))
        .arrange(DOWN, buff=0.06)
        .move_to([(xs[1] + xs[2]) / 2, 1.3, 0]),
    )
    return VGroup(edges, nodes), VGroup(values, labels)
