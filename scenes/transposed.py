"""`manim -pqh scenes/transposed.py`: what a transposed convolution is, exactly as PyTorch computes
it: stamps that add up, the output length, zero insertion, the transpose of a convolution's matrix,
why it is not an inverse, and the same in 2-D.

By default the numbers come from the article's trained decoder, ConvTranspose1d(3, 1, 7, stride=4)
(the model chosen by DECONV_VARIANT / DECONV_SEED), on the example curve's code, and from a small
integer example (core.explain.DEFAULTS) for the settings the article leaves at their defaults.
DECONV_CONV="kernel=3 stride=2 padding=1 output_padding=1 dilation=1 size=4" (any subset; dims=2 or
size=3x3 for 2-D; seed=N for random integers) explains that setting instead; one PyTorch refuses
stops before anything is drawn, with one line and exit status 2. Every number is computed at render
time by core.conv / core.explain. Subtitles are written beside the video as TransposedScene.srt.
"""

from __future__ import annotations

import os

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Arrow,
    DashedVMobject,
    LaggedStart,
    Line,
    Rectangle,
    SurroundingRectangle,
    VGroup,
)

from core import conv, data, story
from core import explain as ex
from core.subtitles import adds_up, count_word, factor_places, fmt, group_value, multiplies_up, series
from scenes import pictures as pic
from scenes import theme as th
from scenes.models import fail, load_model
from scenes.speed import fade_in, fade_out
from scenes.stage import Explainer

NUM = 18  # font size of the numbers in cells: 17 px tall at 720p
MAX_COLS = 16  # 1-D rows longer than this show their first MAX_COLS samples and say so
MAX_Z_COLS = 24  # the zero-inserted input: the article's 21 columns all shown, its borders included
MAX_SIDE = 8  # 2-D grids larger than this show their top-left MAX_SIDE x MAX_SIDE
STAMPS_ONE_BY_ONE = 9  # 2-D stamps animated one at a time; the rest land together
MAX_ROWS = 5  # stamp rows drawn in 1-D; the sum row counts every stamp
MAX_NUMBERS = 16  # matrices with more columns are drawn as shades, numbers left out
MAX_SHADES = 36  # larger matrices: their top-left 36 x 36 as shades


def is_whole(*arrays) -> bool:
    """Whether every value of `arrays` is a whole number (the small integer examples)."""
    return all(
        np.allclose(np.asarray(a, float), np.round(np.asarray(a, float))) for a in arrays if a is not None
    )


def formatter(*arrays) -> callable:
    """Whole numbers as integers when every value is whole, else two decimals (never '-0.00')."""
    return (
        (lambda v: fmt(round(v), 0, sign=False)) if is_whole(*arrays) else (lambda v: fmt(v, 2, sign=False))
    )


# --- pictures ------------------------------------------------------------------------------------------
class Grid(VGroup):
    """Numbers in cells, row by row (a 1-D signal is one row): `cell(r, c)`, `put(r, c, v)`, and its
    drawn values (NaN for an empty cell) under `role` in the scene's record."""

    def __init__(
        self,
        values,
        show,
        cell=(0.68, 0.44),
        size=NUM,
        color=th.TEXT_COLOR,
        colors=None,
        role=None,
        muted=None,
        zeros=False,
        margin=0.12,
    ):
        super().__init__()
        self.values = np.array(np.atleast_2d(values), dtype=float)
        self.show = (lambda v: "0" if v == 0 else show(v)) if zeros else show
        self.size, self.ch = size, cell[1]
        self.cw = max(cell[0], cell_width(self.show, size, self.values, margin=margin))
        self.rows, self.cols = self.values.shape
        self.boxes = VGroup(
            *[
                Rectangle(
                    width=self.cw,
                    height=self.ch,
                    stroke_width=1.5,
                    stroke_color=th.MUTED_COLOR,
                    stroke_opacity=0.7,
                ).move_to([c * self.cw, -r * self.ch, 0])
                for r in range(self.rows)
                for c in range(self.cols)
            ]
        )
        self.colors = (
            np.full(self.values.shape, color, dtype=object) if colors is None else np.asarray(colors)
        )
        if muted is not None:
            self.colors[np.asarray(muted, bool).reshape(self.values.shape)] = th.MUTED_COLOR
        self.nums: dict[tuple[int, int], object] = {}
        self.add(self.boxes)
        for (r, c), v in np.ndenumerate(self.values):
            if not np.isnan(v):
                self.nums[r, c] = self.number(r, c, v)
                self.add(self.nums[r, c])
        self.role = role

    def number(self, r: int, c: int, v: float, color=None):
        return th.text(self.show(v), self.size, color or self.colors[r, c]).move_to(self.cell(r, c))

    def cell(self, r: int, c: int) -> Rectangle:
        return self.boxes[r * self.cols + c]

    def cells(self, where) -> VGroup:
        return VGroup(*[self.cell(r, c) for r, c in where])

    def put(self, r: int, c: int, v: float, color=None):
        """Show v in cell (r, c): (the old number or None, the new one), for the caller to animate."""
        self.values[r, c] = v
        old, new = self.nums.get((r, c)), self.number(r, c, v, color)
        self.nums[r, c] = new
        if old is not None:
            self.remove(old)
        self.add(new)
        return old, new

    def drawn_values(self) -> np.ndarray:
        return self.values


class Shades(VGroup):
    """A matrix as shaded squares (the output colour for positive, the muted grey for negative, opacity
    by size), for matrices too large to print; at most `limit` rows and columns, from the top left
    (`shown()` says which part)."""

    def __init__(self, values, width: float, height: float, role=None, limit: int = MAX_SHADES):
        super().__init__()
        values = np.asarray(values, dtype=float)
        self.full_shape = values.shape
        self.values = values[:limit, :limit]
        top = np.abs(self.values).max() or 1.0
        rows, cols = self.values.shape
        cell = min(width / cols, height / rows, 0.5)
        for (r, c), v in np.ndenumerate(self.values):
            self.add(
                Rectangle(
                    width=cell,
                    height=cell,
                    stroke_width=0.5,
                    stroke_color=th.MUTED_COLOR,
                    stroke_opacity=0.4,
                    fill_color=th.OUTPUT_COLOR if v >= 0 else th.MUTED_COLOR,
                    fill_opacity=0.9 * abs(v) / top,
                ).move_to([c * cell, -r * cell, 0])
            )
        self.role = role

    def drawn_values(self) -> np.ndarray:
        return self.values

    def shown(self) -> str:
        """'' when the whole matrix is drawn, else ', top-left 36 × 36 shown'."""
        r, c = self.values.shape
        return "" if (r, c) == self.full_shape else f", top-left {r} × {c} shown"


def plus(values, show) -> str:
    """Terms of a sum as written: '0.486 + 0.470', '0.384 - 0.013' (never '+ -0.013')."""
    out = ""
    for n, v in enumerate(values):
        out += show(v) if n == 0 else (f" - {show(-v)}" if v < 0 else f" + {show(v)}")
    return out


def cell_width(show, size: float, *arrays, margin: float = 0.12) -> float:
    """The cell width that fits every number of `arrays` as `show` writes it, with a margin."""
    shown = sorted({show(v) for a in arrays for v in np.ravel(a) if not np.isnan(v)})  # sorted: the same
    widest = max(shown, key=len, default="0")  # widest in every run (a set's order changes with the process)
    return th.text(widest.replace("1", "0"), size).width + margin


def k_fits(b) -> bool:
    """Whether the kernel's values fit on one line of text."""
    return b.weight.size <= 9


def caption_under(title, words: str):
    """A caption under a title: one line, or two split at '; ' when one is wider than the 5% margins
    (narrowed only if it still is)."""
    line = th.text(words, th.SMALL_SIZE)
    if line.width > 12.6 and "; " in words:
        first, rest = words.split("; ", 1)
        line = VGroup(th.text(first + ";", th.SMALL_SIZE), th.text(rest, th.SMALL_SIZE)).arrange(
            DOWN, buff=0.08
        )
    if line.width > 12.6:
        line.scale_to_fit_width(12.6)
    return line.next_to(title, DOWN, 0.15)


def labelled(label: str, picture, color=th.TEXT_COLOR, buff=0.25, above=False):
    """A picture with its name to its left (or above it, left-aligned)."""
    name = th.text(label, th.SMALL_SIZE, color)
    if above:
        return VGroup(name, picture).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
    return VGroup(name, picture).arrange(RIGHT, buff=buff)


def index_row(n: int, cw: float, start: int = 0) -> VGroup:
    """Sample numbers 0 1 2 ... in the muted colour, one per column."""
    return VGroup(
        *[
            th.text(str(start + i), th.SMALL_SIZE - 2, th.MUTED_COLOR).move_to([i * cw, 0, 0])
            for i in range(n)
        ]
    )


