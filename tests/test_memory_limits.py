"""Memory bounded by the work, not by the size asked for (issue 25, item 3): the transposed explainer's
matrix view of a DECONV_CONV setting is computed from the kernel's placement, never as the dense
(inputs x outputs) matrix C or the (outputs x outputs) Cᵀ C; `deconv explain` refuses more input
channels than it prints; `deconv data` makes and writes its curves a chunk at a time.

The large settings run in a child process under an address-space limit (RLIMIT_AS) a few hundred MB
above what its imports take, so that what would need gigabytes fails there, not on the machine.
"""

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from conftest import assert_usage_error, deconv_here

from core import conv, data
from core import explain as ex

ROOT = Path(__file__).resolve().parents[1]


def run_capped(code: str, headroom_mb: int, timeout: float = 120) -> subprocess.CompletedProcess:
    """`code` in a child Python whose address space may grow `headroom_mb` beyond what it holds once
    `PRELUDE` (its imports) has run: an allocation past that is a MemoryError there."""
    prelude = textwrap.dedent(f"""
        import resource
        def cap():
            size = next(int(line.split()[1]) for line in open("/proc/self/status")
                        if line.startswith("VmSize:")) * 1024
            hard = resource.getrlimit(resource.RLIMIT_AS)[1]
            soft = size + ({headroom_mb} << 20)
            resource.setrlimit(resource.RLIMIT_AS, (soft if hard < 0 else min(soft, hard), hard))
        """)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def dense_c(b: ex.Breakdown) -> np.ndarray:
    """C as the scene used to build it: column j of Cᵀ is the transposed convolution of input j alone."""
    eye = np.eye(int(np.prod(b.x.shape[1:]))).reshape(-1, 1, *b.x.shape[1:])
    t = np.stack([conv.conv_transpose(e, b.weight, None, b.stride, b.padding, b.output_padding,
                                      b.dilation).ravel() for e in eye], axis=1)
    return t.T


SETTINGS = [
    "size=4",
    "kernel=4 stride=3 padding=2 seed=7",
    "size=9 kernel=3 stride=1 padding=1 output_padding=0 seed=0",
    "size=7 kernel=5 stride=2 dilation=3 padding=6 output_padding=2 seed=4",
    "size=3x3 kernel=3 stride=2 padding=1 output_padding=1",
    "size=5x4 kernel=3x2 stride=1x2 padding=2x0 output_padding=0x1 seed=11",
    "size=6x6 kernel=4 stride=3 dilation=2 padding=5 output_padding=1 seed=3",
    "size=5x5 kernel=2 stride=1 dilation=3 padding=1 output_padding=0 seed=8",  # groups of inputs apart
]


@pytest.mark.parametrize("text", SETTINGS)
def test_the_matrix_view_is_the_dense_matrix(text, monkeypatch):
    b = ex.of_setting(ex.parse(text))
    m = ex.matrix_of(b)
    c = dense_c(b)
    g = c.T @ c
    assert m.shape == c.shape
    np.testing.assert_array_equal(m.dense(), c)
    np.testing.assert_array_equal(m.block(5, 7), c[:5, :7])
    np.testing.assert_array_equal(m.gram_block(36), g[:36, :36])
    assert m.gram_diagonal() == (np.diag(g).min(), np.diag(g).max())
    assert m.gram_off_diagonal() == np.abs(g - np.diag(np.diag(g))).max()
    v = np.arange(len(g)) % 3 + 1.0
    np.testing.assert_allclose(m.gram_times(v), g @ v, atol=1e-9)
    rank = np.linalg.matrix_rank(c)
    assert m.rank() == rank
    gram, groups = m.gram_rows()  # beyond DENSE_RANK: C Cᵀ, block by block, has C's rank
    np.testing.assert_array_equal(gram, c @ c.T)
    label = np.zeros(len(gram), int)
    for k, idx in enumerate(groups):
        label[idx] = k
    assert not ((gram != 0) & (label[:, None] != label[None, :])).any()
    monkeypatch.setattr(ex, "DENSE_RANK", 0)
    assert m.rank() == rank


