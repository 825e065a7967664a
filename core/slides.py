"""Talk decks from the rendered explainers (`deconv slides`, `make slides`): one slide per section,
built from what `manim --save_sections` rendered (nothing is rendered again), with the section's
subtitles as the slide's speaker notes.

For each explainer, in <media>/slides/:
- <Scene>.json: a manim-slides presentation (`manim-slides present --folder <media>/slides <Scene>`
  plays it full screen: next and previous, a pause at each slide's end, replay), written with
  manim-slides' own config model, pointing at the section clips where Manim left them;
- <module>.html: the same deck converted by manim-slides' RevealJS converter into one file that
  plays with no network: the clips embedded, reveal.js and its notes plugin (presenter view, key S)
  inlined from the copy `make slides` keeps (core.revealjs);
- <module>.pptx: converted by manim-slides' PowerPoint converter: each slide holds its section clip
  (H.264 in .mp4, at most `max_height` pixels tall: taller renders are scaled down), set to play on
  entering the slide, with the subtitles as notes;
and all.html: every rendered explainer in watch order.

The decks are silent, the speaker notes holding the script: clips of a narrated render are used
through copies without their sound (in silent/<module>/<render folder>/, kept while newer than their
clip). With
`voice` they keep the render's narration, and the HTML deck plays them unmuted.

A file here that this module did not write, or that was changed since (an edited .pptx), is not
replaced without `force` (files.Record, in .deconv-slides); each file is written whole or not at
all, and two builds into one folder take turns (files.lock). The clips in a .pptx are named
<module>_01.mp4 and so on, whatever the render called them.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core import audio, clip, files, revealjs, subtitles, videos
from core.explainers import EXPLAINERS, ExplainerSpec
from core.palette import THEMES

TEMPLATE = Path(__file__).with_name("deck.html")
RECORD = ".deconv-slides"  # files.Record(out, "slides"): what this module wrote there, name -> sha256
# (JSON, but not named *.json, which manim-slides would take for a presentation)
STAGING = ".deconv-slides-staging-"  # files.staging's prefix: each build makes its files in one
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
    warning: str = ""  # what the user should know about this deck (no subtitles, no notes)

    @property
    def config_name(self) -> str:
        return f"{self.spec.scene}.json"


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
    """The deck of one render folder, every clip checked before anything is written. Raises
    SlidesError (one line, with the command that fixes it) where there are no sections, the
    sections list names a clip outside sections/ or one that is missing, unreadable, of another
    length or not H.264 (a transparent -t render), or is left from another render, or the subtitles
    cannot be read. A missing .srt gives slides without notes: `Deck.warning` says so."""
    video = folder / f"{spec.scene}.mp4"
    again = videos.render_again(spec.module, folder)
    index = folder / "sections" / f"{spec.scene}.json"
    if not index.is_file():
        raise SlidesError(f"{folder}: no section clips (a slide is a section); {again}")
    try:
        entries = json.loads(index.read_text(encoding="utf-8"))
        spans = subtitles.read_sections(index)
    except subtitles.SectionsError as e:  # a clip named outside sections/, say
        raise SlidesError(f"{index}: {e}; {again}") from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        why = str(e).splitlines()[0][:80]
        raise SlidesError(f"{index}: not a readable sections list ({why}); {again}") from None
    try:
        info = clip.probe(video)
    except clip.ClipError as e:
        raise SlidesError(f"{str(e).splitlines()[0]}; {again}") from None
    if not spans or abs(spans[-1].end - info.duration) > 0.5:
        raise SlidesError(f"{index}: its sections are not those of {video.name} (left from another "
                          f"render); {again}")
    for e, span in zip(entries, spans):
        path = folder / "sections" / span.video  # a plain file name: read_sections checks
        if not path.is_file():
            raise SlidesError(f"{path}: missing section clip; {again}")
        if e.get("codec_name") != CODEC or e.get("pix_fmt") != PIX_FMT:
            raise SlidesError(f"{path}: {e.get('codec_name')} {e.get('pix_fmt')}, not H.264 (a "
                              f"transparent -t render?); decks need the .mp4 render: "
                              f"{again.split(': ', 1)[1]}")
        try:
            got = clip.probe(path)
        except clip.ClipError as err:
            raise SlidesError(f"{err}; {again}") from None
        if abs(got.duration - span.duration) > max(0.1, 2 / got.fps):
            raise SlidesError(f"{path}: {got.duration:.2f} s long, where {index.name} says "
                              f"{span.duration:.2f} s; {again}")
    srt = video.with_suffix(".srt")
    try:
        cues = subtitles.read_srt(srt) if srt.is_file() else []
    except (ValueError, UnicodeDecodeError) as e:
        raise SlidesError(f"{srt}: not a readable .srt ({type(e).__name__}); {again}") from None
    deck = Deck(spec, folder, info.width, info.height, _theme_background(video))
    if not srt.is_file():
        deck.warning = f"{srt}: no subtitles, so the slides of {spec.module} have no notes; {again}"
    for span, text in zip(spans, notes(cues, spans)):
        deck.slides.append(Slide(span.name, folder / "sections" / span.video, text, span.duration))
    return deck


def find_decks(media: Path, quality: str | None = None) -> tuple[list[Deck], list[ExplainerSpec]]:
    """The decks of every explainer rendered (as .mp4) under `media` at `quality` (None: each at the
    best quality it is rendered at), in watch order, and the explainers not rendered there."""
    decks, missing = [], []
    for spec in EXPLAINERS:
        folder = videos.find_render(media, spec.module, spec.scene, quality, kinds=(".mp4",))
        if folder is None:
            missing.append(spec)
        else:
            decks.append(load_deck(spec, folder))
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


def config_json(deck: Deck, out: Path, clips: dict[Path, Path] | None = None) -> bytes:
    """`out`/<Scene>.json as manim-slides reads it: clip paths relative to the folder above `out`
    (PresentationConfig.from_file resolves them against path.parent.parent)."""
    data = json.loads(presentation(deck, clips).model_dump_json())
    base = Path(os.path.abspath(out)).parent  # as given, not resolved: manim-slides joins from it
    for s in data["slides"]:
        for key in ("file", "rev_file"):
            s[key] = os.path.relpath(os.path.abspath(s[key]), base)
    return (json.dumps(data, indent=2) + "\n").encode()


def _data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _ids(deck: Deck) -> list[str]:
    """Each slide's id in the HTML (its #/ link): <module>-<section name>, unique within the deck."""
    seen: Counter[str] = Counter()
    ids = []
    for s in deck.slides:
        base = f"{deck.spec.module}-{s.name}"
        seen[base] += 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def write_html(decks: list[Deck], out: Path, title: str, clips: dict[Path, Path] | None = None,
               muted: bool = True) -> None:
    """Write one self-contained HTML deck of `decks` (in order) to `out` with manim-slides' RevealJS
    converter and this project's template: clips embedded (`clips` may swap in silent copies),
    reveal.js inlined, no other host named; `muted` unless the clips carry the narration. (`build`
    writes it into its staging folder, and renames it into place with the others.)"""
    from manim_slides.convert import RevealJS

    class OfflineRevealJS(RevealJS):
        reveal_assets: dict[str, str]
        slide_ids: list[list[str]]
        lang: str = "en"
        muted: bool = True

    found = revealjs.files()
    assets = {"reveal.css": _data_uri(found["dist/reveal.css"], "text/css"),
              "reveal.js": _data_uri(found["dist/reveal.js"], "text/javascript"),
              "notes.js": _data_uri(found["dist/plugin/notes.js"], "text/javascript")}
    ids = [_ids(d) for d in decks]
    converter = OfflineRevealJS(
        presentation_configs=[presentation(d, clips) for d in decks], template=TEMPLATE, one_file=True,
        offline=False, title=title, background_color=decks[0].background, controls="true",
        progress="true", slide_number="c/t", hash="true", reveal_assets=assets, slide_ids=ids, muted=muted)
    converter.convert_to(out)


