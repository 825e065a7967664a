"""The look every explainer shares: the palette (one meaning per colour, the same in the figures),
the font and text sizes, and text in that font.

DECONV_THEME=light renders on white with darker shades of the same hues (core.palette). With
DECONV_THEME unset, a light background set in Manim's config (`background_color` in a manim.cfg, or
in the file -c names) picks the light theme, which reads on it; DECONV_THEME=dark on a light background
is refused. The theme is read at import without failing; a bad name or a clash stops the render when a
scene starts (`apply`), with one line.
"""

from __future__ import annotations

import copy
import enum
import io
import os
import xml.etree.ElementTree as ET

import numpy as np
import svgelements as se
from manim import (
    DOWN,
    OUT,
    RIGHT,
    UP,
    Camera,
    ManimColor,
    Mobject,
    RoundedRectangle,
    Text,
    VGroup,
    VMobject,
    config,
)
from manim.utils.space_ops import rotate_vector

from core import palette
from scenes.models import fail


def light(color) -> bool:
    """Whether `color` (anything Manim takes as a colour) is light: relative luminance above 0.5."""
    r, g, b = ManimColor(color).to_rgb()
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5


def choose() -> tuple[palette.Palette, str | None]:
    """The palette for this render, and the one line that stops it (a bad DECONV_THEME, or the dark
    theme's white text asked for on a light background), if any."""
    named = os.environ.get(palette.THEME_ENV, "").strip()
    try:
        chosen = palette.theme(named or None)
    except ValueError as e:
        return palette.DARK, str(e)
    if config.transparent or not light(config.background_color):
        return chosen, None
    if not named:
        return palette.LIGHT, None  # Manim's config asks for a light background: the theme for it
    if chosen is palette.DARK:
        hex_ = ManimColor(config.background_color).to_hex()
        return chosen, (f"background_color {hex_} (from a manim.cfg) is light, and "
                        f"{palette.THEME_ENV}={named} draws white text that would not show on it; set "
                        f"{palette.THEME_ENV}=light (or leave it unset), or choose a dark background")
    return chosen, None


PALETTE, THEME_ERROR = choose()
FILTER_COLORS = PALETTE.filters  # filter / code channel 1, 2, 3
DATA_COLOR = PALETTE.data  # data: curves, patches, targets
OUTPUT_COLOR = PALETTE.output  # what the decoder produces: sums, outputs
ACCENT_COLOR = PALETTE.accent  # errors, doubled overlaps
TEXT_COLOR = PALETTE.text
MUTED_COLOR = PALETTE.muted  # axes, secondary text
OUTLINE_COLOR = PALETTE.outline  # behind text and curves in transparent renders (-t)
BACKGROUND_COLOR = PALETTE.background
WINDOW_COLORS = PALETTE.windows  # one signal's windows (or stamps), alternately
# the words for those colours, in on-screen text and subtitles ("yellow" is "gold" on white)
FILTER_NAMES, DATA_NAME, OUTPUT_NAME = PALETTE.filter_names, PALETTE.data_name, PALETTE.output_name
ACCENT_NAME, TEXT_NAME = PALETTE.accent_name, PALETTE.text_name
WINDOW_NAMES = PALETTE.window_names
FONT = palette.FONT

TITLE_SIZE = 34
LABEL_SIZE = 24
SMALL_SIZE = 20


def apply() -> None:
    """Make the chosen theme Manim's: called by every explainer as it starts. A bad DECONV_THEME, or
    the dark theme on a light background, stops the render with one line and exit status 2. The dark
    theme keeps Manim's black (and any dark background set in its config); the light theme renders on
    white, or on the light background Manim's config sets."""
    if THEME_ERROR is not None:
        fail(THEME_ERROR)
    if PALETTE is not palette.DARK and not light(config.background_color):
        config.background_color = BACKGROUND_COLOR


