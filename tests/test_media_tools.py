"""`deconv clip` (GIF, stills), `deconv index` (media/index.html), `deconv figures` on the command
line, `make videos`, and the light theme.

`deconv` runs `python -m core.cli` in a fresh process; `deconv_here` calls `core.cli.main`, what the
installed `deconv` script calls, in this process (the same code without the start-up), for the cases
that stop at a bad input.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
from conftest import (
    FPS,
    ROOT,
    H,
    N,
    W,
    assert_usage_error,
    deconv_here,
    fake_render,
    sound_of,
    tone_track,
    with_sound,
    write_video,
)
from PIL import Image

from core import clip, explainers, palette, subtitles, videos


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    return write_video(tmp_path_factory.mktemp("clip") / "clip.mp4")


# --- clip ------------------------------------------------------------------------------------------
def test_probe_reads_the_clip(video, monkeypatch):
    """What imageio's PyAV reader reported, read without it: closing that reader runs a full garbage
    collection (far slower than the probe in a process holding Manim and torch), and the decks, the
    index and the clips probe every clip."""
    import gc

    import imageio.v3 as iio

    collections = []
    monkeypatch.setattr(gc, "collect", lambda *a: collections.append(a) or 0)
    info = clip.probe(video)
    assert (info.frames, info.fps, info.width, info.height) == (N, FPS, W, H)
    assert info.duration == pytest.approx(2.0)
    first = next(clip.frames(info))
    assert collections == []
    monkeypatch.undo()
    assert (info.frames, *first.shape) == iio.improps(video, plugin="pyav").shape
    assert info.fps == iio.immeta(video, plugin="pyav")["fps"]
    assert np.array_equal(first, next(iio.imiter(video, plugin="pyav", format="rgb24")))


def test_a_file_with_sound_only_is_said_to_hold_no_video(tmp_path, capsys):
    """A .mp4 with only a soundtrack (an exported narration, say): one line saying it holds no video,
    not the name of an exception; exit 2, nothing written."""
    import av

    sound = tmp_path / "narration.mp4"
    with av.open(str(sound), "w") as c:
        s = c.add_stream("aac", rate=22050)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate = 22050
        for packet in [*s.encode(frame), *s.encode()]:
            c.mux(packet)
    res = deconv_here(capsys, "clip", sound, "--stills", 2, "--out", tmp_path / "stills")
    assert_usage_error(res, "narration.mp4: holds no video, only 1 other stream(s)", "media/videos/")
    assert not (tmp_path / "stills").exists()


def test_gif_loops_at_the_asked_rate_and_width(video, tmp_path, capsys):
    out = tmp_path / "a.gif"
    res = deconv_here(capsys, "clip", video, "--gif", "--fps", 10, "--width", 160, "--out", out,
                      "--no-progress")
    assert res.returncode == 0, res.stderr
    im = Image.open(out)
    assert im.format == "GIF" and im.size == (160, 90)
    assert im.info["loop"] == 0  # loops forever
    durations, frames = [], 0
    for k in range(im.n_frames):
        im.seek(k)
        durations.append(im.info["duration"])
        frames += 1
    assert sum(durations) == pytest.approx(2000, abs=10)  # 20 frames at 10 fps: the clip's 2 s
    assert frames <= 20  # 15 -> 10 fps drops a third of the frames (identical ones merge)
    assert set(durations) <= {100, 200, 300}


def test_gif_delays_keep_the_clip_length():
    d = clip.gif_delays(15, 15)
    assert set(d) == {60, 70} and sum(d) == 1000
    assert clip.picked_frames(30, 15, 10) == [0, 2, 3, 4, 6, 8, 9, 10, 12, 14, 15, 16, 18, 20, 21, 22,
                                               24, 26, 27, 28]
    assert clip.picked_frames(5, 15, 60) == [0, 1, 2, 3, 4]  # never invents frames


def test_gif_is_never_enlarged_and_uses_one_palette(video, tmp_path):
    out = tmp_path / "b.gif"
    r = clip.write_gif(clip.probe(video), out, fps=30, width=2000)
    assert (r["width"], r["height"], r["fps"], r["frames"]) == (W, H, FPS, N)
    im = Image.open(out)
    colours = set()
    for k in range(im.n_frames):  # one palette: all frames together use at most 256 colours
        im.seek(k)
        colours |= set(map(tuple, np.asarray(im.convert("RGB")).reshape(-1, 3)))
    assert len(colours) <= 256


def test_stills_are_evenly_spaced_frames(video, tmp_path, capsys):
    res = deconv_here(capsys, "clip", video, "--stills", 3, "--out", tmp_path / "st")
    assert res.returncode == 0, res.stderr
    files = sorted((tmp_path / "st").glob("*.png"))
    assert [f.name for f in files] == ["clip_01.png", "clip_02.png", "clip_03.png"]
    assert clip.still_times(clip.probe(video), 3) == [5, 15, 25]
    for f, k in zip(files, (5, 15, 25)):
        img = np.asarray(Image.open(f).convert("RGB"))
        assert img.shape == (H, W, 3)
        # the background grey says which frame this is (H.264 moves it by a level or two)
        assert abs(float(np.median(img[100:, :, 0])) - 8 * k) <= 4


def test_fewer_stills_replace_an_earlier_runs_more(video, tmp_path, capsys):
    """--stills 6, then --stills 3 into the same folder: only the three new ones are there (the old
    4-6 used to stay mixed in); a file of another name is left alone."""
    out = tmp_path / "st"
    assert deconv_here(capsys, "clip", video, "--stills", 6, "--out", out).returncode == 0
    (out / "notes.png").write_bytes(b"mine")
    assert deconv_here(capsys, "clip", video, "--stills", 3, "--out", out).returncode == 0
    assert sorted(f.name for f in out.glob("*.png")) == ["clip_01.png", "clip_02.png", "clip_03.png",
                                                         "notes.png"]


def test_frames_at_seeks_to_the_exact_frames(tmp_path):
    import imageio.v3 as iio

    long = write_video(tmp_path / "long.mp4", n=120, gop=12)
    info = clip.probe(long)
    every = list(iio.imiter(long, plugin="pyav"))
    want = [100, 3, 119, 60, 61, 40]
    got = clip.frames_at(info, want)
    assert list(got) == want
    for i in want:
        assert np.array_equal(got[i], every[i]), i


@pytest.mark.parametrize("args, needle", [
    (["--gif"], "no such video"),
    (["--stills", "0"], "--stills 0"),
    (["--stills", "31"], "only 30 frames"),
    ([], "--gif, --stills N"),
    (["--gif", "--fps", "0"], "--fps 0"),
    (["--gif", "--width", "4"], "--width 4"),
    (["--gif", "--out", "x.png"], "ends in .gif"),
])
def test_clip_bad_input_is_one_line(video, tmp_path, capsys, args, needle):
    target = tmp_path / "missing.mp4" if needle == "no such video" else video
    before = sorted(p.name for p in video.parent.iterdir())
    assert_usage_error(deconv_here(capsys, "clip", target, *args), needle)
    assert sorted(p.name for p in video.parent.iterdir()) == before  # nothing half-written


def test_clip_refuses_a_non_video(tmp_path, capsys):
    f = tmp_path / "notes.txt"
    f.write_text("hello")
    assert_usage_error(deconv_here(capsys, "clip", f, "--gif"), "not a video")


# --- index page ------------------------------------------------------------------------------------
def test_index_lists_what_exists_and_only_that(tmp_path, capsys):
    out = fake_render(tmp_path)
    res = deconv_here(capsys, "index", "--media", tmp_path)
    assert res.returncode == 0, res.stderr
    assert "1 videos, 2 section clips" in res.stdout
    page = (tmp_path / "index.html").read_text()
    srcs = re.findall(r'<source src="([^"]+)"', page)
    assert srcs == ["videos/decoder/480p15/DecoderScene.mp4",
                    "videos/decoder/480p15/sections/DecoderScene_0000_weighted-sum.mp4",
                    "videos/decoder/480p15/sections/DecoderScene_0001_all-components.mp4"]
    assert "EncoderScene" not in page and "NoiseScene" not in page
    for path in re.findall(r'(?:src|poster)="([^"]+)"', page):  # every link resolves
        assert (tmp_path / path).is_file(), path
    assert "4.0 s" in page and "2.0 s" in page  # durations
    assert page.count('kind="captions"') == 3
    # the second section's captions: cues cut to 2-4 s and re-timed to start at 0
    cues = (out / "sections" / "DecoderScene_0001_all-components.vtt").read_text()
    assert cues.startswith("WEBVTT")
    assert "00:00:00.000 --> 00:00:01.000\nNow the sum" in cues
    assert "00:00:01.000 --> 00:00:02.000\nThe end." in cues

    (out / "sections" / "DecoderScene_0001_all-components.mp4").unlink()
    assert deconv_here(capsys, "index", "--media", tmp_path).returncode == 0
    page = (tmp_path / "index.html").read_text()
    assert "all-components" not in page and "weighted-sum" in page


def test_index_skips_broken_files_with_a_warning_and_lists_the_rest(tmp_path, capsys):
    """An empty or truncated .mp4, a malformed .srt or sections list: a warning line each, the rest
    listed (was a traceback)."""
    fake_render(tmp_path)
    enc = fake_render(tmp_path, "encoder")
    (enc / "EncoderScene.mp4").write_bytes(b"")  # zero-length: the whole video is skipped
    noise = fake_render(tmp_path, "code_noise")
    (noise / "CodeNoiseScene.srt").write_text("1\nthis is not a time\nhello\n")
    clip0 = noise / "sections" / "CodeNoiseScene_0000_weighted-sum.mp4"
    clip0.write_bytes(clip0.read_bytes()[:300])  # truncated: that section is skipped
    res = deconv_here(capsys, "index", "--media", tmp_path)
    assert res.returncode == 0 and "Traceback" not in res.stderr
    assert "2 videos, 3 section clips" in res.stdout
    warnings = res.stderr.strip().splitlines()
    assert all(w.startswith("deconv: warning: ") for w in warnings) and len(warnings) == 3, warnings
    assert "EncoderScene.mp4: cannot read this video" in warnings[0] and "scenes/encoder.py" in warnings[0]
    assert any("CodeNoiseScene.srt: not a readable .srt" in w for w in warnings)
    assert any("CodeNoiseScene_0000_weighted-sum.mp4" in w and "section skipped" in w for w in warnings)
    page = (tmp_path / "index.html").read_text()
    assert "EncoderScene" not in page and "CodeNoiseScene_0001_all-components.mp4" in page
    assert "CodeNoiseScene_0000" not in page


def test_index_prefers_the_best_render_or_the_asked_quality(tmp_path):
    fake_render(tmp_path, folder="480p15")
    fake_render(tmp_path, folder="1080p60")
    assert [e.quality for e in videos.collect(tmp_path)] == ["1080p60"]
    assert [e.quality for e in videos.collect(tmp_path, "l")] == ["480p15"]
    assert videos.collect(tmp_path, "m") == []


def test_index_lists_transparent_renders_and_says_which_model(tmp_path, capsys):
    """A -t render (.mov) or a -t --format webm one is listed, with what each format is for; the
    model and theme a render shows (its .model.json, written by the scene) are on the page."""
    write_video(tmp_path / "videos" / "decoder" / "480p15" / "DecoderScene.mov")
    res = deconv_here(capsys, "index", "--media", tmp_path)
    assert res.returncode == 0 and "1 videos" in res.stdout, res.stdout
    page = (tmp_path / "index.html").read_text()
    assert 'type="video/quicktime"' in page and "transparent (-t), QuickTime Animation" in page
    fake_render(tmp_path)  # an .mp4 beside it: the page plays the .mp4 and lists both formats
    (tmp_path / "videos" / "decoder" / "480p15" / "DecoderScene.model.json").write_text(json.dumps(
        {"variant": "code-noise", "seed": 33, "checkpoints": "x", "shipped": True, "theme": "light"}))
    assert deconv_here(capsys, "index", "--media", tmp_path).returncode == 0
    page = (tmp_path / "index.html").read_text()
    assert 'type="video/mp4"' in page and 'href="videos/decoder/480p15/DecoderScene.mov"' in page
    assert "model: code-noise, seed 33, the shipped checkpoints; light theme" in page
    (tmp_path / "videos" / "decoder" / "480p15" / "DecoderScene.narration.json").write_text(json.dumps(
        {"voice": "piper", "sentences": []}))  # the narration's sidecar says who speaks
    assert deconv_here(capsys, "index", "--media", tmp_path).returncode == 0
    assert "light theme; narrated (Piper)" in (tmp_path / "index.html").read_text()
    write_video(tmp_path / "videos" / "decoder" / "480p15" / "DecoderScene.prores.mov")  # --alpha prores
    assert deconv_here(capsys, "index", "--media", tmp_path).returncode == 0
    assert "ProRes 4444 with alpha: Premiere" in (tmp_path / "index.html").read_text()


def test_index_never_replaces_a_page_it_did_not_write(tmp_path, capsys):
    fake_render(tmp_path)
    (tmp_path / "index.html").write_text("<html>my talk's page</html>")
    assert_usage_error(deconv_here(capsys, "index", "--media", tmp_path), "did not write", "--force")
    assert (tmp_path / "index.html").read_text() == "<html>my talk's page</html>"
    assert deconv_here(capsys, "index", "--media", tmp_path, "--force").returncode == 0
    assert deconv_here(capsys, "index", "--media", tmp_path).returncode == 0  # its own: rewritten


def test_index_of_nothing_says_how_to_render(tmp_path, capsys):
    (tmp_path / "videos").mkdir()
    res = deconv_here(capsys, "index", "--media", tmp_path)
    assert res.returncode == 0 and "0 videos" in res.stdout
    assert "make videos" in (tmp_path / "index.html").read_text()
    assert_usage_error(deconv_here(capsys, "index", "--media", tmp_path / "none"), "make videos")


def test_subtitle_tools():
    cues = subtitles.parse_srt("1\n00:00:01,000 --> 00:00:03,000\nhi\n\n"
                               "2\n00:00:04,000 --> 00:00:05,000\nyo\n")
    spans = [subtitles.Span("a", 0, 3, "a.mp4"), subtitles.Span("b", 3, 6, "b.mp4")]
    assert subtitles.coverage(cues, 0, 3) == pytest.approx(2 / 3)
    assert subtitles.uncaptioned(cues, spans, 0.5) == ["b"]
    assert subtitles.uncaptioned(cues, spans, 0.3) == []
    for bad in ("1\n00:00:03,000 --> 00:00:01,000\nbackwards\n", "x\n00:00:01,000 --> 00:00:02,000\nhi\n",
                "1\n00:00:01 --> 00:00:02\nhi\n"):
        with pytest.raises(ValueError, match="SRT block 1"):
            subtitles.parse_srt(bad)


# --- make videos ---------------------------------------------------------------------------------
@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_videos_renders_every_explainer_in_order_and_refuses_a_bad_quality(tmp_path):
    """The Makefile takes the explainers and the quality folders from core/explainers.py."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DECONV_THEME", "QUALITY", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}

    def dry_run(quality):
        return subprocess.run(["make", "-n", "videos", f"QUALITY={quality}", f"MEDIA={tmp_path}"], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)

    res = dry_run("l")
    assert res.returncode == 0, res.stderr
    renders = re.findall(r"manim -ql --save_sections --media_dir \S+ scenes/(\w+)\.py", res.stdout)
    assert renders == [e.module for e in explainers.EXPLAINERS]
    assert renders == ["encoder", "decoder", "transposed", "overlap", "code_noise", "input_noise"]
    assert f"deconv index --media {tmp_path} --quality l" in res.stdout
    bad = dry_run("x")
    assert bad.returncode == 2
    assert "make: QUALITY=x: choose l, m, h, p or k" in bad.stderr.splitlines()
    assert "manim" not in bad.stdout  # stopped before any render
    burn = subprocess.run(["make", "-n", "videos", "QUALITY=l", f"MEDIA={tmp_path}", "CAPTIONS=1"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL).stdout
    burned = re.findall(r"deconv clip \S+/videos/(\w+)/480p15/\w+\.mp4 --burn-captions", burn)
    assert burned == renders and "--burn-captions" not in res.stdout
    # a render counts once Manim finished it: a truncated .mp4 newer than every source (a Manim killed
    # while combining) is rendered again; a finished one (its marker written after Manim) is not
    folder = tmp_path / "videos" / "decoder" / "480p15"
    folder.mkdir(parents=True)
    (folder / "DecoderScene.mp4").write_bytes(b"\0" * 48)
    assert "scenes/decoder.py" in dry_run("l").stdout
    (folder / ".DecoderScene.complete").touch()
    (folder / "DecoderScene.mp4").touch()
    again = dry_run("l").stdout
    assert "scenes/decoder.py" not in again and "scenes/encoder.py" in again


# --- theme -----------------------------------------------------------------------------------------
def test_palettes_keep_one_hue_per_filter():
    assert palette.theme("light") is palette.LIGHT and palette.theme("DARK") is palette.DARK
    with pytest.raises(ValueError, match="choose one of dark, light"):
        palette.theme("sepia")
    for p in (palette.DARK, palette.LIGHT):
        assert len(set(p.filters)) == 3 and p.outline == p.background
        used = {p.data, p.output, p.accent, p.text, p.muted}
        assert not used & set(p.filters)  # filter colours mean filters only
        assert len(set(p.windows)) == 2 and not (used | set(p.filters)) & set(p.windows)

    def hue(c):
        import colorsys
        r, g, b = (int(c[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return colorsys.rgb_to_hls(r, g, b)[0]

    dark, light = palette.DARK, palette.LIGHT
    for d, lt in zip(dark.filters + dark.windows, light.filters + light.windows):
        assert abs(hue(d) - hue(lt)) < 0.04  # same hue, darker shade


# --- open captions ---------------------------------------------------------------------------------
def test_burned_captions_are_in_the_picture_where_the_cue_is_and_nowhere_else(tmp_path, capsys):
    """The caption goes in a band under the picture (nothing the video shows is hidden): the band
    holds the cue's letters while the cue is on and is empty otherwise; the picture is the video's."""
    video = write_video(tmp_path / "v.mp4", n=30)  # 2 s at 15 fps
    (tmp_path / "v.srt").write_text("1\n00:00:00,500 --> 00:00:01,200\nThe filter is\nsummed here.\n")
    res = deconv_here(capsys, "clip", video, "--burn-captions", "--no-progress")
    assert res.returncode == 0, res.stderr
    out = tmp_path / "v.captioned.mp4"
    info = clip.probe(out)
    band = clip.band_height(H)
    assert (info.frames, info.width, info.height, info.fps) == (30, W, H + band, FPS)
    before, after = list(clip.frames(clip.probe(video))), list(clip.frames(info))
    for i, (a, b) in enumerate(zip(before, after)):
        assert np.abs(a.astype(int) - b[:H].astype(int)).mean() < 3, i  # the picture, untouched
        ink = (np.abs(b[H + 4:].astype(int) - b[-1, 0].astype(int)).max(axis=2) > 100).mean()
        assert (ink > 0.01) == (0.5 <= i / FPS < 1.2), (i, ink)  # letters exactly while the cue is on
    assert "frames, 10 with a caption" in res.stdout  # frames 8 to 17 start inside [0.5, 1.2)
    # its own copy, unchanged, is made again without --force (tests/test_clip_safety.py: a user's is not)
    assert deconv_here(capsys, "clip", video, "--burn-captions", "--no-progress").returncode == 0
    assert_usage_error(deconv_here(capsys, "clip", write_video(tmp_path / "w.mp4"), "--burn-captions"),
                       "w.srt: no subtitles to burn in")


@pytest.mark.parametrize("background", [(0, 0, 0), (255, 255, 255)])
def test_caption_letters_contrast_with_either_theme(background):
    frame = np.full((720, 1280, 3), background, np.uint8)
    band_colour, letters = clip.caption_colours(frame)
    assert band_colour == background
    band = clip.caption_band("Legible on both themes", 1280, 720, band_colour, letters).astype(int)
    assert band.shape == (clip.band_height(720), 1280, 3)
    ink = np.abs(band - np.array(background)).max(axis=2) > 150
    assert ink.mean() > 0.01  # letters that differ strongly from the band
    rows = np.flatnonzero(ink.any(axis=1))
    assert rows.max() - rows.min() + 1 >= 20  # at least 14 px tall letters (capitals and descenders)


# --- alpha for editors -----------------------------------------------------------------------------
def _transparent_mov(path: Path, n: int = 10) -> Path:
    """What `manim -t` writes: QuickTime Animation (qtrle, ARGB); left half opaque grey, right half
    transparent."""
    with av.open(str(path), "w") as out:
        s = out.add_stream("qtrle", rate=FPS)
        s.width, s.height, s.pix_fmt = 64, 48, "argb"
        for _ in range(n):
            img = np.zeros((48, 64, 4), np.uint8)
            img[:, :32, :3], img[:, :32, 3] = 200, 255
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgba")):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
    return path


@pytest.mark.parametrize("kind,codec", [("prores", "prores"), ("webm", "vp9")])
def test_alpha_formats_keep_the_transparency(tmp_path, capsys, kind, codec):
    mov = _transparent_mov(tmp_path / "DecoderScene.mov")
    res = deconv_here(capsys, "clip", mov, "--alpha", kind, "--no-progress")
    assert res.returncode == 0, res.stderr
    out = tmp_path / ("DecoderScene.prores.mov" if kind == "prores" else "DecoderScene.webm")
    with av.open(str(out)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == codec and stream.frames in (0, 10)
        packets = list(c.demux(stream))
    # decoded with alpha (VP9 keeps it beside the picture: libvpx's decoder reads it)
    decoder = av.codec.CodecContext.create("libvpx-vp9" if kind == "webm" else "prores", "r")
    frames_ = [f for p in packets for f in decoder.decode(p)]
    rgba = frames_[0].to_ndarray(format="rgba")
    assert rgba[:, :32, 3].min() > 240 and rgba[:, 40:, 3].max() < 15  # opaque left, clear right
    assert abs(int(rgba[5, 5, 0]) - 200) < 6
    # its own file, unchanged, is made again without --force; one changed since is not replaced
    assert deconv_here(capsys, "clip", mov, "--alpha", kind, "--no-progress").returncode == 0
    with open(out, "ab") as f:
        f.write(b"edited")
    assert_usage_error(deconv_here(capsys, "clip", mov, "--alpha", kind), out.name,
                       "not written by deconv clip", "--force")
    assert_usage_error(deconv_here(capsys, "clip", write_video(tmp_path / "v.mp4"), "--alpha", kind),
                       "not a transparent render", "manim -t")


# --- the narration in the copies -------------------------------------------------------------------
def _same_sound(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two soundtracks over their common length (a codec's padding aside)."""
    n = min(len(a), len(b)) - 4800
    return float(np.corrcoef(a[:n], b[:n])[0, 1])


def test_a_captioned_copy_keeps_the_narration(tmp_path, capsys):
    video = with_sound(write_video(tmp_path / "v.mp4", n=30))
    (tmp_path / "v.srt").write_text("1\n00:00:00,500 --> 00:00:01,200\nSaid and shown.\n")
    assert deconv_here(capsys, "clip", video, "--burn-captions", "--no-progress").returncode == 0
    codec, heard = sound_of(tmp_path / "v.captioned.mp4")
    assert codec == "aac" and _same_sound(heard, tone_track(2.0)) > 0.95
    # a silent video makes a silent copy
    quiet = write_video(tmp_path / "q.mp4", n=30)
    (tmp_path / "q.srt").write_text("1\n00:00:00,500 --> 00:00:01,200\nShown only.\n")
    assert deconv_here(capsys, "clip", quiet, "--burn-captions", "--no-progress").returncode == 0
    assert sound_of(tmp_path / "q.captioned.mp4")[0] is None


@pytest.mark.parametrize("kind,codec,suffix", [("prores", "aac", ".prores.mov"), ("webm", "opus", ".webm")])
def test_alpha_copies_keep_the_narration(tmp_path, capsys, kind, codec, suffix):
    mov = with_sound(_transparent_mov(tmp_path / "DecoderScene.mov", n=30))
    assert deconv_here(capsys, "clip", mov, "--alpha", kind, "--no-progress").returncode == 0
    found, heard = sound_of(tmp_path / f"DecoderScene{suffix}")
    assert found == codec and _same_sound(heard, tone_track(2.0)) > 0.95


def test_a_section_clips_captions_are_its_videos_cut_to_the_section(tmp_path, capsys):
    """A --save_sections clip has no .srt of its own: the video's cues that fall in its section are
    burned in, on the clip's own clock (not the video's first cues)."""
    out = fake_render(tmp_path)  # two sections of 2 s; cues 0-1.5, 1.5-3 and 3-4 s of the video
    second = sorted((out / "sections").glob("*.mp4"))[1]
    res = deconv_here(capsys, "clip", second, "--burn-captions", "--no-progress")
    assert res.returncode == 0, res.stderr
    assert "30 frames, 30 with a caption" in res.stdout  # 'Now the sum...' to 1 s, 'The end.' after
    frames = list(clip.frames(clip.probe(second.with_name(f"{second.stem}.captioned.mp4"))))
    band = [f[H:].astype(int) for f in frames]
    assert np.abs(band[5] - band[25]).mean() > 1  # two cues, so two captions
    assert np.abs(band[5] - band[10]).mean() < 1  # the first one held to 1 s


def test_make_run_installs_only_what_rendering_needs(tmp_path):
    """make run set up Chromium, the Qt runtime, npm, manim-slides and reveal.js, which only the decks
    and the tests use; it now installs rendering's needs alone, and make test (or make slides) adds the
    rest the first time it runs. Read from make's dry run on a fresh virtual environment."""
    def plan(target):
        res = subprocess.run(["make", "-n", target, f"VENV={tmp_path / 'venv'}"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, res.stderr
        return res.stdout

    run, test = plan("run"), plan("test")
    for tool in ("chromium", "libxcb-cursor0", "revealjs", "slides]", "dev,"):
        assert tool not in run and tool in test, tool
    for need in ("libcairo2-dev", "espeak-ng", '".[voice]"', "torch==", "manim -qh scenes/decoder.py"):
        assert need in run, need
    assert "about" in run  # each install step says about how long it takes
    render = next(line for line in run.splitlines() if "rendering the decoder explainer" in line)
    assert re.search(r"\d+ to \d+ minutes", render)  # and so does the render
