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
    AnimationGroup,
    Axes,
    Circle,
    Create,
    Line,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    VMobject,
    linear,
    smooth,
)

from core import data, overlap, story
from core.config import BATCH
from core.data import KERNEL, N_CHANNELS, STRIDE, WINSIZE
from core.subtitles import fmt
from scenes import pictures as pic
from scenes import speed
from scenes import theme as th
from scenes.models import load_model
from scenes.speed import Drive, fade_in, fade_out
from scenes.stage import Explainer

WINDOW = 0  # the window of the example curve that the dot products and the round trip take apart
PLACES = 4  # decimals of the dot products' numbers: enough to show the bias and what tanh changes


class EncoderScene(Explainer):
    def construct(self):
        self.ck = load_model(activation="tanh")  # the video explains tanh
        self.show_footer(pic.footer(self.ck))

        self.next_section("data")
        self.data_section()
        self.begin("task")
        self.task()
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
            ("a smooth curve from (0, 0) to (1, 0), pulled by two control points", th.TEXT_COLOR),
            ("it bends toward them, never through them (a cubic Bezier)", th.DATA_COLOR),
            (f"keep y at {WINSIZE} evenly spaced x: a curve is {WINSIZE} numbers", th.DATA_COLOR),
            ("but two numbers, p1 and p2, describe it", th.TEXT_COLOR))]
        self.say("A smooth curve from (0, 0) to (1, 0), pulled by two control points",
                 "at heights p1 and p2.")
        self.play(fade_in(title), fade_in(b.axes, captions[0]), run_time=1.2)
        self.play(Create(b.polygon), fade_in(b.controls, *b.names, b.readout), run_time=1.2)
        self.play(Create(b.dense), run_time=1.5)
        self.say("It bends toward them, never through them: a cubic Bezier.")
        self.play(fade_out(captions[0]), run_time=0.3)  # one caption at a time: never two overlapping
        self.play(fade_in(captions[1]), run_time=0.5)
        self.say(f"Its y at {WINSIZE} evenly spaced x is kept: a curve is {WINSIZE} numbers.")
        self.play(fade_in(b.guides), fade_out(captions[1]), run_time=0.5)
        self.play(fade_in(b.samples, captions[2]), run_time=1)
        self.say("Move p1 and p2, and the curve follows.")
        with speed.live(self, *b.moving, update=b.update_curve):
            self.play(fade_out(captions[2], b.guides), run_time=0.4)
            self.play(fade_in(captions[3]), run_time=0.4)
            self.play(b.p[0].animate.set_value(0.9), b.p[1].animate.set_value(-0.6), run_time=1.2)
            self.play(b.p[0].animate.set_value(-0.7), b.p[1].animate.set_value(0.8), run_time=1.2)
            self.play(*[t.animate.set_value(v) for t, v in zip(b.p, params[0])], run_time=1.2)
        b.update_curve()  # exactly the first curve, whatever the last frame's updater saw
        self.say(f"Nine of a dataset of {data.DATASIZE:,} such curves,",
                 "each morphing into another: each curve has its own p1 and p2.")
        self.play(fade_in(b.grid_group, *b.cells), run_time=1)
        self.play(Drive(VGroup(*b.cells), b.morph, run_time=2, rate_func=smooth))
        self.play(Drive(VGroup(*b.cells), lambda a: b.morph(1 - a), run_time=2, rate_func=smooth))
        self.payoff()

    # --- 2. the task: what the model is trained to do (F3) -----------------------------------------
    def task(self):
        ck, (idx, start, patch) = self.ck, story.demo_patch()
        _, curve = story.demo_curve()
        code = ck.encode(patch[None])[0]
        title = th.title(f"The task: {KERNEL} samples into {N_CHANNELS} numbers, and back")
        y_range = pic.nice_range(curve.min() - 0.05, curve.max() + 0.05)
        plot = clear_corner(pic.SignalPlot(WINSIZE, y_range, 5.6, 2.0, f"curve {idx} of the dataset"), 0.15)
        plot.next_to(title, DOWN, buff=0.35).to_edge(LEFT, buff=0.9)
        signal = pic.Signal(plot, curve, th.DATA_COLOR, width=3, dot_radius=0.06, role="curve")
        box = WindowBox(plot, start, role="patch box")
        cut = pic.Signal(plot, patch, th.DATA_COLOR, width=4, dot_radius=0.08, offset=start)
        diagram, labels = autoencoder_diagram(code, role="patch")
        VGroup(diagram, labels).next_to(plot, DOWN, buff=0.3).set_x(0)
        words = VGroup(*[th.text(t, th.SMALL_SIZE - 2, col) for t, col in (
            ("loss: the mean of (rebuilt − patch)²", th.TEXT_COLOR),
            (f"over a batch of {BATCH} patches", th.MUTED_COLOR),
            (f"epoch: one pass over all {data.DATASIZE:,} patches", th.TEXT_COLOR),
            (f"this model: {len(ck.loss):,} epochs", th.MUTED_COLOR))])
        words.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        words.next_to(plot, RIGHT, buff=0.5).align_to(plot, UP)
        ins = diagram[1][0]  # the input nodes, where the patch's samples go
        inputs = speed.Dots(ins.positions(), 0.08, th.DATA_COLOR)

        self.say(f"Training cuts one patch from each curve: {KERNEL} samples in a row, at a random start.",
                 f"From curve {idx}: samples {start}-{start + KERNEL - 1}.")
        self.play(fade_in(title), fade_in(plot, signal), run_time=1.2)
        self.play(Create(box), run_time=0.6)
        self.play(fade_in(cut), run_time=0.5)
        self.say(f"The encoder squeezes the patch into {N_CHANNELS} numbers, its code;",
                 f"the decoder rebuilds {KERNEL} samples from the code:",
                 f"an autoencoder, as in the article \u201c{story.ARTICLE}\u201d.")
        self.play(fade_in(diagram[0], *diagram[1][1:]), run_time=0.8)
        self.play(ReplacementTransform(cut.dots.copy(), inputs), run_time=1.2)
        self.play(fade_in(labels), run_time=1)
        self.say(f"In PyTorch's terms: 1 channel in, {N_CHANNELS} channels out, one per code number.",
                 "The encoder ends in tanh: any number in, a number between -1 and 1 out.")
        encoder_words = labels[1][2]  # "encoder: 1 channel in, 3 out, kernel 7, stride 4, then tanh"
        mark = SurroundingRectangle(encoder_words, color=th.TEXT_COLOR, buff=0.08)
        self.play(Create(mark), run_time=0.6)
        self.play(fade_out(mark), run_time=0.6)
        self.say("Training lowers the loss:",
                 f"the mean squared difference between rebuilt and patch, {BATCH} patches at a time.",
                 f"An epoch is one pass over all {data.DATASIZE:,} patches; this model trained "
                 f"{len(ck.loss):,}.")
        self.play(fade_in(words[:2]), run_time=0.8)
        self.play(fade_in(words[2:]), run_time=0.8)
        self.payoff()

    # --- 3. windows (F2) -----------------------------------------------------------------------------
    def windows(self):
        ck, (idx, curve) = self.ck, story.demo_curve()
        codes = ck.encode_windows(curve)
        p1, p2 = (fmt(v, 2) for v in data.make_params(idx + 1)[idx])  # the example curve's own
        title = th.title(f"Kernel {KERNEL}: windows of {KERNEL} samples, stride {STRIDE}")
        y_range = pic.nice_range(curve.min() - 0.05, curve.max() + 0.05)
        plot = clear_corner(pic.SignalPlot(WINSIZE, y_range, 6.3, 2.2,
                                           f"curve {idx} of the dataset: p1 = {p1}, p2 = {p2}"), 0.15)
        matrix = pic.CodeMatrix(codes)
        matrix_label = th.text(f"the curve's code: a {N_CHANNELS} x {codes.shape[1]} matrix", th.SMALL_SIZE)
        matrix_label.next_to(matrix, UP, 0.25)
        top = VGroup(plot, VGroup(matrix_label, matrix)).arrange(RIGHT, buff=0.6, aligned_edge=DOWN)
        top.set_y((title.get_bottom()[1] - 3.2) / 2 + 0.3)  # in the middle of the room below the title
        how = th.lines("each number: a dot product of the window with a filter",
                       th.SMALL_SIZE - 2, th.MUTED_COLOR, width=matrix.width + 0.4)
        how.next_to(matrix, DOWN, 0.3)
        signal = pic.Signal(plot, curve, th.DATA_COLOR, width=3, dot_radius=0.06, role="curve")
        grey = th.DATA_NAME

        self.say(f"Curve {idx} (p1 = {p1}, p2 = {p2}), all {WINSIZE} samples of it.",
                 f"Kernel {KERNEL}: each window is {KERNEL} samples ({grey} box); its code, one column.")
        self.play(fade_in(title), fade_in(plot, signal, matrix_label, matrix.header, matrix.names),
                  run_time=1.2)
        box = WindowBox(plot, 0, role="window")
        # faded in whole: drawn edge by edge, its top edge alone read as a line under the plot's label
        self.play(fade_in(box), run_time=0.6)
        self.wait(1.5)
        self.say(f"Each number is a dot product: the window's {KERNEL} samples times",
                 f"one filter's {KERNEL} trained weights, added up: a number per filter.")
        self.play(fade_in(how), run_time=0.5)
        for w, start in enumerate(overlap.window_starts()):
            if w == 1:
                self.say(f"Stride {STRIDE}: each window starts {STRIDE} samples after the last.")
            if w:
                self.play(box.animate.move_to(WindowBox(plot, start)), run_time=0.8)
            self.send_to_column(box, matrix.column(w))
        n = codes.shape[1]
        self.say(f"{n} windows, {N_CHANNELS} numbers each: the curve's code is a {N_CHANNELS} x {n} matrix.")
        self.play(Create(SurroundingRectangle(matrix, color=th.TEXT_COLOR, buff=0.12)), run_time=0.8)
        self.payoff()

    def send_to_column(self, box: WindowBox, column: VGroup) -> None:
        """A copy of the window's box travels to the code column it fills and fits around it; the
        column's numbers fade in as the copy fades out (a box never turns into numbers)."""
        flight = box.copy()
        flight.role = None  # only the box on the curve says which window is shown
        self.add(flight)
        self.play(flight.animate.stretch_to_fit_width(column.width + 0.3)
                  .stretch_to_fit_height(column.height + 0.25).move_to(column), run_time=0.7)
        self.play(fade_in(column), fade_out(flight), run_time=0.6)

    # --- 4. dot products (F7, C3) ----------------------------------------------------------------------
    def dot_products(self):
        ck = self.ck
        idx, start, patch = story.demo_patch(WINDOW)
        _, curve = story.demo_curve()
        steps = story.encoder_steps(ck, patch)
        title = th.title("The encoder: three dot products")
        b = DotProductBoard(ck, idx, curve, start, patch, steps, title)
        w, (blue, green, purple), grey = WINDOW + 1, th.FILTER_NAMES, th.DATA_NAME
        # the numbers as the lines under the products show them: each total is the sum of the terms
        # shown above it, so what is on screen adds up
        shown = {k: [fmt(v, PLACES) for v in b.shown[k]] for k in ("sums", "bias", "pre", "code")}

        # the patch: window 1 of the curve just encoded, cut out and laid over each filter
        self.say(f"Window {w} of curve {idx} (the matrix's column {w}), cut out:",
                 f"a patch of {KERNEL} samples ({grey}), like those training uses.")
        self.play(fade_in(title), fade_in(b.curve_plot, b.curve_sig), run_time=1.2)
        self.play(Create(b.box), run_time=0.6)
        self.play(fade_in(b.cut), run_time=0.6)
        self.wait(0.5)
        self.say(f"The encoder's own 3 filters ({blue}, {green}, {purple}; the decoder has others), "
                 f"{KERNEL} weights each.")
        self.play(fade_in(*b.over_plots, *b.over_labels, *b.filt_sigs), run_time=1.2)
        self.wait(1)
        self.say("The patch is laid over each filter:",
                 "a dot product multiplies them sample by sample and adds.")
        self.play(*[ReplacementTransform(b.cut.copy(), sig) for sig in b.patch_sigs], run_time=1.8)
        self.bring_to_front(*b.filt_sigs)  # the filters over the wide patch
        self.play(fade_in(b.steps), run_time=0.6)
        self.wait(0.5)

        # filter 1, one product at a time: the band on the sample, its product read out, then its bar
        # grows while the running sum (number, line and ring) takes it in: the sum shown is always
        # the sum of the bars drawn
        self.say(f"{th.filter_name(0).capitalize()} first: each patch sample times the filter's weight.")
        self.play(b.highlight(0), fade_in(b.prod_plots[0], b.prod_labels[0], b.bars[0], b.runs[0],
                                          b.lines[0][0], b.bands[0], b.readout), run_time=0.8)
        for k in range(KERNEL):
            if k == 2:
                self.say(f"Each product is a bar; the {th.TEXT_NAME} line, the running sum, adds it in.")
            if k:
                self.play(b.bands[0].animate.set_x(b.x_of(0, k)), run_time=0.3)
            b.read(k)
            self.play(Drive(b.live(0), lambda a, k=k: b.add(0, k + a), run_time=0.7, rate_func=smooth))
            self.wait(0.3)
        self.say(biggest_product_cue(b.shown["products"][0]))
        self.play(b.highlight(1), fade_out(b.readout, b.bands[0]),
                  b.runs[0].ring.animate.set_stroke(opacity=0), run_time=0.6)
        self.wait(1.2)
        self.say(f"Their sum, {shown['sums'][0]}, plus the bias {shown['bias'][0]}, a number the "
                 f"filter learned too: {shown['pre'][0]}.")
        self.play(b.highlight(2), fade_in(b.lines[0][1], b.lines[0][2]), run_time=0.6)
        self.wait(2.5)
        self.say(tanh_cue(steps["pre"], steps["code"]) + f" c1 = {shown['code'][0]}.")
        self.play(b.highlight(3), fade_in(b.lines[0][3]), run_time=0.6)
        self.wait(1)

        # filters 2 and 3, the same steps, faster
        for i in (1, 2):
            self.say(f"{th.filter_name(i).capitalize()}, the same way: sum {shown['sums'][i]}, "
                     f"bias {shown['bias'][i]}, c{i + 1} = {shown['code'][i]}.")
            self.play(b.highlight(0), fade_in(b.prod_plots[i], b.prod_labels[i], b.bars[i], b.runs[i],
                                              b.lines[i][0], b.bands[i]), run_time=0.6)
            self.play(Drive(b.live(i), lambda a, i=i: b.add(i, KERNEL * a), run_time=3.0, rate_func=linear))
            self.play(b.highlight(2), fade_out(b.bands[i]), b.runs[i].ring.animate.set_stroke(opacity=0),
                      fade_in(b.lines[i][1], b.lines[i][2]), run_time=0.6)
            self.play(b.highlight(3), fade_in(b.lines[i][3]), run_time=0.6)
            self.wait(0.3)

        best = int(np.argmax(np.abs(steps["sums"])))  # the filter best_match_cue names
        self.say("The cosine of two shapes: 1 if they are the same, -1 if one is the other flipped.",
                 *best_match_cue(steps["sums"], patch, ck.enc_w))
        self.play(b.highlight(None), Create(b.frame(best)), run_time=0.8)
        self.wait(2.5)
        codes = ", ".join(fmt(c, 3) for c in steps["code"])
        self.say(f"The code of window {w}: {codes}, the matrix's column {w}.")
        self.play(fade_in(b.code_row), run_time=0.8)
        self.wait(1.2)
        self.payoff()

    # --- 5. round trip (F8, F5) ----------------------------------------------------------------------
    def round_trip(self):
        # the example curve's training patch: a typical one (its error near the median), where the
        # curve's first window, worked through in dot-products, comes back worse than 99% of them
        ck, (idx, start, patch) = self.ck, story.demo_patch()
        span = f"{start}-{start + KERNEL - 1}"
        # which patch, on screen for the whole clip: the title says it
        title = th.title(f"And back: curve {idx}'s patch (samples {span}), rebuilt")
        b = RoundTripBoard(ck, patch, title)
        yellow, red = th.OUTPUT_NAME, th.ACCENT_NAME  # the colours' words, per theme
        self.say(f"The patch training cut from curve {idx}, samples {span}, has a code;",
                 "the decoder scales each of its filters by a code number.")
        self.play(fade_in(title), fade_in(b.code_row, b.filt, *b.filt_sigs), run_time=1.2)
        self.play(fade_in(b.ws.plot), *[ReplacementTransform(b.filt_sigs[i].copy(), b.ws.scaled[i])
                                        for i in range(3)], run_time=1.5)
        self.wait(1)
        self.say(f"Their sum plus the bias (drawn {yellow}), filter by filter, rebuilds the patch.")
        self.play(fade_in(b.ws.total), run_time=0.5)  # starts on the first scaled filter
        for k in range(1, 4):  # + filter 2, + filter 3, + bias: the same curve, moved point by point
            self.play(Drive(b.ws.total, lambda a, k=k: b.partial(k - 1 + a), run_time=0.9))
        b.ws.set_code(b.code)
        self.play(fade_in(b.target, b.notes[0]), run_time=0.8)
        self.bring_to_back(b.target)  # under the output, so both show where they coincide
        self.say(f"In {red} below: output minus patch at each sample; mean square error {b.mse:.1e}.")
        self.play(fade_in(b.err_plot, b.err_sig, b.notes[1], b.notes[2]), run_time=1)
        self.wait(2.5)
        self.say(*b.rank)
        self.play(fade_in(b.notes[3], b.notes[4]), run_time=0.8)
        self.wait(1)
        self.payoff()

    def several_patches(self):
        """F5: several patches at once, target against output (still the round-trip section)."""
        self.clear_stage()
        title = th.title("Several patches: target and output")
        patches = data.make_patches()
        idx = story.f5_indices(len(patches))
        chosen = patches[idx].astype(np.float64)
        outs = story.round_trip(self.ck, chosen)
        lo, hi = min(chosen.min(), outs.min()), max(chosen.max(), outs.max())
        starts = data.patch_starts(len(patches))  # where each curve's training patch was cut
        plots = VGroup(*[pic.SignalPlot(KERNEL, pic.nice_range(lo - 0.05, hi + 0.05), 2.9, 1.45,
                                        f"curve {i}, samples {starts[i]}-{starts[i] + KERNEL - 1}")
                         for i in idx]).arrange_in_grid(2, 3, buff=(0.8, 0.5)).next_to(title, DOWN, buff=0.4)
        sigs = VGroup()
        for plot, i, x, y in zip(plots, idx, chosen, outs):
            sigs.add(pic.Signal(plot, x, th.DATA_COLOR, width=12, dot_radius=0, opacity=0.55,
                                role=f"target {i}"),
                     pic.Signal(plot, y, th.OUTPUT_COLOR, width=2.5, dot_radius=0.04, role=f"output {i}"))
        grey, yellow = th.DATA_NAME, th.OUTPUT_NAME
        mse = f"{float(np.mean((outs - chosen) ** 2)):.1e}"
        legend = VGroup(
            VGroup(th.text(f"wide {grey}: target (the patch itself)", th.SMALL_SIZE, th.DATA_COLOR),
                   th.text(f"{yellow}: network output", th.SMALL_SIZE, th.OUTPUT_COLOR)
                   ).arrange(RIGHT, buff=0.6),
            th.text(f"mean square error over these {len(idx)}: {mse}", th.SMALL_SIZE)
        ).arrange(DOWN, buff=0.12)
        legend.next_to(plots, DOWN, buff=0.25)
        self.say(f"{len(idx)} of the {len(patches):,} training patches, one per curve, each cut at a "
                 "random start:", f"target wide {grey}, output {yellow}.",
                 f"They coincide: mean square error {mse}.")
        self.play(fade_in(title), fade_in(plots, legend), run_time=1.2)
        self.play(fade_in(*sigs), run_time=1.5)
        self.wait(1.5)
        self.payoff()


