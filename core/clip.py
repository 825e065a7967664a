"""Clips for talks from a rendered video or section clip: a looping, palette-optimised GIF, or N
evenly spaced PNG stills (`deconv clip`). Frames are read with PyAV (it comes with
manim; no system ffmpeg), GIFs written with one palette for the whole clip (no colour flicker, no
dithering noise: the explainers are flat colours), files written atomically.

What deconv clip writes it notes in the folder's record (`core.files.Record`, `.deconv-clip`): a file
there that it did not write, or that changed since, is replaced only with `force` (`check`,
`claimed`). A GIF is written frame by frame as the video is decoded (memory does not grow with the
clip's length); a set of stills is made whole in a staging folder, then renamed into place.
"""

from __future__ import annotations

import contextlib
import glob
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from core import files

VIDEO_SUFFIXES = (".mp4", ".mov", ".webm", ".mkv")
PALETTE_SAMPLES = 24  # frames the GIF's one palette is built from
GIF_MAX_DELAY = 65535  # centiseconds: the longest a GIF can show one frame (655.35 s)
RECORD = "clip"  # the folder's record of what deconv clip wrote: .deconv-clip
STAGING = ".deconv-clip-staging-"  # where a set of stills is made before it is renamed into place


class ClipError(ValueError):
    """Input the user can fix: one line."""


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    fps: float
    frames: int
    width: int
    height: int

    @property
    def duration(self) -> float:
        return self.frames / self.fps


def probe(path: str | Path) -> VideoInfo:
    """Frame rate, frame count and size of a video; ClipError if it is missing or not a video."""
    import av

    path = Path(path)
    if not path.is_file():
        raise ClipError(f"{path}: no such video; render one first, e.g. "
                        f"manim -qh --save_sections scenes/decoder.py")
    if path.suffix.lower() not in VIDEO_SUFFIXES:
        raise ClipError(f"{path}: not a video ({', '.join(VIDEO_SUFFIXES)}); give a rendered "
                        f"video or a section clip from media/videos/")
    try:  # what imageio's PyAV plugin reports (immeta's fps, improps' shape), read by PyAV itself:
        # closing imageio's reader runs a full garbage collection, a twentieth of a second or more
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ClipError(f"{path}: holds no video, only {len(container.streams)} other stream(s); "
                                f"give a rendered video or a section clip from media/videos/")
            stream = container.streams.video[0]
            n, fps = int(stream.frames), float(stream.guessed_rate or 0)
            w, h = int(stream.codec_context.width), int(stream.codec_context.height)
    except ClipError:
        raise
    except Exception as e:  # noqa: BLE001 - anything unreadable is one message
        raise ClipError(f"{path}: cannot read this video ({type(e).__name__})") from None
    if n < 1 or fps <= 0:
        raise ClipError(f"{path}: the video has no frames")
    return VideoInfo(path, fps, n, w, h)


def frames(info: VideoInfo, fmt: str = "rgb24") -> Iterator[np.ndarray]:
    """Every frame, decoded in order, as `fmt` arrays (rgb24: height x width x 3), as imageio's PyAV
    plugin gives them (the same conversion), read by PyAV itself (closing imageio's reader runs a full
    garbage collection)."""
    import av

    with av.open(str(info.path)) as container:
        for frame in container.decode(video=0):
            yield frame.to_ndarray(format=fmt)


def frames_at(info: VideoInfo, indices: list[int]) -> dict[int, np.ndarray]:
    """The frames at the given indices (RGB arrays), seeking to far ones instead of decoding every
    frame in between: a poster or a few stills of a long 1080p60 video in a second or two."""
    found = dict(iter_frames_at(info, indices))
    return {i: found[i] for i in indices if i in found}


