"""Pieces every explainer shares: the palette, text, signal plots updated in place, the code
point, the article's four-panel layout (A1-A4), and loading the model the viewer asked for.

numpy and manim only: models come from checkpoints through `core.weights`, never from torch.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Axes,
    Circle,
    Mobject,
    Text,
    VectorizedPoint,
    VGroup,
    VMobject,
    config,
)

from core import data, overlap, palette, weights

# --- palette: one meaning per colour, the same in every scene and figure -------------------------
# DECONV_THEME=light renders on white with darker shades of the same hues (core.palette).
try:
    PALETTE = palette.theme()
except ValueError as _e:
    print(f"deconv: error: {_e}", file=sys.stderr)
    raise SystemExit(2) from None
FILTER_COLORS = PALETTE.filters  # filter / code channel 1, 2, 3
DATA_COLOR = PALETTE.data  # data: curves, patches, targets
OUTPUT_COLOR = PALETTE.output  # what the decoder produces: sums, outputs
ACCENT_COLOR = PALETTE.accent  # errors, doubled overlaps
TEXT_COLOR = PALETTE.text
MUTED_COLOR = PALETTE.muted  # axes, secondary text
OUTLINE_COLOR = PALETTE.outline  # behind text and curves in transparent renders (-t)
BACKGROUND_COLOR = PALETTE.background
# the words for those colours, in on-screen text and subtitles ("yellow" is "gold" on white)
FILTER_NAMES, DATA_NAME, OUTPUT_NAME = PALETTE.filter_names, PALETTE.data_name, PALETTE.output_name
ACCENT_NAME, TEXT_NAME = PALETTE.accent_name, PALETTE.text_name
FONT = palette.FONT
if PALETTE is not palette.DARK:  # the dark theme keeps Manim's black (and any --background_color)
    config.background_color = BACKGROUND_COLOR

TITLE_SIZE = 34
LABEL_SIZE = 24
SMALL_SIZE = 20


class SansText(Text):
    """Text in the project's font (also for axis numbers)."""

    def __init__(self, text: str, **kwargs):
        kwargs.setdefault("font", FONT)
        super().__init__(text, **kwargs)


def text(s: str, size: float = LABEL_SIZE, color: str = TEXT_COLOR, **kwargs) -> Text:
    """Text in the project's font. With a transparent background (`manim -t`) it gets an
    outline in the background colour, so it stays readable on light slides as well as dark ones."""
    t = SansText(s, font_size=size, color=color, **kwargs)
    if config.transparent:
        t.set_stroke(OUTLINE_COLOR, width=2, background=True)
    return t


class LiveNumber(VGroup):
    """A signed decimal that can change every frame, as cheap as moving a few points.

    Manim's DecimalNumber deep-copies a glyph per character on every `set_value`, which costs
    more than drawing the frame. Here the number is one VMobject whose points are the glyphs'
    outlines, cut once from a reference line of text (so baselines agree) and placed in fixed
    character slots. An invisible anchor travels with the number, so moves (next_to, shift) stick.
    """

    _glyphs: dict[float, dict[str, np.ndarray]] = {}
    CHARS = "+-0123456789."

    def __init__(self, value: float = 0.0, places: int = 2, size: float = LABEL_SIZE,
                 color: str = TEXT_COLOR, sign: bool = True, int_digits: int = 1):
        super().__init__()
        self.places, self.sign, self.int_digits = places, sign, int_digits
        template = ("+" if sign else "") + "0" * int_digits + "." + "0" * places
        self._glyph = self._glyph_points(size)
        ref = SansText(template, font_size=size).submobjects
        self._slot_x = [g.get_x() for g in ref]
        if sign:  # a sign sits against the first digit, whatever its width ("+" and "-" differ)
            self._sign_right = ref[0].get_right()[0]
        self.glyphs = VMobject(fill_color=color, fill_opacity=1.0, stroke_width=0)
        self.anchor = VectorizedPoint(ORIGIN)
        self.add(self.glyphs, self.anchor)
        self.value = float("nan")
        self.set_value(value)
        if config.transparent:
            self.glyphs.set_stroke(OUTLINE_COLOR, width=2, background=True)

    @classmethod
    def _glyph_points(cls, size: float) -> dict[str, np.ndarray]:
        if size not in cls._glyphs:
            line = SansText(cls.CHARS, font_size=size)
            cls._glyphs[size] = {c: g.points - [g.get_x(), 0, 0] for c, g in zip(cls.CHARS, line.submobjects)}
        return cls._glyphs[size]

    def format(self, value: float) -> str:
        """The characters shown, one per slot ('' for an empty slot)."""
        s = f"{value:+.{self.places}f}" if self.sign else f"{value:.{self.places}f}"
        if s.startswith("-") and float(s) == 0:
            s = "+" + s[1:]  # never "-0.00"
        body = s[1:] if self.sign else s
        width = self.int_digits + 1 + self.places
        if len(body) > width:
            raise ValueError(f"{value} needs more than {self.int_digits} digit(s) before the point")
        return ((s[0],) if self.sign else ()) + tuple(body.rjust(width).replace(" ", "\0"))

    def set_value(self, value: float) -> LiveNumber:
        value = float(value)
        if value == self.value:
            return self
        self.value = value
        offset = self.anchor.get_location()
        xs = list(self._slot_x)
        chars = self.format(value)
        if self.sign:
            xs[0] = self._sign_right - self._glyph[chars[0]][:, 0].max()
        self.glyphs.points = np.concatenate([self._glyph[ch] + offset + [x, 0, 0] for x, ch in
                                             zip(xs, chars) if ch != "\0"])
        return self

    def get_value(self) -> float:
        return self.value