class SansText(Text):
    """Text in the project's font (also for axis numbers).

    Made once per distinct text and settings in a process, then copied (two texts in three are
    asked for again): Manim's cache of parsed SVGs deep-copies the parser's lookup table of every
    glyph group with each copy (about 13 ms); the kept template drops that table (only Tex and Typst
    read it), so a copy costs about a millisecond.

    A new text is still laid out by Pango (about a millisecond), but its SVG is not parsed whole
    again: Pango's SVG names each glyph's outline once and places it with `<use x y>`; each outline
    is parsed once (same outline, same style; `_learn`), and each text's shapes are those outlines
    moved as the SVG parser moves a `<use>`, made shapes by Manim's own code (`generate_mobject`).
    The points are Manim's own, bit for bit (moving finished shapes instead differed by 1e-15,
    which moved a pixel now and then at 1080p); a new text takes about half of Manim's time. A letter
    met before is a copy of its first shape (its colours, widths and flags) with its points made anew
    by Manim's code (`_shape`): about a fifth less again."""

    _made: dict[tuple, Text] = {}
    # (the SVG settings, the glyph's style, its outline) -> its parsed outline, in that style
    _glyphs: dict[tuple, se.Path] = {}
    # the same key -> the glyph's first shape, without its points (a template for the others)
    _shapes: dict[tuple, VMobject] = {}

    def __init__(self, text: str, **kwargs):
        kwargs.setdefault("font", FONT)
        key = (text, tuple(sorted((k, _frozen(v)) for k, v in kwargs.items())))
        template = SansText._made.get(key)
        if template is None:
            super().__init__(text, **kwargs)
            self.id_to_vgroup_dict = {}
            for glyph in self.submobjects:  # the parsed SVG path, read only while the points are made
                glyph.__dict__.pop("path_obj", None)
            SansText._made[key] = self.copy()
        else:
            self.__dict__.update(template.copy().__dict__)

    def rotate_sheen_direction(self, angle, axis=OUT, family: bool = True):
        """VMobject.rotate_sheen_direction, each distinct direction rotated once (every letter of a
        text has the same: Manim rotates it letter by letter, a fifth of a new text's time)."""
        if not family:
            return super().rotate_sheen_direction(angle, axis, family)
        turned: dict[bytes, np.ndarray] = {}
        for m in self.get_family():
            key = np.asarray(m.sheen_direction, dtype=float).tobytes()
            if key not in turned:
                turned[key] = rotate_vector(m.sheen_direction, angle, axis)
            m.sheen_direction = turned[key].copy()
        return self

    def _glyph_uses(self) -> tuple[ET.ElementTree, list[tuple]] | None:
        """The SVG Pango wrote, and each glyph it placed, in order (spaces have none): its key, its
        `<use>` and the group holding that; None for an SVG of any other shape (then Manim parses it
        whole)."""
        try:
            tree = ET.parse(self.get_file_path())
        except (ET.ParseError, OSError, ValueError):
            return None
        root = tree.getroot()
        if any(e.tag not in _PANGO_TAGS for e in root.iter()):
            return None
        outlines: dict[str, tuple] = {}
        for symbol in root.iter(f"{_SVG}symbol"):
            paths = list(symbol)
            if len(paths) != 1 or paths[0].tag != f"{_SVG}path" or set(paths[0].attrib) - {"d", "style"}:
                return None
            outlines[symbol.get("id")] = (paths[0].get("d"), paths[0].get("style"))
        settings = (type(self).__name__, repr(self.svg_default), repr(self.path_string_config))
        uses = []
        for group in root.iter(f"{_SVG}g"):
            for use in group.findall(f"{_SVG}use"):
                href = use.get(_XLINK_HREF, "")
                if not href.startswith("#") or href[1:] not in outlines or set(use.attrib) - _USE_ATTRIBUTES:
                    return None
                if not (outlines[href[1:]][0] or "").strip():
                    continue  # a space: an empty outline, which Manim's parser makes no shape of
                style = (group.get("style"), group.get("fill"), group.get("fill-opacity"))
                uses.append(((settings, style, outlines[href[1:]]), use, group))
        return tree, uses

    def _learn(self, tree: ET.ElementTree, uses: list) -> bool:
        """Manim's shape of each glyph not met before, made by Manim's own parser from this SVG with
        every other `<use>` taken out; False if its shapes are not one per glyph left in."""
        new: list[tuple] = []
        for k, use, group in uses:
            if k in SansText._glyphs or k in new:
                group.remove(use)
            else:
                new.append(k)
        if not new:
            return True
        used = {use.get(_XLINK_HREF)[1:] for _, use, group in uses if use in group}
        for parent in list(tree.getroot().iter()):  # and every other glyph's outline
            for symbol in parent.findall(f"{_SVG}symbol"):
                if symbol.get("id") not in used:
                    parent.remove(symbol)
        svg = io.BytesIO()
        self.modify_xml_tree(tree).write(svg)  # as SVGMobject.generate_mobject, without a file
        svg.seek(0)
        parsed = [e for e in se.SVG.parse(svg).elements() if isinstance(e, se.Path)]
        if len(parsed) != len(new):
            return False
        for k, shape in zip(new, parsed):
            outline = se.Path(k[2][0])  # the glyph's outline where Pango drew it, in this text's style
            outline.fill, outline.stroke, outline.stroke_width = shape.fill, shape.stroke, shape.stroke_width
            SansText._glyphs[k] = outline
        return True

    def _shape(self, k: tuple, placed: se.Path) -> VMobject | None:
        """SVGMobject.get_mob_from_shape_element for glyph `k` placed: the first time by Manim's own
        code, then from a copy of that first shape, its points made anew by Manim's own code
        (VMobjectFromSVGPath's, from the placed outline) and the SVG's transform applied after, as
        Manim does; what Manim's set-up and the glyph's style give a shape (colours, widths, flags)
        is the same for every use of one glyph key, and a copy costs less."""
        kept = SansText._shapes.get(k)
        if kept is None:
            shape = self.get_mob_from_shape_element(placed)
            if shape is not None:
                shape.__dict__.pop("path_obj", None)  # the parsed SVG path, read only while points are made
                kept = SansText._shapes[k] = _copy(shape)
                kept.points = np.zeros((0, kept.dim))
            return shape
        shape = _copy(kept)
        placed.approximate_arcs_with_quads()  # as VMobjectFromSVGPath.__init__
        shape.path_obj = placed
        shape.generate_points()
        del shape.path_obj
        if not shape.has_points():
            return None
        if isinstance(placed, se.Transformable) and placed.apply:
            self.handle_transform(shape, placed.transform)
        return shape

    def generate_mobject(self):
        """SVGMobject.generate_mobject: the text's shapes, each glyph's parsed outline moved to its
        place as svgelements moves a `<use>` (the same arithmetic) and made a shape by Manim's own
        code (and y flipped, as Manim does); Manim's own, whole, for an SVG not of Pango's shape."""
        found = self._glyph_uses()
        if found is None or not self._learn(*found):
            return super().generate_mobject()
        shapes = []
        for k, use, _ in found[1]:
            # Manim parses the SVG without its root (its size and viewBox): a <use> is a translation
            placed = SansText._glyphs[k] * se.Matrix(f"translate({use.get('x', '0')}, {use.get('y', '0')})")
            placed.reify()
            shape = self._shape(k, placed)
            if shape is None:
                return super().generate_mobject()
            shapes.append(shape)
        self.add(*shapes)
        self.id_to_vgroup_dict = {}
        self.flip(RIGHT)  # the SVG's y runs down
        return self