def iter_frames_at(info: VideoInfo, indices: Iterable[int]) -> Iterator[tuple[int, np.ndarray]]:
    """(index, RGB array) of the frames at the given indices, in increasing order of index, one at a
    time (`frames_at` without holding them all). An index past the video's end gets its last frame."""
    import av

    wanted = sorted(set(indices))
    with av.open(str(info.path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        tb = float(stream.time_base)
        start = float(stream.start_time or 0) * tb
        pos, last, decoded = -1, None, container.decode(stream)
        for target in wanted:
            if target - pos > 2 * info.fps:  # far ahead: jump to the keyframe before it
                container.seek(int((target / info.fps + start) / tb), stream=stream, backward=True,
                               any_frame=False)
                decoded = container.decode(stream)
            try:
                while pos < target:
                    last = next(decoded)
                    t = float(last.pts) * tb - start if last.pts is not None else (pos + 1) / info.fps
                    pos = round(t * info.fps)
            except (StopIteration, av.error.EOFError):
                pos = info.frames  # past the end: the last frame decoded stands for the rest
            if last is not None:  # the frame itself, or the video's last one
                yield target, last.to_ndarray(format="rgb24")


def out_size(info: VideoInfo, width: int | None) -> tuple[int, int]:
    """(width, height) at most `width` wide (never enlarged), aspect kept, both even."""
    w = info.width if width is None else min(width, info.width)
    h = round(info.height * w / info.width)
    return max(2, w - w % 2), max(2, h - h % 2)


def _picked(n_frames: int, fps_in: float, fps_out: float) -> Iterator[int]:
    """`picked_frames`, one index at a time, in increasing order."""
    if fps_out >= fps_in:
        yield from range(n_frames)
        return
    last = -1
    for k in range(max(1, math.floor(n_frames * fps_out / fps_in))):
        i = min(n_frames - 1, round(k * fps_in / fps_out))
        if i > last:
            yield i
            last = i


def picked_frames(n_frames: int, fps_in: float, fps_out: float) -> list[int]:
    """Indices of the source frames that a `fps_out` clip shows (all of them if fps_out >= fps_in)."""
    return list(_picked(n_frames, fps_in, fps_out))


def _resize(frame: np.ndarray, size: tuple[int, int]):
    from PIL import Image

    img = Image.fromarray(frame)
    return img if img.size == size else img.resize(size, Image.Resampling.LANCZOS)


# --- what is whose ---------------------------------------------------------------------------------
def check(folder: Path, names: list[str], force: bool = False) -> None:
    """ClipError (before anything is written) where a file of these names is in `folder` but deconv
    clip did not write it, or it changed since; unless `force`."""
    if not force and (foreign := files.Record(folder, RECORD).foreign(names)):
        raise ClipError(files.refusal(folder, foreign, "deconv clip"))


@contextlib.contextmanager
def claimed(out: Path, force: bool = False) -> Iterator[None]:
    """For writing the one file `out`: holds its folder's writer lock, `check`s it (ClipError unless
    it is deconv clip's own, or `force`), and records it as deconv clip's once the block has written it.
    The folder must exist."""
    out = Path(out)
    with files.lock(out.parent, "deconv clip"):
        check(out.parent, [out.name], force)
        yield
        files.Record(out.parent, RECORD).add([out])


# --- GIF -------------------------------------------------------------------------------------------
def gif_rate(info: VideoInfo, fps: float) -> float:
    """The GIF's frame rate: `fps`, at most the video's. ClipError where that is 0 or below, or where
    one frame would have to show longer than a GIF can hold one (655 s: a video whose container says
    it lasts hours, with a handful of frames)."""
    if not fps > 0:
        raise ClipError(f"--fps {fps:g}: give a frame rate above 0")
    fps = min(fps, info.fps)
    if 100 / fps > GIF_MAX_DELAY:
        raise ClipError(f"{info.path}: its frame rate is {info.fps:.3g} fps (one frame every "
                        f"{_span(1 / fps)}), and a GIF shows a frame for at most {GIF_MAX_DELAY // 100} s; "
                        f"take --stills N instead, or re-encode the video at a steady frame rate")
    return fps


def _span(seconds: float) -> str:
    return f"{seconds / 3600:.1f} hours" if seconds >= 3600 else f"{seconds:.0f} s"


class GifStream:
    """A looping GIF written frame by frame to an open file: one palette for the clip (its global colour
    table, with one more entry kept free to mark unchanged pixels transparent), each frame cropped to
    what changed since the one before (left in place: disposal 1), a frame like the one before merged
    into it (its delay added). What it holds: the picture shown, and the one frame not yet written
    (whose delay the next frame's time decides). Delays are in 1/100 s, a frame held longer than a GIF
    can say (655.35 s) is followed by empty frames that carry the rest."""

    def __init__(self, f: BinaryIO, size: tuple[int, int], palette: bytes):
        self.f, self.size = f, size
        colours = len(palette) // 3
        if not 1 <= colours <= 255:
            raise ValueError(f"a GIF palette of {colours} colours; give 1 to 255 (one entry marks "
                             "unchanged pixels)")
        self.clear = colours  # the palette index of 'unchanged' (transparent)
        bits = max(1, math.ceil(math.log2(colours + 1)))
        table = palette + bytes(3 * (2 ** bits) - len(palette))
        f.write(b"GIF89a" + size[0].to_bytes(2, "little") + size[1].to_bytes(2, "little")
                + bytes([0x80 | (bits - 1), 0, 0]) + table
                + b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")  # loop forever
        self.shown: np.ndarray | None = None
        self.pending = None  # (picture, offset, transparent) of the frame whose delay is not yet known
        self.start = 0  # centiseconds: when the pending frame starts
        self.frames = 0  # frames written

    def add(self, picture: np.ndarray, at: int) -> None:
        """The next frame (palette indices, height x width uint8), shown from `at` centiseconds."""
        if self.shown is None:
            self.shown, self.pending, self.start = picture, (picture, (0, 0), False), at
            return
        changed = picture != self.shown
        rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        if rows.size == 0:
            return  # the same picture: the pending frame lasts longer
        y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        crop = np.where(changed[y0:y1, x0:x1], picture[y0:y1, x0:x1], np.uint8(self.clear))
        self._flush(at)
        self.shown, self.pending, self.start = picture, (crop, (int(x0), int(y0)), True), at

    def close(self, end: int) -> None:
        """Write the last frame, shown until `end` centiseconds, and the GIF's end."""
        self._flush(end)
        self.f.write(b";")

    def _flush(self, end: int) -> None:
        if self.pending is None:
            return
        picture, offset, transparent = self.pending
        delay = max(0, end - self.start)
        self._frame(picture, offset, transparent, min(delay, GIF_MAX_DELAY))
        delay -= GIF_MAX_DELAY
        while delay > 0:  # held longer than one GIF delay: empty frames carry the rest
            self._frame(np.full((1, 1), self.clear, np.uint8), (0, 0), True, min(delay, GIF_MAX_DELAY))
            delay -= GIF_MAX_DELAY
        self.pending = None

    def _frame(self, picture: np.ndarray, offset: tuple[int, int], transparent: bool, delay: int) -> None:
        from PIL import GifImagePlugin, Image

        params = {"duration": 10 * delay, "disposal": 1}
        if transparent:
            params["transparency"] = self.clear
        for chunk in GifImagePlugin.getdata(Image.fromarray(picture), offset, **params):
            self.f.write(chunk)
        self.frames += 1


def write_gif(info: VideoInfo, out: Path, fps: float = 15, width: int | None = 960,
              progress: bool = False) -> dict:
    """A looping GIF of the whole clip at `fps` (at most the video's) and at most `width` pixels
    wide, written frame by frame as the video is decoded (`GifStream`: memory does not grow with the
    clip's length), atomically. Returns {"frames", "fps", "width", "height", "bytes"}: frames, the
    video frames it shows (a frame like the one before is merged into that one in the file)."""
    from PIL import Image
    from tqdm import tqdm

    fps = gif_rate(info, fps)
    size = out_size(info, width)
    # one palette for the clip, from frames spread over it: colours stay put from frame to frame
    n = max(1, min(PALETTE_SAMPLES, info.frames))
    sample_at = [int((k + 0.5) * info.frames / n) for k in range(n)]
    samples = [np.asarray(_resize(f, size)) for _, f in iter_frames_at(info, sample_at)]
    if not samples:
        raise ClipError(f"{info.path}: cannot read its frames")
    palette = Image.fromarray(np.concatenate(samples, axis=0)).quantize(
        255, method=Image.Quantize.MEDIANCUT)
    del samples
    colours = bytes(palette.getpalette()[: 3 * 255])
    out = Path(out)
    bar = tqdm(total=info.frames, desc="gif", unit="frame", disable=True if not progress else None)
    with files.replacing(out) as f:
        gif = GifStream(f, size, colours)
        wanted, shown = _picked(info.frames, info.fps, fps), 0
        want = next(wanted, None)
        for i, frame in enumerate(frames(info)):
            bar.update()
            if want is None:
                break
            if i < want:
                continue
            picture = _resize(frame, size).quantize(palette=palette, dither=Image.Dither.NONE)
            gif.add(np.asarray(picture), round(shown * 100 / fps))
            shown += 1
            want = next(wanted, None)
        if shown == 0:
            raise ClipError(f"{info.path}: cannot read its frames")
        gif.close(round(shown * 100 / fps))
    bar.close()
    return {"frames": shown, "fps": fps, "width": size[0], "height": size[1],
            "bytes": out.stat().st_size}


def gif_delays(n: int, fps: float) -> list[int]:
    """Per-frame delays in ms. GIF counts in 1/100 s, so 15 fps alternates 60 and 70 ms: frame k
    starts at k / fps rounded to the nearest 1/100 s (as `write_gif` places them), and the clip keeps
    its length."""
    starts = [round(k * 100 / fps) for k in range(n + 1)]
    return [10 * (b - a) for a, b in zip(starts, starts[1:])]


# --- stills ----------------------------------------------------------------------------------------
def still_times(info: VideoInfo, n: int) -> list[int]:
    """Frame indices of N evenly spaced stills: the middles of N equal parts of the clip."""
    if n < 1:
        raise ClipError(f"--stills {n}: give a number of stills of 1 or more")
    if n > info.frames:
        raise ClipError(f"--stills {n}: the video has only {info.frames} frames")
    return [min(info.frames - 1, int((k + 0.5) * info.frames / n)) for k in range(n)]


def still_names(info: VideoInfo, n: int) -> list[str]:
    """The file names of N stills of the video: `<stem>_01.png` ..."""
    digits = max(2, len(str(n)))
    return [f"{info.path.stem}_{k + 1:0{digits}d}.png" for k in range(n)]


def _save_png(picture: np.ndarray, path: Path) -> None:
    import imageio.v3 as iio

    path.write_bytes(iio.imwrite("<bytes>", picture, extension=".png"))


def write_stills(info: VideoInfo, n: int, folder: Path, width: int | None = None,
                 force: bool = False) -> list[Path]:
    """N evenly spaced PNG stills `<stem>_01.png` ... into `folder`. ClipError, before anything is
    written, where a file of those names there is not one deconv clip wrote (or it changed since),
    unless `force`. The set is made whole in a staging folder inside `folder`, then renamed into
    place: an error or Ctrl-C before that leaves the stills that were there as they were. This
    video's stills of an earlier run that this one does not make (7 then, 3 now) are removed if
    deconv clip wrote them and they are unchanged; a user's own file is never removed. Returns
    the paths."""
    at = still_times(info, n)
    size = out_size(info, width)
    names = still_names(info, n)
    folder.mkdir(parents=True, exist_ok=True)
    record = files.Record(folder, RECORD)
    with files.lock(folder, "deconv clip"):
        check(folder, names, force)
        with files.staging(folder, STAGING) as stage:
            name_at, made = dict(zip(at, names)), 0
            for i, frame in iter_frames_at(info, at):
                _save_png(np.asarray(_resize(frame, size)), stage / name_at[i])
                made += 1
            if made < n:
                raise ClipError(f"{info.path}: only {made} of the {n} frames could be read")
            # stills of this video from an earlier, longer run would mix in with these: removed, if
            # they are ours and unchanged (files.move_in: the set renamed into place as one step)
            pattern = re.compile(re.escape(info.path.stem) + r"_\d+\.png")
            olds = [p.name for p in sorted(folder.glob(f"{glob.escape(info.path.stem)}_*.png"))
                    if pattern.fullmatch(p.name)]
            files.move_in(stage, folder, names, record, drop=olds)
    return [folder / name for name in names]


# --- open captions ---------------------------------------------------------------------------------
CAPTION_HEIGHT = 0.045  # caption letters' font size, as a share of the video's height (32 px at 720p)
CAPTION_BAND = 0.16  # the band added under the picture for two lines of caption, share of its height


def band_height(height: int) -> int:
    """Pixels of the caption band under a picture `height` tall (even, as H.264's 4:2:0 needs)."""
    return 2 * round(CAPTION_BAND * height / 2)


def caption_colours(frame: np.ndarray) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """(band, letters): the band takes the video's own background (the median of its frame's
    bottom row: the explainers' theme colour), the letters white on a dark one and near-black on
    a light one, so that the caption reads on both themes."""
    band = tuple(int(v) for v in np.median(frame[-1], axis=0))
    light = 0.299 * band[0] + 0.587 * band[1] + 0.114 * band[2] > 128
    return band, ((30, 34, 42) if light else (255, 255, 255))


def caption_band(text: str, width: int, height: int, band: tuple, letters: tuple) -> np.ndarray:
    """The band under a picture `height` tall, (band_height, width, 3) uint8, with `text` (lines
    split at newlines) centred in DejaVu Sans; an empty band for text ''."""
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (width, band_height(height)), band)
    if text:
        size = max(14, round(CAPTION_HEIGHT * height))
        font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), size)
        draw = ImageDraw.Draw(img)
        draw.multiline_text((width / 2, img.height / 2), text, font=font, fill=letters, anchor="mm",
                            align="center", spacing=round(0.25 * size))
    return np.asarray(img)


