"""The look every explainer shares: the palette (one meaning per colour, the same in the figures),
the font and text sizes, and text in that font.

DECONV_THEME=light renders on white with darker shades of the same hues (core.palette). The theme
is read at import without failing; a bad name stops the render when a scene starts (`apply`).
"""

from __future__ import annotations

from manim import DOWN, UP, Mobject, RoundedRectangle, Text, VGroup, config

from core import palette
from scenes.models import fail

try:
    PALETTE = palette.theme()
    THEME_ERROR: str | None = None
except ValueError as _e:  # reported by apply(), when a scene starts
    PALETTE, THEME_ERROR = palette.DARK, str(_e)
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

TITLE_SIZE = 34
LABEL_SIZE = 24
SMALL_SIZE = 20


def apply() -> None:
    """Make the chosen theme Manim's: called by every explainer as it starts. A bad DECONV_THEME
    stops the render with one line and exit status 2. The dark theme keeps Manim's black (and any
    --background_color)."""
    if THEME_ERROR is not None:
        fail(THEME_ERROR)
    if PALETTE is not palette.DARK:
        config.background_color = BACKGROUND_COLOR


class SansText(Text):
    """Text in the project's font (also for axis numbers)."""

    def __init__(self, text: str, **kwargs):
        kwargs.setdefault("font", FONT)
        super().__init__(text, **kwargs)


def text(s: str, size: float = LABEL_SIZE, color: str = TEXT_COLOR, **kwargs) -> Text:
    """Text in the project's font. In a transparent render (`manim -t`) it sits on a `Plate`, so it
    reads as solid letters on a white slide as on a dark one."""
    t = SansText(s, font_size=size, color=color, **kwargs)
    if config.transparent:
        put_on_plate(t)
    return t


PLATE_OPACITY = 0.8


class Plate(RoundedRectangle):
    """The theme's background colour, mostly opaque, behind a text in transparent renders: the
    letters keep their colour and stay solid on any slide. It keeps its colour when the text is
    recoloured, and it is drawn behind everything (z_index -1) though it is the text's last part,
    so the text's letters keep their indices."""

    def __init__(self, around: Mobject, buff: float = 0.06):
        super().__init__(corner_radius=0.06, width=around.width + 2 * buff, height=around.height + 2 * buff,
                         fill_color=OUTLINE_COLOR, fill_opacity=PLATE_OPACITY, stroke_width=0)
        self.move_to(around)
        self.z_index = -1

    def set_fill(self, color=None, opacity=None, family=True):  # the colour stays the background's
        return super().set_fill(OUTLINE_COLOR, opacity, family)

    def set_stroke(self, color=None, width=None, opacity=None, background=False, family=True):
        return super().set_stroke(OUTLINE_COLOR, 0, opacity, background, family)


def put_on_plate(m: Mobject) -> Mobject:
    """Give `m` (a text or number) a Plate as its last part, remembered as `m.plate`."""
    m.plate = Plate(m)
    m.add(m.plate)
    return m


WIDTH = 12.6  # the widest a line of text may be: the frame less its 5% margins (12.8), less a little


def lines(s: str, size: float = LABEL_SIZE, color: str = TEXT_COLOR, width: float = WIDTH,
          buff: float = 0.12, **kwargs) -> VGroup:
    """`text` broken between words into as few lines as keep each within `width` scene units (never
    shrunk: the size stays readable), the lines centred under each other."""
    rows: list[str] = []
    for w in s.split():
        if rows and SansText(f"{rows[-1]} {w}", font_size=size).width <= width:
            rows[-1] = f"{rows[-1]} {w}"
        else:
            rows.append(w)
    return VGroup(*[text(r, size, color, **kwargs) for r in rows]).arrange(DOWN, buff=buff)


def title(s: str) -> Text:
    return text(s, TITLE_SIZE).to_edge(UP, buff=0.45)  # inside the 5% margin (0.4)


def filter_name(i: int) -> str:
    """'filter 1 (blue)': how the subtitles name filter i (0-based), as the screen labels it."""
    return f"filter {i + 1} ({FILTER_NAMES[i]})"

