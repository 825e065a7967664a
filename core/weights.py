"""Checkpoints on disk: one safetensors file per trained model plus a manifest with sha256 hashes.

numpy only (no torch): scenes and figures load weights through this module.

A folder is trusted only as far as it holds together: every file its manifest names lies inside it
(symlinks followed), says in its own metadata that it is the model its entry names, is no larger
than a checkpoint can be (MAX_CHECKPOINT_BYTES, checked before it is hashed or read) and matches
its sha256. Writers put files only inside the folder (never through a link out of it) and take the
folder's writer lock (core.files.lock) around installing files and rewriting the manifest, so two
at once both land. The manifest holds one entry per model (variant, seed).
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from safetensors import SafetensorError, safe_open
from safetensors.numpy import load as st_load
from safetensors.numpy import save as st_save

from core import conv, files
from core.data import KERNEL, N_CHANNELS, STRIDE
from core.files import atomic_write_bytes, sha256_file  # noqa: F401 - used here and by importers

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "checkpoints"
MANIFEST = "manifest.json"
FORMAT = "deconv-explained/1"
PARAM_SHAPES = {
    "encoder.conv.weight": (N_CHANNELS, 1, KERNEL),
    "encoder.conv.bias": (N_CHANNELS,),
    "decoder.deconv.weight": (N_CHANNELS, 1, KERNEL),
    "decoder.deconv.bias": (1,),
}
LOSS_KEY = "train.loss"  # mean training loss of each epoch
# `deconv train`: the article's patch model in five variants (its protocol), and beyond the article the
# same encoder and decoder trained end to end on whole 15-sample curves, through the windows' overlaps
PATCH_VARIANTS = ("plain", "code-noise", "input-noise", "code-noise-article", "code-noise-relu")
WHOLE_VARIANTS = ("whole-curve",)
VARIANTS = PATCH_VARIANTS + WHOLE_VARIANTS
# the encoder's activation after its Conv1d: tanh (the article's) unless a variant says otherwise
ACTIVATIONS = ("tanh", "relu")
RELU_VARIANTS = ("code-noise-relu",)  # the code-noise protocol with ReLU instead of tanh (C11)
MAX_EPOCHS = 1_000_000  # the most `deconv train` takes (200x the protocol's): a loss is kept per epoch
# The largest file a checkpoint can be: four small parameter arrays (46 float32), one float64 loss
# per epoch and a header of names, shapes and metadata (under 1 KiB; an import's source path up to
# 4 KiB), with 1 MiB to spare. The shipped ones (5,000 epochs) are 40,928 bytes. Anything larger is
# refused before it is hashed or read (reading it would take its size in memory).
MAX_CHECKPOINT_BYTES = 8 * MAX_EPOCHS + (1 << 20)
MAX_MANIFEST_BYTES = 64 << 20  # about 250 bytes an entry: room for 250,000 models


def activation_of(variant: str) -> str:
    """The encoder activation a variant is trained with: 'relu' for RELU_VARIANTS, else 'tanh'."""
    return "relu" if variant in RELU_VARIANTS else "tanh"


class CheckpointError(Exception):
    """A checkpoint that cannot be used; the message is one line naming the file and the fix."""


def checkpoint_path(directory: str | Path, variant: str, seed: int) -> Path:
    return Path(directory) / variant / f"seed_{seed}.safetensors"


def regenerate_command(variant: str, seed: int, directory: str | Path, source: str | None = None) -> str:
    """The command that writes this checkpoint again, paths shell-quoted: `deconv train` for the
    variants it trains, else the `deconv import-article` that made it (`source`, from the manifest)."""
    out = "" if _same_path(directory, DEFAULT_DIR) else f" --out {shell_quote(directory)}"
    if variant in VARIANTS:
        return f"deconv train --variants {variant} --seeds {seed}{out}"
    if source and source.startswith("deconv import-article "):
        return f"{source} --variant {shell_quote(variant)}{out}"
    return (f"deconv import-article FOLDER --variant {shell_quote(variant)}{out}, FOLDER holding the "
            f"article's encoder_{seed}.pt and decoder_{seed}.pt")


def _same_path(a: str | Path, b: str | Path) -> bool:
    return Path(a).resolve() == Path(b).resolve()


def save_checkpoint(path: str | Path, arrays: dict[str, np.ndarray], metadata: dict[str, object]) -> None:
    """Write one model: the four parameter arrays, its loss history and string metadata."""
    missing = set(PARAM_SHAPES) - set(arrays)
    if missing:
        raise ValueError(f"missing parameters: {sorted(missing)}")
    tensors = {k: np.ascontiguousarray(v) for k, v in arrays.items()}
    meta = {"format": FORMAT}
    meta.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in metadata.items()})
    atomic_write_bytes(path, st_save(tensors, metadata=meta))


def install_checkpoints(directory: str | Path, models: list[tuple[str, int, dict, dict]],
                        check=None) -> list[Path]:
    """Write a set of checkpoints, (variant, seed, arrays, metadata) each, into `directory` and
    add them to its manifest, so that the set appears whole or not at all, as far as a file system
    allows: each file is first written whole into a staging folder inside `directory` and each
    folder it goes to is made; only then are they renamed into place, then the manifest rewritten.
    All of it holds the folder's writer lock (a second writer waits), and `check(final_paths)`, if
    given, runs under it first (to refuse, by raising, before anything is written). Every file goes
    inside `directory`: a variant folder that is a link out of it is refused (CheckpointError)
    before anything is written. An error before the renames changes nothing (OSError or
    CheckpointError is raised, the staging folder removed); a kill during them leaves whole files
    that the old manifest does not match. Returns the checkpoints' paths."""
    directory = Path(directory)
    check_destinations(directory, [(v, s) for v, s, _, _ in models])  # before anything is made
    directory.mkdir(parents=True, exist_ok=True)
    final = [checkpoint_path(directory, v, s) for v, s, _, _ in models]
    with files.lock(directory):
        check_manifest_writable(directory)  # before anything moves
        check_destinations(directory, [(v, s) for v, s, _, _ in models])
        if check is not None:
            check(final)
        with files.staging(directory, ".staging-") as staging:
            staged = []
            for v, s, arrays, meta in models:
                staged.append(checkpoint_path(staging, v, s))
                save_checkpoint(staged[-1], arrays, meta)
            for f in final:
                f.parent.mkdir(parents=True, exist_ok=True)
                if f.exists() and not f.is_file():
                    raise IsADirectoryError(errno.EISDIR, "a folder is where a checkpoint goes", str(f))
            for src, dst in zip(staged, final):
                os.replace(src, dst)  # a link at dst is replaced, not written through
        _update_manifest(directory, final)
    return final


