"""`make bench` (scenes part): render each explainer and a trivial scene of the same duration and
frame count at the same quality, in one run, and print the cost ratio (goal: at most 2x); the
explainers silent (DECONV_VOICE=off). Then the narration: Piper's synthesis speed on an explainer's
script, and that explainer rendered narrated against silent, in the same run.

`--digests DIR` instead renders each explainer silent and writes, per explainer, the MD5 of every
frame as Manim hands it to the video encoder (`<module>.frames`, one line a frame) and its subtitles
(`<module>.srt`): run it before and after a change meant to draw the same video, then `diff -r` the
two folders. (The encoded .mp4 files are no good for that: Manim's H.264 encoding is not repeatable
from one render to the next, even of the same frames.)

Not a scene file: the trivial scene is built inside a function, so `manim` finds none here.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import av
from manim import RIGHT, Dot, Scene, config, linear, tempconfig
from manim.scene.scene_file_writer import SceneFileWriter

from core.explainers import EXPLAINERS
from core.weights import atomic_write_bytes

QUALITIES = {"l": "low_quality", "m": "medium_quality", "h": "high_quality"}


def _recording(scene_cls: type[Scene]) -> type[Scene]:
    """The scene, recording the duration of each play and wait in order."""

    class Recorded(scene_cls):
        def setup(self):
            super().setup()
            self.timeline: list[tuple[str, float]] = []
            self._depth = 0  # wait() calls play(): record the outermost call only

        def _timed(self, kind, method, *args, **kwargs):
            t, self._depth = self.renderer.time, self._depth + 1
            try:
                method(*args, **kwargs)
            finally:
                self._depth -= 1
            if self._depth == 0:
                self.timeline.append((kind, self.renderer.time - t))

        def play(self, *args, **kwargs):
            self._timed("play", super().play, *args, **kwargs)

        def wait(self, *args, **kwargs):
            self._timed("wait", super().wait, *args, **kwargs)

    Recorded.__name__ = scene_cls.__name__
    return Recorded


def _trivial(timeline: list[tuple[str, float]]) -> type[Scene]:
    """One dot moving through the same sequence of plays and waits."""

    class Trivial(Scene):
        def construct(self):
            dot = Dot().shift(3 * RIGHT)
            self.add(dot)
            for k, (kind, d) in enumerate(timeline):
                if kind == "wait":
                    # a one-frame wait reads back a hair under a frame (the clock's sum): as long as a frame
                    self.wait(max(d, 1 / config.frame_rate))
                else:
                    self.play(dot.animate.shift((-1) ** k * RIGHT), run_time=d, rate_func=linear)

    return Trivial


def _cpu() -> float:
    """CPU seconds this process has used, its encoder threads included."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _render(scene_cls: type[Scene], quality: str, media: Path) -> tuple[float, Scene, float]:
    """Seconds to render (wall clock), the scene, and the CPU seconds it took."""
    with tempconfig({"quality": QUALITIES[quality], "media_dir": str(media), "disable_caching": True,
                     "progress_bar": "none", "verbosity": "WARNING", "output_file": scene_cls.__name__}):
        t, cpu = time.perf_counter(), _cpu()
        scene = scene_cls()
        scene.render()
        return time.perf_counter() - t, scene, _cpu() - cpu


def _frames(media: Path, name: str) -> int:
    (path,) = list(media.rglob(f"{name}.mp4"))
    with av.open(str(path)) as c:
        return sum(1 for _ in c.decode(video=0))


def bench(module: str, scene_name: str, quality: str) -> float:
    scene_cls = getattr(importlib.import_module(f"scenes.{module}"), scene_name)
    with tempfile.TemporaryDirectory() as tmp:
        media = Path(tmp)
        t_scene, scene, cpu_scene = _render(_recording(scene_cls), quality, media / "scene")
        t_trivial, _, cpu_trivial = _render(_trivial(scene.timeline), quality, media / "trivial")
        n_scene = _frames(media / "scene", scene_cls.__name__)
        n_trivial = _frames(media / "trivial", "Trivial")
    duration = sum(d for _, d in scene.timeline)
    print(f"render  scenes/{module}.py at -q{quality}: {duration:.1f} s of video, {n_scene} frames, "
          f"{t_scene:.1f} s to render")
    print(f"        trivial scene, same timeline: {n_trivial} frames, {t_trivial:.1f} s"
          f"   ratio {t_scene / t_trivial:.2f}x (goal: at most 2x); CPU seconds {cpu_scene:.1f} against "
          f"{cpu_trivial:.1f}, {cpu_scene / cpu_trivial:.2f}x (steadier on a shared machine)")
    return t_scene / t_trivial


@contextmanager
def frame_digests(found: list[str]):
    """While inside, the MD5 (hex) of every frame any scene hands to the video encoder is appended to
    `found`, a frame written n times (a still wait) n times."""
    write = SceneFileWriter.write_frame

    def digested(self, pixels, *, repeat: int = 1):
        if self.output_spec.is_video and self._current_encode_job is not None:  # a frame Manim encodes
            found.extend([hashlib.md5(pixels.tobytes()).hexdigest()] * repeat)
        return write(self, pixels, repeat=repeat)

    SceneFileWriter.write_frame = digested
    try:
        yield found
    finally:
        SceneFileWriter.write_frame = write


