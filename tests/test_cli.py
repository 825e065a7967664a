"""The `deconv` command as a user runs it: outputs, files, exit codes, one-line errors.

`deconv` runs `python -m core.cli` in a fresh process; `deconv_here` calls `core.cli.main`, what the
installed `deconv` script calls, in this process (the same code without the start-up), for the many
cases that stop at a bad input. Commands that train get `SMALL_DATA`: the first 1,000 patches.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from core import article, cli, weights
from core.model import init_models

# the code run before the command, in its process: training on the first 1,000 of the article's
# patches (conftest's `small_patches`), so that a test trains in seconds; the CLI is unchanged
SMALL_DATA = """
from core import data
_all_patches = data.make_patches
data.make_patches = lambda *args, **kwargs: _all_patches(*args, **kwargs)[:1000]
"""
# and a run that stops in its third epoch until Ctrl-C comes (so it cannot finish before the test's)
WAIT_FOR_CTRL_C = SMALL_DATA + """
import signal
# Ctrl-C as in a terminal, even where the test itself runs with SIGINT ignored (a background job,
# which a child would inherit: Python then installs no KeyboardInterrupt handler)
signal.signal(signal.SIGINT, signal.default_int_handler)
import time
from core import train
_run_epoch = train.Trainer.run_epoch
def _wait_in_third_epoch(self):
    for _ in range(600 if self.epoch == 2 else 0):
        time.sleep(0.1)
    return _run_epoch(self)
