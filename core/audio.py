"""Sound for the videos: read any audio file as mono samples at one rate, master a spoken clip (trim its
silences, normalise its loudness, keep its true peak under a ceiling, no clicks at its edges), and put
a soundtrack into a rendered video or strip it out. numpy, scipy, pyloudnorm and PyAV (which Manim
brings); no system ffmpeg.

Targets are what video platforms and players expect of speech: about -16 LUFS integrated (ITU-R
BS.1770, measured by pyloudnorm), true peak at most -1 dBTP (measured 4x oversampled, as BS.1770
specifies), mastered to PEAK_CEILING, a margin under that for the AAC encoder's overshoot.
"""

from __future__ import annotations

import os
import wave
from fractions import Fraction
from pathlib import Path

import numpy as np

RATE = 48_000  # samples per second of every soundtrack (what video is mastered at; Opus needs it)
TARGET_LUFS = -16.0
MAX_TRUE_PEAK = -1.0  # dBTP
PEAK_CEILING = -2.0  # what a clip is limited to, leaving a margin for lossy encoding (see put_track)
EDGE_SECONDS = 0.006  # fade in and out over this much, so a clip starts and stops without a click
PAD_SECONDS = 0.03  # before the first speech (exactly) and after the last, so no consonant is cut
FRAME_SECONDS = 0.02  # speech is found in frames this long: louder than the room, for 3 in a row
HIGH_PASS_HZ = 60  # below this, a recording's hum, rumble and DC offset are taken out


class AudioError(Exception):
    """An audio file that cannot be read, or holds no sound."""


def decode(path: str | Path) -> np.ndarray:
    """Every sample of the file's first audio stream, mixed to mono float32 at RATE. Any format and
    rate PyAV reads (WAV of any bit depth, FLAC, MP3, ...). Raises AudioError for an unreadable file."""
    import av

    try:
        with av.open(str(path)) as f:
            if not f.streams.audio:
                raise AudioError(f"{path}: no audio in it")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            parts = []
            for frame in f.decode(audio=0):
                frame.pts = None
                parts += [r.to_ndarray().reshape(-1) for r in resampler.resample(frame)]
            parts += [r.to_ndarray().reshape(-1) for r in resampler.resample(None)]
    except AudioError:
        raise
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as e:
        raise AudioError(f"{path}: cannot read it as audio ({getattr(e, 'strerror', None) or e})") from None
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mono samples (int16 or float) at `rate` as float32 at RATE."""
    from scipy.signal import resample_poly

    x = np.asarray(samples)
    x = x.astype(np.float32) / 32768 if x.dtype == np.int16 else x.astype(np.float32)
    if rate == RATE:
        return x
    g = np.gcd(int(rate), RATE)
    return resample_poly(x, RATE // g, int(rate) // g).astype(np.float32)


def true_peak(x: np.ndarray, chunk: int = 10 * RATE) -> float:
    """The true peak in dBTP: the largest magnitude of the signal oversampled 4x (BS.1770-4 annex 2),
    a chunk at a time (memory stays bounded however long the track)."""
    from scipy.signal import resample_poly

    x = np.asarray(x)
    peak, edge = 0.0, 64  # each chunk overlaps its neighbours, so the filter sees the samples around
    for start in range(0, len(x), chunk):
        part = np.asarray(x[max(0, start - edge): start + chunk + edge], np.float64)
        peak = max(peak, float(np.abs(resample_poly(part, 4, 1)).max()))
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def loudness(x: np.ndarray, rate: int = RATE) -> float:
    """Integrated loudness in LUFS (pyloudnorm; a clip shorter than its 0.4 s block is measured padded
    with silence, which the gate leaves out). -inf for silence."""
    import pyloudnorm

    x = np.asarray(x, np.float64)
    if len(x) < rate // 2:
        x = np.concatenate([x, np.zeros(rate // 2 - len(x))])
    with np.errstate(divide="ignore"):
        return float(pyloudnorm.Meter(rate).integrated_loudness(x))


def high_pass(x: np.ndarray) -> np.ndarray:
    """`x` without what lies under HIGH_PASS_HZ (hum, rumble, a DC offset), no phase shift."""
    from scipy.signal import butter, sosfiltfilt

    if len(x) < 64:
        return np.asarray(x, np.float32)
    sos = butter(2, HIGH_PASS_HZ, "highpass", fs=RATE, output="sos")
    return sosfiltfilt(sos, np.asarray(x, np.float64)).astype(np.float32)


def speech_span(x: np.ndarray) -> tuple[int, int]:
    """(first, last + 1): the samples of `x` from its first speech to its last. Speech is
    FRAME_SECONDS frames louder than the room (the quietest tenth of the frames) by 10 dB and within
    40 dB of the loudest, three frames in a row (and the frames joined to them), so a click, hiss or
    hum apart from the words is left out; the first word's start is found to the sample. Raises
    AudioError for a clip with no speech: silence, or the same level throughout (hiss, hum, a
    constant offset)."""
    w = int(FRAME_SECONDS * RATE)
    n = len(x) // w
    if n == 0:
        raise AudioError("silent: too short to hold speech")
    power = (np.asarray(x[: n * w], np.float64).reshape(n, w) ** 2).mean(axis=1)
    level = 10 * np.log10(np.maximum(power, 1e-12))  # dBFS of each frame
    loud, room = np.percentile(level, 95), np.percentile(level, 10)
    if loud < -60:
        raise AudioError("silent: no sound in it")
    if n >= 25 and loud - room < 12:  # half a second or more with no quiet in it
        raise AudioError("no speech in it: the same level throughout (hiss, hum or a steady tone?)")
    threshold = max(loud - 40, room + 10)
    above = level > threshold
    steady = np.flatnonzero(above[:-2] & above[1:-1] & above[2:]) if n >= 3 else np.flatnonzero(above)
    if not len(steady):
        raise AudioError("no speech in it: nothing louder than the room for more than a click")
    j, k = int(steady[0]), int(steady[-1]) + min(3, n) - 1  # the first and last frame of speech,
    while j > 0 and above[j - 1]:  # with the soft onset and tail joined to it
        j -= 1
    while k + 1 < n and above[k + 1]:
        k += 1
    # the first sample louder than the threshold in its first frame: where the words start, to the sample
    first = j * w + int(np.argmax(np.abs(x[j * w:(j + 1) * w]) > 10 ** (threshold / 20)))
    return first, min(len(x), (k + 1) * w)


def limit(x: np.ndarray, ceiling_db: float = PEAK_CEILING) -> np.ndarray:
    """`x` with its true peak brought under `ceiling_db`: the gain drops smoothly around each peak
    over it (5 ms each side), nowhere else."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d
    from scipy.signal import resample_poly

    ceiling = 10 ** (ceiling_db / 20)
    up = np.abs(resample_poly(np.asarray(x, np.float64), 4, 1))[: 4 * len(x)]
    if not len(up) or up.max() <= ceiling:
        return x
    envelope = np.pad(up, (0, 4 * len(x) - len(up))).reshape(-1, 4).max(axis=1)
    need = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-12))
    w = max(1, int(0.005 * RATE))
    # the minimum over +-w, averaged over w: never above what any sample within w/2 needs
    gain = uniform_filter1d(minimum_filter1d(need, 2 * w + 1), w)
    y = (x * gain).astype(np.float32)
    over = true_peak(y) - ceiling_db
    return (y * 10 ** (-over / 20)).astype(np.float32) if over > 0 else y


