"""`media/index.html`: a plain page with every rendered explainer and each of its section clips,
playable in a browser, with durations, a poster still per clip and the subtitles as caption tracks
(`deconv index`, run by `make videos` and `make slides`). It lists what exists under media/videos
and only that, and links the decks `deconv slides` left in media/slides.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from core import clip, files, subtitles
from core.explainers import EXPLAINERS, QUALITY_FOLDERS  # the one list, in watch order
from core.weights import atomic_write_bytes

POSTER_CANDIDATES = 12  # frames over the second half of a clip that may become its poster


@dataclass
class Clip:
    title: str
    video: Path  # relative to the media folder
    duration: float
    poster: Path | None = None
    captions: Path | None = None


@dataclass
class Explainer:
    module: str
    heading: str
    quality: str
    video: Clip
    sections: list[Clip] = field(default_factory=list)
    formats: list[Path] = field(default_factory=list)  # the same video in Manim's other formats
    model: str = ""  # which model and theme it shows, from the render's <scene>.model.json
    decks: list[Path] = field(default_factory=list)  # its decks in <media>/slides (deconv slides)
    deck_render: str = ""  # the render folder ('480p15') its decks were built from, when known


# the formats Manim writes, best for a web page first, with what each is for
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".prores.mov": "video/quicktime",
               ".mov": "video/quicktime"}
FORMAT_NOTES = {".mp4": "H.264: plays everywhere",
                ".webm": "VP9 with alpha (transparent): browsers, and editors that take WebM",
                ".prores.mov": "ProRes 4444 with alpha: Premiere, Final Cut, DaVinci Resolve",
                ".mov": "transparent (-t), QuickTime Animation: some editors refuse it; convert it with "
                        "deconv clip --alpha prores or --alpha webm"}


def _ext(path: Path) -> str:
    """The VIDEO_TYPES key a file name ends with ('.prores.mov' before '.mov')."""
    return next((e for e in VIDEO_TYPES if path.name.endswith(e)), path.suffix)


DECKS = "slides"  # the folder under <media> where `deconv slides` writes the decks by default
# what it writes there for each explainer, with what each is for
DECK_NOTES = {".html": "slides in a browser, no network needed; S for notes and a timer",
              ".pptx": "PowerPoint: a section clip per slide, the subtitles as speaker notes"}

GENERATOR = '<meta name="generator" content="deconv index">'  # marks an index.html this module wrote
RECORD = "index"  # files.Record: the posters, captions and index.html deconv index wrote (.deconv-index)


class ForeignIndex(Exception):
    """The index.html there was not written by `deconv index`; it is not overwritten."""


def renders(folder: Path, scene: str, kinds=VIDEO_TYPES) -> list[Path]:
    """The renders of `scene` in one quality folder, of the `kinds` (file endings; default every
    VIDEO_TYPES one), in that order."""
    return [folder / f"{scene}{ext}" for ext in kinds if (folder / f"{scene}{ext}").is_file()]


VOICES = {"piper": "narrated (Piper)", "espeak": "narrated (espeak-ng)",
          "recorded": "narrated (a recorded voice)", "off": "silent"}  # <Scene>.narration.json's voice


def model_line(video: Path) -> str:
    """'plain, seed 22, the shipped checkpoints; dark theme; narrated (Piper)': what the render's
    sidecars say it showed and who speaks it, or '' when there is none (a render from before
    sidecars) or it cannot be read."""
    try:
        m = json.loads(video.with_suffix(".model.json").read_text())
        where = "the shipped checkpoints" if m["shipped"] else f"checkpoints in {m['checkpoints']}"
        line = f"{m['variant']}, seed {m['seed']}, {where}; {m['theme']} theme"
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    try:
        voice = json.loads(video.with_suffix(".narration.json").read_text())["voice"]
        return f"{line}; {VOICES[voice]}"
    except (OSError, ValueError, KeyError, TypeError):
        return line


def _resolution_key(folder: Path) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)p(\d+)", folder.name)
    return (int(m.group(1)), int(m.group(2))) if m else (-1, -1)


def find_render(media: Path, module: str, scene: str, quality: str | None = None,
                kinds=VIDEO_TYPES) -> Path | None:
    """The folder holding a render of `scene` (of the `kinds`, file endings) for the given quality
    letter, or the best one rendered."""
    base = media / "videos" / module
    if quality is not None:
        folder = base / QUALITY_FOLDERS[quality]
        return folder if renders(folder, scene, kinds) else None
    found = [f for f in base.glob("*p*") if renders(f, scene, kinds)] if base.is_dir() else []
    return max(found, key=_resolution_key) if found else None


def render_again(module: str, folder: Path) -> str:
    """'render it again: manim -ql --save_sections scenes/decoder.py', for a render in `folder`."""
    return f"render it again: manim -q{_letter(folder)} --save_sections scenes/{module}.py"


def _poster(video: Path, out: Path) -> Path:
    """The clip's poster: its last settled frame. Sections end by fading out, so this is the
    latest of a dozen frames over the second half whose contrast is near the best of them (a
    blank or mid-fade frame has less)."""
    import imageio.v3 as iio
    import numpy as np

    info = clip.probe(video)
    at = sorted({int(info.frames * (0.5 + 0.5 * k / POSTER_CANDIDATES)) for k in range(POSTER_CANDIDATES)}
                | {info.frames - 1})
    picks = [(i, float(f.mean(axis=2).std()), f) for i, f in clip.frames_at(info, at).items()]
    best = max(c for _, c, _ in picks)
    frame = [f for _, c, f in picks if c >= 0.9 * best][-1]
    atomic_write_bytes(out, iio.imwrite("<bytes>", np.ascontiguousarray(frame), extension=".jpg",
                                        quality=85))
    return out


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file at `path` (not a link) holds `data` already."""
    try:
        return path.stat().st_size == len(data) and not path.is_symlink() and path.read_bytes() == data
    except OSError:
        return False