def write_pptx(deck: Deck, out: Path, clips: dict[Path, Path]) -> None:
    """Write the deck as a .pptx with manim-slides' PowerPoint converter: a 16:9 slide per section
    holding its clip (`clips` may swap in scaled copies), playing on entering the slide, its first
    frame as the poster, the subtitles as the slide's notes. (`build` stages it as write_html.)"""
    from manim_slides.convert import PowerPoint

    # python-pptx writes each clip's file name into the slide's XML as it is (a '<' or '&' breaks
    # the file, a quote adds an attribute): the deck's clips go in under names of our own,
    # <module>_01.mp4, links to the clips beside `out` for as long as the conversion takes
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".deconv-pptx-clips-") as folder:
        named = {}
        for k, s in enumerate(deck.slides, 1):
            own = Path(folder) / f"{deck.spec.module}_{k:02d}.mp4"
            named[s.clip] = _named(Path(clips.get(s.clip, s.clip)), own)
        converter = PowerPoint(presentation_configs=[presentation(deck, named)], width=1280, height=720)
        converter.convert_to(out)


def _named(clip_file: Path, name: Path) -> Path:
    """`name`: a link to `clip_file` (a copy where the file system takes no links)."""
    try:
        name.symlink_to(os.path.abspath(clip_file))
    except OSError:
        shutil.copyfile(clip_file, name)
    return name