def clear_corner(plot: pic.SignalPlot, dx: float = 0.1) -> pic.SignalPlot:
    """The plot's y numbers moved `dx` further left: clear of the sample numbers under the corner
    and of a window box drawn round the first samples."""
    for n in plot.axes.y_axis.numbers:
        n.shift(LEFT * dx)
    return plot


class BezierBoard(VGroup):
    """The data section's pictures (F1), laid out under `title`: axes with the four control points,
    the dense Bezier curve, the 15 resampled points ('samples') and a p1/p2 readout on the left; a
    3x3 grid of dataset curves on the right. `p` (two trackers) sets the free heights,
    `update_curve()` redraws the curve from them; `morph(a)` moves grid cell k from curve k (a = 0)
    to curve k + 9 (a = 1)."""

    def __init__(self, params, title):
        super().__init__()
        self.params = params
        self.p = [ValueTracker(v) for v in params[0]]
        self.axes = Axes(x_range=[0, 1, 0.25], y_range=[-1, 1, 0.5], x_length=4.6, y_length=4.0, tips=False,
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
                                .arrange(RIGHT, buff=0.25) for i in range(2)]).arrange(RIGHT, buff=0.6)
        left = VGroup(self.axes, self.readout).arrange(DOWN, buff=0.25)
        self.grid = VGroup(*[pic.SignalPlot(WINSIZE, (-0.8, 0.8, 0.4), 1.7, 1.0, x_numbers=False,
                                            y_numbers=False) for _ in range(9)])
        self.grid.arrange_in_grid(3, 3, buff=(0.3, 0.35))
        self.grid_group = VGroup(th.text(f"9 of the dataset's {data.DATASIZE:,} curves", th.SMALL_SIZE),
                                 self.grid).arrange(
            DOWN, buff=0.2)
        VGroup(left, self.grid_group).arrange(RIGHT, buff=1.0).next_to(title, DOWN, buff=0.7)
        VGroup(left, self.grid_group).shift(RIGHT * 0.3)  # room for the '(0, 0)' label on the left
        self.guides = VGroup(*[Line(self.axes.c2p(x, -1), self.axes.c2p(x, 1), stroke_color=th.MUTED_COLOR,
                                    stroke_width=1, stroke_opacity=0.5) for x in np.linspace(0, 1, WINSIZE)])
        self.picks = list(data.resample_indices())
        self.polygon = VMobject(stroke_color=th.MUTED_COLOR, stroke_width=2)
        self.controls = speed.Dots(np.zeros((4, 3)), 0.07, th.TEXT_COLOR)
        self.names = [th.text(s, th.SMALL_SIZE - 2, th.MUTED_COLOR)
                      for s in ("(0, 0)", "(0.5, p1)", "(0.5, p2)", "(1, 0)")]
        self.dense = VMobject(stroke_color=th.DATA_COLOR, stroke_width=2.5, stroke_opacity=0.8)
        self.samples = AxesDots(self.axes, WINSIZE, 0.075, th.DATA_COLOR, role="samples")
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
        # the two middle points share x = 0.5: the higher one's name goes above it, the lower one's
        # below, so they never meet, and the curve (which passes between them) stays clear
        up = (UP, DOWN) if p1 >= p2 else (DOWN, UP)
        for name, pt, side in zip(self.names, pts, (DOWN + LEFT, *up, DOWN + RIGHT)):
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


