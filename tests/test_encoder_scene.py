"""The encoder video: the dot products, tanh values and reconstructions it shows are the model's."""

from pathlib import Path

import numpy as np
import pytest
from conftest import check_subtitles, cues_in, render_fast, render_sections

from core import data, subtitles, weights
from scenes import common as cm
from scenes.encoder import EncoderScene

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["data", "windows", "dot-products", "round-trip"]


@pytest.fixture(scope="module")
def plain():
    return weights.load_checkpoint("plain", 22)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """The real scene, animations fast-forwarded; its mobjects are read afterwards."""
    return render_fast(EncoderScene, tmp_path_factory.mktemp("media"))


def test_the_three_sums_are_the_pre_activations_and_tanh_gives_the_code(scene, plain):
    dp = scene.dot_parts
    patch = dp["patch"]
    np.testing.assert_array_equal(patch, data.make_patches()[scene.demo_idx].astype(np.float64))
    shown_sums = np.array([n.get_value() for n in dp["sums"]])
    shown_pre = np.array([n.get_value() for n in dp["pre"]])
    shown_code = np.array([n.get_value() for n in dp["codes"]])
    np.testing.assert_allclose(shown_sums, plain.enc_w @ patch, atol=1e-12)
    np.testing.assert_allclose(shown_pre, plain.pre_activations(patch[None])[0], atol=1e-12)
    np.testing.assert_allclose(shown_code, plain.encode(patch[None])[0], atol=1e-12)
    np.testing.assert_allclose(np.tanh(shown_pre), shown_code, atol=1e-12)
    np.testing.assert_allclose([n.get_value() for n in dp["code_row"]], shown_code, atol=1e-12)
    # each bar is patch[k] * filter_i[k], read back from where it is drawn
    for i, (bars, plot) in enumerate(zip(dp["bars"], dp["prod_plots"])):
        heights = [plot.axes.p2c(b.get_top())[1] + plot.axes.p2c(b.get_bottom())[1] for b in bars]
        np.testing.assert_allclose(heights, patch * plain.enc_w[i], atol=1e-6)


def test_windows_matrix_is_the_conv_on_the_whole_curve(scene, plain):
    wp = scene.windows_parts
    np.testing.assert_allclose(wp["codes"], plain.encode_windows(wp["curve"]), atol=1e-12)


def test_round_trip_draws_the_decoded_code(scene, plain):
    rt = scene.round_trip_parts
    code = plain.encode(scene.dot_parts["patch"][None])[0]
    np.testing.assert_allclose(rt["ws"].total.drawn_values(), plain.decode(code[None])[0], atol=1e-9)
    for i in range(3):
        np.testing.assert_allclose(rt["ws"].scaled[i].drawn_values(), code[i] * plain.dec_w[i], atol=1e-9)
    np.testing.assert_allclose(rt["target"].drawn_values(), scene.dot_parts["patch"], atol=1e-9)
    sigs, idx = scene.several_parts["signals"], scene.several_parts["indices"]
    patches = data.make_patches()[idx].astype(np.float64)
    outs = plain.decode(plain.encode(patches))
    for k in range(len(idx)):
        np.testing.assert_allclose(sigs[2 * k].drawn_values(), patches[k], atol=1e-9)
        np.testing.assert_allclose(sigs[2 * k + 1].drawn_values(), outs[k], atol=1e-9)


@pytest.mark.slow
def test_renders_with_named_sections(tmp_path, plain):
    out, sections = render_sections("encoder", "EncoderScene", tmp_path)
    assert [s["name"] for s in sections] == SECTIONS
    assert 50 <= sum(float(s["duration"]) for s in sections) <= 150
    # subtitles: their numbers are the checkpoint's, formatted as the screen shows them
    cues = check_subtitles(out, "EncoderScene")
    spans = subtitles.read_sections(out / "sections" / "EncoderScene.json")
    idx, _ = cm.demo_curve()
    patch = data.make_patches()[idx].astype(np.float64)
    code, sums = plain.encode(patch[None])[0], plain.enc_w @ patch
    said = cues_in(cues, spans, "dot-products")
    for i in range(3):
        assert f"ends at {cm.fmt(sums[i], 3)}" in said and f"c{i + 1} = {cm.fmt(code[i], 3)}" in said
    err = plain.decode(code[None])[0] - patch
    assert f"mean square error {np.mean(err ** 2):.1e}" in cues_in(cues, spans, "round-trip")
    assert f"Curve {idx}:" in cues_in(cues, spans, "windows")