def test_a_rank_the_crop_lowers_is_found_both_ways(monkeypatch):
    """Kernel 1 0 -1 at stride 1, padding 1 on 5 samples: C is 5 x 5, skew-symmetric, so of rank 4."""
    s = ex.parse("size=5 kernel=3 stride=1 padding=1 output_padding=0")
    b = ex.of_setting(s, weight=[[[1.0, 0, -1]]])
    m = ex.matrix_of(b)
    assert np.linalg.matrix_rank(dense_c(b)) == 4 == m.rank()
    monkeypatch.setattr(ex, "DENSE_RANK", 0)
    assert m.rank() == 4


LARGE = "dims=2 size=24x24 kernel=4 stride=16 dilation=8 seed=5"  # C: 576 x 153,664 = 708 MB dense


def test_the_scenes_matrix_numbers_of_a_large_setting_in_bounded_memory():
    """What the matrix and not-an-inverse sections compute, through the scene's own conv_of_matrix,
    in 400 MB: the dense C would take 708 MB (and Cᵀ C 189 GB). Checked against the breakdown's own
    stamps (core.explain.breakdown: every input's copy of the kernel and where it lands)."""
    res = run_capped(f"""
        import json, types
        import numpy as np
        from core import explain as ex
        from scenes.transposed import MAX_SHADES, TransposedScene
        b = ex.of_setting(ex.parse({LARGE!r}))
        cap()
        c, what, checked = TransposedScene.conv_of_matrix(types.SimpleNamespace(article=False, main=b))
        v = np.arange(c.shape[1]) % 3 + 1.0
        back = c.gram_times(v)
        print(json.dumps({{"shape": c.shape, "what": what, "block": c.block(64, 64).tolist(),
                          "gram": c.gram_block(MAX_SHADES).tolist(), "diag": c.gram_diagonal(),
                          "off": c.gram_off_diagonal(), "rank": c.rank(), "back": back[:2000].tolist(),
                          "back_sum": float(back.sum())}}))
        """, headroom_mb=400)
    assert res.returncode == 0, res.stderr[-3000:]
    got = json.loads(res.stdout)
    b = ex.of_setting(ex.parse(LARGE))
    n_in, (h, w) = 24 * 24, b.out_size
    assert (h, w) == (392, 392) and got["shape"] == [n_in, h * w]
    assert got["what"] == "the 2-D convolution over 392x392 pixels, flattened"
    # every input's stamp, cropped to the output: (flat output index, value) pairs from the breakdown
    rows, cols, vals = [], [], []
    for st in b.stamps:
        for taps, (r, q) in zip(np.ndindex(*b.kernel), st.positions(b.dilation)):
            r, q = r - b.padding[0], q - b.padding[1]
            if 0 <= r < h and 0 <= q < w and b.weight[(0, 0, *taps)] != 0:
                rows.append(st.index[0] * 24 + st.index[1])
                cols.append(r * w + q)
                vals.append(b.weight[(0, 0, *taps)])
    rows, cols, vals = map(np.array, (rows, cols, vals))
    block = np.zeros((64, 64))
    near = (rows < 64) & (cols < 64)
    block[rows[near], cols[near]] = vals[near]
    np.testing.assert_array_equal(got["block"], block)
    first = np.zeros((n_in, 36))
    near = cols < 36
    first[rows[near], cols[near]] = vals[near]
    np.testing.assert_array_equal(got["gram"], first.T @ first)
    squares = np.bincount(cols, vals**2, minlength=h * w)  # Cᵀ C's diagonal: each column's sum of squares
    assert got["diag"] == [squares.min(), squares.max()]
    # off the diagonal: pairs of outputs that one input's stamp reaches, summed over inputs
    pairs: dict[tuple[int, int], float] = {}
    for i in np.unique(rows):
        mine = rows == i
        for a, va in zip(cols[mine], vals[mine]):
            for c2, vb in zip(cols[mine], vals[mine]):
                if a != c2:
                    pairs[a, c2] = pairs.get((a, c2), 0.0) + va * vb
    assert got["off"] == max(abs(v) for v in pairs.values())
    v = np.arange(h * w) % 3 + 1.0
    y = np.bincount(rows, vals * v[cols], minlength=n_in)  # C v
    back = np.bincount(cols, vals * y[rows], minlength=h * w)  # Cᵀ (C v)
    np.testing.assert_allclose(got["back"], back[:2000], rtol=1e-12)
    assert got["back_sum"] == pytest.approx(back.sum(), rel=1e-12)
    # C Cᵀ from the stamps; its rank is C's
    cct = np.zeros((n_in, n_in))
    by_col: dict[int, list[tuple[int, float]]] = {}
    for r, q, val in zip(rows, cols, vals):
        by_col.setdefault(q, []).append((r, val))
    for hits in by_col.values():
        for r1, v1 in hits:
            for r2, v2 in hits:
                cct[r1, r2] += v1 * v2
    assert got["rank"] == np.linalg.matrix_rank(cct, hermitian=True) == n_in