class AxesDots(speed.Dots):
    """n dots on `axes` (speed.Dots) whose heights the record reads back (`drawn_values`)."""

    def __init__(self, axes: Axes, n: int, radius: float, color: str, role: str | None = None):
        super().__init__(np.zeros((n, 3)), radius, color)
        self.axes, self.role = axes, role

    def drawn_values(self) -> np.ndarray:
        return np.array([self.axes.p2c(p)[1] for p in self.positions()])


class WindowBox(Rectangle):
    """A box in the data colour around the kernel-7 window starting at `start` on a SignalPlot, over
    the plot's full height. `drawn_values` reads back the first and last sample inside it."""

    def __init__(self, plot: pic.SignalPlot, start: int, role: str | None = None):
        a, b = plot.axes.c2p(start - 0.4, 0)[0], plot.axes.c2p(start + KERNEL - 0.6, 0)[0]
        top_y, bottom_y = plot.axes.get_top()[1] + 0.05, plot.axes.c2p(0, plot.axes.y_range[0])[1] - 0.05
        super().__init__(width=b - a, height=top_y - bottom_y, stroke_color=th.DATA_COLOR,
                         fill_color=th.DATA_COLOR, fill_opacity=0.12, stroke_width=3)
        self.move_to([(a + b) / 2, (top_y + bottom_y) / 2, 0])
        self.plot, self.role = plot, role

    def drawn_values(self) -> np.ndarray:
        axes = self.plot.axes
        return np.array([np.ceil(axes.p2c(self.get_left())[0]), np.floor(axes.p2c(self.get_right())[0])])