def silent_clips(deck: Deck, out: Path, check: Callable[[], None] = lambda: None) -> dict[Path, Path]:
    """The deck's section clips that carry sound (a narrated render), copied without it into
    `out`/silent/<module>/<render folder>/ (the picture as rendered, not re-encoded; kept while newer
    than their clip); {} when the render is silent."""
    quiet = {}
    for s in deck.slides:
        if not audio.has_sound(s.clip):
            continue
        copy = out / "silent" / deck.spec.module / deck.folder.name / s.clip.name
        if not (copy.is_file() and copy.stat().st_mtime >= s.clip.stat().st_mtime):  # the clips of
            copy.parent.mkdir(parents=True, exist_ok=True)  # 480p15 and 1080p60 share their names
            audio.remux(s.clip, copy, None)
        check()
        quiet[s.clip] = copy
    return quiet


def pptx_clips(deck: Deck, out: Path, max_height: int, progress: bool = False,
               check: Callable[[], None] = lambda: None, sources: dict[Path, Path] | None = None,
               ) -> dict[Path, Path]:
    """Section clips taller than `max_height` (0: no limit) scaled down for PowerPoint (with their
    sound, where they have some), into `out`/pptx-<max_height>p/<module>[-voice]/<render folder>/,
    kept while newer than their clip, else `sources` (the silent copies). `check` runs after each
    clip (it raises KeyboardInterrupt after a Ctrl-C)."""
    sources = sources or {}
    if not max_height or deck.height <= max_height:
        return dict(sources)
    scaled = {}
    for s in deck.slides:
        source = sources.get(s.clip, s.clip)
        voiced = source == s.clip and audio.has_sound(s.clip)
        folder = f"{deck.spec.module}-voice" if voiced else deck.spec.module
        copy = out / f"pptx-{max_height}p" / folder / deck.folder.name / s.clip.name
        if not (copy.is_file() and copy.stat().st_mtime >= source.stat().st_mtime):
            clip.write_h264(clip.probe(source), copy, max_height, progress)
        check()
        scaled[s.clip] = copy
    return scaled


@dataclass
class Written:
    path: Path
    slides: int
    what: str
    source: str = ""  # the render folder it was made from, e.g. 480p15
    seconds: float = 0.0  # the running time of its clips


