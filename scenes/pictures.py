"""The reusable pictures of the explainers, built from data arrays: signal plots updated in place,
the code as a point, a code vector and matrix, the weighted sum of decoder filters, the article's
four-panel layout (A1-A4), bars, and the footer naming the model. numpy and manim only.

A picture that shows a number or a curve can carry a `role` ("output", "window 2", ...): the
explainer records what each section showed under those names (scenes.stage), and the tests read
the values back from the drawing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Axes,
    Circle,
    DashedLine,
    Line,
    Mobject,
    Rectangle,
    Text,
    VGroup,
    VMobject,
    config,
    linear,
)

from core import story, weights
from core.data import KERNEL
from scenes.speed import Dots, Drive, Fade, LiveNumber, coords_to_points, number
from scenes.theme import (
    DATA_COLOR,
    DATA_NAME,
    FILTER_COLORS,
    FILTER_NAMES,
    LABEL_SIZE,
    MUTED_COLOR,
    OUTLINE_COLOR,
    OUTPUT_COLOR,
    SMALL_SIZE,
    TEXT_COLOR,
    SansText,
    text,
)


def footer(ck: weights.Checkpoint) -> Text:
    """The model the numbers come from, in small print at the bottom left of every explainer."""
    return text(f"model: {ck.variant}, seed {ck.seed}, trained {ck.epochs} epochs, "
                f"final loss {ck.final_loss:.2e}", SMALL_SIZE - 4, MUTED_COLOR
                ).to_corner(DOWN + LEFT, buff=0.1)


def nice_range(lo: float, hi: float, ticks: int = 6) -> tuple[float, float, float]:
    """An axis range covering [lo, hi] (and 0) with a round step."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = max(hi - lo, 1e-9)
    raw = span / ticks
    mag = 10 ** np.floor(np.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step), float(step)


# --- plots -------------------------------------------------------------------------------------------
class SignalPlot(VGroup):
    """Axes for a short signal: x is the sample index 0..n-1, y its value (the x axis runs `x_pad` of
    a sample past n-1, room for a bar centred on the last sample)."""

    def __init__(self, n: int, y_range: Sequence[float], width: float, height: float,
                 label: str | None = None, label_color: str = TEXT_COLOR, x_numbers: bool = True,
                 font_size: float = SMALL_SIZE, y_numbers: bool = True, x_pad: float = 0.0):
        super().__init__()
        lo, hi, step = y_range
        places = max(0, int(-np.floor(np.log10(step)))) if step < 1 else 0
        if step < 1 and round(step * 10**places) % 10 not in (0, 1, 2, 5):
            places += 1
        self.n = n
        # every sample numbered, or every other one where the numbers would touch
        gap = width / max(n - 1 + x_pad, 1)
        every = 1 if gap >= 1.5 * SansText(str(n - 1), font_size=font_size).width else 2
        self.axes = Axes(
            x_range=[0, n - 1 + x_pad, 1], y_range=[lo, hi, step], x_length=width, y_length=height,
            tips=False,
            axis_config={"color": MUTED_COLOR, "stroke_width": 2, "label_constructor": SansText,
                         "font_size": font_size, "tick_size": 0.05},
            x_axis_config={"numbers_to_include": list(range(0, n, every)) if x_numbers else [],
                           "numbers_to_exclude": []},
            y_axis_config={"numbers_to_include": [lo, hi] if y_numbers else [],
                           "decimal_number_config": {"num_decimal_places": places}},
        )
        for num in [*self.axes.x_axis.numbers, *self.axes.y_axis.numbers]:
            num.set_color(MUTED_COLOR)
        floor = self.axes.c2p(0, lo)[1]
        for num in self.axes.x_axis.numbers:  # sample indices under the plot, clear of the curves
            num.set_y(floor - 0.08 - num.height / 2)
        self.add(self.axes)
        if label is not None:
            self.label = text(label, font_size, label_color).next_to(self.axes, UP, buff=0.12)
            self.add(self.label)

    def points_for(self, values: Sequence[float], offset: int = 0) -> np.ndarray:
        """(n, 3) scene points of samples offset, offset+1, ... (the axes map is affine: one
        matrix product instead of a c2p call per sample, since this runs every frame)."""
        return coords_to_points(self.axes, np.arange(len(values)) + offset, values)