def test_the_largest_setting_is_computed_without_the_matrix():
    """DECONV_CONV="dims=2 size=64x64 kernel=16 stride=16 dilation=8 seed=5", the tester's (21 GB,
    then killed): C would be 4,096 x 1,272,384 (41.7 GB), Cᵀ C 13 TB. Its pictures and numbers but
    the rank (seconds of eigenvalues, 4,096 x 4,096) in 200 MB of headroom; the diagonal as the
    transposed convolution of ones with the squared kernel (a column's sum of squares)."""
    res = run_capped("""
        import json
        import numpy as np
        from core import conv, explain as ex
        s = ex.parse("dims=2 size=64x64 kernel=16 stride=16 dilation=8 seed=5")
        _, w = ex.example(s)
        cap()
        m = ex.ConvMatrix(w[0, 0], s.size, s.out_size, s.stride, s.padding, s.output_padding, s.dilation)
        ones = conv.conv_transpose(np.ones((1, 64, 64)), w**2, None, s.stride, s.padding,
                                   s.output_padding, s.dilation)
        back = m.gram_times(np.ones(m.shape[1]))
        print(json.dumps({"shape": m.shape, "out": s.out_size, "diag": m.gram_diagonal(),
                          "want": [ones.min(), ones.max()], "off": m.gram_off_diagonal(),
                          "block": m.block(64, 64).shape, "gram": m.gram_block(36).shape,
                          "back": float(back.sum())}))
        """, headroom_mb=200)
    assert res.returncode == 0, res.stderr[-3000:]
    got = json.loads(res.stdout)
    assert got["shape"] == [4096, 1128 * 1128] and got["out"] == [1128, 1128]
    assert got["diag"] == got["want"]
    assert got["off"] > 0 and got["block"] == [64, 64] and got["gram"] == [36, 36]
    assert np.isfinite(got["back"])


def test_deconv_explain_refuses_more_channels_than_it_prints(capsys):
    """A table row per input channel and position: 2,000 channels of 16 samples printed 280 MB in
    28 s (368 MB resident); 8 channels of 64x64 took 303 MB. At most core.explain.CHANNELS (16) and
    core.explain.STAMPS (4,096: channels x input samples or pixels), refused before any computing."""
    many = " | ".join(["1 2 3"] * (ex.CHANNELS + 1))
    res = deconv_here(capsys, "explain", "--input", many, "--weight", many)
    assert_usage_error(res, "--input has 17 input channels (split by |), more than this explainer prints; "
                            "give at most 16")
    assert res.stdout == ""
    res = deconv_here(capsys, "explain", "--weight", many)
    assert_usage_error(res, "--weight has 17 kernels (split by |)", "give at most 16")
    ok = " | ".join(["1 2 3"] * ex.CHANNELS)
    res = deconv_here(capsys, "explain", "--input", ok, "--weight", ok, "--json")
    assert res.returncode == 0 and len(json.loads(res.stdout)["input"]) == 16
    grid = "; ".join([" ".join(["1"] * 64)] * 64)
    res = deconv_here(capsys, "explain", "--input", " | ".join([grid] * 2), "--weight", "1 | 1", "--dims", 2)
    assert_usage_error(res, "--input has 2 channels of 64x64: 8,192 stamps, more than this explainer "
                            "prints (at most 4,096, channels x input pixels); give fewer channels or a "
                            "smaller input")
    res = deconv_here(capsys, "explain", "--input", grid, "--weight", "1", "--dims", 2, "--json")
    assert res.returncode == 0 and np.array(json.loads(res.stdout)["input"]).shape == (1, 64, 64)