def _encode(out: Path, pictures: Iterator[np.ndarray], info: VideoInfo, height: int, codec: str,
            pix_fmt: str, options: dict, picture_format: str, desc: str, progress: bool,
            width: int | None = None) -> int:
    """Encode `pictures` (arrays in `picture_format`, `width` (default `info.width`) x `height`)
    with PyAV at the video's frame rate into `out`, atomically (a temporary file beside it, then a
    rename), with the video's sound where it has some (a narrated render): AAC in .mp4 and .mov, Opus
    in .webm. Returns the number of frames written."""
    import fractions

    import av
    from tqdm import tqdm

    from core import audio

    out = Path(out)
    n = 0
    with files.replacing_path(out) as tmp, av.open(str(tmp), "w") as container:
        rate = fractions.Fraction(info.fps).limit_denominator(1001)
        stream = container.add_stream(codec, rate=rate, options=dict(options))
        stream.width, stream.height, stream.pix_fmt = width or info.width, height, pix_fmt
        sound = None
        if audio.codec_for(out) and audio.has_sound(info.path):
            sound = audio.TrackEncoder(container, audio.codec_for(out),
                                       audio.fitted(audio.decode(info.path), info.duration))
        bar = tqdm(total=info.frames, desc=desc, unit="frame", disable=True if not progress else None)
        for picture in pictures:
            if sound is not None:
                sound.until(n / info.fps)
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format=picture_format)):
                container.mux(packet)
            n += 1
            bar.update()
        for packet in stream.encode():
            container.mux(packet)
        if sound is not None:
            sound.close()
        bar.close()
    return n