def _fresh(target: Path, source: Path) -> bool:
    return target.is_file() and target.stat().st_mtime >= source.stat().st_mtime


def _warn(message: str) -> None:
    print(f"deconv: warning: {message}", file=sys.stderr)


def _decks(media: Path, module: str, scene: str) -> tuple[list[Path], str]:
    """The decks `deconv slides` left in <media>/DECKS for one explainer, and the render folder
    ('480p15') its manim-slides presentation (<Scene>.json) plays the clips from ('' if unknown)."""
    folder = media / DECKS
    decks = [folder / f"{module}{ext}" for ext in DECK_NOTES if (folder / f"{module}{ext}").is_file()]
    try:
        first = json.loads((folder / f"{scene}.json").read_text())["slides"][0]["file"]
        render = next((part for part in Path(first).parts if part in QUALITY_FOLDERS.values()), "")
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        render = ""
    return decks, render


class Ours:
    """Which posters and captions deconv index may (re)write: files it wrote, unchanged since (each
    folder's files.Record, `.deconv-index`), or any with `force`. In a folder with no record yet
    (indexed by a deconv that kept none), the files there are taken as its own. Others are kept as
    they are, and counted in `kept`."""

    def __init__(self, force: bool):
        self.force, self.kept = force, []
        self._records: dict[Path, tuple[files.Record, bool]] = {}  # folder -> its record, kept before

    def record(self, path: Path) -> tuple[files.Record, bool]:
        if path.parent not in self._records:
            rec = files.Record(path.parent, RECORD)
            self._records[path.parent] = (rec, rec.path.exists())
        return self._records[path.parent]

    def may_write(self, path: Path) -> bool:
        if self.force or not (path.exists() or path.is_symlink()):
            return True
        rec, kept_before = self.record(path)
        mine = rec.ours(path.name) if kept_before else path.is_file() and not path.is_symlink()
        if not mine:
            self.kept.append(path)
        return mine

    def wrote(self, path: Path) -> None:
        self.record(path)[0].add([path])


