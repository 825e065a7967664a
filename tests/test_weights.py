"""The numpy loader: verified hashes, shapes and values; one clear line for every bad file."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from core import weights


@pytest.fixture
def ckdir(tmp_path, trained_dir):
    d = tmp_path / "ck"
    shutil.copytree(trained_dir, d)
    return d


def _one_line_naming(err, path, variant="plain", seed=22):
    msg = str(err.value)
    assert "\n" not in msg
    assert str(path) in msg
    assert f"deconv train --variants {variant} --seeds {seed}" in msg
    return msg


def test_loads_and_verifies(ckdir):
    ck = weights.load_checkpoint("plain", 22, ckdir)
    assert ck.enc_w.shape == (3, 7) and ck.dec_w.shape == (3, 7) and ck.enc_b.shape == (3,)
    assert np.isfinite(ck.final_loss) and ck.metadata["variant"] == "plain"
    assert len(weights.load_all(ckdir)) == 4 and len(weights.load_all(ckdir, "plain")) == 2


def test_loader_does_not_import_torch():
    code = "import core.weights, sys; print('torch' in sys.modules, 'manim' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_missing_file(ckdir):
    path = ckdir / "plain" / "seed_22.safetensors"
    path.unlink()
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint("plain", 22, ckdir)
    assert "missing" in _one_line_naming(err, path)


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_truncated_or_corrupt_file(ckdir, damage):
    path = ckdir / "plain" / "seed_22.safetensors"
    raw = bytearray(path.read_bytes())
    path.write_bytes(raw[: len(raw) // 2] if damage == "truncate" else raw[:-9] + b"\xff" + raw[-8:])
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint("plain", 22, ckdir)
    assert "sha256" in _one_line_naming(err, path)


def _rewrite(ckdir, mutate):
    """Rewrite plain/seed_22 with a mutation, and re-hash it so only the contents are wrong."""
    path = ckdir / "plain" / "seed_22.safetensors"
    arrays, meta = weights._read_safetensors(path)
    mutate(arrays)
    meta.pop("format")
    weights.save_checkpoint(path, arrays, meta)
    weights.update_manifest(ckdir, [path])
    return path


def test_wrong_shape(ckdir):
    path = _rewrite(ckdir, lambda a: a.update({"decoder.deconv.weight": np.zeros((3, 1, 5), np.float32)}))
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint("plain", 22, ckdir)
    assert "shape (3, 1, 5), expected (3, 1, 7)" in _one_line_naming(err, path)


def test_nan_weights(ckdir):
    def poison(a):
        a["encoder.conv.bias"] = a["encoder.conv.bias"].copy()
        a["encoder.conv.bias"][1] = np.nan

    path = _rewrite(ckdir, poison)
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint("plain", 22, ckdir)
    assert "NaN" in _one_line_naming(err, path)


def _rehash(ckdir, path):
    """Put `path`'s new sha256 in the manifest, so that only its contents are wrong."""
    manifest = json.loads((ckdir / "manifest.json").read_text())
    for m in manifest["models"]:
        if m["file"] == "plain/seed_22.safetensors":
            m["sha256"] = weights.sha256_file(path)
    (ckdir / "manifest.json").write_text(json.dumps(manifest))


def test_garbage_with_matching_hash(ckdir):
    path = ckdir / "plain" / "seed_22.safetensors"
    path.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all}")
    _rehash(ckdir, path)
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint("plain", 22, ckdir)
    assert "not a readable safetensors file" in _one_line_naming(err, path)


def test_unknown_model_and_missing_or_broken_manifest(ckdir, tmp_path):
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint("plain", 99, ckdir)
    msg = _one_line_naming(err, ckdir / "manifest.json", seed=99)
    assert "seeds of plain: [11, 22]" in msg
    with pytest.raises(weights.CheckpointError, match="no checkpoint manifest here"):
        weights.load_checkpoint("plain", 22, tmp_path / "nowhere")
    (ckdir / "manifest.json").write_text("{")
    with pytest.raises(weights.CheckpointError, match="manifest is not valid"):
        weights.load_checkpoint("plain", 22, ckdir)


def test_atomic_write_leaves_no_temp_files(tmp_path):
    target = tmp_path / "x.bin"
    weights.atomic_write_bytes(target, b"abc")
    weights.atomic_write_bytes(target, b"defg")
    assert target.read_bytes() == b"defg"
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]


def test_unknown_variant_names_the_ones_there_are(ckdir):
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint("nope", 22, ckdir)
    msg = str(err.value)
    assert "Choose one of code-noise, plain" in msg and "deconv train" not in msg


@pytest.mark.parametrize("bad,said", [
    ({"seed": "x"}, "metadata seed 'x' is not a whole number"),
    ({"epochs": "5k"}, "metadata epochs '5k' is not a whole number"),
    ({"final_loss": "NaN"}, "metadata final_loss 'NaN' is not a finite number"),
    ({"final_loss": '"low"'}, "metadata final_loss '\"low\"' is not a finite number"),
])
def test_metadata_numbers_that_are_not_numbers(ckdir, bad, said):
    """A checkpoint whose metadata (re-hashed, so only the numbers are wrong) has a seed, epochs or
    final loss that is not a number, or a NaN loss: one line naming it, not a ValueError."""
    path = ckdir / "plain" / "seed_22.safetensors"
    arrays, meta = weights._read_safetensors(path)
    meta.pop("format")
    weights.save_checkpoint(path, arrays, {**meta, **bad})
    _rehash(ckdir, path)
    with pytest.raises(weights.CheckpointError) as err:
        weights.load_checkpoint("plain", 22, ckdir)
    assert said in _one_line_naming(err, path)


@pytest.mark.parametrize("key,value,said", [
    ("seed", "x", "seed 'x' is not a whole number"),
    ("epochs", 2.5, "epochs 2.5 is not a whole number"),
    ("final_loss", float("nan"), "final_loss nan is not a finite number"),
    ("final_loss", "0.1", "final_loss '0.1' is not a finite number"),
])
def test_manifest_numbers_that_are_not_numbers(ckdir, key, value, said):
    manifest = json.loads((ckdir / "manifest.json").read_text())
    manifest["models"][0][key] = value
    (ckdir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(weights.CheckpointError) as err:
        weights.read_manifest(ckdir)
    assert "manifest is not valid" in str(err.value) and said in str(err.value)
    assert "\n" not in str(err.value)
