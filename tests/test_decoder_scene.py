"""The decoder video: what it draws is the checkpoint's maths, and it renders as users run it."""

import os
from pathlib import Path

import numpy as np
import pytest
from conftest import check_subtitles, cues_in, manim, render_fast, render_sections

from core import subtitles, weights
from scenes import common as cm
from scenes.common import share, two_lines
from scenes.decoder import F6_CODES, DecoderScene, all_codes, sweep_codes

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["weighted-sum", "one-component-sweeps", "all-components", "transposed-convolution"]


def weighted_sum(ck, code):
    """output = c1*f1 + c2*f2 + c3*f3 + b, written out."""
    return code[0] * ck.dec_w[0] + code[1] * ck.dec_w[1] + code[2] * ck.dec_w[2] + ck.dec_b


@pytest.fixture(scope="module")
def plain():
    return weights.load_checkpoint("plain", 22)


@pytest.fixture(scope="module")
def panel(plain):
    ext = cm.code_extent(plain)
    codes = np.vstack([sweep_codes(ext, k) for k in range(3)] + [all_codes(ext)])
    return cm.FourPanel(plain, ext, codes)


def test_four_panel_draws_the_checkpoints_weighted_sum(plain, panel):
    for code in (np.array(F6_CODES[0]), np.array(F6_CODES[1]), all_codes(panel.extent)[137]):
        panel.set_code(code)
        want = weighted_sum(plain, code)
        np.testing.assert_allclose(panel.sum.drawn_values(), want, atol=1e-9)
        np.testing.assert_allclose(panel.current.drawn_values(), want, atol=1e-9)
        for i in range(3):
            np.testing.assert_allclose(panel.scaled[i].drawn_values(), code[i] * plain.dec_w[i], atol=1e-9)
            np.testing.assert_allclose(panel.raw[i].drawn_values(), plain.dec_w[i], atol=1e-9)
        for sig, c3 in zip(panel.family, panel.c3_values):
            np.testing.assert_allclose(sig.drawn_values(), weighted_sum(plain, [code[0], code[1], c3]),
                                       atol=1e-9)
        x, y = panel.point.axes.p2c(panel.point.dot.get_center())[:2]
        assert (x, y) == pytest.approx((code[0], code[1]), abs=1e-9)
        assert panel.point.dot.width / 2 == pytest.approx(panel.point.radius_for(code[2]), rel=1e-6)
        shown = [n.get_value() for n in panel.readout.numbers]
        np.testing.assert_allclose(shown, code, atol=1e-12)


def test_sweeps_move_one_component_and_all_together(panel):
    for k in range(3):
        path = sweep_codes(panel.extent, k)
        others = np.delete(path, k, axis=1)
        assert np.all(others == 0) and path[:, k].max() == pytest.approx(panel.extent[k])
    path = all_codes(panel.extent)
    assert np.all(np.abs(path[0]) < 1e-12) and np.all(np.abs(path[-1]) < 1e-12)
    assert np.all(np.ptp(path, axis=0) > 1.5 * panel.extent)  # every component really moves


def test_code_extent_comes_from_real_codes(plain, patches):
    ext = cm.code_extent(plain)
    codes = plain.encode(patches)
    assert np.mean(np.abs(codes) <= ext, axis=0) == pytest.approx(np.full(3, 0.95), abs=1e-3)


def test_environment_chooses_the_model(monkeypatch, plain):
    monkeypatch.setenv("DECONV_VARIANT", "code-noise")
    monkeypatch.setenv("DECONV_SEED", "33")
    ck = cm.load_model()
    assert (ck.variant, ck.seed) == ("code-noise", 33)
    ext = cm.code_extent(ck)
    p = cm.FourPanel(ck, ext, sweep_codes(ext, 0))
    for i in range(3):
        np.testing.assert_allclose(p.raw[i].drawn_values(), ck.dec_w[i], atol=1e-9)
    assert not np.allclose(ck.dec_w, plain.dec_w, atol=1e-2)
    monkeypatch.setenv("DECONV_SEED", "twenty")
    with pytest.raises(SystemExit) as e:
        cm.load_model()
    assert e.value.code == 2


