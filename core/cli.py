"""The `deconv` command: train, describe checkpoints, export data, import the article's own weights,
draw the figures, make clips and stills, index the rendered videos, build talk decks from them,
explain a transposed convolution.

Errors a user can fix print one line and exit with status 2; Ctrl-C in training exits 130.
Only `train` and `import-article` import torch, inside their command functions: `info`, `data`,
`figures`, `clip`, `index`, `slides` and `explain` never load it (tests/test_layering.py checks).
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import json
import math
import os
import re
import shutil
import signal
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from core import files, weights

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)  # '--strid 3' is a typo to report, not '--stride 3'
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # one line instead of usage + message
        raise UsageError(f"{message} (see {self.prog} --help)")


def _scale(text: str) -> float:
    """A noise standard deviation: a number >= 0."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not v >= 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0: {text!r}")
    return v


def _per_axis(text: str) -> tuple[int, ...]:
    """A per-axis setting of `deconv explain`: one whole number, or two joined by x (rows x columns)."""
    try:
        t = tuple(int(a) for a in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number (or two joined by x, as in 3x3): "
                                         f"{text!r}") from None
    if len(t) > 2:
        raise argparse.ArgumentTypeError(f"give one number, or two joined by x (rows x columns): {text!r}")
    return t


def _finite(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return v


SEED_MAX = 2**32 - 1  # numpy's legacy seeding (the data) takes 0 to 2**32 - 1; torch takes those too


def _positive(text: str) -> float:
    """A finite number > 0 (a learning rate, seconds between saves)."""
    v = _finite(text)
    if not v > 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0: {text!r}")
    return v


def _seconds(text: str) -> float:
    """A finite number of seconds >= 0."""
    v = _finite(text)
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be a number >= 0: {text!r}")
    return v


def _seed(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= v <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"use a seed from 0 to {SEED_MAX}: {text!r}")
    return v


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command. Torch-free: only `train` and `import-article` load torch, when
    they run (the defaults shown here come from `core.config`)."""
    from core import config
    from core.data import CHUNK, DATASIZE, SEED
    from core.explain import CHANNELS
    from core.explainers import EXPLAINERS, QUALITY_FOLDERS

    p = _Parser(prog="deconv", description=__doc__.split("\n\n")[0].replace("\n", " "))
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    t = sub.add_parser("train", help="train checkpoints (default: the article's full protocol)",
                       description="Train every variant x seed at once and export checkpoints.")
    variants = weights.VARIANTS
    t.add_argument("--variants", nargs="+", choices=variants, default=list(weights.PATCH_VARIANTS),
                   metavar="V",
                   help=f"variants to train, from: {', '.join(variants)} (default: the article's five, "
                        f"{', '.join(weights.PATCH_VARIANTS)}; {', '.join(weights.WHOLE_VARIANTS)} trains on "
                        "whole curves, on its own)")
    seeds = config.DEFAULT_SEEDS
    t.add_argument("--seeds", nargs="+", type=_seed, default=list(seeds), metavar="S",
                   help=f"seeds, one model per variant and seed (default: {seeds[0]} {seeds[1]} ... "
                        f"{seeds[-1]})")
    t.add_argument("--epochs", type=int, default=config.EPOCHS, help=f"default {config.EPOCHS}")
    t.add_argument("--lr", type=_positive, default=config.LR,
                   help=f"Adam learning rate (default {config.LR})")
    t.add_argument("--batch", type=int, default=config.BATCH, help=f"batch size (default {config.BATCH})")
    t.add_argument("--code-noise", nargs=len(config.CODE_NOISE), type=_scale,
                   default=list(config.CODE_NOISE),
                   metavar=tuple(f"S{k + 1}" for k in range(len(config.CODE_NOISE))),
                   help="code noise std per channel for code-noise and input-noise (default "
                        f"{' '.join(map(str, config.CODE_NOISE))}); code-noise-article uses their "
                        "running products")
    t.add_argument("--input-noise", type=_scale, default=config.INPUT_NOISE, metavar="S",
                   help=f"input noise std of the input-noise variant (default {config.INPUT_NOISE})")
    t.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"),
                   help="auto: CUDA when available, else CPU")
    t.add_argument("--out", type=Path, default=weights.DEFAULT_DIR, metavar="DIR",
                   help="where checkpoints go (default: the project's checkpoints/)")
    t.add_argument("--resume", action="store_true",
                   help=f"continue the interrupted run saved in DIR/{config.STATE_FILE}")
    t.add_argument("--save-every", type=_seconds, default=config.SAVE_EVERY, metavar="SECONDS",
                   help=f"save resumable state this often (default {config.SAVE_EVERY:g}; also on Ctrl-C)")
    t.add_argument("--force", action="store_true",
                   help="overwrite checkpoints in DIR that were trained with other settings")
    t.add_argument("--no-progress", action="store_true", help="no progress bar")
    _DEFAULTS.update({a.dest: a.default for a in t._actions})

    i = sub.add_parser("info", help="list checkpoints with their final losses, hashes verified")
    i.add_argument("--dir", type=Path, default=weights.DEFAULT_DIR,
                   help="checkpoint folder (default: the project's checkpoints/)")

    da = sub.add_parser("data", help="write the article's curves (data.npy format)")
    da.add_argument("--out", type=Path, required=True, metavar="FILE.npy",
                    help="curves, float64 (N, 15): 120 bytes a curve")
    da.add_argument("--params", type=Path, metavar="FILE.npy",
                    help="also write (p1, p2), (N, 2): 16 bytes a curve")
    da.add_argument("--n", type=int, default=DATASIZE,
                    help=f"number of curves, 1 to {DATA_MAX:,} (default {DATASIZE}); made and written "
                         f"{CHUNK:,} at a time, so memory stays under 100 MB whatever N; refused when "
                         f"the disk has no room for the files")
    da.add_argument("--seed", type=_seed, default=SEED, help=f"numpy seed, 0 to {SEED_MAX} (default {SEED})")
    da.add_argument("--force", action="store_true", help="replace files that are already there")

    im = sub.add_parser("import-article", help="convert the article's encoder_<seed>.pt files")
    im.add_argument("dir", type=Path, metavar="DIR",
                    help="folder with encoder_<seed>.pt and decoder_<seed>.pt")
    im.add_argument("--out", type=Path, default=weights.DEFAULT_DIR, metavar="DIR",
                    help="checkpoint folder to add them to (default: the project's checkpoints/)")
    im.add_argument("--force", action="store_true",
                    help="replace checkpoints of the same variant and seed already in --out")
    im.add_argument("--variant", default="article",
                    help="variant name to file them under (default: article)")
    f = sub.add_parser("figures", help="draw the article's figures from the checkpoints (PNG + SVG)",
                       description="Draw every figure of the article (ids of docs/article.md) from the "
                                   "shipped checkpoints into media/figures/.")
    f.add_argument("--only", nargs="+", metavar="ID", help="just these figure ids, e.g. --only F4 F14")
    f.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="where the figures go (default: media/figures/)")
    f.add_argument("--checkpoints", type=Path, default=weights.DEFAULT_DIR, metavar="DIR",
                   help="checkpoint folder (default: the project's checkpoints/)")
    f.add_argument("--format", nargs="+", choices=("png", "svg", "pdf"), default=["png", "svg"],
                   dest="formats", help="file formats (default: png svg)")
    f.add_argument("--list", action="store_true", help="list the figure ids and stop")
    f.add_argument("--force", action="store_true",
                   help="replace figure files in --out that deconv figures did not write, or that "
                        "changed since (a hand-edited SVG)")
    f.add_argument("--no-progress", action="store_true", help="no progress bar")

    c = sub.add_parser("clip", help="a looping GIF, PNG stills or a captioned copy of a rendered video",
                       description="Make a looping GIF (--gif) and/or evenly spaced PNG stills "
                                   "(--stills N) from a rendered video or section clip, or a copy "
                                   "with its subtitles drawn into the picture (--burn-captions). GIFs and "
                                   "stills are silent; the video copies keep a narrated render's sound.")
    c.add_argument("video", type=Path, metavar="VIDEO_OR_SECTION",
                   help="an .mp4 under media/videos/, e.g. a --save_sections clip")
    c.add_argument("--gif", action="store_true", help="write a looping GIF (silent: a GIF has no sound)")
    c.add_argument("--stills", type=int, metavar="N", help="write N evenly spaced PNG stills")
    c.add_argument("--fps", type=_finite, default=15.0, help="GIF frame rate (default 15)")
    c.add_argument("--width", type=int, default=None,
                   help="width in pixels, never enlarged (default: 960 for GIFs, the video's for stills)")
    c.add_argument("--out", type=Path, default=None, metavar="PATH",
                   help="the GIF file, or the stills' folder (default: beside the video, "
                        "VIDEO.gif and VIDEO_stills/)")
    c.add_argument("--burn-captions", action="store_true",
                   help="write a copy with the subtitles drawn in (open captions): VIDEO.captioned.mp4, "
                        "with the video's narration")
    c.add_argument("--alpha", choices=("prores", "webm"), default=None,
                   help="re-encode a transparent render (manim -t) for editors: prores (ProRes 4444 "
                        ".mov: Premiere, Final Cut, DaVinci) or webm (VP9 with alpha: browsers); the "
                        "narration is kept (AAC in the .mov, Opus in the .webm)")
    c.add_argument("--srt", type=Path, default=None, metavar="FILE.srt",
                   help="the subtitles to burn in (default: the .srt beside the video)")
    c.add_argument("--force", action="store_true",
                   help="replace files there that deconv clip did not write, or that changed since "
                        "(its own unchanged files it replaces without --force)")
    c.add_argument("--no-progress", action="store_true", help="no progress bar")

    x = sub.add_parser("index", help="write media/index.html listing the rendered videos",
                       description="Write an HTML page listing every rendered explainer and "
                                   "section clip, with durations, posters and captions.")
    x.add_argument("--media", type=Path, default=Path("media"), metavar="DIR",
                   help="Manim's media folder (default: media)")
    x.add_argument("--quality", choices=tuple(QUALITY_FOLDERS), default=None,
                   help="list renders of this quality (default: the best rendered of each video)")
    x.add_argument("--force", action="store_true",
                   help="replace an index.html in DIR that deconv index did not write")

    sl = sub.add_parser(
        "slides", help="talk decks from the rendered videos: manim-slides, offline HTML, PowerPoint",
        description="Turn each rendered explainer into a deck, one slide per section, with the "
                    "section's subtitles as its speaker notes: a manim-slides presentation (manim-slides "
                    "present), one HTML file that plays offline (S opens the presenter view), and a .pptx "
                    "whose clips play on entering each slide; and all.html, every explainer in watch "
                    "order. Nothing is rendered here: make slides renders what is missing first.",
        epilog="examples: deconv slides; deconv slides --quality l; deconv slides --theme light")
    sl.add_argument("--quality", choices=tuple(QUALITY_FOLDERS), default=None,
                    help="the renders to build from (default: the best quality rendered)")
    sl.add_argument("--theme", choices=("dark", "light"), default=None,
                    help="light: the renders in media/light/ (DECONV_THEME=light make videos); default dark")
    sl.add_argument("--media", type=Path, default=None, metavar="DIR",
                    help="Manim's media folder (default: media, or media/light with --theme light)")
    sl.add_argument("--out", type=Path, default=None, metavar="DIR",
                    help="where the decks go (default: DIR/slides)")
    sl.add_argument("--max-height", type=int, default=None, metavar="PIXELS",
                    help="PowerPoint clips taller than this are scaled down (default 1080, what PowerPoint "
                         "plays on Windows and macOS; 0 keeps them as rendered)")
    sl.add_argument("--voice", action="store_true",
                    help="keep the narration of narrated renders in the clips (by default decks are silent "
                         "and the speaker notes hold the script, for a presenter who speaks)")
    sl.add_argument("--force", action="store_true",
                    help="replace deck files there that deconv slides did not write, or that were edited")
    sl.add_argument("--no-progress", action="store_true", help="no progress bars")

    n = sub.add_parser(
        "narration", help="the script of an explainer, to record in your own voice (text, a page to print)",
        description="Write the narration script of an explainer, with the model's numbers filled in: one "
                    "line per sentence (its id, section, subtitle and spoken form) as DIR/script.txt, and "
                    "DIR/script.html to print and read from. Record each sentence as DIR/<id>.wav with any "
                    "tool, then render with DECONV_VOICE=recorded DECONV_VOICE_DIR=DIR manim -qh "
                    "scenes/SCENE.py. The model is the one a render would draw now (DECONV_VARIANT, "
                    "DECONV_SEED, DECONV_CHECKPOINTS).",
        epilog="examples: deconv narration decoder; deconv narration encoder --out my-voice/encoder")
    n.add_argument("scene", metavar="SCENE",
                   help="the explainer: " + ", ".join(e.module for e in EXPLAINERS[:-1])
                        + f" or {EXPLAINERS[-1].module}")
    n.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="the folder for the script and your recordings (default: narration/SCENE)")
    n.add_argument("--force", action="store_true",
                   help="replace a script.txt or script.html there that deconv narration did not write")

    ex = sub.add_parser(
        "explore", help="write media/explorer.html: set any transposed convolution by hand, in a browser",
        description="Write one self-contained HTML page (no network, opens from file://) where any "
                    "conv_transpose1d/2d setting and its values can be set by hand and are computed as "
                    "PyTorch computes them, with the article's trained decoder as a preset.")
    ex.add_argument("--out", type=Path, default=None, metavar="PATH",
                    help="where the page goes (default: media/explorer.html)")
    ex.add_argument("--open", action="store_true", help="open the page in the default browser")
    ex.add_argument("--theme", choices=("dark", "light"), default="dark", help="the theme it opens in")
    ex.add_argument("--force", action="store_true",
                    help="replace a file at --out that deconv explore did not write")

    e = sub.add_parser(
        "explain", help="print a transposed convolution step by step (text, or --json)",
        description="Print how ConvTranspose1d / ConvTranspose2d computes its output: each input "
                    "value's copy of the kernel (its stamp) and where it lands, their sum, what "
                    "padding crops and output_padding keeps, the bias, the output, and its length by "
                    "the formula. Values: a small integer example, --seed N random integers, your own "
                    "--input and --weight, or --article's trained decoder.",
        epilog='examples: deconv explain; deconv explain --input "1 2 3 4" --weight "1 0 -1" '
               '--stride 3 --padding 0 --output-padding 0; deconv explain --kernel 3x3 --size 2x2; '
               'deconv explain --article --json')
    for name, default in (("kernel", "3"), ("stride", "2"), ("padding", "1"), ("output-padding", "1"),
                          ("dilation", "1")):
        e.add_argument(f"--{name}", type=_per_axis, metavar="N", help=f"{name.replace('-', '_')}: a "
                       f"whole number, or two joined by x for 2-D, as in 3x3 (default {default})")
    e.add_argument("--size", type=_per_axis, metavar="N",
                   help="input length (2-D: rows x columns; default 4, in 2-D 3x3)")
    e.add_argument("--dims", type=int, choices=(1, 2),
                   help="1 or 2 spatial axes (default 1; 2 when any value is AxB or --input has rows)")
    e.add_argument("--seed", type=_seed, metavar="N",
                   help="random small integers for the input (-3..3) and the kernel (-2..2) instead "
                        "of the example 1 2 3 ...")
    e.add_argument("--input", metavar="VALUES",
                   help='the input: "1 2 3 4"; 2-D rows split by ";", as in "1 2; 3 4"; several input '
                        f'channels (at most {CHANNELS}) split by "|", as in "1 2 3 | 4 5 6" (sets --size)')
    e.add_argument("--weight", metavar="VALUES",
                   help="the kernel, written as --input is; one kernel per input channel, split by "
                        '"|" (sets --kernel; out_channels is 1)')
    e.add_argument("--bias", type=_finite, metavar="B", help="a bias added to every output sample")
    e.add_argument("--article", action="store_true",
                   help="the article's trained decoder, ConvTranspose1d(3, 1, 7, stride=4), on the "
                        "code of the example curve")
    e.add_argument("--variant", help="with --article: the model's variant (default plain)")
    e.add_argument("--model-seed", type=int, metavar="S",
                   help="with --article: the model's training seed (default 22)")
    e.add_argument("--checkpoints", type=Path, metavar="DIR",
                   help="with --article: checkpoint folder (default: the project's checkpoints/)")
    e.add_argument("--json", action="store_true",
                   help="print one JSON object instead: input, weight, bias, stride, padding, "
                        "output_padding, dilation, output, shaped as torch.nn.functional."
                        "conv_transpose1d/2d takes and returns them (no batch axis)")
    return p


# --- commands ---------------------------------------------------------------------------------
_DEFAULTS: dict[str, object] = {}  # the train options' defaults, filled by build_parser


def cmd_train(args: argparse.Namespace) -> int:
    from core import train as tr

    try:
        device = tr.resolve_device(args.device)
    except ValueError as e:
        raise UsageError(str(e)) from None
    out: Path = args.out
    state_path = out / tr.STATE_FILE
    resume_hint = (f"deconv train --resume{' --force' if args.force else ''} --device {device.type} "
                   f"--out {weights.shell_quote(out)}")
    if state_path.exists() and not state_path.is_file():
        raise UsageError(f"{state_path}: a folder is where the saved state goes; move it away")
    if args.resume:
        settings = ("variants", "seeds", "epochs", "lr", "batch", "code_noise", "input_noise")
        given = [f"--{k.replace('_', '-')}" for k in settings
                 if getattr(args, k) != _DEFAULTS.get(k, getattr(args, k))]
        if given:
            raise UsageError(f"--resume continues the saved run with its own settings; drop "
                             f"{' '.join(given)} (or start a new run in another --out folder)")
        if not state_path.is_file():
            raise UsageError(f"{state_path}: no interrupted run to resume; start one with "
                             f"deconv train --out {weights.shell_quote(out)}")
        try:
            cfg, saved_device, _ = tr.read_state(state_path)
        except Exception as e:  # noqa: BLE001 - any unreadable state is one message
            why = e if isinstance(e, tr.StateError) else type(e).__name__
            raise UsageError(f"{state_path}: cannot read the saved state ({why}); "
                             "delete it and start again with deconv train --out "
                             f"{weights.shell_quote(out)}") from None
        if saved_device != device.type:
            where = " on a machine with CUDA" if saved_device == "cuda" else ""
            raise UsageError(f"{state_path} was saved on {saved_device}; resume it with "
                             f"--device {saved_device}{where} (a run continues on the device it began on)")
    else:
        if state_path.exists():
            raise UsageError(f"{state_path}: an interrupted run is waiting here; continue it with "
                             f"{resume_hint}, or delete that file")
        try:
            cfg = tr.TrainConfig(variants=args.variants, seeds=args.seeds, epochs=args.epochs,
                                 lr=args.lr, batch=args.batch, code_noise=args.code_noise,
                                 input_noise=args.input_noise)
        except ValueError as e:
            raise UsageError(str(e)) from None
    _check_writable(out)
    lock = _lock_out(out)  # noqa: F841 - held until the process ends
    _check_out_for_training(out, cfg, args.force)
    n = len(cfg.models())
    seeds = " ".join(map(str, cfg.seeds))
    print(f"training {n} model{'s' if n > 1 else ''} ({', '.join(cfg.variants)} x seeds {seeds}) "
          f"for {cfg.epochs} epochs on {device.type}", file=sys.stderr)
    try:
        result = tr.train(cfg, device, state_path=state_path, resume=args.resume,
                          save_every=args.save_every, progress=not args.no_progress)
    except tr.TrainingInterrupted as e:
        _quiet_signals()
        print(f"deconv train: interrupted; {e.epoch} epochs done and saved to {e.state_path}. "
              f"Continue with: {resume_hint}", file=sys.stderr)
        return 128 + e.signum  # 130 after Ctrl-C, 143 after SIGTERM, as the shell reports them
    except tr.StateError as e:
        raise UsageError(f"{state_path}: {e}; delete it and start again with deconv train --out "
                         f"{weights.shell_quote(out)}") from None
    bad = [f"{v} seed {s}" for (v, s), row in zip(cfg.models(), result.flat)
           if not np.all(np.isfinite(row))]
    if bad:
        raise UsageError(f"training diverged (NaN or infinite weights: {', '.join(bad[:3])}"
                         f"{', ...' if len(bad) > 3 else ''}); nothing was written. Try a smaller --lr or "
                         f"noise, in a new run (delete {state_path} first)")
    try:
        with tr.signals_as_interrupt():  # Ctrl-C or SIGTERM while writing: the state stays, one line
            files = tr.export(result, out, state_path=state_path)
    except KeyboardInterrupt as e:
        _quiet_signals()
        print(f"deconv train: interrupted while writing the checkpoints; the trained state is kept in "
              f"{state_path}. Write them with: {resume_hint}", file=sys.stderr)
        return 128 + (signal.SIGTERM if isinstance(e, tr.Terminated) else signal.SIGINT)
    except (OSError, weights.CheckpointError) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise UsageError(f"{out}: could not write the checkpoints ({why}); the trained state is kept in "
                         f"{state_path}: fix that, then write them with {resume_hint}") from None
    _quiet_signals()  # done: a late Ctrl-C must not print tracebacks from Python's exit handlers
    print(f"trained {n} models in {result.seconds:.1f} s "
          f"({result.model_steps_per_second:,.0f} model-steps/s); wrote {len(files)} checkpoints "
          f"and {out / weights.MANIFEST}")
    return 0


def _quiet_signals() -> None:
    """Ignore Ctrl-C and SIGTERM from here on (the work is saved; the process is about to end)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


def _lock_out(out: Path):
    """An exclusive lock on `out` for this run (released when the process ends, however it ends):
    a second `deconv train` into the same folder would overwrite the first one's saved state."""
    import fcntl

    from core import files

    if not files.inside(out / ".train.lock", out):  # opening it would make or touch a file elsewhere
        raise UsageError(f"{out / '.train.lock'}: a link out of {out}; remove it (deconv makes this "
                         "lock file itself)")
    f = open(out / ".train.lock", "a")  # noqa: SIM115 - kept open for the lock's lifetime
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        raise UsageError(f"{out}: another deconv train is running in this folder; wait for it to end, "
                         "or train into another --out") from None
    return f


_MADE: list[Path] = []  # folders this run made (deepest first), removed again if it fails and they are empty


def _unmake_folders() -> None:
    """After a failed command: remove the folders it made that are still empty (never anything else)."""
    while _MADE:
        try:
            _MADE.pop(0).rmdir()
        except OSError:  # not empty, or gone
            pass


def _check_writable(folder: Path) -> None:
    """The folder exists (made if need be) and a file can be written in it: checked before hours of
    training, not after."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"{folder}: cannot create this folder ({e.strerror})") from None
    _MADE.extend(missing)  # deepest first: removed again, if still empty, when the command fails
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise UsageError(f"{folder}: cannot write here ({e.strerror}); choose another --out") from None


# what a checkpoint's metadata says of the settings it was trained with, and the TrainConfig's value
_SETTINGS = {"epochs": lambda c, v: c.epochs, "lr": lambda c, v: c.lr, "batch": lambda c, v: c.batch,
             "code_noise": lambda c, v: list(c.noise(v)[0]), "input_noise": lambda c, v: c.noise(v)[1],
             "activation": lambda c, v: weights.activation_of(v)}


def _check_out_for_training(out: Path, cfg, force: bool) -> None:
    """Before the first epoch: each variant's folder can be made inside `out` (not through a link
    out of it), the manifest may be added to, and no checkpoint trained with other settings, nor a
    link out of `out` where a checkpoint goes, would be replaced without --force."""
    from core import files

    for v in cfg.variants:
        if (out / v).exists() and not (out / v).is_dir():
            raise UsageError(f"{out / v}: a file is where the {v} checkpoints' folder goes; move it away")
    try:
        weights.check_destinations(out, cfg.models())
        weights.check_manifest_writable(out)
    except weights.CheckpointError as e:
        raise UsageError(str(e)) from None
    if force:
        return
    differ = []
    for v, seed in cfg.models():
        path = weights.checkpoint_path(out, v, seed)
        if path.is_symlink() and not files.inside(path, out):  # not read through, not replaced
            raise UsageError(f"{path}: a link to {files.target(path)}, outside {out}; remove the link (what "
                             "it points to stays), or replace it with --force (the link, not what it "
                             "points to)")
        if not path.is_file():
            continue
        try:
            meta = weights.safetensors_metadata(path)
        except Exception:  # noqa: BLE001 - a damaged file: replacing it is the repair its hint gives
            continue
        for key, want in _SETTINGS.items():
            have = meta.get(key, '"tanh"' if key == "activation" else None)
            try:
                have = json.loads(have) if have is not None else None
            except ValueError:
                pass
            if have != want(cfg, v):
                differ.append((v, seed, f"{key} {have} there, {want(cfg, v)} now"))
                break
    if differ:
        v, seed, what = differ[0]
        many = f"{len(differ)} checkpoint{'s' if len(differ) > 1 else ''}"
        raise UsageError(f"{out}: {many} there were trained with other settings ({v} seed {seed}: {what}); "
                         "overwrite them with --force, or train into another --out")


def cmd_info(args: argparse.Namespace) -> int:
    directory: Path = args.dir
    manifest = weights.read_manifest(directory)
    rows, errors, finals = [], [], {}
    for m in manifest["models"]:
        try:
            ck = weights.load_entry(directory, m)
        except weights.CheckpointError as e:
            errors.append(str(e))
            rows.append((m["variant"], str(m["seed"]), "?", "?", "FAILED"))
            continue
        epochs = str(ck.epochs) if ck.metadata.get("source") == "deconv train" else "-"
        rows.append((ck.variant, str(ck.seed), epochs, f"{ck.final_loss:.3e}", "verified"))
        finals.setdefault(ck.variant, []).append(ck.final_loss)
    print(f"{len(rows)} checkpoints in {_shown(directory)}")
    header = ("variant", "seed", "epochs", "final loss", "sha256")
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(5)]
    for r in [header, *rows]:
        print("  ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(r, widths))))
    if finals:
        print("final loss, mean over seeds: " + ", ".join(
            f"{v} {np.mean(x):.3e} ({len(x)})" for v, x in finals.items()))
    for e in errors:
        print(f"deconv: error: {e}", file=sys.stderr)
    return EXIT_USAGE if errors else 0


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path)


DATA_MAX = 10**8  # curves deconv data writes at most: 12 GB of curves


def cmd_data(args: argparse.Namespace) -> int:
    from core import data

    if not 1 <= args.n <= DATA_MAX:
        raise UsageError(f"--n: give a number of curves from 1 to {DATA_MAX:,}")
    targets = [args.out] + ([args.params] if args.params else [])
    if args.params and args.params.resolve() == args.out.resolve():
        raise UsageError("--params names the same file as --out; give it a file of its own")
    for f in targets:
        if f.is_dir():
            raise UsageError(f"{f}: is a folder; give a file name ending in .npy, e.g. {f / 'data.npy'}")
        if f.suffix != ".npy":
            raise UsageError(f"{f}: give a file name ending in .npy")
        if f.parent.exists() and not f.parent.is_dir():
            raise UsageError(f"{f}: {f.parent} is a file, not a folder")
        if not f.parent.is_dir():
            raise UsageError(f"{f}: folder {f.parent} does not exist")
        if f.exists() and not args.force:
            raise UsageError(f"{f}: already there; replace it with --force, or write another file")
    shapes = {args.out: (args.n, data.WINSIZE), **({args.params: (args.n, 2)} if args.params else {})}
    _room_for(shapes, args.n)
    _save_npy(shapes, data.curve_chunks(args.n, args.seed))  # curves and their params, a chunk at a time
    print(f"wrote {args.out}: {args.n} curves x {data.WINSIZE} samples, float64")
    if args.params:
        print(f"wrote {args.params}: (p1, p2) of each curve, {(args.n, 2)}")
    return 0


def _npy_header(shape: tuple[int, ...]) -> bytes:
    """The header np.save writes before a C-order float64 array of `shape`."""
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buf.getvalue()


def _room_for(shapes: dict[Path, tuple[int, ...]], n: int) -> None:
    """UsageError, before anything is written, when a folder's disk has no room for the .npy files of
    `shapes` (float64) going there: they are written whole beside any file they replace."""
    need: dict[int, tuple[Path, int]] = {}
    for path, shape in shapes.items():
        dev = path.parent.stat().st_dev
        size = len(_npy_header(shape)) + 8 * math.prod(shape)
        need[dev] = (path.parent, need.get(dev, (path.parent, 0))[1] + size)
    for folder, size in need.values():
        free = shutil.disk_usage(folder).free
        if size > free:
            raise UsageError(f"{n:,} curves take {_gb(size)} on the disk of {_shown(folder)}, which has "
                             f"{_gb(free)} free; ask for fewer with --n, or write them elsewhere")


def _gb(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e8 else f"{size / 1e6:.1f} MB"


def _save_npy(shapes: dict[Path, tuple[int, ...]], chunks) -> None:
    """Write float64 .npy files (byte for byte as np.save writes them) of the given shapes, their rows
    coming in `chunks` (one array per file each time, in the order of `shapes`): each file goes
    through a temporary file in its folder (files.replacing), renamed into place once every row is
    written; on any error the temporary files are removed, nothing is half-written. Memory: one chunk."""
    import contextlib

    with contextlib.ExitStack() as stack:
        outs = []
        for path, shape in shapes.items():
            f = stack.enter_context(files.replacing(path))
            f.write(_npy_header(shape))
            outs.append((f, path, shape[0]))
        rows = [0] * len(outs)
        for parts in chunks:
            for k, ((f, _, _), part) in enumerate(zip(outs, parts)):
                f.write(np.ascontiguousarray(part, dtype="<f8").data)
                rows[k] += len(part)
        for (_, path, n), written in zip(outs, rows):
            if written != n:
                raise RuntimeError(f"{path}: {written} rows made for {n}")


def cmd_import_article(args: argparse.Namespace) -> int:
    import torch

    from core.data import make_patches

    src: Path = args.dir
    if not src.is_dir():
        raise UsageError(f"{src}: no such folder")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", args.variant):
        raise UsageError(f"--variant {args.variant!r}: a plain name: letters, digits, '-' or '_', "
                         "starting with a letter or digit")
    # the seed as written in the file name ("011" stays "011" in the decoder's name), by its number;
    # two names of one seed (encoder_011.pt and encoder_11.pt) are refused, not picked between
    named: dict[tuple[str, int], list[str]] = {}
    for f in src.iterdir():
        if m := re.fullmatch(r"(encoder|decoder)_(\d+)\.pt", f.name):
            named.setdefault((m.group(1), int(m.group(2))), []).append(f.name)
    for (part, seed), names in sorted(named.items()):
        if len(names) > 1:
            a, *others = sorted(names)
            raise UsageError(f"{src}: {a} and {' and '.join(others)} {'both' if len(names) == 2 else 'all'} "
                             f"hold the {part} of seed {seed}; "
                             "move all but one away, then import again (nothing was written)")
    written_as = {seed: names[0][len("encoder_"):-len(".pt")]
                  for (part, seed), names in named.items() if part == "encoder"}
    seeds = sorted(written_as)
    if not seeds:
        raise UsageError(f"{src}: no encoder_<seed>.pt files (the article saves "
                         f"models/encoder_<seed>.pt and models/decoder_<seed>.pt)")
    weights.check_destinations(args.out, [(args.variant, s) for s in seeds])  # before anything is made
    _check_writable(args.out)
    try:
        weights.check_manifest_writable(args.out)
    except weights.CheckpointError as e:
        raise UsageError(str(e)) from None
    patches = make_patches()
    models = []
    for seed in seeds:
        sd = {}
        for part, keys in (("encoder", ("conv.weight", "conv.bias")),
                           ("decoder", ("deconv.weight", "deconv.bias"))):
            f = src / f"{part}_{written_as[seed]}.pt"
            if f.is_dir():
                raise UsageError(f"{f}: a folder, not a saved state dict")
            if not f.is_file():
                raise UsageError(f"{f}: missing (each encoder_<seed>.pt needs its decoder_<seed>.pt)")
            state = _state_dict(f, part, torch)
            for k in keys:
                want = weights.PARAM_SHAPES[f"{part}.{k}"]
                v = state.get(k)
                if v is None:
                    found = ", ".join(sorted(state)) or "no tensors"
                    raise UsageError(f"{f}: has no '{k}' (found {found}); is this the article's {part}?")
                if tuple(v.shape) != want:
                    raise UsageError(f"{f}: '{k}' has shape {tuple(v.shape)}, the article's {part} has "
                                     f"{want} (3 channels, kernel 7)")
                sd[f"{part}.{k}"] = v.detach().float().numpy()
        ck = weights.Checkpoint(args.variant, seed, Path(), sd["encoder.conv.weight"][:, 0],
                                sd["encoder.conv.bias"], sd["decoder.deconv.weight"][:, 0],
                                float(sd["decoder.deconv.bias"][0]), np.zeros(0))
        with np.errstate(all="ignore"):  # inf weights: said below in one line, not warned about
            loss = float(np.mean((ck.decode(ck.encode(patches)) - patches) ** 2))
        if not np.isfinite(loss):
            raise UsageError(f"{src}: seed {seed} holds NaN or infinite weights")
        models.append((args.variant, seed, {**sd, weights.LOSS_KEY: np.zeros(0)}, {
            "variant": args.variant, "seed": seed, "epochs": 0, "final_loss": loss,
            "source": f"deconv import-article {weights.shell_quote(src.resolve())}",
            "torch": torch.__version__,
        }))
    # every file was read and checked; nothing a user has is replaced without --force (checked under
    # the folder's writer lock, so that an import running beside this one is seen)
    def nothing_replaced(final: list[Path]) -> None:
        there = [p for p in final if p.exists() or p.is_symlink()]
        if there and not args.force:
            raise UsageError(f"{there[0]}: already there ({len(there)} of the {len(models)} to import); "
                             "replace them with --force, or import into another --out or --variant")

    nothing_replaced([weights.checkpoint_path(args.out, v, s) for v, s, _, _ in models])
    try:
        written = weights.install_checkpoints(args.out, models, check=nothing_replaced)
    except OSError as e:
        raise UsageError(f"{args.out}: could not write the checkpoints ({e.strerror or e}); nothing "
                         "was imported") from None
    for (_, seed, _, meta), path in zip(models, written):
        print(f"seed {seed}: loss on the training patches {meta['final_loss']:.3e} -> {path}")
    print(f"imported {len(written)} models as variant '{args.variant}' into {args.out}")
    return 0


# where the usual ways of saving put the state dict: a checkpoint dict's keys, then the prefixes that
# nn.DataParallel / DistributedDataParallel ("module.") and torch.compile ("_orig_mod.") add
_WRAPPERS = ("state_dict", "model_state_dict", "model", "net")
_PREFIXES = ("module.", "_orig_mod.")


def _pickles_a_module(f: Path) -> bool:
    """Whether a torch.save file holds a pickled nn.Module (torch.save(model)), read from the
    pickle's bytes without unpickling anything."""
    import zipfile

    try:
        with zipfile.ZipFile(f) as z:
            return any(b"torch.nn.modules" in z.read(n) for n in z.namelist() if n.endswith("data.pkl"))
    except zipfile.BadZipFile:  # torch's older, plain-pickle format: the class names are in the bytes
        with open(f, "rb") as raw:
            return b"torch.nn.modules" in raw.read(1 << 20)
    except OSError:
        return False


