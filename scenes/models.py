"""Which checkpoints a render draws: DECONV_VARIANT and DECONV_SEED choose the example model,
DECONV_CHECKPOINTS the folder every model is read from (default: the project's checkpoints/).
A missing or bad checkpoint stops the render with one line and exit status 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from core import weights

CHECKPOINTS_ENV, VARIANT_ENV, SEED_ENV = "DECONV_CHECKPOINTS", "DECONV_VARIANT", "DECONV_SEED"


def model_choice() -> tuple[str, int]:
    """(variant, seed) from DECONV_VARIANT and DECONV_SEED; default: the plain model, seed 22."""
    variant = os.environ.get(VARIANT_ENV, "plain")
    raw = os.environ.get(SEED_ENV, "22")
    try:
        seed = int(raw)
    except ValueError:
        fail(f"{SEED_ENV}={raw!r} is not a whole number (the shipped seeds are 11, 22, ..., 110)")
    return variant, seed


def checkpoint_dir() -> Path:
    """The folder every model of a render comes from: $DECONV_CHECKPOINTS, else checkpoints/."""
    return Path(os.environ.get(CHECKPOINTS_ENV) or weights.DEFAULT_DIR)


def load_model() -> weights.Checkpoint:
    """The chosen checkpoint; a missing or bad one stops the render with the loader's one line."""
    variant, seed = model_choice()
    try:
        return weights.load_checkpoint(variant, seed, checkpoint_dir())
    except weights.CheckpointError as e:
        fail(str(e))


def load_variant(variant: str, at_least: int = 2) -> list[weights.Checkpoint]:
    """Every seed of a variant in the checkpoint folder, in seed order; fewer than `at_least`, or a
    bad one, stops the render with one line saying what to train."""
    directory = checkpoint_dir()
    try:
        models = sorted(weights.load_all(directory, variant), key=lambda m: m.seed)
    except weights.CheckpointError as e:
        fail(str(e))
    if len(models) < at_least:
        out = "" if directory.resolve() == Path(weights.DEFAULT_DIR).resolve() else f" --out {directory}"
        fail(f"{directory}: this video needs at least {at_least} seeds of '{variant}' (found "
             f"{len(models)}); train them with: deconv train --variants {variant}{out}")
    return models


def fail(message: str):
    """Stop a render with one line on stderr and exit status 2 (no traceback)."""
    print(f"deconv: error: {message}", file=sys.stderr)
    raise SystemExit(2)