def test_whole_scene_ends_on_the_checkpoints_numbers(tmp_path, plain):
    """Run the real scene (animations fast-forwarded) and read what its mobjects hold."""
    scene = render_fast(DecoderScene, tmp_path)
    ws = scene.weighted_sum_parts
    final = np.array([c.get_value() for c in ws["code"]])
    np.testing.assert_allclose(final, F6_CODES[1])
    np.testing.assert_allclose(ws["total"].drawn_values(), weighted_sum(plain, final), atol=1e-9)
    decoded = [ws["plot"].axes.p2c(c.get_center())[1] for c in ws["decoder_out"]]
    np.testing.assert_allclose(decoded, plain.decode_windows(final[:, None]), atol=1e-9)
    tc = scene.transposed_parts
    np.testing.assert_allclose(tc["codes"], plain.encode_windows(tc["curve"]))
    for w, sig in enumerate(tc["placed"]):  # window w: its weighted sum, 4*w samples in
        np.testing.assert_allclose(sig.drawn_values(), tc["codes"][:, w] @ plain.dec_w, atol=1e-9)
        assert sig.offset == 4 * w
    np.testing.assert_allclose(tc["total"].drawn_values(), plain.decode_windows(tc["codes"]), atol=1e-9)


@pytest.mark.slow
def test_renders_with_named_sections(tmp_path, plain):
    out, sections = render_sections("decoder", "DecoderScene", tmp_path)
    assert (out / "DecoderScene.mp4").stat().st_size > 10_000
    assert [s["name"] for s in sections] == SECTIONS
    for s in sections:
        assert (out / "sections" / s["video"]).stat().st_size > 1_000
    total = sum(float(s["duration"]) for s in sections)
    assert 60 <= total <= 120
    # subtitles: their numbers are the checkpoint's, formatted as the screen shows them
    cues = check_subtitles(out, "DecoderScene")
    spans = subtitles.read_sections(out / "sections" / "DecoderScene.json")
    assert f"b = {plain.dec_b:+.4f}" in cues_in(cues, spans, "weighted-sum")
    ext = cm.code_extent(plain)
    sweeps = cues_in(cues, spans, "one-component-sweeps")
    for k in range(3):
        assert f"up to {cm.fmt(ext[k], 2)}" in sweeps and f"down to {cm.fmt(-ext[k], 2)}" in sweeps
    idx, _ = cm.demo_curve()
    assert f"curve {idx} " in cues_in(cues, spans, "transposed-convolution")


def test_subtitle_helpers_share_time_and_break_lines():
    parts = share(10.0, 16.0, [10, 30, 20], 1.5)
    assert parts[0] == (10.0, 11.5) and parts[-1][1] == 16.0
    assert all(b - a >= 1.5 for a, b in parts)
    assert all(p[1] == q[0] for p, q in zip(parts, parts[1:]))
    assert share(0.0, 2.0, [1, 1], 1.5) == [(0.0, 1.0), (1.0, 2.0)]  # too short for the minimum
    assert two_lines("short", 42) == "short"
    broken = two_lines("The yellow sum takes them in, sample by sample: blue, green, then purple.", 42)
    assert broken.count("\n") == 1 and max(map(len, broken.splitlines())) <= 42


@pytest.mark.parametrize("flags,suffix", [(["-t"], ".mov"), (["--format", "gif"], ".gif")])
def test_transparent_and_gif_renders(tmp_path, flags, suffix):
    res = manim("render", "-ql", "-r", "256,144", "--fps", "4", *flags, "-n", "0,2", "--media_dir",
                tmp_path, "scenes/decoder.py")
    assert res.returncode == 0, res.stderr[-2000:]
    files = list((tmp_path / "videos").rglob(f"DecoderScene*{suffix}"))
    assert files and files[0].stat().st_size > 1_000


def test_missing_checkpoint_is_one_line_and_exit_2(tmp_path):
    env = {**os.environ, "DECONV_VARIANT": "plain", "DECONV_SEED": "999"}
    res = manim("render", "-ql", "-s", "--media_dir", tmp_path, "scenes/decoder.py", env=env)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [res.stderr.strip()]
    assert "no checkpoint for variant 'plain', seed 999" in res.stderr
    assert "deconv train --variants plain --seeds 999" in res.stderr
    assert "Traceback" not in res.stderr + res.stdout


def test_live_number_shows_its_value_and_stays_put():
    n = cm.number(0.5, 2)
    n.shift([2.0, 1.0, 0.0])
    left = n.get_left()[0]
    n.set_value(-0.07)
    assert n.get_value() == -0.07 and n.format(-0.07) == ("-", "0", ".", "0", "7")
    assert abs(n.get_left()[0] - left) < 0.2 and abs(n.get_y() - 1.0) < 0.1  # moved with the shift
    assert n.format(-0.0001)[0] == "+"  # never "-0.00"
    with pytest.raises(ValueError, match="digit"):
        n.format(12.5)
