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


def load_model(activation: str | None = None) -> weights.Checkpoint:
    """The chosen checkpoint; a missing or bad one stops the render with the loader's one line
    (naming the variables that chose it, where they are set). A video that explains one
    `activation` (the encoder video: tanh) stops with one line on a model that uses another."""
    variant, seed = model_choice()
    try:
        ck = weights.load_checkpoint(variant, seed, checkpoint_dir())
    except OSError as e:
        fail(unreadable(e, checkpoint_dir()))
    except weights.CheckpointError as e:
        chosen = [f"{k}={os.environ[k]}" for k in (VARIANT_ENV, SEED_ENV, CHECKPOINTS_ENV)
                  if os.environ.get(k)]
        fail(f"{e}{' (chosen by ' + ', '.join(chosen) + ')' if chosen else ''}")
    if activation is not None and ck.activation != activation:
        others = ", ".join(v for v in weights.VARIANTS if weights.activation_of(v) == activation)
        fail(f"{VARIANT_ENV}={variant}: its encoder uses {ck.activation}, and this video explains the "
             f"{activation} encoder; choose one of {others}")
    return ck


def shipped() -> bool:
    """Whether the render reads the project's own checkpoints/ (no DECONV_CHECKPOINTS elsewhere)."""
    return checkpoint_dir().resolve() == Path(weights.DEFAULT_DIR).resolve()


def load_variants(variants: tuple[str, ...], at_least: int = 1) -> dict[str, list[weights.Checkpoint]]:
    """Every seed of each variant in the checkpoint folder, in seed order. A folder that lacks some
    (fewer than `at_least` seeds of a variant), or holds a bad one, stops the render before anything
    is drawn, with one line naming every variant to train."""
    directory = checkpoint_dir()
    try:
        found = {v: sorted(weights.load_all(directory, v), key=lambda m: m.seed) for v in variants}
    except weights.CheckpointError as e:
        fail(str(e))
    except OSError as e:
        fail(unreadable(e, directory))
    short = [v for v in variants if len(found[v]) < at_least]
    if short:
        have = ", ".join(f"{v} {len(found[v])}" for v in short)
        out = "" if shipped() else f" --out {weights.shell_quote(directory)}"
        # one command per kind of training data: whole-curve trains on its own
        runs = [kind for kind in ([v for v in short if v not in weights.WHOLE_VARIANTS],
                                  [v for v in short if v in weights.WHOLE_VARIANTS]) if kind]
        train = " and ".join(f"deconv train --variants {' '.join(kind)}{out}" for kind in runs)
        fail(f"{directory}: this video needs at least {at_least} seeds of each of {', '.join(variants)} "
             f"(seeds found: {have}); train them with: {train}")
    return found


def unreadable(e: OSError, directory: Path) -> str:
    """One line for a checkpoint file or folder that cannot be read (permissions, a device error)."""
    what = e.filename or directory
    return (f"{what}: cannot read it ({e.strerror or type(e).__name__}); make it readable "
            f"(chmod -R u+rX {weights.shell_quote(directory)}) or set {CHECKPOINTS_ENV} to another folder")


def fail(message: str):
    """Stop a render with one line on stderr and exit status 2 (no traceback)."""
    print(f"deconv: error: {message}", file=sys.stderr)
    raise SystemExit(2)