class Signal(VGroup):
    """A signal drawn on a SignalPlot as a polyline with a dot per sample; `set_values` moves the
    existing points (cheap enough for every frame), nothing is rebuilt."""

    def __init__(self, plot: SignalPlot, values: Sequence[float], color: str, width: float = 4,
                 dot_radius: float = 0.05, offset: int = 0, stems: bool = False, opacity: float = 1.0,
                 role: str | None = None):
        super().__init__()
        self.role = role
        self.plot, self.size, self.offset = plot, len(values), offset
        self.line = VMobject(stroke_color=color, stroke_width=width, stroke_opacity=opacity)
        self.dots = (Dots(np.zeros((self.size, 3)), dot_radius, color, opacity) if dot_radius > 0
                     else VGroup())
        self.stems = VMobject(stroke_color=color, stroke_width=width * 0.6,
                              stroke_opacity=0.8 * opacity) if stems else None
        self.add(self.line, self.dots, *([self.stems] if stems else []))
        if config.transparent:  # a dark edge keeps light colours visible on a white slide
            self.line.set_stroke(OUTLINE_COLOR, width=width + 2, opacity=opacity**2, background=True)
        self.set_values(values)

    def set_values(self, values: Sequence[float]) -> Signal:
        self.values = np.asarray(values, dtype=float)
        pts = self.plot.points_for(self.values, self.offset)
        self.line.set_points_as_corners(pts)
        if isinstance(self.dots, Dots):
            self.dots.set_positions(pts)
        if self.stems is not None:
            self.stems.clear_points()
            for base, p in zip(self.plot.points_for(np.zeros(self.size), self.offset), pts):
                self.stems.start_new_path(base)
                self.stems.add_line_to(p)
        return self

    def drawn_values(self) -> np.ndarray:
        """The y value of each sample as drawn (read back from the polyline's corners)."""
        corners = self.line.get_start_anchors()
        corners = np.vstack([corners, self.line.get_end_anchors()[-1:]])
        return np.asarray(self.plot.axes.p2c(corners))[:, 1]  # all corners at once


