"""`manim -pqh scenes/decoder.py`: the decoder as a weighted sum of its real, trained filters.

Article (docs/article.md): claims C1 and C2, figures F4 and F6, animations A1-A4. Every curve and
number comes from the checkpoint (DECONV_VARIANT / DECONV_SEED choose it; default plain, seed 22)
at render time.
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
    DashedLine,
    MarkupText,
    Rectangle,
    SurroundingRectangle,
    Transform,
    ValueTracker,
    VGroup,
    VMobject,
    config,
    linear,
    smooth,
)

from core import conv, overlap, story
from core.data import KERNEL, STRIDE, WINSIZE
from core.subtitles import fmt, reads_true, series
from scenes import pictures as pic
from scenes import speed
from scenes import theme as th
from scenes.models import load_model
from scenes.speed import Drive, fade_in, fade_out
from scenes.stage import Explainer

F6_CODES = story.F6_CODES
ARTICLE = story.ARTICLE
LOSS_ENOUGH = story.LOSS_ENOUGH
# the article's ConvTranspose1d(3, 1, 7, stride=4) leaves these at PyTorch's defaults
PADDING, OUTPUT_PADDING, DILATION = 0, 0, 1


class DecoderScene(Explainer):
    def construct(self):
        self.ck = load_model()
        self.extent = story.code_extent(self.ck)
        self.path, _ = story.cloud_path(self.ck)
        self.drawn_order: dict[str, list[str]] = {}  # section -> roles on stage, in drawing order
        self.dot_styles: dict[str, dict[str, tuple]] = {}  # section -> role -> its dots' look, as last seen
        self.show_footer(pic.footer(self.ck))

        self.next_section("training")
        self.training()
        self.begin("weighted-sum")
        self.weighted_sum()
        self.begin("one-component-sweeps")
        panel, title = self.sweeps()
        self.next_section("all-components")
        self.all_components(panel, title)
        self.begin("transposed-convolution")
        self.transposed_convolution()

    def record(self) -> None:
        """Explainer.record, the order the pictures with a role are drawn in (last on top), and how
        their dots look: (fill colour, fill opacity, outline width)."""
        super().record()
        if not self.section:
            return
        found = [m for top in self.mobjects for m in top.get_family() if getattr(m, "role", None) is not None]
        self.drawn_order[self.section] = [m.role for m in found]
        styles = self.dot_styles.setdefault(self.section, {})
        for m in found:
            dots = getattr(m, "dots", None)
            if isinstance(dots, speed.Dots):
                styles[m.role] = (dots.get_fill_color().to_hex().lower(), float(dots.get_fill_opacity()),
                                  float(dots.get_stroke_width()))

    # --- 0. training (C1, F4) ----------------------------------------------------------------------
    def training(self):
        ck = self.ck
        title = th.title("The trained model: its loss, epoch by epoch")
        b = LossBoard(ck, title)
        self.say(f"First, the model every number here comes from: trained {len(ck.loss)} epochs.")
        self.play(fade_in(title), fade_in(b.axes_group), run_time=1.5)
        self.say(f"The {th.ACCENT_NAME} curve: the loss after each epoch (one pass over the data), "
                 "log scale.")
        self.play(Create(b.curve), run_time=3, rate_func=linear)
        self.say("Loss: the mean squared difference between a patch and its rebuilt version.")
        self.play(fade_in(b.definitions), run_time=1)
        self.say(f"The article, \u201c{ARTICLE}\u201d, calls a loss below 1e-4 enough.")
        self.play(Create(b.line), fade_in(b.line_label), run_time=1.2)
        self.say(*loss_verdict(ck.loss, LOSS_ENOUGH))
        self.play(fade_in(b.final_marks), run_time=1)
        if b.first_below is not None:
            self.play(fade_in(b.first_marks), run_time=1)
        self.play(fade_in(b.verdict), run_time=0.8)
        self.payoff()

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
        code = [fmt(c, 2) for c in F6_CODES[0]]  # as the code readout shows them
        blue, green, purple = th.FILTER_NAMES

        self.say(f"The decoder's three trained filters: {blue}, {green}, {purple}.")
        self.play(fade_in(title), run_time=1)
        self.play(*[Create(p) for p in w.smalls], *[Create(s) for s in w.raw], run_time=1.5)
        self.add(w.ghosts)
        self.say(f"The code: c1 = {code[0]}, c2 = {code[1]}, c3 = {code[2]}.",
                 "Each filter is scaled by its code value.")
        self.play(fade_in(w.readout_group, w.factors, captions[0]))
        self.wait(0.5)
        with speed.live(self, *w.live_small, update=w.update) as moving:
            for i in range(3):  # each filter shrinks to c_i * f_i, one after the other
                self.say(f"{th.filter_name(i).capitalize()} times c{i + 1} = {code[i]}: "
                         f"{scaling_effect(F6_CODES[0][i])}.")
                frame = SurroundingRectangle(VGroup(w.smalls[i], w.factors[i]), color=th.FILTER_COLORS[i],
                                             buff=0.08)
                self.play(fade_in(frame), run_time=0.5)  # whole: drawn corner first, it reads as a stray bar
                self.play(w.scale[i].animate.set_value(1.0), run_time=2)
                self.play(fade_out(frame), run_time=0.4)
            self.say("The scaled filters move up onto one plot, zoomed in: they are small.")
            self.play(fade_in(w.big, w.zoom_note), *[Transform(w.raw[i].copy(), w.scaled[i], remover=True)
                                                     for i in range(3)], run_time=1.5)
            self.add(*w.scaled)
            moving.add(*w.scaled, w.total)
            self.switch(captions[0], captions[1], moving)
            for i in range(3):  # the sum takes each scaled filter in, sample by sample
                self.say(adding_cue(i, F6_CODES[0][i]))
                if i == 0:
                    self.play(fade_in(w.stems_note), run_time=0.4)
                    speed.keep_live_last(self, moving)
                self.play(w.scaled[i].line.animate.set_stroke(width=6), run_time=0.4)
                self.play(w.added[i].animate.set_value(1.0), run_time=2.2)
                self.play(w.scaled[i].line.animate.set_stroke(width=2.5), run_time=0.4)
            self.say(f"Then the bias is added: b = {bias}.")
            self.play(fade_out(captions[1]), run_time=0.3)
            self.play(w.bias.animate.set_value(1.0), fade_in(captions[2]), run_time=1.2)
            speed.keep_live_last(self, moving)
            self.wait(0.5)
            self.say(f"{th.TEXT_NAME.capitalize()} rings: the real decoder's output, on the same points.",
                     "output = c1·f1 + c2·f2 + c3·f3 + b")
            self.play(fade_out(captions[2]), run_time=0.3)  # one caption at a time: no ghost of the last
            self.play(fade_in(w.decoder_out, captions[3]), run_time=0.7)
            moving.add(w.decoder_out)
            speed.keep_live_last(self, moving)
            self.play(fade_in(equation().next_to(w.smalls, DOWN, buff=0.3)), run_time=1.5)
            self.wait(1.5)
            self.say(f"Another code, {_fmt(F6_CODES[1])}: each filter rescales, and the sum follows.")
            # the heading names the new code as the panel moves to it: they change together
            to_code = [c.animate(run_time=4, rate_func=smooth).set_value(t)
                       for c, t in zip(w.code, F6_CODES[1])]
            self.switch(captions[3], captions[4], moving, *to_code)
            self.say("The rings stay on the sum: the decoder is this weighted sum.")
            self.wait(2)
        self.payoff()

    def switch(self, old, new, moving, *alongside) -> None:
        """One caption out, the next in (while `alongside` runs, if given: the change it names); then
        the moving parts drawn last again."""
        speed.keep_live_last(self, moving)
        self.play(fade_out(old), run_time=0.3)  # one after the other: never two captions at once
        if alongside:
            self.play(AnimationGroup(fade_in(new, run_time=0.6), *alongside))
        else:
            self.play(fade_in(new), run_time=0.3)
        speed.keep_live_last(self, moving)

    # --- 2-3. the article's animations (A1-A4) ------------------------------------------------------
    def sweeps(self):
        title = th.title("One code number at a time")
        ext = self.extent
        # c1 and c2 go round once; c3 a quarter more, to end on its largest value (the payoff)
        sweeps = [story.sweep_codes(ext, k, n=241 if k < 2 else 301, cycles=1.0 if k < 2 else 1.25)
                  for k in range(3)]
        codes = np.vstack([*sweeps, self.path])
        # the thin outputs for several c3 show from the c3 sweep on (c1 and c2 at 0, then the path)
        panel = pic.FourPanel(self.ck, self.extent, codes, family_codes=np.vstack([sweeps[2], self.path]))
        panel.next_to(title, DOWN, buff=0.62)
        for name in (panel.output_name, panel.family_name):
            name.next_to(panel.outputs_plot.axes, UP, 0.12)
        self.say("One code, four views: the output, the scaled filters, the code, the filters.",
                 f"The code: c1 across, c2 up, c3 the {th.FILTER_NAMES[2]} arm on its own slanted axis.")
        self.play(fade_in(title), fade_in(panel.static, panel.live, panel.output_name), run_time=1.5)
        box = SurroundingRectangle(panel.point, color=th.TEXT_COLOR, buff=0.06)
        self.play(Create(box), run_time=0.8)
        self.play(fade_out(box), run_time=0.5)
        for k in range(3):
            hi, lo = fmt(self.extent[k], 2), fmt(-self.extent[k], 2)  # as the readout shows them
            self.say(*sweep_cues(k, hi, lo, len(panel.c3_values)))
            note = th.text(f"c{k + 1} varies, the others stay at 0", th.LABEL_SIZE, th.FILTER_COLORS[k])
            self.play(fade_in(note.next_to(title, DOWN, 0.12)), run_time=0.4)
            if k == 2:  # now the top left shows what c3 does: the outputs for several c3 at once
                self.play(*panel.show_family(), run_time=1)
            self.play(panel.sweep(sweeps[k], run_time=5 * (len(sweeps[k]) - 1) / 240))
            self.play(fade_out(note), run_time=0.4)
        self.payoff()
        return panel, title

    def all_components(self, panel: pic.FourPanel, old_title):
        ck, path = self.ck, self.path
        title = th.title("All three code numbers at once")
        far = story.cloud_distance(ck, path)
        inside = far <= 0.1 * self.extent.min()
        note = th.text("all three vary together", th.LABEL_SIZE, th.OUTPUT_COLOR).next_to(title, DOWN, 0.12)
        trail = CodePath(panel.point.axes, path)
        key = th.text(f"{th.TEXT_NAME} loop: codes of patches of\na curve bent a little more each step",
                      th.SMALL_SIZE - 2, th.TEXT_COLOR).next_to(panel.cloud_key, DOWN, 0.2, aligned_edge=LEFT)
        along, where = path_cues(inside, far, float(self.extent.max()))
        self.say(along[0])
        # from the sweeps' last code to the loop's start (about 0), then the loop drawn
        self.play(fade_out(old_title), fade_in(title), fade_in(note),
                  panel.sweep(np.array([panel.code, path[0]]), run_time=0.8), run_time=0.8)
        self.play(Create(trail), fade_in(key), run_time=2)
        speed.keep_live_last(self, panel.live)
        # the code goes round while each sentence is said (the loop is the evidence): no still wait
        said = [along[1:], where, ("Whatever the code, the output is c1·f1 + c2·f2 + c3·f3 + b.",)]
        seconds = [sum(len(t) for t in part) / 14 for part in said]
        cuts = np.round(np.cumsum([0, *seconds]) / sum(seconds) * (len(path) - 1)).astype(int)
        for part, run, a, b in zip(said, seconds, cuts[:-1], cuts[1:]):
            self.say(*part)
            self.play(panel.sweep(path[a:b + 1], run_time=run))
        self.play(fade_out(note), run_time=0.4)  # one after the other: never two texts in one place
        self.play(fade_in(equation(th.LABEL_SIZE).move_to(note)), run_time=0.6)
        self.payoff()

    # --- 4. transposed convolution: three code vectors at stride 4 --------------------------------
    def transposed_convolution(self):
        idx, curve = story.demo_curve()
        title = th.title("Three windows, stride 4: a transposed convolution")
        b = StrideBoard(self.ck, idx, curve, title)
        shown, starts, n_in = b.shown, b.shown.starts, b.shown.codes.shape[1]

        self.say(f"The code of curve {idx}: a column of three numbers per window, {n_in} windows.")
        self.play(fade_in(title), fade_in(b.left, b.plot), run_time=1.5)
        self.say(length_cue(n_in, KERNEL, b.length))
        self.play(fade_in(b.length_note), run_time=0.8)
        for w, s in enumerate(starts):
            self.say(window_cue(w, s, starts))
            box = SurroundingRectangle(b.matrix.column(w), color=th.OUTPUT_COLOR, buff=0.1)
            self.play(fade_in(box, b.lanes[w]), run_time=0.8)
            self.play(Create(b.placed[w]), run_time=1.2)
            self.say(drop_cue(w, s, starts))
            drop = b.placed[w].copy()
            self.play(Transform(drop, b.stacked[w]), fade_in(b.drop_labels[w]),
                      *([fade_in(b.total)] if w == 0 else []), run_time=1.4)
            before, after = b.sums[w], b.sums[w + 1]
            self.add(b.bars[w])
            self.bring_to_front(b.total)  # the sum over the bars it is made of
            self.play(Drive(b.total, lambda a, x=before, y=after: b.total.set_values(x + a * (y - x))),
                      fade_in(b.bars[w]), fade_out(drop, box, b.drop_labels[w]), run_time=0.9)
        self.say(f"Then the bias, once per sample: b = {self.ck.dec_b:+.4f}.")
        self.play(Drive(b.total, lambda a: b.total.set_values(b.sums[-1] + a * (shown.output - b.sums[-1]))),
                  run_time=1.5)
        self.say(f"Scale the filters by each column, place the copies {STRIDE} apart, "
                 "add where they overlap:", "that is a transposed convolution.",
                 "The article calls it deconvolution; written as a matrix,",
                 "it is the transpose of the convolution's matrix, hence the name.")
        self.play(fade_in(b.definition), run_time=1)
        k, (wa, wb), (ta, tb) = b.freeze
        d = b.places

        def num(v):
            return fmt(v, d, False)
        self.say(f"Freeze on sample {k}: window {wa + 1} gives {num(ta)}, window {wb + 1} gives {num(tb)}.")
        self.play(Create(b.freeze_line), Create(b.freeze_rings), fade_in(b.terms[0]), run_time=1.2)
        self.say(f"They add: {num(ta)} + {num(tb)} = {num(ta + tb)}; "
                 f"plus b = {fmt(self.ck.dec_b, d)}: {num(shown.output[k])}.")
        self.play(fade_in(b.terms[1]), run_time=1)
        self.play(fade_in(b.terms[2]), run_time=1)
        self.wait(1.5)
        spans = series([f"{a}-{z}" for a, z in overlap.spans(shown.doubled)])
        self.say(f"{th.ACCENT_NAME.capitalize()} rings: samples {spans}, where two windows add.")
        self.play(fade_out(b.freeze_line, b.freeze_rings, *b.terms), run_time=0.4)
        self.play(Create(b.rings), fade_in(b.overlap_note), run_time=1.2)
        self.play(fade_in(b.target, b.target_note), run_time=1.2)
        self.say(*doubled_cues(b.ratio))
        self.wait(1)
        self.say(*why_cues(b.alone_mse, b.overlap_mse))
        self.play(fade_in(b.outro), run_time=0.8)
        self.wait(2)
        self.payoff()


# --- what the subtitles say, chosen by the numbers ----------------------------------------------------
def loss_verdict(loss: np.ndarray, enough: float) -> tuple[str, ...]:
    """The training section's finding: where the loss ends against the article's line."""
    final = float(loss[-1])
    below = np.flatnonzero(loss < enough)
    if final < enough:
        return (f"It first goes below at epoch {below[0] + 1} and ends at {final:.2e},",
                f"{enough / final:.1f} times lower: enough, by the article's measure.")
    return (f"It ends at {final:.2e}, above the line: not enough, by the article's measure.",)


def scaling_effect(c: float) -> str:
    """What multiplying a filter by c does to it, in words."""
    if fmt(c, 2) in ("+0.00", "-0.00"):
        return "it goes flat"
    size = "shrinks" if abs(c) < 1 else "grows"
    return f"it {size}" if c > 0 else f"it flips and {size}"


def adding_cue(i: int, c: float) -> str:
    term = f"c{i + 1}·f{i + 1} ({th.FILTER_NAMES[i]})"
    first = f"The {th.OUTPUT_NAME} sum takes in " if i == 0 else "Then "
    if fmt(c, 2) in ("+0.00", "-0.00"):
        return f"{first}{term}: it is flat, so it adds nothing."
    return f"{first}{term}, sample by sample."


def sweep_cues(k: int, hi: str, lo: str, n_c3: int) -> tuple[str, ...]:
    """What the subtitles say while code number k sweeps from 0 up to hi, down to lo and back."""
    return (
        (f"c1 goes up to {hi}, down to {lo} and back:",
         f"the {th.OUTPUT_NAME} sum is {th.filter_name(0)} times c1."),
        (f"Now c2 goes up to {hi} and down to {lo}: the point moves up and down;",
         f"the sum has the shape of {th.filter_name(1)}."),
        (f"Now c3, up to {hi} and down to {lo}: the {th.FILTER_NAMES[2]} arm grows and shrinks.",
         f"Top left: the outputs for {n_c3} values of c3 at once; the bold one is the current code."),
    )[k]


def path_cues(inside: bool, far: float, reach: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The all-components section's opening sentence, and its claim about the path, chosen by its
    distance to real codes (`reach`: how far real codes go from 0 along a channel, for scale)."""
    along = (f"All three move together now, along the {th.TEXT_NAME} loop.",
             "Each point on it: the code of a patch of a curve that bends a little more at each step.")
    scale = f"95% of real codes lie within ±{fmt(reach, 2, False)} of 0."
    if inside:
        return along, (f"It stays in the {th.DATA_NAME} cloud of real codes: at most {fmt(far, 3, False)} "
                       "from one.", scale)
    return along, (f"It leaves the {th.DATA_NAME} cloud of real codes, by up to {fmt(far, 3, False)}.", scale)


