"""Checkpoint folders are trusted only as far as they hold together: every file a manifest names lies
in its folder, says in its own metadata that it is the model its entry says, and is no larger than a
checkpoint can be; every file written goes into the folder and nowhere else; writers of one manifest
take turns; the article's files name each seed once."""

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from conftest import ROOT, assert_usage_error, deconv_here

from core import weights


@pytest.fixture
def ckdir(tmp_path, trained_dir):
    """A copy of the trained 2 variants x 2 seeds folder (plain and code-noise, seeds 11 and 22)."""
    d = tmp_path / "ck"
    shutil.copytree(trained_dir, d)
    return d


def _edit_manifest(folder, model, **changes):
    """Change the manifest entry of `model` (variant, seed) as a hand edit would."""
    manifest = json.loads((folder / "manifest.json").read_text())
    for m in manifest["models"]:
        if (m["variant"], m["seed"]) == model:
            m.update(changes)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _one_line(err, *needles):
    msg = str(err.value)
    assert "\n" not in msg, msg
    for n in needles:
        assert n in msg, msg
    return msg


# --- 1. every file a manifest names lies in its folder --------------------------------------------
@pytest.mark.parametrize("how", ["absolute", "climbs", "climbs-inside", "linked", "linked-folder", "loop",
                                 "nul"])