class CodePoint(VGroup):
    """The article's code picture: a point at (c1, c2) on a plane, and c3 as an arm in channel 3's
    colour along a third axis of its own, drawn slanted (up-left: across the cloud of real codes,
    and never straight up, which is c2): toward the axis's "c3" end for c3 > 0, away for c3 < 0,
    its length in proportion to |c3|, with a cap across its tip. The point keeps its size, so the
    picture never vanishes; near c3 = 0 the arm and cap fade into it (a plain dot means c3 = 0).
    `drawn_values()` reads (c1, c2, c3) back from where they are drawn."""

    CAP_FADE = 0.12  # the arm length (units) from which arm and cap show fully
    SLANT = (LEFT + UP) / np.sqrt(2)  # c3's direction on the page

    def __init__(self, extent: Sequence[float], width: float, height: float, background=None,
                 role: str | None = None):
        """`role`: the name the mark (point, arm and cap, `self.mark`) is recorded under."""
        super().__init__()
        x_lo, x_hi, x_step = nice_range(-extent[0] * 1.1, extent[0] * 1.1, 2)
        y_lo, y_hi, y_step = nice_range(-extent[1] * 1.1, extent[1] * 1.1, 2)
        self.extent3 = float(extent[2])
        self.axes = Axes(
            x_range=[x_lo, x_hi, x_step], y_range=[y_lo, y_hi, y_step], x_length=width,
            y_length=height, tips=False,
            axis_config={"color": MUTED_COLOR, "stroke_width": 2, "label_constructor": SansText,
                         "font_size": SMALL_SIZE, "tick_size": 0.05,
                         "decimal_number_config": {"num_decimal_places": 1 if x_step >= 0.1 else 2}},
            x_axis_config={"numbers_to_include": [x_lo, x_hi]},
            y_axis_config={"numbers_to_include": [y_lo, y_hi]},
        )
        for num in [*self.axes.x_axis.numbers, *self.axes.y_axis.numbers]:
            num.set_color(MUTED_COLOR)
        # the numbers outside the box the cloud fills (c1's under it, c2's left of it), off the dots
        for num, x in zip(self.axes.x_axis.numbers, (x_lo, x_hi)):
            num.next_to(self.axes.c2p(x, y_lo), DOWN, 0.2)
        for num, y in zip(self.axes.y_axis.numbers, (y_lo, y_hi)):
            num.next_to(self.axes.c2p(x_lo, y), LEFT, 0.15)
        self.x_label = text("c1", SMALL_SIZE, FILTER_COLORS[0]).next_to(self.axes.x_axis, RIGHT, 0.1)
        self.y_label = text("c2", SMALL_SIZE, FILTER_COLORS[1]).next_to(self.axes.c2p(0, y_hi), UP, 0.1)
        self.stem_max = 0.3 * height  # the arm's length at |c3| = extent
        # c3's own axis through the origin, faint, as long as the arm can reach either way
        o = self.axes.c2p(0, 0)
        self.z_axis = DashedLine(o - self.SLANT * self.stem_max, o + self.SLANT * self.stem_max,
                                 color=FILTER_COLORS[2], stroke_width=2, stroke_opacity=0.6, dash_length=0.06)
        self.z_label = text("c3", SMALL_SIZE, FILTER_COLORS[2])
        self.z_label.next_to(self.z_axis.get_end(), UP + LEFT, 0.04)
        self.add(self.axes, self.x_label, self.y_label, self.z_axis, self.z_label)
        if background is not None:  # real codes, faint: where patches actually land
            inside = [(a, b) for a, b in background if x_lo <= a <= x_hi and y_lo <= b <= y_hi]
            self.cloud = Dots(np.array([self.axes.c2p(a, b) for a, b in inside]), 0.016, DATA_COLOR, 0.4)
            self.add(self.cloud)
        self.stem = Line(ORIGIN, UP, color=FILTER_COLORS[2], stroke_width=6)
        self.cap = Line(LEFT * 0.15, RIGHT * 0.15, color=FILTER_COLORS[2], stroke_width=6)
        self.cap.rotate(np.pi / 4)  # across the arm
        self.dot = Circle(radius=0.085, color=TEXT_COLOR, fill_color=TEXT_COLOR, fill_opacity=1.0,
                          stroke_width=0)
        self.mark = VGroup(self.stem, self.cap, self.dot)  # what moves
        self.mark.role, self.mark.drawn_values = role, self.drawn_values
        self.add(self.mark)
        self.code = np.zeros(3)
        self.set_code((0.0, 0.0, 0.0))

    def stem_for(self, c3: float) -> float:
        """The arm's signed length: stem_max at c3 = +extent, -stem_max at -extent."""
        return self.stem_max * c3 / max(self.extent3, 1e-9)

    def set_code(self, code: Sequence[float]) -> CodePoint:
        self.code = np.asarray(code, dtype=float)
        base = self.axes.c2p(self.code[0], self.code[1])
        reach = self.stem_for(self.code[2])
        tip = base + self.SLANT * reach
        self.stem.put_start_and_end_on(base, tip + self.SLANT * 1e-6)  # never a zero-length line
        self.cap.move_to(tip)
        self.dot.move_to(base)
        # near c3 = 0 the arm and cap fade into the point (a plain dot: c3 is 0), no stub beside it
        shown = float(np.clip(abs(reach) / self.CAP_FADE, 0.0, 1.0))
        self.stem.set_stroke(opacity=shown)
        self.cap.set_stroke(opacity=shown)
        return self

    def drawn_values(self) -> np.ndarray:
        """(c1, c2, c3) as drawn: the point's place on the plane, the arm's signed length along c3's
        axis."""
        base = self.dot.get_center()
        c1, c2 = self.axes.p2c(base)[:2]
        along = float(np.dot(self.cap.get_center() - base, self.SLANT))
        return np.array([c1, c2, along / self.stem_max * self.extent3])


