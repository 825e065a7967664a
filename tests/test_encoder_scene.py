"""The encoder video, rendered once: the windows, dot products, tanh values and reconstructions it
draws and says are the model's (core.story)."""

import numpy as np
from conftest import check_render, render_fixture

from core import data, story
from core.subtitles import fmt

SECTIONS = ["data", "windows", "dot-products", "round-trip"]


render = render_fixture("encoder")


def test_render_has_its_sections_and_readable_subtitles(render):
    check_render(render, SECTIONS, 50, 150)
    assert f"from a dataset of {data.DATASIZE:,}" in render.said("data")


def test_windows_matrix_is_the_conv_on_the_whole_curve(render, plain):
    idx, curve = story.demo_curve()
    codes = plain.encode_windows(curve)
    np.testing.assert_allclose(render.values("windows", "code matrix"), codes, atol=1e-12)
    np.testing.assert_allclose(
        [render.values("windows", f"window 1 c{i + 1}") for i in range(3)], codes[:, 0], atol=1e-12
    )
    assert f"Curve {idx}:" in render.said("windows")


def test_the_three_sums_are_the_pre_activations_and_tanh_gives_the_code(render, plain):
    _, _, patch = story.demo_patch()
    np.testing.assert_array_equal(patch, data.make_patches()[story.demo_curve()[0]].astype(np.float64))
    np.testing.assert_allclose(render.values("dot-products", "patch"), patch, atol=1e-9)
    sums = [render.values("dot-products", f"sum {i + 1}") for i in range(3)]
    pre = [render.values("dot-products", f"pre {i + 1}") for i in range(3)]
    code = [render.values("dot-products", f"c{i + 1}") for i in range(3)]
    np.testing.assert_allclose(sums, plain.enc_w @ patch, atol=1e-12)
    np.testing.assert_allclose(pre, plain.pre_activations(patch[None])[0], atol=1e-12)
    np.testing.assert_allclose(code, plain.encode(patch[None])[0], atol=1e-12)
    np.testing.assert_allclose(np.tanh(pre), code, atol=1e-12)
    np.testing.assert_allclose(
        [render.values("dot-products", f"code c{i + 1}") for i in range(3)], code, atol=1e-12
    )
    for i in range(3):  # each bar is patch[k] * filter_i[k], read back from where it is drawn
        np.testing.assert_allclose(
            render.values("dot-products", f"products {i + 1}"), patch * plain.enc_w[i], atol=1e-6
        )
    said = render.said("dot-products")
    for i in range(3):
        assert f"ends at {fmt(sums[i], 3)}" in said and f"c{i + 1} = {fmt(code[i], 3)}" in said


def test_round_trip_draws_the_decoded_code_and_six_patches(render, plain):
    _, _, patch = story.demo_patch()
    code = plain.encode(patch[None])[0]
    np.testing.assert_allclose(render.values("round-trip", "sum"), plain.decode(code[None])[0], atol=1e-9)
    for i in range(3):
        np.testing.assert_allclose(
            render.values("round-trip", f"scaled {i + 1}"), code[i] * plain.dec_w[i], atol=1e-9
        )
    np.testing.assert_allclose(render.values("round-trip", "patch"), patch, atol=1e-9)
    err = plain.decode(code[None])[0] - patch
    assert f"mean square error {np.mean(err**2):.1e}" in render.said("round-trip")
    idx = story.f5_indices()
    patches = data.make_patches()[idx].astype(np.float64)
    outs = plain.decode(plain.encode(patches))
    for k, i in enumerate(idx):
        np.testing.assert_allclose(render.values("round-trip", f"label {i}"), patches[k], atol=1e-9)
        np.testing.assert_allclose(render.values("round-trip", f"output {i}"), outs[k], atol=1e-9)