# --- the scene ---------------------------------------------------------------------------------------------
class TransposedScene(Explainer):
    def construct(self):
        try:
            chosen = os.environ.get(ex.ENV, "").strip()
            self.setting = ex.parse(chosen) if chosen else None
        except conv.ConvError as e:
            fail(str(e))
        # only the article's numbers need a checkpoint: a DECONV_CONV setting renders without one
        self.ck = load_model() if self.setting is None else None
        if self.setting is None:  # the article's decoder, then the default small examples
            self.main = ex.article(self.ck, story.demo_curve()[1])
            self.small = ex.of_setting(ex.setting(1))
            self.flat = ex.of_setting(ex.setting(2))
        else:
            s = self.setting
            self.main = self.small = ex.of_setting(s)
            self.flat = (
                self.main
                if s.dims == 2
                else ex.of_setting(
                    ex.setting(
                        2, s.seed, **{n: getattr(s, n)[0] for n in ex.PER_AXIS[:-1]}, size=min(s.size[0], 4)
                    )
                )
            )
        self.show = formatter(self.main.x, self.main.weight, self.main.output)
        self.whole = is_whole(self.main.x, self.main.weight, self.main.bias)

        self.next_section("by-hand")
        self.by_hand()  # no model, no setting: no footer naming one
        self.begin("stamp")
        self.set_footer(True)
        self.stamp() if self.main.dims == 1 else self.stamp_2d(self.main, "stamp")
        self.begin("output-length")
        self.output_length()
        self.begin("zero-insertion")
        if self.article:  # the rule on the numbers worked by hand, then the trained decoder, briefly
            self.set_footer(False)
            self.zero_insertion(ex.by_hand())
            self.clear_stage()
            self.set_footer(True)  # the decoder comes in here: named from now, for its first seconds
            self.zero_insertion(self.main, brief=True)
        else:
            self.set_footer(True)
            self.zero_insertion(self.main)
        self.begin("matrix")
        self.set_footer(not self.article)  # by default the kernel worked by hand: no model
        self.matrix()
        self.begin("not-an-inverse")
        self.set_footer(not self.article)  # by default the model comes in with the trained decoder
        self.not_an_inverse()
        self.begin("in-2-d")
        self.set_footer(not self.article)  # by default a small integer example: no model
        self.in_2d()

    def set_footer(self, shown: bool) -> None:
        """The footer naming the model (or the DECONV_CONV setting) on, from this section, or off."""
        if shown and self.footer is None:
            self.show_footer(self.footer_text())
        elif not shown and self.footer is not None:
            self.remove(self.footer)
            self.footer = None

    def footer_text(self):
        if self.setting is None:
            return pic.footer(self.ck)
        size = "x".join(map(str, self.setting.size))
        return th.text(
            f"explaining {self.setting.describe()}, {size} inputs (set by DECONV_CONV)",
            th.SMALL_SIZE - 4,
            th.MUTED_COLOR,
        ).to_corner(DOWN + LEFT, buff=0.1)

    @property
    def article(self) -> bool:
        return self.setting is None

    def input_name(self) -> str:
        return "input: the code" if self.article else "input x"

    def output_name(self) -> str:
        return "output: the curve" if self.article else "output y"

    # --- 0. the question, answered with small whole numbers (one channel, no model) -----------------------
    def by_hand(self):
        """Input 1, 2, 3 and kernel 1, 2, 3 at stride 2 (core.explain.by_hand): each input scales a
        copy of the kernel, the copy slides to i × stride on its own row, then each column's numbers
        drop into the output and add. Opens on the question (3 numbers into 7?), ends on its answer."""
        b = ex.by_hand()
        show = formatter(b.x, b.weight, b.output)
        x, k, s = b.x[0], b.weight[0, 0], b.stride[0]
        n_in, n_k, n_out = len(x), len(k), b.output.shape[1]
        cw, ch, pitch = 0.75, 0.5, 0.62
        title = th.title(f"Transposed convolution: how do {n_in} numbers become {n_out}?")
        if title.width > 12.6:
            title.scale_to_fit_width(12.6).to_edge(UP, buff=0.45)
        xin = Grid(x, show, cell=(cw, ch), role="input")
        kern = Grid(k, show, cell=(cw, ch), color=th.FILTER_COLORS[0], role="kernel")
        out = Grid(np.full(n_out, np.nan), show, cell=(cw, ch))
        qs = VGroup(*[th.text("?", NUM, th.MUTED_COLOR).move_to(out.cell(0, c)) for c in range(n_out)])
        x_name = th.text("input", th.SMALL_SIZE)
        out_name = th.text("output", th.SMALL_SIZE, th.OUTPUT_COLOR)
        # the question's picture: 3 numbers, an arrow, 7 empty samples
        xin.move_to([-4.2, 0.6, 0])
        VGroup(out, qs).move_to([1.9, 0.6, 0])
        arrow = Arrow(xin.get_right(), out.get_left(), buff=0.3, color=th.MUTED_COLOR, stroke_width=3)
        x_name.next_to(xin, UP, 0.15).align_to(xin, LEFT)
        out_name.next_to(out, UP, 0.15).align_to(out, LEFT)
        self.say(f"How does a transposed convolution turn {count_word(n_in)} numbers into "
                 f"{count_word(n_out)}?")
        self.play(fade_in(title), fade_in(xin, x_name, arrow, out, qs, out_name), run_time=1.5)
        self.let_read()

        # the working layout: input and kernel on top, one row per input below, the output at the bottom
        x0, top_y = -2.6, 0.75  # column 0 of the rows; the first row
        rows = [Grid(np.full(n_out, np.nan), show, cell=(cw, ch)) for _ in range(n_in)]
        for i, g in enumerate(rows):
            g.move_to([x0, top_y - i * pitch, 0], aligned_edge=LEFT)
        out_at = [x0, top_y - n_in * pitch - 0.2, 0]
        idx = index_row(n_out, cw)
        for c, m in enumerate(idx):
            m.move_to(rows[0].cell(0, c)).shift(UP * 0.45)
        names = VGroup(*[th.text(f"x[{i}] × kernel", th.SMALL_SIZE - 2, th.MUTED_COLOR)
                         .next_to(g, LEFT, 0.25) for i, g in enumerate(rows)])
        rule = Line(rows[0].get_left(), rows[0].get_right(), stroke_width=2, color=th.MUTED_COLOR)
        rule.move_to([rows[0].get_center()[0], out_at[1] + ch / 2 + 0.1, 0])
        ask = VGroup(out, qs)
        head = VGroup(
            VGroup(th.text("input x", th.SMALL_SIZE), xin.copy()).arrange(DOWN, buff=0.12, aligned_edge=LEFT),
            VGroup(th.text("kernel", th.SMALL_SIZE, th.FILTER_COLORS[0]), kern)
            .arrange(DOWN, buff=0.12, aligned_edge=LEFT),
            th.text(f"stride {s}", th.SMALL_SIZE),
        ).arrange(RIGHT, buff=0.9, aligned_edge=DOWN).move_to([0, 2.05, 0])
        x_to = head[0][1].get_center()
        self.say(f"Take the input {series([show(v) for v in x])}, the kernel {series([show(v) for v in k])}, "
                 f"and stride {s}.")
        self.play(
            xin.animate.move_to(x_to),
            ask.animate.move_to(out_at, aligned_edge=LEFT),
            out_name.animate.move_to([out_at[0] - 0.25 - out_name.width / 2, out_at[1], 0]),
            fade_out(arrow, x_name),
            fade_in(head[0][0], head[1], head[2], idx, *rows, rule),
            run_time=1.5,
        )

        # each input: a copy of the kernel drops onto its row, is scaled, and slides to i × stride
        stamps = []
        for i in range(n_in):
            box = SurroundingRectangle(xin.cell(0, i), color=th.TEXT_COLOR, buff=0.05)
            copy = VGroup(*[kern.nums[0, t].copy() for t in range(n_k)])
            scaled = Grid(x[i] * k, show, cell=(cw, ch), color=th.FILTER_COLORS[0], role=f"stamp {i}")
            scaled.boxes.set_stroke(opacity=0)  # the row's own cells frame it
            scaled.shift(rows[i].cell(0, 0).get_center() - scaled.cell(0, 0).get_center())
            words = series([show(v) for v in x[i] * k])
            self.say(f"Input x[{i}] = {show(x[i])}: the kernel times {show(x[i])} is {words}.")
            self.play(fade_in(box), run_time=0.4)
            self.play(*[n.animate.move_to(scaled.cell(0, t)) for t, n in enumerate(copy)], run_time=0.9)
            self.play(fade_out(copy), fade_in(*scaled.nums.values(), names[i]), run_time=0.8)
            self.remove(*scaled.nums.values())
            self.add(scaled)
            self.let_read()
            shift = i * s
            self.say(f"That copy lands at {i} × {s} = {shift}." if i else "The first copy lands at 0.")
            if shift:
                self.play(scaled.animate.shift(RIGHT * shift * cw), fade_out(box), run_time=1.0)
            else:
                self.play(fade_out(box), run_time=0.5)
            stamps.append(scaled)

        # the columns add: every number drops into the output sample below it
        total = Grid(b.output[0], show, cell=(cw, ch), color=th.OUTPUT_COLOR, role="output")
        total.move_to(out)
        drops, movers, shared = [], [], []
        for c in range(n_out):
            here = [st.nums[0, c - i * s].copy() for i, st in enumerate(stamps) if 0 <= c - i * s < n_k]
            movers += here
            drops.append(AnimationGroup(*[m.animate.move_to(total.cell(0, c)) for m in here]))
            if len(here) > 1:
                shared.append((c, [float(x[i] * k[c - i * s]) for i in range(n_in) if 0 <= c - i * s < n_k]))
        sums = "; ".join(f"{plus(t, show)} = {show(b.output[0, c])}" for c, t in shared)
        self.say("Now add each column: its numbers drop into the output sample below.",
                 f"Where two copies overlap, they add: {sums}.")
        self.play(fade_out(qs), run_time=0.4)
        self.add(*movers)
        self.play(LaggedStart(*drops, lag_ratio=0.5), run_time=3.0)
        self.remove(out)
        self.add(total.boxes)
        self.play(fade_out(*movers), fade_in(*total.nums.values()), run_time=0.8)
        self.remove(total.boxes, *total.nums.values())
        self.add(total)
        cols = VGroup(*[SurroundingRectangle(VGroup(*[g.cell(0, c) for g in rows], total.cell(0, c)),
                                             color=th.ACCENT_COLOR, buff=0.04) for c, _ in shared])
        note = th.text("   ".join(f"sample {c}: {plus(t, show)} = {show(b.output[0, c])}" for c, t in shared),
                       th.SMALL_SIZE, th.ACCENT_COLOR).next_to(total, DOWN, buff=0.35).set_x(0)
        self.play(fade_in(cols, note), run_time=0.8)
        answer = th.text(f"each input scales the kernel; the copy lands at i × stride; overlaps add: "
                         f"{n_out} samples from {n_in}", th.SMALL_SIZE).next_to(note, DOWN, buff=0.3)
        if answer.width > 12.6:
            answer.scale_to_fit_width(12.6)
        self.say("So: each input scales the kernel, the copy lands at i × stride,",
                 "and where copies overlap, they add.")
        self.play(fade_in(answer), run_time=0.8)
        self.payoff()

    # --- 1. the definition: stamps that add ---------------------------------------------------------------
    def stamp(self):
        b, show = self.main, self.show
        c_in, n_in = b.x.shape
        k = b.kernel[0]
        bias = float(b.bias[0]) if b.bias is not None else None
        title = th.title("A transposed convolution stamps the kernel")
        caption = caption_under(
            title,
            "each input value scales the kernel; the copy lands at i × stride "
            f"(stride {b.stride[0]}); overlaps add",
        )
        chan = [th.FILTER_COLORS[c % 3] for c in range(c_in)]
        n_x = min(n_in, MAX_COLS)
        many = c_in > 1
        # the products drawn (position 0's copy per channel; with one channel, every row's) read true:
        # input and kernel written with as many places as that takes, the copies with two
        products = (
            [(b.x[c, 0], b.weight[c, 0, t]) for c in range(c_in) for t in range(k)]
            if many
            else [(b.x[0, i], b.weight[0, 0, t]) for i in range(min(n_in, MAX_ROWS)) for t in range(k)]
        )
        px, pk = factor_places(products) if not self.whole else (0, 0)
        show_x = (lambda v: fmt(v, px, sign=False)) if not self.whole else show
        show_k = (lambda v: fmt(v, pk, sign=False)) if not self.whole else show
        xin = Grid(
            b.x[:, :n_x],
            show_x,
            colors=np.array([[chan[c]] * n_x for c in range(c_in)], dtype=object),
            role="input",
        )
        kern = Grid(
            b.weight[:, 0],
            show_k,
            colors=np.array([[chan[c]] * k for c in range(c_in)], dtype=object),
            role="kernel",
        )
        top = (
            VGroup(
                labelled(
                    self.input_name() + (f": {c_in} channels × {n_in} positions" if many else ""),
                    xin,
                    above=True,
                ),
                labelled(f"kernel: {c_in} channels × {k} taps" if many else "kernel", kern, above=True),
            )
            .arrange(RIGHT, buff=0.9, aligned_edge=UP)
            .next_to(caption, DOWN, buff=0.3)
        )
        if top.width > 12.6:
            top.scale_to_fit_width(12.6).next_to(caption, DOWN, buff=0.3)

        n_full = b.full.shape[1]
        shown = min(n_full, MAX_COLS)
        # one row per input position: its stamp (with several input channels, their sum: the decoder
        # video's weighted sum of filters)
        pos_stamps = []
        n_rows = min(MAX_ROWS, len([i for i in range(n_in) if i * b.stride[0] < shown]))
        for i in range(n_rows):
            row = np.full(shown, np.nan)
            vals = sum(st.values[0] for st in b.stamps if st.index == (i,))
            for t in range(k):
                if i * b.stride[0] + t * b.dilation[0] < shown:
                    row[i * b.stride[0] + t * b.dilation[0]] = vals[t]
            pos_stamps.append(row)
        out_vals = b.full[0, :shown] + (bias or 0.0)
        cw = max(0.6, cell_width(show, NUM, *pos_stamps, out_vals, *(st.values[0] for st in b.stamps)))
        ch = 0.44
        stamp_color = th.OUTPUT_COLOR if many else th.FILTER_COLORS[0]
        rows = VGroup(
            *[
                Grid(r, show, cell=(cw, ch), color=stamp_color, role=f"stamp {i}")
                for i, r in enumerate(pos_stamps)
            ]
        )
        for i, g in enumerate(rows):
            g.move_to([0, -0.52 * i, 0], aligned_edge=LEFT)
        total = Grid(
            out_vals,
            show,
            cell=(cw, ch),
            color=th.OUTPUT_COLOR,
            role="output" if not self.crops(b) else "stamped sum",
        )
        total.move_to([0, -0.52 * n_rows - 0.22, 0], aligned_edge=LEFT)
        idx = index_row(shown, cw).move_to(rows[0], aligned_edge=LEFT).shift(UP * 0.45 + RIGHT * 0.0)
        for i, m in enumerate(idx):
            m.set_x(rows[0].cell(0, i).get_x())
        names = VGroup(
            *[
                th.text(
                    f"position {i}" if many else f"x[{i}] × kernel", th.SMALL_SIZE - 2, th.MUTED_COLOR
                ).next_to(g, LEFT, 0.25)
                for i, g in enumerate(rows)
            ]
        )
        summed = "sum" + (" + bias" if bias is not None else "")
        total_name = th.text(
            f"{summed}, before cropping" if self.crops(b) else f"{self.output_name()} = {summed}",
            th.SMALL_SIZE - 2,
            th.OUTPUT_COLOR,
        ).next_to(total, LEFT, 0.25)
        # with several input channels, position 0's copies one per channel first: they add into its stamp
        chan_rows, chan_names = VGroup(), VGroup()
        if many:
            for c in range(c_in):
                row = np.full(shown, np.nan)
                at = [t * b.dilation[0] for t in range(k) if t * b.dilation[0] < shown]
                row[at] = b.stamps[c * n_in].values[0][: len(at)]  # channel c's stamp of position 0
                g = Grid(row, show, cell=(cw, ch), color=chan[c], role=f"channel {c + 1} copy")
                g.move_to([0, -0.52 * c, 0], aligned_edge=LEFT)
                chan_rows.add(g)
                chan_names.add(
                    th.text(f"c{c + 1} × filter {c + 1}", th.SMALL_SIZE - 2, chan[c]).next_to(g, LEFT, 0.25)
                )
        rule = Line(
            total.get_corner(UP + LEFT) + UP * 0.1,
            total.get_corner(UP + RIGHT) + UP * 0.1,
            stroke_width=2,
            color=th.MUTED_COLOR,
        )
        block = VGroup(idx, rows, names, total, total_name, rule, chan_rows, chan_names)
        if block.width > 12.6:
            block.scale_to_fit_width(12.6)
        block.next_to(top, DOWN, buff=0.45).set_x(0)

        # the first output sample two stamps reach, and its terms
        j = int(np.flatnonzero(b.counts >= 2)[0]) if (b.counts >= 2).any() else 0
        j = min(j, shown - 1)
        terms = [pos_stamps[i][j] for i in range(n_rows) if not np.isnan(pos_stamps[i][j])]
        value = b.full[0, j] + (bias or 0.0)
        places = adds_up(terms + ([bias] if bias is not None else []), value, 3)  # adds up as written
        exact = (lambda v: fmt(v, places, sign=False)) if not self.whole else show
        sum_text = plus(terms, exact)
        plus_bias = f" + bias {exact(bias)}" if bias is not None else ""
        column = SurroundingRectangle(
            VGroup(*[g.cell(0, j) for g in rows], total.cell(0, j)), color=th.ACCENT_COLOR, buff=0.04
        )
        note = th.text(
            f"sample {j}: {sum_text}{plus_bias} = {exact(value)}   ({len(terms)} stamps)",
            th.SMALL_SIZE,
            th.ACCENT_COLOR,
        ).next_to(block, DOWN, buff=0.3)
        left_out = [f"samples 0-{shown - 1} of 0-{n_full - 1} shown"] if n_full > shown else []
        if n_rows < n_in:
            left_out.append(f"rows of x[{n_rows}] to x[{n_in - 1}] not drawn; the sum counts them")
        more = VGroup(*[th.text(t, th.SMALL_SIZE - 2, th.MUTED_COLOR) for t in left_out])
        if left_out:
            more.arrange(DOWN, buff=0.08).next_to(note, DOWN, 0.15)
        below = VGroup(block, note, more, column)
        if below.get_bottom()[1] < -3.55:  # many rows: fit inside the bottom margin, above the footer
            below.scale((top.get_bottom()[1] - 0.3 + 3.55) / below.height).next_to(top, DOWN, buff=0.3)

        self.say("A transposed convolution: each input value scales the kernel.")
        self.play(fade_in(title), fade_in(caption, top), run_time=1.5)
        if many:
            self.say(
                "Here: a trained decoder. Its input, the code, is a few numbers that stand for a curve;",
                "its output is that curve.",
                f"The code has {c_in} channels at {n_in} positions.",
                f"Each channel has its own kernel of {k} weights, or taps: that channel's filter.",
            )
        self.play(fade_in(idx, more), run_time=0.6)
        if many:  # position 0's copies, one per channel, slide together and add into its stamp
            box = SurroundingRectangle(
                xin.cells([(r, 0) for r in range(c_in)]), color=th.TEXT_COLOR, buff=0.04
            )
            self.say(
                "Position 0: each channel's value scales its own kernel;",
                f"the {c_in} copies add into one stamp.",
            )
            self.play(fade_in(box, chan_rows, chan_names), run_time=1.5)
            copies = np.array([b.stamps[c * n_in].values[0] for c in range(c_in)])  # (c_in, k)
            # the tap where the copies cancel most (they differ in sign), else where they weigh most
            weight = np.abs(copies).sum(axis=0)
            cancel = weight - np.abs(copies.sum(axis=0))
            t = int(np.argmax(cancel if cancel.max() > 1e-12 else weight))
            tap_places = adds_up(copies[:, t], copies[:, t].sum(), 2)
            written = (lambda v: fmt(v, tap_places, sign=False)) if not self.whole else show
            tap_sum = f"{plus(copies[:, t], written)} = {written(copies[:, t].sum())}"
            tap = SurroundingRectangle(VGroup(*[g.cell(0, t) for g in chan_rows]), color=th.OUTPUT_COLOR,
                                       buff=0.04)
            added = th.text(f"tap {t}: {tap_sum}", th.SMALL_SIZE, th.OUTPUT_COLOR).next_to(
                chan_rows, DOWN, buff=0.35).align_to(chan_rows, LEFT)
            added.role, added.drawn_values = "tap sum", lambda: np.append(copies[:, t], copies[:, t].sum())
            self.say(f"Tap {t}: {tap_sum}.")
            self.play(fade_in(tap, added), run_time=0.8)
            self.let_read()
            self.play(
                *[g.animate.move_to(rows[0]) for g in chan_rows],
                tap.animate.move_to(rows[0].cell(0, t)).stretch_to_fit_height(ch + 0.08),
                fade_out(chan_names),
                run_time=1.2,
            )
            self.play(fade_out(chan_rows, box), fade_in(rows[0], names[0]), run_time=0.8)
            self.let_read()
            self.play(fade_out(tap, added), run_time=0.5)
        for i, (g, name) in enumerate(zip(rows, names)):
            if many and i == 0:
                continue
            if i == 1:
                self.say(f"Each stamp lands {b.stride[0]} samples after the last: at i × stride.")
            box = SurroundingRectangle(
                xin.cells([(r, i) for r in range(c_in)]), color=th.TEXT_COLOR, buff=0.04
            )
            self.play(fade_in(box), run_time=0.5)
            self.play(fade_in(g, name), fade_out(box), run_time=1.2)
        self.say(
            "Where stamps overlap, they add: sum each column"
            + (f", plus the bias, {exact(bias)}." if bias is not None else "."),
            *(["The bias: one number the decoder adds to every sample."] if bias is not None else []),
        )
        self.play(fade_in(rule, total, total_name), run_time=1.2)
        self.say(
            f"Sample {j} gets {len(terms)} stamps: {sum_text}{plus_bias} = {exact(value)}."
            if len(terms) > 1
            else f"Sample {j} gets one stamp: {sum_text}{plus_bias}."
        )
        self.play(fade_in(column), run_time=0.6)
        if not self.whole:  # the boxed column rewritten with the note's places: it adds up as drawn
            olds, news = [], []
            for g in [*rows, total]:
                if (0, j) in g.nums:
                    old = g.nums[0, j]
                    new = th.text(exact(g.values[0, j]), g.size, old.get_color()).move_to(old)
                    new.scale(g.cell(0, j).width / g.cw)  # the grid's scale, as drawn
                    room = g.cell(0, j).width - 0.04
                    if new.width > room:
                        new.scale_to_fit_width(room)
                    g.remove(old)
                    g.add(new)
                    g.nums[0, j] = new
                    olds.append(old)
                    news.append(new)
            self.add(*olds)
            self.play(fade_out(*olds), fade_in(*news), run_time=0.6)
        self.play(fade_in(note), run_time=0.8)
        if n_full > shown:
            self.say(f"Only samples 0 to {shown - 1} of {n_full} fit on screen.")
        self.payoff()

    @staticmethod
    def crops(b: ex.Breakdown) -> bool:
        return any(b.padding) or any(b.output_padding)

    # --- 1 (2-D) and 6: stamp and add on a grid -----------------------------------------------------------
    def stamp_2d(self, b: ex.Breakdown, section: str):
        show = formatter(b.x, b.weight, b.output)
        title = th.title(
            "A transposed convolution in 2-D"
            if section != "stamp"
            else "A transposed convolution stamps the kernel"
        )
        caption = caption_under(title, self.setting_words(b))
        h, w = b.x.shape[1:]
        hs, ws = min(h, MAX_SIDE), min(w, MAX_SIDE)
        cell = (0.6, 0.4)
        xin = Grid(b.x[0, :hs, :ws], show, cell=cell, role="input")
        kern = Grid(b.weight[0, 0], show, cell=cell, color=th.FILTER_COLORS[0], role="kernel")
        part = "" if (hs, ws) == (h, w) else f"\n(top-left {hs} × {ws}\nof {h} × {w})"
        left = VGroup(
            labelled("input x" + part.replace("\n", " ", 1), xin, above=True),
            labelled("kernel", kern, above=True),
        ).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        fh, fw = b.full.shape[1:]
        fhs, fws = min(fh, MAX_SIDE + 2), min(fw, MAX_SIDE + 2)
        full = Grid(np.full((fhs, fws), np.nan), show, cell=cell, color=th.OUTPUT_COLOR, role="stamped sum")
        VGroup(left, full).arrange(RIGHT, buff=0.8).next_to(caption, DOWN, buff=0.45)
        part = "" if (fhs, fws) == (fh, fw) else f"\n(top-left {fhs} × {fws} of {fh} × {fw})"
        full_label = th.text(f"every stamp added, before cropping{part}", th.SMALL_SIZE - 2, th.MUTED_COLOR)
        full_label.next_to(full, UP, 0.12)
        both = VGroup(left, full, full_label)
        if both.width > 12.6:
            both.scale_to_fit_width(12.6)
        if both.get_bottom()[1] < -2.9:
            both.scale((caption.get_bottom()[1] - 0.3 + 2.9) / both.height).next_to(caption, DOWN, buff=0.3)
        both.next_to(caption, DOWN, buff=0.3).set_x(0)
        self.say("In 2-D: each input pixel scales the kernel and stamps it, stride apart.")
        self.play(fade_in(title), fade_in(caption, left, full, full_label), run_time=1.5)
        acc = np.zeros((fh, fw))
        stamps = [st for st in b.stamps if st.index[0] < hs and st.index[1] < ws]
        batch_new, batch_old = {}, []
        for n, st in enumerate(stamps):
            one_by_one = n < STAMPS_ONE_BY_ONE
            changes = {}
            for taps, pos in zip(np.ndindex(*b.kernel), st.positions(b.dilation)):
                acc[pos] += st.values[(0, *taps)]
                if pos[0] < fhs and pos[1] < fws:
                    changes[pos] = full.put(*pos, acc[pos])
            if one_by_one:
                box = SurroundingRectangle(xin.cell(*st.index), color=th.TEXT_COLOR, buff=0.03)
                olds = [o for o, _ in changes.values() if o is not None]
                news = [m for _, m in changes.values()]
                self.play(
                    fade_in(box, *news), *([fade_out(*olds)] if olds else []), run_time=0.9 if n < 2 else 0.35
                )
                self.remove(box)
                continue
            for pos, (old, new) in changes.items():  # the rest together: what was shown goes, the totals come
                if pos not in batch_new and old is not None:
                    batch_old.append(old)
                batch_new[pos] = new
        if batch_new:
            if len(stamps) > STAMPS_ONE_BY_ONE:
                self.say(f"The other {len(stamps) - STAMPS_ONE_BY_ONE} stamps, all at once.")
            self.play(
                fade_in(*batch_new.values()), *([fade_out(*batch_old)] if batch_old else []), run_time=1.0
            )
        self.record()
        # the pixel with the most stamps in the drawn part, and its terms
        counts = b.counts[:fhs, :fws]
        r, c = np.unravel_index(int(np.argmax(counts)), counts.shape)
        terms = b.terms((r, c))
        term_text = " + ".join(show(st.values[(0, *t)]) for st, t in terms)
        ring = SurroundingRectangle(full.cell(r, c), color=th.ACCENT_COLOR, buff=0.03)
        note = th.text(
            f"pixel ({r}, {c}) of the sum: {len(terms)} stamps, {term_text} = {show(b.full[0, r, c])}",
            th.SMALL_SIZE,
            th.ACCENT_COLOR,
        ).next_to(both, DOWN, buff=0.3)
        self.say(
            f"Pixel ({r}, {c}) of the sum gets {len(terms)} stamps: {term_text} = {show(b.full[0, r, c])}."
            if len(term_text) < 40
            else f"Pixel ({r}, {c}) of the sum gets {len(terms)} stamps; they add."
        )
        self.play(fade_in(ring, note), run_time=0.8)
        more = (fh, fw) != (fhs, fws)
        if more:
            self.say(f"Only the top-left {fhs} by {fws} of {fh} by {fw} fit on screen.")
        if self.crops(b):  # the crop, drawn: what padding removes goes dark; what is kept is the output
            rows, cols = b.kept()
            inside = np.zeros((fhs, fws), bool)
            inside[rows.start:min(rows.stop, fhs), cols.start:min(cols.stop, fws)] = True
            shade = VGroup(*[full.cell(i, j).copy().set_fill(th.BACKGROUND_COLOR, 0.7).set_stroke(width=0)
                             for (i, j), k in np.ndenumerate(inside) if not k])
            kept = SurroundingRectangle(full.cells(list(zip(*np.nonzero(inside)))), color=th.OUTPUT_COLOR,
                                        buff=0.02)
            kept.role, kept.drawn_value = "kept", lambda: float(inside.sum())
            p, op = b.padding, b.output_padding
            self.let_read()
            self.say(f"Padding {ex.axes_text(p)} crops {self.axes_words(p, 'row', 'column')} off each border "
                     "of the stamped sum;" if any(p) else "",
                     f"output_padding {ex.axes_text(op)} keeps {self.axes_words(op, 'row', 'column')} more "
                     "at the end;" if any(op) else "",
                     f"what is left is the output: {' by '.join(map(str, b.out_size))} pixels.")
            self.play(fade_out(ring), fade_in(shade), run_time=1.2)
            self.play(fade_in(kept), run_time=0.8)
        self.payoff()

    def stamp_counts(self, b: ex.Breakdown):
        """How many stamps reach each output pixel: the checkerboard."""
        kept = b.counts[b.kept()]
        ks = kept[:MAX_SIDE, :MAX_SIDE]
        # red means overlap: a pixel two or more stamps reach is red, brighter the more; one stamp, none
        top = max(int(ks.max()), 2)
        heat = VGroup(
            *[
                Rectangle(
                    width=0.5,
                    height=0.5,
                    stroke_width=1,
                    stroke_color=th.MUTED_COLOR,
                    fill_color=th.ACCENT_COLOR,
                    fill_opacity=0.0 if v < 2 else 0.35 + 0.5 * (v - 2) / max(top - 2, 1),
                ).move_to([cc * 0.5, -rr * 0.5, 0])
                for (rr, cc), v in np.ndenumerate(ks)
            ]
        )
        nums = VGroup(*[th.text(str(v), th.SMALL_SIZE).move_to(heat[i]) for i, v in enumerate(ks.ravel())])
        grid = VGroup(heat, nums)
        grid.role = "stamps per pixel"
        grid.drawn_values = lambda: ks.astype(float)
        levels = sorted(set(np.unique(kept).tolist()))
        shown_more = "" if kept.shape == ks.shape else f" (top-left {ks.shape[0]} x {ks.shape[1]} shown)"
        head = th.text(
            f"stamps per output pixel, after cropping{shown_more};"
            "\nred: 2 or more overlap, brighter for more",
            th.SMALL_SIZE - 2,
            th.MUTED_COLOR,
        )
        words = counts_words(levels)
        inside = b.interior_counts()
        inner = sorted(set(np.unique(inside).tolist())) if inside.size else levels
        even = len(inner) == 1
        link = (
            f"inside, every pixel gets {inner[0]}: no checkerboard"
            + ("; only the borders get fewer" if len(levels) > 1 else "")
            if even
            else f"inside, pixels get {counts_words(inner)} stamps: a checkerboard (the overlap video, next)"
        )
        title2 = th.title("How many stamps reach each pixel")
        caption = caption_under(title2, self.setting_words(b))
        show = formatter(b.output)
        out = b.output[0, :MAX_SIDE, :MAX_SIDE]
        og = Grid(out, show, cell=(0.5, 0.5), color=th.OUTPUT_COLOR, role="output")
        out_part = "" if out.shape == b.output.shape[1:] else f" (top-left {out.shape[0]} × {out.shape[1]})"
        body = VGroup(
            VGroup(head, grid).arrange(DOWN, buff=0.25),
            labelled(f"output y{out_part}", og, th.OUTPUT_COLOR, above=True),
        ).arrange(RIGHT, buff=0.9, aligned_edge=DOWN)
        if body.width > 12.6:
            body.scale_to_fit_width(12.6)
        body.next_to(caption, DOWN, buff=0.35)
        tail = th.text(link, th.SMALL_SIZE, th.ACCENT_COLOR).next_to(body, DOWN, buff=0.3)
        self.say(
            f"Count the stamps each output pixel gets: {words}."
            if len(levels) > 1
            else f"Every output pixel gets {levels[0]} stamps."
        )
        self.play(fade_in(title2), fade_in(caption, body), run_time=1.2)
        self.say(
            "Uneven counts inside: a checkerboard; the overlap video, next, fixes it."
            if not even
            else f"Inside, every pixel gets {inner[0]}: no checkerboard here."
        )
        self.play(fade_in(tail), run_time=0.8)
        self.payoff()

    # --- 2. the output length -----------------------------------------------------------------------------
    def output_length(self):
        title = th.title("How long is the output?")
        formula = th.text(
            "L_out = (L_in − 1) · stride − 2 · padding + dilation · (kernel − 1) + output_padding + 1",
            th.SMALL_SIZE,
        ).next_to(title, DOWN, 0.25)
        a = self.main
        lines = VGroup(*[th.text(self.filled(a, d), th.SMALL_SIZE, th.OUTPUT_COLOR) for d in range(a.dims)])
        lines.arrange(DOWN, buff=0.12, aligned_edge=LEFT).next_to(formula, DOWN, 0.2)
        # dilation defined as the formula comes (no term on screen before it is), beside the numbers
        two, three = "dilation: tap spacing\n(1: side by side)", "dilation:\ntap spacing\n(1: side by side)"
        for words in (two, three):
            terms = th.text(words, th.SMALL_SIZE - 2, th.MUTED_COLOR).next_to(lines, RIGHT, 0.35)
            if terms.get_right()[0] <= 6.4:
                break
        if terms.get_right()[0] > 6.4:  # no room beside: under the formula, the rest moved down for it
            terms.next_to(formula, DOWN, 0.08)
            lines.next_to(terms, DOWN, 0.15)
        formula.add(terms)
        self.say("A transposed convolution's output length follows from its settings:",
                 "one formula, from PyTorch's documentation.",
                 "Dilation spaces the kernel's taps apart; 1 means no gaps.")
        self.play(fade_in(title), fade_in(formula), run_time=1.5)
        said = self.filled(a, 0).replace("·", "×")
        self.say(
            (
                "The trained decoder: " + said
                if self.article
                else "Here: " + said
                if a.dims == 1
                else said[0].upper() + said[1:]
            )
            + "."
        )
        self.play(fade_in(lines), run_time=1.0)
        self.let_read()

        b = self.small
        show = formatter(b.x, b.weight, b.full)
        one = b.dims == 1
        full_vals = b.full[0] if one else b.full[0]
        cell = (0.62, 0.42)
        # 2-D: two grids side by side, and the notes under them, above the footer
        lim = MAX_COLS if one else max(3, min(MAX_SIDE + 2, int(12.0 / 2 / cell[0]) - 1,
                                              int((lines.get_bottom()[1] - 2.1 + 3.5) / cell[1]) - 1))
        view = np.atleast_2d(full_vals)[:lim, :lim]
        full = Grid(view, show, cell=cell, color=th.OUTPUT_COLOR, role="uncropped")
        kept = np.zeros(np.atleast_2d(full_vals).shape, bool)
        kept[b.kept() if not one else (slice(None), b.kept()[0])] = True
        kept = kept[:lim, :lim]
        stamped = np.zeros_like(kept)
        stamped[tuple(slice(0, n) for n in ((1, *b.stamped_size) if one else b.stamped_size))] = True
        name = ("the small example" if self.article else "this setting") + f": {self.setting_words(b)}"
        sub = VGroup(th.text(name, th.SMALL_SIZE, th.MUTED_COLOR))
        if one and b.x.shape[1] <= 12 and k_fits(b):
            sub.add(
                th.text(
                    f"input x: {'  '.join(show(v) for v in b.x[0])}      kernel: "
                    f"{'  '.join(show(v) for v in b.weight[0, 0])}",
                    th.SMALL_SIZE,
                    th.TEXT_COLOR,
                )
            )
        sub.arrange(DOWN, buff=0.1).next_to(lines, DOWN, 0.3)
        full_name = th.text("stamps added,\nbefore cropping", th.SMALL_SIZE - 2, th.MUTED_COLOR)
        out_size = " × ".join(map(str, b.out_size))
        outv = np.atleast_2d(b.output[0])[:lim, :lim]
        og = Grid(outv, show, cell=(full.cw, full.ch), color=th.OUTPUT_COLOR, role="output")
        out_block = labelled(
            f"output y: {out_size} samples" if one else f"output y: {out_size} pixels",
            og,
            th.OUTPUT_COLOR,
            above=True,
        )
        p, op = b.padding, b.output_padding
        extra = [(r, c) for (r, c), k in np.ndenumerate(kept) if k and self.is_extra(b, r, c, one)]
        op_cells = [rc for rc in extra if not stamped[rc]]
        crop_note = th.text(
            (f"− 2 · padding: {p[0]} cropped from each end" if one else
             f"padding {ex.axes_text(p)}: cropped from each end of each axis"),
            th.SMALL_SIZE - 2,
            th.MUTED_COLOR,
        )
        op_note = th.text(
            (f"+ output_padding: {op[0]} kept at the end" if one else
             f"output_padding {ex.axes_text(op)}: kept at the end")
            + (" (beyond the stamps: zero)" if op_cells else ""),
            th.SMALL_SIZE - 2,
            th.OUTPUT_COLOR,
        )
        notes = VGroup(crop_note, op_note).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        # 1-D: the stamps before they are added, each on its own row at i × stride
        stamp_rows = VGroup()
        if one and b.x.shape[1] <= MAX_ROWS:
            for st in b.stamps:
                stamp_rows.add(Grid(on_row(st, b.dilation, view.shape[1]), show, cell=(full.cw, 0.36),
                                    color=th.FILTER_COLORS[0], role=f"small stamp {st.index[0]}"))
            stamp_rows.arrange(DOWN, buff=0.04)
        if one:  # the output under the samples it keeps
            if len(stamp_rows):
                stamp_rows.next_to(sub, DOWN, buff=0.4)
                full.next_to(stamp_rows, DOWN, buff=0.2).align_to(stamp_rows, LEFT)
            else:
                full.next_to(sub, DOWN, buff=0.45)
            full_name.next_to(full, LEFT, 0.3)
            if full_name.get_left()[0] < -6.4:  # a long row: the name goes above its left end
                full_name = th.text("stamps added, before cropping", th.SMALL_SIZE - 2, th.MUTED_COLOR)
                full_name.next_to(full, UP, 0.45).align_to(full, LEFT)
            notes.next_to(full, DOWN, 0.2)
            out_block.next_to(notes, DOWN, 0.2)
            if p[0] < full.cols:
                out_block.shift(RIGHT * (full.cell(0, p[0]).get_x() - og.cell(0, 0).get_x()))
        else:  # beside the uncropped grid (its name above it), the notes under both
            part = np.atleast_2d(full_vals).shape
            full_name = th.text("stamps added, before cropping"
                                + (f" (rows and columns 0-{lim - 1} of {part[0]} × {part[1]})"
                                   if max(part) > lim else ""), th.SMALL_SIZE - 2, th.MUTED_COLOR)
            VGroup(full, out_block).arrange(RIGHT, buff=0.6, aligned_edge=DOWN).next_to(sub, DOWN, buff=0.95)
            full_name.next_to(full, UP, 0.45).align_to(full, LEFT)
            if full_name.get_right()[0] > 6.4:
                full_name.shift(LEFT * (full_name.get_right()[0] - 6.4))
            notes.next_to(VGroup(full, out_block), DOWN, 0.3)
        idx = index_row(view.shape[1], full.cw)
        for i, m in enumerate(idx):
            top = (stamp_rows if len(stamp_rows) else full).get_top()[1]
            m.move_to([full.cell(0, i).get_x(), top + 0.18, 0])
        stamp_names = VGroup(*[th.text(f"x[{i}] × kernel", th.SMALL_SIZE - 4, th.MUTED_COLOR)
                               .next_to(g, LEFT, 0.3) for i, g in enumerate(stamp_rows)])
        reach = b.stamped_size[0] if one else 0
        reach_words = (f"({b.x.shape[1]} − 1) · {b.stride[0]} + {b.dilation[0]} · ({b.kernel[0]} − 1) + 1 "
                       f"= {reach}" if one else "")
        # padding crops its samples from both ends of the stamped range; output_padding keeps some back
        crop_cells = [rc for rc, k in np.ndenumerate(kept) if not k or rc in extra]
        shades = {
            rc: full.cell(*rc).copy().set_fill(th.BACKGROUND_COLOR, 0.65).set_stroke(width=0)
            for rc in crop_cells
        }
        shade = VGroup(*shades.values())
        marks = VGroup(
            *[SurroundingRectangle(full.cell(r, c), color=th.OUTPUT_COLOR, buff=0.02) for r, c in extra]
        )
        if self.article:  # the formula again, for the small example, where the article's stood
            again = th.text(self.filled(b, 0), th.SMALL_SIZE, th.OUTPUT_COLOR).move_to(lines)
            self.say("A small example: " + self.filled(b, 0).replace("·", "×") + ".")
            self.play(fade_out(lines), fade_in(again, sub, idx), run_time=1.2)
        else:
            self.play(fade_in(sub, idx), run_time=1.2)
        if len(stamp_rows):  # the stamps first: how far they reach is the formula's first three terms
            self.say(f"Its {len(stamp_rows)} stamps land {b.stride[0]} apart and reach "
                     f"{reach_words.replace('·', '×')} samples.")
            self.play(fade_in(stamp_rows, stamp_names), run_time=1.2)
            self.let_read()
            self.play(fade_in(full, full_name), run_time=1.0)
            self.say("Padding does not pad the input: it crops the stamped result.")
        else:
            self.say("Padding does not pad the input: it crops the stamped result.")
            self.play(fade_in(full, full_name), run_time=1.0)
        self.play(fade_in(shade, crop_note), run_time=1.0)
        if extra:
            self.say(
                (
                    "output_padding keeps one more sample at the end."
                    if op[0] == 1
                    else f"output_padding keeps {op[0]} more samples at the end."
                )
                if one
                else f"output_padding keeps {self.axes_words(op, 'row', 'column')} more at the end."
            )
            self.play(fade_in(marks, op_note), fade_out(*[shades[rc] for rc in extra]), run_time=1.0)
        self.say(
            f"What is left is the output: {' by '.join(map(str, b.out_size))} "
            + ("samples" if one else "pixels")
            + ", as the formula says."
        )
        self.play(fade_in(out_block), run_time=1.0)
        self.payoff()
        # why output_padding exists, and what dilation does
        self.begin("output-padding-and-dilation")
        self.set_footer(not self.article)  # by default small examples: no model
        title2 = th.title("Why output_padding, and what dilation does")
        s, k, d, pad, n = b.stride[0], b.kernel[0], b.dilation[0], b.padding[0], b.x.shape[1]
        lengths = ex.trims(n, k, s, pad, d)
        conv_name = "Conv1d" if one else "along the rows, Conv2d"
        many = f"{lengths[0]} to {lengths[-1]}" if len(lengths) > 4 else series(lengths)
        why = VGroup(
            th.text(f"{conv_name}(kernel {k}, stride {s}, padding {pad}, dilation {d}):", th.SMALL_SIZE),
            th.text(
                f"{many} samples {'both' if len(lengths) == 2 else 'all'} become {n}"
                if len(lengths) > 1
                else f"only {lengths[0]} samples become {n}",
                th.SMALL_SIZE,
            ),
        )
        if len(lengths) > 1:
            back = [conv.output_length(n, k, s, pad, o, d) for o in range(len(lengths)) if o < max(s, d)]
            pairs = [f"{o} → {m}" for o, m in enumerate(back)]
            if len(pairs) > 4:
                pairs = [*pairs[:2], "…", pairs[-1]]
            why.add(
                th.text(
                    "the transposed convolution goes back to one of them:", th.SMALL_SIZE, th.OUTPUT_COLOR
                ),
                th.text("output_padding " + ", ".join(pairs), th.SMALL_SIZE, th.OUTPUT_COLOR),
            )
            cue = (
                f"With kernel {k}, stride {s} and padding {pad}, {many} samples "
                f"{'both' if len(lengths) == 2 else 'all'} convolve to {n}:",
                "count the windows.",
                "output_padding picks which length the transposed convolution returns,",
                f"so it must be smaller than the stride (or the dilation): here 0 to {max(s, d) - 1}.",
            )
        else:
            why.add(th.text("output_padding has nothing to choose", th.SMALL_SIZE, th.OUTPUT_COLOR))
            cue = (f"Here only {lengths[0]} samples convolve to {n}: nothing to choose.",)
        why.arrange(DOWN, buff=0.15, aligned_edge=LEFT).next_to(title2, DOWN, buff=0.4)
        # the convolution's windows slide over the longest and the shortest of those lengths
        ends = sorted({lengths[0], lengths[-1]}, reverse=True)[: 2 if len(lengths) > 1 else 1]
        cw, span = 0.5, d * (k - 1) + 1
        strips = VGroup()
        for m in ends if fits_across(ends, pad, cw) else []:
            cells = np.full(m + 2 * pad, np.nan)
            g = Grid(cells, show, cell=(cw, 0.42), muted=np.r_[[True] * pad, [False] * m, [True] * pad])
            for c in (*range(pad), *range(pad + m, m + 2 * pad)):  # the convolution's zero padding
                g.cell(0, c).set_stroke(th.MUTED_COLOR, opacity=0.35)
            nums = index_row(m, cw).move_to(g.cell(0, pad), aligned_edge=LEFT)
            for i, t in enumerate(nums):
                t.move_to(g.cell(0, pad + i))
            strips.add(labelled(f"{m} samples (padding {pad} each end)", VGroup(g, nums), above=True))
        strips.arrange(DOWN, buff=0.3, aligned_edge=LEFT).next_to(why, DOWN, buff=0.4).align_to(why, LEFT)
        self.say(*cue)
        self.play(fade_in(title2), fade_in(why[:2], strips), run_time=1.5)
        for strip in strips:  # every window of the convolution, stride apart, each counted
            g = strip[1][0]
            box = SurroundingRectangle(g.cells([(0, c) for c in range(span)]), color=th.TEXT_COLOR, buff=0.03)
            count = th.text("1 window", th.SMALL_SIZE - 2, th.TEXT_COLOR).next_to(g, RIGHT, 0.3)
            self.play(fade_in(box, count), run_time=0.4)
            for w in range(1, n):
                to = g.cells([(0, w * s + c) for c in range(span)]).get_center()
                new_count = th.text(f"{w + 1} windows", th.SMALL_SIZE - 2, th.TEXT_COLOR)
                new_count.move_to(count, aligned_edge=LEFT)
                self.play(box.animate.move_to(to), fade_out(count), fade_in(new_count), run_time=0.45)
                count = new_count
        if len(why) > 2:
            self.play(fade_in(why[2:]), run_time=1.0)
        self.let_read()
        self.payoff()
        self.clear_stage()
        # dilation, worked: kernel 1, 2, 3 with gaps, two stamps at stride 2, the columns added
        hand = ex.by_hand()
        dil = 2
        worked = ex.breakdown(hand.x[:, :2], hand.weight, None, hand.stride[0], 0, 0, dil)
        wshow = formatter(worked.x, worked.weight, worked.output)
        title3 = th.title("Dilation: gaps between the kernel's taps")
        xw, kw = worked.x[0], worked.weight[0, 0]
        sub = th.text(f"input {', '.join(wshow(v) for v in xw)}, kernel {', '.join(wshow(v) for v in kw)}, "
                      f"stride {worked.stride[0]}, dilation {dil}: the kernel spans "
                      f"{dil} · ({len(kw)} − 1) + 1 = {dil * (len(kw) - 1) + 1}",
                      th.SMALL_SIZE).next_to(title3, DOWN, 0.25)
        n_out = worked.output.shape[1]
        rows = VGroup()
        for st in worked.stamps:
            g = Grid(on_row(st, worked.dilation, n_out), wshow, cell=(0.62, 0.42), color=th.FILTER_COLORS[0],
                     role=f"dilated stamp {st.index[0]}")
            rows.add(labelled(f"x[{st.index[0]}] × kernel", g))
        total = Grid(worked.output[0], wshow, cell=(0.62, 0.42), color=th.OUTPUT_COLOR, role="dilated output")
        out_row = labelled("output", total, th.OUTPUT_COLOR)
        VGroup(*rows, out_row).arrange(DOWN, buff=0.2, aligned_edge=RIGHT).next_to(sub, DOWN, buff=0.6)
        idx = index_row(n_out, 0.62)
        for i, t in enumerate(idx):
            t.move_to(rows[0][1].cell(0, i)).shift(UP * 0.4)
        self.say(f"Dilation {dil} puts gaps between the kernel's taps: "
                 f"{len(kw)} taps span {dil * (len(kw) - 1) + 1} samples.")
        self.play(fade_in(title3), fade_in(sub, idx), run_time=1.5)
        for r in rows:
            self.play(fade_in(r), run_time=0.8)
        self.say(f"Each copy lands at i × stride, with the gaps; the columns add: "
                 f"{', '.join(wshow(v) for v in worked.output[0])}.",
                 "The samples no copy reaches stay 0." if (worked.counts == 0).any() else "")
        self.play(fade_in(out_row), run_time=1.0)
        self.payoff()

    def filled(self, b: ex.Breakdown, d: int) -> str:
        """'(3 − 1) · 4 − 2 · 0 + 1 · (7 − 1) + 0 + 1 = 15' for axis d (named in 2-D)."""
        n, s, p, op, dl, k = (
            b.x.shape[1 + d],
            b.stride[d],
            b.padding[d],
            b.output_padding[d],
            b.dilation[d],
            b.kernel[d],
        )
        axis = "" if b.dims == 1 else ("rows: " if d == 0 else "columns: ")
        return f"{axis}({n} − 1) · {s} − 2 · {p} + {dl} · ({k} − 1) + {op} + 1 = {b.out_size[d]}"

    @staticmethod
    def place(j) -> str:
        """'Sample 4' in 1-D, 'Pixel (0, 1)' in 2-D."""
        return f"Sample {j[0]}" if len(j) == 1 else f"Pixel ({', '.join(map(str, j))})"

    @staticmethod
    def axes_words(values, *names) -> str:
        """(1, 1) -> 'one row and one column'; (2, 0) -> '2 rows'."""
        words = [f"{'one' if v == 1 else v} {n}{'' if v == 1 else 's'}" for v, n in zip(values, names) if v]
        return " and ".join(words)

    @staticmethod
    def setting_words(b: ex.Breakdown) -> str:
        """'4 inputs, kernel 3, stride 2, padding 1, output_padding 1, dilation 1' ('3x3 inputs' in
        2-D; a setting that differs between the axes as '2x1')."""
        settings = ", ".join(f"{n} {ex.axes_text(getattr(b, n))}" for n in ex.PER_AXIS[:-1])
        return f"{'x'.join(map(str, b.x.shape[1:]))} inputs, {settings}"

    @staticmethod
    def is_extra(b, r, c, one) -> bool:
        """Whether drawn cell (r, c) of the uncropped grid is one output_padding keeps."""
        pos = (c,) if one else (r, c)
        return any(q - p >= n - op for q, p, n, op in zip(pos, b.padding, b.out_size, b.output_padding))

    # --- 3. the same numbers by zero insertion ------------------------------------------------------------
    def zero_insertion(self, b: ex.Breakdown, brief: bool = False):
        """Output = the flipped kernel slid along the zero-inserted input. With small whole numbers, why
        the kernel is flipped is shown on the stamps first; `brief` (the trained decoder after them):
        the same slide, faster."""
        target = self.overlap_position(b)
        show = formatter(b.x, b.weight, b.output)
        main = b is self.main
        pre = "" if main else "by-hand "  # the roles of the example worked by hand, before the decoder's
        title = th.title("The trained decoder, by inserting zeros" if brief
                         else "The same numbers, by inserting zeros")
        k, d = b.kernel, b.dilation
        z = conv.zero_inserted(b.x, k, b.stride, b.padding, b.output_padding, b.dilation)
        by_zeros = conv.conv_transpose_by_zero_insertion(
            b.x, b.weight, b.bias, b.stride, b.padding, b.output_padding, b.dilation
        )
        same = bool(np.allclose(by_zeros, b.output, atol=1e-9))
        one = b.dims == 1
        zg = z if one else z[0]
        zv = zg[:, :MAX_Z_COLS] if one else zg[:MAX_SIDE, :MAX_SIDE]
        real = self.real_positions(b)[: zv.shape[0], : zv.shape[1]]
        chan = [th.FILTER_COLORS[c % 3] for c in range(b.x.shape[0])]
        colors = np.array(
            [[chan[r] if one else th.TEXT_COLOR] * zv.shape[1] for r in range(zv.shape[0])], dtype=object
        )
        ch = 0.42 if one else 0.38
        flip_need = cell_width(show, NUM, b.weight, margin=0.06)
        zgrid = Grid(  # narrow margins: the article's 21 columns fit at full size
            zv, show, cell=(max(0.5, flip_need), ch), colors=colors, muted=~real, zeros=True,
            role=pre + "zero-inserted input",
            margin=0.06,
        )
        cw = zgrid.cw  # the flipped kernel's cells as wide as the input's, so that it slides cell by cell
        flipped = b.weight[:, 0, ::-1] if one else b.weight[0, 0, ::-1, ::-1]
        spread = np.full(flipped.shape[:-1] + ((flipped.shape[-1] - 1) * d[-1] + 1,), np.nan)
        if not one:  # the taps dilation apart, as the window sees them
            spread = np.full(((flipped.shape[0] - 1) * d[0] + 1, spread.shape[-1]), np.nan)
            spread[:: d[0], :: d[1]] = flipped
        else:
            spread[:, :: d[0]] = flipped
        fgrid = Grid(
            spread,
            show,
            cell=(cw, ch),
            margin=0.06,
            colors=np.array(
                [[chan[r] if one else th.FILTER_COLORS[0]] * spread.shape[1] for r in range(spread.shape[0])],
                dtype=object,
            ),
            role=pre + "flipped kernel",
        )
        ov = np.atleast_2d(b.output[0])[:, :MAX_COLS] if one else b.output[0, :MAX_SIDE, :MAX_SIDE]
        fits = one and cell_width(show, NUM, ov, margin=0.06) <= cw
        ogrid = Grid(  # as wide as the input's cells where its numbers fit: under their windows
            np.full(ov.shape, np.nan),
            show,
            cell=(cw if fits else cell_width(show, NUM, ov) + 0.08, ch),
            margin=0.06 if one else 0.12,
            color=th.OUTPUT_COLOR,
            role=pre + "output",
        )
        borders = [dd * (kk - 1) - p for dd, kk, p in zip(d, k, b.padding)]
        gaps = ex.axes_text([s - 1 for s in b.stride])
        caption = caption_under(
            title,
            f"stride − 1 = {gaps} zero{'s' if gaps != '1' else ''} between inputs; dilation · (kernel − 1) − "
            f"padding = {ex.axes_text(borders)} on each border"
            + (
                f", + output_padding {ex.axes_text(b.output_padding)} at the end"
                if any(b.output_padding)
                else ""
            ),
        )
        zcut = (
            ""
            if zv.shape == zg.shape
            else (
                f", columns 0-{zv.shape[1] - 1} of {zg.shape[1]}"
                if one
                else f", top-left {zv.shape[0]} x {zv.shape[1]} of {zg.shape[0]} x {zg.shape[1]}"
            )
        )
        zl = labelled(
            (self.input_name() if one and main else "input x") + f", zeros inserted{zcut}", zgrid, above=True
        )
        head = th.FILTER_COLORS[0] if b.weight.shape[0] == 1 else th.TEXT_COLOR  # rows: channel colours
        fl = labelled("kernel, flipped" + (" (under each tap, its index before the flip)" if one else ""),
                      fgrid, head, above=True)
        ol = labelled(self.output_name() if main else "output y", ogrid, th.OUTPUT_COLOR, above=True)
        if one:  # the flipped kernel right under the input, its first tap under column 0
            body = VGroup(zl, fl, ol).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
            ol.shift(DOWN * 0.25)  # room for the tap numbers
            fgrid.shift(RIGHT * (zgrid.cell(0, 0).get_x() - fgrid.cell(0, 0).get_x()))
            middle = (spread.shape[-1] - 1) / 2  # each output under the middle of its window
            if abs(ogrid.cw - zgrid.cw) < 1e-6 and middle == int(middle):
                ogrid.shift(RIGHT * (zgrid.cell(0, int(middle)).get_x() - ogrid.cell(0, 0).get_x()))
                ol[0].align_to(ogrid, LEFT)
        else:  # side by side; the dot product goes underneath
            body = VGroup(zl, fl, ol).arrange(RIGHT, buff=0.6, aligned_edge=UP)
        if body.width > 12.6:
            body.scale_to_fit_width(12.6)
        elif one and is_whole(b.x, b.weight, b.bias):  # a few whole numbers: larger, as room allows
            body.scale(min(1.2, 12.6 / body.width))
        body.next_to(caption, DOWN, buff=0.3).set_x(0)
        taps = VGroup()
        if one:  # under each cell, its tap number in the kernel as stored: they read backwards
            for t in range(k[0]):
                c = (k[0] - 1 - t) * d[0]
                taps.add(th.text(str(t), th.SMALL_SIZE - 4, th.MUTED_COLOR)
                         .next_to(fgrid.cell(spread.shape[0] - 1, c), DOWN, 0.08))
        rows_say = ([f"Each of the {b.x.shape[0]} channel rows meets its own flipped kernel; "
                     "all the products add."] if b.x.shape[0] > 1 else [])
        if brief:
            self.say(f"The trained decoder, the same way: {gaps} zeros between the codes, "
                     f"{ex.axes_text(borders)} at each border.", *rows_say)
        else:
            self.say(
                f"Another way: put {gaps} {'zero' if gaps == '1' else 'zeros'} between the inputs, "
                f"{ex.axes_text(borders)} at each border,"
                if min(borders) >= 0
                else f"Another way: put {gaps} {'zero' if gaps == '1' else 'zeros'} between the inputs, "
                "trim the borders,",
                "and slide the flipped kernel along.",
                *rows_say,
            )
        self.play(fade_in(title), fade_in(caption, body), run_time=1.5)
        # why flipped: seen on the stamps of one sample where they fit, else said
        shown = one and not brief and b.x.shape[0] == 1 and self.why_flipped(b, target, ogrid, taps)
        if not brief and not shown:
            self.say("Flipped, because a stamp puts tap t after its input:",
                     "seen from one output, the inputs meet the taps in reverse order.")
            if one:
                self.play(fade_in(taps), run_time=0.8)
            self.wait(1.0)
        elif one and not shown:  # the trained decoder's, after the example's: its taps' indices at once
            self.play(fade_in(taps), run_time=0.6)
        # each output sample's window, in order; the first one two stamps reach slowly, with its terms
        note = VGroup()
        later = []
        for n, j in enumerate(np.ndindex(*ov.shape[1:] if one else ov.shape)):
            rows = range(zv.shape[0]) if one else [j[0] + t * d[0] for t in range(k[0])]
            cols = [j[-1] + t * d[-1] for t in range(k[-1])]
            if max(rows) >= zv.shape[0] or max(cols) >= zv.shape[1] or (n >= 12 and tuple(j) != target):
                later.append(j)  # its window runs past the part drawn, or the rest at once
                continue
            box = SurroundingRectangle(
                zgrid.cells([(r, c) for r in rows for c in cols]), color=th.TEXT_COLOR, buff=0.03
            )
            where = (0, j[0]) if one else j
            _, new = ogrid.put(*where, ov[where])
            slow = tuple(j) == target
            if one:  # the kernel slides under the window; the window's output appears
                to = RIGHT * (zgrid.cell(0, j[0]).get_x() - fgrid.cell(0, 0).get_x())
                self.play(fgrid.animate.shift(to), taps.animate.shift(to), fade_in(box, new),
                          run_time=0.9 if slow else (0.5 if n < 6 else 0.25))
            else:
                self.play(fade_in(box, new), run_time=0.9 if slow else (0.4 if n < 6 else 0.2))
            if slow:
                note = self.dot_note(b, j).next_to(fl, RIGHT, buff=0.6).align_to(fl, UP)
                if one and note.get_right()[0] > 6.4:  # beside the output row, else under everything
                    note.next_to(ogrid, RIGHT, buff=0.6).align_to(ol, UP)
                    if note.get_right()[0] > 6.4:
                        note.next_to(body, DOWN, 0.2)
                if not one:
                    note.next_to(body, DOWN, 0.25)
                terms = len(self.dot_terms(b, z, flipped, j))
                self.say(
                    f"{self.place(j)}: a dot product with the flipped kernel;",
                    f"only {terms} non-zero inputs count: the products the stamps added.",
                )
                self.play(fade_in(note), run_time=0.8)
                self.let_read()
            self.remove(box)
        if later:
            rest = [ogrid.put(*((0, j[0]) if one else j), ov[(0, j[0]) if one else j])[1] for j in later]
            self.play(fade_in(*rest), run_time=0.6)
        verdict = (
            f"{'sample for sample' if one else 'pixel for pixel'}, the same output as the stamps"
            if same
            else "this differs from the stamps: a bug"
        )
        check = th.text(verdict, th.SMALL_SIZE, th.OUTPUT_COLOR if same else th.ACCENT_COLOR)
        below = len(note) and note.get_top()[1] < body.get_bottom()[1]  # the dot product went underneath
        if one:  # beside the output's name, on its line; under the output when the dot product is beside it
            check.next_to(ol[0], RIGHT, buff=0.6)
            if len(note) and note.get_left()[0] > ogrid.get_right()[0] - 1e-6 \
                    and note.get_bottom()[1] < ol.get_top()[1]:
                check.next_to(VGroup(ogrid, note), DOWN, 0.25).align_to(ogrid, LEFT)
        else:
            check.next_to(note, DOWN, 0.15) if below else check.next_to(body, DOWN, 0.25)
        self.say(
            "The output equals the stamps' output, sample for sample."
            if same
            else "The output differs from the stamps': that would be a bug."
        )
        self.play(fade_in(check), run_time=0.8)
        self.payoff()

    def why_flipped(self, b: ex.Breakdown, j: tuple[int, ...], ogrid: Grid, taps: VGroup) -> bool:
        """Why the kernel is flipped, on the stamps that reach output sample j: each copy drawn on its
        own row under the output, its cell at j boxed and the tap it is named; the later the input,
        the earlier its tap. Then each flipped tap's index before the flip, under the kernel. False,
        with nothing played, where j has fewer than two stamps or their rows do not fit."""
        show = formatter(b.x, b.weight, b.output)
        at = tuple(q + p for q, p in zip(j, b.padding))
        n = ogrid.cols
        rows, names, marks = VGroup(), VGroup(), VGroup()
        terms = sorted(b.terms(at), key=lambda term: term[0].index)
        for r, (st, (t,)) in enumerate(terms):
            i = st.index[0]
            # the copy on the output's samples (crop: the uncropped sample q sits over output q - padding)
            row = np.full(n, np.nan)
            for tap, (q,) in enumerate(st.positions(b.dilation)):
                if 0 <= q - b.padding[0] < n:
                    row[q - b.padding[0]] = st.values[0, tap]
            g = Grid(row, show, cell=(ogrid.cw, ogrid.ch), color=th.FILTER_COLORS[0], role=f"copy of x[{i}]")
            g.scale(ogrid.cell(0, 0).width / g.cell(0, 0).width)  # as large as the output drawn
            g.move_to(ogrid, aligned_edge=LEFT).shift(DOWN * (0.3 + (r + 1) * (g.height + 0.1)))
            rows.add(g)
            names.add(th.text(f"x[{i}] × kernel", th.SMALL_SIZE - 2, th.MUTED_COLOR).next_to(g, RIGHT, 0.3))
            marks.add(th.text(f": sample {j[0]} gets its tap {t}", th.SMALL_SIZE - 2, th.TEXT_COLOR)
                      .next_to(names[-1], RIGHT, 0.08))
        column = SurroundingRectangle(VGroup(ogrid.cell(0, j[0]), *[g.cell(0, j[0]) for g in rows]),
                                      color=th.ACCENT_COLOR, buff=0.04)
        picture = VGroup(rows, names, marks, column)
        if len(terms) < 2 or picture.get_bottom()[1] < -3.4 or picture.get_left()[0] < -6.4 \
                or picture.get_right()[0] > 6.4:
            return False
        (i0, t0), (i1, t1) = (terms[0][0].index[0], terms[0][1][0]), (terms[-1][0].index[0], terms[-1][1][0])
        self.say(f"Why flipped? Sample {j[0]} gets a stamp from x[{i0}] and from x[{i1}].")
        self.play(fade_in(rows, names), run_time=1.0)
        self.play(fade_in(column), run_time=0.6)
        self.say(f"From x[{i0}]'s copy it takes tap {t0}; from x[{i1}]'s, tap {t1}:",
                 "the later the input, the earlier the tap.")
        self.play(fade_in(marks), run_time=0.8)
        self.record()  # the copies leave before the section ends: noted while they are on stage
        self.let_read()
        self.say("So, seen from one output, the kernel runs backwards: flip it,",
                 "and under each flipped tap, its index before the flip.")
        self.play(fade_in(taps), run_time=0.8)
        self.let_read()
        self.play(fade_out(picture), run_time=0.6)
        return True

    def dot_note(self, b, j) -> VGroup:
        """Output sample j as the dot product's non-zero terms, grouped by the input position they come
        from, so each group is that position's stamp value (section 1's terms), then the bias."""
        at = tuple(q + p for q, p in zip(j, b.padding))  # the sample in the uncropped stamped sum
        groups: dict[tuple[int, ...], list[tuple[float, float]]] = {}
        for st, taps in b.terms(at):
            groups.setdefault(st.index, []).append((st.value, float(b.weight[(st.channel, 0, *taps)])))
        total = b.output[(0, *j)]
        bias = float(b.bias[0]) if b.bias is not None else None
        # as many places as make every product and sum on the lines read true
        places = multiplies_up(list(groups.values()), bias, total)
        whole = is_whole(b.x, b.weight, b.bias)
        exact = formatter(b.x, b.weight, b.output) if whole else (lambda v: fmt(v, places, sign=False))
        before = "" if at == tuple(j) else f" ({', '.join(map(str, at))} before cropping)"
        rounded = "" if whole else f", to {places} places (cells round to 2)"
        lines = [f"{self.place(j).lower()}{before}: each non-zero input × its flipped tap{rounded}"]
        for index, pairs in groups.items():
            name = f"position {', '.join(map(str, index))}"
            if len(pairs) == 1:
                u, v = pairs[0]
                lines.append(f"{name}: {exact(u)} × {exact(v)} = {exact(u * v)}")
            else:  # several channels: the products, which add to that position's stamp value
                lines.append(
                    f"{name}: "
                    + plus([u * v for u, v in pairs], exact)
                    + f" = {exact(group_value(pairs, places))}"
                )
        if b.bias is not None:
            lines.append(f"+ bias {exact(b.bias[0])} = {exact(total)}")
        elif len(groups) > 1:
            lines.append(f"together: {exact(total)}")
        return VGroup(*[th.text(t, th.SMALL_SIZE - 2, th.TEXT_COLOR) for t in lines]).arrange(
            DOWN, buff=0.1, aligned_edge=LEFT
        )

    @staticmethod
    def real_positions(b: ex.Breakdown) -> np.ndarray:
        """Which cells of the zero-inserted input hold an input value (the rest are inserted zeros)."""
        ones = conv.zero_inserted(
            np.ones_like(b.x), b.kernel, b.stride, b.padding, b.output_padding, b.dilation
        )
        return (ones if b.dims == 1 else ones[0]).astype(bool)

    @staticmethod
    def overlap_position(b: ex.Breakdown) -> tuple[int, ...]:
        """The first output sample (or pixel) that two or more stamps reach; else the first."""
        kept = b.counts[b.kept()]
        hits = np.argwhere(kept >= 2)
        return tuple(int(v) for v in hits[0]) if len(hits) else (0,) * b.dims

    @staticmethod
    def dot_terms(b, z, flipped, j) -> list[tuple[float, float]]:
        """The non-zero (input, flipped tap) products of output sample j's window."""
        d, k = b.dilation, b.kernel
        if b.dims == 1:
            win = z[:, j[0] : j[0] + d[0] * (k[0] - 1) + 1 : d[0]]
            return [(u, v) for u, v in zip(win.ravel(), flipped.ravel()) if u != 0]
        win = z[0, j[0] : j[0] + d[0] * (k[0] - 1) + 1 : d[0], j[1] : j[1] + d[1] * (k[1] - 1) + 1 : d[1]]
        return [(u, v) for u, v in zip(win.ravel(), flipped.ravel()) if u != 0]

    # --- 4. the matrix view -------------------------------------------------------------------------------
    def conv_of_matrix(self) -> tuple[ex.DenseMatrix | ex.ConvMatrix, str, bool]:
        """(C, what it is, whether C.T is checked equal to core.conv.transposed_matrix): the
        convolution whose transpose the matrix section shows, one row per window. A setting's C is
        never built whole (in 2-D it has input pixels x output pixels entries): core.explain.ConvMatrix
        computes the parts shown."""
        if self.article:  # the kernel worked by hand: 1, 2, 3 at stride 2, over the 7 samples it stamps
            hb = ex.by_hand()
            w, n_in, n_out, st = hb.weight[0, 0], hb.x.shape[1], hb.output.shape[1], hb.stride[0]
            c = conv.conv_matrix(w, n_out, st)
            return (
                ex.DenseMatrix(c),
                f"a Conv1d with the kernel {', '.join(formatter(w)(v) for v in w)} and stride {st}, "
                f"over {n_out} samples",
                np.allclose(conv.transposed_matrix(w, n_in, st), c.T),
            )
        b = self.main
        c = ex.matrix_of(b)  # 2-D: one row per input pixel, flattened; column j of C.T: pixel j's stamp
        if b.dims == 1:  # at most 64 x 1,144 entries (core.explain.LIMITS): checked whole
            t = conv.transposed_matrix(
                b.weight[0, 0], b.x.shape[1], b.stride[0], b.padding[0], b.output_padding[0], b.dilation[0]
            )
            return (
                c,
                f"Conv1d with this kernel and settings over {b.out_size[0]} samples",
                np.allclose(t, c.dense().T),
            )
        return c, f"the 2-D convolution over {'x'.join(map(str, b.out_size))} pixels, flattened", False

    def matrix_picture(self, m: np.ndarray, shape, show, role: str, width: float, height: float):
        """Numbers when they fit (at most MAX_NUMBERS columns, and as many rows as `height` holds), else
        shades in a width x height box, of a matrix of `shape` whose top-left part `m` is (at least
        MAX_SHADES x MAX_SHADES, and as many rows as `height` holds). Returns the picture and what it
        leaves out ('' or ', ...')."""
        if shape[1] <= MAX_NUMBERS:
            rows = max(1, min(shape[0], int(height / 0.4)))
            left = "" if rows == shape[0] else f", rows 0-{rows - 1} of {shape[0]} shown"
            return Grid(
                m[:rows], show, cell=(0.5, 0.4), color=th.FILTER_COLORS[0], role=role, zeros=True
            ), left
        picture = Shades(m[:MAX_SHADES, :MAX_SHADES], width, height, role=role)
        picture.full_shape = tuple(shape)  # only its top left was given: shown() says so
        return picture, picture.shown()

    def matrix(self):
        c, what, checked = self.conv_of_matrix()
        if c.shape[0] <= 8 and c.shape[1] <= MAX_NUMBERS:
            self.matrix_small(c, what, checked)
            return
        top = c.block(64, 64)  # C's top left: more rows and columns than either picture draws
        show = formatter(top)
        title = th.title("A convolution as a matrix, and its transpose")
        caption = caption_under(title, f"C: {what}")
        cg, part = self.matrix_picture(top, c.shape, show, "C", 12.4, 2.4)
        cl = labelled(f"C, {c.shape[0]} × {c.shape[1]}: one row per window{part}", cg, above=True)
        cl.next_to(caption, DOWN, buff=0.3).set_x(0)
        room = cl.get_bottom()[1] - 0.35 - 0.45 - (-3.2)  # down to the footer, less Cᵀ's label
        ct, part = self.matrix_picture(top.T, c.shape[::-1], show, "C transposed", 5.0, room)
        tl = labelled(f"Cᵀ, {c.shape[1]} × {c.shape[0]}{part}", ct, above=True)
        n_long, n_short = c.shape[1], c.shape[0]
        side = VGroup(
            *[
                th.text(t, th.SMALL_SIZE - 2, col)
                for t, col in (
                    (f"C · y: a convolution, {n_long} values in, {n_short} out", th.TEXT_COLOR),
                    (
                        f"Cᵀ · x: {n_short} values in, {n_long} out"
                        + (" (= the stamps' sum)" if checked else ""),
                        th.OUTPUT_COLOR,
                    ),
                    ("the transposed convolution with the same kernel", th.OUTPUT_COLOR),
                    ("column i of Cᵀ: the kernel placed at i × stride,", th.TEXT_COLOR),
                    ("the stamp of x[i]", th.TEXT_COLOR),
                )
            ]
        ).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        low = VGroup(tl, side).arrange(RIGHT, buff=0.6, aligned_edge=UP)
        if low.width > 12.6:
            low.scale_to_fit_width(12.6)
        low.next_to(cl, DOWN, buff=0.35).set_x(0)
        grad = VGroup(
            *[
                th.text(t, th.SMALL_SIZE - 2, th.OUTPUT_COLOR)
                for t in (
                    "backpropagation through C · y multiplies the",
                    "gradient that comes back by Cᵀ: the gradient of",
                    "a convolution runs through a transposed one",
                )
            ]
        ).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        grad.next_to(side, DOWN, buff=0.3).align_to(side, LEFT)
        crowded = grad.get_bottom()[1] < -3.55  # no room above the footer: it takes the stamp lines' place
        if crowded:
            grad.next_to(side[2], DOWN, buff=0.3).align_to(side, LEFT)
        if grad.get_right()[0] > 6.4:
            VGroup(side, grad).shift(LEFT * (grad.get_right()[0] - 6.4))
        shades = not isinstance(cg, Grid)
        if shades:
            key = (
                th.text(
                    f"shades: {th.OUTPUT_NAME} positive, grey negative, the stronger the larger",
                    th.SMALL_SIZE - 2,
                    th.MUTED_COLOR,
                )
                .next_to(cl, RIGHT, 0.3)
                .align_to(cl, UP)
            )
            if key.get_right()[0] > 6.4:
                key.next_to(caption, DOWN, 0.08)
                VGroup(cl, low).shift(DOWN * 0.1)
            cl.add(key)
        self.say(f"A convolution is a matrix C: one row per window, {c.shape[0]} rows.")
        self.play(fade_in(title), fade_in(caption, cl), run_time=1.5)
        if shades:
            self.say("Too many numbers to print: each shade is one entry.")
        self.say(
            "The transposed convolution is C transposed: the same entries,",
            "each column a stamp of the kernel, stride apart.",
        )
        self.play(fade_in(low), run_time=1.5)
        self.say("Backpropagation through a convolution multiplies by Cᵀ:", "a transposed convolution.")
        self.play(fade_in(grad), *([fade_out(side[3], side[4])] if crowded else []), run_time=0.8)
        self.payoff()

    def matrix_small(self, c, what: str, checked: bool):
        """C and Cᵀ side by side, every entry printed; each row of C flies into place as a column of
        Cᵀ; then Cᵀ times the input (the by-hand one, or the setting's) is the transposed convolution."""
        m = c.block(*c.shape)
        show = formatter(m)
        rows, cols = m.shape
        title = th.title("A convolution as a matrix, and its transpose")
        caption = caption_under(title, f"C: {what}")
        cell, size = (0.62, 0.5), NUM + 4
        cg = Grid(m, show, cell=cell, size=size, color=th.FILTER_COLORS[0], role="C", zeros=True,
                  muted=m == 0)
        tg = Grid(m.T, show, cell=cell, size=size, color=th.FILTER_COLORS[0], role="C transposed", zeros=True,
                  muted=m.T == 0)
        empty = Grid(np.full(m.T.shape, np.nan), show, cell=(tg.cw, cell[1]), size=size)
        cl = labelled(f"C, {rows} × {cols}: one row per window", cg, above=True)
        tl = labelled(f"C transposed, {cols} × {rows}: one column per input value", empty, above=True)
        source = ex.by_hand() if self.article else self.main  # the input C transposed is applied to
        x = source.x[0]
        y = m.T @ x
        xs = formatter(x, y)
        xg = Grid(x[:, None], xs, cell=(cell[0], cell[1]), size=size, role="x")
        yg = Grid(y[:, None], xs, cell=(cell[0], cell[1]), size=size, color=th.OUTPUT_COLOR, role="CT x")
        times = th.text("×", th.LABEL_SIZE)
        equals = th.text("=", th.LABEL_SIZE)
        product = VGroup(times, xg, equals, yg)
        body = VGroup(cl, tl).arrange(RIGHT, buff=1.0, aligned_edge=UP)
        times.next_to(empty, RIGHT, 0.25)
        xg.next_to(times, RIGHT, 0.25).align_to(empty, UP)
        equals.next_to(xg, RIGHT, 0.25).set_y(times.get_y())
        yg.next_to(equals, RIGHT, 0.25).align_to(empty, UP)
        whole = VGroup(body, product)
        if whole.width > 12.6:
            whole.scale_to_fit_width(12.6)
        whole.next_to(caption, DOWN, buff=0.35).set_x(0)
        tg.scale(empty.width / tg.width).move_to(empty)
        stride = source.stride[0]
        self.say(f"A convolution is a matrix C: one row per window, {rows} rows,",
                 f"each the kernel shifted by the stride, {stride}.")
        self.play(fade_in(title), fade_in(caption, cl), run_time=1.5)
        self.let_read()
        self.say("Transpose it: row i of C becomes column i of C transposed.")
        self.play(fade_in(tl), run_time=0.8)
        flying = VGroup()
        for i in range(rows):
            box = SurroundingRectangle(cg.cells([(i, j) for j in range(cols)]), color=th.TEXT_COLOR,
                                       buff=0.04)
            col = SurroundingRectangle(empty.cells([(j, i) for j in range(cols)]), color=th.TEXT_COLOR,
                                       buff=0.04)
            moving = [cg.nums[i, j].copy() for j in range(cols)]
            flying.add(*moving)
            slow = i == 0
            self.play(fade_in(box, col), run_time=0.5 if slow else 0.3)
            self.play(*[n.animate.move_to(empty.cell(j, i)) for j, n in enumerate(moving)],
                      run_time=1.6 if slow else 0.8)
            self.play(fade_out(box, col), run_time=0.4 if slow else 0.2)
        self.remove(tl, *flying)
        tl.remove(empty)
        tl.add(tg)
        self.add(tl)
        self.let_read()
        # the aside first, the section's answer last: C transposed times the input is the output
        grad = th.text("backpropagation through a convolution multiplies by C transposed", th.SMALL_SIZE,
                       th.MUTED_COLOR).next_to(VGroup(body, product), DOWN, buff=0.45).set_x(0)
        self.say("Backpropagation through a convolution multiplies by C transposed:",
                 "a transposed convolution.")
        self.play(fade_in(grad), run_time=0.8)
        same = checked and (self.article or np.allclose(y, self.main.output[0]))
        words = series([xs(v) for v in y])
        self.say(
            f"Each column is a stamp: C transposed times {series([xs(v) for v in x])} is {words},",
            "the transposed convolution's output." if same else "its transposed convolution.",
        )
        self.play(fade_in(product), run_time=1.2)
        self.payoff()

    # --- 5. not an inverse --------------------------------------------------------------------------------
    def not_an_inverse(self):
        c, what, _ = self.conv_of_matrix()  # by default the kernel worked by hand: C is 3 × 7
        # Cᵀ C is n x n (n: C's columns, up to 1,144² in 2-D): its top left, the rest from the structure
        n = c.shape[1]
        g = c.gram_block(MAX_SHADES)  # all of it when n <= 36: every number a Grid prints
        rank = c.rank()
        off = c.gram_off_diagonal()
        diag = np.array(c.gram_diagonal())  # its smallest and largest value
        show = formatter(g)
        title = th.title("Transposed is not inverse")
        caption = caption_under(title, f"C transposed times C, for {what}")
        small = n <= 10
        pg = (
            Grid(g, show, cell=(0.5, 0.4), color=th.OUTPUT_COLOR, role="CT C")
            if small
            else Shades(g, 4.4, 4.4, role="CT C")
        )
        if not small:
            pg.full_shape = (n, n)  # its top left was given: shown() says so
        eye = np.eye(min(n, MAX_SHADES))  # the identity's top left: all a picture of it draws
        ident = (
            Grid(eye, formatter(eye), cell=(pg.cw, 0.4), color=th.MUTED_COLOR, role="identity")
            if small
            else Shades(eye, pg.width, pg.height, role="identity")
        )
        pair = VGroup(
            labelled(f"C transposed times C, {n} × {n}" + (pg.shown() if isinstance(pg, Shades) else ""), pg,
                     above=True),
            labelled("the identity", ident, above=True),
        ).arrange(RIGHT, buff=0.8, aligned_edge=UP)
        if pair.width > 12.6:
            pair.scale_to_fit_width(12.6)
        pair.next_to(caption, DOWN, buff=0.3)
        fmt2 = formatter(g, diag, [off]) if is_whole(g, diag, [off]) else (lambda v: fmt(v, 2, sign=False))
        facts = th.text(
            f"diagonal {fmt2(diag.min())} to {fmt2(diag.max())}, off the diagonal up to {fmt2(off)}; "
            f"rank {rank} of {n}",
            th.SMALL_SIZE - 2,
            th.ACCENT_COLOR,
        ).next_to(pair, DOWN, 0.25)
        self.say("Does the transposed convolution undo the convolution?", "Then Cᵀ C would be the identity.")
        self.play(fade_in(title), fade_in(caption, pair), run_time=1.5)
        lost = rank < n
        self.say(f"It is not: its rank is {rank} of {n}.",
                 f"C turns {n} numbers into {c.shape[0]}, and {c.shape[0]} cannot give back {n}: "
                 "information is lost." if lost else "")
        self.play(fade_in(facts), run_time=0.8)
        v = (np.arange(n) % 3 + 1).astype(float)
        back = c.gram_times(v)
        same = bool(np.allclose(back, v))
        vs = formatter(v, back)

        def cut8(a):
            return ", ".join(vs(t) for t in a[:8]) + (", …" if len(a) > 8 else "")

        last = th.text(
            f"for v = {cut8(v)}:   C transposed times C times v = {cut8(back)}", th.SMALL_SIZE - 2,
            th.OUTPUT_COLOR
        ).next_to(facts, DOWN, 0.2)
        self.say(
            "It restores the shape, not the values:",
            "Cᵀ C v is not v." if not same else "here v comes back, by luck of this kernel.",
        )
        if last.width > 12.6:
            last.scale_to_fit_width(12.6)
        self.play(fade_in(last), run_time=0.8)
        self.payoff()
        if self.article:
            self.clear_stage()
            self.set_footer(True)
            self.trained_inverse()

    def trained_inverse(self):
        """The article's encoder as a matrix E (its three filters on one 7-sample patch, 3 × 7; tanh and
        bias aside) and its trained decoder D, a transposed convolution with its own kernels: p, Eᵀ E p
        and D(E p) drawn on one scale for a training patch and for a step unlike any training curve,
        each error measured; the sentence follows the numbers."""
        ck = self.ck
        self.set_footer(True)  # the section's model comes in here: named from now, for its first seconds
        e = np.vstack([conv.conv_matrix(w.astype(np.float64), data.PATCH, data.STRIDE) for w in ck.enc_w])
        _, _, p = story.demo_patch()
        step = np.where(np.arange(data.PATCH) < data.PATCH // 2, p.min(), p.max())
        cases = []
        for x in (p, step):
            plain, trained = e.T @ (e @ x), ck.decode(ck.encode(x[None]))[0]
            errors = float(np.mean((plain - x) ** 2)), float(np.mean((trained - x) ** 2))
            cases.append((x, plain, trained, *errors))
        lo = min(float(np.min(v)) for case in cases for v in case[:3])
        hi = max(float(np.max(v)) for case in cases for v in case[:3])
        yr = pic.nice_range(lo, hi, 4)
        fails = cases[1][4] > 10 * cases[0][4]  # the step's error against the training patch's
        title = th.title("A trained decoder: an inverse only on its data" if fails
                         else "A trained decoder undoes its encoder")
        shape = f"{e.shape[0]} × {e.shape[1]}"
        caption = caption_under(title, f"E: the trained encoder's {e.shape[0]} filters as a {shape} matrix "
                                       "(its tanh and bias left out); D: its decoder, on the encoder's code")
        panels = VGroup()
        names = ("a training patch p", "a step p: unlike any training curve")
        for k, ((x, plain, trained, e_plain, e_trained), name) in enumerate(zip(cases, names)):
            plot = pic.SignalPlot(data.PATCH, yr, 4.6, 2.4, label=name)
            # p as a wide grey band under the decoder's line: seen where the two lie on each other
            sx = pic.Signal(plot, x, th.DATA_COLOR, width=9, dot_radius=0, opacity=0.55, role=f"patch {k}")
            sp = pic.Signal(plot, plain, th.OUTPUT_COLOR, width=3, dot_radius=0.0, role=f"ETE p {k}")
            sp.add(DashedVMobject(sp.line, num_dashes=24))
            sp.line.set_stroke(opacity=0)  # drawn dashed; kept in the group, so it moves with the rest
            sp.line.set_stroke(opacity=0, background=True)
            st = pic.Signal(plot, trained, th.OUTPUT_COLOR, role=f"D(E p) {k}")
            errs = th.text(f"mean square error: E transposed {e_plain:.1e}, D {e_trained:.1e}",
                           th.SMALL_SIZE - 4, th.ACCENT_COLOR).next_to(plot, DOWN, 0.3)
            panels.add(VGroup(plot, sx, sp, st, errs))
        panels.arrange(RIGHT, buff=0.6, aligned_edge=UP)
        if panels.width > 12.6:
            panels.scale_to_fit_width(12.6)
        panels.next_to(caption, DOWN, buff=0.4).set_x(0)
        key = th.text(f"{th.DATA_NAME} band: p    dashed: E transposed times E p    solid: D(E p), "
                      "the decoder", th.SMALL_SIZE - 2, th.MUTED_COLOR).next_to(panels, DOWN, buff=0.35)
        (*_, tp, tb), (*_, sb) = cases
        self.say("Does a trained decoder undo its encoder? The encoder turns a 7-sample patch into its code:",
                 "3 dot products, one per filter, so a 3 × 7 matrix, E.",
                 "The decoder D is a transposed convolution with its own trained kernels.")
        self.play(fade_in(title), fade_in(caption, panels[0][:2], key), run_time=1.5)
        self.say(f"On a training patch, D's mean square error is {tb:.1e}; E transposed's is {tp:.1e}.")
        self.play(fade_in(*panels[0][2:]), run_time=1.2)
        self.let_read()
        self.say(
            f"On a step, unlike any training curve, D's error is {sb:.1e}, "
            f"about {times(sb, tb)} times as much."
            if fails else f"On a step, unlike any training curve, D's error is still only {sb:.1e}.",
            "So D is no inverse either: it undoes its encoder on data like its training curves."
            if fails else "",
        )
        self.play(fade_in(panels[1]), run_time=1.2)
        self.payoff()

    # --- 6. in 2-D ----------------------------------------------------------------------------------------
    def in_2d(self):
        if self.main.dims == 1:  # the stamps in 2-D first; a 2-D setting showed them in the first section
            self.stamp_2d(self.flat, "in-2-d")
            self.clear_stage()
        self.stamp_counts(self.flat)


MOST_COUNTS_NAMED = 5  # more different stamp counts than this are said as their range


def times(a: float, b: float) -> str:
    """a / b as said beside a and b written to two significant digits: itself to two significant
    digits, so that it agrees with the numbers shown ('about 1,400', not 1415 for 7.8e-03 / 5.5e-06)."""
    r = float(f"{a / b:.2g}")
    return f"{r:,.0f}" if r >= 10 else f"{r:g}"


def on_row(st: ex.Stamp, dilation: tuple[int, ...], n: int) -> np.ndarray:
    """A 1-D stamp where it lands on a row of `n` samples (NaN where it does not reach; taps past
    the row left out)."""
    row = np.full(n, np.nan)
    for t, (at,) in enumerate(st.positions(dilation)):
        if at < n:
            row[at] = st.values[0, t]
    return row


def fits_across(lengths: list[int], pad: int, cw: float) -> bool:
    """Whether the longest of `lengths`, padded at both ends, fits across the frame as cells of cw."""
    return (max(lengths) + 2 * pad) * cw <= 9.0


def counts_words(levels: list[int]) -> str:
    """Stamp counts as said and shown: each of a few ('1, 2 or 4'), the range of many ('0 to 64, 30
    different counts'), so that a large setting's sentence still fits its two subtitle lines."""
    if len(levels) <= MOST_COUNTS_NAMED:
        return series(levels, "or")
    return f"{levels[0]} to {levels[-1]} ({len(levels)} different counts)"