def code_vector(code: Sequence[float], places: int = 3, size: float = LABEL_SIZE,
                role: str | None = None) -> VGroup:
    """'code =  -0.167  -0.081  +0.195', each number in its channel's colour (fixed values); with a
    role, the numbers are recorded as '<role> c1', ..."""
    return VGroup(text("code =", size), *[number(c, places, size, FILTER_COLORS[i],
                                                 role=role and f"{role} c{i + 1}")
                                          for i, c in enumerate(code)]).arrange(RIGHT, buff=0.3)


class CodeMatrix(VGroup):
    """The code of a whole curve: one column per window, one row per channel (in its colour)."""

    def __init__(self, codes: np.ndarray, places: int = 3, size: float = LABEL_SIZE - 2,
                 role: str | None = "code matrix"):
        super().__init__()
        self.role = role
        self.codes = np.asarray(codes, dtype=float)
        n_ch, n_win = self.codes.shape
        self.header = VGroup(*[text(f"window {w + 1}", SMALL_SIZE - 2) for w in range(n_win)])
        self.header.arrange(RIGHT, buff=0.3)
        self.cells = [[number(self.codes[i, w], places, size, FILTER_COLORS[i],
                              role=role and f"{role} {i} {w}") for w in range(n_win)] for i in range(n_ch)]
        rows = VGroup(*[VGroup(*r) for r in self.cells]).arrange(DOWN, buff=0.22)
        rows.next_to(self.header, DOWN, 0.22)
        for i in range(n_ch):
            for w in range(n_win):
                self.cells[i][w].set_x(self.header[w].get_x())
        self.names = VGroup(*[text(f"c{i + 1}", size, FILTER_COLORS[i]).next_to(self.header, LEFT, 0.3)
                              .set_y(rows[i].get_y()) for i in range(n_ch)])
        self.add(self.header, rows, self.names)

    def column(self, w: int) -> VGroup:
        return VGroup(*[row[w] for row in self.cells])

    def drawn_values(self) -> np.ndarray:
        """(channels, windows): the numbers the cells show."""
        return np.array([[c.get_value() for c in row] for row in self.cells])


class _WideMinus(LiveNumber):
    """A LiveNumber whose '-' is drawn as wide as a '+' and in its place (a minus sign, as in a
    table): the gap after 'c1 =' looks the same for either sign, and the digits stay in columns."""

    def set_value(self, value: float) -> _WideMinus:
        if float(value) == self.value:
            return self
        super().set_value(value)
        if self.sign and self.format(self.value)[0] == "-":
            x = self.glyphs.points[:len(self._glyph["-"]), 0]  # the sign's points come first
            lo, hi = x.min(), x.max()
            plus = np.ptp(self._glyph["+"][:, 0])
            x[:] = hi - plus + (x - lo) * plus / max(hi - lo, 1e-9)
        return self


class CodeReadout(VGroup):
    """'c1 = +0.12  c2 = ...' with each value in its channel's colour, updated in place."""

    def __init__(self, size: float = LABEL_SIZE, places: int = 2):
        super().__init__()
        self.numbers = []
        for i in range(3):
            name = text(f"c{i + 1} =", size, FILTER_COLORS[i])
            num = _WideMinus(0.0, places, size, FILTER_COLORS[i]).next_to(name, RIGHT, 0.12)
            num.role = f"c{i + 1}"
            self.numbers.append(num)
            self.add(VGroup(name, num))
        self.arrange(RIGHT, buff=0.45)

    def set_code(self, code: Sequence[float]) -> CodeReadout:
        for num, c in zip(self.numbers, code):
            num.set_value(float(c))
        return self


def _without(mob: Mobject, exclude: set) -> list[Mobject]:
    """The largest pieces of `mob`'s tree that hold nothing from `exclude`."""
    if mob in exclude:
        return []
    if not exclude.intersection(mob.get_family()):
        return [mob]
    if mob.has_points():
        raise ValueError(f"{type(mob).__name__} has its own points and moving parts inside")
    return [piece for sub in mob.submobjects for piece in _without(sub, exclude)]


