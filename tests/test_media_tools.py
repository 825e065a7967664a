"""`deconv clip` (GIF, stills), `deconv index` (media/index.html), `deconv figures` on the command
line, and the light theme."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from conftest import ROOT, manim
from PIL import Image

from core import clip, palette, subtitles, videos

FPS, N, W, H = 15, 30, 320, 180


def write_video(path: Path, n: int = N, fps: int = FPS, size=(W, H), gop: int | None = None) -> Path:
    """A real H.264 clip whose frame k is grey level 8 * k (so a still tells which frame it is),
    with a white square moving across."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = size[0], size[1], "yuv420p"
        if gop:
            s.codec_context.gop_size = gop
        for k in range(n):
            img = np.full((size[1], size[0], 3), 8 * k % 256, np.uint8)
            x = 10 * k % (size[0] - 20)
            img[20:40, x:x + 20] = 255
            for packet in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in s.encode():
            out.mux(packet)
    return path


def deconv(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "core.cli", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)


def one_line_error(res, *needles):
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deconv: error:"), res.stderr
    for n in needles:
        assert n in lines[0], lines[0]


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    return write_video(tmp_path_factory.mktemp("clip") / "clip.mp4")


# --- clip ------------------------------------------------------------------------------------------
def test_probe_reads_the_clip(video):
    info = clip.probe(video)
    assert (info.frames, info.fps, info.width, info.height) == (N, FPS, W, H)
    assert info.duration == pytest.approx(2.0)


def test_gif_loops_at_the_asked_rate_and_width(video, tmp_path):
    out = tmp_path / "a.gif"
    res = deconv("clip", video, "--gif", "--fps", 10, "--width", 160, "--out", out, "--no-progress")
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


def test_stills_are_evenly_spaced_frames(video, tmp_path):
    res = deconv("clip", video, "--stills", 3, "--out", tmp_path / "st")
    assert res.returncode == 0, res.stderr
    files = sorted((tmp_path / "st").glob("*.png"))
    assert [f.name for f in files] == ["clip_01.png", "clip_02.png", "clip_03.png"]
    assert clip.still_times(clip.probe(video), 3) == [5, 15, 25]
    for f, k in zip(files, (5, 15, 25)):
        img = np.asarray(Image.open(f).convert("RGB"))
        assert img.shape == (H, W, 3)
        # the background grey says which frame this is (H.264 moves it by a level or two)
        assert abs(float(np.median(img[100:, :, 0])) - 8 * k) <= 4


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
def test_clip_bad_input_is_one_line(video, tmp_path, args, needle):
    target = tmp_path / "missing.mp4" if needle == "no such video" else video
    before = sorted(p.name for p in video.parent.iterdir())
    one_line_error(deconv("clip", target, *args), needle)
    assert sorted(p.name for p in video.parent.iterdir()) == before  # nothing half-written