def master(x: np.ndarray) -> np.ndarray:
    """A spoken clip ready to place in a soundtrack: hum and offset taken out (HIGH_PASS_HZ), what is
    before its first speech and after its last cut (speech_span), its loudness brought to TARGET_LUFS,
    its true peak limited to PEAK_CEILING, and faded in and out over EDGE_SECONDS. Raises AudioError
    for a clip with no speech, or with samples that are not numbers."""
    x = np.asarray(x, np.float32)
    if not np.isfinite(x).all():
        raise AudioError("has samples that are not numbers (NaN or infinite): export it again")
    x = high_pass(x)
    first, last = speech_span(x)
    pad = int(PAD_SECONDS * RATE)  # exactly this much before the words (silence added where it lacks)
    y = np.concatenate([np.zeros(max(0, pad - first), np.float32), x[max(0, first - pad):last + pad]])
    for _ in range(4):  # limiting lowers the loudness a little: raise it again, limit again
        level = loudness(y)
        if not np.isfinite(level):
            raise AudioError("silent: too quiet to measure")
        if abs(level - TARGET_LUFS) < 0.2:
            break
        y = limit(y * np.float32(10 ** ((TARGET_LUFS - level) / 20)))
    n = min(int(EDGE_SECONDS * RATE), len(y) // 2)
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    y[:n] *= ramp
    y[len(y) - n:] *= ramp[::-1]
    return y


def pcm16(x: np.ndarray) -> np.ndarray:
    """Samples in -1..1 as 16-bit integers (what a clip is stored as)."""
    return np.clip(np.round(np.asarray(x, np.float64) * 32767), -32767, 32767).astype("<i2")


def quantised(x: np.ndarray) -> np.ndarray:
    """`x` as it reads back from a 16-bit WAV: what read_wav(write_wav(x)) gives, without the file."""
    return pcm16(x).astype(np.float32) / 32767


def write_wav(path: Path, x: np.ndarray, rate: int = RATE) -> None:
    """16-bit mono WAV, written whole or not at all (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pcm = pcm16(x)
    try:
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(pcm.tobytes())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_wav(path: Path) -> np.ndarray:
    """A 16-bit mono WAV at RATE written by write_wav, as float32. Raises AudioError for another kind
    of file, or one cut short (fewer samples than its header says) or empty."""
    with wave.open(str(path), "rb") as w:
        if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, RATE):
            raise AudioError(f"{path}: not a 16-bit mono WAV at {RATE} Hz")
        n, data = w.getnframes(), w.readframes(w.getnframes())
    if n == 0 or len(data) != 2 * n:
        raise AudioError(f"{path}: cut short ({len(data) // 2} of {n} samples)")
    return np.frombuffer(data, "<i2").astype(np.float32) / 32767


def codec_for(video: Path) -> str | None:
    """The audio codec a video file of this kind carries: AAC in .mp4 and .mov, Opus in .webm; None
    for a GIF (no sound)."""
    return {".mp4": "aac", ".mov": "aac", ".m4v": "aac", ".webm": "libopus", ".mkv": "aac"}.get(
        video.suffix.lower())


class TrackEncoder:
    """A soundtrack (mono float at RATE) encoded into an open output container alongside its video:
    `until(t)` encodes and muxes the sound up to `t` seconds, so sound and picture interleave as
    they are written and memory stays bounded by the track; `close()` writes the rest."""

    def __init__(self, dst, codec: str, track: np.ndarray):
        self.dst, self.track, self.done = dst, np.asarray(track, np.float32), 0
        self.stream = dst.add_stream(codec, rate=RATE)
        self.stream.layout = "mono"
        self.stream.bit_rate = 192_000 if codec == "aac" else 128_000  # less overshoot of the peaks

    def until(self, seconds: float) -> None:
        import av

        end = min(len(self.track), int(round(seconds * RATE)))
        while self.done < end:
            stop = min(end, self.done + RATE)
            chunk = np.ascontiguousarray(self.track[self.done:stop]).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = RATE, self.done, Fraction(1, RATE)
            for packet in self.stream.encode(frame):
                self.dst.mux(packet)
            self.done = stop

    def close(self) -> None:
        self.until(len(self.track) / RATE)
        for packet in self.stream.encode(None):
            self.dst.mux(packet)


def fitted(track: np.ndarray, seconds: float) -> np.ndarray:
    """`track` cut, or padded with silence, to `seconds`."""
    n = int(round(seconds * RATE))
    out = np.zeros(n, np.float32)
    out[: min(n, len(track))] = track[:n]
    return out


def remux(video: Path, out: Path, track: np.ndarray | None) -> None:
    """Write `out`: the video stream of `video` as it is (no re-encoding), with `track` (mono float at
    RATE, from the video's first frame; cut or padded with silence to the video's length) as its
    sound, or with no sound when `track` is None. `out` (which may be `video`) is written whole or
    not at all."""
    import av

    tmp = out.with_name(f".{out.name}.{os.getpid()}.audio{out.suffix}")
    try:
        with av.open(str(video)) as src:
            vin = src.streams.video[0]
            seconds = _video_seconds(vin, src)
            with av.open(str(tmp), "w") as dst:
                dst.metadata.update(src.metadata)
                vout = dst.add_stream_from_template(vin)
                codec = codec_for(out)
                sound = None
                if track is not None and codec:
                    sound = TrackEncoder(dst, codec, fitted(track, seconds))
                for packet in src.demux(vin):
                    if packet.dts is None:
                        continue
                    if sound is not None:
                        sound.until(_time(packet))
                    packet.stream = vout
                    dst.mux(packet)
                if sound is not None:
                    sound.close()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def put_track(video: Path, track: np.ndarray) -> np.ndarray:
    """Put `track` into `video` in place (remux), then check the true peak of the sound as encoded:
    a lossy encoder can overshoot what the clips were limited to; where it reaches MAX_TRUE_PEAK,
    the track goes in again that much quieter (a fraction of a dB). Returns the track as put in."""
    for _ in range(3):
        remux(video, video, track)
        over = true_peak(decode(video)) - (MAX_TRUE_PEAK - 0.2)
        if over <= 0:
            break
        track = (track * 10 ** (-(over + 0.1) / 20)).astype(np.float32)
    return track


def has_sound(video: Path) -> bool:
    """Whether the file has an audio stream."""
    import av

    with av.open(str(video)) as f:
        return bool(f.streams.audio)


def _time(packet) -> float:
    return float(packet.pts * packet.time_base) if packet.pts is not None else 0.0


def _video_seconds(stream, container) -> float:
    """The video's length: its frames times the frame period (what Manim wrote), else the container's."""
    if stream.frames and stream.average_rate:
        return float(stream.frames / stream.average_rate)
    frames = sum(1 for p in container.demux(stream) if p.dts is not None)
    container.seek(0)
    return float(frames / stream.average_rate)