def write_captioned(info: VideoInfo, cues: list, out: Path, progress: bool = False) -> dict:
    """A copy of the video with its subtitles drawn into the picture (open captions), for players
    and slides that ignore .srt files. A band `band_height` pixels tall is added under the picture,
    so that no caption hides what the video shows; each frame whose time (frame / fps) falls in a
    cue [start, end) carries that cue's text there (`caption_band`). H.264 in .mp4 (yuv420p, CRF
    18), the video's frame rate, written atomically. Returns {"frames", "captioned", "width",
    "height", "bytes"}."""
    height = info.height + band_height(info.height)
    bands: dict[int | None, np.ndarray] = {}
    captioned = 0

    def pictures() -> Iterator[np.ndarray]:
        nonlocal captioned
        colours = None
        for i, frame in enumerate(frames(info)):
            colours = colours or caption_colours(frame)
            t = i / info.fps
            k = next((k for k, c in enumerate(cues) if c.start <= t < c.end), None)
            if k not in bands:
                bands[k] = caption_band("" if k is None else cues[k].text, info.width, info.height,
                                        *colours)
            captioned += k is not None
            yield np.concatenate([frame, bands[k]], axis=0)

    n = _encode(out, pictures(), info, height, "libx264", "yuv420p", {"crf": "18"}, "rgb24", "captions",
                progress)
    return {"frames": n, "captioned": captioned, "width": info.width, "height": height,
            "bytes": Path(out).stat().st_size}