train.Trainer.run_epoch = _wait_in_third_epoch
"""


def interrupt_training(out, signals, gap=0.0):
    """Start `deconv train` into `out` (it waits in its third epoch), send `signals` once its state
    is saved (`gap` seconds apart), and wait for it to end. Returns the process and its stderr."""
    args = deconv_command("train", "--variants", "plain", "--seeds", "7", "--epochs", "20", "--device",
                          "cpu", "--out", out, "--save-every", "0", "--no-progress",
                          prelude=WAIT_FOR_CTRL_C)
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    try:
        state = Path(out) / "train-state.safetensors"
        deadline = time.monotonic() + 100  # a start-up on a busy machine, then one saved epoch
        while not state.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        for signum in signals:
            proc.send_signal(signum)
            time.sleep(gap)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    return proc, err


def deconv_command(*args, prelude=""):
    """`python -m core.cli ARGS`, or with `prelude` first: the same `main`, after that code."""
    if not prelude:
        return [sys.executable, "-m", "core.cli", *map(str, args)]
    code = f"import sys\n{prelude}\nfrom core.cli import main\nsys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code, *map(str, args)]


def deconv(*args, prelude="", timeout=120):
    return subprocess.run(deconv_command(*args, prelude=prelude), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def deconv_here(capsys, *args):
    """The command in this process: its exit status and what it printed, as `deconv` returns them."""
    capsys.readouterr()
    status = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, status, out, err)


def assert_usage_error(res, *needles):
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deconv: error: "), res.stderr
    assert "Traceback" not in res.stderr
    for n in needles:
        assert n in lines[0], lines[0]


def test_info_lists_and_verifies(trained_dir):
    res = deconv("info", "--dir", trained_dir)
    assert res.returncode == 0, res.stderr
    rows = [line.split() for line in res.stdout.splitlines()
            if line.split()[:1] in (["plain"], ["code-noise"])]
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        ("code-noise", "11", "3", "verified"), ("code-noise", "22", "3", "verified"),
        ("plain", "11", "3", "verified"), ("plain", "22", "3", "verified")]
    ck = weights.load_checkpoint("plain", 11, trained_dir)
    assert float(rows[2][3]) == pytest.approx(ck.final_loss, rel=1e-3)


def test_info_reports_a_corrupt_file(trained_dir, tmp_path, capsys):
    import shutil

    d = tmp_path / "ck"
    shutil.copytree(trained_dir, d)
    f = d / "plain" / "seed_11.safetensors"
    f.write_bytes(f.read_bytes()[:100])
    res = deconv_here(capsys, "info", "--dir", d)
    assert_usage_error(res, str(f), "deconv train --variants plain --seeds 11 --out")
    assert "FAILED" in res.stdout and res.stdout.count("verified") == 3


def test_info_without_checkpoints(tmp_path, capsys):
    assert_usage_error(deconv_here(capsys, "info", "--dir", tmp_path), "no checkpoint manifest",
                       "deconv train --out")


def test_data_command_writes_article_format(tmp_path):
    out, par = tmp_path / "data.npy", tmp_path / "params.npy"
    res = deconv("data", "--out", out, "--params", par)
    assert res.returncode == 0, res.stderr
    curves, params = np.load(out), np.load(par)
    assert curves.shape == (16384, 15) and curves.dtype == np.float64
    ref, ref_params, _ = article.article_curves(20)
    np.testing.assert_array_equal(curves[:20], ref)
    np.testing.assert_array_equal(params[:20], ref_params)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.npy", "params.npy"]
    # a file that is there is replaced only with --force; --params is a file of its own
    out.write_bytes(b"mine")
    assert_usage_error(deconv("data", "--out", out, "--n", 10), "already there", "--force")
    assert out.read_bytes() == b"mine"
    assert deconv("data", "--out", out, "--n", 10, "--force").returncode == 0
    assert_usage_error(deconv("data", "--out", tmp_path / "a.npy", "--params", tmp_path / "a.npy"),
                       "same file as --out")
    assert_usage_error(deconv("data", "--out", tmp_path / "b.npy", "--n", 10**11), "--n: give a number")


def test_train_options_default_to_the_protocol():
    from core import train

    a, d = cli.build_parser().parse_args(["train"]), train.TrainConfig()
    assert (tuple(a.variants), tuple(a.seeds), a.epochs, a.lr, a.batch, tuple(a.code_noise), a.input_noise) \
        == (d.variants, d.seeds, d.epochs, d.lr, d.batch, d.code_noise, d.input_noise)
    assert d.seeds == tuple(range(11, 111, 11)) and d.epochs == 5000 and len(d.variants) == 5


@pytest.mark.parametrize("args,needle", [
    (("data", "--out", "/nonexistent/dir/x.npy"), "does not exist"),
    (("data", "--out", "x.txt"), "ending in .npy"),
    (("data", "--out", "{tmp}"), "is a folder; give a file name ending in .npy"),
    (("data", "--out", "{tmp}/../" + "x.npy/y.npy"), "does not exist"),
    (("data",), "--out"),
    (("train", "--variants", "nope"), "invalid choice: 'nope'"),
    (("train", "--epochs", "ten"), "invalid int value"),
    (("train", "--variants", "plain", "whole-curve", "--out", "{tmp}"),
     "whole-curve trains on whole curves and the others on patches: train it on its own"),
    (("train", "--code-noise", "0.1", "-1", "0"), "must be a finite number >= 0"),
    (("train", "--epochs", "0", "--out", "{tmp}"), "epochs and batch must be at least 1"),
    (("train", "--resume", "--out", "{tmp}"), "no interrupted run to resume"),
    (("train", "--resume", "--epochs", "10", "--seeds", "1", "--out", "{tmp}"), "drop --seeds --epochs"),
    (("train", "--seeds", "99999999999999999999", "--out", "{tmp}"), "use a seed from 0 to 4294967295"),
    (("data", "--out", "{tmp}/x.npy", "--seed", "-1"), "--seed: use a seed from 0 to 4294967295: '-1'"),
    (("clip", "{tmp}/v.mp4", "--gif", "--fps", "nan"), "--fps: not a finite number: 'nan'"),
    (("data", "--out", "{tmp}/" + "a" * 300 + ".npy"), "name is longer than the file system allows"),
    (("import-article", "{tmp}"), "no encoder_<seed>.pt files"),
    (("import-article", "/nonexistent"), "no such folder"),
    (("frobnicate",), "invalid choice"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, args, needle):
    res = deconv_here(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert_usage_error(res, needle)
    assert not (tmp_path / "manifest.json").exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message on a machine without CUDA")
def test_cuda_requested_without_cuda(tmp_path, capsys):
    assert_usage_error(deconv_here(capsys, "train", "--device", "cuda", "--out", tmp_path), "--device cpu")


def test_train_command_writes_checkpoints(tmp_path, quick):
    """In this process, on 1,000 patches (the command as its own process: interrupt_training)."""
    res = quick.raw("train", "--variants", "plain", "input-noise", "--seeds", "5", "--epochs", "2",
                    "--device", "cpu", "--out", tmp_path, "--no-progress")
    assert res.returncode == 0, res.stderr
    assert "wrote 2 checkpoints" in res.stdout
    ck = weights.load_checkpoint("input-noise", 5, tmp_path)
    assert ck.epochs == 2 and ck.metadata["input_noise"] == "0.01" and ck.metadata["device"] == "cpu"
    assert not (tmp_path / "train-state.safetensors").exists()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_then_resume(tmp_path, quick, signum):
    """Ctrl-C, or SIGTERM (what `timeout` and schedulers send), mid-epoch: the state at the last
    finished epoch is saved, one line says how to continue, exit 128 + the signal's number."""
    proc, err = interrupt_training(tmp_path, [signum])
    state = tmp_path / "train-state.safetensors"
    assert proc.returncode == 128 + signum, err
    assert "Continue with: deconv train --resume --device cpu --out" in err and "Traceback" not in err
    assert state.exists() and not (tmp_path / "manifest.json").exists()
    # a new run refuses to overwrite the waiting state
    assert_usage_error(quick.raw("train", "--out", tmp_path), "--resume")
    # the line's command, here in this process on the same 1,000 patches
    res = quick.raw("train", "--resume", "--out", tmp_path, "--device", "cpu", "--no-progress")
    assert res.returncode == 0, res.stderr
    ck = weights.load_checkpoint("plain", 7, tmp_path)
    assert ck.epochs == 20 and ck.loss.shape == (20,) and not state.exists()