class WeightedSum(VGroup):
    """The decoder at work on one code (F6, F8): the three filters scaled by the code, and their
    sum plus the bias, on one plot. `set_code` moves the curves in place."""

    def __init__(self, ck: weights.Checkpoint, code: Sequence[float], y_range: Sequence[float],
                 width: float, height: float, label: str | None = None):
        super().__init__()
        self.ck = ck
        self.plot = SignalPlot(KERNEL, y_range, width, height, label)
        zero = np.zeros(KERNEL)
        self.scaled = VGroup(*[Signal(self.plot, zero, FILTER_COLORS[i], width=2.5, dot_radius=0.035,
                                      role=f"scaled {i + 1}") for i in range(3)])
        self.total = Signal(self.plot, zero, OUTPUT_COLOR, width=6, dot_radius=0.07, role="sum")
        self.add(self.plot, self.scaled, self.total)
        self.set_code(code)

    def set_code(self, code: Sequence[float]) -> WeightedSum:
        self.code = np.asarray(code, dtype=float)
        for i, sig in enumerate(self.scaled):
            sig.set_values(self.code[i] * self.ck.dec_w[i])
        self.total.set_values(self.code @ self.ck.dec_w + self.ck.dec_b)
        return self


def _fitted_range(lo: float, hi: float, margin: float = 0.05) -> tuple[float, float, float]:
    """A y range just covering [lo, hi] (and 0) plus `margin` of the span on each side, its ends on
    a tenth of the largest value's order of magnitude (0.63 -> 0.7, 3.2 -> 4)."""
    pad = margin * (max(hi, 0.0) - min(lo, 0.0))
    lo, hi = min(lo, 0.0) - pad, max(hi, 0.0) + pad
    step = 10.0 ** np.floor(np.log10(max(abs(lo), abs(hi), 1e-9)))
    return float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step), float(step)


def output_range(ck: weights.Checkpoint, codes: np.ndarray, pad: float = 0.1) -> tuple[float, float, float]:
    """A y range for every output and scaled filter the given codes (K, 3) produce."""
    codes = np.atleast_2d(codes)
    vals = [ck.decode(codes).ravel(), (codes[:, :, None] * ck.dec_w[None]).ravel()]
    lo, hi = min(v.min() for v in vals), max(v.max() for v in vals)
    span = hi - lo
    return nice_range(lo - pad * span, hi + pad * span)


