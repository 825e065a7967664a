"""The `deconv` command: train, describe checkpoints, export data, import the article's own weights,
draw the figures, make clips and stills, index the rendered videos.

Errors a user can fix print one line and exit with status 2; Ctrl-C in training exits 130.
Only `train` and `import-article` import torch, inside their command functions: `info`, `data`,
`figures`, `clip` and `index` never load it (tests/test_layering.py checks).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import warnings
from pathlib import Path

import numpy as np

from core import weights

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
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


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command. Torch-free: only `train` and `import-article` load torch, when
    they run (the defaults shown here come from `core.config`)."""
    from core import config
    from core.data import DATASIZE, SEED
    from core.explainers import QUALITY_FOLDERS

    p = _Parser(prog="deconv", description=__doc__.split("\n\n")[0].replace("\n", " "))
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    t = sub.add_parser("train", help="train checkpoints (default: the article's full protocol)",
                       description="Train every variant x seed at once and export checkpoints.")
    variants = weights.VARIANTS
    t.add_argument("--variants", nargs="+", choices=variants, default=list(variants), metavar="V",
                   help=f"variants to train, from: {', '.join(variants)} (default: all)")
    seeds = config.DEFAULT_SEEDS
    t.add_argument("--seeds", nargs="+", type=int, default=list(seeds), metavar="S",
                   help=f"seeds, one model per variant and seed (default: {seeds[0]} {seeds[1]} ... "
                        f"{seeds[-1]})")
    t.add_argument("--epochs", type=int, default=config.EPOCHS, help=f"default {config.EPOCHS}")
    t.add_argument("--lr", type=float, default=config.LR, help=f"Adam learning rate (default {config.LR})")
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
    t.add_argument("--save-every", type=float, default=config.SAVE_EVERY, metavar="SECONDS",
                   help=f"save resumable state this often (default {config.SAVE_EVERY:g}; also on Ctrl-C)")
    t.add_argument("--no-progress", action="store_true", help="no progress bar")
    _DEFAULTS.update({a.dest: a.default for a in t._actions})

    i = sub.add_parser("info", help="list checkpoints with their final losses, hashes verified")
    i.add_argument("--dir", type=Path, default=weights.DEFAULT_DIR,
                   help="checkpoint folder (default: the project's checkpoints/)")

    da = sub.add_parser("data", help="write the article's curves (data.npy format)")
    da.add_argument("--out", type=Path, required=True, metavar="FILE.npy",
                    help="curves, float64 (N, 15)")
    da.add_argument("--params", type=Path, metavar="FILE.npy", help="also write (p1, p2), (N, 2)")
    da.add_argument("--n", type=int, default=DATASIZE, help=f"number of curves (default {DATASIZE})")
    da.add_argument("--seed", type=int, default=SEED, help=f"numpy seed (default {SEED})")

    im = sub.add_parser("import-article", help="convert the article's encoder_<seed>.pt files")
    im.add_argument("dir", type=Path, metavar="DIR",
                    help="folder with encoder_<seed>.pt and decoder_<seed>.pt")
    im.add_argument("--out", type=Path, default=weights.DEFAULT_DIR, metavar="DIR",
                    help="checkpoint folder to add them to (default: the project's checkpoints/)")
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
    f.add_argument("--no-progress", action="store_true", help="no progress bar")

    c = sub.add_parser("clip", help="a looping GIF or PNG stills from a rendered video or section",
                       description="Make a looping GIF (--gif) and/or evenly spaced PNG stills "
                                   "(--stills N) from a rendered video or section clip.")
    c.add_argument("video", type=Path, metavar="VIDEO_OR_SECTION",
                   help="an .mp4 under media/videos/, e.g. a --save_sections clip")
    c.add_argument("--gif", action="store_true", help="write a looping GIF")
    c.add_argument("--stills", type=int, metavar="N", help="write N evenly spaced PNG stills")
    c.add_argument("--fps", type=float, default=15.0, help="GIF frame rate (default 15)")
    c.add_argument("--width", type=int, default=None,
                   help="width in pixels, never enlarged (default: 960 for GIFs, the video's for stills)")
    c.add_argument("--out", type=Path, default=None, metavar="PATH",
                   help="the GIF file, or the stills' folder (default: beside the video, "
                        "VIDEO.gif and VIDEO_stills/)")
    c.add_argument("--no-progress", action="store_true", help="no progress bar")

    x = sub.add_parser("index", help="write media/index.html listing the rendered videos",
                       description="Write an HTML page listing every rendered explainer and "
                                   "section clip, with durations, posters and captions.")
    x.add_argument("--media", type=Path, default=Path("media"), metavar="DIR",
                   help="Manim's media folder (default: media)")
    x.add_argument("--quality", choices=tuple(QUALITY_FOLDERS), default=None,
                   help="list renders of this quality (default: the best rendered of each video)")
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
    if args.resume:
        settings = ("variants", "seeds", "epochs", "lr", "batch", "code_noise", "input_noise")
        given = [f"--{k.replace('_', '-')}" for k in settings
                 if getattr(args, k) != _DEFAULTS.get(k, getattr(args, k))]
        if given:
            raise UsageError(f"--resume continues the saved run with its own settings; drop "
                             f"{' '.join(given)} (or start a new run in another --out folder)")
        if not state_path.is_file():
            raise UsageError(f"{state_path}: no interrupted run to resume; start one with "
                             f"deconv train --out {out}")
        try:
            cfg, saved_device, _ = tr.read_state(state_path)
        except Exception as e:  # noqa: BLE001 - any unreadable state is one message
            raise UsageError(f"{state_path}: cannot read the saved state ({type(e).__name__}); "
                             f"delete it and start again with deconv train --out {out}") from None
        if saved_device != device.type:
            raise UsageError(f"{state_path} was saved on {saved_device}; resume it with "
                             f"--device {saved_device}")
    else:
        if state_path.exists():
            raise UsageError(f"{state_path}: an interrupted run is waiting here; continue it with "
                             f"deconv train --resume --out {out}, or delete that file")
        try:
            cfg = tr.TrainConfig(variants=args.variants, seeds=args.seeds, epochs=args.epochs,
                                 lr=args.lr, batch=args.batch, code_noise=args.code_noise,
                                 input_noise=args.input_noise)
        except ValueError as e:
            raise UsageError(str(e)) from None
    _check_writable(out)
    n = len(cfg.models())
    seeds = " ".join(map(str, cfg.seeds))
    print(f"training {n} model{'s' if n > 1 else ''} ({', '.join(cfg.variants)} x seeds {seeds}) "
          f"for {cfg.epochs} epochs on {device.type}", file=sys.stderr)
    try:
        result = tr.train(cfg, device, state_path=state_path, resume=args.resume,
                          save_every=args.save_every, progress=not args.no_progress)
    except tr.TrainingInterrupted as e:
        print(f"deconv train: interrupted; {e.epoch} epochs done and saved to {e.state_path}. "
              f"Continue with: deconv train --resume --out {out}", file=sys.stderr)
        return EXIT_INTERRUPTED
    files = tr.export(result, out)
    print(f"trained {n} models in {result.seconds:.1f} s "
          f"({result.model_steps_per_second:,.0f} model-steps/s); wrote {len(files)} checkpoints "
          f"and {out / weights.MANIFEST}")
    return 0


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"{folder}: cannot create this folder ({e.strerror})") from None