def length_cue(n_in: int, kernel: int, length: int) -> str:
    return (f"The output: windows {STRIDE} apart, {kernel} samples each, "
            f"so ({n_in} − 1)·{STRIDE} + {kernel} = {length} samples.")


def window_cue(w: int, s: int, starts) -> str:
    span = f"samples {s}-{s + KERNEL - 1}"
    colour = th.WINDOW_NAMES[w % 2]
    if w == 0:
        return f"Window 1's column scales the three filters; their sum ({colour}) covers {span}."
    return f"Window {w + 1}'s sum ({colour}) starts {s - starts[w - 1]} samples later: {span}."


def drop_cue(w: int, s: int, starts) -> str:
    if w == 0:
        return "It drops into the output: a bar per sample."
    shared = f"{s}-{starts[w - 1] + KERNEL - 1}"
    now, before = th.WINDOW_NAMES[w % 2], th.WINDOW_NAMES[(w - 1) % 2]
    return f"It stacks on window {w}'s: on samples {shared}, {now} on {before}, the two add."


def doubled_cues(ratio: float) -> tuple[str]:
    how = "doubled" if abs(ratio - 2) < 0.3 else f"{ratio:.1f} times too big"
    return (f"Against the {th.DATA_NAME} curve that was encoded, they come out {how}: "
            f"{ratio:.1f} times on average.",)