class RunningSum(VGroup):
    """The running sum of one filter's products on their plot: a dot per sum so far (the sum through
    sample j over sample j), a line through them, and a ring on the newest. `show(count)` (0 to 7,
    in step with Bars.show): while bar n grows by f, the ring goes from the sum through n - 1 to the
    sum through n, by f of the way, so it always holds exactly the bars drawn. `drawn_values` reads
    the dots' heights back."""

    def __init__(self, plot: pic.SignalPlot, products: np.ndarray, color: str = th.TEXT_COLOR,
                 role: str | None = None):
        super().__init__()
        self.plot, self.role = plot, role
        self.products = np.asarray(products, dtype=float)
        self.line = VMobject(stroke_color=color, stroke_width=2.5)
        self.dots = speed.Dots(np.zeros((1, 3)), 0.045, color)
        self.ring = Circle(radius=0.11, color=color, stroke_width=3)
        self.add(self.line, self.dots, self.ring)
        self.show(0.0)

    def show(self, count: float) -> RunningSum:
        n = min(int(np.floor(count)), len(self.products))
        f = count - n
        xs = list(range(n))
        sums = [story.running_sum(self.products, j + 1) for j in range(n)]
        if f > 0 or n == 0:  # bar n part grown: the newest sum on its way to sample n
            xs.append(max(n - 1 + f, 0.0))
            sums.append(story.running_sum(self.products, count))
        pts = speed.coords_to_points(self.plot.axes, np.asarray(xs, float), np.asarray(sums, float))
        self.line.set_points_as_corners(pts if len(pts) > 1 else np.vstack([pts, pts]))
        self.dots.set_positions(pts)
        self.ring.move_to(pts[-1])
        return self

    def drawn_values(self) -> np.ndarray:
        return np.array([self.plot.axes.p2c(p)[1] for p in self.dots.positions()])

    def ring_value(self) -> float:
        return float(self.plot.axes.p2c(self.ring.get_center())[1])