def test_a_manifest_entry_outside_its_folder_is_refused(ckdir, tmp_path, capsys, how):
    """An entry whose file is absolute, climbs out with '..', is a link to a file elsewhere, or lies
    in a variant folder that is a link (a true copy of the checkpoint, its sha256 right): refused by
    the loader (scenes, figures) and by `deconv info` with one line naming the entry and the fix;
    the other entries still load."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = elsewhere / "seed_22.safetensors"
    shutil.copy(ckdir / "plain" / "seed_22.safetensors", copy)
    file = "plain/seed_22.safetensors"
    if how in ("linked", "loop"):  # a loop: a link to itself (Python 3.11's resolve() raised on it)
        (ckdir / "plain" / "seed_22.safetensors").unlink()
        link = ckdir / "plain" / "seed_22.safetensors"
        link.symlink_to(copy if how == "linked" else link.name)
    elif how == "linked-folder":  # the folder of plain seed 22 (the only plain entry left)
        shutil.rmtree(ckdir / "plain")
        (ckdir / "plain").symlink_to(elsewhere)
        manifest = json.loads((ckdir / "manifest.json").read_text())
        manifest["models"] = [m for m in manifest["models"] if (m["variant"], m["seed"]) != ("plain", 11)]
        (ckdir / "manifest.json").write_text(json.dumps(manifest))
    else:
        file = {"absolute": str(copy), "climbs": "../elsewhere/seed_22.safetensors",
                "climbs-inside": "plain/../../elsewhere/seed_22.safetensors",
                "nul": "plain/seed\0_22.safetensors"}[how]
        _edit_manifest(ckdir, ("plain", 22), file=file)
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint("plain", 22, ckdir)
    _one_line(err, "entry plain seed 22", repr(file), f"outside {ckdir}",
              f"deconv train --variants plain --seeds 22 --out {ckdir}")
    with pytest.raises(weights.CheckpointError):
        weights.load_all(ckdir, "plain")
    assert weights.load_checkpoint("code-noise", 22, ckdir).seed == 22
    res = deconv_here(capsys, "info", "--dir", ckdir)
    assert_usage_error(res, "entry plain seed 22", "outside")
    n = len(weights.read_manifest(ckdir)["models"])
    assert res.stdout.count("verified") == n - 1 and res.stdout.count("FAILED") == 1


# --- 2. nothing is written through a link out of the folder ----------------------------------------
def test_train_into_a_linked_variant_folder_is_refused_before_training(tmp_path, quick):
    out, elsewhere = tmp_path / "ck", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "plain").symlink_to(elsewhere)
    res = quick(out)
    assert_usage_error(res, f"{out / 'plain'}", str(elsewhere), "outside")
    assert "training 1 model" not in res.stderr
    assert list(elsewhere.iterdir()) == [] and not (out / "manifest.json").exists()
    # --force changes nothing: the rule is where files go, not whose they are
    assert_usage_error(quick(out, "--force"), "outside")
    assert list(elsewhere.iterdir()) == []


def test_a_linked_checkpoint_file_is_not_read_or_written_through(tmp_path, quick):
    """A link out of the folder where a checkpoint goes: refused before training (not read through);
    with --force the link is replaced by the checkpoint, what it pointed to left as it was."""
    out, elsewhere = tmp_path / "ck", tmp_path / "elsewhere"
    (out / "plain").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "x.safetensors").write_bytes(b"the user's own file")
    link = out / "plain" / "seed_7.safetensors"
    link.symlink_to(elsewhere / "x.safetensors")
    res = quick(out)
    assert_usage_error(res, f"{link}: a link to {elsewhere / 'x.safetensors'}, outside", "--force")
    assert "training 1 model" not in res.stderr
    assert quick(out, "--force").returncode == 0
    assert not link.is_symlink() and weights.load_checkpoint("plain", 7, out).seed == 7
    assert (elsewhere / "x.safetensors").read_bytes() == b"the user's own file"


def test_install_refuses_a_linked_variant_folder_and_writes_nothing(ckdir, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (ckdir / "article").symlink_to(elsewhere)
    arrays, meta = weights._read_safetensors(ckdir / "plain" / "seed_22.safetensors")
    meta = {**meta, "variant": "article", "seed": "5"}
    meta.pop("format")
    before = (ckdir / "manifest.json").read_bytes()
    with pytest.raises(weights.CheckpointError) as err:
        weights.install_checkpoints(ckdir, [("article", 5, arrays, meta)])
    _one_line(err, str(ckdir / "article"), "outside")
    assert list(elsewhere.iterdir()) == [] and (ckdir / "manifest.json").read_bytes() == before
    assert not list(ckdir.glob(".staging-*"))


def test_import_into_a_linked_variant_folder_is_refused(tmp_path, capsys):
    from test_cli import _article_files

    src, out, elsewhere = tmp_path / "models", tmp_path / "ck", tmp_path / "elsewhere"
    _article_files(src, [11])
    out.mkdir()
    elsewhere.mkdir()
    (out / "article").symlink_to(elsewhere)
    assert_usage_error(deconv_here(capsys, "import-article", src, "--out", out), "outside")
    assert list(elsewhere.iterdir()) == [] and not (out / "manifest.json").exists()


# --- 3. an entry and its file agree on the model ---------------------------------------------------
@pytest.mark.parametrize("claim", [("plain", 33), ("code-noise", 22)])
def test_an_entry_that_names_another_models_file_is_refused(ckdir, capsys, claim):
    """An entry saying plain seed 33 (or code-noise seed 22) whose file, sha256 and all, is plain
    seed 22's: one line naming both, not seed 22's weights served as seed 33's."""
    variant, seed = claim
    manifest = json.loads((ckdir / "manifest.json").read_text())
    entry = next(m for m in manifest["models"] if (m["variant"], m["seed"]) == ("plain", 22))
    manifest["models"] = [m for m in manifest["models"] if (m["variant"], m["seed"]) != claim]
    manifest["models"].append({**entry, "variant": variant, "seed": seed})
    (ckdir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint(variant, seed, ckdir)
    _one_line(err, f"entry {variant} seed {seed}", "metadata says plain seed 22",
              f"deconv train --variants {variant} --seeds {seed}")
    res = deconv_here(capsys, "info", "--dir", ckdir)
    assert_usage_error(res, "metadata says plain seed 22")


def test_regenerating_a_model_replaces_its_entry(ckdir):
    """The fix the refusal names works: writing plain seed 33 replaces the entry that claimed it
    (one entry per model), and the folder loads."""
    _edit_manifest(ckdir, ("plain", 22), seed=33)
    arrays, meta = weights._read_safetensors(ckdir / "code-noise" / "seed_22.safetensors")
    meta = {**meta, "variant": "plain", "seed": "33"}
    meta.pop("format")
    weights.install_checkpoints(ckdir, [("plain", 33, arrays, meta)])
    entries = [(m["variant"], m["seed"], m["file"]) for m in weights.read_manifest(ckdir)["models"]]
    assert ("plain", 33, "plain/seed_33.safetensors") in entries and len(entries) == 4
    assert weights.load_checkpoint("plain", 33, ckdir).seed == 33


# --- 4. the article's files name each seed once ----------------------------------------------------
@pytest.mark.parametrize("part", ["encoder", "decoder"])
def test_import_refuses_two_files_for_one_seed(tmp_path, capsys, part):
    from test_cli import _article_files

    src, out = tmp_path / "models", tmp_path / "ck"
    _article_files(src, [11])
    shutil.copy(src / f"{part}_11.pt", src / f"{part}_011.pt")
    res = deconv_here(capsys, "import-article", src, "--out", out)
    assert_usage_error(res, f"{part}_011.pt and {part}_11.pt", "seed 11")
    assert not out.exists()


# --- 5. writers of one manifest take turns ---------------------------------------------------------
def _model(ckdir, seed):
    arrays, meta = weights._read_safetensors(ckdir / "plain" / "seed_22.safetensors")
    meta = {**meta, "seed": str(seed)}
    meta.pop("format")
    return ("plain", seed, arrays, meta)


def test_concurrent_installs_all_land_in_the_manifest(ckdir):
    """Eight threads installing models into one folder at once, four each one after another: the
    manifest lists every one (it is read, changed and written by one writer at a time), and no
    writer's staging folder is cleared from under it by another."""
    seeds = [[100 + 10 * t + k for k in range(4)] for t in range(8)]
    start = threading.Barrier(len(seeds))
    errors = []

    def install(mine):
        try:
            start.wait()
            for seed in mine:
                weights.install_checkpoints(ckdir, [_model(ckdir, seed)])
        except Exception as e:  # noqa: BLE001 - collected and shown below
            errors.append(repr(e))

    threads = [threading.Thread(target=install, args=(s,)) for s in seeds]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    every = sorted([11, 22, *(s for mine in seeds for s in mine)])
    listed = sorted(m["seed"] for m in weights.read_manifest(ckdir)["models"] if m["variant"] == "plain")
    assert listed == every
    assert [m.seed for m in weights.load_all(ckdir, "plain")] == every
    assert not list(ckdir.glob(".staging-*"))


def test_concurrent_manifest_updates_from_processes_all_land(ckdir):
    """Four processes (as four `deconv import-article` runs would) each adding a checkpoint to the
    manifest at once with update_manifest: every one is listed."""
    seeds = [200, 201, 202, 203]
    for s in seeds:
        m = _model(ckdir, s)
        weights.save_checkpoint(weights.checkpoint_path(ckdir, "plain", s), m[2], m[3])
    go = time.time() + 1.5  # they all start at once, after their imports
    code = ("import sys, time; from pathlib import Path; from core import weights\n"
            "d, f, go = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])\n"
            "time.sleep(max(0, go - time.time()))\n"
            "for _ in range(5): weights.update_manifest(d, [f])\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(ckdir),
                               str(weights.checkpoint_path(ckdir, "plain", s)), str(go)], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for s in seeds]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    listed = {m["seed"] for m in weights.read_manifest(ckdir)["models"] if m["variant"] == "plain"}
    assert listed == {11, 22, *seeds}


