"""The speed tricks, named: numbers that change every frame without re-running Pango, fades that
copy nothing, many dots as one path, and moving parts drawn last so the rest is drawn once per
animation (`live`).

Manim redraws, each frame, every top-level mobject from the first one that moves (has an updater
or is animated) to the end of the scene's list; these helpers keep that list short.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
from manim import (
    ORIGIN,
    Animation,
    AnimationGroup,
    Axes,
    Circle,
    Mobject,
    VectorizedPoint,
    VGroup,
    VMobject,
    config,
)

from core.subtitles import fmt
from scenes.theme import LABEL_SIZE, TEXT_COLOR, SansText


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
        self.plated = config.transparent  # drawn on a plate (scenes.theme.PlateCamera)

    @classmethod
    def _glyph_points(cls, size: float) -> dict[str, np.ndarray]:
        if size not in cls._glyphs:
            line = SansText(cls.CHARS, font_size=size)
            cls._glyphs[size] = {c: g.points - [g.get_x(), 0, 0] for c, g in zip(cls.CHARS, line.submobjects)}
        return cls._glyphs[size]

    def format(self, value: float) -> str:
        """The characters shown, one per slot ('' for an empty slot)."""
        s = fmt(value, self.places, self.sign)  # never "-0.00"
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



def number(value: float = 0.0, places: int = 2, size: float = LABEL_SIZE, color: str = TEXT_COLOR,
           sign: bool = True, role: str | None = None) -> LiveNumber:
    """A LiveNumber; `role` names what it shows in the scene's record (scenes.stage)."""
    n = LiveNumber(value, places, size, color, sign)
    n.role = role
    return n


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

    COLOURS = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")

    def begin(self) -> None:
        """Each part's colour arrays made rows of one array (each part keeps its own rows, as a view),
        so that a frame scales every opacity at once: one multiplication, where one per array per
        part took a tenth of the overlap video's render at -ql. (Arrays not of Manim's shape, float
        (n, 4), are scaled one by one, as before.)"""
        parts = [(m, name, getattr(m, name)) for m in self.mobject.get_family() if isinstance(m, VMobject)
                 for name in self.COLOURS]
        self._loose = []  # (part, array name, its opacities): scaled one by one
        if not all(isinstance(a, np.ndarray) and a.ndim == 2 and a.shape[1] == 4 and a.dtype == np.float64
                   for _, _, a in parts):
            self._loose, parts = [(m, name, a[:, 3].copy()) for m, name, a in parts], []
        rows = np.concatenate([a for _, _, a in parts]) if parts else np.zeros((0, 4))
        self._rows, self._alphas = rows, rows[:, 3].copy()
        ends = np.cumsum([0, *(len(a) for _, _, a in parts)])
        self._members = [m for m, _, _ in parts]
        self._names = [name for _, name, _ in parts]
        self._views = [rows[a:b] for a, b in zip(ends[:-1], ends[1:])]
        self._spans = list(zip(ends[:-1], ends[1:]))
        for m, name, view in zip(self._members, self._names, self._views):
            setattr(m, name, view)
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        k = self.rate_func(alpha) if self.fade_in else 1 - self.rate_func(alpha)
        self._rows[:, 3] = self._alphas * k
        if any(map(operator.is_not, map(getattr, self._members, self._names), self._views)):
            for m, name, view, (a, b) in zip(self._members, self._names, self._views, self._spans):
                if getattr(m, name) is not view:  # a new array given meanwhile: scaled as it is
                    getattr(m, name)[:, 3] = self._alphas[a:b] * k
        for m, name, alphas in self._loose:
            getattr(m, name)[:, 3] = alphas * k

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


_maps: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # see coords_to_points


def coords_to_points(axes: Axes, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Axes.c2p for whole arrays at once (the map is affine), for curves updated every frame.

    The map (where (0, 0), (1, 0) and (0, 1) land) is Manim's c2p of those three points, which
    depends only on each axis's two ends and its range and scale: it is kept per axes and those,
    and asked of Manim again when an axis has moved (c2p costs six times the rest)."""
    key = (id(axes), *((a.get_start().tobytes(), a.get_end().tobytes(), tuple(a.x_range), id(a.scaling))
                       for a in (axes.x_axis, axes.y_axis)))
    kept = _maps.get(key)
    if kept is None:
        o, x1, y1 = np.asarray(axes.c2p([0, 1, 0], [0, 0, 1])).T  # (0, 0), (1, 0), (0, 1) in one call
        if len(_maps) >= 10_000:
            _maps.clear()
        kept = _maps[key] = (o, x1 - o, y1 - o)
    o, ex, ey = kept
    return o + np.asarray(x, float)[:, None] * ex + np.asarray(y, float)[:, None] * ey


def keep_live_last(scene, live: VGroup) -> None:
    """Draw `live` every frame and everything else once per animation.

    Manim redraws, each frame, every top-level mobject from the first one that moves (has an
    updater or is animated) to the end of the scene's list. So the moving parts are taken out of
    whatever groups hold them and added back as one group, last.
    """
    scene.remove(live, *live.submobjects)
    scene.add(live)


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



@contextmanager
def live(scene, *parts: Mobject, update: Callable[[], object] | None = None) -> Iterator[VGroup]:
    """These parts move during the plays inside the block: `update()` (if given) runs every frame,
    and the parts are drawn last, one group, so everything else is drawn once per animation.
    Yields the group; `keep_live_last(scene, group)` again after adding to the scene mid-block."""
    group = VGroup(*parts)
    if update is not None:
        group.add_updater(lambda _: update())
    keep_live_last(scene, group)
    try:
        yield group
    finally:
        group.clear_updaters()


class Drive(Animation):
    """An animation that calls `update(alpha)` on every frame (alpha after the rate function, 0 to
    1) to move `parts` in place: a sweep along a path, a morph between two sets of values. It copies
    nothing, and as it starts it moves `parts` to the end of the scene's list (keep_live_last)."""

    def __init__(self, parts: Mobject, update: Callable[[float], object], **kwargs):
        self.update_parts = update
        super().__init__(parts, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()

    def _setup_scene(self, scene) -> None:
        keep_live_last(scene, self.mobject)
        super()._setup_scene(scene)

    def interpolate_mobject(self, alpha: float) -> None:
        self.update_parts(self.rate_func(alpha))
