"""What every frame of an explainer must be, checked from the mobjects themselves (no pixels read):
text tall enough to read at 1280x720, everything inside the 5% margins and off the footer, and no
Transform between mobjects of different structure (which smears).

Heights are in pixels of a 720-line frame (1 scene unit = 720 / frame_height px). A text's height is
that of its digits and capitals at its current scale, whatever letters it holds: Manim's
`Text.font_size` follows every .scale(), and a digit is DIGIT_HEIGHT x font size units tall (measured
once in the project's font). `scenes.stage.Explainer` runs these after every play and keeps what they
find in `layout_problems`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from manim import DEFAULT_FONT_SIZE, MarkupText, Mobject, Text, Transform, ValueTracker, VMobject, config
from manim.mobject.text.text_mobject import TEXT_MOB_SCALE_FACTOR

from scenes.theme import family

MIN_TEXT_PX = 14.0  # the guide: nothing below about 14 px tall at 1280x720
MARGIN = 0.05  # of the frame's width and height, on each side
FOOTER_GAP_PX = 6.0  # nothing within this of the footer

_digit_height: dict[str, float] = {}


def px() -> float:
    """Pixels of a 720-line frame per scene unit."""
    return 720 / config.frame_height


def digit_height(font: str) -> float:
    """Scene units a digit is tall per unit of font size, in `font` (measured once)."""
    if font not in _digit_height:
        _digit_height[font] = Text("0123456789", font=font, font_size=48).height / 48
    return _digit_height[font]


def text_px(m: Mobject) -> float | None:
    """How tall `m`'s digits and capitals are, in px at 720p, if `m` is text (a Text or MarkupText,
    or a scenes.speed.LiveNumber); None otherwise."""
    if not _is_text(m):
        return None
    if isinstance(m, (Text, MarkupText)):
        return float(_font_size(m)) * digit_height(getattr(m, "font", "") or "") * px()
    return float(m.glyphs.height) * px()  # a LiveNumber: its glyphs are digits, so their height is


def _is_text(m: Mobject) -> bool:
    """Whether text_px(m) is a number (without measuring it): a Text or MarkupText, or a
    scenes.speed.LiveNumber showing glyphs."""
    if isinstance(m, (Text, MarkupText)):
        return True
    glyphs = getattr(m, "glyphs", None)
    return glyphs is not None and hasattr(m, "get_value") and len(glyphs.points) > 0


def _font_size(t: Text) -> float:
    """Text.font_size, the same number by the same formula, with the height taken in one pass over
    the letters' points, all at once (Manim's walks them one coordinate and one letter at a time: a
    tenth of a millisecond a text, after every play; a max and min per letter, a quarter of that)."""
    if type(t).font_size is not Text.font_size:
        return t.font_size
    shown = [m.points[:, 1] for m in family([t]) if len(m.points)]
    y = np.concatenate(shown) if shown else None
    height = 0 if y is None else float(y.max() - y.min())
    return height / t.initial_height / TEXT_MOB_SCALE_FACTOR * 2.4 * t._font_size / DEFAULT_FONT_SIZE


def visible(m: Mobject) -> bool:
    """Whether `m` draws anything itself: points, and a fill or a stroke not fully transparent (its
    first fill and stroke colours' opacities, as Manim's get_fill_opacity / get_stroke_opacity; read
    from the arrays directly: this runs for every part on stage after every play)."""
    if not len(m.points) or isinstance(m, ValueTracker):  # a tracker keeps its value in its points
        return False
    if not isinstance(m, VMobject):
        return True
    fill = getattr(m, "fill_rgbas", None)
    fill = fill[0, 3] if fill is not None and len(fill) else 0.0
    width = m.stroke_width
    stroke = 0.0
    if max(0.0, int(width) if isinstance(width, str) else width) > 0:
        rgbas = getattr(m, "stroke_rgbas", None)
        stroke = rgbas[0, 3] if rgbas is not None else 0.0
    return max(float(fill), float(stroke)) > 0.02


def _visible_bounds(top: Mobject) -> np.ndarray | None:
    """[[xmin, ymin], [xmax, ymax]] of the visible parts of `top` (None if nothing shows). (The x
    and y rows made contiguous first: numpy reduces an (n, 2) array down its columns thirty times
    more slowly, and this runs for every group on stage after every play.)"""
    shown = [m.points for m in family([top]) if visible(m)]
    if not shown:
        return None
    xy = np.ascontiguousarray(np.concatenate(shown)[:, :2].T)
    return np.array([xy.min(axis=1), xy.max(axis=1)])


def name(m: Mobject) -> str:
    """A mobject as a problem report names it: its text, its role, or its class."""
    t = getattr(m, "original_text", None) or getattr(m, "text", None)
    if isinstance(t, str) and t.strip():
        return repr(" ".join(t.split())[:40])
    if getattr(m, "role", None):
        return f"{type(m).__name__} {m.role!r}"
    inner = next((s for s in m.get_family()[1:] if isinstance(getattr(s, "original_text", None), str)), None)
    return f"{type(m).__name__}" + (f" with {name(inner)}" if inner is not None else "")


def _texts(top: Mobject) -> Iterator[Mobject]:
    """The texts in `top`'s family (a text's own glyphs are not visited)."""
    stack = [top]
    while stack:
        m = stack.pop()
        if _is_text(m):
            yield m
            continue
        stack.extend(m.submobjects)


def problems(mobjects: Iterable[Mobject], footer: Mobject | None = None) -> list[str]:
    """What is wrong on stage now: text below MIN_TEXT_PX; anything visible outside the MARGIN box
    or within FOOTER_GAP_PX of the footer (the footer itself sits in the bottom margin)."""
    found = []
    half_w, half_h = config.frame_width / 2, config.frame_height / 2
    inner = np.array([[-half_w * (1 - 2 * MARGIN), -half_h * (1 - 2 * MARGIN)],
                      [half_w * (1 - 2 * MARGIN), half_h * (1 - 2 * MARGIN)]])
    foot = _visible_bounds(footer) if footer is not None else None
    if foot is not None:
        foot = foot + np.array([[-1], [1]]) * FOOTER_GAP_PX / px()
    for top in mobjects:
        if top is footer:
            continue
        for t in _texts(top):
            h = text_px(t)
            if h is not None and h < MIN_TEXT_PX - 0.05 and any(visible(g) for g in family([t])):
                found.append(f"{name(t)} is {h:.1f} px tall (at least {MIN_TEXT_PX:.0f} at 720p)")
        box = _visible_bounds(top)
        if box is None:
            continue
        out = np.maximum(inner[0] - box[0], 0).max() + np.maximum(box[1] - inner[1], 0).max()
        if out > 1e-3:
            found.append(f"{name(top)} reaches {out * px():.0f} px into the 5% margin")
        if foot is not None and np.all(box[1] > foot[0]) and np.all(box[0] < foot[1]):
            found.append(f"{name(top)} is on the footer")
    return found


def morph_problems(animations: Iterable) -> list[str]:
    """Transforms between mobjects of different structure (a different number of parts, or of
    points in a part): Manim then invents points to pair them up, and the in-between frames smear."""
    found = []
    stack = list(animations)
    while stack:
        a = stack.pop()
        stack.extend(getattr(a, "animations", []))
        if not isinstance(a, Transform) or a.target_mobject is None:
            continue
        shape = [len(m.points) for m in a.mobject.family_members_with_points()]
        target = [len(m.points) for m in a.target_mobject.family_members_with_points()]
        if shape != target and target:
            found.append(f"{type(a).__name__} of {name(a.mobject)} ({len(shape)} parts, {sum(shape)} "
                         f"points) into {name(a.target_mobject)} ({len(target)} parts, {sum(target)} points)")
    return found