def test_clip_refuses_a_non_video(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("hello")
    one_line_error(deconv("clip", f, "--gif"), "not a video")


# --- index page ------------------------------------------------------------------------------------
def fake_render(media: Path, module="decoder", scene="DecoderScene", folder="480p15",
                sections=("weighted-sum", "all-components")) -> Path:
    """A render as Manim lays it out: the video, its .srt, and --save_sections clips + index."""
    out = media / "videos" / module / folder
    write_video(out / f"{scene}.mp4", n=N * len(sections))
    entries = []
    for k, name in enumerate(sections):
        v = f"{scene}_{k:04d}_{name}.mp4"
        write_video(out / "sections" / v)
        entries.append({"name": name, "video": v, "duration": "2.000000"})
    (out / "sections" / f"{scene}.json").write_text(json.dumps(entries))
    (out / f"{scene}.srt").write_text(
        "1\n00:00:00,000 --> 00:00:01,500\nThe first filter.\n\n"
        "2\n00:00:01,500 --> 00:00:03,000\nNow the sum, across the cut.\n\n"
        "3\n00:00:03,000 --> 00:00:04,000\nThe end.\n")
    return out


def test_index_lists_what_exists_and_only_that(tmp_path):
    out = fake_render(tmp_path)
    res = deconv("index", "--media", tmp_path)
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
    deconv("index", "--media", tmp_path)
    page = (tmp_path / "index.html").read_text()
    assert "all-components" not in page and "weighted-sum" in page


def test_index_prefers_the_best_render_or_the_asked_quality(tmp_path):
    fake_render(tmp_path, folder="480p15")
    fake_render(tmp_path, folder="1080p60")
    explainers = videos.collect(tmp_path)
    assert [e.quality for e in explainers] == ["1080p60"]
    assert [e.quality for e in videos.collect(tmp_path, "l")] == ["480p15"]
    assert videos.collect(tmp_path, "m") == []


def test_index_of_nothing_says_how_to_render(tmp_path):
    (tmp_path / "videos").mkdir()
    res = deconv("index", "--media", tmp_path)
    assert res.returncode == 0 and "0 videos" in res.stdout
    assert "make videos" in (tmp_path / "index.html").read_text()
    one_line_error(deconv("index", "--media", tmp_path / "none"), "make videos")


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


# --- figures on the command line -------------------------------------------------------------------
ARTICLE_FIGURES = [f"F{k}" for k in range(1, 23) if k != 11]  # F11 is the A1-A3 noise idea, a video


def test_figures_every_id_in_under_a_minute(tmp_path):
    res = deconv("figures", "--out", tmp_path, "--no-progress")
    assert res.returncode == 0, res.stderr
    seconds = float(re.search(r"in ([\d.]+) s", res.stdout).group(1))
    assert seconds < 60
    pngs = sorted(tmp_path.glob("*.png"))
    assert sorted(p.name.split("_")[0] for p in pngs) == sorted(ARTICLE_FIGURES)
    for p in pngs:
        assert p.with_suffix(".svg").is_file()
        img = np.asarray(Image.open(p).convert("L"), dtype=float)
        assert min(img.shape) > 300 and img.std() > 10, p.name  # decodes, and is not blank


def test_figures_only_and_list(tmp_path):
    res = deconv("figures", "--only", "f4", "--out", tmp_path, "--format", "png", "--no-progress")
    assert res.returncode == 0, res.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["F4_training_loss.png"]
    listed = deconv("figures", "--list").stdout.split()
    assert [w for w in listed if re.fullmatch(r"F\d+", w)] == ARTICLE_FIGURES
    one_line_error(deconv("figures", "--only", "F11", "F99"), "unknown figure id F11, F99")
    one_line_error(deconv("figures", "--checkpoints", tmp_path / "none", "--out", tmp_path), "none")


# --- theme -----------------------------------------------------------------------------------------
def test_palettes_keep_one_hue_per_filter():
    assert palette.theme("light") is palette.LIGHT and palette.theme("DARK") is palette.DARK
    with pytest.raises(ValueError, match="choose one of dark, light"):
        palette.theme("sepia")
    for p in (palette.DARK, palette.LIGHT):
        assert len(set(p.filters)) == 3 and p.outline == p.background
        used = {p.data, p.output, p.accent, p.text, p.muted}
        assert not used & set(p.filters)  # filter colours mean filters only

    def hue(c):
        import colorsys
        r, g, b = (int(c[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return colorsys.rgb_to_hls(r, g, b)[0]

    for d, lt in zip(palette.DARK.filters, palette.LIGHT.filters):
        assert abs(hue(d) - hue(lt)) < 0.04  # same hue, darker shade


def last_frame(tmp_path, theme, *extra):
    env = {**os.environ, "DECONV_THEME": theme}
    res = manim("render", "-ql", "-s", "-r", "256,144", "-n", "1,1", *extra, "--media_dir", tmp_path / theme,
                "scenes/overlap.py", env=env)
    return res, (sorted((tmp_path / theme).rglob("*.png")) or [None])[-1]


def test_light_theme_renders_on_white(tmp_path):
    res_dark, dark = last_frame(tmp_path, "dark")
    res_light, light = last_frame(tmp_path, "light")
    assert res_dark.returncode == 0 and res_light.returncode == 0, res_light.stderr[-1500:]
    d, lt = (np.asarray(Image.open(p).convert("RGB")) for p in (dark, light))
    assert tuple(d[2, 2]) == (0, 0, 0) and tuple(lt[2, 2]) == (255, 255, 255)
    # and the text changed with it: the light frame has dark ink, the dark frame light ink
    assert (lt.sum(axis=2) < 450).mean() > 0.01 and (d.sum(axis=2) > 315).mean() > 0.01


def test_light_theme_transparent_keeps_alpha(tmp_path):
    res, png = last_frame(tmp_path, "light", "-t")
    assert res.returncode == 0, res.stderr[-1500:]
    img = np.asarray(Image.open(png))
    assert img.shape[2] == 4 and img[2, 2, 3] == 0  # background see-through
    assert img[..., 3].max() == 255  # the drawing is there


def test_unknown_theme_is_one_line(tmp_path):
    res, _ = last_frame(tmp_path, "sepia")
    assert res.returncode == 2, res.stderr[-800:]
    assert "DECONV_THEME='sepia': choose one of dark, light" in res.stderr
    assert "Traceback" not in res.stderr