def why_cues(alone: float, overlaps: float) -> tuple[str, ...]:
    """Why, although the loss is small: the model learned single patches (chosen by the errors)."""
    if alone * 100 < overlaps:
        times = f"{overlaps / alone:,.0f}"
        return (f"Trained on single {KERNEL}-sample patches, each window alone comes back",
                f"with {times} times less error; where two overlap, both add.",
                "The overlap video explains and fixes it.")
    return ("Even decoded alone, a window comes back off; the overlap video looks at the doubling.",)


# --- pictures -----------------------------------------------------------------------------------------
class LossCurve(VMobject):
    """A loss history drawn on axes whose y is log10(loss): one corner per epoch; `drawn_values()`
    reads the losses back from the corners."""

    def __init__(self, axes: Axes, loss: np.ndarray, color: str, lo: int = 0, role: str | None = "loss"):
        """`lo`: the decade at the axes' y = 0 (y is log10(loss) - lo)."""
        super().__init__(stroke_color=color, stroke_width=3)
        self.axes, self.lo, self.role = axes, lo, role
        epochs = np.arange(1, len(loss) + 1)
        self.set_points_as_corners(speed.coords_to_points(axes, epochs, np.log10(loss) - lo))

    def drawn_values(self) -> np.ndarray:
        corners = np.vstack([self.get_start_anchors(), self.get_end_anchors()[-1:]])
        return 10.0 ** (np.asarray(self.axes.p2c(corners))[:, 1] + self.lo)  # all corners at once


