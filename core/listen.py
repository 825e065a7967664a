"""Listen to a narrated render without speakers: an offline recogniser (PocketSphinx, with the English
model its PyPI package ships) transcribes each sentence's audio, cut from the video where the render
placed it (<Scene>.narration.json), and the words it hears are compared with the words the voice was
given. A sentence it mostly cannot make out is one to reword.

    python -m core.listen media/videos/decoder/1080p60/DecoderScene.mp4

prints each sentence (said, then heard) with its word error rate, worst first, and the whole video's.
A dev tool: pocketsphinx and num2words are in the `dev` extra.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core import audio

RATE = 16_000  # what the recogniser's model takes


@dataclass
class Heard:
    id: str
    said: str  # the spoken form, as words
    heard: str
    errors: int  # word edits between the two
    words: int  # words said

    @property
    def error_rate(self) -> float:
        return self.errors / max(self.words, 1)


def words(text: str) -> list[str]:
    """The words of a spoken form as a recogniser writes them: lower case, numbers spelled out
    ('0.58' -> 'zero point five eight', '16,384' -> 'sixteen thousand three hundred eighty four')."""
    from num2words import num2words

    out = []
    for tok in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?|[A-Za-z]+(?:'[A-Za-z]+)?", text):
        if tok[0].isdigit():
            whole, _, frac = tok.replace(",", "").partition(".")
            said = num2words(int(whole)).replace("-", " ").replace(",", "").replace(" and ", " ")
            if frac:
                said += " point " + " ".join(num2words(int(d)) for d in frac)
            out += said.split()
        else:
            out += tok.lower().replace("-", " ").split()
    return out


def edits(a: list[str], b: list[str]) -> int:
    """Word-level edit distance (substitutions, insertions, deletions)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def listen(video: Path, every: int = 1) -> list[Heard]:
    """Each narrated sentence of `video` (or every `every`-th), transcribed and compared (needs
    <Scene>.narration.json)."""
    from pocketsphinx import Decoder
    from scipy.signal import resample_poly

    note = json.loads(video.with_suffix(".narration.json").read_text(encoding="utf-8"))
    track = audio.decode(video)
    decoder = Decoder(samprate=RATE, loglevel="FATAL")
    found = []
    for s in note["sentences"][::every]:
        if not s["seconds"]:
            continue
        a, b = (int(round(t * audio.RATE)) for t in (s["start"], s["start"] + s["seconds"]))
        pcm = resample_poly(track[a:b], RATE, audio.RATE)
        decoder.start_utt()
        decoder.process_raw((np.clip(pcm, -1, 1) * 32767).astype("<i2").tobytes(), full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        heard = hyp.hypstr if hyp is not None else ""
        said = words(s["spoken"])
        found.append(Heard(s["id"], " ".join(said), heard, edits(said, heard.split()), len(said)))
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m core.listen", description=__doc__.split("\n\n")[0])
    p.add_argument("video", type=Path,
                   help="a narrated render: its .mp4, with <Scene>.narration.json beside it")
    p.add_argument("--worst", type=int, default=10, metavar="N", help="sentences to print, worst first")
    args = p.parse_args(argv)
    if not args.video.with_suffix(".narration.json").is_file():
        print(f"{args.video}: no {args.video.stem}.narration.json beside it; render it narrated first",
              file=sys.stderr)
        return 2
    try:
        found = listen(args.video)
    except audio.AudioError as e:
        print(f"{e}; render it narrated (DECONV_VOICE=piper) first", file=sys.stderr)
        return 2
    if not found:
        print(f"{args.video}: silent (rendered with DECONV_VOICE=off?)", file=sys.stderr)
        return 2
    for h in sorted(found, key=lambda h: -h.error_rate)[: args.worst]:
        print(f"{h.error_rate:4.0%}  {h.id}\n      said:  {h.said}\n      heard: {h.heard}")
    total = sum(h.errors for h in found) / sum(h.words for h in found)
    print(f"word error rate over {len(found)} sentences: {total:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