class FourPanel(VGroup):
    """The article's animation layout (A1-A4), driven by one code (c1, c2, c3).

    top left: outputs for several c3 at once, the current one bold; top right: the scaled filters
    and their sum; bottom left: the code as a point; bottom right: the raw filters (static).
    """

    def __init__(self, ck: weights.Checkpoint, extent: Sequence[float], codes: np.ndarray,
                 family: int = 5, panel_w: float = 5.1, panel_h: float = 1.5,
                 family_codes: np.ndarray | None = None, top_h: float | None = None):
        """`extent`: the code box (per channel); `codes` (K, 3): every code the panel will show,
        and `family_codes` those among them at which the outputs for several c3 show (all of
        them if None), so the top plots' y range fits what they draw, with a 5% margin. The thin
        lines stay hidden until `show_family()`."""
        super().__init__()
        self.ck = ck
        self.extent = np.asarray(extent, dtype=float)
        self.c3_values = np.linspace(-self.extent[2], self.extent[2], family)
        codes = np.atleast_2d(codes)
        fam_at = codes if family_codes is None else np.atleast_2d(family_codes)
        fam = np.array([[a, b, c3] for a, b, _ in fam_at for c3 in self.c3_values])
        drawn = np.concatenate([ck.decode(np.vstack([codes, fam])).ravel(),
                                (codes[:, :, None] * ck.dec_w[None]).ravel()])
        yr = _fitted_range(float(drawn.min()), float(drawn.max()))
        top_h = panel_h * 1.2 if top_h is None else top_h
        self.outputs_plot = SignalPlot(KERNEL, yr, panel_w, top_h)
        self.sum_plot = SignalPlot(KERNEL, yr, panel_w, top_h, "scaled filters (thin), their sum (wide)")
        # the top left's name: first the output alone (the same as the wide sum), then the family's
        self.output_name = text("the output (the wide sum again)", SMALL_SIZE)
        self.family_name = text(f"outputs for {family} values of c3 (current bold)", SMALL_SIZE)
        f_lo, f_hi = float(ck.dec_w.min()), float(ck.dec_w.max())
        self.filter_plot = SignalPlot(KERNEL, nice_range(f_lo * 1.1, f_hi * 1.1), panel_w, panel_h,
                                      "decoder filters (fixed)")
        self.point = CodePoint(self.extent, panel_w * 0.55, panel_h, role="code point",
                               background=story.real_codes(ck)[::16, :2])
        self.point_label = text(f"the code: c1 across, c2 up, c3 the {FILTER_NAMES[2]} arm", SMALL_SIZE)
        self.readout = CodeReadout(SMALL_SIZE + 2).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        self.cloud_key = text(f"{DATA_NAME} dots: real\ncodes' c1, c2", SMALL_SIZE - 2, DATA_COLOR)
        top = VGroup(self.outputs_plot, self.sum_plot).arrange(RIGHT, buff=0.8, aligned_edge=DOWN)
        side = VGroup(self.readout, self.cloud_key).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        plane = VGroup(self.point, side).arrange(RIGHT, buff=0.35)
        bottom_left = VGroup(self.point_label, plane).arrange(DOWN, buff=0.12)
        bottom = VGroup(bottom_left, self.filter_plot)
        VGroup(top, bottom).arrange(DOWN, buff=0.35)  # rows first, then columns under the top ones
        bottom_left.set_x(top[0].get_x())
        self.filter_plot.set_x(top[1].get_x())
        for name in (self.output_name, self.family_name):  # not in the panel: scenes fade them
            name.next_to(self.outputs_plot.axes, UP, 0.12)
        self.add(top, bottom)

        zero = np.zeros(KERNEL)
        self.raw = VGroup(*[Signal(self.filter_plot, ck.dec_w[i], FILTER_COLORS[i], width=3)
                            for i in range(3)])
        # the sum wide and under the scaled filters: with one code value non-zero they coincide,
        # and the scaled filter still shows, thin, along the middle of the sum
        self.sum = Signal(self.sum_plot, zero, OUTPUT_COLOR, width=10, dot_radius=0.08, role="output")
        self.scaled = VGroup(*[Signal(self.sum_plot, zero, FILTER_COLORS[i], width=3.5, dot_radius=0.045,
                                      role=f"scaled {i + 1}") for i in range(3)])
        self.family = VGroup(*[Signal(self.outputs_plot, zero, OUTPUT_COLOR, width=1.5, dot_radius=0,
                                      opacity=self.FAMILY_OPACITY) for _ in self.c3_values])
        self.set_family_shown(0.0)
        self.current = Signal(self.outputs_plot, zero, OUTPUT_COLOR, width=6, dot_radius=0.06)
        self.add(self.raw, self.sum, self.scaled, self.family, self.current)
        # what moves when the code changes, and what does not: scenes add them as two top-level
        # mobjects so manim draws the static part once per animation, not once per frame
        self.live = VGroup(self.family, self.sum, self.scaled, self.current, self.point.mark,
                           *self.readout.numbers)
        self.static = VGroup(*_without(self, set(self.live.get_family())))
        self.code = np.zeros(3)
        self.set_code((0.0, 0.0, 0.0))

    FAMILY_OPACITY = 0.55

    def set_family_shown(self, k: float) -> FourPanel:
        """The thin outputs for several c3: hidden (0) to shown (1)."""
        self.family_shown = k
        for sig in self.family:
            sig.line.stroke_rgbas[:, 3] = self.FAMILY_OPACITY * k
            sig.line.background_stroke_rgbas[:, 3] = (self.FAMILY_OPACITY * k) ** 2
        return self

    def show_family(self, run_time: float = 1.0) -> list:
        """The animations that bring in the outputs for several c3 and their name (the top left's
        first name goes)."""
        return [Drive(self.live, lambda a: self.set_family_shown(a), run_time=run_time),
                Fade(self.output_name, False, run_time=run_time),
                Fade(self.family_name, True, run_time=run_time)]

    def set_code(self, code: Sequence[float]) -> FourPanel:
        ck, c = self.ck, np.asarray(code, dtype=float)
        if not np.array_equal(c[:2], self.code[:2]) or not hasattr(self, "_family_set"):
            for sig, c3 in zip(self.family, self.c3_values):
                sig.set_values(ck.decode([[c[0], c[1], c3]])[0])
            self._family_set = True
        for i, sig in enumerate(self.scaled):
            sig.set_values(c[i] * ck.dec_w[i])
        out = ck.decode([c])[0]
        self.sum.set_values(out)
        self.current.set_values(out)
        self.point.set_code(c)
        self.readout.set_code(c)
        self.code = c
        return self

    def sweep(self, path: np.ndarray, run_time: float) -> Drive:
        """The code moving along `path` (n, 3) at an even pace, every view following."""
        return Drive(self.live, lambda a: self.set_code(story.along(path, a)), run_time=run_time,
                     rate_func=linear)



