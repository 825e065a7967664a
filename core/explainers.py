"""The one list of explainer videos, in watch order, and Manim's output folder per quality letter.

Standard library only, so that the Makefile can read it with a bare `python3` before the virtual
environment exists (`make videos` uses `--make` and `--folder`); `core.videos` (media/index.html)
and `scenes.bench` import it.

    python3 -m core.explainers             the explainers, one per line
    python3 -m core.explainers --make      module:Scene pairs on one line, for the Makefile
    python3 -m core.explainers --folder h  Manim's folder for a quality letter: 1080p60
"""

from __future__ import annotations

import argparse
import sys
from typing import NamedTuple


class ExplainerSpec(NamedTuple):
    module: str  # scenes/<module>.py
    scene: str  # the Scene class in it, and the video's file name
    heading: str  # its title on media/index.html

    @property
    def pair(self) -> str:
        """`module:Scene`, as the Makefile and `python -m scenes.bench --scene` take it."""
        return f"{self.module}:{self.scene}"


EXPLAINERS = (
    ExplainerSpec("encoder", "EncoderScene", "The encoder: dot products"),
    ExplainerSpec("decoder", "DecoderScene", "The decoder: a weighted sum of filters"),
    ExplainerSpec("transposed", "TransposedScene", "What a transposed convolution is"),
    ExplainerSpec("overlap", "OverlapScene", "Strided transposed convolution: overlaps double"),
    ExplainerSpec("code_noise", "CodeNoiseScene", "Code noise: putting components in order"),
    ExplainerSpec("input_noise", "InputNoiseScene", "Input noise: smooth encoder filters"),
)
# Manim's render folder (media/videos/<module>/<folder>/) for each `manim -q<letter>`
QUALITY_FOLDERS = {"l": "480p15", "m": "720p30", "h": "1080p60", "p": "1440p60", "k": "2160p60"}


def quality_choices() -> str:
    """The quality letters as a sentence: 'l, m, h, p or k'."""
    *first, last = QUALITY_FOLDERS
    return f"{', '.join(first)} or {last}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m core.explainers",
                                description=__doc__.split("\n\n")[0])
    g = p.add_mutually_exclusive_group()
    g.add_argument("--make", action="store_true",
                   help="print module:Scene of every explainer on one line (the Makefile's list)")
    g.add_argument("--folder", metavar="Q",
                   help=f"print Manim's output folder for quality letter Q ({quality_choices()})")
    args = p.parse_args(argv)
    if args.folder is not None:
        if args.folder not in QUALITY_FOLDERS:  # named as `make videos` takes it
            print(f"QUALITY={args.folder}: choose {quality_choices()}", file=sys.stderr)
            return 2
        print(QUALITY_FOLDERS[args.folder])
    elif args.make:
        print(" ".join(e.pair for e in EXPLAINERS))
    else:
        width = max(len(e.pair) for e in EXPLAINERS)
        for e in EXPLAINERS:
            print(f"{e.pair:{width}}  {e.heading}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