def fmt(value: float, places: int = 3, sign: bool = True) -> str:
    """A number as LiveNumber shows it (never '-0.000')."""
    s = f"{value:+.{places}f}" if sign else f"{value:.{places}f}"
    return ("+" + s[1:] if sign else s[1:]) if s.startswith("-") and float(s) == 0 else s


def number(value: float = 0.0, places: int = 2, size: float = LABEL_SIZE, color: str = TEXT_COLOR,
           sign: bool = True) -> LiveNumber:
    return LiveNumber(value, places, size, color, sign)


def title(s: str) -> Text:
    return text(s, TITLE_SIZE).to_edge(UP, buff=0.35)


class Fade(Animation):
    """Fade mobjects in or out by scaling their opacities in place.

    Manim's FadeIn/FadeOut deep-copy the whole mobject before the first frame, which for a
    panel of text and axes costs more than the frames themselves. This keeps each part's own
    opacity (a faint curve stays faint) and copies nothing.
    """

    def __init__(self, mobject: Mobject, fade_in: bool = True, **kwargs):
        self.fade_in = fade_in
        super().__init__(mobject, introducer=fade_in, remover=not fade_in, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # interpolation below needs no copy

    def begin(self) -> None:
        self._alphas = [(m, m.fill_rgbas[:, 3].copy(), m.stroke_rgbas[:, 3].copy(),
                         m.background_stroke_rgbas[:, 3].copy())
                        for m in self.mobject.get_family() if isinstance(m, VMobject)]
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        k = self.rate_func(alpha) if self.fade_in else 1 - self.rate_func(alpha)
        for m, fill, stroke, background in self._alphas:
            m.fill_rgbas[:, 3] = fill * k
            m.stroke_rgbas[:, 3] = stroke * k
            m.background_stroke_rgbas[:, 3] = background * k

    def clean_up_from_scene(self, scene) -> None:
        if self.fade_in:
            self.interpolate_mobject(1.0)
        super().clean_up_from_scene(scene)


def fade_in(*mobjects: Mobject, **kwargs) -> AnimationGroup:
    return AnimationGroup(*[Fade(m, True, **kwargs) for m in mobjects])


def fade_out(*mobjects: Mobject, **kwargs) -> AnimationGroup:
    return AnimationGroup(*[Fade(m, False, **kwargs) for m in mobjects])


def clear(scene, *keep: Mobject, run_time: float = 0.8) -> None:
    """Fade out everything on screen but `keep` (e.g. the footer)."""
    scene.play(fade_out(*[m for m in scene.mobjects if m not in keep]), run_time=run_time)


def coords_to_points(axes: Axes, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Axes.c2p for whole arrays at once (the map is affine), for curves updated every frame."""
    o = axes.c2p(0, 0)
    ex, ey = axes.c2p(1, 0) - o, axes.c2p(0, 1) - o
    return o + np.asarray(x, float)[:, None] * ex + np.asarray(y, float)[:, None] * ey


def keep_live_last(scene, live: VGroup) -> None:
    """Draw `live` every frame and everything else once per animation.

    Manim redraws, each frame, every top-level mobject from the first one that moves (has an
    updater or is animated) to the end of the scene's list. So the moving parts are taken out of
    whatever groups hold them and added back as one group, last.
    """
    scene.remove(live, *live.submobjects)
    scene.add(live)


# --- the model the viewer asked for ---------------------------------------------------------------
def model_choice() -> tuple[str, int]:
    """(variant, seed) from DECONV_VARIANT and DECONV_SEED; default: the plain model, seed 22."""
    variant = os.environ.get("DECONV_VARIANT", "plain")
    raw = os.environ.get("DECONV_SEED", "22")
    try:
        seed = int(raw)
    except ValueError:
        fail(f"DECONV_SEED={raw!r} is not a whole number (the shipped seeds are 11, 22, ..., 110)")
    return variant, seed


def load_model() -> weights.Checkpoint:
    """The chosen checkpoint; a missing or bad one stops the render with the loader's one line."""
    variant, seed = model_choice()
    directory = os.environ.get("DECONV_CHECKPOINTS", weights.DEFAULT_DIR)
    try:
        return weights.load_checkpoint(variant, seed, directory)
    except weights.CheckpointError as e:
        fail(str(e))


def fail(message: str):
    """Stop a render with one line on stderr and exit status 2 (no traceback)."""
    print(f"deconv: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def code_extent(ck: weights.Checkpoint, percentile: float = 95) -> np.ndarray:
    """Per code channel, the size of the codes real patches get: the given percentile of |code|."""
    codes = ck.encode(data.make_patches())
    return np.percentile(np.abs(codes), percentile, axis=0)


def footer(ck: weights.Checkpoint) -> Text:
    """The model the numbers come from, in small print at the bottom left of every explainer."""
    return text(f"model: {ck.variant}, seed {ck.seed}, trained {ck.epochs} epochs, "
                f"final loss {ck.final_loss:.2e}", SMALL_SIZE - 4, MUTED_COLOR
                ).to_corner(DOWN + LEFT, buff=0.2)


def demo_curve(pool: int = 256) -> tuple[int, np.ndarray]:
    """The dataset curve the explainers use as their example: the boldest (largest peak-to-peak)
    of the first `pool` curves. Returns its index and its 15 samples."""
    curves = data.make_curves(pool)[0]
    idx = int(np.argmax(np.ptp(curves, axis=1)))
    return idx, curves[idx]


spans = overlap.spans  # runs of consecutive indices, [4, 5, 6, 8] -> [(4, 6), (8, 8)]


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
    """Axes for a short signal: x is the sample index 0..n-1, y its value."""

    def __init__(self, n: int, y_range: Sequence[float], width: float, height: float,
                 label: str | None = None, label_color: str = TEXT_COLOR, x_numbers: bool = True,
                 font_size: float = SMALL_SIZE, y_numbers: bool = True):
        super().__init__()
        lo, hi, step = y_range
        places = max(0, int(-np.floor(np.log10(step)))) if step < 1 else 0
        if step < 1 and round(step * 10**places) % 10 not in (0, 1, 2, 5):
            places += 1
        self.n = n
        self.axes = Axes(
            x_range=[0, n - 1, 1], y_range=[lo, hi, step], x_length=width, y_length=height, tips=False,
            axis_config={"color": MUTED_COLOR, "stroke_width": 2, "label_constructor": SansText,
                         "font_size": font_size, "tick_size": 0.05},
            x_axis_config={"numbers_to_include": list(range(n)) if x_numbers else [],
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


class Dots(VMobject):
    """Many filled dots as one mobject (one path, a circle per dot): one draw call, and moving
    them is one array operation."""

    def __init__(self, positions: np.ndarray, radius: float, color: str, opacity: float = 1.0):
        super().__init__(fill_color=color, fill_opacity=opacity, stroke_width=0)
        self._circle = Circle(radius=radius).points.copy()
        self.set_positions(positions)

    def set_positions(self, positions: np.ndarray) -> Dots:
        positions = np.asarray(positions, dtype=float).reshape(-1, 3)
        self.points = (positions[:, None, :] + self._circle[None]).reshape(-1, 3)
        return self

    def positions(self) -> np.ndarray:
        """The dots' centres, (n, 3)."""
        return self.points.reshape(-1, len(self._circle), 3).mean(axis=1)


class Signal(VGroup):
    """A signal drawn on a SignalPlot as a polyline with a dot per sample; `set_values` moves the
    existing points (cheap enough for every frame), nothing is rebuilt."""

    def __init__(self, plot: SignalPlot, values: Sequence[float], color: str, width: float = 4,
                 dot_radius: float = 0.05, offset: int = 0, stems: bool = False, opacity: float = 1.0):
        super().__init__()
        self.plot, self.size, self.offset = plot, len(values), offset
        self.line = VMobject(stroke_color=color, stroke_width=width, stroke_opacity=opacity)
        self.dots = (Dots(np.zeros((self.size, 3)), dot_radius, color, opacity) if dot_radius > 0
                     else VGroup())
        self.stems = VMobject(stroke_color=color, stroke_width=width * 0.6,
                              stroke_opacity=0.8 * opacity) if stems else None
        self.add(self.line, self.dots, *([self.stems] if stems else []))
        if config.transparent:  # a dark edge keeps light colours visible on a white slide
            self.line.set_stroke(OUTLINE_COLOR, width=width + 2, background=True)
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
        return np.array([self.plot.axes.p2c(p)[1] for p in corners])


class CodePoint(VGroup):
    """The article's code picture: a point at (c1, c2) on a plane whose radius shows c3."""

    def __init__(self, extent: Sequence[float], width: float, height: float, background=None):
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
        self.x_label = text("c1", SMALL_SIZE, FILTER_COLORS[0]).next_to(self.axes.x_axis, RIGHT, 0.1)
        self.y_label = text("c2", SMALL_SIZE, FILTER_COLORS[1]).next_to(self.axes.y_axis, UP, 0.1)
        self.add(self.axes, self.x_label, self.y_label)
        if background is not None:  # real codes, faint: where patches actually land
            pts = [self.axes.c2p(a, b) for a, b in background]
            self.cloud = Dots(np.array(pts), 0.018, DATA_COLOR, 0.45)
            self.add(self.cloud)
        self.base_radius = 0.13
        self.dot = Circle(radius=self.base_radius, color=FILTER_COLORS[2], fill_color=OUTPUT_COLOR,
                          fill_opacity=0.85, stroke_width=3)
        self.add(self.dot)
        self.code = np.zeros(3)
        self.set_code((0.0, 0.0, 0.0))

    def radius_for(self, c3: float) -> float:
        """Radius grows with c3: base at 0, 1.8 x base at +extent, 0.2 x base at -extent."""
        return self.base_radius * max(0.15, 1 + 0.8 * c3 / max(self.extent3, 1e-9))

    def set_code(self, code: Sequence[float]) -> CodePoint:
        self.code = np.asarray(code, dtype=float)
        r = self.radius_for(self.code[2])
        self.dot.scale(r / (self.dot.width / 2)).move_to(self.axes.c2p(self.code[0], self.code[1]))
        return self


def code_vector(code: Sequence[float], places: int = 3, size: float = LABEL_SIZE) -> VGroup:
    """'code =  -0.167  -0.081  +0.195', each number in its channel's colour (fixed values)."""
    return VGroup(text("code =", size), *[number(c, places, size, FILTER_COLORS[i])
                                          for i, c in enumerate(code)]).arrange(RIGHT, buff=0.3)


class CodeMatrix(VGroup):
    """The code of a whole curve: one column per window, one row per channel (in its colour)."""

    def __init__(self, codes: np.ndarray, places: int = 3, size: float = LABEL_SIZE - 2):
        super().__init__()
        self.codes = np.asarray(codes, dtype=float)
        n_ch, n_win = self.codes.shape
        self.header = VGroup(*[text(f"window {w + 1}", SMALL_SIZE - 2) for w in range(n_win)])
        self.header.arrange(RIGHT, buff=0.3)
        self.cells = [[number(self.codes[i, w], places, size, FILTER_COLORS[i]) for w in range(n_win)]
                      for i in range(n_ch)]
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


class CodeReadout(VGroup):
    """'c1 = +0.12  c2 = ...' with each value in its channel's colour, updated in place."""

    def __init__(self, size: float = LABEL_SIZE, places: int = 2):
        super().__init__()
        self.numbers = []
        for i in range(3):
            name = text(f"c{i + 1} =", size, FILTER_COLORS[i])
            num = number(0.0, places, size, FILTER_COLORS[i]).next_to(name, RIGHT, 0.12)
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
        self.plot = SignalPlot(7, y_range, width, height, label)
        zero = np.zeros(7)
        self.scaled = VGroup(*[Signal(self.plot, zero, FILTER_COLORS[i], width=2.5, dot_radius=0.035)
                               for i in range(3)])
        self.total = Signal(self.plot, zero, OUTPUT_COLOR, width=6, dot_radius=0.07)
        self.add(self.plot, self.scaled, self.total)
        self.set_code(code)

    def set_code(self, code: Sequence[float]) -> WeightedSum:
        self.code = np.asarray(code, dtype=float)
        for i, sig in enumerate(self.scaled):
            sig.set_values(self.code[i] * self.ck.dec_w[i])
        self.total.set_values(self.code @ self.ck.dec_w + self.ck.dec_b)
        return self


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
                 family: int = 5, panel_w: float = 5.6, panel_h: float = 1.9):
        """`extent`: the code box (per channel); `codes` (K, 3): every code the panel will show,
        so the plots' ranges fit them."""
        super().__init__()
        self.ck = ck
        self.extent = np.asarray(extent, dtype=float)
        self.c3_values = np.linspace(-self.extent[2], self.extent[2], family)
        codes = np.atleast_2d(codes)
        fam = np.array([[a, b, c3] for a, b, _ in codes for c3 in self.c3_values])
        yr = output_range(ck, np.vstack([codes, fam]))
        self.outputs_plot = SignalPlot(7, yr, panel_w, panel_h, "outputs for several c3 (current bold)")
        self.sum_plot = SignalPlot(7, yr, panel_w, panel_h, "scaled filters and their sum")
        f_lo, f_hi = float(ck.dec_w.min()), float(ck.dec_w.max())
        self.filter_plot = SignalPlot(7, nice_range(f_lo * 1.1, f_hi * 1.1), panel_w, panel_h,
                                      "decoder filters (fixed)")
        self.point = CodePoint(self.extent, panel_w * 0.55, panel_h,
                               background=ck.encode(data.make_patches()[::64])[:, :2])
        self.point_label = text("the code: x = c1, y = c2, size = c3", SMALL_SIZE)
        self.readout = CodeReadout(SMALL_SIZE + 2).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        top = VGroup(self.outputs_plot, self.sum_plot).arrange(RIGHT, buff=0.9)
        plane = VGroup(self.point, self.readout).arrange(RIGHT, buff=0.35)
        bottom_left = VGroup(self.point_label, plane).arrange(DOWN, buff=0.12)
        bottom = VGroup(bottom_left, self.filter_plot)
        VGroup(top, bottom).arrange(DOWN, buff=0.45)  # rows first, then columns under the top ones
        bottom_left.set_x(top[0].get_x())
        self.filter_plot.set_x(top[1].get_x())
        self.add(top, bottom)

        zero = np.zeros(7)
        self.raw = VGroup(*[Signal(self.filter_plot, ck.dec_w[i], FILTER_COLORS[i], width=3)
                            for i in range(3)])
        self.scaled = VGroup(*[Signal(self.sum_plot, zero, FILTER_COLORS[i], width=3, dot_radius=0.04)
                               for i in range(3)])
        self.sum = Signal(self.sum_plot, zero, OUTPUT_COLOR, width=6, dot_radius=0.06)
        self.family = VGroup(*[Signal(self.outputs_plot, zero, OUTPUT_COLOR, width=1.5, dot_radius=0,
                                      opacity=0.55) for _ in self.c3_values])
        self.current = Signal(self.outputs_plot, zero, OUTPUT_COLOR, width=6, dot_radius=0.06)
        self.add(self.raw, self.scaled, self.sum, self.family, self.current)
        # what moves when the code changes, and what does not: scenes add them as two top-level
        # mobjects so manim draws the static part once per animation, not once per frame
        self.live = VGroup(self.family, self.scaled, self.sum, self.current, self.point.dot,
                           *self.readout.numbers)
        self.static = VGroup(*_without(self, set(self.live.get_family())))
        self.code = np.zeros(3)
        self.set_code((0.0, 0.0, 0.0))

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


# --- subtitles -----------------------------------------------------------------------------------
def filter_name(i: int) -> str:
    """'filter 1 (blue)': how the subtitles name filter i (0-based), as the screen labels it."""
    return f"filter {i + 1} ({FILTER_NAMES[i]})"


class Captions:
    """The explainer's subtitles: Manim subcaptions, which the render writes as `<Scene>.srt` beside
    the video.

    They run on the scene's own clock (`scene.time`, which counts the frames really written), so
    they stay on their animations at any quality or frame rate. `say(*parts)` starts cues now that
    last until the next `say` (or `close()`): the subtitles cover the whole video without gaps or
    overlaps. Several parts share that time one after another, in proportion to their length (each
    at least MIN_SECONDS where the time allows), so a long animation gets a few short cues. Callers
    format any number in a cue from the same variable, the same way, as the number on screen.
    """

    LINE = 45  # characters per subtitle line; a cue has at most two lines
    MIN_SECONDS = 1.5  # each cue is shown at least this long, where the time allows
    MAX_RATE = 26  # characters per second above which a cue is too fast to read (see problems())

    def __init__(self, scene):
        self.scene = scene
        self.cues: list[tuple[float, float, str]] = []  # (start, end, text) as written, for the tests
        self._open: tuple[float, tuple[str, ...]] | None = None

    def say(self, *parts: str) -> None:
        """Show `parts` one after another from now until the next `say`; empty ones are left out."""
        parts = tuple(p for p in parts if p)
        for p in parts:
            if len(p) > 2 * self.LINE:
                raise ValueError(f"subtitle longer than two lines ({len(p)} characters): {p!r}")
        self.close()
        self._open = (float(self.scene.time), parts)

    def close(self) -> None:
        """End the cues that are showing, now (at the end of a video)."""
        if self._open is None:
            return
        (start, parts), now = self._open, float(self.scene.time)
        self._open = None
        if not parts:
            return
        for (a, b), part in zip(share(start, now, [len(p) for p in parts], self.MIN_SECONDS), parts):
            a_ms, b_ms = round(a * 1000), round(b * 1000)  # whole milliseconds: neighbours meet exactly
            if b_ms > a_ms:
                text = self.lines(part)
                self.scene.add_subcaption(text, duration=(b_ms - a_ms) / 1000, offset=a_ms / 1000 - now)
                self.cues.append((a_ms / 1000, b_ms / 1000, text))

    done = close

    @classmethod
    def lines(cls, cue: str) -> str:
        return two_lines(cue, cls.LINE)

    def problems(self, min_seconds: float | None = None) -> list[str]:
        """The cues written so far that are too short, too fast or too long (none, for a readable
        script)."""
        shortest = self.MIN_SECONDS if min_seconds is None else min_seconds
        found = []
        for a, b, text in self.cues:
            flat = text.replace("\n", " ")
            if b - a < shortest:
                found.append(f"{a:.1f} s: shown {b - a:.2f} s: {flat!r}")
            if len(flat) / (b - a) > self.MAX_RATE:
                found.append(f"{a:.1f} s: {len(flat) / (b - a):.1f} characters per second: {flat!r}")
            if any(len(line) > self.LINE + 10 for line in text.split("\n")) or text.count("\n") > 1:
                found.append(f"{a:.1f} s: lines too long: {text!r}")
        return found


def share(start: float, end: float, weights: Sequence[float], minimum: float) -> list[tuple[float, float]]:
    """Consecutive (start, end) slices of [start, end), sized in proportion to `weights`, none
    shorter than `minimum` when the whole is long enough for that."""
    w = np.asarray(weights, dtype=float)
    total = end - start
    d = total * w / w.sum()
    if total >= minimum * len(w):
        fixed = np.zeros(len(w), bool)
        while (short := ~fixed & (d < minimum)).any():
            fixed |= short
            d[fixed] = minimum
            d[~fixed] = (total - minimum * fixed.sum()) * w[~fixed] / w[~fixed].sum()
    edges = start + np.concatenate([[0.0], np.cumsum(d)])
    edges[-1] = end
    return list(zip(edges[:-1].tolist(), edges[1:].tolist()))


def two_lines(s: str, width: int) -> str:
    """`s` as one line or, when longer than `width`, as two about as long as each other: broken
    after a comma or colon where one is near the middle, never after a word of one or two letters."""
    if len(s) <= width or " " not in s:
        return s

    def cost(i: int) -> float:
        longest = max(i, len(s) - i - 1)
        word = s[:i].rsplit(" ", 1)[-1]
        return longest + 100 * (longest > width) - 4 * (word[-1] in ",;:") + 3 * (len(word) <= 2)

    cut = min((i for i, ch in enumerate(s) if ch == " "), key=cost)
    return s[:cut] + "\n" + s[cut + 1:]