def _article_files(folder, seeds):
    folder.mkdir()
    for seed in seeds:
        enc, dec, _ = init_models(seed)
        torch.save(enc.state_dict(), folder / f"encoder_{seed}.pt")
        torch.save(dec.state_dict(), folder / f"decoder_{seed}.pt")


def test_import_article(tmp_path, capsys, patches):
    src, out = tmp_path / "models", tmp_path / "ck"
    _article_files(src, [11, 22])
    res = deconv_here(capsys, "import-article", src, "--out", out)
    assert res.returncode == 0, res.stderr
    ck = weights.load_checkpoint("article", 22, out)
    enc, dec, _ = init_models(22)
    np.testing.assert_array_equal(ck.enc_w, enc.conv.weight.detach().numpy()[:, 0])
    np.testing.assert_array_equal(ck.dec_w, dec.deconv.weight.detach().numpy()[:, 0])
    assert ck.dec_b == dec.deconv.bias.item()
    x = torch.tensor(patches)[:, None]  # all 16,384 training patches
    want = torch.mean((dec(enc(x)) - x) ** 2).item()
    assert ck.final_loss == pytest.approx(want, rel=1e-4)
    info = deconv_here(capsys, "info", "--dir", out)
    assert info.returncode == 0 and info.stdout.count("verified") == 2


def test_import_article_refuses_bad_files(tmp_path, capsys):
    src = tmp_path / "models"
    _article_files(src, [11])
    (src / "decoder_11.pt").unlink()

    def refused(*needles):
        res = deconv_here(capsys, "import-article", src, "--out", tmp_path / "o" / "new")
        assert_usage_error(res, *needles)
        assert not (tmp_path / "o").exists()  # the folders it made for --out are gone again, being empty

    refused("decoder_11.pt: missing")
    with open(src / "decoder_11.pt", "wb") as f:  # a pickle of a plain object: weights_only refuses
        import pickle

        pickle.dump(os.stat_result((0,) * 10), f)
    refused("not a readable state dict")
    torch.save({"deconv.weight": torch.zeros(4, 1, 5), "deconv.bias": torch.zeros(1)}, src / "decoder_11.pt")
    refused("'deconv.weight' has shape (4, 1, 5)", "has (3, 1, 7)")
    torch.save({"weight": torch.zeros(3, 1, 7)}, src / "decoder_11.pt")
    refused("has no 'deconv.weight' (found weight)")
    (src / "decoder_11.pt").write_text("not a checkpoint at all")
    refused("not a readable state dict")
    # a whole pickled model: refused (it would run code) with the line that re-saves it, a message of
    # its own (not the one for a file that is no checkpoint)
    _, dec, _ = init_models(11)
    torch.save(dec, src / "decoder_11.pt")
    refused("a whole pickled model (core.model.Decoder)", "torch.save(model.state_dict(), 'decoder_11.pt')")
    # a file far larger than the article's models (torch.load reads it whole: a 1 GB one took 1.3 GB):
    # refused unread (a sparse file: no disk used)
    with open(src / "decoder_11.pt", "wb") as f:
        f.truncate(3 << 30)
    refused("decoder_11.pt: 3,221 MB, far more than the article's decoder", "not read")