_PLAIN = (bool, int, float, str, type(None), enum.Enum)


def _copy(shape: VMobject) -> VMobject:
    """A copy of a shape without submobjects, as Mobject.copy makes it (every attribute deep-copied)
    but for its `original_id`, which Manim's own new shape does not have: arrays and lists copied,
    numbers, strings and enums kept (they cannot change), the rest deep-copied; a sixth of the cost."""
    new = type(shape).__new__(type(shape))
    new.__dict__ = {k: v.copy() if isinstance(v, (np.ndarray, list)) else v if isinstance(v, _PLAIN)
                    else copy.deepcopy(v) for k, v in shape.__dict__.items() if k != "original_id"}
    return new


_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_USE_ATTRIBUTES = {_XLINK_HREF, "x", "y"}
_PANGO_TAGS = {f"{_SVG}{t}" for t in ("svg", "defs", "g", "symbol", "path", "use")}


def _frozen(value) -> object:
    """A keyword argument's value as part of a dictionary key (colours and lists included)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)


def text(s: str, size: float = LABEL_SIZE, color: str = TEXT_COLOR, **kwargs) -> Text:
    """Text in the project's font. In a transparent render (`manim -t`) it is drawn on a plate
    (`PlateCamera`), so it reads as solid letters on a white slide as on a dark one."""
    t = SansText(s, font_size=size, color=color, **kwargs)
    if config.transparent:
        t.plated = True
    return t


PLATE_OPACITY = 0.8
PLATE_BUFF = 0.06  # scene units the plate reaches beyond the letters


def plate(low: np.ndarray, high: np.ndarray, opacity: float = PLATE_OPACITY) -> RoundedRectangle:
    """The theme's background colour, mostly opaque, a little larger than the box from corner `low`
    to corner `high`."""
    p = RoundedRectangle(corner_radius=0.06, width=high[0] - low[0] + 2 * PLATE_BUFF,
                         height=high[1] - low[1] + 2 * PLATE_BUFF, fill_color=OUTLINE_COLOR,
                         fill_opacity=opacity, stroke_width=0)
    return p.move_to((low + high) / 2)


DEPTH_LIMIT = 900  # members nested deeper are taken for a loop (Manim's own walk stops near 1,000)


def family(mobjects) -> list[Mobject]:
    """manim.utils.family.extract_mobject_family_members(mobjects): every member of the mobjects'
    families, pre-order, a member met twice where it last occurs (a member that contains itself is
    not entered again), by one walk with a stack rather than Manim's nested generators (this runs for
    every frame drawn and after every play)."""
    walked: list[Mobject] = []
    stack = [(m, 0) for m in reversed(mobjects)]
    while stack:
        m, depth = stack.pop()
        walked.append(m)
        if m.submobjects:
            if depth > DEPTH_LIMIT:
                return _family_with_loops(mobjects)
            stack.extend((sub, depth + 1) for sub in reversed(m.submobjects))
    if len(set(walked)) == len(walked):
        return walked
    return _last_occurrences(walked)


def _family_with_loops(mobjects) -> list[Mobject]:
    walked: list[Mobject] = []
    path: set[int] = set()

    def walk(m: Mobject) -> None:
        if id(m) in path:
            return
        path.add(id(m))
        walked.append(m)
        for sub in m.submobjects:
            walk(sub)
        path.discard(id(m))

    for top in mobjects:
        walk(top)
    return _last_occurrences(walked)


def _last_occurrences(walked: list[Mobject]) -> list[Mobject]:
    seen: set[int] = set()
    kept = []
    for m in reversed(walked):
        if id(m) not in seen:
            seen.add(id(m))
            kept.append(m)
    return kept[::-1]


def family_with_points(mobjects, use_z_index: bool = False) -> list[Mobject]:
    """extract_mobject_family_members(mobjects, use_z_index, only_those_with_points=True)."""
    return by_z([m for m in family(mobjects) if len(m.points) > 0], use_z_index)


def by_z(mobjects: list[Mobject], use_z_index: bool) -> list[Mobject]:
    """The mobjects in the order the camera draws them: by z_index (a stable sort) if it uses it."""
    return sorted(mobjects, key=lambda m: m.z_index) if use_z_index else mobjects


class _Kept:
    """What PlateCamera remembers between frames. It lives outside the camera's attributes because
    Manim's cache hashes the camera's attributes at every play: kept there, what was drawn so far
    (keyed by ids, which differ in every process) made every play's hash new, so no play was ever
    taken from the cache, and walking it cost a third of a render. An object with no attributes
    dict hashes as its type alone."""

    __slots__ = ("paths", "plates", "kinds")

    def __init__(self):
        self.paths: dict[int, tuple[tuple, object]] = {}  # id of a shape -> (its points' key, cairo path)
        self.plates: dict[int, tuple[tuple, RoundedRectangle]] = {}  # id of a text -> (its box, plate)
        self.kinds: dict[type, type] = {}  # a mobject's class -> the class Manim's display_funcs key on


class PlateCamera(Camera):
    """Manim's camera, drawing the same pixels with less work per shape and frame, and, in
    transparent renders, a plate (`plate`) behind every text marked `plated` (by `text`, and
    scenes.speed.LiveNumber), under everything else it draws in that pass, as opaque as the text's
    letters are. The plate is drawn, not added to the text: it takes no room, so a transparent
    render is laid out exactly as an opaque one (and checked as one by scenes.layout).

    Less work, same pixels: each shape's cairo path is built once per shape and points, then
    replayed (`set_cairo_context_path`); the shapes to draw are listed by one walk of the scene's
    tree rather than Manim's nested generators; a fill or stroke that is wholly transparent is not
    painted (painting it changes no pixel); colours are set straight from the shape's arrays. Anything
    else (gradients, images, background images) goes through Manim's own code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept = _Kept()
        # Manim's camera makes its display_funcs at its first use; made now, the camera hashes the same
        # at a play whether or not an earlier play was drawn (or taken from Manim's cache)
        self.type_or_raise(Mobject())

    PATHS_KEPT = 20_000  # cairo paths remembered (one per shape drawn), forgotten all at once beyond

    def set_cairo_context_path(self, ctx, vmobject):
        """Manim's path of a shape, built curve by curve in Python each frame (a fifth of a render's
        time), is built once per shape and its points, then replayed by cairo (`append_path`): a text
        that fades, or a picture that stays while others move, is not rebuilt each frame."""
        points = vmobject.points
        key = (points.shape, hash(points.tobytes()), vmobject.n_points_per_cubic_curve)
        kept = self._kept.paths.get(id(vmobject))
        if kept is not None and kept[0] == key:
            ctx.new_path()
            ctx.append_path(kept[1])
            return self
        if not len(points) or not np.isfinite(points).all():
            return super().set_cairo_context_path(ctx, vmobject)
        super().set_cairo_context_path(ctx, vmobject)
        if len(self._kept.paths) >= self.PATHS_KEPT:
            self._kept.paths.clear()
        self._kept.paths[id(vmobject)] = (key, ctx.copy_path())
        return self

    def capture_mobjects(self, mobjects, **kwargs) -> None:
        """Camera.capture_mobjects: the same shapes in the same order, in runs of one kind, each run
        drawn by Manim's function for that kind, except plain shapes (`_draw`)."""
        shown = self.get_mobjects_to_display(mobjects, **kwargs)
        run: list = []
        kind = None
        for m in shown:
            k = self._kept.kinds.get(type(m))
            if k is None:
                k = self._kept.kinds[type(m)] = self.type_or_raise(m)
            if k is not kind and run:
                self._display(kind, run)
                run = []
            kind = k
            run.append(m)
        if run:
            self._display(kind, run)

    def _display(self, kind: type, run: list) -> None:
        if kind is not VMobject or any(vm.get_background_image() for vm in run):
            self.display_funcs[kind](run, self.pixel_array)
            return
        ctx = self.get_cairo_context(self.pixel_array)
        for vm in run:
            self._draw(ctx, vm)

    def _draw(self, ctx, vm) -> None:
        """Camera.display_vectorized: the path, the background stroke, the fill, the stroke."""
        self.set_cairo_context_path(ctx, vm)
        self._stroke(ctx, vm, True)
        fill = getattr(vm, "fill_rgbas", None)
        if fill is None or len(fill) != 1:
            self.apply_fill(ctx, vm)
        elif fill[0, 3] != 0:
            ctx.set_source_rgba(fill[0, 2], fill[0, 1], fill[0, 0], fill[0, 3])
            ctx.fill_preserve()
        self._stroke(ctx, vm, False)

    def _stroke(self, ctx, vm, background: bool) -> None:
        width = vm.get_stroke_width(background)
        if width == 0:
            return
        rgbas = getattr(vm, "background_stroke_rgbas" if background else "stroke_rgbas", None)
        if rgbas is not None and not rgbas[:, 3].any():
            return  # wholly transparent: painting it changes nothing
        self.apply_stroke(ctx, vm, background)

    def get_mobjects_to_display(self, mobjects, include_submobjects=True, excluded_mobjects=None):
        """Camera.get_mobjects_to_display, the same list in the same order (each family member once,
        where it last occurs; those with points; sorted by z_index), found by one walk."""
        if not include_submobjects or excluded_mobjects:
            shown = super().get_mobjects_to_display(mobjects, include_submobjects, excluded_mobjects)
        else:
            shown = family_with_points(mobjects, self.use_z_index)
        if not config.transparent:
            return shown
        plates = []
        for top in mobjects:
            for m in top.get_family():
                if getattr(m, "plated", False) and (p := self.plate_for(m)) is not None:
                    plates.append(p)
        return plates + shown
    def plate_for(self, m: Mobject) -> RoundedRectangle | None:
        """The plate behind `m` now: None when its letters are not drawn."""
        parts = [g for g in m.family_members_with_points()
                 if len(g.get_fill_opacities()) and float(g.get_fill_opacity()) > 0]
        opacity = max((float(g.get_fill_opacity()) for g in parts), default=0.0)
        if opacity < 0.01:
            return None
        points = np.concatenate([g.points for g in parts])
        low, high = points.min(axis=0), points.max(axis=0)
        key = tuple(np.round(np.concatenate([low, high]), 4))
        cached = self._kept.plates.get(id(m))
        if cached is None or cached[0] != key:
            cached = (key, plate(low, high))
            self._kept.plates[id(m)] = cached
        return cached[1].set_fill(opacity=PLATE_OPACITY * opacity)


