"""What every explainer inherits from scenes/ (theme, pictures, live numbers, subtitles), checked on
a probe scene that renders in seconds: the themes, transparent and GIF output, the subtitle rules,
and what the pictures record."""

import os

import numpy as np
import pytest
from conftest import assert_usage_error, manim
from PIL import Image

from core import subtitles
from core.subtitles import count_word, fmt, share, two_lines
from scenes.captions import Captions
from scenes.speed import number

PROBE = "tests/probe_scene.py"


def render_probe(tmp_path, *flags, theme="dark"):
    env = {**os.environ, "DECONV_THEME": theme}
    return manim(
        "render",
        "-ql",
        "-r",
        "256,144",
        "--fps",
        "4",
        *flags,
        "--media_dir",
        tmp_path,
        PROBE,
        "ProbeScene",
        env=env,
    )


def last_frame(tmp_path, theme, *flags):
    res = render_probe(tmp_path / theme, "-s", *flags, theme=theme)
    assert res.returncode == 0, res.stderr[-1500:]
    return np.asarray(Image.open(sorted((tmp_path / theme).rglob("*.png"))[-1]))


@pytest.mark.render
def test_light_theme_renders_on_white(tmp_path):
    d, lt = (last_frame(tmp_path, theme)[..., :3].astype(int) for theme in ("dark", "light"))
    assert tuple(d[2, 2]) == (0, 0, 0) and tuple(lt[2, 2]) == (255, 255, 255)
    # and the text changed with it: the light frame has dark ink, the dark frame light ink
    assert (lt.sum(axis=2) < 450).mean() > 0.004 and (d.sum(axis=2) > 315).mean() > 0.004


@pytest.mark.render
def test_light_theme_transparent_keeps_alpha(tmp_path):
    img = last_frame(tmp_path, "light", "-t")
    assert img.shape[2] == 4 and img[2, 2, 3] == 0  # background see-through
    assert img[..., 3].max() == 255  # the drawing is there