ARTICLE_FILE_MAX = 16 << 20  # bytes: an article's encoder or decoder file is about 1.5 KB; even with an
# optimizer's state or a training log around it, far below this


def _state_dict(f: Path, part: str, torch) -> dict:
    """The tensors of an article file saved in any of the usual ways: a state dict, one wrapped in a
    checkpoint dict ({"model": ...}, {"state_dict": ...}), with DataParallel's or torch.compile's
    key prefixes. A whole pickled model is refused (loading it would run code) with the line that
    re-saves it as a state dict; anything else with a message of its own. A file far larger than the
    article's models can be is refused before it is read (torch.load reads a file whole)."""
    size = f.stat().st_size
    if size > ARTICLE_FILE_MAX:
        raise UsageError(f"{f}: {size / 1e6:,.0f} MB, far more than the article's {part} (a few KB: "
                         f"{weights.N_CHANNELS} filters of {weights.KERNEL} taps); not read. Give the files "
                         "the article's training saved")
    try:
        with warnings.catch_warnings():  # torch warns about pickle protocols it may refuse
            warnings.simplefilter("ignore")
            state = torch.load(f, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - anything unreadable is one message
        if _pickles_a_module(f):
            cls = re.search(r"GLOBAL ([\w.]+)", str(e))
            raise UsageError(
                f"{f}: a whole pickled model{' (' + cls.group(1) + ')' if cls else ''}, saved with "
                "torch.save(model); loading it would run its code, so it is refused. Where the model is "
                f"defined, re-save its weights: torch.save(model.state_dict(), {str(f.name)!r})") from None
        raise UsageError(f"{f}: not a readable state dict ({type(e).__name__}); expected the tensors "
                         "saved by torch.save(model.state_dict(), ...)") from None
    for _ in range(3):  # unwrap {"model": {...}} and the like
        if isinstance(state, dict) and not any(torch.is_tensor(v) for v in state.values()):
            inner = next((state[k] for k in _WRAPPERS if isinstance(state.get(k), dict)), None)
            if inner is None:
                break
            state = inner
    if not isinstance(state, dict):
        raise UsageError(f"{f}: holds a {type(state).__name__}, not a state dict; is this the article's "
                         f"{part}?")
    tensors = {}
    for k, v in state.items():
        if not torch.is_tensor(v):
            continue
        name = str(k)
        while name.startswith(_PREFIXES):
            name = name.split(".", 1)[1]
        tensors[name] = v
    return tensors


def cmd_figures(args: argparse.Namespace) -> int:
    import time

    from core import figures

    try:
        chosen = figures.specs(args.only)
    except ValueError as e:
        raise UsageError(str(e)) from None
    if args.list:
        for spec in chosen:
            print(f"{spec.id:4s} {spec.stem:32s} {spec.title}")
        return 0
    out = args.out if args.out is not None else figures.DEFAULT_OUT
    _check_writable(out)
    weights.read_manifest(args.checkpoints)  # a missing checkpoint folder is one line, up front
    t = time.perf_counter()
    try:
        written = figures.generate([s.id for s in chosen], out, args.checkpoints, args.formats,
                                   progress=not args.no_progress, force=args.force)
    except figures.FiguresError as e:
        raise UsageError(str(e)) from None
    print(f"wrote {len(chosen)} figures ({len(written)} files) to {_shown(out)} "
          f"in {time.perf_counter() - t:.1f} s")
    return 0


def cmd_clip(args: argparse.Namespace) -> int:
    from core import clip

    if args.burn_captions or args.alpha:
        if args.gif or args.stills is not None or (args.burn_captions and args.alpha):
            raise UsageError("--burn-captions and --alpha each make a video of their own; make one per run")
        return _burn_captions(args, clip) if args.burn_captions else _alpha(args, clip)
    if not args.gif and args.stills is None:
        raise UsageError("say what to make: --gif, --stills N, or both (or --burn-captions)")
    if args.width is not None and args.width < 16:
        raise UsageError(f"--width {args.width}: give at least 16 pixels")
    if args.fps <= 0 or args.fps > 100:
        raise UsageError(f"--fps {args.fps:g}: give a frame rate above 0 and at most 100")
    if args.gif and args.stills is not None and args.out is not None:
        raise UsageError("--out names one GIF or one stills folder; make them one at a time")
    try:
        info = clip.probe(args.video)
        # a bad N, a 10-hour frame, a file that is not ours: each stops before anything is written
        if args.stills is not None:
            clip.still_times(info, args.stills)
            folder = args.out or args.video.with_name(f"{args.video.stem}_stills")
            clip.check(folder, clip.still_names(info, args.stills), args.force)
        if args.gif:
            out = args.out or args.video.with_suffix(".gif")
            if out.suffix.lower() != ".gif":
                raise clip.ClipError(f"--out {out}: a GIF file name ends in .gif")
            clip.gif_rate(info, args.fps)
            clip.check(out.parent, [out.name], args.force)
            _check_writable(out.parent)
            with clip.claimed(out, args.force):
                r = clip.write_gif(info, out, args.fps, 960 if args.width is None else args.width,
                                   progress=not args.no_progress)
            print(f"wrote {_shown(out)}: {r['frames'] / r['fps']:.1f} s at {r['fps']:g} fps, "
                  f"{r['width']}x{r['height']}, {r['bytes'] / 1e6:.1f} MB, looping")
        if args.stills is not None:
            _check_writable(folder)
            paths = clip.write_stills(info, args.stills, folder, args.width, force=args.force)
            print(f"wrote {len(paths)} stills to {_shown(folder)}/")
    except clip.ClipError as e:
        raise UsageError(str(e)) from None
    return 0


def _copy_of_video(args: argparse.Namespace, default: Path, ending: str, what: str, clip) -> Path:
    """Where a re-encoded copy of the video goes (--out, else `default`): a file name ending in
    `ending`, not the video itself, not a file there that deconv clip did not write (or that changed
    since) unless --force, in a writable folder."""
    out = args.out or default
    if not out.name.lower().endswith(ending):
        raise UsageError(f"--out {out}: {what} ends in {ending}")
    if out.resolve() == args.video.resolve():
        raise UsageError(f"--out {out}: that is the video itself; write the copy elsewhere")
    try:
        clip.check(out.parent, [out.name], args.force)
    except clip.ClipError as e:
        raise UsageError(str(e)) from None
    _check_writable(out.parent)
    return out


def _alpha(args: argparse.Namespace, clip) -> int:
    try:
        info = clip.probe(args.video)
    except clip.ClipError as e:
        raise UsageError(str(e)) from None
    if not clip.has_alpha(info):
        raise UsageError(f"{args.video}: not a transparent render (no alpha); render one with "
                         "manim -t (a QuickTime .mov), then convert that")
    suffix, *_, what = clip.ALPHA_FORMATS[args.alpha]
    default = args.video.with_name(args.video.name.split(".")[0] + suffix)
    out = _copy_of_video(args, default, "." + suffix.rsplit(".", 1)[1], f"a {args.alpha} file name", clip)
    try:
        with clip.claimed(out, args.force):
            r = clip.write_alpha(info, args.alpha, out, progress=not args.no_progress)
    except clip.ClipError as e:
        raise UsageError(str(e)) from None
    print(f"wrote {_shown(out)}: {r['frames']} frames, {r['bytes'] / 1e6:.1f} MB ({what})")
    return 0


def _burn_captions(args: argparse.Namespace, clip) -> int:
    from core import subtitles

    try:
        info = clip.probe(args.video)
    except clip.ClipError as e:
        raise UsageError(str(e)) from None
    srt, span = args.srt or args.video.with_suffix(".srt"), None
    if args.srt is None and not srt.is_file():
        # a section clip has no .srt of its own: its video's, cut to the section (what it narrates)
        srt, span = subtitles.section_source(args.video) or (srt, None)
    if not srt.is_file():
        raise UsageError(f"{srt}: no subtitles to burn in; Manim writes them beside the video it renders "
                         "(a section clip's are its video's, found through the sections list)")
    try:
        cues = subtitles.read_srt(srt)
    except (ValueError, UnicodeDecodeError) as e:
        raise UsageError(f"{srt}: not a readable .srt ({str(e).splitlines()[0][:80]})") from None
    if span is not None:
        cues = subtitles.clip(cues, span.start, span.end)
    out = _copy_of_video(args, args.video.with_name(f"{args.video.stem}.captioned.mp4"), ".mp4",
                         "the captioned copy's name", clip)
    try:
        with clip.claimed(out, args.force):
            r = clip.write_captioned(info, cues, out, progress=not args.no_progress)
    except clip.ClipError as e:
        raise UsageError(str(e)) from None
    print(f"wrote {_shown(out)}: {r['frames']} frames, {r['captioned']} with a caption, "
          f"{r['width']}x{r['height']} (the picture, and a band for the captions under it), "
          f"{r['bytes'] / 1e6:.1f} MB")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from core import videos

    if not args.media.is_dir():
        raise UsageError(f"{args.media}: no such folder; render the videos first with make videos")
    try:
        out, found = videos.write_index(args.media, args.quality, force=args.force)
    except videos.ForeignIndex as e:
        raise UsageError(str(e)) from None
    n_sections = sum(len(e.sections) for e in found)
    print(f"wrote {_shown(out)}: {len(found)} videos, {n_sections} section clips")
    return 0


def cmd_slides(args: argparse.Namespace) -> int:
    from core import audio, revealjs, slides, videos
    from core.explainers import QUALITY_FOLDERS

    if args.theme and args.media:
        raise UsageError("give --theme or --media, not both (--theme light reads media/light)")
    if "manim_slides" not in sys.modules and importlib.util.find_spec("manim_slides") is None:  # an extra
        raise UsageError("the deck tools are not installed; make slides installs them (or: pip install "
                         "-e '.[slides]'), then run this again")
    light = args.theme == "light"
    media = args.media or Path("media/light" if light else "media")
    max_height = slides.PPTX_MAX_HEIGHT if args.max_height is None else args.max_height
    if max_height < 0 or 0 < max_height < 16:
        raise UsageError(f"--max-height {max_height}: give at least 16 pixels, or 0 to keep the clips' size")
    where = "" if args.media is None else f" MEDIA={weights.shell_quote(media)}"
    render = f"{'DECONV_THEME=light ' if light else ''}make slides QUALITY={args.quality or 'l'}{where}"
    out = args.out or media / videos.DECKS
    if files.inside(out, media / "videos"):
        raise UsageError(f"--out {out}: inside the renders ({media / 'videos'}); give the decks a folder "
                         f"of their own, e.g. {media / 'slides'}")
    if args.no_progress:
        os.environ["TQDM_DISABLE"] = "1"  # manim-slides' converters show tqdm bars
    try:
        decks, missing = slides.find_decks(media, args.quality)
        if not decks:
            raise UsageError(_nothing_rendered(media, args, render))
        for d in decks:
            if d.warning:
                print(f"deconv: warning: {d.warning}", file=sys.stderr)
        if args.voice and not any(audio.has_sound(s.clip) for d in decks for s in d.slides):
            print("deconv: warning: --voice: these renders are silent (rendered with DECONV_VOICE=off, or "
                  "without the voice installed), so the decks are too", file=sys.stderr)
        slides.build(decks, out, max_height, force=args.force, progress=not args.no_progress,
                     voice=args.voice,
                     report=lambda w: print(f"wrote {_shown(w.path)}: {w.slides} slides"
                                            f"{f' from {w.source}' if w.source else ''}, "
                                            f"{videos.clock(w.seconds)} of video, "
                                            f"{w.path.stat().st_size / 1e6:.1f} MB ({w.what})"),
                     removed=lambda p: print(f"removed {_shown(p)} (that explainer is not in this build)"))
    except (slides.SlidesError, revealjs.RevealMissing) as e:
        raise UsageError(str(e)) from None
    if missing:
        at = f" at {QUALITY_FOLDERS[args.quality]}" if args.quality else ""
        print(f"not rendered{at}, so in no deck: {', '.join(m.module for m in missing)} "
              f"({render} renders them)")
    scenes = " ".join(d.spec.scene for d in decks)
    print(f"present with: manim-slides present --folder {weights.shell_quote(_shown(out))} {scenes}")
    return 0


def _nothing_rendered(media: Path, args: argparse.Namespace, render: str) -> str:
    """Why `deconv slides` found no render in `media`, and what to run."""
    from core.explainers import QUALITY_FOLDERS

    if media.name == "videos" and not (media / "videos").is_dir() and media.is_dir():
        return f"--media {media}: give Manim's media folder, the one holding videos/ (--media {media.parent})"
    if args.quality and (media / "videos").is_dir():
        return (f"{media}: nothing rendered at {QUALITY_FOLDERS[args.quality]}; render it and build the "
                f"decks with {render}")
    light = Path("media/light")
    if args.media is None and not args.theme and _any_rendered(light):
        return f"{media}: no rendered explainers there; the light theme's are in {light}: --theme light"
    return f"{media}: no rendered explainers there; render them and build the decks with {render}"


def _any_rendered(media: Path) -> bool:
    from core import videos
    from core.explainers import EXPLAINERS

    return any(videos.find_render(media, e.module, e.scene, kinds=(".mp4",)) for e in EXPLAINERS)


def cmd_narration(args: argparse.Namespace) -> int:
    from core import narration

    try:
        spec = narration.explainer(args.scene)
        folder = args.out or Path("narration") / spec.module
        narration.check(folder, args.force)  # before the half minute the storyboard takes
        print(f"reading the script of {spec.module} from its storyboard (about half a minute; nothing is "
              "drawn)", flush=True)
        script = narration.read_script(spec)
        _check_writable(folder)
        paths = narration.write(script, folder, args.force)
        have, stale = narration.recorded(script, folder)
    except narration.NarrationError as e:
        raise UsageError(str(e)) from None
    n = len(script["sentences"])
    print(f"wrote {_shown(paths[0])} and {_shown(paths[1])}: {n} sentences, {len(have)} recorded in "
          f"{_shown(folder)}/")
    if stale:
        print(f"recorded for words that have since changed (record them again under their new id): "
              f"{', '.join(stale[:6])}{' ...' if len(stale) > 6 else ''}")
    if len(have) == n:
        print(f"render with: DECONV_VOICE=recorded DECONV_VOICE_DIR={weights.shell_quote(folder)} manim -qh "
              f"scenes/{spec.module}.py")
    else:
        print(f"record each line as {_shown(folder)}/<id>.wav (script.html is the page to read from), then "
              f"render with DECONV_VOICE=recorded DECONV_VOICE_DIR={weights.shell_quote(folder)}")
    return 0


# --- deconv explain ---------------------------------------------------------------------------
_AXES = ("kernel", "stride", "padding", "output_padding", "dilation", "size")  # core.explain.PER_AXIS
_ARTICLE_MODEL = ("variant", "model_seed", "checkpoints")


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def cmd_explore(args: argparse.Namespace) -> int:
    from core import explore

    out = explore.DEFAULT_OUT if args.out is None else args.out
    if out.is_dir():
        raise UsageError(f"--out {out}: a folder; give a file name, e.g. {out / 'explorer.html'}")
    try:
        path = explore.write(out, force=args.force, theme=args.theme)
    except explore.ForeignPage as e:
        raise UsageError(str(e)) from None
    print(f"wrote {_shown(path)}: open it in a browser (no network needed)")
    if args.open:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from core import explain

    if args.article:
        bd, about = _article_breakdown(args, explain)
    else:
        given = [_option(k) for k in _ARTICLE_MODEL if getattr(args, k) is not None]
        if given:
            raise UsageError(f"{' '.join(given)} choose{'s' if len(given) == 1 else ''} the model of "
                             f"--article; add --article")
        bd, about = _setting_breakdown(args, explain), None
    if args.json:
        print(json.dumps(bd.json()))
    else:
        print("\n".join(_explanation(bd, about)))
    return 0


def _article_breakdown(args: argparse.Namespace, explain):
    from core import story

    given = [_option(k) for k in (*_AXES, "dims", "seed", "input", "weight", "bias")
             if getattr(args, k) is not None]
    if given:
        raise UsageError(f"--article explains the trained decoder with its own setting and values; "
                         f"drop {' '.join(given)}")
    variant = "plain" if args.variant is None else args.variant
    seed = 22 if args.model_seed is None else args.model_seed
    ck = weights.load_checkpoint(variant, seed,
                                 weights.DEFAULT_DIR if args.checkpoints is None else args.checkpoints)
    index, curve = story.demo_curve()
    bd = explain.article(ck, curve)
    n = bd.x.shape[1]
    about = (f"the article's decoder, trained ({ck.variant}, seed {ck.seed}), on the code of the example "
             f"curve (dataset curve {index}, {curve.size} samples): its encoder's {bd.x.shape[0]} numbers "
             f"(input channels) for each of {n} windows (input samples)")
    return bd, about


def _setting_breakdown(args: argparse.Namespace, explain):
    from core.conv import ConvError

    given = {n: getattr(args, n) for n in _AXES}
    twod = [f"{_option(n)} {'x'.join(map(str, v))}" for n, v in given.items()
            if v is not None and len(v) == 2]
    twod += [f"{_option(n)} with rows (;)" for n in ("input", "weight")
             if getattr(args, n) is not None and ";" in getattr(args, n)]
    if args.dims == 1 and twod:
        raise UsageError(f"{twod[0]} is 2-D but --dims is 1; drop --dims 1, or give one number")
    dims = args.dims or (2 if twod else 1)
    x = None if args.input is None else _values(args.input, "--input", dims)
    w = None if args.weight is None else _values(args.weight, "--weight", dims)
    for arr, opt, what in ((x, "--input", "input channels"), (w, "--weight", "kernels")):
        if arr is not None and len(arr) > explain.CHANNELS:  # a table row per channel and position
            raise UsageError(f"{opt} has {len(arr)} {what} (split by |), more than this explainer prints; "
                             f"give at most {explain.CHANNELS}")
    if x is not None and w is not None and args.seed is not None:
        raise UsageError("--seed draws random input and kernel values, but --input and --weight give "
                         "both; drop --seed")
    values = {n: None if v is None else (v * dims if len(v) == 1 else v) for n, v in given.items()}
    for arr, opt, name, what in ((x, "--input", "size", "sample"), (w, "--weight", "kernel", "tap")):
        if arr is None:
            continue
        shape = tuple(arr.shape[1:])
        words = _plural(shape[0], what) if dims == 1 else f"{'x'.join(map(str, shape))} grid"
        if values[name] is not None and values[name] != shape:
            raise UsageError(f"{_option(name)} {'x'.join(map(str, given[name]))} conflicts with {opt}, "
                             f"which has {words}; drop {_option(name)} ({opt} sets it)")
        most = explain.LIMITS[name]
        if max(shape) > most:
            raise UsageError(f"{opt} has {words}, more than this explainer draws; give at most {most} "
                             f"{what}s per axis")
        values[name] = shape
    c_in = 1 if x is None else x.shape[0]
    if x is not None and x.size > explain.STAMPS:  # the breakdown's work: a stamp per channel and position
        raise UsageError(f"--input has {_plural(c_in, 'channel')} of {'x'.join(map(str, x.shape[1:]))}: "
                         f"{x.size:,} stamps, more than this explainer prints (at most {explain.STAMPS:,}, "
                         f"channels x input {'pixels' if dims == 2 else 'samples'}); give fewer channels or "
                         f"a smaller input")
    if w is not None and w.shape[0] != c_in:
        if x is None:
            raise UsageError(f"--weight gives {w.shape[0]} kernels (one per input channel, split by |) but "
                             f"the example input has 1 channel; give --input with {w.shape[0]} channels too")
        raise UsageError(f"--weight gives {_plural(w.shape[0], 'kernel')} but --input has {c_in} channel"
                         f"{'s' if c_in > 1 else ''}; give one kernel per input channel, split by |")
    if w is None and c_in > 1:
        raise UsageError(f"--input has {c_in} channels: give --weight with one kernel per input channel, "
                         f"split by |")
    # every per-axis value resolved here, so that an error can name its axis
    for name in _AXES:
        if values[name] is None:
            v = explain.DEFAULT_SIZE[dims] if name == "size" else explain.DEFAULTS[name]
            values[name] = (v,) * dims
    try:
        s = explain.setting(dims, args.seed, "deconv explain", **values)
        bias = None if args.bias is None else [args.bias]
        return explain.of_setting(s, x, None if w is None else w[:, None], bias)
    except ConvError as e:
        shaped = {n for n, a in (("size", x), ("kernel", w)) if a is not None}
        defaults = {n for n, v in given.items() if v is None} - shaped
        raise UsageError(_as_options(str(e), values, dims, defaults)) from None


def _as_options(message: str, values: dict, dims: int, defaults: set[str]) -> str:
    """core.explain's one-line ConvError in the command's words: 'output_padding=2' as
    '--output-padding 2', 'stride[1]=0' as '--stride 0 (columns)', a value not given marked as the
    default; the axis named in 2-D."""
    message = re.sub(r"^output length on axis \d", "output length", message.removeprefix("deconv explain: "))
    axis_names = ("rows", "columns")

    def option(m: re.Match) -> str:
        notes = [axis_names[int(m.group(3))]] if m.group(3) else []
        if m.start() == 0 and m.group(1) in defaults:  # the value the message is about, not given
            notes.append("the default")
        return f"{_option(m.group(1))} {m.group(4)}" + (f" ({', '.join(notes)})" if notes else "")

    message = re.sub(r"\b(kernel|stride|padding|output_padding|dilation|size)(\[(\d)\])?=([\w-]+)", option,
                     message)
    if message.startswith("output length"):
        from core import conv

        axis = next(d for d in range(dims) if conv.output_length(*(values[k][d] for k in (
            "size", "kernel", "stride", "padding", "output_padding", "dilation"))) < 1)
        if "padding" in defaults:
            message += f" (--padding {values['padding'][axis]} is the default)"
        if dims == 2:
            message = f"{axis_names[axis]}: {message}"
    return message


def _values(text: str, option: str, dims: int) -> np.ndarray:
    """--input / --weight text as (channels, *shape): numbers split by spaces (or commas), 2-D rows
    by ';', channels by '|'. One-line UsageError for anything else."""
    grids = []
    channels = text.split("|")
    for c, part in enumerate(channels):
        rows = part.split(";") if dims == 2 else [part]
        grid = []
        for r, row in enumerate(rows):
            where = ", ".join(([f"channel {c + 1} of {len(channels)}"] if len(channels) > 1 else [])
                              + ([f"row {r + 1} of {len(rows)}"] if len(rows) > 1 else []))
            words = row.replace(",", " ").split()
            if not words:
                raise UsageError(f"{option} {text!r}{': ' + where if where else ''} is empty (numbers are "
                                 f"split by spaces, 2-D rows by ;, input channels by |)")
            numbers = []
            for word in words:
                try:
                    v = float(word)
                except ValueError:
                    raise UsageError(f"{option}: {word!r} is not a number (numbers are split by spaces, "
                                     f"2-D rows by ;, input channels by |)") from None
                if not math.isfinite(v):
                    raise UsageError(f"{option}: {word!r} is not a finite number")
                numbers.append(v)
            if grid and len(numbers) != len(grid[0]):
                raise UsageError(f"{option}: {where} has {_plural(len(numbers), 'value')} but row 1 has "
                                 f"{len(grid[0])}; every row needs as many")
            grid.append(numbers)
        grids.append(np.array(grid if dims == 2 else grid[0]))
        if grids[-1].shape != grids[0].shape:
            shape, first = ("x".join(map(str, g.shape)) for g in (grids[-1], grids[0]))
            has = ((f"has {_plural(grids[-1].size, 'value')}", f"has {grids[0].size}") if dims == 1
                   else (f"is {shape}", f"is {first}"))
            raise UsageError(f"{option}: channel {c + 1} {has[0]} but channel 1 {has[1]}; every input "
                             f"channel needs the same shape")
    return np.stack(grids)


# the explanation as text
def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _span(a: int, b: int) -> str:
    return str(a) if a == b else f"{a}-{b}"


def _spans(word: str, a: int, b: int) -> str:
    """'sample 3' or 'samples 1-8'."""
    return f"{word} {a}" if a == b else f"{word}s {a}-{b}"


def _formatter(*arrays):
    """Numbers as integers when every one is whole, else with 3 decimals."""
    v = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in arrays])
    if np.all(v == np.round(v)) and np.all(np.abs(v) < 1e15):
        return lambda a: str(int(round(a)))

    def fixed(a: float) -> str:
        t = f"{a:.3f}"
        return "0.000" if t == "-0.000" else t

    return fixed


