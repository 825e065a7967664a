"""`deconv train` never loses a run: what it checks before the first epoch (a file where a variant's
folder goes, an unwritable --out, an invalid manifest, checkpoints trained otherwise), a final write
that fails, and a burst of Ctrl-C."""

import signal

from conftest import assert_usage_error, deconv
from test_cli import _article_files, interrupt_training

from core import files, weights


def test_a_file_where_a_variant_folder_goes_is_found_before_training(tmp_path, quick):
    (tmp_path / "plain").write_text("")
    res = quick(tmp_path)
    assert_usage_error(res, f"{tmp_path / 'plain'}: a file is where the plain checkpoints' folder goes")
    assert "training 1 model" not in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".train.lock") == ["plain"]


def test_a_failed_final_write_keeps_the_state_and_resume_writes_the_set(tmp_path, quick, monkeypatch):
    """No space left while the checkpoints are written: one line, nothing half-written (no checkpoint,
    no manifest, no staging folder), the final state kept; --resume then writes them all."""
    import errno

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(weights, "save_checkpoint", no_space)
        res = quick.raw("train", "--variants", "plain", "code-noise", "--seeds", "7", "--epochs", "3",
                        "--device", "cpu", "--out", tmp_path, "--no-progress")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    last = res.stderr.strip().splitlines()[-1]  # after the 'training 2 models ...' line
    assert last.startswith("deconv: error: ") and "could not write the checkpoints (No space" in last
    assert f"deconv train --resume --device cpu --out {tmp_path}" in last
    left = sorted(p.name for p in tmp_path.iterdir() if p.name not in (".train.lock", files.LOCK))
    assert left == ["train-state.safetensors"]  # and the (empty) lock files of the run and the writer
    res = quick.raw("train", "--resume", "--out", tmp_path, "--device", "cpu", "--no-progress")
    assert res.returncode == 0, res.stderr
    models = weights.load_all(tmp_path)
    assert len(models) == 2 and all(m.epochs == 3 for m in models)
    assert not (tmp_path / "train-state.safetensors").exists()


def test_an_unwritable_out_is_found_before_training(tmp_path, quick, monkeypatch):
    """(As root, chmod cannot make a folder unwritable: the write that fails is simulated.)"""
    import errno
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", denied)
    res = quick(tmp_path / "ro")
    assert_usage_error(res, "cannot write here (Permission denied)", "choose another --out")
    assert "training 1 model" not in res.stderr


def test_an_invalid_manifest_is_never_replaced(tmp_path, quick):
    bad = b'{"format": "deconv-explained/1", "models": [{"variant": "plain"}]}'
    (tmp_path / "manifest.json").write_bytes(bad)
    res = quick(tmp_path)
    assert_usage_error(res, "manifest is not valid", "nothing was written", "move it away (mv ")
    assert (tmp_path / "manifest.json").read_bytes() == bad and not (tmp_path / "plain").exists()
    src = tmp_path / "src"
    _article_files(src, [11])
    res = deconv("import-article", src, "--out", tmp_path)
    assert_usage_error(res, "manifest is not valid", "nothing was written")
    assert (tmp_path / "manifest.json").read_bytes() == bad and not (tmp_path / "article").exists()


def test_checkpoints_trained_otherwise_are_overwritten_only_with_force(tmp_path, quick):
    assert quick(tmp_path).returncode == 0
    assert quick(tmp_path).returncode == 0  # the same settings: the same weights, no question
    before = (tmp_path / "plain" / "seed_7.safetensors").read_bytes()
    res = quick(tmp_path, epochs=2)
    assert_usage_error(res, "1 checkpoint there were trained with other settings",
                       "plain seed 7: epochs 3 there, 2 now", "--force", "another --out")
    assert (tmp_path / "plain" / "seed_7.safetensors").read_bytes() == before
    res = quick(tmp_path, "--force", epochs=2)
    assert res.returncode == 0, res.stderr
    assert weights.load_checkpoint("plain", 7, tmp_path).epochs == 2