def cmd_info(args: argparse.Namespace) -> int:
    directory: Path = args.dir
    manifest = weights.read_manifest(directory)
    rows, errors, finals = [], [], {}
    for m in manifest["models"]:
        try:
            ck = weights.load_checkpoint(m["variant"], int(m["seed"]), directory)
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


def cmd_data(args: argparse.Namespace) -> int:
    from core.data import make_curves

    if args.n < 1:
        raise UsageError("--n must be at least 1")
    targets = [args.out] + ([args.params] if args.params else [])
    for f in targets:
        if f.suffix != ".npy":
            raise UsageError(f"{f}: give a file name ending in .npy")
        if not f.parent.is_dir():
            raise UsageError(f"{f}: folder {f.parent} does not exist")
    curves, params = make_curves(args.n, args.seed)
    _save_npy(args.out, curves)
    print(f"wrote {args.out}: {curves.shape[0]} curves x {curves.shape[1]} samples, float64")
    if args.params:
        _save_npy(args.params, params)
        print(f"wrote {args.params}: (p1, p2) of each curve, {params.shape}")
    return 0


def _save_npy(path: Path, array: np.ndarray) -> None:
    buf = io.BytesIO()
    np.save(buf, array)
    weights.atomic_write_bytes(path, buf.getvalue())