# --- alpha for editors -----------------------------------------------------------------------------
ALPHA_FORMATS = {
    # name: (suffix, codec, pixel format, options, what it is for)
    "prores": (".prores.mov", "prores_ks", "yuva444p10le", {"profile": "4"},
               "ProRes 4444 with alpha: Premiere, Final Cut, DaVinci Resolve"),
    "webm": (".webm", "libvpx-vp9", "yuva420p", {"crf": "24", "b": "0", "auto-alt-ref": "0"},
             "VP9 with alpha: browsers, and editors that take WebM"),
}


def has_alpha(info: VideoInfo) -> bool:
    """Whether the video's pixels carry an alpha channel (a `manim -t` render's QuickTime .mov)."""
    import av

    with av.open(str(info.path)) as c:
        fmt = c.streams.video[0].codec_context.pix_fmt or ""
    return fmt.startswith(("yuva", "rgba", "argb", "bgra", "abgr", "gbrap", "ya"))


def write_alpha(info: VideoInfo, kind: str, out: Path, progress: bool = False) -> dict:
    """The transparent video re-encoded for editors and browsers: `kind` 'prores' (ProRes 4444,
    .mov, 10-bit 4:4:4 with alpha) or 'webm' (VP9 with alpha), the video's size and frame rate,
    alpha kept, written atomically. Returns {"frames", "bytes"}."""
    _, codec, pix_fmt, options, _ = ALPHA_FORMATS[kind]
    pictures = frames(info, "rgba")
    n = _encode(out, pictures, info, info.height, codec, pix_fmt, options, "rgba", kind, progress)
    return {"frames": n, "bytes": Path(out).stat().st_size}


def write_h264(info: VideoInfo, out: Path, height: int, progress: bool = False) -> dict:
    """The video scaled to `height` pixels tall (aspect kept, both sides even, never enlarged) as
    H.264 in .mp4 (yuv420p, CRF 18, the video's frame rate): what PowerPoint plays on Windows and
    macOS. Written atomically. Returns {"frames", "width", "height", "bytes"}."""
    h = min(height, info.height)
    size = out_size(info, round(info.width * h / info.height))
    pictures = (np.asarray(_resize(f, size)) for f in frames(info))
    n = _encode(out, pictures, info, size[1], "libx264", "yuv420p", {"crf": "18"}, "rgb24", "scale",
                progress, width=size[0])
    return {"frames": n, "width": size[0], "height": size[1], "bytes": Path(out).stat().st_size}
