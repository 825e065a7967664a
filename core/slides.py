"""Talk decks from the rendered explainers (`deconv slides`, `make slides`): one slide per section,
built from what `manim --save_sections` rendered (nothing is rendered again), with the section's
subtitles as the slide's speaker notes.

For each explainer, in <media>/slides/:
- <Scene>.json: a manim-slides presentation (`manim-slides present --folder <media>/slides <Scene>`
  plays it full screen: next and previous, a pause at each slide's end, replay), written with
  manim-slides' own config model, pointing at the section clips where Manim left them;
- <module>.html: the same deck converted by manim-slides' RevealJS converter into one file that
  plays with no network: the clips embedded, reveal.js and its notes plugin (presenter view, key S)
  inlined from the copy `make setup` keeps (core.revealjs);
- <module>.pptx: converted by manim-slides' PowerPoint converter: each slide holds its section clip
  (H.264 in .mp4, at most `max_height` pixels tall: taller renders are scaled down), set to play on
  entering the slide, with the subtitles as notes;
and all.html: every rendered explainer in watch order.

A file here that this module did not write, or that was changed since (an edited .pptx), is not
replaced without `force`; each file is written whole or not at all.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core import clip, revealjs, subtitles
from core.explainers import EXPLAINERS, QUALITY_FOLDERS, ExplainerSpec
from core.palette import THEMES
from core.weights import atomic_write_bytes

TEMPLATE = Path(__file__).with_name("deck.html")
RECORD = ".deconv-slides"  # what this module wrote here, name -> [size, mtime_ns] (JSON; not *.json,
# which manim-slides would take for a presentation)
ALL = "all.html"
PPTX_MAX_HEIGHT = 1080  # PowerPoint on Windows and macOS plays H.264 up to 1080p
CODEC, PIX_FMT = "h264", "yuv420p"  # what every deck format plays (Manim's .mp4 renders)


class SlidesError(ValueError):
    """Input the user can fix (no render, a stale or transparent one, a file not ours): one line."""


@dataclass(frozen=True)
class Slide:
    name: str  # the section's name, as Manim's next_section got it
    clip: Path  # the section clip Manim wrote
    notes: str  # the subtitles shown during the section, one cue a line
    duration: float  # seconds


@dataclass
class Deck:
    spec: ExplainerSpec
    folder: Path  # Manim's render folder: media/videos/<module>/<quality>
    width: int
    height: int
    background: str  # the theme's background colour, around the clips
    slides: list[Slide] = field(default_factory=list)

    @property
    def config_name(self) -> str:
        return f"{self.spec.scene}.json"


def _again(spec: ExplainerSpec, folder: Path) -> str:
    letter = next((q for q, f in QUALITY_FOLDERS.items() if f == folder.name), "h")
    return f"render it again: manim -q{letter} --save_sections scenes/{spec.module}.py"


def _theme_background(video: Path) -> str:
    """The background of the theme the render's sidecar names (dark when there is none)."""
    try:
        name = json.loads(video.with_suffix(".model.json").read_text())["theme"]
    except (OSError, ValueError, KeyError, TypeError):
        name = "dark"
    return THEMES.get(name, THEMES["dark"]).background


def section_of(cue: subtitles.Cue, spans: list[subtitles.Span]) -> int:
    """The index of the section that shows `cue` longest (the earlier one on a tie): a cue still on
    screen as the next section starts belongs to the one it was said in."""
    shown = [min(cue.end, s.end) - max(cue.start, s.start) for s in spans]
    return max(range(len(spans)), key=lambda k: (shown[k], -k))


def notes(cues: list[subtitles.Cue], spans: list[subtitles.Span]) -> list[str]:
    """The speaker notes of each section: the text of each of its cues (section_of), one cue a
    line (a cue's own line break becomes a space), in the .srt's order."""
    lines: list[list[str]] = [[] for _ in spans]
    for c in cues:
        lines[section_of(c, spans)].append(c.text.replace("\n", " "))
    return ["\n".join(x) for x in lines]


