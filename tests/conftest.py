import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from core import data, speech, subtitles

# Renders in the tests are silent unless a test asks for a voice: one explainer is rendered narrated
# (tests/test_encoder_scene.py), the others keep to reading pace, as they render without a voice
os.environ["DECONV_VOICE"] = "off"
os.environ.pop("DECONV_VOICE_DIR", None)

# Under `make test` two pytest workers run at once: each gets its own cache of Manim's text SVGs, so
# that one never reads a file the other is still writing (a FileNotFoundError in media/texts/)
if os.environ.get("PYTEST_XDIST_WORKER"):
    from manim import config as _manim_config

    _manim_config.text_dir = str(Path(tempfile.gettempdir()) / f"deconv-tests-texts-{os.getpid()}")


def pytest_collection_finish(session):
    """Collection imported manim, torch and the scenes: millions of objects that live to the end.
    Moved out of the garbage collector's sight, they are not scanned again at every full
    collection (which made the media tests three times slower after them)."""
    import gc

    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(items):
    """A test that uses a scene's `render` fixture (or another `render_...` one) renders video: it is
    left out of `make test-fast`."""
    for item in items:
        if any(n == "render" or n.startswith("render_") for n in getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.render)


@pytest.fixture(scope="session")
def curves_and_params():
    return data.make_curves()


@pytest.fixture(scope="session")
def patches(curves_and_params):
    return data.make_patches(curves_and_params[0])


@pytest.fixture(scope="session")
def patches64(patches):
    """The training patches as float64, as the noise videos measure them."""
    return patches.astype(np.float64)


@pytest.fixture(scope="session")
def small_patches(patches):
    """A 1,000-patch slice: enough for trainer tests, fast on 2 cores."""
    return np.ascontiguousarray(patches[:1000])


@pytest.fixture(scope="session")
def trained_dir(tmp_path_factory, small_patches):
    """A checkpoint folder written by the real trainer and exporter (2 variants x 2 seeds)."""
    from core import train

    cfg = train.TrainConfig(variants=("plain", "code-noise"), seeds=(11, 22), epochs=3)
    result = train.train(cfg, "cpu", progress=False, patches=small_patches)
    out = tmp_path_factory.mktemp("ck")
    train.export(result, out)
    return out


ROOT = Path(__file__).resolve().parent.parent


