"""The look every explainer shares: the palette (one meaning per colour, the same in the figures),
the font and text sizes, and text in that font.

DECONV_THEME=light renders on white with darker shades of the same hues (core.palette). The theme
is read at import without failing; a bad name stops the render when a scene starts (`apply`).
"""

from __future__ import annotations

from manim import UP, Text, config

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
    """Text in the project's font. With a transparent background (`manim -t`) it gets an
    outline in the background colour, so it stays readable on light slides as well as dark ones."""
    t = SansText(s, font_size=size, color=color, **kwargs)
    if config.transparent:
        t.set_stroke(OUTLINE_COLOR, width=2, background=True)
    return t


def title(s: str) -> Text:
    return text(s, TITLE_SIZE).to_edge(UP, buff=0.35)


def filter_name(i: int) -> str:
    """'filter 1 (blue)': how the subtitles name filter i (0-based), as the screen labels it."""
    return f"filter {i + 1} ({FILTER_NAMES[i]})"

