"""Subtitles of the rendered explainers: read Manim's `.srt`, place Manim's `--save_sections` clips on
the video's timeline, check that every section is captioned, and write WebVTT (what browsers'
<track> elements read) for a whole video or one section clip; and the text rules the explainers
write their cues by (a stretch of time shared between cues, two balanced lines, numbers as the
screen shows them). numpy, the standard library and core.files only.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core import files


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str


@dataclass(frozen=True)
class Span:
    """One section of a render on the whole video's timeline."""

    name: str
    start: float
    end: float
    video: str  # the section clip's file name

    @property
    def duration(self) -> float:
        return self.end - self.start


LINE = 45  # characters per subtitle line; a cue has at most two lines
MIN_SECONDS = 1.5  # each cue is shown at least this long, where the time allows
MAX_RATE = 17  # characters per second (spaces count) above which a cue is too fast to read
READ_RATE = 15  # what the explainers time their cues for, a margin under MAX_RATE


def problems(cues: Sequence[Cue], min_seconds: float = MIN_SECONDS, max_rate: float = MAX_RATE,
             line: int = LINE) -> list[str]:
    """The cues that break the reading rules, one line each (none for a readable script): shown
    shorter than `min_seconds`, faster than `max_rate` characters per second, more than two lines or
    a line much longer than `line`, overlapping the cue before."""
    found = []
    for k, c in enumerate(cues):
        flat, shown = c.text.replace("\n", " "), c.end - c.start
        if shown < min_seconds:
            found.append(f"{c.start:.1f} s: shown {shown:.2f} s: {flat!r}")
        if len(flat) / shown > max_rate:
            found.append(f"{c.start:.1f} s: {len(flat) / shown:.1f} characters per second: {flat!r}")
        if c.text.count("\n") > 1 or any(len(x) > line + 10 for x in c.text.split("\n")):
            found.append(f"{c.start:.1f} s: lines too long: {c.text!r}")
        if k and c.start < cues[k - 1].end - 1e-9:
            found.append(f"{c.start:.1f} s: starts before the cue before ends: {flat!r}")
    return found


_TIME = r"(\d+):(\d{2}):(\d{2})[,.](\d{3})"
_TIMING = re.compile(rf"^{_TIME}\s*-->\s*{_TIME}\s*$")


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_srt(text: str) -> list[Cue]:
    """The cues of an SRT file. Raises ValueError (with the block number) on anything that is not
    SRT: a missing index, a bad timing line, an end before its start, an empty text."""
    cues: list[Cue] = []
    blocks = [b for b in re.split(r"\r?\n\s*\r?\n", text.strip().lstrip("\ufeff")) if b.strip()]
    for n, block in enumerate(blocks, 1):
        lines = block.strip().splitlines()
        if len(lines) < 3 or not lines[0].strip().isdigit():
            raise ValueError(f"SRT block {n}: expected an index, a timing line and text")
        m = _TIMING.match(lines[1].strip())
        if not m:
            raise ValueError(f"SRT block {n}: bad timing line {lines[1]!r}")
        start, end = _seconds(*m.groups()[:4]), _seconds(*m.groups()[4:])
        if end <= start:
            raise ValueError(f"SRT block {n}: ends at {end:.3f} s, not after its start {start:.3f} s")
        body = "\n".join(lines[2:]).strip()
        if not body:
            raise ValueError(f"SRT block {n}: no text")
        cues.append(Cue(start, end, body))
    return cues


def read_srt(path: str | Path) -> list[Cue]:
    return parse_srt(Path(path).read_text(encoding="utf-8"))


class SectionsError(ValueError):
    """A sections list that names a clip elsewhere than beside it, or is not Manim's."""


SECTIONS_MAX = 16 << 20  # bytes: a sections list is about 300 bytes a section