class CodePath(VMobject):
    """A path of codes drawn on the code plane (c1, c2), thin; `drawn_values()` reads (n, 2) back."""

    def __init__(self, axes: Axes, path: np.ndarray, role: str | None = "code path"):
        super().__init__(stroke_color=th.TEXT_COLOR, stroke_width=2, stroke_opacity=0.75)
        self.axes, self.role = axes, role
        self.set_points_as_corners(speed.coords_to_points(axes, path[:, 0], path[:, 1]))

    def drawn_values(self) -> np.ndarray:
        corners = np.vstack([self.get_start_anchors(), self.get_end_anchors()[-1:]])
        return np.asarray(self.axes.p2c(corners))[:, :2]


class LossBoard:
    """The training section's pictures (F4 for one model), under `title`: the loss per epoch on a
    log axis, the article's 1e-4 line, the first epoch below it and the final loss."""

    def __init__(self, ck, title):
        loss = np.asarray(ck.loss, dtype=float)
        epochs = len(loss)
        lo = int(np.floor(np.log10(min(loss.min(), LOSS_ENOUGH))))
        hi = int(np.ceil(np.log10(loss.max())))
        step = pic.nice_range(0, epochs, 5)[2]
        self.lo = lo  # y on the axes is log10(loss) - lo, so the epoch axis runs along the bottom
        self.axes = Axes(
            x_range=[0, epochs, step], y_range=[0, hi - lo, 1], x_length=9.6, y_length=4.1, tips=False,
            axis_config={"color": th.MUTED_COLOR, "stroke_width": 2, "label_constructor": th.SansText,
                         "font_size": th.SMALL_SIZE, "tick_size": 0.05},
            x_axis_config={"numbers_to_include": list(np.arange(0, epochs + 1, step)),
                           "numbers_to_exclude": [],  # the 0 too
                           "decimal_number_config": {"num_decimal_places": 0, "group_with_commas": False}},
        )
        for num in self.axes.x_axis.numbers:
            num.set_color(th.MUTED_COLOR)
        ticks = VGroup(*[th.text(decade(k), th.SMALL_SIZE, th.MUTED_COLOR)
                         .next_to(self.axes.c2p(0, k - lo), LEFT, 0.15) for k in range(lo, hi + 1)])
        x_name = th.text("epoch", th.SMALL_SIZE, th.MUTED_COLOR)
        y_name = th.text("mean training loss per epoch (MSE, log scale)", th.SMALL_SIZE, th.MUTED_COLOR)
        self.axes_group = VGroup(self.axes, ticks)
        x_name.next_to(self.axes.x_axis.numbers, DOWN, 0.15).align_to(self.axes, RIGHT)
        y_name.next_to(self.axes, UP, 0.2).align_to(ticks, LEFT)
        self.axes_group.add(x_name, y_name)
        VGroup(self.axes_group).next_to(title, DOWN, 0.45)
        self.curve = LossCurve(self.axes, loss, th.ACCENT_COLOR, lo)
        # what the words mean, top right, where the curve has long come down
        self.definitions = VGroup(
            th.text("loss: the mean squared difference", th.SMALL_SIZE, th.TEXT_COLOR),
            th.text("between a patch and its rebuilt version", th.SMALL_SIZE, th.TEXT_COLOR),
            th.text("epoch: one pass over all the training patches", th.SMALL_SIZE, th.TEXT_COLOR),
        ).arrange(DOWN, aligned_edge=RIGHT, buff=0.14)
        # clear of the y axis and its numbers: right-aligned, a little below the top
        self.definitions.align_to(self.axes, RIGHT).align_to(self.axes, UP).shift(DOWN * 0.3)
        y = np.log10(LOSS_ENOUGH) - lo
        self.line = DashedLine(self.axes.c2p(0, y), self.axes.c2p(epochs, y), color=th.TEXT_COLOR,
                               stroke_width=2, dash_length=0.12)
        self.line_label = th.text(f"{decade(y + lo)}: \u201cenough\u201d, the article says", th.SMALL_SIZE,
                                  th.TEXT_COLOR).next_to(self.line, UP, 0.1).align_to(self.line, RIGHT)
        final = float(loss[-1])
        end = self.axes.c2p(epochs, np.log10(final) - lo)
        self.final_marks = VGroup(
            Circle(radius=0.09, color=th.ACCENT_COLOR, fill_opacity=1, stroke_width=0).move_to(end),
            th.text(f"final: {final:.2e}", th.SMALL_SIZE, th.ACCENT_COLOR).next_to(end, UP, 0.15)
            .align_to(self.line, RIGHT))
        below = np.flatnonzero(loss < LOSS_ENOUGH)
        self.first_below = int(below[0]) + 1 if len(below) else None
        self.first_marks = VGroup()
        if self.first_below is not None:
            at = self.axes.c2p(self.first_below, np.log10(loss[self.first_below - 1]) - lo)
            stays = bool(np.all(loss[self.first_below - 1:] < LOSS_ENOUGH))
            self.first_marks.add(
                DashedLine(self.axes.c2p(self.first_below, 0), at, color=th.MUTED_COLOR, stroke_width=2),
                Circle(radius=0.09, color=th.ACCENT_COLOR, fill_opacity=1, stroke_width=0).move_to(at),
                th.text(f"{'below from' if stays else 'first below at'} epoch {self.first_below}",
                        th.SMALL_SIZE, th.TEXT_COLOR)
                .next_to(at, UP + RIGHT, 0.1).shift(RIGHT * 0.15))
        ratio = LOSS_ENOUGH / final
        words = (f"ends {ratio:.1f} times below the article's 1e-4: enough" if final < LOSS_ENOUGH
                 else "ends above the article's 1e-4: not enough")
        self.verdict = th.text(words, th.LABEL_SIZE, th.ACCENT_COLOR).next_to(self.axes, DOWN, 0.75)