def test_a_burst_of_ctrl_c_saves_once_and_prints_no_traceback(tmp_path):
    proc, err = interrupt_training(tmp_path, [signal.SIGINT] * 4, gap=0.02)
    state = tmp_path / "train-state.safetensors"
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert err.count("interrupted;") == 1 and state.exists()


def test_manifests_that_are_not_lists_of_entries_are_one_line(tmp_path, quick):
    """A folder named manifest.json, entries of the wrong types, JSON nested too deep: one line each;
    the shipped folder's repair is git, any other folder's is to move the file away."""
    (tmp_path / "a" / "manifest.json").mkdir(parents=True)
    assert_usage_error(quick(tmp_path / "a"), "a folder, not a file")
    for i, text in enumerate(['{"models": [{"variant": 1, "seed": 1, "file": "a", "sha256": "0"}]}',
                              '{"models": [{"variant": "p", "seed": 1, "file": ["a"], "sha256": "0"}]}',
                              "[" * 100000]):
        (tmp_path / f"b{i}").mkdir()
        (tmp_path / f"b{i}" / "manifest.json").write_text(text)
        assert_usage_error(quick(tmp_path / f"b{i}"), "manifest is not valid", "mv ")
    assert "git checkout -- " in weights._invalid(weights.DEFAULT_DIR / weights.MANIFEST, "x")


def test_a_run_that_diverges_writes_nothing(tmp_path, quick):
    assert quick(tmp_path).returncode == 0
    manifest = (tmp_path / "manifest.json").read_bytes()
    res = quick(tmp_path / "x", "--code-noise", "1e300", "0", "0", "--variants", "code-noise")
    assert res.returncode == 2 and "training diverged" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "x" / "manifest.json").exists()
    assert_usage_error(quick(tmp_path, "--lr", "inf"), "--lr", "not a finite number")
    assert (tmp_path / "manifest.json").read_bytes() == manifest


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_runs(tmp_path, quick):
    from core import cli

    held = cli._lock_out(tmp_path)
    try:
        assert_usage_error(quick(tmp_path), "another deconv train is running in this folder")
    finally:
        held.close()
    assert quick(tmp_path).returncode == 0


def test_resume_of_a_forced_run_and_its_hint(tmp_path, quick, monkeypatch):
    """A run started with --force and interrupted: the hint says --resume --force --device cpu, and
    that command continues it."""
    from core import train

    assert quick(tmp_path).returncode == 0
    real = train.Trainer.run_epoch

    def stop_in_second(self):
        if self.epoch == 1:
            raise KeyboardInterrupt
        return real(self)

    monkeypatch.setattr(train.Trainer, "run_epoch", stop_in_second)
    res = quick(tmp_path, "--force", epochs=5)
    assert res.returncode == 130
    hint = res.stderr.split("Continue with: ")[1].strip()
    assert hint == f"deconv train --resume --force --device cpu --out {tmp_path}"
    monkeypatch.setattr(train.Trainer, "run_epoch", real)
    res = quick.raw(*hint.split()[1:])  # the hint, as printed, in this process
    assert res.returncode == 0, res.stderr
    assert weights.load_checkpoint("plain", 7, tmp_path).epochs == 5


def test_a_damaged_checkpoints_hint_retrains_it_without_force(tmp_path, quick, capsys):
    """A truncated checkpoint: `deconv info` names the command that regenerates it, and that command,
    as printed, runs (a damaged file is not one trained with other settings)."""
    assert quick(tmp_path).returncode == 0
    f = tmp_path / "plain" / "seed_7.safetensors"
    f.write_bytes(f.read_bytes()[:300])
    hint = quick.raw("info", "--dir", tmp_path).stderr.split("Regenerate it with: ")[1].strip()
    assert hint == f"deconv train --variants plain --seeds 7 --out {tmp_path}"
    res = quick.raw(*hint.split()[1:], "--epochs", 3, "--device", "cpu", "--no-progress")
    assert res.returncode == 0, res.stderr
    assert weights.load_checkpoint("plain", 7, tmp_path).epochs == 3