class DotProductBoard:
    """The dot-products section's pictures (F7), laid out under `title`: on the left the curve with
    the window box ('curve', 'window') and the current product's readout; per filter a column: the
    filter over the patch ('patch' on the first), its products as bars ('products i') with their
    running sum ('running sum i'), and the lines 'sum', '+ bias', '=', 'tanh ->' with their numbers
    ('sum i', 'bias i', 'pre i', 'ci'); the four steps under the title; the code at the bottom
    ('code c1'...).

    The numbers are shown to PLACES decimals and every total on screen is the sum of the terms shown
    (`shown`): the products rounded, the running sum of those, the bias rounded, their total, and
    tanh of that total (within 1e-4 of the encoder's own code, which the code row at the bottom
    shows to 3 decimals). The bars and the line are drawn from the exact products."""

    PW, PH = 2.2, 1.15  # each filter column's plots

    def __init__(self, ck, idx, curve, start, patch, steps, title):
        self.ck, self.patch = ck, np.asarray(patch, dtype=float)
        self.products, self.running = steps["products"], steps["running"]
        r = self.shown = {"products": np.round(self.products, PLACES),
                          "bias": np.round(ck.enc_b.astype(float), PLACES)}
        r["sums"] = r["products"].sum(axis=1)
        r["pre"] = r["sums"] + r["bias"]
        r["code"] = np.tanh(r["pre"])  # of the total shown, so the tanh line follows from the line above
        small = th.SMALL_SIZE - 2
        self.steps = VGroup(*[th.text(s, small, th.MUTED_COLOR) for s in (
            "1. multiply sample by sample", f"2. add the {KERNEL} products", "3. add the bias",
            "4. tanh: the code number")]).arrange(RIGHT, buff=0.45, aligned_edge=UP)
        self.steps.next_to(title, DOWN, 0.15)

        # the curve, window 1 boxed, and the patch that is cut out of it
        self.curve_plot = pic.SignalPlot(WINSIZE, pic.nice_range(curve.min() - 0.05, curve.max() + 0.05), 2.2,
                                         self.PH, f"curve {idx}", font_size=small, x_numbers=False,
                                         y_numbers=False)

        # a column per filter: the filter over the patch, the products and their running sum
        lo, hi = min(self.patch.min(), ck.enc_w.min()), max(self.patch.max(), ck.enc_w.max())
        y_over = pic.nice_range(lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo))
        # both plots run half a sample past the last, so that its bar stands on the axis
        self.over_plots = [clear_corner(pic.SignalPlot(KERNEL, y_over, self.PW, self.PH, x_pad=0.5))
                           for _ in range(3)]
        VGroup(self.curve_plot, *self.over_plots).arrange(RIGHT, buff=0.35).next_to(self.steps, DOWN, 0.58)
        self.box = WindowBox(self.curve_plot, start, role="window")
        self.curve_sig = pic.Signal(self.curve_plot, curve, th.DATA_COLOR, width=2.5, dot_radius=0.04,
                                    role="curve")
        self.cut = pic.Signal(self.curve_plot, patch, th.DATA_COLOR, width=9, dot_radius=0, opacity=0.55,
                              offset=start)
        self.over_labels = [VGroup(th.text(f"filter {i + 1}", small, th.FILTER_COLORS[i]),
                                   th.text("on the patch", small, th.DATA_COLOR)).arrange(RIGHT, buff=0.12)
                            .next_to(p.axes, UP, 0.12) for i, p in enumerate(self.over_plots)]
        lim = max(np.abs(self.products).max(), np.abs(self.running).max()) * 1.1
        y_prod = pic.nice_range(-lim, lim)
        self.prod_plots = [clear_corner(pic.SignalPlot(KERNEL, y_prod, self.PW, self.PH, x_pad=0.5))
                           for _ in range(3)]
        for pp, op in zip(self.prod_plots, self.over_plots):  # the same x for the same sample
            pp.next_to(op, DOWN, buff=0.5)
            pp.shift(RIGHT * (op.axes.c2p(0, 0)[0] - pp.axes.c2p(0, 0)[0]))
        self.prod_labels = [VGroup(th.text("products,", small, th.FILTER_COLORS[i]),
                                   th.text("running sum", small, th.TEXT_COLOR)).arrange(RIGHT, buff=0.12)
                            .next_to(pp.axes, UP, 0.12) for i, pp in enumerate(self.prod_plots)]
        self.patch_sigs = [pic.Signal(p, patch, th.DATA_COLOR, width=9, dot_radius=0, opacity=0.55,
                                      role=None if i else "patch") for i, p in enumerate(self.over_plots)]
        self.filt_sigs = [pic.Signal(p, ck.enc_w[i], th.FILTER_COLORS[i], width=3, role=f"filter {i + 1}")
                          for i, p in enumerate(self.over_plots)]
        self.bars = [pic.Bars(pp, self.products[i], th.FILTER_COLORS[i], width=0.26, role=f"products {i + 1}")
                     .show(0)
                     for i, pp in enumerate(self.prod_plots)]
        self.runs = [RunningSum(pp, self.products[i], role=f"running sum {i + 1}")
                     for i, pp in enumerate(self.prod_plots)]
        self.bands = [self.band(i) for i in range(3)]
        self.lines = [self.sum_lines(i).next_to(pp, DOWN, buff=0.12).align_to(pp.axes, RIGHT)
                      for i, pp in enumerate(self.prod_plots)]

        # under the curve: the product being made, for filter 1
        names = ("patch", "× filter 1", "= product")
        colors = (th.DATA_COLOR, th.FILTER_COLORS[0], th.FILTER_COLORS[0])
        self.readout = VGroup(*[VGroup(th.text(n, th.SMALL_SIZE, c),
                                       speed.number(0.0, PLACES, th.SMALL_SIZE, c))
                                for n, c in zip(names, colors)])
        for row in self.readout:
            row[1].next_to(row[0], RIGHT, 0.2)
        self.readout.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        at = self.readout.get_left()[0] + max(row[0].width for row in self.readout) + 0.2
        for row in self.readout:  # numbers in one column
            row[1].set_x(at, LEFT)
        self.readout.next_to(self.curve_plot, DOWN, buff=0.7).align_to(self.curve_plot, LEFT)
        self.readout.shift(LEFT * 0.14)  # clear of the products' axis numbers, inside the margin

        code = steps["code"]
        self.code_row = VGroup(pic.code_vector(code, role="code"),
                               th.text(f"= column {WINDOW + 1} of the curve's code matrix", th.SMALL_SIZE))
        self.code_row.arrange(RIGHT, buff=0.4).next_to(VGroup(*self.lines), DOWN, buff=0.3).set_x(0)

    def band(self, i: int) -> VGroup:
        """A faint column over sample 0 of filter i's two plots (the axes only, not their labels):
        the sample being multiplied."""
        parts = VGroup()
        for plot in (self.over_plots[i], self.prod_plots[i]):
            top, bottom = plot.axes.get_top()[1] + 0.05, plot.axes.c2p(0, plot.axes.y_range[0])[1] - 0.05
            parts.add(Rectangle(width=0.3, height=top - bottom, stroke_width=0, fill_color=th.MUTED_COLOR,
                                fill_opacity=0.25).move_to([self.x_of(i, 0), (top + bottom) / 2, 0]))
        return parts

    def frame(self, i: int) -> Rectangle:
        """A box in filter i's colour around its column."""
        column = VGroup(self.over_labels[i], self.over_plots[i], self.prod_plots[i], self.lines[i])
        return SurroundingRectangle(column, color=th.FILTER_COLORS[i], buff=0.1, stroke_width=2.5)

    def x_of(self, i: int, k: int) -> float:
        return float(self.over_plots[i].axes.c2p(k, 0)[0])

    def highlight(self, step: int | None):
        """Step `step` (0-3) of the four in the text colour, the others muted."""
        return AnimationGroup(*[s.animate.set_color(th.TEXT_COLOR if k == step else th.MUTED_COLOR)
                                      for k, s in enumerate(self.steps)])

    def read(self, k: int) -> None:
        """The readout shows sample k of filter 1's product (as rounded on screen)."""
        for row, v in zip(self.readout, (self.patch[k], self.ck.enc_w[0][k], self.shown["products"][0][k])):
            row[1].set_value(v)

    def live(self, i: int) -> VGroup:
        """What moves while filter i's products are added."""
        return VGroup(self.bars[i], self.runs[i], self.lines[i][0][1], self.bands[i])

    def add(self, i: int, count: float) -> None:
        """Filter i's products 0 .. count added, in step: bar k grown by count - k, the running sum's
        ring and number that far (the number the sum of the products shown), the band on the sample
        being added (it stays there when its bar is full)."""
        self.bars[i].show(count)
        self.runs[i].show(count)
        self.lines[i][0][1].set_value(story.running_sum(self.shown["products"][i], count))
        self.bands[i].set_x(self.x_of(i, min(max(int(np.ceil(count)) - 1, 0), KERNEL - 1)))

    def sum_lines(self, i: int) -> VGroup:
        """'sum', '+ bias', '=' and 'tanh ->', names right-aligned, numbers in a column: the sum at
        0 (it runs), the others at their values."""
        size, r = th.SMALL_SIZE - 2, self.shown
        rows = VGroup()
        for j, (name, value, col, role) in enumerate((
                ("sum", 0.0, th.TEXT_COLOR, f"sum {i + 1}"),
                ("+ bias", r["bias"][i], th.TEXT_COLOR, f"bias {i + 1}"),
                ("=", r["pre"][i], th.TEXT_COLOR, f"pre {i + 1}"),
                ("tanh ->", r["code"][i], th.FILTER_COLORS[i], f"c{i + 1}"))):
            num = speed.number(value, PLACES, size, col, role=role).move_to([0, -0.3 * j, 0], LEFT)
            label = th.text(name, size).next_to(num, LEFT, 0.15)
            label.align_to(num, DOWN) if name != "=" else label.set_y(num.get_y())
            rows.add(VGroup(label, num))
        return rows