WIDTH = 12.6  # the widest a line of text may be: the frame less its 5% margins (12.8), less a little


def lines(s: str, size: float = LABEL_SIZE, color: str = TEXT_COLOR, width: float = WIDTH,
          buff: float = 0.12, **kwargs) -> VGroup:
    """`text` broken between words into as few lines as keep each within `width` scene units (never
    shrunk: the size stays readable), the lines centred under each other."""
    rows: list[list[str]] = []
    for w in s.split():
        if rows and fits([*rows[-1], w], size, width):
            rows[-1].append(w)
        else:
            rows.append([w])
    return VGroup(*[text(" ".join(r), size, color, **kwargs) for r in rows]).arrange(DOWN, buff=buff)


# how far a line's width may be from the sum of its words' widths and the spaces between (the
# glyphs' side bearings at the words' ends): at most 0.003 x the font size over the scenes' own
# words; beyond 0.02 x the font size from the limit, the sum decides, nearer, the line is measured
FIT_MARGIN = 0.02
_word_widths: dict[tuple[str, float], float] = {}


def estimated_width(words: list[str], size: float) -> float:
    """The width of `words` set as one line: each word's own width (measured once per word and
    size) and a space between each two, as it sits between two letters."""
    def own(w: str) -> float:
        if (w, size) not in _word_widths:
            _word_widths[w, size] = SansText(w, font_size=size).width
        return _word_widths[w, size]

    return sum(map(own, words)) + (len(words) - 1) * (own("n n") - 2 * own("n"))


def fits(words: list[str], size: float, width: float) -> bool:
    """Whether `words`, one space between each, set as one `text` of `size`, are at most `width`
    scene units wide: the same answer as measuring the text, which is done only where the sum of
    the words' own widths (`estimated_width`) leaves it in doubt, so that breaking a paragraph lays
    out about one text per word instead of one per word per line."""
    estimate = estimated_width(words, size)
    if abs(estimate - width) > FIT_MARGIN * size:
        return estimate <= width
    return SansText(" ".join(words), font_size=size).width <= width


def title(s: str) -> Text:
    return text(s, TITLE_SIZE).to_edge(UP, buff=0.45)  # inside the 5% margin (0.4)


def window_color(w: int) -> str:
    """Window w's colour, 0-based: the two alternate, so two windows that overlap differ."""
    return WINDOW_COLORS[w % 2]


def filter_name(i: int) -> str:
    """'filter 1 (blue)': how the subtitles name filter i (0-based), as the screen labels it."""
    return f"filter {i + 1} ({FILTER_NAMES[i]})"