def manim(*args, env=None, timeout=600):
    """The manim command as a user runs it, from the repo root, with standard input closed."""
    return subprocess.run([sys.executable, "-m", "manim", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def deconv(*args, prelude="", cwd=ROOT, env=None, timeout=300):
    """`deconv ARGS` in a fresh process (`python -m core.cli`), or with `prelude` run first in that
    process: the same `main`, after that code."""
    if prelude:
        code = f"import sys\n{prelude}\nfrom core.cli import main\nsys.exit(main(sys.argv[1:]))"
        command = [sys.executable, "-c", code, *map(str, args)]
    else:
        command = [sys.executable, "-m", "core.cli", *map(str, args)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def deconv_here(capsys, *args):
    """The command in this process: its exit status and what it printed, as `deconv` returns them."""
    from core import cli

    capsys.readouterr()
    status = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, status, out, err)


def render_with_one_plain_seed(tmp_path, scene_file: str):
    """Render `scene_file` at -ql from a checkpoint folder (DECONV_CHECKPOINTS) holding one plain seed
    only: returns the folder and the finished process (a video that needs more stops, one line)."""
    from core import weights

    folder = tmp_path / "ck"
    (folder / "plain").mkdir(parents=True)
    (folder / "plain" / "seed_22.safetensors").write_bytes(
        (weights.DEFAULT_DIR / "plain" / "seed_22.safetensors").read_bytes())
    weights.update_manifest(folder, [folder / "plain" / "seed_22.safetensors"])
    env = {**os.environ, "DECONV_CHECKPOINTS": str(folder)}
    return folder, manim("render", "-ql", "--media_dir", tmp_path / "media", scene_file, env=env)


def assert_usage_error(res, *needles, prefix="deconv: error: "):
    """Exit status 2 and one line on stderr naming the problem (each needle), no traceback."""
    assert res.returncode == 2, res.stderr[-2000:]
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix), res.stderr[-2000:]
    assert "Traceback" not in res.stderr + res.stdout
    for n in needles:
        assert n in lines[0], lines[0]


@dataclass
class Rendered:
    """One real render of an explainer (-ql, sections, subtitles) and what it showed."""

    scene: object  # the Scene after rendering: scene.shown[section][role] -> the picture
    folder: Path  # media/videos/<module>/480p15
    sections: list  # core.subtitles.Span per section, on the video's timeline
    cues: list  # core.subtitles.Cue, read back from the .srt beside the video

    def said(self, section: str | None = None) -> str:
        """What the subtitles say (in one section, or in all), as one line."""
        spans = [s for s in self.sections if section is None or s.name == section]
        return " ".join(c.text.replace("\n", " ") for c in self.cues
                        if any(s.start <= c.start < s.end for s in spans))

    def values(self, section: str, role: str) -> np.ndarray:
        """The values a picture showed last in the section, read back from where it was drawn (a
        matrix from its cells, recorded as '<role> <row> <column>', where only the cells were shown)."""
        found = self.scene.shown[section]
        if role not in found and f"{role} 0 0" in found:
            cells = [k.split()[-2:] for k in found if k.startswith(f"{role} ")]
            rows, cols = (1 + max(int(c[j]) for c in cells) for j in (0, 1))
            return np.array([[found[f"{role} {i} {w}"] for w in range(cols)] for i in range(rows)])
        return found[role]


@pytest.fixture(scope="session")
def plain():
    """The default example model of the videos: plain, seed 22."""
    from core import weights

    return weights.load_checkpoint("plain", 22)


@pytest.fixture
def quick(monkeypatch, capsys, small_patches):
    """`deconv train` of one model on 1,000 patches, in this process (no start-up of its own)."""
    from core import data

    monkeypatch.setattr(data, "make_patches", lambda *a, **k: small_patches.copy())

    def run(out, *extra, epochs=3):
        return deconv_here(capsys, "train", "--variants", "plain", "--seeds", "7", "--epochs", epochs,
                           "--device", "cpu", "--out", out, "--no-progress", *extra)
    run.raw = lambda *args: deconv_here(capsys, *args)
    return run


def render_fixture(module: str, voice: str = "off"):
    """A module-scoped `render` fixture: scenes/<module>.py rendered once for all the module's tests,
    narrated by `voice` (DECONV_VOICE; 'piper' falls back to 'off' where Piper is not installed)."""

    @pytest.fixture(scope="module")
    def render(tmp_path_factory) -> Rendered:
        return render_explainer(module, tmp_path_factory.mktemp("media"), voice)

    return render


def models_fixture(*variants: str):
    """A module-scoped `models` fixture: each variant's shipped checkpoints, in seed order."""

    @pytest.fixture(scope="module")
    def models() -> dict:
        from core import weights

        return {v: sorted(weights.load_all(variant=v), key=lambda m: m.seed) for v in variants}

    return models


def render_explainer(module: str, media_dir: Path, voice: str = "off") -> Rendered:
    """Render scenes/<module>.py once, as `manim -ql --save_sections` does, in this process (so the
    scene can be read afterwards), with Manim's cache off, narrated by `voice`."""
    import importlib

    from manim import tempconfig

    from core import explainers
    from scenes import narration

    if voice == "piper" and not narration.piper_installed():
        voice = "off"
    scene_name = next(e.scene for e in explainers.EXPLAINERS if e.module == module)
    scene_cls = getattr(importlib.import_module(f"scenes.{module}"), scene_name)
    with tempconfig({"media_dir": str(media_dir), "quality": "low_quality", "save_sections": True,
                     "disable_caching": True, "progress_bar": "none", "verbosity": "ERROR",
                     "input_file": str(ROOT / "scenes" / f"{module}.py")}):
        os.environ["DECONV_VOICE"] = voice
        try:
            scene = scene_cls()
            scene.render()
        finally:
            os.environ["DECONV_VOICE"] = "off"
    (folder,) = [p.parent for p in Path(media_dir).rglob(f"{scene_name}.mp4")]
    return Rendered(scene, folder, subtitles.read_sections(folder / "sections" / f"{scene_name}.json"),
                    subtitles.read_srt(folder / f"{scene_name}.srt"))


def transparent_layout(module: str) -> list[str]:
    """What scenes.layout finds wrong in a transparent (-t) render of scenes/<module>.py, read by playing
    its storyboard through with every animation skipped (nothing drawn): a -t render is laid out as an
    opaque one (plates are drawn, they take no room), and this holds it to the same checks."""
    import importlib
    import tempfile

    from manim import tempconfig

    from core import explainers

    scene_name = next(e.scene for e in explainers.EXPLAINERS if e.module == module)
    scene_cls = getattr(importlib.import_module(f"scenes.{module}"), scene_name)
    with tempfile.TemporaryDirectory() as media, \
            tempconfig({"dry_run": True, "disable_caching": True, "progress_bar": "none",
                        "verbosity": "ERROR", "media_dir": media, "quality": "low_quality",
                        "transparent": True}):
        scene = scene_cls(skip_animations=True)
        scene.render()
    return scene.layout_problems


FPS, N, W, H = 15, 30, 320, 180


def write_video(path: Path, n: int = N, fps: int = FPS, size=(W, H), gop: int | None = None,
                colour: tuple[int, int, int] | None = None) -> Path:
    """A real H.264 clip whose frame k is grey level 8 * k (so a still tells which frame it is), or
    all `colour`, with a white square moving across."""
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = size[0], size[1], "yuv420p"
        if gop:
            s.codec_context.gop_size = gop
        for k in range(n):
            img = np.full((size[1], size[0], 3), colour or 8 * k % 256, np.uint8)
            x = 10 * k % (size[0] - 20)
            img[20:40, x:x + 20] = 255
            for packet in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in s.encode():
            out.mux(packet)
    return path


def tone_track(seconds: float) -> np.ndarray:
    """A soundtrack to recognise (mono float at core.audio.RATE): 440 Hz, then 660 Hz from 0.5 s, at
    about -20 dBFS."""
    from core import audio

    t = np.arange(int(round(seconds * audio.RATE))) / audio.RATE
    return (0.1 * np.sin(2 * np.pi * np.where(t < 0.5, 440, 660) * t)).astype(np.float32)


def with_sound(video: Path, track: np.ndarray | None = None) -> Path:
    """`video` given a soundtrack in place (tone_track of its length unless `track`), as a narrated
    render's clips have."""
    import av

    from core import audio

    with av.open(str(video)) as c:
        s = c.streams.video[0]
        seconds = float(s.frames / s.average_rate)
    audio.remux(video, video, tone_track(seconds) if track is None else track)
    return video


def sound_of(video: Path) -> tuple[str | None, np.ndarray]:
    """The audio codec of `video` (None without sound) and its samples (mono, core.audio.RATE)."""
    import av

    from core import audio

    with av.open(str(video)) as c:
        if not c.streams.audio:
            return None, np.zeros(0, np.float32)
        codec = c.streams.audio[0].codec_context.name
    return codec, audio.decode(video)


def srt_text(cues) -> str:
    """An .srt file's text for cues given as (start s, end s, text), under a minute."""
    t = lambda s: f"00:00:{int(s):02d},{round(s % 1 * 1000):03d}"  # noqa: E731
    return "".join(f"{k}\n{t(a)} --> {t(b)}\n{text}\n\n" for k, (a, b, text) in enumerate(cues, 1))


FAKE_CUES = ((0.0, 1.5, "The first filter."), (1.5, 3.0, "Now the sum, across the cut."),
             (3.0, 4.0, "The end."))


def fake_render(media: Path, module: str = "decoder", sections=("weighted-sum", "all-components"),
                folder: str = "480p15", cues=FAKE_CUES, frames: int = N, first_colour=None,
                codec: str = "h264", theme: str | None = None, sound: bool = False) -> Path:
    """What `manim --save_sections` leaves for one explainer, made of small real H.264 clips: the
    video, its .srt (`cues`), each section's clip of `frames` frames (the first all `first_colour`,
    if given) with Manim's sections/<Scene>.json, and, with a `theme`, the <Scene>.model.json
    sidecar; with `sound`, a soundtrack in the video and each clip (tone_track), as a narrated
    render has. Returns the render folder."""
    from core.explainers import EXPLAINERS

    scene = next(e.scene for e in EXPLAINERS if e.module == module)
    out = media / "videos" / module / folder
    write_video(out / f"{scene}.mp4", n=frames * len(sections))
    entries = []
    for k, name in enumerate(sections):
        v = f"{scene}_{k:04d}_{name}.mp4"
        write_video(out / "sections" / v, n=frames, colour=first_colour if k == 0 else None)
        if sound:
            with_sound(out / "sections" / v)
        entries.append({"name": name, "type": "default.normal", "video": v, "width": W, "height": H,
                        "nb_frames": str(frames), "duration": f"{frames / FPS:.6f}",
                        "avg_frame_rate": f"{FPS}/1", "codec_name": codec, "pix_fmt": "yuv420p"})
    (out / "sections" / f"{scene}.json").write_text(json.dumps(entries, indent=4))
    if sound:
        with_sound(out / f"{scene}.mp4")
    (out / f"{scene}.srt").write_text(srt_text(cues))
    if theme:
        (out / f"{scene}.model.json").write_text(json.dumps(
            {"variant": "plain", "seed": 22, "theme": theme, "shipped": True, "checkpoints": "checkpoints"}))
    return out


def last_frame_brightness(path) -> float:
    """Mean grey level (0-255) of a video's last frame."""
    import av

    with av.open(str(path)) as c:
        last = None
        for frame in c.decode(video=0):
            last = frame
    return float(np.asarray(last.to_ndarray(format="gray")).mean())


def check_render(r: Rendered, names: list[str], min_seconds: float, max_seconds: float,
                 known: tuple[str, ...] = ()) -> None:
    """What every explainer render must be: its named sections, each a clip that ends on its result
    (its last frame not faded to black: above the mean grey level of the footer alone), a duration in
    range, subtitles that cover every section for at least 80% of its time, in order, readable
    (core.subtitles.problems: at most MAX_RATE characters a second, MIN_SECONDS each), ending with the
    video, and no layout problem in any frame (scenes.layout: text at least 14 px tall at 720p, 5%
    margins, off the footer, no Transform between different structures). `known`: cues with a known
    reading problem, left for later (each must still be there, so the list cannot go stale)."""
    assert [s.name for s in r.sections] == names
    for s in r.sections:
        assert (r.folder / "sections" / s.video).stat().st_size > 1_000
        assert last_frame_brightness(r.folder / "sections" / s.video) > 3.0, f"{s.name} ends blank"
    assert min_seconds <= r.sections[-1].end <= max_seconds
    assert subtitles.uncaptioned(r.cues, r.sections, 0.8) == []
    found = subtitles.problems(r.cues)
    assert [p for p in found if not any(k in p for k in known)] == []
    assert all(any(k in p for p in found) for k in known), found
    assert r.cues[-1].end <= r.sections[-1].end + 0.01
    # every cue is said, in a form a voice reads as meant (core.speech), and written as it is shown
    said = r.scene.narration.sentences
    assert [s.written for s in said] == [c.text.replace("\n", " ") for c in r.cues]
    assert [(s.written, speech.unspeakable(s.spoken)) for s in said if speech.unspeakable(s.spoken)] == []
    # every frame legible and inside its margins, and no smearing morph (scenes.layout, after each play)
    assert r.scene.layout_problems == [], "\n".join(r.scene.layout_problems)
    # beside the video, which model and theme it shows (deconv index puts it on the page)
    (note,) = r.folder.glob("*.model.json")
    from core import weights

    assert json.loads(note.read_text()) == {"variant": "plain", "seed": 22, "shipped": True, "theme": "dark",
                                            "checkpoints": str(weights.DEFAULT_DIR)}


def best_lag(whole: np.ndarray, part: np.ndarray, most: int = 240, seconds: float = 20.0
             ) -> tuple[int, float]:
    """The shift (samples, within +-`most`) at which `part` best matches the start of `whole`, and
    the correlation there, over the first `seconds` of `part`: a section clip's sound against the
    video's from the section's start (AAC's frames, and the sections list's durations rounded to
    microseconds, leave a millisecond or so either way)."""
    from scipy.signal import correlate

    from core import audio

    n = min(len(part), len(whole) - 2 * most, int(seconds * audio.RATE)) - 2 * most
    a = part[most:most + n].astype(np.float64)
    b = whole[:n + 2 * most].astype(np.float64)
    dots = correlate(b, a, mode="valid", method="fft")  # dots[j] = sum a * b[j:j + n]
    energy = np.concatenate([[0.0], np.cumsum(b ** 2)])
    power = energy[n:] - energy[:-n]  # sum of b[j:j + n] ** 2
    score = dots / np.sqrt(np.maximum(power * (a ** 2).sum(), 1e-30))
    j = int(np.argmax(score))
    return j - most, float(score[j])


def check_narration(r: Rendered) -> None:
    """What a narrated render must be (tests/test_narration.py checks the same on a small scene):
    an AAC soundtrack as long as the video; each sentence's speech starting within a frame of its
    subtitle (by signal energy), never two at once, none across a section's end; every section clip
    carrying its own part; loudness about -16 LUFS, true peak at most -1 dBTP."""
    import av

    from core import audio

    note = json.loads(next(r.folder.glob("*.narration.json")).read_text())
    assert note["voice"] == "piper"
    said = note["sentences"]
    (video,) = r.folder.glob("*Scene.mp4")
    with av.open(str(video)) as f:
        (v,), (a,) = f.streams.video, f.streams.audio
        assert a.codec_context.name == "aac"
        assert abs(float(a.duration * a.time_base) - float(v.duration * v.time_base)) < 1 / FPS + 0.03
    track = audio.decode(video)
    window = int(0.01 * audio.RATE)
    energy = np.sqrt((track[: len(track) // window * window].reshape(-1, window) ** 2).mean(axis=1))
    loud = energy > 10 ** (-40 / 20)
    for k, s in enumerate(said):
        assert s["seconds"] > 0.5, s
        cue = next(c for c in r.cues if abs(c.start - s["start"]) < 0.002)  # each cue starts with its audio
        assert cue.text.replace("\n", " ") == s["written"]
        a0 = max(0, int((s["start"] - 0.3) / 0.01))
        onset = (a0 + np.flatnonzero(loud[a0:])[0]) * 0.01
        assert abs(onset - s["start"]) <= 1 / FPS, (s, onset)
        if k + 1 < len(said):
            assert s["start"] + s["seconds"] < said[k + 1]["start"], s
        span = next(x for x in r.sections if x.start <= s["start"] < x.end)
        assert s["start"] + s["seconds"] <= span.end, s
    for span in r.sections:
        codec, part = None, None
        with av.open(str(r.folder / "sections" / span.video)) as f:
            codec = f.streams.audio[0].codec_context.name if f.streams.audio else None
        assert codec == "aac", span.name
        part = audio.decode(r.folder / "sections" / span.video)
        lag, match = best_lag(track[int(round(span.start * audio.RATE)):], part)
        assert abs(lag) <= audio.RATE // 500 and match > 0.98, (span.name, lag, match)  # within 2 ms
    assert -17.0 <= audio.loudness(track) <= -15.0
    assert audio.true_peak(track) <= audio.MAX_TRUE_PEAK


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium_offline(page: Path, tmp: Path, *flags: str) -> subprocess.CompletedProcess:
    """Headless Chromium on `page` in a network namespace of its own (no network at all), its own
    profile in `tmp`, with `flags` (--screenshot=..., --dump-dom)."""
    assert CHROMIUM, "headless Chromium is missing: make setup installs it (apt-get install chromium)"
    cmd = ["unshare", "-rn", CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           f"--user-data-dir={tmp / 'profile'}", "--autoplay-policy=no-user-gesture-required", *flags,
           page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def open_offline(page: Path, tmp: Path, size=(640, 360)) -> tuple[np.ndarray, list[str]]:
    """`page` opened with no network: a screenshot after 4 s of page time, and the URLs the page
    asked for (from Chromium's net log: requests in the page's own file:// network partition, not
    the browser's background ones)."""
    from PIL import Image

    shot, log = tmp / f"{page.stem}.png", tmp / f"{page.stem}.netlog.json"
    res = chromium_offline(page, tmp, f"--window-size={size[0]},{size[1]}", "--virtual-time-budget=4000",
                           f"--log-net-log={log}", f"--screenshot={shot}")
    assert shot.is_file(), res.stderr[-2000:]
    events = json.loads(log.read_text())["events"]
    urls = [e["params"]["url"] for e in events if "url" in e.get("params", {})
            and "file://" in str(e["params"].get("network_isolation_key", ""))]
    return np.asarray(Image.open(shot).convert("RGB")).astype(int), urls


def shown_frame(picture: np.ndarray, clip: Path) -> tuple[int, float]:
    """Which frame of `clip` the screenshot `picture` (h, w, 3) shows, and how much of it: the index
    of the frame nearest to it (mean absolute difference, the frame scaled to the picture's size),
    and the fraction of that frame's ink (pixels more than 60 from its corner's colour in some
    channel: text, lines, the footer) that is ink in the picture too (more than 40 from it).
    Headless Chromium's clock barely moves a playing video, so the frame it shows is one of the
    first few; which one depends on the machine, what it must show does not."""
    import av

    h, w, _ = picture.shape
    with av.open(str(clip)) as video:
        frames = [np.asarray(f.to_image().resize((w, h))).astype(int) for f in video.decode(video=0)]
    nearest = int(np.argmin([np.abs(f - picture).mean() for f in frames]))
    frame = frames[nearest]
    ink = np.abs(frame - frame[0, 0]).max(axis=2) > 60
    assert ink.sum() > 200, f"frame {nearest} of {clip.name} is nearly blank: nothing to look for"
    return nearest, float((np.abs(picture - frame[0, 0]).max(axis=2)[ink] > 40).mean())