# --- deconv data -------------------------------------------------------------------------------------
def test_deconv_data_memory_does_not_grow_with_n(tmp_path):
    """A million curves (120 MB on disk) in under 150 MB of resident memory (62 MB measured; the whole
    array, built then copied twice to save it, took 296 MB here, and 10**8 curves 26 GB); and under an
    address-space limit 500 MB above the imports. The file is the curves, as make_curves makes them."""
    out = tmp_path / "data.npy"
    res = run_capped(f"""
        from core import cli
        cap()
        status = cli.main(["data", "--out", {str(out)!r}, "--params", {str(tmp_path / "p.npy")!r},
                           "--n", "1000000"])
        # this process's peak resident memory (VmHWM: getrusage's can count the parent's, from before exec)
        peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
        print(status, peak // 1024)
        """, headroom_mb=500)
    assert res.returncode == 0, res.stderr[-3000:]
    status, peak_mb = map(int, res.stdout.split()[-2:])
    assert status == 0 and peak_mb < 150, peak_mb
    curves = np.load(out, mmap_mode="r")
    assert curves.shape == (1000000, 15) and out.stat().st_size == 128 + 120 * 10**6
    want, params = data.make_curves(1000)
    np.testing.assert_array_equal(curves[:1000], want)
    np.testing.assert_array_equal(np.load(tmp_path / "p.npy")[:1000], params)


def test_deconv_data_writes_what_np_save_writes(tmp_path, capsys):
    n = data.CHUNK + 123  # across a chunk boundary
    res = deconv_here(capsys, "data", "--out", tmp_path / "d.npy", "--params", tmp_path / "p.npy",
                      "--n", n, "--seed", 5)
    assert res.returncode == 0, res.stderr
    curves, params = data.make_curves(n, 5)
    for name, array in (("d.npy", curves), ("p.npy", params)):
        buf = io.BytesIO()
        np.save(buf, array)
        assert (tmp_path / name).read_bytes() == buf.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.npy", "p.npy"]  # no temporary file left


def test_deconv_data_refuses_what_the_disk_cannot_hold(tmp_path, capsys, monkeypatch):
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=5 * 10**9))
    res = deconv_here(capsys, "data", "--out", tmp_path / "d.npy", "--params", tmp_path / "p.npy",
                      "--n", 10**8)
    assert_usage_error(res, "100,000,000 curves take 13.6 GB on the disk of", "which has 5.0 GB free; "
                            "ask for fewer with --n, or write them elsewhere")
    assert list(tmp_path.iterdir()) == []
    res = deconv_here(capsys, "data", "--out", tmp_path / "d.npy", "--n", 10**8 + 1)
    assert_usage_error(res, "--n: give a number of curves from 1 to 100,000,000")


def test_deconv_data_stopped_halfway_leaves_nothing(tmp_path, capsys, monkeypatch):
    real = data.curve_chunks

    def chunks(n, seed):  # Ctrl-C after the first chunk is written
        yield next(real(n, seed, 1000))
        raise KeyboardInterrupt

    monkeypatch.setattr(data, "curve_chunks", chunks)
    (tmp_path / "d.npy").write_bytes(b"old")
    res = deconv_here(capsys, "data", "--out", tmp_path / "d.npy", "--params", tmp_path / "p.npy",
                      "--n", 5000, "--force")
    assert res.returncode == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.npy"]
    assert (tmp_path / "d.npy").read_bytes() == b"old"