def collect(media: Path, quality: str | None = None, warn=_warn, force: bool = False) -> list[Explainer]:
    """Every explainer rendered under `media`, with its sections; makes the posters that are missing
    or older than their video, and the WebVTT captions (from Manim's .srt) that are missing or
    differ. A file that cannot be read (an empty or truncated .mp4, a malformed .srt or sections
    list) is left out with a line to `warn`, and the rest is listed. Nothing is written outside
    `media`, links followed: a sections list naming a clip elsewhere ('../../talk/intro.mp4') is left
    out whole, and a clip whose poster and captions would land outside (a linked folder) is listed
    without them. A poster or captions file there that deconv index did not write, or that changed
    since, is kept (and used) unless `force`; one warning counts them."""
    found, ours = [], Ours(force)
    for module, scene, heading in EXPLAINERS:
        folder = find_render(media, module, scene, quality)
        if folder is None:
            continue
        mp4, *others = renders(folder, scene)  # the main video: an .mp4 when there is one
        again = render_again(module, folder)
        try:
            info = clip.probe(mp4)
        except clip.ClipError as e:
            warn(f"{e}; skipped ({again})")
            continue
        srt = mp4.with_suffix(".srt")
        try:
            cues = subtitles.read_srt(srt) if srt.is_file() else []
        except (ValueError, UnicodeDecodeError) as e:
            warn(f"{srt}: not a readable .srt ({type(e).__name__}); listed without captions ({again})")
            cues = []
        main = Clip(heading, mp4, info.duration)
        ex = Explainer(module, heading, folder.name, main, model=model_line(mp4))
        ex.decks, ex.deck_render = _decks(media, module, scene)
        for other in others:
            try:
                clip.probe(other)
                ex.formats.append(other)
            except clip.ClipError as e:
                warn(f"{e}; not listed")
        index = folder / "sections" / f"{scene}.json"
        try:
            spans = subtitles.read_sections(index) if index.is_file() else []
        except subtitles.SectionsError as e:  # a clip named elsewhere ('../../x.mp4', '/x.mp4'), say
            warn(f"{index}: {e}; listed without sections ({again})")
            spans = []
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
            warn(f"{index}: not a readable sections list ({type(e).__name__}); listed without sections")
            spans = []
        if spans and abs(spans[-1].end - info.duration) > 0.5:
            spans = []  # left from an older render of a different length: not this video's sections
        pairs: list[tuple[Clip, subtitles.Span | None]] = [(main, None)]
        for span in spans:
            video = index.parent / span.video
            if video.is_file():
                ex.sections.append(Clip(span.name.replace("-", " "), video, span.duration))
                pairs.append((ex.sections[-1], span))
        for c, span in pairs:
            poster, vtt = c.video.with_suffix(".poster.jpg"), c.video.with_suffix(".vtt")
            here = files.inside(poster, media) and files.inside(vtt, media)  # not through a link away
            try:
                if not here:
                    clip.probe(c.video)  # listed only if it plays, as below
                elif not _fresh(poster, c.video) and ours.may_write(poster):
                    ours.wrote(_poster(c.video, poster))
            except clip.ClipError as e:
                if span is None:
                    raise
                warn(f"{e}; section skipped ({again})")
                ex.sections.remove(c)
                continue
            if not here:
                warn(f"{c.video}: its poster and captions would lie outside {media} (through a link); "
                     "listed without them")
                continue
            c.poster = poster
            if cues:
                part = cues if span is None else subtitles.clip(cues, span.start, span.end)
                if part:  # small: made each time, written where it differs (a .vtt of an older
                    data = subtitles.to_vtt(part).encode()  # deconv, unescaped) and it may
                    if not _holds(vtt, data) and ours.may_write(vtt):
                        atomic_write_bytes(vtt, data)
                        ours.wrote(vtt)
                c.captions = vtt if part else None
        found.append(ex)
    if ours.kept:
        n = len(ours.kept)
        warn(f"{n} poster{'s' if n > 1 else ''} or captions kept as they are, not written by deconv index or "
             f"changed since (such as {ours.kept[0]}); replace them with deconv index --force")
    return found


def _letter(folder: Path) -> str:
    """The quality letter of Manim's render folder ('480p15' -> 'l')."""
    return next((q for q, f in QUALITY_FOLDERS.items() if f == folder.name), "h")


def clock(seconds: float) -> str:
    """A duration as m:ss ('3:31')."""
    s = round(seconds)
    return f"{s // 60}:{s % 60:02d}"


def _rel(path: Path, media: Path) -> str:
    """`path` as a link from the page in `media`: URL-encoded ('?', '#', '%' and spaces in a name stay
    part of it), then escaped for an attribute."""
    return html.escape(urllib.parse.quote(path.relative_to(media).as_posix()), quote=True)


def _player(c: Clip, media: Path, size: str) -> str:
    poster = f' poster="{_rel(c.poster, media)}"' if c.poster else ""
    track = (f'\n    <track kind="captions" srclang="en" label="English" src="{_rel(c.captions, media)}"'
             f' default>' if c.captions else "")
    kind = VIDEO_TYPES.get(_ext(c.video), "video/mp4")
    return (f'<video class="{size}" controls preload="none"{poster}>\n'
            f'    <source src="{_rel(c.video, media)}" type="{kind}">{track}\n  </video>')


def _deck_source(ex: Explainer) -> str:
    """'decks, from the 480p15 render (soft on a projector: make slides ...)': which
    render an explainer's decks play, said on the index so nobody takes a draft to a talk."""
    if not ex.deck_render:
        return "decks"
    said = f"decks, from the {ex.deck_render} render"
    if ex.deck_render != ex.quality:
        said += f", not the {ex.quality} one above"
    if _resolution_key(Path(ex.deck_render))[0] < 1080:
        said += " (soft on a projector: make slides builds them from 1080p60 renders)"
    return said


EXPLORER = "explorer.html"  # deconv explore's page, linked from the index where it is written