def load_deck(spec: ExplainerSpec, folder: Path) -> Deck:
    """The deck of one render folder. Raises SlidesError (one line, with the command that fixes
    it) where there are no sections, a section clip is missing, not H.264 (a transparent -t
    render) or left from another render, or the subtitles cannot be read."""
    video = folder / f"{spec.scene}.mp4"
    again = _again(spec, folder)
    index = folder / "sections" / f"{spec.scene}.json"
    if not index.is_file():
        raise SlidesError(f"{folder}: no section clips (a slide is a section); {again}")
    try:
        entries = json.loads(index.read_text(encoding="utf-8"))
        spans = subtitles.read_sections(index)
        info = clip.probe(video)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        why = str(e).splitlines()[0][:80]
        raise SlidesError(f"{index}: not a readable render ({why}); {again}") from None
    if not spans or abs(spans[-1].end - info.duration) > 0.5:
        raise SlidesError(f"{index}: its sections are not those of {video.name} (left from another "
                          f"render); {again}")
    for e in entries:
        if e.get("codec_name") != CODEC or e.get("pix_fmt") != PIX_FMT:
            raise SlidesError(f"{folder / 'sections' / e['video']}: {e.get('codec_name')} "
                              f"{e.get('pix_fmt')}, not H.264 (a transparent -t render?); decks need "
                              f"the .mp4 render: {again.split(': ', 1)[1]}")
    srt = video.with_suffix(".srt")
    try:
        cues = subtitles.read_srt(srt) if srt.is_file() else []
    except (ValueError, UnicodeDecodeError) as e:
        raise SlidesError(f"{srt}: not a readable .srt ({type(e).__name__}); {again}") from None
    deck = Deck(spec, folder, info.width, info.height, _theme_background(video))
    for span, text in zip(spans, notes(cues, spans)):
        path = folder / "sections" / span.video
        if not path.is_file():
            raise SlidesError(f"{path}: missing section clip; {again}")
        deck.slides.append(Slide(span.name, path, text, span.duration))
    return deck


def rendered_quality(media: Path) -> str | None:
    """The best quality letter at which any explainer is rendered under `media`, or None."""
    for q in sorted(QUALITY_FOLDERS, key=lambda q: int(QUALITY_FOLDERS[q].split("p")[0]), reverse=True):
        if any((media / "videos" / e.module / QUALITY_FOLDERS[q] / f"{e.scene}.mp4").is_file()
               for e in EXPLAINERS):
            return q
    return None


def find_decks(media: Path, quality: str) -> tuple[list[Deck], list[ExplainerSpec]]:
    """The decks of every explainer rendered at `quality` under `media`, in watch order, and the
    explainers not rendered there."""
    decks, missing = [], []
    for spec in EXPLAINERS:
        folder = media / "videos" / spec.module / QUALITY_FOLDERS[quality]
        if (folder / f"{spec.scene}.mp4").is_file():
            decks.append(load_deck(spec, folder))
        else:
            missing.append(spec)
    return decks, missing


# --- the three formats, each with manim-slides ------------------------------------------------------
def presentation(deck: Deck, clips: dict[Path, Path] | None = None):
    """The deck as manim-slides' PresentationConfig (`clips` maps a section clip to the copy to use
    instead, e.g. one scaled down for PowerPoint). A clip also stands for its reversed playback
    (manim-slides' V key replays it forward): only what was rendered goes in."""
    from manim_slides.config import PresentationConfig, SlideConfig

    clips = clips or {}
    slides = [SlideConfig(file=clips.get(s.clip, s.clip), rev_file=clips.get(s.clip, s.clip),
                          notes=s.notes, dedent_notes=False) for s in deck.slides]
    return PresentationConfig(slides=slides, resolution=(deck.width, deck.height),
                              background_color=deck.background)


def config_json(deck: Deck, out: Path) -> bytes:
    """`out`/<Scene>.json as manim-slides reads it: clip paths relative to the folder above `out`
    (PresentationConfig.from_file resolves them against path.parent.parent)."""
    data = json.loads(presentation(deck).model_dump_json())
    base = out.resolve().parent
    for s in data["slides"]:
        for key in ("file", "rev_file"):
            s[key] = os.path.relpath(Path(s[key]).resolve(), base)
    return (json.dumps(data, indent=2) + "\n").encode()


def _data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _written_through(write: Callable[[Path], None], out: Path) -> None:
    """Run `write(tmp)` on a temporary file beside `out`, then rename it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=out.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def html_bytes_via(decks: list[Deck], out: Path, title: str) -> None:
    """Write one self-contained HTML deck of `decks` (in order) to `out` with manim-slides' RevealJS
    converter and this project's template: clips embedded, reveal.js inlined, no other host named."""
    from manim_slides.convert import RevealJS

    class OfflineRevealJS(RevealJS):
        reveal_assets: dict[str, str]
        slide_ids: list[list[str]]
        lang: str = "en"

    found = revealjs.files()
    assets = {"reveal.css": _data_uri(found["dist/reveal.css"], "text/css"),
              "reveal.js": _data_uri(found["dist/reveal.js"], "text/javascript"),
              "notes.js": _data_uri(found["dist/plugin/notes.js"], "text/javascript")}
    ids = [[f"{d.spec.module}-{s.name}" for s in d.slides] for d in decks]
    converter = OfflineRevealJS(
        presentation_configs=[presentation(d) for d in decks], template=TEMPLATE, one_file=True,
        offline=False, title=title, background_color=decks[0].background, controls="true",
        progress="true", slide_number="c/t", hash="true", reveal_assets=assets, slide_ids=ids)
    _written_through(converter.convert_to, out)