# --- 6. a file far larger than a checkpoint is refused before it is read -----------------------------
def _sparse(path, size):
    with open(path, "r+b" if path.exists() else "wb") as f:
        f.truncate(size)  # a hole: no disk used


def test_a_huge_file_in_a_checkpoints_place_is_refused_unread(ckdir, monkeypatch, capsys):
    """A 3 GB file (sparse) in place of a checkpoint, its sha256 'matching': refused from its size,
    never hashed or read."""
    path = ckdir / "plain" / "seed_22.safetensors"
    _sparse(path, 3 << 30)
    _edit_manifest(ckdir, ("plain", 22), sha256="0" * 64)

    def small_only(read):
        def check(p, *args, **kwargs):
            assert os.path.getsize(p) < 1 << 20, f"a huge file was read: {p}"
            return read(p, *args, **kwargs)
        return check

    for name in ("sha256_file", "_read_safetensors", "safetensors_metadata"):
        monkeypatch.setattr(weights, name, small_only(getattr(weights, name)))
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint("plain", 22, ckdir)
    _one_line(err, str(path), "3,221,225,472 bytes", "no checkpoint is larger than",
              "deconv train --variants plain --seeds 22")
    assert_usage_error(deconv_here(capsys, "info", "--dir", ckdir), "3,221,225,472 bytes")
    with pytest.raises(weights.CheckpointError):
        weights.update_manifest(ckdir, [path])