@pytest.mark.parametrize("wrap", ["module.", "_orig_mod.", "model", "state_dict", "checkpoint"])
def test_import_article_takes_the_usual_ways_of_saving(tmp_path, capsys, wrap):
    """DataParallel ('module.'), torch.compile ('_orig_mod.') and checkpoint dicts wrapping the state
    dict all import as the plain state dict does, to the same weights."""
    src = tmp_path / "models"
    _article_files(src, [11])
    for part in ("encoder", "decoder"):
        f = src / f"{part}_11.pt"
        sd = torch.load(f, weights_only=True)
        if wrap.endswith("."):
            sd = {wrap + k: v for k, v in sd.items()}
        elif wrap == "checkpoint":
            sd = {"model": {"module." + k: v for k, v in sd.items()}, "optimizer": {}, "epoch": 7}
        else:
            sd = {wrap: sd}
        torch.save(sd, f)
    res = deconv_here(capsys, "import-article", src, "--out", tmp_path / "ck")
    assert res.returncode == 0, res.stderr
    enc, _, _ = init_models(11)
    ck = weights.load_checkpoint("article", 11, tmp_path / "ck")
    np.testing.assert_array_equal(ck.enc_w, enc.conv.weight.detach().numpy()[:, 0])


def test_import_variant_is_a_plain_name_and_its_repair_hint_works(tmp_path, capsys):
    src, out = tmp_path / "my models", tmp_path / "check points"  # paths with spaces
    _article_files(src, [11])
    res = deconv_here(capsys, "import-article", src, "--variant", "..", "--out", out)
    assert_usage_error(res, "a plain name")
    assert_usage_error(deconv_here(capsys, "import-article", src, "--variant", "../x", "--out", out), "plain")
    assert not out.exists() and not (tmp_path / "x").exists()
    assert deconv_here(capsys, "import-article", src, "--out", out).returncode == 0
    f = out / "article" / "seed_11.safetensors"
    f.write_bytes(f.read_bytes()[:-10])  # damaged
    res = deconv_here(capsys, "info", "--dir", out)
    hint = res.stderr.split("Regenerate it with: ")[1].strip()
    assert "'" in hint and "deconv train" not in hint  # quoted paths; not a command the parser refuses
    f.unlink()
    fixed = subprocess.run(hint.replace("deconv ", f"{sys.executable} -m core.cli ", 1), shell=True,
                           cwd=Path(__file__).parent.parent, capture_output=True, text=True, timeout=300)
    assert fixed.returncode == 0, fixed.stderr
    assert weights.load_checkpoint("article", 11, out).seed == 11


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_output_is_one_line_not_a_traceback():
    """`deconv info > /dev/full`: the write fails with 'no space left'; one line, exit 2."""
    with open("/dev/full", "w") as full:
        res = subprocess.run([sys.executable, "-m", "core.cli", "info"], cwd=Path(__file__).parent.parent,
                             stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
                             stdin=subprocess.DEVNULL)
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr[-2000:]
    assert res.stderr.strip().splitlines() == [
        "deconv: error: no space left on the device; free some space, or write elsewhere"]