def decade(k: float) -> str:
    """10**k as a tick label: '1', '0.1', '0.01', '1e-3', '1e-4' ..."""
    k = int(round(k))
    return {0: "1", -1: "0.1", -2: "0.01"}.get(k, f"1e{k}" if k < 0 else f"1e+{k}")


class StrideBoard:
    """The stride-4 section's pictures (F2's right half), laid out under `title`: on the left the
    3x3 code matrix and the notes; on the right a lane per window ('window w': that column's
    weighted sum of filters, placed at its start, on the samples it covers) above the output plot,
    where the windows' sums drop in one after another ('output': their sum plus the bias), with
    rings on the doubled samples and the encoded curve ('curve')."""

    def __init__(self, ck, idx, curve, title):
        self.shown = shown = story.windows(ck, curve)
        n_in = shown.codes.shape[1]
        self.length = conv.output_length(n_in, KERNEL, STRIDE, PADDING, OUTPUT_PADDING, DILATION)
        self.matrix = pic.CodeMatrix(shown.codes)
        caption = th.text(f"the code of dataset curve {idx}", th.SMALL_SIZE, th.MUTED_COLOR)
        self.left = VGroup(self.matrix, caption.next_to(self.matrix, DOWN, 0.25).align_to(self.matrix, LEFT))

        # the right side: three lanes and the output plot, on one sample axis
        width = 6.2
        piece_range = pic.nice_range(float(shown.pieces.min()), float(shown.pieces.max()) * 1.05, 2)
        values = np.concatenate([shown.output, curve, shown.pieces.ravel()])
        lo, hi = values.min(), values.max()
        pad = 0.05 * (hi - lo)
        out_range = pic.nice_range(lo - pad, hi + pad)
        # one vertical scale for the lanes and the output, so that a window's sum keeps its size as it
        # drops in; the same height in all as three 0.55 lanes and a 2.4 plot took
        unit = (len(shown.starts) * 0.55 + 2.4) / (len(shown.starts) * (piece_range[1] - piece_range[0])
                                                  + out_range[1] - out_range[0])
        lane_height = unit * (piece_range[1] - piece_range[0])
        self.lane_plots = [pic.SignalPlot(WINSIZE, piece_range, width, lane_height, x_numbers=False)
                           for _ in shown.starts]
        self.plot = plot = pic.SignalPlot(WINSIZE, out_range, width, unit * (out_range[1] - out_range[0]))
        right = VGroup(*self.lane_plots, plot).arrange(DOWN, buff=0.26)
        plot.shift(DOWN * 0.1)
        for lane in self.lane_plots:  # one sample axis: each lane's samples above the output's
            lane.shift(RIGHT * (plot.axes.c2p(0, 0)[0] - lane.axes.c2p(0, 0)[0]))
        VGroup(self.left, right).arrange(RIGHT, buff=0.55, aligned_edge=UP).next_to(title, DOWN, buff=0.4)
        VGroup(self.left, right).shift(LEFT * (self.left.get_left()[0] + 6.3))  # the left column at the edge
        self.lanes, self.placed = [], []
        for w, (s, lane) in enumerate(zip(shown.starts, self.lane_plots)):
            a, z = lane.axes.c2p(s - 0.3, 0)[0], lane.axes.c2p(s + KERNEL - 1 + 0.3, 0)[0]
            band = Rectangle(width=z - a, height=lane.axes.y_length + 0.1, stroke_width=0,
                             fill_color=th.MUTED_COLOR, fill_opacity=0.22)
            band.move_to([(a + z) / 2, lane.axes.get_center()[1], 0])
            label = th.text(f"window {w + 1}", th.SMALL_SIZE, th.window_color(w))
            free_right = s + KERNEL - 1 < WINSIZE - 3
            if free_right:
                label.next_to(band, RIGHT, 0.2)
            else:
                label.next_to(band, LEFT, 0.2)
            label.set_y(lane.axes.get_center()[1])
            self.lanes.append(VGroup(band, lane, label))
            self.placed.append(pic.Signal(lane, shown.pieces[w], th.window_color(w), width=3, dot_radius=0.05,
                                          offset=s, role=f"window {w + 1}"))
        # the output so far after 0, 1, 2, 3 windows (no bias), and each window's sum stacked on it
        self.sums = [np.zeros(WINSIZE)]
        for w, s in enumerate(shown.starts):
            nxt = self.sums[-1].copy()
            nxt[s:s + KERNEL] += shown.pieces[w]
            self.sums.append(nxt)
        self.stacked = [pic.Signal(plot, self.sums[w][s:s + KERNEL] + shown.pieces[w], th.window_color(w),
                                   width=3, dot_radius=0.05, offset=s, opacity=0.6)
                        for w, s in enumerate(shown.starts)]
        # each window's part of every sample, a bar in its colour stacked on the windows before it:
        # where two windows meet, two bars of about the same height, one on the other
        self.bars = [StackedBars(plot, self.sums[w][s:s + KERNEL], shown.pieces[w], s, th.window_color(w),
                                 role=f"window {w + 1} bars")
                     for w, s in enumerate(shown.starts)]
        self.total = pic.Signal(plot, self.sums[0], th.OUTPUT_COLOR, width=6, dot_radius=0.07, role="output")
        plot_name = th.text("output", th.SMALL_SIZE, th.OUTPUT_COLOR)  # top right, clear of the curves
        plot_name.next_to(plot.axes.c2p(WINSIZE - 1, plot.axes.y_range[1]), LEFT, 0.1).shift(DOWN * 0.1)
        plot.add(plot_name)

        # the output length: windows 4 apart, the last one 7 samples long; PyTorch's formula for
        # ConvTranspose1d, with the article's padding 0, dilation 1, output_padding 0, says the same
        if self.length != (n_in - 1) * STRIDE + KERNEL:
            raise ValueError(f"ConvTranspose1d gives {self.length} samples, not (n - 1)·stride + kernel")
        self.length_note = th.text(f"output: ({n_in} − 1)·{STRIDE} + {KERNEL} = {self.length} samples",
                                   th.SMALL_SIZE, th.TEXT_COLOR)
        self.length_note.next_to(caption, DOWN, 0.18).align_to(caption, LEFT)
        # what the section has done, in words, as wide as the left column may be
        column = right.get_left()[0] - 0.3 - self.left.get_left()[0]
        note_size = th.SMALL_SIZE - 2
        self.definition = paragraph(
            f"each column scales the filters; the copies, {STRIDE} samples apart, add where they overlap: "
            "a transposed convolution", note_size, th.TEXT_COLOR,
            column).next_to(self.length_note, DOWN, 0.2).align_to(caption, LEFT)

        # the frozen overlap sample: the doubled sample whose smaller term is largest
        def terms(k):
            return [(w, shown.pieces[w][k - s]) for w, s in enumerate(shown.starts) if s <= k < s + KERNEL]
        k = max(shown.doubled, key=lambda k: min(t for _, t in terms(k)))
        (wa, ta), (wb, tb) = terms(k)
        self.freeze = (k, (wa, wb), (ta, tb))
        self.places = adding_places(ta, tb, ck.dec_b, shown.output[k])  # enough digits to add up as shown
        x = plot.axes.c2p(k, 0)[0]
        self.freeze_line = DashedLine([x, self.lane_plots[0].axes.get_top()[1], 0],
                                      [x, plot.axes.c2p(k, plot.axes.y_range[0])[1], 0], color=th.TEXT_COLOR,
                                      stroke_width=2,
                                      dash_length=0.1)
        lanes = self.lane_plots
        ring_at = [(lanes[wa], ta, 0.13), (lanes[wb], tb, 0.13), (plot, shown.output[k], 0.16)]
        self.freeze_rings = VGroup(*[Circle(radius=r, color=th.TEXT_COLOR, stroke_width=3).move_to(
            where.points_for([v], k)[0]) for where, v, r in ring_at])
        size, d = th.SMALL_SIZE + 2, self.places
        head = th.text(f"sample {k}: window {wa + 1} + window {wb + 1}", th.SMALL_SIZE, th.TEXT_COLOR)
        n_a = speed.number(ta, d, size, th.window_color(wa), sign=False, role="overlap term 1")
        n_b = speed.number(tb, d, size, th.window_color(wb), sign=False, role="overlap term 2")
        n_sum = speed.number(ta + tb, d, size, th.OUTPUT_COLOR, sign=False, role="overlap sum")
        n_bias = speed.number(ck.dec_b, d, size, th.OUTPUT_COLOR, role="overlap bias")
        n_out = speed.number(shown.output[k], d, size, th.OUTPUT_COLOR, sign=False, role="overlap output")
        line1 = VGroup(n_a, th.text("+", size), n_b).arrange(RIGHT, buff=0.15)
        line2 = VGroup(th.text("=", size), n_sum).arrange(RIGHT, buff=0.15)
        opening, closing = th.text("+ b (", size), th.text(") =", size)  # "+ b (-0.0016) = 1.3088"
        n_bias.next_to(opening, RIGHT, 0.04)
        closing.next_to(n_bias, RIGHT, 0.04)
        n_out.next_to(closing, RIGHT, 0.15)
        line3 = VGroup(opening, n_bias, closing, n_out)
        VGroup(line1, line2).arrange(RIGHT, buff=0.15)
        self.terms = [VGroup(head, line1), line2, line3]
        VGroup(head, VGroup(line1, line2), line3).arrange(DOWN, aligned_edge=LEFT, buff=0.15).next_to(
            self.definition, DOWN, 0.25).align_to(caption, LEFT)

        # the doubled samples, against the curve that was encoded (named in the notes on the left:
        # on the plot every place a name would fit is taken by a bar, a ring or the output)
        self.rings = pic.Rings(plot, shown.output, th.ACCENT_COLOR, 0.16, 4, shown.doubled)
        self.target = pic.Signal(plot, curve, th.DATA_COLOR, width=3, dot_radius=0.04, role="curve")
        self.target_note = paragraph(f"{th.DATA_NAME} line: the curve that was encoded", note_size,
                                     th.DATA_COLOR, column)
        self.ratio = float(np.mean(shown.output[shown.doubled] / curve[shown.doubled]))
        # each window decoded alone (what the model was trained on) against the overlaps, as MSE
        alone = ck.decode(shown.codes.T)
        self.alone_mse = max(float(np.mean((alone[w] - curve[s:s + KERNEL]) ** 2))
                             for w, s in enumerate(shown.starts))
        d_idx = list(shown.doubled)
        self.overlap_mse = float(np.mean((shown.output[d_idx] - curve[d_idx]) ** 2))
        spans = series([f"{a}-{z}" for a, z in overlap.spans(shown.doubled)])
        self.overlap_note = paragraph(f"○ samples {spans}: two windows add; {self.ratio:.1f} times the "
                                      "curve on average", note_size, th.ACCENT_COLOR, column)
        self.outro = paragraph(why_words(self.alone_mse, self.overlap_mse), note_size, th.TEXT_COLOR, column)
        notes = VGroup(self.overlap_note, self.target_note, self.outro)
        notes.arrange(DOWN, aligned_edge=LEFT, buff=0.15).next_to(self.definition, DOWN, 0.25)
        notes.align_to(caption, LEFT)

        # a name on each window's sum as it drops onto the output, beside it where no curve is
        self.drop_labels = [drop_label(plot, f"+ window {w + 1}", self.sums[w],
                                       self.sums[w][s:s + KERNEL] + shown.pieces[w], s, th.window_color(w))
                            for w, s in enumerate(shown.starts)]