@contextlib.contextmanager
def _interrupts():
    """Ctrl-C during the build is kept as well as raised: a KeyboardInterrupt that lands inside a
    destructor (PyAV's, imageio's) is swallowed by Python, so the build asks again (`check`) after
    each file and each scaled clip."""
    hit = []

    def check() -> None:
        if hit:
            raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield check
        return

    def handler(signum, frame):
        hit.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield check
    finally:
        signal.signal(signal.SIGINT, previous)


def build(decks: list[Deck], out: Path, max_height: int = PPTX_MAX_HEIGHT, force: bool = False,
          progress: bool = False, report: Callable[[Written], None] = lambda w: None,
          removed: Callable[[Path], None] = lambda p: None, voice: bool = False) -> list[Written]:
    """Write every format of every deck into `out` (see the module's doc), and all.html: silent, or
    with the renders' narration (`voice`). Each file is made in a staging folder inside `out` and
    renamed into place once every file is made, so an error or Ctrl-C leaves the decks that were
    there; a second build into `out` waits for the first (files.lock), and only staging folders whose
    maker is gone are cleared (files.staging). Raises SlidesError, before writing anything, where a
    file there is not this module's or was changed since (unless `force`) or `out` is not a folder,
    and RevealMissing where reveal.js is not on disk. Deck files this module wrote for an
    explainer not in this build are removed (`removed` hears of each). Returns what was written."""
    revealjs.files()
    names = [n for d in decks for n in (d.config_name, f"{d.spec.module}.html", f"{d.spec.module}.pptx")]
    names.append(ALL)
    if out.is_symlink() and not out.exists() or out.exists() and not out.is_dir():
        raise SlidesError(f"{out}: not a folder; give --out a folder for the decks")
    record = files.Record(out, "slides")
    if not force and (foreign := record.foreign(names)):  # before anything is made
        raise SlidesError(files.refusal(out, foreign, "deconv slides"))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise SlidesError(f"{out}: a file is where this folder goes; give --out another folder") from None
    made: list[Written] = []
    # one build at a time in `out` (a second waits): the record and the cached clip copies are
    # read, made and written by one; a staging folder is cleared only once its maker is gone
    with files.lock(out, "deconv slides"), files.staging(out, STAGING) as staging, _interrupts() as check:
        if not force and (foreign := record.foreign(names)):  # again: a build may have run meanwhile
            raise SlidesError(files.refusal(out, foreign, "deconv slides"))
        quiet: dict[Path, Path] = {}
        for d in decks:
            n, source, t = len(d.slides), d.folder.name, sum(s.duration for s in d.slides)
            own = {} if voice else silent_clips(d, out, check)
            quiet.update(own)
            (staging / d.config_name).write_bytes(config_json(d, out, own))
            made.append(Written(out / d.config_name, n, "manim-slides presentation", source, t))
            write_html([d], staging / f"{d.spec.module}.html", f"{d.spec.heading} (deconv-explained)",
                       own, muted=not voice)
            check()
            made.append(Written(out / f"{d.spec.module}.html", n, "one HTML file, plays offline",
                                source, t))
            write_pptx(d, staging / f"{d.spec.module}.pptx",
                       pptx_clips(d, out, max_height, progress, check, own))
            check()
            made.append(Written(out / f"{d.spec.module}.pptx", n, "PowerPoint, each clip plays on "
                                "entering", source, t))
        write_html(decks, staging / ALL, "deconv-explained: the explainers in watch order", quiet,
                   muted=not voice)
        check()
        made.append(Written(out / ALL, sum(len(d.slides) for d in decks), "every deck in watch order",
                            seconds=sum(s.duration for d in decks for s in d.slides)))
        kept = record.read()
        others = sorted(set(kept) - set(names))  # deck files of an explainer not in this build
        kept, gone = files.move_in(staging, out, [w.path.name for w in made], record, kept, drop=others)
        for name in gone:
            removed(out / name)
        for name in set(others) - set(gone):  # not there any more, or not ours now: forgotten
            kept.pop(name, None)
        record.write(kept)
    for w in made:
        report(w)
    return made
