"""The project's colours, one meaning per colour, shared by the videos (Manim) and the figures
(matplotlib). Plain strings only: no manim, no matplotlib, no torch.

Two themes: `dark` (the videos' default, for dark slides and screens) and `light` (white slides,
and every figure). A filter keeps its hue in both; the light theme only darkens it so it keeps
its contrast on white.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

THEME_ENV = "DECONV_THEME"


@dataclass(frozen=True)
class Palette:
    name: str
    background: str
    filters: tuple[str, str, str]  # filter / code channel 1, 2, 3
    data: str  # data: curves, patches, targets
    output: str  # what the decoder produces: sums, outputs
    accent: str  # errors, doubled overlaps
    text: str
    muted: str  # axes, secondary text
    outline: str  # behind text and curves in transparent renders: the theme's own background
    # the windows (or stamps) of one signal, alternately: where two overlap, one of each colour
    windows: tuple[str, str]
    # what the on-screen text and the subtitles call these colours ("yellow: the sum")
    filter_names: tuple[str, str, str] = ("blue", "green", "purple")
    data_name: str = "grey"
    output_name: str = "yellow"
    accent_name: str = "red"
    text_name: str = "white"
    window_names: tuple[str, str] = ("pink", "cyan")


DARK = Palette(
    name="dark",
    background="#000000",
    filters=("#4EA8DE", "#5BC97D", "#C38FEA"),
    data="#AEB6C2",
    output="#F6D55C",
    accent="#FF6B4A",
    text="#ECEFF4",
    muted="#8A93A3",
    outline="#000000",
    windows=("#F48FB1", "#4DD0E1"),
)

LIGHT = Palette(
    name="light",
    background="#FFFFFF",
    filters=("#1F6FA8", "#23884A", "#8A4FBF"),
    data="#7D8797",
    output="#C27C0E",
    accent="#D43F1F",
    text="#1E222A",
    muted="#5F6877",
    outline="#FFFFFF",
    windows=("#C2185B", "#00838F"),
    output_name="gold",
    text_name="black",
)

THEMES = {"dark": DARK, "light": LIGHT}
FONT = "DejaVu Sans"


def theme(name: str | None = None) -> Palette:
    """The palette named `name`, or by $DECONV_THEME (default dark). Unknown names raise ValueError
    with the choices."""
    if name is None:
        name = os.environ.get(THEME_ENV, "dark") or "dark"
    try:
        return THEMES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"{THEME_ENV}={name!r}: choose one of {', '.join(THEMES)}") from None
