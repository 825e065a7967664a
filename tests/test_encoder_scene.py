"""The encoder video, rendered once: the windows, dot products, tanh values and reconstructions it
draws and says are the model's (core.story), the patch it takes apart is window 1 of the curve it
encodes, and the data is drawn in the data colour."""

import numpy as np
import pytest
from conftest import check_render, render_fixture

from core import data, overlap, story
from core.subtitles import fmt
from scenes import encoder
from scenes import theme as th

SECTIONS = ["data", "windows", "dot-products", "round-trip"]


render = render_fixture("encoder")


def colours(picture) -> set[str]:
    """The colours a recorded picture is drawn in (lower-case hex), whether or not it has faded out
    since: each stroked part's stroke, each filled part's fill."""
    found = set()
    for m in picture.family_members_with_points():
        c = m.get_stroke_color() if m.get_stroke_width() > 0 else m.get_fill_color()
        found.add(c.to_hex().lower())
    return found


def test_render_has_its_sections_and_readable_subtitles(render):
    check_render(render, SECTIONS, 50, 170)
    assert f"from a dataset of {data.DATASIZE:,}" in render.said("data")
    assert render.scene.layout_problems == []
    dot_products = next(s for s in render.sections if s.name == "dot-products")
    assert dot_products.duration >= 60  # twice the 35 s it had: one product at a time for filter 1


def test_data_draws_the_datasets_first_curve(render):
    np.testing.assert_allclose(render.values("data", "samples"), data.make_curves(1)[0][0], atol=1e-9)


def test_windows_matrix_is_the_conv_on_the_whole_curve(render, plain):
    idx, curve = story.demo_curve()
    codes = plain.encode_windows(curve)
    np.testing.assert_allclose(render.values("windows", "curve"), curve, atol=1e-9)
    np.testing.assert_allclose(render.values("windows", "code matrix"), codes, atol=1e-12)
    np.testing.assert_allclose(
        [render.values("windows", f"window 1 c{i + 1}") for i in range(3)], codes[:, 0], atol=1e-12
    )
    np.testing.assert_array_equal(render.values("windows", "window"), [0, 6])  # back on window 1
    assert f"Curve {idx}:" in render.said("windows")


def test_the_patch_is_window_1_of_the_curve_encoded_in_windows(render, plain):
    curve = render.values("windows", "curve")
    start = overlap.window_starts()[0]
    np.testing.assert_allclose(render.values("dot-products", "curve"), curve, atol=1e-9)
    np.testing.assert_array_equal(render.values("dot-products", "window"), [start, start + data.KERNEL - 1])
    patch = render.values("dot-products", "patch")
    np.testing.assert_allclose(patch, curve[start : start + data.KERNEL], atol=1e-9)
    np.testing.assert_array_equal(story.demo_patch(0)[2], story.demo_curve()[1][: data.KERNEL])
    # its code, as drawn at the end of dot-products, is the first column of the matrix drawn before
    column = render.values("windows", "code matrix")[:, 0]
    drawn = [render.values("dot-products", f"code c{i + 1}") for i in range(3)]
    np.testing.assert_allclose(drawn, column, atol=1e-12)
    np.testing.assert_allclose(plain.encode(patch[None])[0], column, atol=1e-8)


def test_products_running_sums_sums_and_tanh_are_the_encoders(render, plain):
    _, _, patch = story.demo_patch(0)
    for i in range(3):  # read back from where they are drawn
        drawn = render.values("dot-products", f"filter {i + 1}")
        np.testing.assert_allclose(drawn, plain.enc_w[i], atol=1e-9)
        products = patch * plain.enc_w[i]
        np.testing.assert_allclose(render.values("dot-products", f"products {i + 1}"), products, atol=1e-6)
        np.testing.assert_allclose(
            render.values("dot-products", f"running sum {i + 1}"), np.cumsum(products), atol=1e-6
        )
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
    said = render.said("dot-products")
    assert f"add up to {fmt(sums[0], 3)}" in said and f"c1 = {fmt(code[0], 3)}" in said
    for i in (1, 2):
        assert f"sum {fmt(sums[i], 3)}" in said and f"c{i + 1} = {fmt(code[i], 3)}" in said
    # the sentences chosen by the numbers: filter 1's biggest product, the best-matching filter
    products = patch * plain.enc_w[0]
    k = int(np.argmax(np.abs(products)))
    assert f"at sample {k}: " + ("the same sign" if products[k] > 0 else "opposite signs") in said
    best = int(np.argmax(np.abs(sums)))
    assert f"{th.filter_name(best).capitalize()} has the largest sum in size" in said