class RoundTripBoard:
    """The round trip's pictures (F8), laid out under `title`: the code and the decoder filters on
    the left; on the right each filter times its code number and their sum plus bias ('sum',
    'scaled i'), over the patch ('patch'); under it the error per sample on its own axis ('error'),
    under the filters the notes (the target, the error, its rank among the training patches'
    errors). `partial(t)` puts the sum part way: t = 0 the first scaled filter, 1 plus the second,
    2 plus the third, 3 plus the bias."""

    def __init__(self, ck, patch, title):
        self.ck = ck
        self.code = code = ck.encode(patch[None])[0]
        out = ck.decode(code[None])[0]
        err = out - patch
        f_range = pic.nice_range(ck.dec_w.min() * 1.1, ck.dec_w.max() * 1.1)
        self.filt = pic.SignalPlot(KERNEL, f_range, 3.9, 2.3, "the decoder's own filters")
        lo = min((code[:, None] * ck.dec_w).min(), out.min(), patch.min())
        hi = max((code[:, None] * ck.dec_w).max(), out.max(), patch.max())
        self.ws = pic.WeightedSum(ck, code, pic.nice_range(lo - 0.05, hi + 0.05), 5.6, 2.5,
                                  "each filter × its code number; sum + bias")
        self.code_row = pic.code_vector(code)
        left = VGroup(self.code_row, self.filt).arrange(DOWN, buff=0.4)
        VGroup(left, self.ws).arrange(RIGHT, buff=0.8, aligned_edge=UP).next_to(title, DOWN, buff=0.4)
        self.filt_sigs = [pic.Signal(self.filt, ck.dec_w[i], th.FILTER_COLORS[i], width=3) for i in range(3)]
        self.target = pic.Signal(self.ws.plot, patch, th.DATA_COLOR, width=12, dot_radius=0, opacity=0.55,
                                 role="patch")
        # the error on its own scale, under the sum, sample under sample
        m = float(np.abs(err).max()) * 1.15
        self.err_plot = pic.SignalPlot(KERNEL, pic.nice_range(-m, m, 2), 5.6, 0.75,
                                       "error per sample: output - patch", th.ACCENT_COLOR)
        self.err_plot.next_to(self.ws, DOWN, buff=0.2)
        self.err_plot.shift(RIGHT * (self.ws.plot.axes.c2p(0, 0)[0] - self.err_plot.axes.c2p(0, 0)[0]))
        self.err_sig = pic.Signal(self.err_plot, err, th.ACCENT_COLOR, width=3, dot_radius=0.05, stems=True,
                                  role="error")
        self.mse = mse = float(np.mean(err ** 2))
        loss = float(ck.final_loss)  # the mean of the training patches' errors, at the last epoch
        every = data.make_patches().astype(np.float64)
        errors = np.mean((story.round_trip(ck, every) - every) ** 2, axis=1)
        self.rank = rank_cue(mse, errors, loss)
        worse = float(np.mean(errors < mse))  # the share of training patches rebuilt better
        size = th.SMALL_SIZE - 2
        rank = (f"worse than {worse:.1%}" if worse >= 0.5 else f"better than {1 - worse:.1%}") + \
            " of training patches"
        self.notes = VGroup(
            th.text(f"wide {th.DATA_NAME}: target (the patch itself)", size, th.DATA_COLOR),
            th.text(f"mean square error {mse:.1e},", size, th.ACCENT_COLOR),
            th.text(f"largest error {np.abs(err).max():.4f}", size, th.ACCENT_COLOR),
            th.text(rank, size),
            th.text(f"their mean, the final training loss: {loss:.1e}", size, th.MUTED_COLOR))
        self.notes.arrange(DOWN, aligned_edge=LEFT, buff=0.12).next_to(self.filt, DOWN, buff=0.3)
        self.notes.align_to(left, LEFT)
        self.partial(0.0)

    def partial(self, t: float) -> None:
        terms = [*(c * f for c, f in zip(self.code, self.ck.dec_w.astype(float))),
                 np.full(KERNEL, float(self.ck.dec_b))]
        n = min(int(t), 3)
        total = sum(terms[:n + 1]) + (t - n) * terms[n + 1] if n < 3 else sum(terms)
        self.ws.total.set_values(total)