def pptx_via(deck: Deck, out: Path, clips: dict[Path, Path]) -> None:
    """Write the deck as a .pptx with manim-slides' PowerPoint converter: a 16:9 slide per section
    holding its clip (`clips` may swap in scaled copies), playing on entering the slide, its first
    frame as the poster, the subtitles as the slide's notes."""
    from manim_slides.convert import PowerPoint

    converter = PowerPoint(presentation_configs=[presentation(deck, clips)], width=1280, height=720)
    _written_through(converter.convert_to, out)


def pptx_clips(deck: Deck, out: Path, max_height: int, progress: bool = False) -> dict[Path, Path]:
    """Section clips taller than `max_height` (0: no limit) scaled down for PowerPoint, into
    `out`/pptx-<max_height>p/<module>/ (kept while newer than their clip); {} when none is."""
    if not max_height or deck.height <= max_height:
        return {}
    scaled = {}
    for s in deck.slides:
        copy = out / f"pptx-{max_height}p" / deck.spec.module / s.clip.name
        if not (copy.is_file() and copy.stat().st_mtime >= s.clip.stat().st_mtime):
            clip.write_h264(clip.probe(s.clip), copy, max_height, progress)
        scaled[s.clip] = copy
    return scaled


# --- not replacing what a user made ----------------------------------------------------------------
def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _record(out: Path) -> dict:
    try:
        data = json.loads((out / RECORD).read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def not_ours(out: Path, names: list[str]) -> list[str]:
    """The names among `names` that are files in `out` which this module did not write, or which
    were changed since it did."""
    record = _record(out)
    return [n for n in names if (out / n).exists() and record.get(n) != (_stamp(out / n) if
                                                                       (out / n).is_file() else None)]


def _remember(out: Path, names: list[str]) -> None:
    record = _record(out)
    record.update({n: _stamp(out / n) for n in names})
    atomic_write_bytes(out / RECORD, json.dumps(record, indent=1).encode())


@dataclass
class Written:
    path: Path
    slides: int
    what: str


def build(decks: list[Deck], out: Path, max_height: int = PPTX_MAX_HEIGHT, force: bool = False,
          progress: bool = False, report: Callable[[Written], None] = lambda w: None) -> list[Written]:
    """Write every format of every deck into `out` (see the module's doc), and all.html. Raises
    SlidesError before writing anything where a file there is not this module's (unless `force`),
    and RevealMissing where reveal.js is not on disk. Returns what was written, in order."""
    revealjs.files()
    names = [n for d in decks for n in (d.config_name, f"{d.spec.module}.html", f"{d.spec.module}.pptx")]
    names.append(ALL)
    if not force and (foreign := not_ours(out, names)):
        raise SlidesError(f"{out / foreign[0]}: not written by deconv slides, or changed since "
                          f"(an edited deck?); move it away, or replace it with --force")
    out.mkdir(parents=True, exist_ok=True)
    written = []

    def done(w: Written) -> None:
        _remember(out, [w.path.name])
        written.append(w)
        report(w)

    for d in decks:
        n = len(d.slides)
        atomic_write_bytes(out / d.config_name, config_json(d, out))
        done(Written(out / d.config_name, n, "manim-slides presentation"))
        html_bytes_via([d], out / f"{d.spec.module}.html", f"{d.spec.heading} (deconv-explained)")
        done(Written(out / f"{d.spec.module}.html", n, "one HTML file, plays offline"))
        pptx_via(d, out / f"{d.spec.module}.pptx", pptx_clips(d, out, max_height, progress))
        done(Written(out / f"{d.spec.module}.pptx", n, "PowerPoint, each clip plays on entering"))
    html_bytes_via(decks, out / ALL, "deconv-explained: the explainers in watch order")
    done(Written(out / ALL, sum(len(d.slides) for d in decks), "every deck in watch order"))
    return written