@pytest.mark.render
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_transparent_text_is_solid_on_white_and_on_black(tmp_path, theme):
    """-t: the title's letters sit on a plate of the theme's background, so on either slide colour
    they are solid letters on a band of contrast (a thin edge alone left light letters hollow on white)."""
    img = last_frame(tmp_path, theme, "-t").astype(float)
    rgb, alpha = img[..., :3], img[..., 3:] / 255
    band = slice(0, img.shape[0] * 15 // 100)  # the title
    for slide in (255.0, 0.0):
        seen = (rgb * alpha + slide * (1 - alpha))[band].mean(axis=2)
        drawn = alpha[band, :, 0] > 0.5
        letters = np.abs(seen - (255 if theme == "dark" else 0)) < 90  # the text colour
        plate = np.abs(seen - (0 if theme == "dark" else 255)) < 80  # the background's colour
        assert (letters & drawn).sum() > 0.02 * drawn.sum() and (plate & drawn).sum() > 0.3 * drawn.sum()


def test_opengl_renderer_stops_at_the_start_with_one_line(tmp_path):
    """The live numbers, Dots and fades are Cairo's: --renderer=opengl used to end in a TypeError
    deep in Manim; now one line says to use the default renderer, and nothing is rendered."""
    res = render_probe(tmp_path, "-s", "--renderer=opengl")
    assert_usage_error(res, "--renderer=opengl", "run without --renderer")
    assert not list(tmp_path.rglob("*.png")) and not list(tmp_path.rglob("*.mp4"))


def test_an_animation_range_with_sections_is_refused_up_front(tmp_path):
    """`-n 1,2 --save_sections` used to render the range, then crash in Manim's section combining with
    no clips, no JSON and no .srt; now one line at the start says what to run instead. `-n` alone
    still renders."""
    res = render_probe(tmp_path, "-n", "1,2", "--save_sections")
    assert_usage_error(res, "-n with --save_sections", "render the whole video with --save_sections")
    assert not list(tmp_path.rglob("*.mp4"))
    res = render_probe(tmp_path, "-n", "1,2")
    assert res.returncode == 0, res.stderr[-2000:]
    assert list((tmp_path / "videos").rglob("ProbeScene.mp4"))


def test_unknown_theme_is_one_line_when_the_scene_starts(tmp_path):
    assert_usage_error(
        render_probe(tmp_path, "-s", theme="sepia"), "DECONV_THEME='sepia': choose one of dark, light"
    )


@pytest.mark.render
@pytest.mark.parametrize("flags,suffix", [(["-t"], ".mov"), (["--format", "gif"], ".gif")])
def test_transparent_and_gif_renders(tmp_path, flags, suffix):
    res = render_probe(tmp_path, *flags)
    assert res.returncode == 0, res.stderr[-2000:]
    files = list((tmp_path / "videos").rglob(f"ProbeScene*{suffix}"))
    assert files and files[0].stat().st_size > 1_000


@pytest.mark.render
def test_subtitles_are_written_on_the_videos_clock(tmp_path):
    """Two cues, each from its say() to the next: 1 s of drawing held until the first cue is read (31
    characters at READ_RATE, 15 a second: 2 s at the probe's frame rate), then 1.5 s + 1.5 s. The
    second render takes every play from Manim's cache, and the .srt must not move."""
    srts = []
    for _ in range(2):
        res = render_probe(tmp_path)
        assert res.returncode == 0, res.stderr[-2000:]
        (srt,) = (tmp_path / "videos").rglob("ProbeScene.srt")
        srts.append(srt.read_text())
    assert srts[0] == srts[1]
    cues = subtitles.parse_srt(srts[0])
    assert [(c.start, c.end) for c in cues] == [(0.0, 2.0), (2.0, 5.0)]
    assert cues[1].text == "The signal flips while the number counts."


def test_captions_share_their_time_and_break_lines():
    class Clock:
        time = 0.0
        said = []

        def add_subcaption(self, text, duration, offset):
            self.said.append((self.time + offset, self.time + offset + duration, text))

    clock = Clock()
    captions = Captions(clock)
    captions.say("a" * 10, "b " * 15)
    clock.time = 4.0
    captions.say("")  # nothing to show: closes the open cues and opens none
    clock.time = 9.0
    captions.close()
    assert [(a, b) for a, b, _ in clock.said] == [(0.0, 1.5), (1.5, 4.0)]  # at least 1.5 s each
    assert captions.problems() == []
    assert Captions.lines("word " * 12).count("\n") == 1
    with pytest.raises(ValueError):
        captions.say("x" * (2 * Captions.LINE + 1))


def test_subtitle_rules_and_text_helpers():
    parts = share(10.0, 16.0, [10, 30, 20], 1.5)
    assert parts[0] == (10.0, 11.5) and parts[-1][1] == 16.0
    assert all(b - a >= 1.5 for a, b in parts) and all(p[1] == q[0] for p, q in zip(parts, parts[1:]))
    assert share(0.0, 2.0, [1, 1], 1.5) == [(0.0, 1.0), (1.0, 2.0)]  # too short for the minimum
    assert two_lines("short", 42) == "short"
    broken = two_lines("The yellow sum takes them in, sample by sample: blue, green, then purple.", 42)
    assert broken.count("\n") == 1 and max(map(len, broken.splitlines())) <= 42
    fast = subtitles.Cue(0.0, 1.6, "a fast cue " * 4)
    short = subtitles.Cue(1.6, 2.6, "ok")
    late = subtitles.Cue(2.5, 5.0, "overlaps the cue before")
    long = subtitles.Cue(5.0, 10.0, "x" * 60)
    found = subtitles.problems([fast, short, late, long])
    assert [f.split(": ")[1].split()[-1] for f in found] == ["second", "s", "ends", "long"], found
    assert subtitles.problems([short], min_seconds=1.0) == []
    assert fmt(-0.0001, 2) == "+0.00" and fmt(0.5, 3, sign=False) == "0.500"
    assert count_word(10) == "ten" and count_word(40) == "40"


def test_live_number_shows_its_value_and_stays_put():
    n = number(0.5, 2)
    n.shift([2.0, 1.0, 0.0])
    left = n.get_left()[0]
    n.set_value(-0.07)
    assert n.get_value() == -0.07 and n.format(-0.07) == ("-", "0", ".", "0", "7")
    assert abs(n.get_left()[0] - left) < 0.2 and abs(n.get_y() - 1.0) < 0.1  # moved with the shift
    assert n.format(-0.0001)[0] == "+"  # never "-0.00"
    with pytest.raises(ValueError, match="digit"):
        n.format(12.5)


@pytest.mark.render
def test_a_light_background_in_manims_config_picks_the_light_theme(tmp_path):
    """background_color = WHITE in a manim.cfg used to leave the dark theme's white text invisible
    (exit 0). With DECONV_THEME unset it now picks the light theme (dark ink on that background); the
    dark theme asked for by name on it is one line, exit 2, nothing drawn."""
    cfg = tmp_path / "manim.cfg"
    cfg.write_text("[CLI]\nbackground_color = WHITE\n")
    env = {k: v for k, v in os.environ.items() if k != "DECONV_THEME"}
    args = ("render", "-ql", "-s", "-r", "256,144", "--config_file", cfg)
    res = manim(*args, "--media_dir", tmp_path / "unset", PROBE, "ProbeScene", env=env)
    assert res.returncode == 0, res.stderr[-1500:]
    img = np.asarray(Image.open(sorted((tmp_path / "unset").rglob("*.png"))[-1]))[..., :3].astype(int)
    assert tuple(img[2, 2]) == (255, 255, 255)
    assert (img.sum(axis=2) < 450).mean() > 0.004  # dark ink shows
    env["DECONV_THEME"] = "dark"
    res = manim(*args, "--media_dir", tmp_path / "dark", PROBE, "ProbeScene", env=env)
    assert_usage_error(res, "background_color #FFFFFF", "DECONV_THEME=dark", "DECONV_THEME=light")
    assert not list((tmp_path / "dark").rglob("*.png"))


@pytest.mark.render
def test_frame_digests_name_each_frame_the_encoder_gets(tmp_path):
    """`python -m scenes.bench --digests`, which compares two versions of the videos: two renders of
    the same scene give the same digests, one per frame of the video (the encoded video differs from
    render to render); the same scene with one more dot on stage gives other digests."""
    import av
    from manim import Dot
    from probe_scene import ProbeScene

    from scenes import bench

    class WithADot(ProbeScene):
        def setup(self):
            super().setup()
            self.add(Dot(radius=0.05))

    runs = []
    for k, scene in enumerate((ProbeScene, ProbeScene, WithADot)):
        with bench.frame_digests([]) as found:
            bench._render(scene, "l", tmp_path / str(k))
        runs.append(found)
    (video,) = (tmp_path / "0").rglob("ProbeScene.mp4")
    with av.open(str(video)) as c:
        frames = sum(1 for _ in c.decode(video=0))
    assert len(runs[0]) == frames > 10
    assert runs[0] == runs[1]
    assert len(runs[2]) == frames and all(a != b for a, b in zip(runs[0], runs[2]))