def check_destinations(directory: str | Path, models) -> None:
    """Every file that writing `models` ((variant, seed) each) into `directory` makes lies inside it:
    no variant folder (nor the writer lock) is a link out of it. CheckpointError, one line, if one
    is."""
    directory = Path(directory)
    for path in [*dict.fromkeys(directory / v for v, _ in models), directory / files.LOCK]:
        if not files.inside(path, directory):
            where = files.target(path)
            raise CheckpointError(
                f"{path}: a link to {where}, outside {directory}; checkpoints are written only inside "
                f"their folder. Remove the link (rm {shell_quote(path)}; what it points to stays), "
                f"or write into another folder (nothing was written)")


def read_manifest(directory: str | Path) -> dict:
    """The manifest of a checkpoint folder: {"format", "models": [{variant, seed, file, sha256, ...}]}."""
    directory = Path(directory)
    path = directory / MANIFEST
    if path.exists() and not path.is_file():
        raise CheckpointError(f"{path}: {_invalid(path, 'a folder, not a file')}")
    if not path.is_file():
        raise CheckpointError(
            f"{path}: no checkpoint manifest here. Train models with: "
            f"deconv train --out {shell_quote(directory)}"
        )
    size = path.stat().st_size
    if size > MAX_MANIFEST_BYTES:  # refused unread: it would take its size in memory
        why = f"{size:,} bytes; no manifest is larger than {MAX_MANIFEST_BYTES:,}"
        raise CheckpointError(f"{path}: {_invalid(path, why)}")
    try:
        manifest = json.loads(path.read_text())
        models = manifest["models"]
        if not isinstance(models, list):
            raise TypeError("'models' is not a list")
        for m in models:
            for key in ("variant", "file", "sha256"):
                if not isinstance(m[key], str):
                    raise TypeError(f"{key} {m[key]!r} is not text")
            m["seed"]  # noqa: B018 - required
            _check_numbers(m)
    except (ValueError, KeyError, TypeError, RecursionError) as e:
        raise CheckpointError(f"{path}: {_invalid(path, f'{type(e).__name__}: {str(e)[:100]}')}") from None
    return manifest


def _invalid(path: Path, why: str) -> str:
    """'manifest is not valid (why). <how to repair>': restored from git where the folder is the
    project's own checkpoints/, else moved away (then the checkpoints it listed must be made again)."""
    q = shell_quote(path)
    if _same_path(path.parent, DEFAULT_DIR):
        fix = f"restore it with: git checkout -- {q}"
    else:
        fix = (f"move it away (mv {q} {q}.bad); the checkpoints it listed must then be trained or "
               "imported again")
    return f"manifest is not valid ({why}); {fix}"