def test_the_cues_follow_the_numbers_either_way():
    assert "at sample 2: the same sign there, so it adds 0.300" in encoder.biggest_product_cue(
        np.array([0.1, -0.2, 0.3, 0.0]))
    assert "at sample 1: opposite signs there, so it takes away 0.400" in encoder.biggest_product_cue(
        np.array([0.1, -0.4, 0.3]))
    assert encoder.best_match_cue(np.array([0.1, -0.5, 0.2])).endswith("matches it best, sign flipped.")
    assert encoder.best_match_cue(np.array([0.1, 0.5, 0.2])).startswith(th.filter_name(1).capitalize())
    assert encoder.best_match_cue(np.array([0.1, 0.5, 0.2])).endswith("matches it best.")
    assert encoder.against_training_cue(2e-5, 1e-5).startswith("Above")
    assert encoder.against_training_cue(1e-6, 1e-5).startswith("Below")


def test_round_trip_draws_the_decoded_code_and_six_patches(render, plain):
    _, _, patch = story.demo_patch(0)
    code = plain.encode(patch[None])[0]
    np.testing.assert_allclose(render.values("round-trip", "sum"), plain.decode(code[None])[0], atol=1e-9)
    for i in range(3):
        np.testing.assert_allclose(
            render.values("round-trip", f"scaled {i + 1}"), code[i] * plain.dec_w[i], atol=1e-9
        )
    np.testing.assert_allclose(render.values("round-trip", "patch"), patch, atol=1e-9)
    err = plain.decode(code[None])[0] - patch
    said = render.said("round-trip")
    assert f"mean square error {np.mean(err**2):.1e}" in said
    above = np.mean(err**2) > plain.final_loss
    assert ("Above" if above else "Below") + " the model's final training loss" in said
    idx = story.f5_indices()
    patches = data.make_patches()[idx].astype(np.float64)
    outs = plain.decode(plain.encode(patches))
    for k, i in enumerate(idx):
        np.testing.assert_allclose(render.values("round-trip", f"label {i}"), patches[k], atol=1e-9)
        np.testing.assert_allclose(render.values("round-trip", f"output {i}"), outs[k], atol=1e-9)


DATA_PICTURES = [("data", "samples"), ("windows", "curve"), ("windows", "window"), ("dot-products", "curve"),
                 ("dot-products", "window"), ("dot-products", "patch"), ("round-trip", "patch"),
                 *[("round-trip", f"label {i}") for i in story.f5_indices()]]


@pytest.mark.parametrize("section, role", DATA_PICTURES)
def test_the_data_is_drawn_in_the_data_colour(render, section, role):
    assert th.DATA_COLOR.lower() != th.OUTPUT_COLOR.lower()
    assert colours(render.scene.pictures[section][role]) == {th.DATA_COLOR.lower()}


def test_outputs_and_filters_keep_their_colours(render):
    pictures = render.scene.pictures
    assert colours(pictures["round-trip"]["sum"]) == {th.OUTPUT_COLOR.lower()}
    for i in story.f5_indices():
        assert colours(pictures["round-trip"][f"output {i}"]) == {th.OUTPUT_COLOR.lower()}
    for i, c in enumerate(th.FILTER_COLORS):
        for role in (f"filter {i + 1}", f"products {i + 1}"):
            assert colours(pictures["dot-products"][role]) == {c.lower()}
        assert colours(pictures["round-trip"][f"scaled {i + 1}"]) == {c.lower()}