@pytest.mark.parametrize("what", ["checkpoint", "manifest", "figures-out"])
def test_unreadable_files_are_one_line(tmp_path, capsys, monkeypatch, what):
    """chmod 000 on a checkpoint, the manifest or a figures --out, for a user who is not root (here,
    as root, the refusal is simulated where the file is opened): one line naming the file, exit 2."""
    import errno
    import pathlib

    def denied(name):
        def refuse(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", name)
        return refuse

    if what == "checkpoint":
        monkeypatch.setattr(weights, "sha256_file", denied("checkpoints/plain/seed_11.safetensors"))
        res = deconv_here(capsys, "info")
        name = "checkpoints/plain/seed_11.safetensors"
    elif what == "manifest":
        real = pathlib.Path.read_text
        monkeypatch.setattr(pathlib.Path, "read_text", lambda self, *a, **k: denied(str(self))()
                            if self.name == "manifest.json" else real(self, *a, **k))
        res = deconv_here(capsys, "info")
        name = "manifest.json"
    else:
        monkeypatch.setattr(weights, "atomic_write_bytes", denied(str(tmp_path / "F4_training_loss.png")))
        res = deconv_here(capsys, "figures", "--only", "F4", "--out", tmp_path, "--no-progress")
        name = "F4_training_loss.png"
    assert_usage_error(res, name, "permission denied", "chmod")


def test_an_unreadable_checkpoint_folder_stops_a_render_with_one_line(monkeypatch, capsys):
    import errno

    from scenes import models

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "checkpoints/plain/seed_22.safetensors")

    monkeypatch.setattr(weights, "load_all", refuse)
    with pytest.raises(SystemExit) as stop:
        models.load_variants(("plain",))
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "seed_22.safetensors: cannot read it (Permission denied)" in err[0]
    assert "DECONV_CHECKPOINTS" in err[0]


def test_missing_variants_of_both_kinds_get_one_train_command_each(monkeypatch, capsys):
    """whole-curve trains on its own: a render missing it and a patch variant names two commands,
    each of which deconv train accepts."""
    from scenes import models

    monkeypatch.setattr(weights, "load_all", lambda directory, variant: [])
    with pytest.raises(SystemExit) as stop:
        models.load_variants(("plain", "whole-curve"))
    assert stop.value.code == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert "deconv train --variants plain and deconv train --variants whole-curve" in err


def test_import_checks_every_file_first_and_replaces_nothing_without_force(tmp_path, capsys):
    src, out = tmp_path / "models", tmp_path / "ck"
    _article_files(src, [11])
    assert deconv_here(capsys, "import-article", src, "--out", out).returncode == 0
    before = (out / "article" / "seed_11.safetensors").read_bytes()
    # a second folder: seed 11 with other weights, and a seed 22 with no decoder
    other = tmp_path / "other"
    _article_files(other, [11, 22])
    enc, dec, _ = init_models(5)
    torch.save(enc.state_dict(), other / "encoder_11.pt")
    (other / "decoder_22.pt").unlink()
    res = deconv_here(capsys, "import-article", other, "--out", out, "--force")
    assert_usage_error(res, "decoder_22.pt: missing")
    assert (out / "article" / "seed_11.safetensors").read_bytes() == before  # nothing written
    _article_files(other / "ok", [11])
    assert_usage_error(deconv_here(capsys, "import-article", other / "ok", "--out", out), "already there",
                       "--force")
    assert deconv_here(capsys, "import-article", other / "ok", "--out", out, "--force").returncode == 0
    for name in ("manifest.json", "train-state.safetensors", ".hidden"):
        assert_usage_error(deconv_here(capsys, "import-article", src, "--variant", name, "--out", out),
                           "a plain name")


def test_import_names_the_files_as_they_are_written(tmp_path, capsys):
    """encoder_011.pt goes with decoder_011.pt (not decoder_11.pt); a folder in a file's place is
    said to be one."""
    src = tmp_path / "models"
    _article_files(src, [11])
    for part in ("encoder", "decoder"):
        (src / f"{part}_11.pt").rename(src / f"{part}_011.pt")
    res = deconv_here(capsys, "import-article", src, "--out", tmp_path / "ck")
    assert res.returncode == 0, res.stderr
    (src / "decoder_011.pt").unlink()
    (src / "decoder_011.pt").mkdir()
    assert_usage_error(deconv_here(capsys, "import-article", src, "--out", tmp_path / "ck2"),
                       "decoder_011.pt: a folder")
    afile = tmp_path / "afile"
    afile.write_text("")
    assert_usage_error(deconv_here(capsys, "data", "--out", afile / "x.npy"), "afile is a file, not a folder")