def _check_numbers(entry: dict) -> None:
    """A manifest entry's (or a checkpoint's metadata's) seed and epochs are whole numbers and its
    final loss a finite number: ValueError naming the first that is not."""
    for key in ("seed", "epochs"):
        v = entry.get(key, 0)
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValueError(f"{key} {v!r} is not a whole number")
    v = entry.get("final_loss", 0.0)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ValueError(f"final_loss {v!r} is not a finite number")


def check_manifest_writable(directory: str | Path) -> None:
    """A folder's manifest may be added to: there is none yet, or it is valid. An invalid one
    raises CheckpointError saying how to repair it (never silently replaced: it lists checkpoints
    that would vanish from every listing)."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.exists():
        return
    try:
        read_manifest(directory)
    except CheckpointError as e:  # it says how to repair it
        raise CheckpointError(f"{e} (nothing was written)") from None


def shell_quote(path: str | Path) -> str:
    """A path as a shell word (quoted when it has spaces or other special characters; './' before
    a relative path that starts with '-', which a command would take for an option)."""
    import shlex

    text = str(path)
    return shlex.quote("./" + text if text.startswith("-") else text)


def update_manifest(directory: str | Path, files_: list[Path]) -> dict:
    """Add or refresh the manifest entries of `files_` (inside `directory`), keeping the others; an
    entry of the same model (variant, seed) or naming the same file is replaced. Holds the folder's
    writer lock for the read-modify-write (a second writer waits, so both land). Raises
    CheckpointError, writing nothing, if the folder's manifest is there but invalid, or a file is
    outside the folder, too large or not a readable checkpoint."""
    directory = Path(directory)
    check_destinations(directory, [])
    with files.lock(directory):
        return _update_manifest(directory, files_)


def _update_manifest(directory: Path, paths: list[Path]) -> dict:
    """update_manifest's read-modify-write, for a caller that holds the folder's writer lock."""
    check_manifest_writable(directory)
    try:
        models = read_manifest(directory)["models"]
    except CheckpointError:  # none yet
        models = []
    new = []
    for f in paths:
        f = Path(f)
        if not files.inside(f, directory):
            raise CheckpointError(f"{f}: outside {directory}; a manifest lists only files in its own "
                                  "folder (nothing was written)")
        _check_size(f, "(nothing was written)")
        rel = f.resolve().relative_to(directory.resolve()).as_posix()
        try:
            meta = safetensors_metadata(f)
        except SafetensorError as e:
            raise CheckpointError(f"{f}: not a readable safetensors file "
                                  f"({str(e).splitlines()[0][:80]}); nothing was written") from None
        entry = {
            "variant": meta["variant"],
            "seed": int(meta["seed"]),
            "file": rel,
            "sha256": sha256_file(f),
            "epochs": int(meta["epochs"]),
            "final_loss": json.loads(meta["final_loss"]),
        }
        if meta.get("source", "").startswith("deconv import-article "):  # how to make it again
            entry["source"] = meta["source"]
        new = [m for m in new if (m["variant"], m["seed"]) != (entry["variant"], entry["seed"])
               and m["file"] != rel] + [entry]
    replaced = {(m["variant"], m["seed"]) for m in new} | {m["file"] for m in new}
    kept = [m for m in models if (m["variant"], m["seed"]) not in replaced and m["file"] not in replaced]
    entries = sorted(kept + new, key=lambda m: (m["variant"], m["seed"]))
    manifest = {"format": FORMAT, "models": entries}
    atomic_write_bytes(directory / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
    return manifest


def safetensors_metadata(path: str | Path) -> dict[str, str]:
    """The string metadata of a safetensors file (its header's __metadata__), read by safetensors
    itself. Raises SafetensorError (or OSError) for a file it cannot read."""
    with safe_open(str(path), framework="numpy") as f:
        return dict(f.metadata() or {})


def _read_safetensors(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """A checkpoint's arrays and metadata. It is read whole, so its size is checked first: memory
    stays under MAX_CHECKPOINT_BYTES (safetensors itself refuses a header that claims more than the
    file holds)."""
    _check_size(path)
    arrays = st_load(path.read_bytes())  # raises SafetensorError on a truncated or garbled file
    return arrays, safetensors_metadata(path)


def _check_size(path: Path, then: str = "", fix: str | None = None) -> None:
    """CheckpointError if `path` is larger than any checkpoint can be (read from its size alone)."""
    size = Path(path).stat().st_size
    if size > MAX_CHECKPOINT_BYTES:
        what = (f"{path}: {size:,} bytes; no checkpoint is larger than {MAX_CHECKPOINT_BYTES:,} (four "
                f"small arrays and a loss per epoch), so this is not one")
        raise CheckpointError(f"{what}. Regenerate it with: {fix}" if fix else f"{what} {then}".strip())


@dataclass(frozen=True)
class Checkpoint:
    """One trained patch autoencoder, as numpy arrays, with the maths of its forward pass."""

    variant: str
    seed: int
    path: Path
    enc_w: np.ndarray  # (3, 7) encoder filters, conv.weight[:, 0, :]
    enc_b: np.ndarray  # (3,)
    dec_w: np.ndarray  # (3, 7) decoder filters, deconv.weight[:, 0, :]
    dec_b: float
    loss: np.ndarray  # (epochs,) mean training loss per epoch
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def epochs(self) -> int:
        return int(self.metadata.get("epochs", len(self.loss)))

    @property
    def final_loss(self) -> float:
        return float(json.loads(self.metadata["final_loss"]))

    @property
    def code_noise(self) -> tuple[float, float, float]:
        """Std of the noise added to each code channel in training, as applied (0 if none)."""
        return tuple(float(x) for x in json.loads(self.metadata.get("code_noise", "[0, 0, 0]")))

    @property
    def activation(self) -> str:
        """The encoder's activation, 'tanh' or 'relu' (checkpoints without the key are tanh, the
        article's)."""
        return self.metadata.get("activation", "tanh")

    @property
    def input_noise(self) -> float:
        """Std of the noise added to the encoder's input in training (0 if none)."""
        return float(json.loads(self.metadata.get("input_noise", "0")))

    def pre_activations(self, patches: np.ndarray) -> np.ndarray:
        """(N, 7) patches -> (N, 3) dot products with the encoder filters, plus bias."""
        return np.asarray(patches, dtype=np.float64) @ self.enc_w.T.astype(np.float64) + self.enc_b

    def encode(self, patches: np.ndarray) -> np.ndarray:
        """(N, 7) patches -> (N, 3) codes: the activation (tanh, or ReLU max(0, x)) of the
        pre-activations."""
        pre = self.pre_activations(patches)
        return np.maximum(pre, 0.0) if self.activation == "relu" else np.tanh(pre)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """(N, 3) codes -> (N, 7) patches: the weighted sum of decoder filters, plus bias."""
        return np.asarray(codes, dtype=np.float64) @ self.dec_w.astype(np.float64) + self.dec_b

    def encode_windows(self, signal: np.ndarray, stride: int = STRIDE) -> np.ndarray:
        """The encoder as the article's Conv1d runs on longer signals: (L,) -> (3, n_windows), or
        (N, L) -> (N, 3, n_windows); one code column per kernel-7 window at starts 0, stride, ..."""
        signal = np.asarray(signal, dtype=np.float64)
        k = self.enc_w.shape[1]
        starts = conv.window_starts(signal.shape[-1], k, stride)
        windows = np.stack([signal[..., s:s + k] for s in starts], axis=-2)  # (..., n_windows, 7)
        return np.swapaxes(self.encode(windows), -1, -2)

    def decode_windows(self, codes: np.ndarray, stride: int = STRIDE, taps: np.ndarray | None = None
                       ) -> np.ndarray:
        """The decoder as the article's ConvTranspose1d (core.conv): (3, n_windows) ->
        ((n-1)*stride + 7,), or (N, 3, n_windows) -> (N, L).

        Each window's weighted sum of filters lands `stride` samples after the previous one and
        overlapping samples add up; the bias is added once per output sample. `taps` (7,), if
        given, multiplies every filter tap by tap (the overlap fixes)."""
        w = self.dec_w.astype(np.float64) * (1.0 if taps is None else np.asarray(taps, float))
        return conv.conv_transpose1d(codes, w[:, None, :], [self.dec_b], stride)[..., 0, :]


def read_checkpoint_file(path: str | Path, fix: str, sha256: str | None = None) -> Checkpoint:
    """Read and validate one checkpoint file; `fix` is the command the error messages suggest."""
    path = Path(path)

    def fail(problem: str) -> CheckpointError:
        return CheckpointError(f"{path}: {problem}. Regenerate it with: {fix}")

    if not path.is_file():
        raise fail("file is missing")
    _check_size(path, fix=fix)  # before it is hashed or read
    if sha256 is not None and sha256_file(path) != sha256:
        raise fail("contents do not match the manifest's sha256 (truncated, corrupt or replaced)")
    try:
        arrays, meta = _read_safetensors(path)
    except (SafetensorError, ValueError, UnicodeDecodeError) as e:
        raise fail(f"not a readable safetensors file ({str(e).splitlines()[0][:80]})") from None
    for key, shape in PARAM_SHAPES.items():
        if key not in arrays:
            raise fail(f"has no tensor '{key}'")
        if arrays[key].shape != shape:
            raise fail(f"tensor '{key}' has shape {arrays[key].shape}, expected {shape}")
        if not np.all(np.isfinite(arrays[key])):
            raise fail(f"tensor '{key}' holds NaN or infinite values")
    for key in ("variant", "seed", "final_loss"):
        if key not in meta:
            raise fail(f"metadata has no '{key}'")
    if meta.get("activation", "tanh") not in ACTIVATIONS:
        raise fail(f"metadata activation {meta['activation']!r} is not one of {', '.join(ACTIVATIONS)}")
    for key in ("seed", "epochs"):  # the metadata's numbers, as text: whole numbers and a finite loss
        if not re.fullmatch(r"-?\d+", meta.get(key, "0")):
            raise fail(f"metadata {key} {meta[key]!r} is not a whole number")
    try:
        _check_numbers({"final_loss": json.loads(meta["final_loss"])})
    except ValueError:
        raise fail(f"metadata final_loss {meta['final_loss']!r} is not a finite number") from None
    loss = arrays.get(LOSS_KEY, np.zeros(0))
    return Checkpoint(
        variant=meta["variant"],
        seed=int(meta["seed"]),
        path=path,
        enc_w=arrays["encoder.conv.weight"][:, 0, :],
        enc_b=arrays["encoder.conv.bias"],
        dec_w=arrays["decoder.deconv.weight"][:, 0, :],
        dec_b=float(arrays["decoder.deconv.bias"][0]),
        loss=loss,
        metadata=meta,
    )


def load_checkpoint(
    variant: str = "plain", seed: int = 22, directory: str | Path = DEFAULT_DIR
) -> Checkpoint:
    """Load one model by variant and seed, verified against the folder's manifest."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    fix = regenerate_command(variant, seed, directory)
    for m in manifest["models"]:
        if m["variant"] == variant and int(m["seed"]) == int(seed):
            return load_entry(directory, m)
    have = sorted({m["variant"] for m in manifest["models"]})
    seeds = sorted({int(m["seed"]) for m in manifest["models"] if m["variant"] == variant})
    known = f"seeds of {variant}: {seeds}" if seeds else f"variants: {have}"
    todo = (f"Train it with: {fix}" if variant in VARIANTS
            else f"Choose one of {', '.join(have)}")
    raise CheckpointError(
        f"{directory / MANIFEST}: no checkpoint for variant '{variant}', seed {seed} ({known}). {todo}"
    )


def load_entry(directory: str | Path, entry: dict) -> Checkpoint:
    """The model one manifest entry names, verified: its file lies inside `directory` (links
    followed), is no larger than a checkpoint can be, matches the entry's sha256 and says in its own
    metadata that it is the entry's variant and seed. CheckpointError (one line) otherwise."""
    directory = Path(directory)
    variant, seed = entry["variant"], int(entry["seed"])
    fix = regenerate_command(variant, seed, directory, entry.get("source"))
    path = directory / entry["file"]  # an absolute `file` replaces `directory`
    if not files.inside(path, directory):
        link, todo = "", "Regenerate it with"
        if path.is_symlink():
            link = f" (a link to {files.target(path)})"
            todo = f"Remove the link (rm {shell_quote(path)}; what it points to stays) and regenerate it with"
        elif not Path(entry["file"]).is_absolute() and ".." not in Path(entry["file"]).parts:
            link = f" (through a linked folder, it is {files.target(path)})"
        raise CheckpointError(
            f"{directory / MANIFEST}: entry {variant} seed {seed} names {entry['file']!r}{link}, "
            f"outside {directory}; a manifest names only files in its own folder. {todo}: {fix}")
    ck = read_checkpoint_file(path, fix, sha256=entry["sha256"])
    if (ck.variant, ck.seed) != (variant, seed):
        raise CheckpointError(
            f"{path}: the manifest's entry {variant} seed {seed} names this file, but its metadata says "
            f"{ck.variant} seed {ck.seed}. Regenerate it with: {fix}")
    return ck


def load_all(directory: str | Path = DEFAULT_DIR, variant: str | None = None) -> list[Checkpoint]:
    """Every model of the manifest (optionally of one variant), each verified."""
    directory = Path(directory)
    entries = read_manifest(directory)["models"]
    return [load_entry(directory, m) for m in entries if variant is None or m["variant"] == variant]