# --- what the subtitles say, chosen by the numbers ------------------------------------------------------
def biggest_product_cue(products: np.ndarray) -> str:
    """Which of a filter's products is largest in size, and what its sign says: patch and filter
    agree there (same sign, it adds) or not (it takes away)."""
    k = int(np.argmax(np.abs(products)))
    p = float(products[k])
    why = "the same sign there, so it adds" if p > 0 else "opposite signs there, so it takes away"
    return f"The biggest product, at sample {k}: {why} {fmt(abs(p), PLACES, False)}."


def tanh_cue(pre: np.ndarray, code: np.ndarray) -> str:
    """What tanh does, and what it did here: squashes any number into -1..1, nearly the identity
    near 0 (when it moved no sum by 5% of its size), else how much it pulled the sums in."""
    pre, code = np.asarray(pre, float), np.asarray(code, float)
    change = float(np.max(np.abs(code - pre) / np.maximum(np.abs(pre), 1e-12)))
    what = "Then tanh squashes any number into -1..1;"
    if change < 0.05:
        return f"{what} near 0 it barely changes it:"
    return f"{what} here it pulls sums in by up to {change:.0%}:"


def best_match_cue(sums: np.ndarray, patch: np.ndarray, filters: np.ndarray) -> tuple[str, ...]:
    """Which filter gives the largest sum in size, and whether the patch has that filter's shape: a
    shape is claimed only when it is measured, as the cosine of the angle between patch and filter
    (1: the same shape, -1: upside down), at least 0.9 in size. Else the sum is large because the
    patch is, said as such."""
    i = int(np.argmax(np.abs(sums)))
    name = th.filter_name(i).capitalize()
    f, x = np.asarray(filters[i], float), np.asarray(patch, float)
    cos = float(x @ f / (np.linalg.norm(x) * np.linalg.norm(f)))
    head = f"{name}: the largest sum in size, {'negative' if sums[i] < 0 else 'positive'};"
    if abs(cos) >= 0.9:
        return (f"{head} the patch has its shape{' upside down' if cos < 0 else ''} (cosine {cos:+.2f}).",)
    return (f"{head} yet the shapes differ (cosine {cos:+.2f}):",
            "a large patch gives large sums, whatever its shape.")


