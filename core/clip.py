"""Clips for talks from a rendered video or section clip: a looping, palette-optimised GIF, or N
evenly spaced PNG stills (`deconv clip`). Frames are read with imageio's PyAV plugin (PyAV comes with
manim; no system ffmpeg), GIFs written with one palette for the whole clip (no colour flicker, no
dithering noise: the explainers are flat colours), files written atomically.
"""

from __future__ import annotations

import glob
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.weights import atomic_write_bytes

VIDEO_SUFFIXES = (".mp4", ".mov", ".webm", ".mkv")
PALETTE_SAMPLES = 24  # frames the GIF's one palette is built from


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
    import imageio.v3 as iio

    path = Path(path)
    if not path.is_file():
        raise ClipError(f"{path}: no such video; render one first, e.g. "
                        f"manim -qh --save_sections scenes/decoder.py")
    if path.suffix.lower() not in VIDEO_SUFFIXES:
        raise ClipError(f"{path}: not a video ({', '.join(VIDEO_SUFFIXES)}); give a rendered "
                        f"video or a section clip from media/videos/")
    try:
        meta = iio.immeta(path, plugin="pyav")
        props = iio.improps(path, plugin="pyav")
    except Exception as e:  # noqa: BLE001 - anything unreadable is one message
        raise ClipError(f"{path}: cannot read this video ({type(e).__name__})") from None
    n, h, w = int(props.shape[0]), int(props.shape[1]), int(props.shape[2])
    fps = float(meta.get("fps") or 0)
    if n < 1 or fps <= 0:
        raise ClipError(f"{path}: the video has no frames")
    return VideoInfo(path, fps, n, w, h)


def frames(info: VideoInfo) -> Iterator[np.ndarray]:
    import imageio.v3 as iio

    yield from iio.imiter(info.path, plugin="pyav", format="rgb24")


def frames_at(info: VideoInfo, indices: list[int]) -> dict[int, np.ndarray]:
    """The frames at the given indices (RGB arrays), seeking to far ones instead of decoding every
    frame in between: a poster or a few stills of a long 1080p60 video in a second or two."""
    import av

    wanted = sorted(set(indices))
    found: dict[int, np.ndarray] = {}
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
                found[target] = last.to_ndarray(format="rgb24")
    return {i: found[i] for i in indices if i in found}


def out_size(info: VideoInfo, width: int | None) -> tuple[int, int]:
    """(width, height) at most `width` wide (never enlarged), aspect kept, both even."""
    w = info.width if width is None else min(width, info.width)
    h = round(info.height * w / info.width)
    return max(2, w - w % 2), max(2, h - h % 2)


def picked_frames(n_frames: int, fps_in: float, fps_out: float) -> list[int]:
    """Indices of the source frames that a `fps_out` clip shows (all of them if fps_out >= fps_in)."""
    if fps_out >= fps_in:
        return list(range(n_frames))
    n_out = max(1, math.floor(n_frames * fps_out / fps_in))
    return sorted({min(n_frames - 1, round(k * fps_in / fps_out)) for k in range(n_out)})


def _resize(frame: np.ndarray, size: tuple[int, int]):
    from PIL import Image

    img = Image.fromarray(frame)
    return img if img.size == size else img.resize(size, Image.Resampling.LANCZOS)


def write_gif(info: VideoInfo, out: Path, fps: float = 15, width: int | None = 960,
              progress: bool = False) -> dict:
    """A looping GIF of the whole clip at `fps` (at most the video's) and at most `width` pixels
    wide. Returns {"frames", "fps", "width", "height", "bytes"}."""
    from PIL import Image
    from tqdm import tqdm

    if fps <= 0:
        raise ClipError(f"--fps {fps:g}: give a frame rate above 0")
    fps = min(fps, info.fps)
    keep = picked_frames(info.frames, info.fps, fps)
    size = out_size(info, width)
    # one palette for the clip, from frames spread over it: colours stay put from frame to frame
    sample_at = set(keep[:: max(1, len(keep) // PALETTE_SAMPLES)])
    samples = [np.asarray(_resize(f, size)) for i, f in enumerate(frames(info)) if i in sample_at]
    palette = Image.fromarray(np.concatenate(samples, axis=0)).quantize(
        255, method=Image.Quantize.MEDIANCUT)
    wanted, images = set(keep), []
    bar = tqdm(total=len(keep), desc="gif", unit="frame", disable=True if not progress else None)
    for i, f in enumerate(frames(info)):
        if i in wanted:
            images.append(_resize(f, size).quantize(palette=palette, dither=Image.Dither.NONE))
            bar.update()
    bar.close()
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=gif_delays(len(images), fps), loop=0, optimize=True, disposal=1)
    atomic_write_bytes(out, buf.getvalue())
    return {"frames": len(images), "fps": fps, "width": size[0], "height": size[1],
            "bytes": len(buf.getvalue())}


def gif_delays(n: int, fps: float) -> list[int]:
    """Per-frame delays in ms. GIF counts in 1/100 s, so 15 fps alternates 60 and 70 ms: frame k
    starts at k / fps rounded to the nearest 1/100 s, and the clip keeps its length."""
    starts = [round(k * 100 / fps) for k in range(n + 1)]
    return [10 * (b - a) for a, b in zip(starts, starts[1:])]


def still_times(info: VideoInfo, n: int) -> list[int]:
    """Frame indices of N evenly spaced stills: the middles of N equal parts of the clip."""
    if n < 1:
        raise ClipError(f"--stills {n}: give a number of stills of 1 or more")
    if n > info.frames:
        raise ClipError(f"--stills {n}: the video has only {info.frames} frames")
    return [min(info.frames - 1, int((k + 0.5) * info.frames / n)) for k in range(n)]


def write_stills(info: VideoInfo, n: int, folder: Path, width: int | None = None) -> list[Path]:
    """N evenly spaced PNG stills `<stem>_01.png` ... into `folder`, replacing this video's stills of
    an earlier run (`<stem>_<number>.png`, however many there were). Returns their paths."""
    import imageio.v3 as iio

    at = still_times(info, n)
    size = out_size(info, width)
    got = frames_at(info, at)
    folder.mkdir(parents=True, exist_ok=True)
    digits = max(2, len(str(n)))
    written = []
    for k, i in enumerate(at):
        path = folder / f"{info.path.stem}_{k + 1:0{digits}d}.png"
        atomic_write_bytes(path, iio.imwrite("<bytes>", np.asarray(_resize(got[i], size)), extension=".png"))
        written.append(path)
    # stills of this video from an earlier, longer run would mix in with these: remove them
    pattern = re.compile(re.escape(info.path.stem) + r"_\d+\.png")
    for old in folder.glob(f"{glob.escape(info.path.stem)}_*.png"):
        if pattern.fullmatch(old.name) and old not in written:
            old.unlink()
    return written


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
    import os
    import tempfile

    import av
    from tqdm import tqdm

    from core import audio

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=out.suffix)
    os.close(fd)
    n = 0
    try:
        with av.open(tmp, "w") as container:
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
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
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
    import imageio.v3 as iio

    _, codec, pix_fmt, options, _ = ALPHA_FORMATS[kind]
    pictures = iio.imiter(info.path, plugin="pyav", format="rgba")
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