def read_sections(index: str | Path) -> list[Span]:
    """The sections of a render from Manim's `sections/<Scene>.json`, placed one after another.
    Each names its clip by a plain file name, beside the list (files.plain_name): anything else
    ('../../elsewhere/intro.mp4', an absolute path) raises SectionsError (a ValueError) naming the
    entry, so that no reader of the list (the index, the decks, a clip's captions) reads or writes
    outside sections/; so do a name that is no string and a duration that is no length. Raises
    ValueError, KeyError or TypeError on a file that is not a list of Manim's entries."""
    size = Path(index).stat().st_size
    if size > SECTIONS_MAX:  # Manim's lists are a few KB; a huge file is not read into memory
        raise SectionsError(f"{size / 1e6:,.0f} MB, far larger than a sections list can be; not read")
    entries = json.loads(Path(index).read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise SectionsError("not a list of sections")
    spans, t = [], 0.0
    for k, e in enumerate(entries, 1):
        video, name, d = e["video"], e["name"], float(e["duration"])
        if not files.plain_name(video):
            raise SectionsError(f"entry {k} names {video!r}, not a clip in sections/")
        if not isinstance(name, str):
            raise SectionsError(f"entry {k} is named {name!r}, not a string")
        if not math.isfinite(d) or d < 0:
            raise SectionsError(f"entry {k} lasts {e['duration']!r} s")
        spans.append(Span(name, t, t + d, video))
        t += d
    return spans


def section_source(clip_path: str | Path) -> tuple[Path, Span] | None:
    """For a `--save_sections` clip (media/videos/<module>/<quality>/sections/<Scene>_0001_<name>.mp4):
    the whole video's .srt and the clip's section on the video's timeline, whose cues (`clip`) are the
    clip's subtitles. None when the clip is not listed in a sections list beside a video's .srt."""
    clip_path = Path(clip_path)
    if clip_path.parent.name != "sections":
        return None
    for index in sorted(clip_path.parent.glob("*.json")):
        try:
            spans = read_sections(index)
        except (OSError, ValueError, KeyError, TypeError):
            continue
        span = next((s for s in spans if s.video == clip_path.name), None)
        srt = clip_path.parent.parent / f"{index.stem}.srt"
        if span is not None and srt.is_file():
            return srt, span
    return None


def coverage(cues: Sequence[Cue], start: float, end: float) -> float:
    """Fraction of [start, end) during which some cue is showing."""
    if end <= start:
        return 1.0
    covered, t = 0.0, start
    for c in sorted(cues, key=lambda c: c.start):
        a, b = max(c.start, t), min(c.end, end)
        if b > a:
            covered += b - a
            t = b
    return covered / (end - start)


def uncaptioned(cues: Sequence[Cue], spans: Sequence[Span], min_fraction: float = 0.5) -> list[str]:
    """Names of the sections that are captioned for less than `min_fraction` of their time."""
    return [s.name for s in spans if coverage(cues, s.start, s.end) < min_fraction]


def clip(cues: Sequence[Cue], start: float, end: float) -> list[Cue]:
    """The cues showing during [start, end), cut to it and re-timed to start at 0."""
    out = []
    for c in cues:
        a, b = max(c.start, start), min(c.end, end)
        if b - a > 0.05:
            out.append(Cue(a - start, b - start, c.text))
    return out


def _vtt_time(t: float) -> str:
    ms = round(t * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def vtt_text(text: str) -> str:
    """A cue's text as WebVTT cue text: `&`, `<` and `>` escaped (a browser reads `<` as the start of
    a tag: 'The order 1 < 2 < 3' showed as 'The order 1 '; the escaped `>` keeps '-->' out), no
    blank line (which would end the cue)."""
    lines = [x for x in text.splitlines() if x.strip()]
    return "\n".join(x.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for x in lines)


def to_vtt(cues: Sequence[Cue]) -> str:
    lines = ["WEBVTT", ""]
    for c in cues:
        lines += [f"{_vtt_time(c.start)} --> {_vtt_time(c.end)}", vtt_text(c.text), ""]
    return "\n".join(lines)


def fmt(value: float, places: int = 3, sign: bool = True) -> str:
    """A number as LiveNumber shows it (never '-0.000')."""
    s = f"{value:+.{places}f}" if sign else f"{value:.{places}f}"
    return ("+" + s[1:] if sign else s[1:]) if s.startswith("-") and float(s) == 0 else s


def as_written(value: float, places: int) -> float:
    """`value` as fmt writes it with `places` decimals, read back."""
    return float(fmt(value, places, sign=False))


def reads_true(terms: Sequence[float], total: float, places: int) -> bool:
    """Whether `terms`, as fmt writes them with `places` decimals, add up to `total` as written."""
    written = sum(as_written(t, places) for t in terms)
    return fmt(written, places, sign=False) == fmt(total, places, sign=False)


def adds_up(terms: Sequence[float], total: float, places: int = 2, most: int = 6) -> int:
    """The fewest decimal places, from `places`, at which `terms` as fmt writes them add up to `total`
    as it writes it (0.08 + 0.09 - 0.16 = 0.01 must read true), up to `most`."""
    return next((p for p in range(places, most + 1) if reads_true(terms, total, p)), most)


def group_value(pairs: Sequence[tuple[float, float]], places: int) -> float:
    """A dot product's group as written with `places` decimals: one pair is 'u × v = w', its exact
    product; several are written as their products, and their sum is the sum of those as written
    (0.143 + 0.270 - 0.051 = 0.362 reads true, where the exact 0.3628 would not)."""
    if len(pairs) == 1:
        return pairs[0][0] * pairs[0][1]
    return sum(as_written(u * v, places) for u, v in pairs)


def multiplies_up(groups: Sequence[Sequence[tuple[float, float]]], extra: float | None, total: float,
                  places: int = 3, most: int = 6) -> int:
    """The fewest decimal places, from `places`, at which a dot product written out reads true: a
    group of one (u, v), written 'u × v = w', multiplies as fmt writes them to u·v as it writes it;
    a longer group is written as its products and their sum as written (group_value); the groups'
    values (and `extra`, a bias) add up to `total`, as written. Up to `most`."""
    for p in range(places, most + 1):
        if all(fmt(as_written(u, p) * as_written(v, p), p, sign=False) == fmt(u * v, p, sign=False)
               for g in groups if len(g) == 1 for u, v in g) \
                and reads_true([group_value(g, p) for g in groups] + ([extra] if extra is not None else []),
                               total, p):
            return p
    return most


def factor_places(pairs: Sequence[tuple[float, float]], places: int = 2, most: int = 4) -> tuple[int, int]:
    """The fewest decimal places (for u, for v), each from `places`, at which every product u × v of
    `pairs`, its factors written so, multiplies to u·v as written with `places`: a code of -0.065
    written -0.07 makes -0.07 × -1.23 read 0.09 against its copy's 0.08, where -0.065 × -1.23 reads
    true. Up to (`most`, `most`)."""
    def true(pu: int, pv: int) -> bool:
        return all(fmt(as_written(u, pu) * as_written(v, pv), places, sign=False)
                   == fmt(u * v, places, sign=False) for u, v in pairs)

    return next(((pu, total - pu) for total in range(2 * places, 2 * most + 1)
                 for pu in range(places, most + 1) if places <= total - pu <= most and true(pu, total - pu)),
                (most, most))


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



_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve")


def series(values, last: str = "and") -> str:
    """[7, 8, 9] -> '7, 8 and 9'; with last='or', '7, 8 or 9'; one value alone."""
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]


def count_word(n: int) -> str:
    """A count as a word up to twelve ('ten'), in digits above."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)