class StackedBars(VGroup):
    """A bar per sample from `bottoms` to `bottoms + values` on a SignalPlot, from sample `start`:
    one window's part of each sample, stacked on what the windows before it put there.
    `drawn_values()` reads (low, high) per bar back from where they are drawn."""

    WIDTH = 0.16

    def __init__(self, plot: pic.SignalPlot, bottoms: np.ndarray, values: np.ndarray, start: int, color: str,
                 role: str | None = None):
        super().__init__()
        self.plot, self.start, self.role = plot, start, role
        lows = plot.points_for(np.asarray(bottoms, float), start)
        highs = plot.points_for(np.asarray(bottoms, float) + np.asarray(values, float), start)
        for a, b in zip(lows, highs):
            self.add(Rectangle(width=self.WIDTH, height=max(abs(b[1] - a[1]), 1e-3), stroke_width=0,
                               fill_color=color, fill_opacity=0.85).move_to((a + b) / 2))

    def drawn_values(self) -> np.ndarray:
        axes = self.plot.axes
        return np.array([[axes.p2c(b.get_bottom())[1], axes.p2c(b.get_top())[1]] for b in self])


def drop_label(plot: pic.SignalPlot, words: str, below: np.ndarray, drop: np.ndarray, start: int,
               color: str = th.OUTPUT_COLOR):
    """`words` beside a curve (`drop`, from sample `start`) landing on another (`below`, all the
    samples): right of its last point, else left of its first, else above its top, the first place
    inside the plot's axes that keeps clear of both curves."""
    label = th.text(words, th.SMALL_SIZE, color)
    pts = plot.points_for(drop, start)

    def dense(p):  # points along a polyline, close enough that a label box cannot slip between
        return np.vstack([a + t * (b - a) for a, b in zip(p[:-1], p[1:]) for t in np.linspace(0, 1, 12)])
    curves = np.vstack([dense(plot.points_for(below)), dense(pts)])
    axes = plot.axes
    for where, side in ((pts[-1], RIGHT), (pts[0], LEFT), (pts[np.argmax(pts[:, 1])], UP)):
        label.next_to(where, side, 0.15)
        x0, x1 = label.get_left()[0] - 0.05, label.get_right()[0] + 0.05
        y0, y1 = label.get_bottom()[1] - 0.05, label.get_top()[1] + 0.05
        inside = axes.get_left()[0] + 0.3 <= x0 and x1 <= axes.get_right()[0]
        xs, ys = curves[:, 0], curves[:, 1]
        clear = not np.any((xs > x0) & (xs < x1) & (ys > y0) & (ys < y1))
        if inside and clear:
            return label
    return label


