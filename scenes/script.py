"""The narration script of an explainer, read from its storyboard without drawing anything: every
sentence it would say now (with the model DECONV_VARIANT / DECONV_SEED / DECONV_CHECKPOINTS choose),
its id, section, subtitle and spoken form. `deconv narration` runs this in a process of its own
(core never imports Manim):

    python -m scenes.script decoder      one JSON object on standard output
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path


def read(module: str) -> dict:
    """{'scene', 'module', 'model': {...}, 'sentences': [{id, section, written, spoken}, ...]} of
    scenes/<module>.py, its storyboard played through with every animation skipped."""
    from manim import config, tempconfig

    from core import explainers
    from scenes import models

    spec = next(e for e in explainers.EXPLAINERS if e.module == module)
    cls = getattr(importlib.import_module(f"scenes.{module}"), spec.scene)
    config.verbosity = "ERROR"
    with tempconfig({"quality": "low_quality", "input_file": str(Path(__file__).with_name(f"{module}.py"))}):
        said = cls.storyboard()
    variant, seed = models.model_choice()
    return {"scene": spec.scene, "module": module,
            "model": {"variant": variant, "seed": seed, "checkpoints": str(models.checkpoint_dir())},
            "sentences": [s.row() for s in said]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m scenes.script", description=__doc__.split("\n\n")[0])
    p.add_argument("module", help="the explainer: scenes/<module>.py")
    args = p.parse_args(argv)
    os.environ["DECONV_VOICE"] = "off"  # nothing is spoken: only the words are wanted
    print(json.dumps(read(args.module), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