def digests(module: str, scene_name: str, quality: str, out: Path) -> None:
    """Render the explainer silent and write out/<module>.frames (each frame's MD5) and its .srt."""
    scene_cls = getattr(importlib.import_module(f"scenes.{module}"), scene_name)
    with tempfile.TemporaryDirectory() as tmp, frame_digests([]) as found:
        _render(scene_cls, quality, Path(tmp))
        srt = next(Path(tmp).rglob(f"{scene_cls.__name__}.srt"), None)
        atomic_write_bytes(out / f"{module}.frames", "".join(f"{h}\n" for h in found).encode())
        if srt is not None:
            atomic_write_bytes(out / f"{module}.srt", srt.read_bytes())
    print(f"frames  scenes/{module}.py at -q{quality}: {len(found)} frames -> {out / f'{module}.frames'}"
          + (f", {out / f'{module}.srt'}" if srt is not None else " (no subtitles)"))


def narration_bench(module: str, scene_name: str, quality: str) -> None:
    """Piper's speed on the explainer's script (no cache), then the explainer rendered narrated
    (synthesis included, an empty cache) against silent."""
    from core import audio
    from scenes import narration

    if not narration.piper_installed():
        print("narration: the Piper voice is not installed (pip install -e '.[voice]'); not measured")
        return
    scene_cls = getattr(importlib.import_module(f"scenes.{module}"), scene_name)
    with tempconfig({"quality": QUALITIES[quality], "input_file": f"scenes/{module}.py"}):
        said = scene_cls.storyboard()
    t = time.process_time()
    voice = narration.Piper(None)
    voice.model()
    load = time.process_time() - t
    t, audio_s = time.process_time(), 0.0
    for s in said:
        audio_s += len(voice.clip(s)) / audio.RATE
    cpu = time.process_time() - t
    print(f"narration: Piper loads in {load:.1f} s of CPU, then makes {audio_s:.0f} s of speech "
          f"({len(said)} sentences of scenes/{module}.py) in {cpu:.1f} s of CPU: {audio_s / cpu:.1f} s of "
          f"audio per CPU second, {cpu / audio_s * 60:.1f} s of CPU per minute of speech (mastered)")
    timings = {}
    for voice_name in ("off", "piper"):
        os.environ["DECONV_VOICE"] = voice_name
        with tempfile.TemporaryDirectory() as tmp:
            t_render, scene, _ = _render(scene_cls, quality, Path(tmp))
            timings[voice_name] = (t_render, scene.clock)
    (t_off, v_off), (t_on, v_on) = timings["off"], timings["piper"]
    print(f"        scenes/{module}.py at -q{quality}: silent {v_off:.0f} s of video in {t_off:.0f} s, "
          f"narrated {v_on:.0f} s of video in {t_on:.0f} s (empty voice cache)   ratio {t_on / t_off:.2f}x, "
          f"{(t_on / v_on) / (t_off / v_off):.2f}x per second of video")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m scenes.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--quality", choices=sorted(QUALITIES), default="l", help="l (default), m or h")
    p.add_argument("--scene", nargs="+", default=[e.pair for e in EXPLAINERS],
                   help="module:Scene ... (default: every explainer, from core.explainers)")
    p.add_argument("--narration", default="encoder:EncoderScene", metavar="module:Scene",
                   help="the explainer whose narration is measured (default encoder:EncoderScene; "
                        "none: skip)")
    p.add_argument("--digests", type=Path, metavar="DIR",
                   help="instead of timing: each explainer's frame digests and subtitles into DIR, to "
                        "compare two versions with diff -r")
    p.add_argument("--force", action="store_true", help="with --digests: replace the files already in DIR")
    args = p.parse_args(argv)
    if args.digests is not None:
        there = [f"{m.split(':')[0]}{ext}" for m in args.scene for ext in (".frames", ".srt")
                 if (args.digests / f"{m.split(':')[0]}{ext}").exists()]
        if there and not args.force:
            print(f"python -m scenes.bench: error: {args.digests / there[0]} is already there; choose "
                  f"another --digests folder, or add --force to replace it", file=sys.stderr)
            sys.exit(2)
        args.digests.mkdir(parents=True, exist_ok=True)
    voice = os.environ.get("DECONV_VOICE")
    os.environ["DECONV_VOICE"] = "off"  # the render cost against a trivial scene is measured silent
    try:
        for item in args.scene:
            module, name = item.split(":")
            if args.digests is not None:
                digests(module, name, args.quality, args.digests)
            else:
                bench(module, name, args.quality)
        if args.narration != "none" and args.digests is None:
            narration_bench(*args.narration.split(":"), args.quality)
    finally:
        if voice is None:
            os.environ.pop("DECONV_VOICE", None)
        else:
            os.environ["DECONV_VOICE"] = voice


if __name__ == "__main__":
    main()