class Rings(VGroup):
    """Open circles on a SignalPlot at some samples of a signal (the decoder's own output, the
    doubled samples); `set_values` moves them, `drawn_values` reads their heights back."""

    def __init__(self, plot: SignalPlot, values: Sequence[float], color: str, radius: float = 0.13,
                 width: float = 3, indices: Sequence[int] | None = None, role: str | None = None):
        self.indices = list(range(len(values)) if indices is None else indices)
        super().__init__(*[Circle(radius=radius, color=color, stroke_width=width) for _ in self.indices])
        self.plot, self.role = plot, role
        self.set_values(values)

    def set_values(self, values: Sequence[float]) -> Rings:
        values = np.asarray(values, dtype=float)
        for ring, p in zip(self, self.plot.points_for(values)[self.indices]):
            ring.move_to(p)
        return self

    def drawn_values(self) -> np.ndarray:
        return np.array([self.plot.axes.p2c(r.get_center())[1] for r in self])


class Bars(VGroup):
    """A bar per value on a SignalPlot, from 0 to the value, in one colour; `grow(g)` scales them
    from the axis (0 to 1), `show(count)` grows them one after another (bar k has grown by
    count - k). `drawn_values` reads the heights back."""

    def __init__(self, plot: SignalPlot, values: Sequence[float], color: str, width: float = 0.18,
                 role: str | None = None):
        super().__init__()
        self.plot, self.role = plot, role
        self.values = np.asarray(values, dtype=float)
        self.bases = [plot.axes.c2p(k, 0) for k in range(len(self.values))]
        for k, (base, v) in enumerate(zip(self.bases, self.values)):
            tip = plot.axes.c2p(k, v)
            self.add(Rectangle(width=width, height=max(abs(tip[1] - base[1]), 1e-3), stroke_width=0,
                               fill_color=color, fill_opacity=0.9).move_to((base + tip) / 2))
        self.heights = [b.height for b in self]
        self.centers = [b.get_center() for b in self]

    def grow(self, g: float) -> Bars:
        g = max(g, 1e-3)
        for bar, h, c, b in zip(self, self.heights, self.centers, self.bases):
            bar.stretch_to_fit_height(h * g)
            bar.move_to(b + (c - b) * g)
        return self

    def show(self, count: float) -> Bars:
        """Bars 0 .. count - 1 at full height, the next one grown by the fraction left, the rest flat
        and hidden."""
        for k, (bar, h, c, b) in enumerate(zip(self, self.heights, self.centers, self.bases)):
            g = min(max(count - k, 0.0), 1.0)
            bar.set_fill(opacity=0.9 if g > 0 else 0.0)
            bar.stretch_to_fit_height(h * max(g, 1e-3))
            bar.move_to(b + (c - b) * max(g, 1e-3))
        return self

    def drawn_values(self) -> np.ndarray:
        axes = self.plot.axes
        return np.array([axes.p2c(b.get_top())[1] + axes.p2c(b.get_bottom())[1] for b in self])