def _width() -> int:
    return max(40, shutil.get_terminal_size().columns)


def _say(text: str, indent: str = "") -> list[str]:
    """A sentence wrapped to the terminal's width, continued under its first word."""
    import textwrap

    lead = re.match(r"(\d+\. )?", text).group(0)
    return textwrap.wrap(text, _width(), initial_indent=indent,
                         subsequent_indent=indent + " " * len(lead), break_on_hyphens=False)


def _table(rows: list[tuple[str, list[str]]], header: list[str] | None = None, indent: str = "   "
           ) -> list[str]:
    """Labelled rows of right-aligned cells (under column labels, if given), split into blocks of
    columns that fit the terminal's width: no number is cut. A row with nothing in a later block
    is left out of it."""
    every = [c for _, cells in rows for c in cells] + (header or [])
    size = max(map(len, every), default=1)
    cell = size + (2 if size <= 3 else 1)
    label = max(len(lb) for lb, _ in rows)
    columns = max(len(cells) for _, cells in rows)
    per = max(1, (_width() - len(indent) - label) // cell)
    out = []
    for start in range(0, max(columns, 1), per):
        if start and (header or len(rows) > 1):
            out.append("")
        lines = ([("", header, True)] if header else []) + [(lb, cells, False) for lb, cells in rows]
        for lb, cells, head in lines:
            part = cells[start:start + per]
            if start and not head and not any(part) and len(rows) > 1:
                continue
            out.append((indent + lb.ljust(label) + "".join(c.rjust(cell) for c in part)).rstrip())
    return out


def _line(label: str, cells: list[str]) -> list[str]:
    """'label  1  2  3' on one line when it fits, else the label and then the numbers under their
    indices, wrapped."""
    one = _table([(label, cells)], indent="")
    return one if len(one) == 1 else _say(label) + _table([("", cells)], [str(i) for i in range(len(cells))])


def _grid(a: np.ndarray, fmt, indent: str = "   ") -> list[str]:
    """A 2-D array with its row and column indices."""
    return _table([(str(r), [fmt(v) for v in row]) for r, row in enumerate(a)],
                  [str(c) for c in range(a.shape[1])], indent)


def _explanation(bd, about: str | None) -> list[str]:
    dims, c_in, c_out = bd.dims, bd.x.shape[0], bd.weight.shape[1]
    one = (lambda t: str(t[0])) if dims == 1 else (lambda t: f"({', '.join(map(str, t))})")
    settings = ", ".join(f"{n}={one(v)}" for n, v in (
        ("kernel_size", bd.kernel), ("stride", bd.stride), ("padding", bd.padding),
        ("output_padding", bd.output_padding), ("dilation", bd.dilation)))
    lines = [f"ConvTranspose{dims}d({c_in}, {c_out}, {settings}{', bias=False' if bd.bias is None else ''})"]
    if about:
        lines += _say(about)
    fx, fw = _formatter(bd.x), _formatter(bd.weight)
    many = c_in > 1
    if dims == 1:
        if many:
            lines.append(f"input x, {c_in} channels of {_plural(bd.x.shape[1], 'sample')}:")
            lines += _table([(f"x[{c}]", [fx(v) for v in bd.x[c]]) for c in range(c_in)])
            lines.append(f"kernel w, one {bd.kernel[0]}-tap kernel per input channel (w[c]: channel c's; "
                         f"out_channels 1):")
            lines += _table([(f"w[{c}]", [fw(v) for v in bd.weight[c, 0]]) for c in range(c_in)])
        else:
            rows = [(f"input x, {_plural(bd.x.shape[1], 'sample')}:", [fx(v) for v in bd.x[0]]),
                    (f"kernel w, {_plural(bd.kernel[0], 'tap')}:", [fw(v) for v in bd.weight[0, 0]])]
            fit = _table(rows, indent="")
            lines += fit if len(fit) == 2 else [line for lb, cells in rows for line in _line(lb, cells)]
    else:
        for c in range(c_in):
            lines.append(f"input x{f'[{c}]' if many else ''}, {bd.x.shape[1]}x{bd.x.shape[2]}:")
            lines += _grid(bd.x[c], fx)
        for c in range(c_in):
            lines.append(f"kernel w{f'[{c}] (input channel {c})' if many else ''}, "
                         f"{bd.kernel[0]}x{bd.kernel[1]}:")
            lines += _grid(bd.weight[c, 0], fw)
    if bd.bias is not None:
        lines.append(f"bias b: {_formatter(bd.bias)(bd.bias[0])}")
    lines.append("")
    lines += (_steps_1d if dims == 1 else _steps_2d)(bd)
    return lines


def _stamp_label(bd, st, fx) -> str:
    many = bd.x.shape[0] > 1
    at = ",".join(map(str, ((st.channel,) if many else ()) + st.index))
    return f"x[{at}]={fx(st.value)} * w{f'[{st.channel}]' if many else ''}"


def _ordered(bd):
    """The stamps by input position, the channels of one position together."""
    return sorted(bd.stamps, key=lambda st: (st.index, st.channel))


def _formula(bd, d: int, name: str, symbol: str) -> list[str]:
    n, k, s, p, op, dl = (bd.x.shape[1 + d], bd.kernel[d], bd.stride[d], bd.padding[d],
                          bd.output_padding[d], bd.dilation[d])
    ax = "" if bd.dims == 1 else f"[{d}]"
    head = f"output {name} = "
    return [f"{head}({symbol} - 1)*stride{ax} - 2*padding{ax} + dilation{ax}*(kernel{ax} - 1) "
            f"+ output_padding{ax} + 1",
            f"{' ' * (len(head) - 2)}= ({n} - 1)*{s} - 2*{p} + {dl}*({k} - 1) + {op} + 1 = {bd.out_size[d]}"]


def _steps_1d(bd) -> list[str]:
    fx = _formatter(bd.x)
    s, p, op, dl = bd.stride[0], bd.padding[0], bd.output_padding[0], bd.dilation[0]
    stamped, full = bd.stamped_size[0], bd.full[0]
    many = bd.x.shape[0] > 1
    fs = _formatter(full, *(st.values for st in bd.stamps))
    lines = _say(f"1. Each input value times the kernel{' of its channel' if many else ''} (a stamp), "
                 f"placed at i*stride = i*{s}, taps dilation {dl} apart"
                 f"{'; the channels add up (x[c,i]: channel c, sample i)' if many else ''}:")
    rows = []
    for st in _ordered(bd):
        cells = [""] * full.size
        for t, (pos,) in enumerate(st.positions(bd.dilation)):
            cells[pos] = fs(st.values[0, t])
        rows.append((_stamp_label(bd, st, fx), cells))
    rows.append(("sum", [fs(v) for v in full]))
    rows.append(("stamps", [str(v) for v in bd.counts]))
    lines += _table(rows, [str(i) for i in range(full.size)])
    lines += _say(f"(stamps: how many stamps add into each sample{', per input channel' if many else ''}; "
                  f"uneven counts make the checkerboard)", "   ")
    hi = stamped - 1 - p
    remain = "nothing remains" if hi < p else f"{_spans('sample', p, hi)} remain{'s' if hi == p else ''}"
    lines += _say(f"2. padding {p} crops nothing: {remain}" if p == 0 else
                  f"2. padding {p} crops {_plural(p, 'sample')} from each end of 0-{stamped - 1}: {remain}")
    if op == 0:
        lines.append("3. output_padding 0 keeps nothing more")
    else:
        first = stamped - p
        extra = [f"{q} ({fs(full[q])})" for q in range(first, min(first + op, stamped))]
        if first + op > stamped:
            extra.append(f"{_span(max(first, stamped), first + op - 1)} (zero, beyond every stamp)")
        lines += _say(f"3. output_padding {op} keeps {_plural(op, 'more sample')} at the end: "
                      f"sample{'s' if op > 1 else ''} {', '.join(extra)}")
    kept = bd.kept()[0]
    plus = ""
    if bd.bias is not None:
        lines.append(f"4. bias {_formatter(bd.bias)(bd.bias[0])} is added to every output sample")
        plus = ", plus the bias"
    fy = _formatter(bd.output)
    lines += _line(f"output y, {_plural(bd.out_size[0], 'sample')} "
                   f"({_spans('sample', kept.start, kept.stop - 1)} of the sum{plus}):",
                   [fy(v) for v in bd.output[0]])
    return lines + _formula(bd, 0, "length", "L_in")


def _steps_2d(bd) -> list[str]:
    fx = _formatter(bd.x)
    s, p, op, dl = bd.stride, bd.padding, bd.output_padding, bd.dilation
    stamped, full = bd.stamped_size, bd.full[0]
    many = bd.x.shape[0] > 1
    channels = "; the channels add up (x[c,i,j]: channel c, row i, column j)" if many else ""
    lines = _say(f"1. Each input value times the kernel{' of its channel' if many else ''} (a stamp), its "
                 f"top-left tap placed at (i*stride[0], j*stride[1]) = (i*{s[0]}, j*{s[1]}), taps dilation "
                 f"({dl[0]}, {dl[1]}) apart{channels}:")
    labels = [(_stamp_label(bd, st, fx), st) for st in _ordered(bd)]
    width = max(len(lb) for lb, _ in labels)

    def reach(d: int, start: int) -> str:
        end = start + dl[d] * (bd.kernel[d] - 1)
        return _span(start, end) + (f" (step {dl[d]})" if dl[d] > 1 and end > start else "")

    for lb, st in labels:
        lines.append(f"   {lb.ljust(width)} at rows {reach(0, st.offset[0])}, "
                     f"columns {reach(1, st.offset[1])}")
    lines.append(f"   their sum, {full.shape[0]}x{full.shape[1]}, before cropping:")
    lines += _grid(full, _formatter(full), "      ")
    crop = [f"{_plural(p[0], 'row')} from the top and bottom" if p[0] else "no rows",
            f"{_plural(p[1], 'column')} from the left and right" if p[1] else "no columns"]
    remain = [_span(p[d], stamped[d] - 1 - p[d]) if stamped[d] - 1 - p[d] >= p[d] else None
              for d in range(2)]
    left = ("nothing remains" if None in remain else f"rows {remain[0]} and columns {remain[1]} remain")
    cropped = "nothing" if p == (0, 0) else f"{crop[0]} and {crop[1]}"
    lines += _say(f"2. padding ({p[0]}, {p[1]}) crops {cropped}: {left}")
    more = []
    for d, (word, end) in enumerate((("row", "bottom"), ("column", "right"))):
        if op[d]:
            first, stop = stamped[d] - p[d], stamped[d] - p[d] + op[d]
            notes = []
            if first < stamped[d]:
                notes.append(_spans(word, first, min(stop, stamped[d]) - 1))
            if stop > stamped[d]:
                notes.append(f"{_spans(word, max(first, stamped[d]), stop - 1)}: zero, beyond every stamp")
            more.append(f"{_plural(op[d], 'more ' + word)} at the {end} ({'; '.join(notes)})")
    kept_more = " and ".join(more) if more else "nothing more"
    lines += _say(f"3. output_padding ({op[0]}, {op[1]}) keeps {kept_more}")
    plus = ""
    if bd.bias is not None:
        lines.append(f"4. bias {_formatter(bd.bias)(bd.bias[0])} is added to every output sample")
        plus = ", plus the bias"
    rows, cols = bd.kept()
    lines += _say(f"output y, {bd.out_size[0]}x{bd.out_size[1]} ({_spans('row', rows.start, rows.stop - 1)}, "
                  f"{_spans('column', cols.start, cols.stop - 1)} of the sum{plus}):")
    lines += _grid(bd.output[0], _formatter(bd.output))
    lines += _say(f"stamps reaching each output sample{' (per input channel)' if many else ''}; uneven "
                  f"counts make the checkerboard:")
    lines += _grid(bd.counts[bd.kept()], str)
    return lines + _formula(bd, 0, "height", "H_in") + _formula(bd, 1, "width ", "W_in")


COMMANDS = {"train": cmd_train, "info": cmd_info, "data": cmd_data,
            "import-article": cmd_import_article, "figures": cmd_figures, "clip": cmd_clip,
            "index": cmd_index, "slides": cmd_slides, "narration": cmd_narration, "explain": cmd_explain,
            "explore": cmd_explore}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # named with the command whose --help lists what it takes
            where = f"deconv {args.command}" if args.command else "deconv"
            raise UsageError(f"unrecognized arguments: {' '.join(extra)} (see {where} --help)")
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        _MADE.clear()
        return COMMANDS[args.command](args)
    except (UsageError, weights.CheckpointError, files.LinkedLock) as e:
        _unmake_folders()
        print(f"deconv: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("deconv: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except MemoryError:
        print("deconv: error: not enough memory for this; ask for less (fewer curves, models or frames)",
              file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `deconv info | head`: the reader left, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:
        if e.errno == errno.ENAMETOOLONG:  # a path component longer than the file system takes
            where = f" (in {Path(e.filename).parent})" if e.filename else ""
            print(f"deconv: error: a file or folder name is longer than the file system allows{where}; "
                  "choose a shorter name", file=sys.stderr)
            return EXIT_USAGE
        if e.errno == errno.EISDIR:  # a folder where a file is to be written
            print(f"deconv: error: {e.filename2 or e.filename}: is a folder; give a file name instead",
                  file=sys.stderr)
            return EXIT_USAGE
        if e.errno == errno.EROFS:  # a read-only file system (a mounted stick, a read-only mount)
            what = f"{e.filename}: " if e.filename else ""
            print(f"deconv: error: {what}on a read-only file system; choose a folder you can write to",
                  file=sys.stderr)
            return EXIT_USAGE
        if e.errno in (errno.EACCES, errno.EPERM):  # chmod 000 on a checkpoint, the manifest, --out
            what = f"{e.filename}: " if e.filename else ""
            print(f"deconv: error: {what}permission denied; make it readable and writable for you "
                  "(chmod u+rwX), or choose another file or folder", file=sys.stderr)
            return EXIT_USAGE
        if e.errno != errno.ENOSPC:
            raise
        # `deconv info > /dev/full`, or a full disk: one line, and nothing left to flush at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        where = f" writing {e.filename}" if e.filename else ""
        print(f"deconv: error: no space left on the device{where}; free some space, or write elsewhere",
              file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