def render_html(explainers: list[Explainer], media: Path) -> str:
    parts = ["<!doctype html>", '<html lang="en">', '<meta charset="utf-8">', GENERATOR,
             "<title>deconv-explained: the videos</title>",
             "<style>body{font-family:DejaVu Sans,sans-serif;max-width:1100px;margin:2em auto;"
             "padding:0 1em;background:#fff;color:#1e222a}video{background:#000;display:block}"
             "video.main{width:100%}video.part{width:100%}.sections{display:grid;"
             "grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1em}"
             "figure{margin:0}figcaption{font-size:.9em;margin:.3em 0 1em}"
             ".muted{color:#5f6877}</style>",
             "<h1>deconv-explained: the videos</h1>"]
    if (media / DECKS / "all.html").is_file():
        link = _rel(media / DECKS / "all.html", media)
        parts.append(f'<p>All the decks as one browser deck, in watch order: <a href="{link}">{link}</a> '
                     "(no network needed; S for notes and a timer).</p>")
    if (media / EXPLORER).is_file():
        link = _rel(media / EXPLORER, media)
        parts.append(f'<p>Try any transposed convolution yourself: <a href="{link}">{link}</a> (one page, '
                     "computed as PyTorch does, no network needed).</p>")
    if not explainers:
        parts.append('<p>No videos rendered yet. Run <code>make videos</code> '
                     '(or <code>QUALITY=l make videos</code> for a fast draft).</p>')
    for ex in explainers:
        v = ex.video
        parts += [f'<section id="{html.escape(ex.module)}">',
                  f"<h2>{html.escape(ex.heading)}</h2>",
                  f'<p class="muted">{html.escape(v.video.name)}, {html.escape(ex.quality)}, '
                  f"{clock(v.duration)} ({v.duration:.1f} s), {len(ex.sections)} sections"
                  + (f"; model: {html.escape(ex.model)}" if ex.model else "") + "</p>",
                  f"<figure>\n  {_player(v, media, 'main')}\n</figure>"]
        if ex.formats or v.video.suffix != ".mp4":
            also = [v.video, *ex.formats]
            parts.append('<p class="muted">formats: ' + "; ".join(
                f'<a href="{_rel(f, media)}">{html.escape(f.name)}</a> '
                f"({html.escape(FORMAT_NOTES.get(_ext(f), f.suffix))})" for f in also) + "</p>")
        if ex.decks:
            parts.append(f'<p class="muted">{html.escape(_deck_source(ex))}: ' + "; ".join(
                f'<a href="{_rel(d, media)}">{_rel(d, media)}</a> '
                f"({html.escape(DECK_NOTES[d.suffix])})" for d in ex.decks) + "</p>")
        if ex.sections:
            parts.append('<div class="sections">')
            for k, c in enumerate(ex.sections, 1):
                parts.append(f"<figure>\n  {_player(c, media, 'part')}\n  <figcaption>{k}. "
                             f"{html.escape(c.title)} <span class=\"muted\">{c.duration:.1f} s, "
                             f"{html.escape(c.video.name)}</span></figcaption>\n</figure>")
            parts.append("</div>")
        parts.append("</section>")
    return "\n".join(parts) + "\n"


def write_index(media: str | Path = "media", quality: str | None = None,
                force: bool = False) -> tuple[Path, list[Explainer]]:
    """Write <media>/index.html for what is rendered there. Returns its path and what it lists.
    Raises ForeignIndex, writing nothing, where an index.html is there that this did not write
    (unless `force`)."""
    media = Path(media)
    out = media / "index.html"
    if out.is_symlink() and not force:  # the user's link to a page elsewhere: never written through
        raise ForeignIndex(f"{out}: a link to {os.readlink(out)}, not a page deconv index wrote; move it "
                           "away, or replace it with --force")
    with files.lock(media, "deconv index"):  # one writer of the records and the page at a time
        record = files.Record(media, RECORD)
        if out.exists() and not force and not _our_page(out, record):
            raise ForeignIndex(f"{out}: an index.html that deconv index did not write, or that was edited "
                               "since; move it away, or replace it with --force")
        explainers = collect(media, quality, force=force)
        atomic_write_bytes(out, render_html(explainers, media).encode())
        record.add([out])
    return out, explainers


def _our_page(out: Path, record: files.Record) -> bool:
    """Whether index.html is the page deconv index wrote, unchanged (a page of a deconv that kept no
    record: one that carries its generator tag)."""
    if record.read().get(out.name) is not None:
        return record.ours(out.name)
    return out.is_file() and GENERATOR in out.read_text(errors="replace")