def paragraph(s: str, size: float, color: str, width: float) -> VGroup:
    """`th.lines` left-aligned: a text broken between words to lines no wider than `width`."""
    return th.lines(s, size, color, width, buff=0.1).arrange(DOWN, aligned_edge=LEFT, buff=0.1)


def adding_places(a: float, b: float, bias: float, out: float) -> int:
    """The fewest decimals (3 or more) at which a + b = sum and sum + bias = out add up as shown."""
    return next((d for d in range(3, 8)
                 if reads_true([a, b], a + b, d) and reads_true([a + b, bias], out, d)), 8)


def why_words(alone: float, overlaps: float) -> str:
    """Why the output is doubled although the loss is small, chosen by the errors (MSE)."""
    if alone * 100 < overlaps:
        return (f"trained on single {KERNEL}-sample patches, each window alone comes back with "
                f"MSE ≤ {alone:.1e}, against {overlaps:.1e} on the doubled samples")
    return f"even alone, a window comes back off (MSE up to {alone:.1e})"


class WeightedSumBoard(VGroup):
    """The weighted-sum section's pictures and state (F6), laid out under `title`: three small filter
    plots with their factors, the code readout, and the big plot where the scaled filters add up.

    State: `code` (three trackers), `scale` (per filter, 0: raw filter, 1: times its code value),
    `added` (how much of each scaled filter is in the sum), `bias` (how much of the bias).
    `update()` puts every moving part where the state says."""

    def __init__(self, ck, codes, title):
        super().__init__()
        self.ck = ck
        f_range = pic.nice_range(ck.dec_w.min() * 1.1, ck.dec_w.max() * 1.1)
        self.smalls = VGroup(*[pic.SignalPlot(KERNEL, f_range, 3.0, 1.3, f"filter {i + 1}",
                                              th.FILTER_COLORS[i]) for i in range(3)])
        self.smalls.arrange(RIGHT, buff=0.75)
        self.big = pic.SignalPlot(KERNEL, pic.output_range(ck, np.array(codes)), 7.0, 2.3)
        self.readout = pic.CodeReadout(th.LABEL_SIZE).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        self.readout_group = VGroup(th.text("code", th.LABEL_SIZE), self.readout).arrange(
            DOWN, aligned_edge=LEFT, buff=0.25)
        top = VGroup(self.readout_group, self.big).arrange(RIGHT, buff=0.6)
        VGroup(top, self.smalls).arrange(DOWN, buff=0.5).next_to(title, DOWN, buff=0.7)
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
        self.scale = [ValueTracker(0.0) for _ in range(3)]
        self.added = [ValueTracker(0.0) for _ in range(3)]
        self.bias = ValueTracker(0.0)
        zero = np.zeros(KERNEL)
        # scaled filters: filled dots in the filter's colour (the rings are the decoder's output)
        self.scaled = VGroup(*[pic.Signal(self.big, zero, th.FILTER_COLORS[i], width=2.5, dot_radius=0.045,
                                          role=f"scaled {i + 1}") for i in range(3)])
        self.total = pic.Signal(self.big, zero, th.OUTPUT_COLOR, width=6, dot_radius=0.07, stems=True,
                                role="output")
        self.decoder_out = pic.Rings(self.big, zero, th.TEXT_COLOR, role="decoder output")
        # the big plot's notes, top right where no curve of the two codes goes (checked in the tests)
        f_lo, f_hi = self.smalls[0].axes.y_range[:2]
        b_lo, b_hi = self.big.axes.y_range[:2]
        self.zoom_note = th.text(f"zoomed in: {b_lo:g} to {b_hi:g} here, {f_lo:g} to {f_hi:g} below",
                                 th.SMALL_SIZE, th.MUTED_COLOR)
        self.stems_note = th.text(f"{th.OUTPUT_NAME} stems: the sum at each sample", th.SMALL_SIZE,
                                  th.OUTPUT_COLOR)
        notes = VGroup(self.zoom_note, self.stems_note).arrange(DOWN, aligned_edge=RIGHT, buff=0.12)
        notes.align_to(self.big.axes, RIGHT).align_to(self.big.axes, UP)
        # the parts that move from the start; the big plot's join as they appear
        self.live_small = [*self.raw, *[f[1] for f in self.factors], *self.readout.numbers]
        self.update()

    def update(self) -> None:
        ck, c = self.ck, np.array([t.get_value() for t in self.code])
        for i, sig in enumerate(self.raw):
            s = self.scale[i].get_value()
            sig.set_values((1 - s + s * c[i]) * ck.dec_w[i])
            self.factors[i][1].set_value(c[i])
        self.readout.set_code(c)
        for i, sig in enumerate(self.scaled):
            sig.set_values(c[i] * ck.dec_w[i])
        weights_now = np.array([a.get_value() for a in self.added]) * c
        self.total.set_values(weights_now @ ck.dec_w + self.bias.get_value() * ck.dec_b)
        self.decoder_out.set_values(ck.decode_windows(c[:, None]))  # the checkpoint's ConvTranspose1d


def equation(size: float = th.LABEL_SIZE + 4) -> MarkupText:
    terms = " + ".join(f'<span foreground="{th.FILTER_COLORS[i]}">c{i + 1}·f{i + 1}</span>' for i in range(3))
    eq = MarkupText(f'output = {terms} + <span foreground="{th.OUTPUT_COLOR}">b</span>',
                    font=th.FONT, font_size=size, color=th.TEXT_COLOR)
    eq.plated = config.transparent  # on a plate, as every text (scenes.theme.PlateCamera)
    return eq


def _fmt(code) -> str:
    return "[" + ", ".join(f"{c:.1f}" for c in code) + "]"