def cmd_import_article(args: argparse.Namespace) -> int:
    import torch

    from core.data import make_patches

    src: Path = args.dir
    if not src.is_dir():
        raise UsageError(f"{src}: no such folder")
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", args.variant):
        raise UsageError(f"--variant {args.variant!r}: use letters, digits, '-', '_' or '.'")
    seeds = sorted(int(m.group(1)) for f in src.iterdir()
                   if (m := re.fullmatch(r"encoder_(\d+)\.pt", f.name)))
    if not seeds:
        raise UsageError(f"{src}: no encoder_<seed>.pt files (the article saves "
                         f"models/encoder_<seed>.pt and models/decoder_<seed>.pt)")
    _check_writable(args.out)
    patches = make_patches()
    written = []
    for seed in seeds:
        sd = {}
        for part, keys in (("encoder", ("conv.weight", "conv.bias")),
                           ("decoder", ("deconv.weight", "deconv.bias"))):
            f = src / f"{part}_{seed}.pt"
            if not f.is_file():
                raise UsageError(f"{f}: missing (each encoder_<seed>.pt needs its decoder_<seed>.pt)")
            try:
                with warnings.catch_warnings():  # torch warns about pickle protocols it may refuse
                    warnings.simplefilter("ignore")
                    state = torch.load(f, map_location="cpu", weights_only=True)
            except Exception as e:  # noqa: BLE001 - anything unreadable is one message
                raise UsageError(f"{f}: not a readable state dict ({type(e).__name__})") from None
            for k in keys:
                want = weights.PARAM_SHAPES[f"{part}.{k}"]
                v = state.get(k) if isinstance(state, dict) else None
                if v is None or tuple(v.shape) != want:
                    raise UsageError(f"{f}: needs '{k}' of shape {want}; is this the article's "
                                     f"{part}?")
                sd[f"{part}.{k}"] = v.detach().float().numpy()
        ck = weights.Checkpoint(args.variant, seed, Path(), sd["encoder.conv.weight"][:, 0],
                                sd["encoder.conv.bias"], sd["decoder.deconv.weight"][:, 0],
                                float(sd["decoder.deconv.bias"][0]), np.zeros(0))
        loss = float(np.mean((ck.decode(ck.encode(patches)) - patches) ** 2))
        if not np.isfinite(loss):
            raise UsageError(f"{src}: seed {seed} holds NaN or infinite weights")
        path = weights.checkpoint_path(args.out, args.variant, seed)
        weights.save_checkpoint(path, {**sd, weights.LOSS_KEY: np.zeros(0)}, {
            "variant": args.variant, "seed": seed, "epochs": 0, "final_loss": loss,
            "source": f"deconv import-article {src}", "torch": torch.__version__,
        })
        written.append(path)
        print(f"seed {seed}: loss on the training patches {loss:.3e} -> {path}")
    weights.update_manifest(args.out, written)
    print(f"imported {len(written)} models as variant '{args.variant}' into {args.out}")
    return 0


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
    written = figures.generate([s.id for s in chosen], out, args.checkpoints, args.formats,
                               progress=not args.no_progress)
    print(f"wrote {len(chosen)} figures ({len(written)} files) to {_shown(out)} "
          f"in {time.perf_counter() - t:.1f} s")
    return 0


def cmd_clip(args: argparse.Namespace) -> int:
    from core import clip

    if not args.gif and args.stills is None:
        raise UsageError("say what to make: --gif, --stills N, or both")
    if args.width is not None and args.width < 16:
        raise UsageError(f"--width {args.width}: give at least 16 pixels")
    if args.fps <= 0 or args.fps > 100:
        raise UsageError(f"--fps {args.fps:g}: give a frame rate above 0 and at most 100")
    if args.gif and args.stills is not None and args.out is not None:
        raise UsageError("--out names one GIF or one stills folder; make them one at a time")
    try:
        info = clip.probe(args.video)
        if args.stills is not None:
            clip.still_times(info, args.stills)  # a bad N stops before anything is written
        if args.gif:
            out = args.out or args.video.with_suffix(".gif")
            if out.suffix.lower() != ".gif":
                raise clip.ClipError(f"--out {out}: a GIF file name ends in .gif")
            _check_writable(out.parent)
            r = clip.write_gif(info, out, args.fps, 960 if args.width is None else args.width,
                               progress=not args.no_progress)
            print(f"wrote {_shown(out)}: {r['frames'] / r['fps']:.1f} s at {r['fps']:g} fps, "
                  f"{r['width']}x{r['height']}, {r['bytes'] / 1e6:.1f} MB, looping")
        if args.stills is not None:
            folder = args.out or args.video.with_name(f"{args.video.stem}_stills")
            _check_writable(folder)
            paths = clip.write_stills(info, args.stills, folder, args.width)
            print(f"wrote {len(paths)} stills to {_shown(folder)}/")
    except clip.ClipError as e:
        raise UsageError(str(e)) from None
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from core import videos

    if not args.media.is_dir():
        raise UsageError(f"{args.media}: no such folder; render the videos first with make videos")
    out, found = videos.write_index(args.media, args.quality)
    n_sections = sum(len(e.sections) for e in found)
    print(f"wrote {_shown(out)}: {len(found)} videos, {n_sections} section clips")
    return 0


COMMANDS = {"train": cmd_train, "info": cmd_info, "data": cmd_data,
            "import-article": cmd_import_article, "figures": cmd_figures, "clip": cmd_clip,
            "index": cmd_index}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        return COMMANDS[args.command](args)
    except (UsageError, weights.CheckpointError) as e:
        print(f"deconv: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("deconv: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `deconv info | head`: the reader left, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