def rank_cue(mse: float, errors: np.ndarray, loss: float) -> tuple[str, str]:
    """Where a patch's reconstruction error ranks among every training patch's (`errors`), and their
    mean, the model's final training loss."""
    errors = np.asarray(errors, dtype=float)
    worse = float(np.mean(errors < mse))
    rank = (f"Worse than {worse:.1%}" if worse >= 0.5 else f"Better than {1 - worse:.1%}")
    typical = 0.35 <= worse <= 0.65  # near the median: said so, as the reason it is the example
    return (f"{rank} of the {len(errors):,} training patches" + (": a typical one." if typical else "."),
            f"Their mean, the final training loss, is {loss:.1e}.")


def autoencoder_diagram(code: np.ndarray, role: str | None = None) -> tuple[VGroup, VGroup]:
    """Nodes: 7 inputs, 3 code numbers (in filter colours), 7 outputs; the code's values and the two
    layers named above their edges, well apart."""
    xs = (-4.8, 0.0, 4.8)
    ins = [np.array([xs[0], 0.63 - 0.21 * k, 0]) for k in range(KERNEL)]
    mids = [np.array([xs[1], 0.36 - 0.36 * i, 0]) for i in range(N_CHANNELS)]
    outs = [np.array([xs[2], 0.63 - 0.21 * k, 0]) for k in range(KERNEL)]
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
    values = pic.code_vector(code, size=th.SMALL_SIZE, role=role).move_to([xs[1], -0.98, 0])
    small = th.SMALL_SIZE - 3
    stride = f"stride {STRIDE}"
    labels = VGroup(
        th.text(f"{KERNEL} samples in", th.SMALL_SIZE, th.DATA_COLOR).move_to([xs[0], -0.98, 0]),
        th.text(f"{KERNEL} samples out", th.SMALL_SIZE, th.OUTPUT_COLOR).move_to([xs[2], -0.98, 0]),
        VGroup(th.text(f"encoder: 1 channel in, {N_CHANNELS} out,", small),
               th.text(f"kernel {KERNEL}, {stride}, then tanh", small),
               th.text(f"(PyTorch: Conv1d(1, {N_CHANNELS}, {KERNEL}, {stride}))", small, th.MUTED_COLOR))
        .arrange(DOWN, buff=0.06)
        .move_to([(xs[0] + xs[1]) / 2 - 0.3, 1.3, 0]),
        VGroup(th.text(f"decoder: {N_CHANNELS} channels in, 1 out,", small),
               th.text(f"kernel {KERNEL}, {stride}", small),
               th.text(f"(PyTorch: ConvTranspose1d({N_CHANNELS}, 1, {KERNEL}, {stride}))", small,
                       th.MUTED_COLOR))
        .arrange(DOWN, buff=0.06)
        .move_to([(xs[1] + xs[2]) / 2 + 0.3, 1.3, 0]),
    )
    return VGroup(edges, nodes), VGroup(values, labels)