def test_the_size_bound_holds_every_checkpoint_training_can_write(tmp_path):
    """The bound is generous: a checkpoint of the most epochs `deconv train` takes, with the longest
    metadata an import writes, fits under it; the shipped ones are 40,928 bytes."""
    arrays = {k: np.zeros(s, np.float32) for k, s in weights.PARAM_SHAPES.items()}
    arrays[weights.LOSS_KEY] = np.zeros(weights.MAX_EPOCHS)
    meta = {"variant": "v" * 255, "seed": 2**32 - 1, "epochs": weights.MAX_EPOCHS, "final_loss": 1.0,
            "source": "deconv import-article '" + "d" * 4096 + "'", "date": "x" * 64}
    path = tmp_path / "big.safetensors"
    weights.save_checkpoint(path, arrays, meta)
    assert path.stat().st_size < weights.MAX_CHECKPOINT_BYTES <= 16 << 20
    shipped = weights.checkpoint_path(weights.DEFAULT_DIR, "plain", 22).stat().st_size
    assert weights.MAX_CHECKPOINT_BYTES > 100 * shipped


def test_train_refuses_more_epochs_than_a_checkpoint_holds(tmp_path, capsys):
    res = deconv_here(capsys, "train", "--epochs", weights.MAX_EPOCHS + 1, "--out", tmp_path)
    assert_usage_error(res, f"--epochs: at most {weights.MAX_EPOCHS:,}")


def test_a_header_claiming_huge_tensors_is_one_line(ckdir):
    """A small file whose safetensors header claims a 4 TB tensor (sha256 in the manifest made to
    match): refused by safetensors' own checks, nothing of that size allocated."""
    path = ckdir / "plain" / "seed_22.safetensors"
    header = json.dumps({"encoder.conv.weight": {"dtype": "F32", "shape": [1 << 40],
                                                 "data_offsets": [0, 1 << 42]}}).encode()
    path.write_bytes(len(header).to_bytes(8, "little") + header + bytes(16))
    _edit_manifest(ckdir, ("plain", 22), sha256=weights.sha256_file(path))
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint("plain", 22, ckdir)
    _one_line(err, "not a readable safetensors file")
    path.write_bytes((1 << 60).to_bytes(8, "little") + header)  # a header length of an exabyte
    _edit_manifest(ckdir, ("plain", 22), sha256=weights.sha256_file(path))
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint("plain", 22, ckdir)
    _one_line(err, "not a readable safetensors file")


def test_a_huge_manifest_is_refused_unread(ckdir, capsys):
    _sparse(ckdir / "manifest.json", 3 << 30)
    with pytest.raises(weights.CheckpointError) as err:
        weights.read_manifest(ckdir)
    _one_line(err, "manifest is not valid", "3,221,225,472 bytes")


def test_a_huge_saved_state_is_refused_unread(tmp_path, capsys, small_patches):
    """The resumable state of `deconv train` is bounded by the run it describes: a well-formed state
    whose header adds a 3 GB tensor (sparse, no disk used) is one line, not read into memory."""
    from core import train

    trainer = train.Trainer(train.TrainConfig(variants=("plain",), seeds=(7,), epochs=2), "cpu",
                            small_patches)
    state = tmp_path / "train-state.safetensors"
    train.save_state(state, trainer, trainer.state())
    assert train.read_state(state)[0].seeds == (7,)
    raw = state.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header, body = json.loads(raw[8:8 + n]), raw[8 + n:]
    header["pad"] = {"dtype": "U8", "shape": [3 << 30], "data_offsets": [len(body), len(body) + (3 << 30)]}
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    state.write_bytes(len(text).to_bytes(8, "little") + text + body)
    _sparse(state, 8 + len(text) + len(body) + (3 << 30))
    size = f"{state.stat().st_size:,} bytes"
    assert weights.safetensors_metadata(state)["epoch"] == "0"  # a file safetensors takes
    with pytest.raises(train.StateError, match=size):
        train.read_state(state)
    res = deconv_here(capsys, "train", "--resume", "--device", "cpu", "--out", tmp_path)
    assert_usage_error(res, str(state), size, "delete it")
